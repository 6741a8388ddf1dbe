#!/usr/bin/python3
"""Record what an independent reader sees in a fixed, seeded sample of corpus packages.

usage: /usr/bin/python3 tests/data/realpkg/reader.py [CORPUS] > tests/data/realpkg/reader.tsv

Issue 15 item 10: the expected values of tests/test_reader_real.c come from Debian's Python 3
standard library (tarfile, zipfile with pwd=b"infected", email.parser), not from pyvet. Every
package is read as bytes in memory: nothing is extracted, installed, imported or run. Run once;
commit its output (names, sizes and metadata fields only, never sample bytes) and this script.

The sample: for each stratum (label, kind, format) of the corpus manifest, the first N rows of
the manifest shuffled with random.Random(SEED) (N = 3, all rows if fewer). It applies the rules
pyvet documents, written here from the spec rather than from pyvet's code:
  - member paths: '/'-separated, leading "./" and "." / empty components dropped, a trailing '/'
    dropped; members with a ".." component, an absolute path or a control character are left
    out (counted); of several members with one path the last wins;
  - an encrypted storage zip with one member is replaced by that member (the original archive);
  - the package root (spec D1): descend while the directory holds exactly one entry, which is a
    directory, and no marker (PKG-INFO, setup.py, setup.cfg, pyproject.toml, *.egg-info/,
    *.dist-info/);
  - the metadata file (spec D1): <root>PKG-INFO, else the shallowest *.egg-info/PKG-INFO, else
    the shallowest *.dist-info/METADATA (ties: byte order of the path);
  - metadata values (spec D4): the first value of a key (ASCII case-insensitive) that is not
    empty and not "UNKNOWN", compared after collapsing whitespace runs to one space.

Output, one record per line, tab-separated, values escaped (\\\\, \\t, \\n, \\r, \\xHH for bytes
outside printable ASCII):
  P id path format root metadata n_members n_left_out
  M kind size path            (kind: f file, d directory, l link, o other; size of files)
  F key value                 (selected metadata fields; value "-" = absent is written as A)
  A key                       (the key has no present value)
  N n_fields n_classifiers    (header fields; present Classifier values)
"""
import csv
import email.parser
import email.policy
import io
import os
import random
import re
import stat
import sys
import tarfile
import zipfile

SEED = 20251204
PER_STRATUM = 3
KEYS = ["Metadata-Version", "Name", "Version", "Summary", "Home-page", "Author", "Author-email",
        "License", "Requires-Python"]
MARKER_FILES = {"PKG-INFO", "setup.py", "setup.cfg", "pyproject.toml"}


