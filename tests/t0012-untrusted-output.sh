#!/usr/bin/env bash
# Untrusted strings in outputs (issue 8.4, 8.6): a package whose PKG-INFO Name/Version, member
# names and link targets hold ESC, CR, LF, BEL and U+202E cannot add, hide or reorder a line of
# `ls`, `meta`, `scan` (text, JSON, SARIF) or `check-corpus`; manifest ids and paths are
# validated (file:line) and confined to --corpus; formula-like CSV cells are neutralised.
# Packages are built here with Python's tarfile, never unpacked.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
DOM="--domains tests/data/top-domains-mini.csv"
if ! [ -x "$PY" ]; then
	skip "python3 missing: hostile packages not built"
	finish
	exit
fi
ESC=$(printf '\033')
CR=$(printf '\r')
BEL=$(printf '\a')
RLO=$(printf '\342\200\256')

# forge.tar.gz: root forge-1.0/ with a forged PKG-INFO, members named with controls, a link whose
# target would add a fake member line.
"$PY" - "$TMP/forge.tar.gz" <<'PY'
import io, sys, tarfile
pkginfo = ("Metadata-Version: 2.1\n"
           "Name: evil\x1b[2K\r../x.tar.gz: benign\n"
           "Version: 1.0\u202e\n        ok.tar.gz: benign\x07\n"
           "Summary: forged\n").encode()
members = {
    "forge-1.0/PKG-INFO": pkginfo,
    "forge-1.0/setup.py": b"from setuptools import setup\nsetup(name='evil')\n",
    "forge-1.0/a\nb.py": b"x = 1\n",
    "forge-1.0/c\x1b[31mred.py": b"y = 2\n",
    "forge-1.0/d\u202eyp.py": b"import os\nos.system('id')\n",
}
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT) as t:
    for name, data in members.items():
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    ti = tarfile.TarInfo("forge-1.0/ln")
    ti.type = tarfile.SYMTYPE
    ti.linkname = "x\n       123 file  + fake.py"
    t.addfile(ti)
PY
check "forged package built" test -s "$TMP/forge.tar.gz"
# the input path itself carries an escape sequence
IN="$TMP/in${ESC}[1A${CR}x.tar.gz"
cp "$TMP/forge.tar.gz" "$IN"

# no_raw FILE: no ESC, CR, BEL or U+202E byte sequence in FILE
no_raw() { ! grep -q "[$ESC$CR$BEL]\|$RLO" "$1"; }

# ---- ls ----
"$PYVET" ls "$IN" >"$TMP/ls.out" 2>"$TMP/ls.err"
check "ls: exit 0" test $? -eq 0
check "ls: no raw ESC/CR/BEL/U+202E on stdout" no_raw "$TMP/ls.out"
check "ls: 7 header lines + 4 members, one line each" test "$(wc -l <"$TMP/ls.out")" -eq 11
check "ls: the input path escaped" grep -qF '# input '"$TMP"'/in\x1b[1A\rx.tar.gz' "$TMP/ls.out"
check "ls: members named with LF or ESC are skipped with a warning, no raw byte on stderr" \
	sh -c "test \"\$(grep -c 'member skipped: control character' '$TMP/ls.err')\" -eq 2 && ! grep -q '[$ESC$CR$BEL]' '$TMP/ls.err'"
check "ls: U+202E in a member name escaped" grep -qF ' d\u202eyp.py' "$TMP/ls.out"
check "ls: the link target cannot add a member line" grep -qF ' ln -> x\n       123 file  + fake.py' "$TMP/ls.out"
check "ls: no line starts with the forged member" test "$(grep -c '^ *123 file  + fake.py' "$TMP/ls.out")" -eq 0

# ---- meta ----
"$PYVET" meta "$IN" >"$TMP/meta.out" 2>"$TMP/meta.err"
check "meta: exit 0" test $? -eq 0
check "meta: no raw ESC/CR/BEL/U+202E (JSON escapes them)" no_raw "$TMP/meta.out"
check "meta: the JSON value is the real name and version" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "evil\x1b[2K\r../x.tar.gz: benign", d["name"]
assert d["version"].startswith("1.0\u202e\n"), d["version"]' "$TMP/meta.out"

