#!/usr/bin/env bash
# The canonical package view (issue 10.3, docs/package-view.md) end to end: one project built
# here in three shapes -- an sdist (tar.gz), a wheel (zip) and an installed Debian package (.deb,
# dpkg-deb) -- and a CRLF copy of the sdist; `pyvet extract` with every set.
#  - every column that does not read setup files is equal across the three shapes;
#  - the setup-dependent ones behave as documented (the sdist's setup.py with an install command
#    and its minimal setup.cfg: has_install_cmd and min_cfg 1 there, 0 on the built shapes);
#  - the wheel and the installed package (no setup files) agree on every column but artifacts,
#    and on the text document's tokens;
#  - the CRLF copy gives the LF sdist's values for every set but artifacts, and the same tokens;
#  - shape is a label column, never a feature.
# Packages are built with Python's tarfile/zipfile and dpkg-deb, never unpacked or run.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
DOM="--domains tests/data/top-domains-mini.csv"
if ! [ -x "$PY" ]; then
	skip "python3 missing: the three shapes are not built"
	finish
	exit
fi

mkdir -p "$TMP/pkgs" "$TMP/deb"
"$PY" - "$TMP/pkgs" "$TMP/deb" <<'PY'
import io, os, sys, tarfile, zipfile
out, debroot = sys.argv[1], sys.argv[2]
MIT = ("MIT License\n\nCopyright (c) 2024 Demo Author\n\n"
       "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
       "of this software and associated documentation files (the \"Software\"), to deal\n"
       "in the Software without restriction.\n")
meta_fields = ("Name: demo\nVersion: 1.0\nSummary: a demo\n"
               "Home-page: https://github.com/demo/demo\n"
               "Author: Demo Author\nAuthor-email: demo@gmail.com\nLicense: MIT\n"
               "Classifier: License :: OSI Approved :: MIT License\n"
               "Classifier: Programming Language :: Python :: 3\n")
def meta(version, extra=""):
    return "Metadata-Version: %s\n%s%s\nA demo package.\n" % (version, meta_fields, extra)
modules = {
    "demo/__init__.py": "from .core import run\n",
    "demo/core.py": ("import base64\nimport os\nimport urllib.request\n\n\ndef run():\n"
                     "    blob = base64.b64decode(\"aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgc3RyaW5n\")\n"
                     "    urllib.request.urlopen(\"http://203.0.113.9/collect\")\n"
                     "    os.system(\"echo \" + blob.decode())\n"),
    "demo/util/__init__.py": "",
    "demo/util/text.py": "def shout(s):\n    return s.upper()\n",
    "demo/data.json": "{\"k\": 1}\n",
}
setup_py = ("from setuptools import setup\nfrom setuptools.command.install import install\n\n\n"
            "class PostInstall(install):\n    def run(self):\n        install.run(self)\n\n\n"
            "setup(name='demo', version='1.0', packages=['demo'],\n"
            "      cmdclass={'install': PostInstall})\n")
setup_cfg = "[egg_info]\ntag_build = \ntag_date = 0\n\n"

def crlf(s):
    return s.replace("\n", "\r\n")

def sdist(path, conv):
    files = dict(modules)
    files.update({"PKG-INFO": meta("2.1"), "setup.py": setup_py, "setup.cfg": setup_cfg,
                  "LICENSE": MIT, "demo.egg-info/PKG-INFO": meta("2.1"),
                  "demo.egg-info/SOURCES.txt": "setup.py\ndemo/__init__.py\n",
                  "demo.egg-info/top_level.txt": "demo\n",
                  "demo.egg-info/dependency_links.txt": "\n"})
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(files):
            data = conv(files[name]).encode()
            ti = tarfile.TarInfo("demo-1.0/" + name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))

sdist(os.path.join(out, "demo-1.0.tar.gz"), lambda s: s)
sdist(os.path.join(out, "demo-1.0-crlf.tar.gz"), crlf)

