#!/usr/bin/python3
"""generate.py: record, once, the expected values of the real-package unit tests.

    /usr/bin/python3 tests/data/realpkg/generate.py [--corpus ../shared/corpus] [--out tests/data/realpkg]

A fixed, seeded sample of corpus packages is drawn per module, and the expected values are
computed with tools independent of pyvet, from Debian's Python 3.11 standard library:

  pylex.csv    core/analysis/pylex: Python's `tokenize` (NAME, NUMBER, STRING, OP and NEWLINE
               tokens with their start lines; identifiers NFKC-normalised as the parser does).
  apiscan.csv  core/analysis/apiscan: Python's `ast` (every ast.Call whose callee is a name or a
               dotted name, named by the rules of spec D8/D36 -- `from m import f [as g]` maps a
               bare call to m.f, first binding wins, imports apply from their position on; in
               the aliases mode `import m as X` maps X.f to m.f) looked up in the API table.
  urls.csv     core/analysis/urls: Python's `re` (the grammar of spec D15 and urls.h as one
               regular expression) and `ipaddress` for the address classes of D15.
  license.csv  core/analysis/license: `email.parser` for the metadata headers, an exact map of
               the Trove licence classifiers and SPDX identifiers, and the canonical sentences of
               the licence texts (a file counts only if exactly one family's sentence is found).
  bandit.csv   the .py members on which tests/test_bandit.c compares bandit's two modes (no
               expected values: the two modes must agree).

Safety (README "Safety", corpus README): packages are read as bytes in memory only -- the
malicious storage zips with zipfile and pwd=b"infected", the inner archive with tarfile/zipfile
on those bytes. Nothing is written to disk but the fixture CSVs, nothing is extracted, imported
or executed (`ast.parse` and `tokenize` only read the text). The fixtures hold values only:
package paths, member names, counts, line numbers, API names, licence families and SHA-256
digests; never sample bytes.

A file enters pylex.csv and apiscan.csv only if it is UTF-8, at most 256 KiB, parses with
`ast.parse` (valid Python 3.11) and tokenizes without an ERRORTOKEN: on such files the token
stream is defined by the language, so any difference is pyvet's. Text is read with CRLF and
lone CR turned into LF, as pyvet's analysis reads it (package_read_text).

The digests (SHA-256, hex) are over UTF-8 lines, one per item, each ending in "\\n":
  pylex:   "<T>\\t<line>\\t<text>" with T = N name, U number, S string, O operator, L newline
           (text empty for L); the tokens inside f-string replacement fields are not listed
           (Python 3.11 returns an f-string as one STRING token).
  apiscan: "<line>\\t<end_line>\\t<full name>" per hit, in source order.
  urls:    "<line>\\t<col>\\t<text>\\t<host>\\t<flags>" per find, col a 0-based byte offset,
           text cut at 2048 bytes, host lower-cased without brackets or trailing dots (at most
           256 bytes), flags the sum of 1 insecure scheme (http, ftp), 4 public IP, 8 exempt
           (reserved, private or example host), 16 IP literal -- the enum url_reason values,
           without "unlisted", which depends on the domain list.
"""
import argparse
import ast
import csv
import hashlib
import io
import ipaddress
import os
import random
import re
import sys
import tarfile
import tokenize
import unicodedata
import zipfile
from email.parser import BytesParser
from email.policy import compat32

MAX_MEMBER = 2 << 20      # members read from an archive
MAX_SOURCE = 256 << 10    # source files used for the lexer and API fixtures
LICENSE_TEXT_MAX = 256 << 10
SEED = 20260115


# ---------------------------------------------------------------- reading packages in memory

def archive_members(data):
    """{member name: bytes} of the regular files of a tar (any compression) or zip archive."""
    out = {}
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                if info.is_dir() or info.file_size > MAX_MEMBER:
                    continue
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    continue  # symbolic link
                out[norm(info.filename)] = z.read(info)
        return out
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as t:
        for m in t.getmembers():
            if not m.isreg() or m.size > MAX_MEMBER:
                continue
            f = t.extractfile(m)  # a file object over the archive bytes, not a disk file
            out[norm(m.name)] = f.read()
    return out