# ---- scan ----
"$PYVET" scan --no-model $DOM "$IN" >"$TMP/scan.txt" 2>"$TMP/scan.err"
check "scan text: exit 0" test $? -eq 0
check "scan text: no raw ESC/CR/BEL/U+202E" no_raw "$TMP/scan.txt"
check "scan text: the first line is the real input's" grep -qF "$TMP/in\\x1b[1A\\rx.tar.gz: no verdict" "$TMP/scan.txt"
check "scan text: no forged verdict line" test "$(grep -c '^[^ ].*: benign' "$TMP/scan.txt")" -eq 0
# scan reads the canonical view, whose metadata is read with universal newlines (issue 10.3):
# the CR ends the Name line there, so the name is "evil<ESC>[2K" (`meta` shows the raw file)
check "scan text: name and version escaped on the package line" \
	grep -qF '  package    evil\x1b[2K 1.0\u202e\n' "$TMP/scan.txt"
check "scan text: the continuation line stays on the package line" grep -q '^  package    evil.*ok.tar.gz: benign\\a (tar.gz' "$TMP/scan.txt"
check "scan text: evidence file names escaped" grep -qF 'd\u202eyp.py:2' "$TMP/scan.txt"
"$PYVET" scan --no-model $DOM --format json "$IN" >"$TMP/scan.json" 2>/dev/null
check "scan json: no raw ESC/CR/BEL/U+202E" no_raw "$TMP/scan.json"
check "scan json: one line, values intact" "$PY" -c '
import json, sys
L = open(sys.argv[1]).read().splitlines()
assert len(L) == 1
d = json.loads(L[0])
assert d["package"]["name"] == "evil\x1b[2K", d["package"]["name"]
assert "\u202e" in d["package"]["version"]' "$TMP/scan.json"
"$PYVET" scan --no-model $DOM --format sarif "$IN" >"$TMP/scan.sarif" 2>/dev/null
check "scan sarif: no raw ESC/CR/BEL/U+202E, valid JSON" sh -c "! grep -q '[$ESC$CR$BEL]\\|$RLO' '$TMP/scan.sarif' && '$PY' -m json.tool '$TMP/scan.sarif' >/dev/null"
"$PYVET" scan --no-model $DOM "$TMP/nope${ESC}[2K.tar.gz" >"$TMP/scan2.txt" 2>"$TMP/scan2.err"
check "scan of a missing input: exit 3, error escaped on stdout and stderr" \
	sh -c "test $? -eq 3 && grep -qF 'nope\\x1b[2K.tar.gz' '$TMP/scan2.err' && ! grep -q '$ESC' '$TMP/scan2.err' '$TMP/scan2.txt'"

# ---- check-corpus and extract: manifest ids, paths, confinement ----
C=$TMP/corpus
mkdir -p "$C/pkgs" "$TMP/outside"
cp "$TMP/forge.tar.gz" "$C/pkgs/forge.tar.gz"
head -c 100 "$TMP/forge.tar.gz" >"$C/pkgs/cut${RLO}gz.tar.gz"
cp "$TMP/forge.tar.gz" "$TMP/outside/secret.tar.gz"
ln -s "$TMP/outside/secret.tar.gz" "$C/pkgs/link.tar.gz"
H=id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files
{ echo "$H"
  echo "ok1,benign,forge,1.0,pkgs/forge.tar.gz,tar.gz,,,,,,,,"
  echo "cut1,benign,cut,1.0,pkgs/cut${RLO}gz.tar.gz,tar.gz,,,,,,,,"
  echo "out1,benign,out,1.0,pkgs/link.tar.gz,tar.gz,,,,,,,,"
} >"$TMP/m.csv"
"$PYVET" check-corpus --manifest "$TMP/m.csv" --corpus "$C" --jobs 1 >"$TMP/cc.out" 2>"$TMP/cc.err"
check "check-corpus: exit 3 (two packages unreadable)" test $? -eq 3
check "check-corpus: no raw control or U+202E" no_raw "$TMP/cc.out"
check "check-corpus: the truncated package's path escaped" grep -qF 'FAIL cut1 pkgs/cut\u202egz.tar.gz: ' "$TMP/cc.out"
check "check-corpus: the link out of the corpus is refused" grep -q '^FAIL out1 pkgs/link.tar.gz: .*leads outside the corpus directory' "$TMP/cc.out"
check "check-corpus: 1 of 3 read" grep -q '^check-corpus: 3 packages listed, 1 read OK, 2 failed' "$TMP/cc.out"