files = dict(modules)
files.update({"demo-1.0.dist-info/METADATA": meta("2.4", "License-File: LICENSE\n"),
              "demo-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: bdist_wheel\n"
                                          "Root-Is-Purelib: true\nTag: py3-none-any\n",
              "demo-1.0.dist-info/RECORD": "demo/__init__.py,,\n",
              "demo-1.0.dist-info/top_level.txt": "demo\n",
              "demo-1.0.dist-info/licenses/LICENSE": MIT})
with zipfile.ZipFile(os.path.join(out, "demo-1.0-py3-none-any.whl"), "w") as z:
    for name in sorted(files):
        z.writestr(name, files[name])

# the installed layout of a Debian package, for dpkg-deb
dp = os.path.join(debroot, "usr/lib/python3/dist-packages")
files = dict(modules)
files.update({"demo-1.0.egg-info/PKG-INFO": meta("2.1"),
              "demo-1.0.egg-info/top_level.txt": "demo\n",
              "demo-1.0.egg-info/dependency_links.txt": "\n"})
for name, text in files.items():
    os.makedirs(os.path.dirname(os.path.join(dp, name)), exist_ok=True)
    with open(os.path.join(dp, name), "w") as f:
        f.write(text)
doc = os.path.join(debroot, "usr/share/doc/python3-demo")
os.makedirs(doc)
with open(os.path.join(doc, "copyright"), "w") as f:
    f.write("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
            "Upstream-Name: demo\n\nFiles: *\nCopyright: 2024 Demo Author\nLicense: Expat\n " +
            MIT.replace("\n\n", "\n.\n").replace("\n", "\n ").rstrip() + "\n")
with open(os.path.join(doc, "changelog.Debian"), "w") as f:
    f.write("demo (1.0-1) unstable; urgency=medium\n\n  * Initial release.\n")
os.makedirs(os.path.join(debroot, "DEBIAN"))
with open(os.path.join(debroot, "DEBIAN/control"), "w") as f:
    f.write("Package: python3-demo\nVersion: 1.0-1\nArchitecture: all\n"
            "Maintainer: T <t@example.org>\nDescription: demo\n")
PY
check "sdist, CRLF sdist and wheel built" test -s "$TMP/pkgs/demo-1.0.tar.gz" -a \
	-s "$TMP/pkgs/demo-1.0-crlf.tar.gz" -a -s "$TMP/pkgs/demo-1.0-py3-none-any.whl"
HAVE_DEB=0
if command -v dpkg-deb >/dev/null &&
	dpkg-deb --root-owner-group -Zxz --build "$TMP/deb" "$TMP/pkgs/python3-demo_1.0-1_all.deb" >/dev/null; then
	HAVE_DEB=1
	ok "installed shape built with dpkg-deb"
else
	skip "dpkg-deb missing: the installed shape is not compared"
fi

{
	echo "id,label,name,version,path"
	echo "sdist,benign,demo,1.0,demo-1.0.tar.gz"
	echo "crlf,benign,demo,1.0,demo-1.0-crlf.tar.gz"
	echo "wheel,benign,demo,1.0,demo-1.0-py3-none-any.whl"
	[ $HAVE_DEB = 1 ] && echo "installed,benign,demo,1.0,python3-demo_1.0-1_all.deb"
} >"$TMP/m.csv"
"$PYVET" extract $DOM --manifest "$TMP/m.csv" --corpus "$TMP/pkgs" --out "$TMP/x" --quiet 2>"$TMP/err"
check "extract: every shape read (exit 0)" test $? -eq 0

# compare.py KIND ARGS: checks over features.csv and tokens.tsv, one line per failure
cat >"$TMP/compare.py" <<'PY'
import csv, sys
d = sys.argv[1]
rows = {r["id"]: r for r in csv.DictReader(open(d + "/features.csv"))}
toks = {}
for line in open(d + "/tokens.tsv"):
    i, _, t = line.rstrip("\n").partition("\t")
    toks[i] = dict(x.rsplit(":", 1) for x in t.split(" ") if x)
