#!/usr/bin/env bash
# Build the archive fixtures of the pkgfs/package shell tests into directory $1 (a scratch
# directory under /tmp) from the committed plain files in tests/data/demo-1.0/. Nothing is
# written anywhere else. `make_fixtures.sh DIR basic` skips the hostile fixtures that take
# seconds to build. Needs tar, gzip, bzip2, xz, zip, ar; python3 (stdlib only) for the hostile
# fixtures (device node, traversal names, bombs, many members) - skipped without it.
set -eu
OUT=$1
MODE=${2:-all}   # "basic": skip the hostile fixtures that take seconds to build
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

if [ "$MODE" != basic ] && command -v python3 >/dev/null 2>&1; then
python3 - "$OUT" <<'PY'
import io, os, sys, tarfile, zipfile, base64
out = sys.argv[1]

def add(tf, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 946684800
    for k, v in kw.items():
        setattr(ti, k, v)
    tf.addfile(ti, io.BytesIO(data) if data else None)

# traversal names, links, devices (no mknod needed: the tar header carries the type)
with tarfile.open(os.path.join(out, "hostile.tar"), "w", format=tarfile.GNU_FORMAT) as tf:
    add(tf, "pkg-1.0/PKG-INFO", b"Name: hostile\nVersion: 1\n")
    add(tf, "pkg-1.0/ok.py", b"print('ok')\n")
    add(tf, "../evil.py", b"evil\n")
    add(tf, "/abs.py", b"abs\n")
    add(tf, "pkg-1.0/../../up.py", b"up\n")
    add(tf, "pkg-1.0/ctl\x01name.py", b"ctl\n")
    add(tf, "pkg-1.0/passwd", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    add(tf, "pkg-1.0/hard.py", type=tarfile.LNKTYPE, linkname="pkg-1.0/ok.py")
    add(tf, "pkg-1.0/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    add(tf, "pkg-1.0/fifo", type=tarfile.FIFOTYPE)
    add(tf, "pkg-1.0/ok.py", b"print('second copy')\n")

# zip bomb: 1 GiB of zeros (about 1 MB deflated) in a member the reader loads (.py). The deflate
# stream is one full-flushed 1 MiB block repeated, so building it takes well under a second.
import struct, zlib
chunk = bytes(1 << 20)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
rep = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
data = first + rep * 1023 + c.flush()
crc = 0
for _ in range(1024):
    crc = zlib.crc32(chunk, crc)
name = b"bomb-1.0/zeros.py"
size = 1 << 30
lh = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x2821, crc, len(data), size, len(name), 0)
cd = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x2821, crc, len(data),
                 size, len(name), 0, 0, 0, 0, 0, 0) + name
eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd), len(lh) + len(name) + len(data), 0)
with open(os.path.join(out, "bomb.zip"), "wb") as f:
    f.write(lh + name + data + cd + eocd)
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.left); b[:k] = bytes(k); self.left -= k; return k
# tar.gz bomb: 256 MiB of zeros in a member that is listed but not loaded
with tarfile.open(os.path.join(out, "bomb.tar.gz"), "w:gz", compresslevel=1) as tf:
    ti = tarfile.TarInfo("bomb-1.0/zeros.bin"); ti.size = 256 << 20
    tf.addfile(ti, Zeros(ti.size))

# 100,000 tiny members: exactly the default member limit (the limit itself is unit-tested)
# (ustar headers written directly: tarfile needs seconds for 100,000 members)
import gzip
def ustar(name, data):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"; h[108:116] = b"0000000\0"; h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % len(data); h[136:148] = b"07346545000\0"
    h[148:156] = b" " * 8; h[156:157] = b"0"; h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h) + data + bytes(-len(data) % 512)
with gzip.open(os.path.join(out, "many.tar.gz"), "wb", compresslevel=1) as g:
    g.write(b"".join(ustar(b"many-1.0/m/f%06d.py" % i, b"x") for i in range(100000)) + bytes(1024))

# a 10 MB single line in a .py (random base64: does not trip the ratio limit) and in PKG-INFO
line = base64.b64encode(os.urandom(7_500_000))
with tarfile.open(os.path.join(out, "longline.tar.gz"), "w:gz") as tf:
    add(tf, "long-1.0/PKG-INFO", b"Name: long\nVersion: 1\nSummary: " + line + b"\n")
    add(tf, "long-1.0/setup.py", b"x = '" + line + b"'\n")

# invalid UTF-8 in PKG-INFO
with tarfile.open(os.path.join(out, "badutf8.tar.gz"), "w:gz") as tf:
    add(tf, "bad-1.0/PKG-INFO", b"Metadata-Version: 1.0\nName: bad\nVersion: 1\nAuthor: \xff\xfe\xc3(\n")
    add(tf, "bad-1.0/setup.py", b"# \xff\n")
PY
fi

# a directory with a symlink loop (and a link out of the tree)
mkdir -p "$OUT/loopdir/loop-1.0/pkg"
cp "$SRC/demo-1.0/PKG-INFO" "$OUT/loopdir/loop-1.0/"
printf 'x = 1\n' > "$OUT/loopdir/loop-1.0/pkg/__init__.py"
ln -s . "$OUT/loopdir/loop-1.0/pkg/self"
ln -s ../pkg "$OUT/loopdir/loop-1.0/pkg/up"
ln -s /etc/passwd "$OUT/loopdir/loop-1.0/passwd"

rm -rf "$W"