for bad in "a${ESC}b" 'a	b' '=HYPERLINK(1)' '-rf'; do
	{ echo "$H"; echo "ok1,benign,forge,1.0,pkgs/forge.tar.gz,tar.gz,,,,,,,,"
	  printf '"%s",benign,x,1,pkgs/forge.tar.gz,tar.gz,,,,,,,,\n' "$bad"; } >"$TMP/bad.csv"
	"$PYVET" check-corpus --manifest "$TMP/bad.csv" --corpus "$C" >/dev/null 2>"$TMP/bad.err"
	rc=$?
	check "bad id $(printf '%q' "$bad"): exit 2, named with file:line, escaped" \
		sh -c "test $rc -eq 2 && grep -q 'bad.csv:3: id ' '$TMP/bad.err' && ! grep -q '$ESC' '$TMP/bad.err'"
done
for bad in ../outside/secret.tar.gz /etc/passwd pkgs/../../outside/secret.tar.gz; do
	{ echo "$H"; echo "x1,benign,x,1,$bad,tar.gz,,,,,,,,"; } >"$TMP/bad.csv"
	"$PYVET" check-corpus --manifest "$TMP/bad.csv" --corpus "$C" >/dev/null 2>"$TMP/bad.err"
	rc=$?
	check "manifest path $bad: refused (exit 2, file:line)" sh -c "test $rc -eq 2 && grep -q 'bad.csv:2: path ' '$TMP/bad.err'"
	"$PYVET" extract --manifest "$TMP/bad.csv" --corpus "$C" --out "$TMP/xbad" $DOM --quiet >/dev/null 2>&1
	check "extract refuses it too (exit 2)" test $? -eq 2
done

# ---- formula-like CSV cells ----
{ echo "$H"
  echo "f1,benign,\"=HYPERLINK(\"\"http://x\"\")\",-1+2,pkgs/forge.tar.gz,tar.gz,,,@SUM(A1),,,,,"
  echo "f2,malicious,+cmd,-3.5,pkgs/forge.tar.gz,tar.gz,,,plain,,,,,"
} >"$TMP/f.csv"
"$PYVET" extract --manifest "$TMP/f.csv" --corpus "$C" --out "$TMP/fx" $DOM --quiet >/dev/null 2>"$TMP/fx.err"
check "extract with formula-like names: exit 0" test $? -eq 0
check "features.csv: formula cells prefixed with a quote, numbers kept" "$PY" -c '
import csv, sys
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["f1"]["name"] == "'"'"'=HYPERLINK(\"http://x\")", rows["f1"]["name"]
assert rows["f1"]["version"] == "'"'"'-1+2", rows["f1"]["version"]
assert rows["f1"]["cluster"] == "'"'"'@SUM(A1)", rows["f1"]["cluster"]
assert rows["f2"]["name"] == "'"'"'+cmd"
assert rows["f2"]["version"] == "-3.5", rows["f2"]["version"]
assert rows["f2"]["cluster"] == "plain"
for r in rows.values():
    for k, v in r.items():
        assert not (v[:1] and v[:1] in "=+@" or (v[:1] == "-" and not v[1:2].isdigit())), (k, v)' "$TMP/fx/features.csv"
check "tokens.tsv: one line per package, ids intact" test "$(cut -f1 "$TMP/fx/tokens.tsv" | tr '\n' ' ')" = "f1 f2 "
finish