def norm(name):
    while name.startswith("./"):
        name = name[2:]
    return name


def package_members(corpus, relpath):
    with open(os.path.join(corpus, relpath), "rb") as f:
        data = f.read()
    if relpath.startswith("malicious/"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if len(names) != 1:
                raise ValueError("storage zip with %d members" % len(names))
            data = z.read(names[0], pwd=b"infected")
    return archive_members(data)


def lf_text(b):
    return b.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def sha(lines):
    h = hashlib.sha256()
    for ln in lines:
        h.update(ln.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def manifest(corpus):
    with open(os.path.join(corpus, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return sorted(rows, key=lambda r: r["id"])


def draw(rows, rng, want):
    """A seeded sample: `want` = {(label, kind-group): count}."""
    out = []
    for (label, group), n in want.items():
        pool = [r for r in rows if r["label"] == label and group_of(r) == group]
        out += rng.sample(pool, min(n, len(pool)))
    return out


def group_of(r):
    return r["kind"] if r["label"] == "benign" else "malicious"


# ---------------------------------------------------------------- valid Python 3 sources

def python_source(data):
    """The LF text of a .py member if it is a file the lexer and API fixtures can use, else None."""
    if len(data) > MAX_SOURCE:
        return None
    text = lf_text(data)
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if s.startswith("\ufeff"):
        s = s[1:]
    try:
        ast.parse(s)  # parse only: nothing is compiled to code or run
    except Exception:
        return None
    toks = list(tokenize.generate_tokens(io.StringIO(s).readline))
    if any(t.type == tokenize.ERRORTOKEN for t in toks):
        return None
    return s


def lex_lines(s):
    kinds = {tokenize.NAME: "N", tokenize.NUMBER: "U", tokenize.STRING: "S", tokenize.OP: "O",
             tokenize.NEWLINE: "L"}
    lines = []
    counts = dict.fromkeys("NUSOL", 0)
    for t in tokenize.generate_tokens(io.StringIO(s).readline):
        k = kinds.get(t.type)
        if not k:
            continue
        text = "" if k == "L" else t.string
        if k == "N" and not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        counts[k] += 1
        lines.append("%s\t%d\t%s" % (k, t.start[0], text))
    return counts, lines


# ---------------------------------------------------------------- API call names (ast)

def load_api_table(path):
    table = {}
    with open(path) as f:
        for ln in f:
            ln = ln.strip()
            if ln and not ln.startswith("#"):
                name, cat = ln.rsplit(",", 1)
                table[name] = cat
    return table


def dotted(node):
    """'a.b.c' for a Name or an Attribute chain over a Name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def api_hits(s, table, aliases):
    tree = ast.parse(s)
    events = []  # (position, order, kind, node): imports and calls in source order
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            events.append(((node.end_lineno, node.end_col_offset), 0, "import", node))
        elif isinstance(node, ast.Call):
            # the call site is its '(': after the callee
            events.append(((node.func.end_lineno, node.func.end_col_offset), 1, "call", node))
    events.sort(key=lambda e: (e[0], e[1]))
    name2module, alias2name, modalias = {}, {}, {}
    hits = []
    for _, _, kind, node in events:
        if kind == "import":
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    name2module.setdefault(a.name, node.module)
                    if a.asname:
                        alias2name.setdefault(a.asname, a.name)
            else:
                for a in node.names:
                    if a.asname:
                        modalias.setdefault(a.asname, a.name)
                    else:
                        first = a.name.split(".")[0]
                        modalias.setdefault(first, first)
            continue
        name = dotted(node.func)
        if name is None:
            continue

        def bare(n):
            n = alias2name.get(n, n)
            m = name2module.get(n)
            return m + "." + n if m else n

        if "." not in name:
            full = bare(name)
        elif aliases:
            first, rest = name.split(".", 1)
            full = (modalias[first] if first in modalias else bare(first)) + "." + rest
        else:
            full = name
        if full in table:
            hits.append((node.lineno, node.end_lineno, full))
    return ["%d\t%d\t%s" % h for h in hits]


# ---------------------------------------------------------------- URLs (re + ipaddress)

AUTH = rb"A-Za-z0-9\-._~%!$&*+,;=:\[\]"
URL_RE = re.compile(
    rb"(?<![A-Za-z0-9_])(?P<scheme>(?i:https?|ftp))://"
    rb"(?>(?:[" + AUTH + rb"@]{0,1023}@)?)"
    rb"(?:\[(?P<v6>[0-9A-Fa-f:.]{1,64})\]|(?P<host>[A-Za-z0-9.\-]+))"
    rb"(?::[0-9]+)?"
    rb"(?P<path>[/?#][^\x00-\x20\x7f\"'`<>\\]*)?")
IP_RE = re.compile(rb"(?<![0-9.])[0-9][0-9.]*")
TRAIL = b".,;:!?)"
RESERVED4 = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "0.0.0.0/32")]
PRIVATE4 = [ipaddress.ip_network(n) for n in
            ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16")]
PRIVATE6 = [ipaddress.ip_network(n) for n in ("fc00::/7", "fe80::/10")]


def dotted_quad(b):
    parts = b.split(b".")
    if len(parts) != 4 or not all(p.isdigit() and 1 <= len(p) <= 3 and int(p) <= 255 for p in parts):
        return None
    return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))


def ip_class(addr):
    """0 public, 1 reserved, 2 private or link-local (spec D15)."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped:
            return ip_class(addr.ipv4_mapped)
        if int(addr) in (0, 1):
            return 1
        return 2 if any(addr in n for n in PRIVATE6) else 0
    if any(addr in n for n in RESERVED4):
        return 1
    return 2 if any(addr in n for n in PRIVATE4) else 0


def url_flags(host, v6, insecure):
    flags = 1 if insecure else 0
    cls = None
    if v6:
        flags |= 16
        try:
            cls = ip_class(ipaddress.IPv6Address(host))
        except ValueError:
            cls = 0
    else:
        a = dotted_quad(host.encode())
        if a is not None:
            flags |= 16
            cls = ip_class(a)
    h = host
    example = h == "localhost" or any(h == d or h.endswith("." + d)
                                      for d in ("example.com", "example.org", "example.net"))
    if cls in (1, 2) or example:
        return flags | 8
    if flags & 16:
        flags |= 4
    return flags


def url_finds(text):
    """The finds of spec D15 in `text` (bytes), as fixture lines."""
    out = []
    pos, n = 0, len(text)
    while pos < n:
        m = URL_RE.search(text, pos)
        i = IP_RE.search(text, pos)
        if i and (not m or i.start() < m.start()):
            if dotted_quad(i.group()) is not None:
                out.append(find_line(text, i.start(), i.group(), i.group().decode(), False, False))
            pos = i.end()
            continue
        if not m:
            break
        end = m.end()
        if m.group("path"):
            host_end = m.end("v6") + 1 if m.group("v6") else m.end("host")
            while end > host_end and text[end - 1:end] in [bytes([c]) for c in TRAIL]:
                end -= 1
        v6 = m.group("v6") is not None
        host = (m.group("v6") or m.group("host")).decode("ascii").lower()
        if not v6:
            host = host.rstrip(".")
        out.append(find_line(text, m.start(), text[m.start():end], host[:256], v6,
                             m.group("scheme").lower() != b"https"))
        pos = end
    return out


def find_line(text, start, match, host, v6, insecure):
    line = text.count(b"\n", 0, start) + 1
    col = start - (text.rfind(b"\n", 0, start) + 1)
    return "%d\t%d\t%s\t%s\t%d" % (line, col, match[:2048].decode("utf-8", "surrogateescape"),
                                   host, url_flags(host, v6, insecure))


# ---------------------------------------------------------------- licences

TROVE = {  # "License :: ..." classifiers of PyPI's trove-classifiers -> D18 family (None: no family)
    "OSI Approved :: MIT License": "MIT",
    "OSI Approved :: MIT No Attribution License (MIT-0)": "MIT",
    "OSI Approved :: BSD License": "BSD",
    "OSI Approved :: Apache Software License": "Apache-2.0",
    "OSI Approved :: GNU General Public License (GPL)": "GPL",
    "OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2",
    "OSI Approved :: GNU General Public License v2 or later (GPLv2+)": "GPL-2",
    "OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3",
    "OSI Approved :: GNU General Public License v3 or later (GPLv3+)": "GPL-3",
    "OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)": "LGPL",
    "OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL",
    "OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL",
    "OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL",
    "OSI Approved :: GNU Library or Lesser General Public License (LGPL)": "LGPL",
    "OSI Approved :: GNU Affero General Public License v3": "AGPL",
    "OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL",
    "OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "OSI Approved :: ISC License (ISCL)": "ISC",
    "OSI Approved :: Python Software Foundation License": "PSF",
    "OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "Public Domain": "Public Domain",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "Public Domain",
    "Other/Proprietary License": "Proprietary/Other",
    "OSI Approved :: Zope Public License": None,
    "OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)": None,
    "OSI Approved :: Artistic License": None,
    "OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)": None,
    "OSI Approved :: Academic Free License (AFL)": None,
    "OSI Approved :: Historical Permission Notice and Disclaimer (HPND)": None,
    "Freely Distributable": None,
}
SPDX = {  # licence field values: SPDX identifiers and a few unambiguous names -> D18 family
    "MIT": "MIT", "MIT-0": "MIT", "MIT License": "MIT", "Expat": "MIT",
    "BSD": "BSD", "BSD License": "BSD", "BSD-3-Clause": "BSD-3", "BSD-2-Clause": "BSD-2",
    "Apache-2.0": "Apache-2.0", "Apache 2.0": "Apache-2.0", "Apache License 2.0": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0", "Apache Software License": "Apache-2.0",
    "GPL-2.0": "GPL-2", "GPL-2.0-only": "GPL-2", "GPL-2.0-or-later": "GPL-2", "GPLv2": "GPL-2",
    "GPLv2+": "GPL-2", "GPL-3.0": "GPL-3", "GPL-3.0-only": "GPL-3", "GPL-3.0-or-later": "GPL-3",
    "GPLv3": "GPL-3", "GPLv3+": "GPL-3", "GPL": "GPL",
    "LGPL": "LGPL", "LGPL-2.1": "LGPL", "LGPL-2.1-only": "LGPL", "LGPL-2.1-or-later": "LGPL",
    "LGPL-3.0": "LGPL", "LGPL-3.0-only": "LGPL", "LGPL-3.0-or-later": "LGPL", "LGPLv3": "LGPL",
    "AGPL-3.0": "AGPL", "AGPL-3.0-only": "AGPL", "AGPL-3.0-or-later": "AGPL", "AGPLv3": "AGPL",
    "MPL-2.0": "MPL-2.0", "MPL 2.0": "MPL-2.0", "ISC": "ISC", "ISC License": "ISC",
    "PSF": "PSF", "PSF-2.0": "PSF", "Python-2.0": "PSF", "Unlicense": "Unlicense",
    "CC0-1.0": "Public Domain", "Public Domain": "Public Domain",
    "UNKNOWN": None, "": None,
}
FILE_RULES = [  # (family, phrases that must all occur; case-sensitive for the uppercase titles)
    ("AGPL", [("GNU AFFERO GENERAL PUBLIC LICENSE", True)]),
    ("LGPL", [("GNU LESSER GENERAL PUBLIC LICENSE", True)]),
    ("LGPL", [("GNU LIBRARY GENERAL PUBLIC LICENSE", True)]),
    ("GPL-3", [("GNU GENERAL PUBLIC LICENSE", True), ("Version 3, 29 June 2007", False)]),
    ("GPL-2", [("GNU GENERAL PUBLIC LICENSE", True), ("Version 2, June 1991", False)]),
    ("MPL-2.0", [("Mozilla Public License Version 2.0", False)]),
    ("MPL-2.0", [("Mozilla Public License, v. 2.0", False)]),
    ("Apache-2.0", [("Apache License", False), ("Version 2.0, January 2004", False)]),
    ("Apache-2.0", [("Licensed under the Apache License, Version 2.0", False)]),
    ("MIT", [("Permission is hereby granted, free of charge, to any person obtaining a copy",
              False)]),
    ("BSD", [("Redistribution and use in source and binary forms, with or without "
              "modification, are permitted", False)]),
    ("ISC", [("Permission to use, copy, modify, and/or distribute this software for any "
              "purpose with or without fee is hereby granted", False)]),
    ("PSF", [("PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2", False)]),
    ("Unlicense", [("This is free and unencumbered software released into the public domain",
                    False)]),
    ("Public Domain", [("CC0 1.0 Universal", False)]),
]


def file_family(data):
    """The family of a licence file by its canonical sentences, or None if none or several."""
    t = re.sub(r"[\s#*]+", " ", data[:LICENSE_TEXT_MAX].decode("utf-8", "replace"))
    tl = t.lower()
    fams = set()
    for fam, phrases in FILE_RULES:
        if all((p in t) if cs else (p.lower() in tl) for p, cs in phrases):
            if fam == "BSD":
                fam = "BSD-3" if "endorse or promote" in tl else "BSD-2"
            fams.add(fam)
    return fams.pop() if len(fams) == 1 else None


def metadata_member(members):
    """The shallowest PKG-INFO, else the shallowest METADATA of a *.dist-info folder."""
    c = [m for m in members if m.split("/")[-1] == "PKG-INFO"]
    if not c:
        c = [m for m in members
             if m.split("/")[-1] == "METADATA" and m.count("/") >= 1
             and m.split("/")[-2].endswith(".dist-info")]
    return min(c, key=lambda m: (m.count("/"), m)) if c else None


def vdigest(v):
    return hashlib.sha256(v.encode("utf-8", "surrogateescape")).hexdigest()


# ---------------------------------------------------------------- the fixtures

def py_members(members):
    return sorted(m for m in members if m.lower().endswith(".py"))


def gen_pylex(corpus, rows, w):
    rng = random.Random(SEED + 1)
    w.writerow(["package", "member", "n_name", "n_number", "n_string", "n_op", "n_newline",
                "sha256"])
    for r in draw(rows, rng, {("benign", "popular"): 6, ("benign", "sdist"): 6,
                              ("malicious", "malicious"): 20}):
        mem = package_members(corpus, r["path"])
        good = [(m, s) for m in py_members(mem) for s in [python_source(mem[m])] if s is not None]
        for m, s in rng.sample(good, min(5, len(good))):
            c, lines = lex_lines(s)
            w.writerow([r["path"], m, c["N"], c["U"], c["S"], c["O"], c["L"], sha(lines)])


def gen_apiscan(corpus, rows, w, table):
    rng = random.Random(SEED + 2)
    w.writerow(["package", "member", "mode", "n_hits", "sha256"])
    for r in draw(rows, rng, {("benign", "popular"): 6, ("benign", "sdist"): 6,
                              ("malicious", "malicious"): 14}):
        mem = package_members(corpus, r["path"])
        good = [(m, s) for m in py_members(mem) for s in [python_source(mem[m])] if s is not None]
        setup = [g for g in good if g[0].split("/")[-1] == "setup.py"][:1]
        rest = [g for g in good if g not in setup]
        for m, s in setup + rng.sample(rest, min(4, len(rest))):
            for mode, aliases in (("packj", False), ("aliases", True)):
                lines = api_hits(s, table, aliases)
                w.writerow([r["path"], m, mode, len(lines), sha(lines)])


def gen_urls(corpus, rows, w):
    rng = random.Random(SEED + 3)
    w.writerow(["package", "member", "n_finds", "sha256"])
    for r in draw(rows, rng, {("benign", "popular"): 6, ("benign", "sdist"): 6,
                              ("malicious", "malicious"): 12}):
        mem = package_members(corpus, r["path"])
        cand = sorted(m for m in mem if len(mem[m]) <= (1 << 20) and (
            m.lower().endswith((".py", ".cfg", ".txt", ".md", ".rst")) or
            m.split("/")[-1] in ("PKG-INFO", "METADATA") or
            m.split("/")[-1].upper().startswith("README")))
        first = [min(c, key=lambda m: (m.count("/"), m)) for base in ("setup.py", "PKG-INFO")
                 for c in [[m for m in cand if m.split("/")[-1] == base]] if c]
        rest = [m for m in cand if m not in first]
        for m in first + rng.sample(rest, min(5 - len(first), len(rest))):
            lines = url_finds(lf_text(mem[m]))
            w.writerow([r["path"], m, len(lines), sha(lines)])


def gen_license(corpus, rows, w):
    rng = random.Random(SEED + 4)
    w.writerow(["package", "member", "kind", "index", "value_sha256", "family"])
    n_skipped = 0
    for r in draw(rows, rng, {("benign", "popular"): 20, ("benign", "sdist"): 20,
                              ("malicious", "malicious"): 20}):
        mem = package_members(corpus, r["path"])
        meta = metadata_member(mem)
        if meta:
            msg = BytesParser(policy=compat32).parsebytes(mem[meta], headersonly=True)
            k = 0
            for i, v in enumerate(msg.get_all("Classifier") or []):
                v = str(v).strip()
                parts = [p.strip() for p in v.split("::")]
                if parts[0] != "License" or parts[1:] == ["OSI Approved"]:
                    continue
                key = " :: ".join(parts[1:])
                if key in TROVE and k < 3:
                    w.writerow([r["path"], meta, "classifier", i, vdigest(v), TROVE[key] or ""])
                    k += 1
                elif key not in TROVE:
                    n_skipped += 1
            for field in ("License", "License-Expression"):
                v = msg.get(field)
                if v is None:
                    continue
                v = str(v).strip()
                if "\n" in v or len(v) > 200:
                    continue
                if v in SPDX:
                    w.writerow([r["path"], meta, "field:" + field, 0, vdigest(v), SPDX[v] or ""])
                else:
                    n_skipped += 1
        lic = sorted(m for m in mem if re.match(r"(licen[cs]e|copying)", m.split("/")[-1], re.I))
        for m in lic[:3]:
            fam = file_family(mem[m])
            if fam:
                w.writerow([r["path"], m, "file", 0, "", fam])
            else:
                n_skipped += 1
    print("license: %d sources left out (no family by the independent rule, or ambiguous)"
          % n_skipped, file=sys.stderr)


def gen_bandit(corpus, rows, w):
    rng = random.Random(SEED + 5)
    w.writerow(["package", "member"])
    for r in draw(rows, rng, {("benign", "popular"): 2, ("benign", "sdist"): 2,
                              ("malicious", "malicious"): 4}):
        mem = package_members(corpus, r["path"])
        py = [m for m in py_members(mem) if len(mem[m]) <= 64 << 10]
        for m in rng.sample(py, min(2, len(py))):
            w.writerow([r["path"], m])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--apis", default="featuresets/data/python_apis.csv")
    a = ap.parse_args()
    rows = manifest(a.corpus)
    table = load_api_table(a.apis)
    jobs = [("pylex.csv", lambda w: gen_pylex(a.corpus, rows, w)),
            ("apiscan.csv", lambda w: gen_apiscan(a.corpus, rows, w, table)),
            ("urls.csv", lambda w: gen_urls(a.corpus, rows, w)),
            ("license.csv", lambda w: gen_license(a.corpus, rows, w)),
            ("bandit.csv", lambda w: gen_bandit(a.corpus, rows, w))]
    for name, fn in jobs:
        path = os.path.join(a.out, name)
        with open(path + ".tmp", "w", newline="") as f:
            fn(csv.writer(f, lineterminator="\n"))
        os.replace(path + ".tmp", path)
        with open(path) as f:
            print("%s: %d rows" % (path, sum(1 for _ in f) - 1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