cols = [c for c in next(csv.reader(open(d + "/features.csv"))) if "." in c]
# columns that read the setup files (docs/package-view.md, "Setup-dependent features")
SETUP = {"code.has_install_cmd", "code.has_url", "code.has_long_str", "file.min_cfg",
         "residual.has_setup_py", "residual.has_setup_cfg", "residual.has_pyproject_toml",
         "residual.n_files", "residual.log_total_bytes"}
# sets that read every Python file or every loaded file, setup.py included (issue 11): like apis
READS_SETUP = ("apis.", "apis_alias.", "behavior.", "obfuscation.", "yara.")
def setup_dep(c):
    return c in SETUP or c.startswith(READS_SETUP)
def diff(a, b, keep):
    return ["%s: %s=%s %s=%s" % (c, a, rows[a][c], b, rows[b][c])
            for c in cols if keep(c) and rows[a][c] != rows[b][c]]
what = sys.argv[2]
bad = []
if what == "shapes":
    for o in sys.argv[3:]:
        bad += diff("sdist", o, lambda c: not c.startswith("artifacts.") and not setup_dep(c))
elif what == "built":
    bad += diff("wheel", "installed", lambda c: not c.startswith("artifacts."))
    if toks.get("wheel") != toks.get("installed"):
        bad.append("tokens differ between wheel and installed")
elif what == "crlf":
    bad += diff("sdist", "crlf", lambda c: not c.startswith("artifacts."))
    if toks.get("sdist") != toks.get("crlf"):
        bad.append("tokens differ between the LF and the CRLF sdist")
elif what == "artifacts-differ":
    if not diff("sdist", "crlf", lambda c: c == "artifacts.crlf_py_share"):
        bad.append("artifacts.crlf_py_share does not see the CRLF (the test would be blind)")
elif what == "value":  # value ID COLUMN EXPECTED
    i, c, v = sys.argv[3:6]
    if rows[i][c] != v:
        bad.append("%s %s = %s, want %s" % (i, c, rows[i][c], v))
elif what == "shape":  # shape ID EXPECTED
    i, v = sys.argv[3:5]
    if rows[i]["shape"] != v:
        bad.append("%s shape = %s, want %s" % (i, rows[i]["shape"], v))
elif what == "no-shape-column":
    if any(c.startswith("shape") for c in cols) or "shape" not in rows["sdist"]:
        bad.append("shape is a feature column, or missing")
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
cmp_() { "$PY" "$TMP/compare.py" "$TMP/x" "$@"; }

check "shape: sdist" cmp_ shape sdist sdist
check "shape: wheel" cmp_ shape wheel wheel
check "shape is a label column, never a feature column" cmp_ no-shape-column
others=wheel
if [ $HAVE_DEB = 1 ]; then
	others="wheel installed"
	check "shape: installed" cmp_ shape installed installed
fi
check "every column that does not read setup files is equal across sdist, $others" \
	cmp_ shapes $others
for id in $others; do
	check "$id: has_install_cmd 0 (no setup.py; the sdist's install command is in setup.py)" \
		cmp_ value $id code.has_install_cmd 0
	check "$id: min_cfg 0 (min_cfg.absent_built=0: built packages never ship setup.cfg)" \
		cmp_ value $id file.min_cfg 0
	check "$id: is_license 1 (licence text where the shape keeps it)" \
		cmp_ value $id file.is_license 1
done
check "sdist: has_install_cmd 1 (cmdclass install in setup.py)" cmp_ value sdist code.has_install_cmd 1
check "sdist: min_cfg 1 (only [egg_info] tag keys)" cmp_ value sdist file.min_cfg 1
check "sdist: is_license 1 (root LICENSE)" cmp_ value sdist file.is_license 1
check "sdist: has_url 1 (a public IP in a module)" cmp_ value sdist code.has_url 1
[ $HAVE_DEB = 1 ] &&
	check "wheel and installed agree on every column but artifacts, and on tokens" cmp_ built
check "CRLF sdist: every column but artifacts and the tokens equal the LF sdist's" cmp_ crlf
check "artifacts does see the CRLF copy (so the comparison above can fail)" cmp_ artifacts-differ
finish