def esc(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif c == 0x09:
            out.append("\\t")
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x0D:
            out.append("\\r")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def normalise(name):
    """bytes -> normalised bytes, or None when the member is left out ("" = the root)."""
    if name.startswith(b"/") or any(c < 0x20 or c == 0x7F for c in name):
        return None
    parts = [p for p in name.split(b"/") if p not in (b"", b".")]
    if b".." in parts:
        return None
    return b"/".join(parts)


def tar_members(data):
    out, left = [], 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
        for ti in tf.getmembers():
            p = normalise(ti.name.encode("utf-8", "surrogateescape"))
            if p is None:
                left += 1
                continue
            if p == b"":
                continue
            if ti.issym() or ti.islnk():
                out.append((p, "l", 0))
            elif ti.isdir():
                out.append((p, "d", 0))
            elif ti.isreg():
                out.append((p, "f", ti.size))
            else:
                out.append((p, "o", 0))
    return out, left


def zip_name_bytes(zi):
    if zi.flag_bits & 0x800:
        return zi.filename.encode("utf-8")
    return zi.filename.encode("cp437")


def zip_members(zf):
    out, left = [], 0
    for zi in zf.infolist():
        p = normalise(zip_name_bytes(zi))
        if p is None:
            left += 1
            continue
        if p == b"":
            continue
        mode = zi.external_attr >> 16
        if zi.is_dir():
            out.append((p, "d", 0))
        elif zi.create_system == 3 and stat.S_ISLNK(mode):
            out.append((p, "l", 0))
        else:
            out.append((p, "f", zi.file_size))
    return out, left


def dedupe(members):
    last = {}
    for m in members:
        last[m[0]] = m
    return [last[k] for k in sorted(last)]


def magic_format(data):
    if data[:2] == b"\x1f\x8b":
        return "tar.gz"
    if data[:3] == b"BZh":
        return "tar.bz2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "tar.xz"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    return "tar"


def read_package(path):
    """(format, members, left_out, {path: bytes of the metadata candidates})."""
    data = open(path, "rb").read()
    fmt = magic_format(data)
    prefix = ""
    if fmt == "zip":
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [zi for zi in zf.infolist() if not zi.is_dir()]
        if len(infos) == 1 and infos[0].flag_bits & 1:
            inner = zf.read(infos[0], pwd=b"infected")
            if magic_format(inner) != "tar" or tarfile.is_tarfile(io.BytesIO(inner)):
                prefix = "zip+zipcrypto>"
                data = inner
                fmt = magic_format(data)
    if fmt == "zip":
        zf = zipfile.ZipFile(io.BytesIO(data))
        members, left = zip_members(zf)
        names = {normalise(zip_name_bytes(zi)): zi for zi in zf.infolist()}
        if any(re.fullmatch(rb"[^/]+\.dist-info/WHEEL", m[0]) for m in members):
            fmt = "whl"

        def read(p):
            return zf.read(names[p])
    else:
        members, left = tar_members(data)
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
        names = {}
        for ti in tf.getmembers():
            p = normalise(ti.name.encode("utf-8", "surrogateescape"))
            if p:
                names[p] = ti

        def read(p):
            return tf.extractfile(names[p]).read()
    members = dedupe(members)
    return prefix + fmt, members, left, read


def is_marker(comp, is_dir):
    if is_dir:
        return comp.endswith(b".egg-info") and len(comp) > 9 or \
            comp.endswith(b".dist-info") and len(comp) > 10
    return comp.decode("latin-1") in MARKER_FILES


def spec_root(members):
    root = b""
    while True:
        children = {}
        for p, kind, _ in members:
            if not p.startswith(root) or p == root.rstrip(b"/"):
                continue
            rest = p[len(root):]
            if not rest:
                continue
            comp, sep, _ = rest.partition(b"/")
            children[comp] = children.get(comp, False) or bool(sep) or kind == "d"
        if not children or any(is_marker(c, d) for c, d in children.items()):
            return root
        if len(children) != 1:
            return root
        (comp, is_dir), = children.items()
        if not is_dir:
            return root
        root += comp + b"/"


def spec_metadata(members, root):
    files = {p[len(root):] for p, k, _ in members if k == "f" and p.startswith(root)}
    if b"PKG-INFO" in files:
        return b"PKG-INFO"
    for suffix in (b".egg-info/PKG-INFO", b".dist-info/METADATA"):
        # the directory name must be a whole component with a non-empty stem
        cands = [f for f in files if f.endswith(suffix) and f[:-len(suffix)] and
                 not f[:-len(suffix)].endswith(b"/")]
        if cands:
            return min(cands, key=lambda f: (f.count(b"/"), f))
    return None


def norm_value(v):
    return re.sub(rb"\s+", b" ", v).strip()


def metadata_records(raw):
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    # raw_items(): the values as parsed, before any charset handling (bytes via surrogateescape)
    items = [(k, v.encode("ascii", "surrogateescape")) for k, v in msg.raw_items()]
    out = []
    for key in KEYS:
        val = None
        for k, v in items:
            vv = v.rstrip(b" \t")
            if k.lower() == key.lower() and vv and vv != b"UNKNOWN":
                val = norm_value(v)
                break
        out.append(("F", key, esc(val)) if val is not None else ("A", key))
    n_cls = sum(1 for k, v in items if k.lower() == "classifier" and v.rstrip(b" \t") and
                v.rstrip(b" \t") != b"UNKNOWN")
    out.append(("N", str(len(items)), str(n_cls)))
    return out


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
    rows = list(csv.DictReader(open(os.path.join(corpus, "manifest.csv"), newline="")))
    strata = {}
    for r in rows:
        strata.setdefault((r["label"], r["kind"], r["format"]), []).append(r)
    rng = random.Random(SEED)
    sample = []
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["id"])
        rng.shuffle(group)
        sample += group[:PER_STRATUM]
    print("# reader.tsv: written by tests/data/realpkg/reader.py (Debian Python %s:"
          " tarfile, zipfile, email.parser; seed %d, %d per stratum); do not edit"
          % (sys.version.split()[0], SEED, PER_STRATUM))
    for r in sample:
        fmt, members, left, read = read_package(os.path.join(corpus, r["path"]))
        root = spec_root(members)
        meta = spec_metadata(members, root)
        print("\t".join(["P", r["id"], esc(r["path"]), fmt, esc(root) or "-",
                         esc(meta) if meta else "-", str(len(members)), str(left)]))
        for p, kind, size in members:
            print("\t".join(["M", kind, str(size), esc(p)]))
        if meta:
            for rec in metadata_records(read(root + meta)):
                print("\t".join(rec))


if __name__ == "__main__":
    main()
