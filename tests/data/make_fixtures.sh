#!/usr/bin/env bash
# Build the archive fixtures of the pkgfs/package shell tests into directory $1 (a scratch
# directory under /tmp) from the committed plain files in tests/data/demo-1.0/. Nothing is
# written anywhere else. Needs tar, gzip, bzip2, xz, zip, ar. The hostile fixtures (bombs,
# garbage, traversal names, devices, root evasion, long lines) are built by make_hostile.py,
# one at a time with a status line each. A second argument ("basic") is accepted and ignored.
set -eu
OUT=$1
SRC=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
W=$(mktemp -d "$OUT/work.XXXXXX")
TAR="tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=2000-01-01"

# a tree with a binary file next to the committed sources
cp -R "$SRC/demo-1.0" "$W/"
printf '\211PNG\r\n\032\n\0\0\0' > "$W/demo-1.0/logo.png"

( cd "$W" && $TAR -cf "$OUT/demo.tar" demo-1.0 )
gzip -9 -n -c "$OUT/demo.tar" > "$OUT/demo.tar.gz"
cp "$OUT/demo.tar.gz" "$OUT/demo.tgz"
bzip2 -c "$OUT/demo.tar" > "$OUT/demo.tar.bz2"
xz -c "$OUT/demo.tar" > "$OUT/demo.tar.xz"
( cd "$W" && zip -qrX "$OUT/demo.zip" demo-1.0 )
# the corpus convention: a ZipCrypto zip (password infected) holding the original archive
( cd "$OUT" && zip -qX -P infected enc.zip demo.tar.gz && zip -qX -P secret enc-secret.zip demo.tar.gz )
( cd "$OUT" && zip -qX nested.zip demo.tar.gz && zip -qX triple.zip nested.zip )
# a zip named .tar.gz: the format comes from content, never the name
cp "$OUT/demo.zip" "$OUT/misnamed.tar.gz"

# wheel: package dir + dist-info with METADATA and WHEEL
mkdir -p "$W/whl/demo" "$W/whl/demo-1.0.dist-info"
cp "$SRC/demo-1.0/demo/"*.py "$W/whl/demo/"
cp "$SRC/demo-1.0/PKG-INFO" "$W/whl/demo-1.0.dist-info/METADATA"
printf 'Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n' \
	> "$W/whl/demo-1.0.dist-info/WHEEL"
( cd "$W/whl" && zip -qrX "$OUT/demo-1.0-py3-none-any.whl" demo demo-1.0.dist-info )

# wrapper folder: 2023-02-27-demo-v1.0/demo-1.0/...
mkdir -p "$W/wrap/2023-02-27-demo-v1.0"
cp -R "$W/demo-1.0" "$W/wrap/2023-02-27-demo-v1.0/"
( cd "$W/wrap" && $TAR -czf "$OUT/wrapper.tar.gz" 2023-02-27-demo-v1.0 )

# Debian package: ar with debian-binary, control.tar.gz, data.tar.xz
D="$W/deb"
mkdir -p "$D/data/usr/lib/python3/dist-packages" "$D/data/usr/share/doc/python3-demo" "$D/control"
cp -R "$SRC/demo-1.0/demo" "$D/data/usr/lib/python3/dist-packages/"
mkdir -p "$D/data/usr/lib/python3/dist-packages/demo-1.0.egg-info"
cp "$SRC/demo-1.0/PKG-INFO" "$D/data/usr/lib/python3/dist-packages/demo-1.0.egg-info/PKG-INFO"
printf 'Format: deb copyright\n' > "$D/data/usr/share/doc/python3-demo/copyright"
printf 'Package: python3-demo\nVersion: 1.0-1\nArchitecture: all\n' > "$D/control/control"
printf '2.0\n' > "$D/debian-binary"
( cd "$D/control" && $TAR -czf "$D/control.tar.gz" ./control )
( cd "$D/data" && $TAR -cJf "$D/data.tar.xz" ./usr )
( cd "$D" && ar rc "$OUT/python3-demo_1.0-1_all.deb" debian-binary control.tar.gz data.tar.xz )

# hostile inputs
head -c $(( $(stat -c %s "$OUT/demo.tar.gz") / 2 )) "$OUT/demo.tar.gz" > "$OUT/truncated.tar.gz"
: > "$OUT/empty.tar.gz"
printf 'just some text, not an archive\n' > "$OUT/notes.tar.gz"
head -c 4096 /dev/urandom > "$OUT/random.zip"

# a directory with a symlink loop (and a link out of the tree)
mkdir -p "$OUT/loopdir/loop-1.0/pkg"
cp "$SRC/demo-1.0/PKG-INFO" "$OUT/loopdir/loop-1.0/"
printf 'x = 1\n' > "$OUT/loopdir/loop-1.0/pkg/__init__.py"
ln -s . "$OUT/loopdir/loop-1.0/pkg/self"
ln -s ../pkg "$OUT/loopdir/loop-1.0/pkg/up"
ln -s /etc/passwd "$OUT/loopdir/loop-1.0/passwd"

rm -rf "$W"
