#!/usr/bin/env python3
"""Build the hostile package fixtures of tests/t0010-hostile.sh into directory OUT.

usage: make_hostile.py OUT [NAME...]      (no NAME: every fixture)

Every fixture is built on its own; OUT/status.txt gets one line per fixture, "NAME ok" or
"NAME failed: REASON", so a test can skip exactly the cases whose fixture is missing, with the
reason. Standard library only (plus the `zip` program for the ZipCrypto storage zip). Nothing is
written outside OUT. The bombs are built from repeated compressed streams (gzip members, bzip2
and xz streams, zstd RLE blocks, full-flushed deflate blocks), so a multi-GiB expansion takes a
fraction of a second to build and a few KB on disk.
"""
import base64
import bz2
import gzip
import io
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib

MTIME = 946684800
GiB = 1 << 30
MiB = 1 << 20
PKG_INFO = b"Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\nSummary: a bomb\n"
SETUP_PY = b"from setuptools import setup\nsetup(name='bomb')\n"


def tar_header(name, size, typ=tarfile.REGTYPE, **kw):
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mtime = MTIME
    ti.type = typ
    for k, v in kw.items():
        setattr(ti, k, v)
    return ti.tobuf(format=tarfile.GNU_FORMAT)


def tar_file(name, data):
    return tar_header(name, len(data)) + data + bytes(-len(data) % 512)


def tar_bytes(members):
    """members: [(name, data)] -> an uncompressed tar (bytes) with its end blocks."""
    return b"".join(tar_file(n, d) for n, d in members) + bytes(1024)


# 160 KB that do not compress: with them a bomb's input is large enough (> 84 KB) that the ratio
# limit (200 x input) lies above the 16 MiB member limit, so the reader reaches the point where it
# gives up on a wanted member and must get past the rest of it (issue 8 item 2)
NOISE = random.Random(1).randbytes(160000)


def bomb_tar_parts(prefix, bomb_name, size):
    """(head, pad_tail): the tar bytes before the bomb member's data and after it."""
    head = tar_file(prefix + "PKG-INFO", PKG_INFO) + tar_file(prefix + "setup.py", SETUP_PY)
    head += tar_file(prefix + "noise.dat", NOISE)
    head += tar_header(prefix + bomb_name, size)
    return head, bytes(-size % 512) + bytes(1024)


def zeros_streams(compress, size, chunk):
    """`size` zero bytes as identical concatenated compressed streams of `chunk` bytes."""
    assert size % chunk == 0
    one = compress(bytes(chunk))
    return one * (size // chunk)


def bomb_tar_compressed(compress, prefix, bomb_name, size, chunk):
    head, tail = bomb_tar_parts(prefix, bomb_name, size)
    return compress(head) + zeros_streams(compress, size, chunk) + compress(tail)


def zstd_frame(raw, rle_blocks=0, rle_byte=0):
    """A zstd frame: `raw` as raw blocks, then `rle_blocks` RLE blocks of 128 KiB of rle_byte
    (RFC 8878: window descriptor 0x38 = 128 KiB window, no checksum, no content size)."""
    out = bytearray(struct.pack("<I", 0xFD2FB528)) + bytes([0x00, 0x38])
    blocks = []
    for i in range(0, len(raw), 1 << 17):
        piece = raw[i:i + (1 << 17)]
        blocks.append((0, len(piece), piece))
    for _ in range(rle_blocks):
        blocks.append((1, 1 << 17, bytes([rle_byte])))
    if not blocks:
        blocks.append((0, 0, b""))
    for k, (typ, size, content) in enumerate(blocks):
        last = 1 if k == len(blocks) - 1 else 0
        out += struct.pack("<I", last | (typ << 1) | (size << 3))[:3] + content
    return bytes(out)


def deflate_zeros(size):
    """Raw deflate of `size` zero bytes (a multiple of 1 MiB), about 1 KB per MiB."""
    chunk = bytes(MiB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    rep = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(chunk, crc)
    return first + rep * (size // MiB - 1) + c.flush(), crc


def zip_streamed(entries):
    """A zip whose entries are all "streamed" (flag bit 3: sizes and CRC only in a data
    descriptor after the data) and that has no central directory, so a reader cannot learn a
    size before decompressing (the bytes after the last entry start a central directory that is
    never read). entries: [(name, raw_deflate, crc, size)]."""
    out = bytearray()
    for name, data, crc, size in entries:
        n = name.encode()
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x08, 8, 0, 0x2821, 0, 0, 0,
                           len(n), 0) + n + data
        out += struct.pack("<4sIII", b"PK\x07\x08", crc, len(data), size & 0xFFFFFFFF)
    return bytes(out) + b"PK\x01\x02" + bytes(42)


def deflated(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def ar_archive(members):
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        out += b"%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name.encode(), MTIME, 0, 0, b"100644",
                                                   len(data))
        out += data + (b"\n" if len(data) % 2 else b"")
    return bytes(out)


def zip_with(path, files, create_system=3):
    """files: [(name, data)]; names are written as given (a backslash stays a backslash)."""
    with zipfile_module().ZipFile(path, "w", zipfile_module().ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile_module().ZipInfo(name, (2000, 1, 1, 0, 0, 0))
            zi.create_system = create_system
            zi.external_attr = 0o644 << 16 if create_system == 3 else 0x20
            z.writestr(zi, data, zipfile_module().ZIP_DEFLATED)


def zipfile_module():
    import zipfile
    return zipfile


# ---- the fixtures: name -> builder(out_dir, path) ----

def f_bomb_py_tar_bz2(out, path):
    # a wanted member (.py) of 4 GiB of zeros: 256 identical bzip2 streams of 16 MiB each
    data = bomb_tar_compressed(lambda b: bz2.compress(b, 9), "bomb-1.0/", "zeros.py",
                               4 * GiB, 16 * MiB)
    open(path, "wb").write(data)


def f_bomb_bin_tar_bz2(out, path):
    # the same in a member the reader only lists (.bin)
    data = bomb_tar_compressed(lambda b: bz2.compress(b, 9), "bomb-1.0/", "zeros.bin",
                               4 * GiB, 16 * MiB)
    open(path, "wb").write(data)


def f_bomb_py_tar_gz(out, path):
    data = bomb_tar_compressed(lambda b: gzip.compress(b, 9, mtime=0), "bomb-1.0/",
                               "zeros.py", GiB, 16 * MiB)
    open(path, "wb").write(data)


def f_bomb_py_tar_xz(out, path):
    data = bomb_tar_compressed(lambda b: lzma.compress(b, preset=6), "bomb-1.0/", "zeros.py",
                               4 * GiB, 64 * MiB)
    open(path, "wb").write(data)


def f_bomb_py_tar_zst(out, path):
    size = 4 * GiB
    head, tail = bomb_tar_parts("bomb-1.0/", "zeros.py", size)
    data = zstd_frame(head) + zstd_frame(b"", size >> 17) + zstd_frame(tail)
    open(path, "wb").write(data)


def f_bomb_enc_zip(out, path):
    # the corpus convention around a bomb: ZipCrypto storage zip (password infected) > tar.bz2
    if not shutil.which("zip"):
        raise RuntimeError("the zip program is missing")
    w = tempfile.mkdtemp(dir=out)
    try:
        inner = os.path.join(w, "bomb-1.0.tar.bz2")
        f_bomb_py_tar_bz2(out, inner)
        subprocess.run(["zip", "-qXj", "-P", "infected", os.path.abspath(path), inner],
                       check=True)
    finally:
        shutil.rmtree(w)


def f_bomb_deb(out, path):
    # a .deb whose data member (data.tar.xz) is a bomb in an installed .py
    control = gzip.compress(tar_bytes([("./control", b"Package: python3-bomb\nVersion: 1\n")]),
                            mtime=0)
    data = bomb_tar_compressed(lambda b: lzma.compress(b, preset=6),
                               "./usr/lib/python3/dist-packages/bomb/", "zeros.py", 4 * GiB,
                               64 * MiB)
    open(path, "wb").write(ar_archive([("debian-binary", b"2.0\n"),
                                       ("control.tar.gz", control), ("data.tar.xz", data)]))


def f_bomb_stream_zip(out, path):
    # streamed entries without sizes: 256 MiB of zeros in a member that is only listed
    z, crc = deflate_zeros(256 * MiB)
    open(path, "wb").write(zip_streamed([("bomb-1.0/PKG-INFO",) + deflated(PKG_INFO),
                                         ("bomb-1.0/setup.py",) + deflated(SETUP_PY),
                                         ("bomb-1.0/zeros.bin", z, crc, 256 * MiB)]))


def f_bomb_stream_py_zip(out, path):
    # the same in a member the reader loads (.py)
    z, crc = deflate_zeros(256 * MiB)
    open(path, "wb").write(zip_streamed([("bomb-1.0/PKG-INFO",) + deflated(PKG_INFO),
                                         ("bomb-1.0/zeros.py", z, crc, 256 * MiB)]))


def f_bomb_zip(out, path):
    # 1 GiB of zeros (about 1 MB deflated) in a loaded member of a zip with a central directory
    data, crc = deflate_zeros(GiB)
    name = b"bomb-1.0/zeros.py"
    size = GiB
    lh = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x2821, crc, len(data), size,
                     len(name), 0)
    cd = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x2821, crc,
                     len(data), size, len(name), 0, 0, 0, 0, 0, 0) + name
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd),
                       len(lh) + len(name) + len(data), 0)
    open(path, "wb").write(lh + name + data + cd + eocd)


def f_bomb_tar_gz(out, path):
    # 256 MiB of zeros in a listed-only member, one gzip stream
    data = bomb_tar_compressed(lambda b: gzip.compress(b, 1, mtime=0), "bomb-1.0/",
                               "zeros.bin", 256 * MiB, 256 * MiB)
    open(path, "wb").write(data)


# garbage: nothing in it is a Python package

def f_eocd_zip(out, path):
    open(path, "wb").write(b"PK\x05\x06" + bytes(18))


def f_zeros_tar_xz(out, path):
    open(path, "wb").write(lzma.compress(bytes(MiB)))


def f_zeros_tar_gz(out, path):
    open(path, "wb").write(gzip.compress(bytes(MiB), mtime=0))


def f_dirs_tar(out, path):
    open(path, "wb").write(b"".join(tar_header(n, 0, tarfile.DIRTYPE)
                                    for n in ("a/", "a/b/", "c/")) + bytes(1024))


def f_readme_zip(out, path):
    zip_with(path, [("notes-1.0/README.md", b"# notes\n"), ("notes-1.0/data.bin", b"\0\1")])


# small but real: each has one of a Python file, a metadata file, a setup file

def f_setuponly_tar_gz(out, path):
    open(path, "wb").write(gzip.compress(tar_bytes([("s-1.0/setup.py", SETUP_PY)]), mtime=0))


def f_metaonly_tar_gz(out, path):
    open(path, "wb").write(gzip.compress(tar_bytes([("m-1.0/PKG-INFO", PKG_INFO)]), mtime=0))


def f_pyonly_zip(out, path):
    zip_with(path, [("mod.py", b"import os\n")])


# the root evasion: one extra top-level member next to the sdist directory

EVADE_SETUP = b"import os\nfrom setuptools import setup\nos.system('curl http://x.invalid')\n" \
              b"setup(name='evade')\n"
EVADE_FILES = [("evade-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: evade\nVersion: 1.0\n"),
               ("evade-1.0/setup.py", EVADE_SETUP),
               ("evade-1.0/evade/__init__.py", b"x = 1\n")]


def f_rootevade_zip(out, path):
    # made on "MS-DOS" (create_system 0): libarchive reads the backslash as a separator
    zip_with(path, EVADE_FILES + [("C:\\x.py", b"y = 2\n")], create_system=0)


def f_rootevade_unix_zip(out, path):
    zip_with(path, EVADE_FILES + [("C:\\x.py", b"y = 2\n")], create_system=3)


def f_rootevade_tar_gz(out, path):
    open(path, "wb").write(gzip.compress(tar_bytes(EVADE_FILES + [("C:\\x.py", b"y = 2\n")]),
                                         mtime=0))


def f_longmeta_tar_gz(out, path):
    # a 100 KB Summary header (over the 64 KiB header-line cap) followed by ordinary fields
    summary = b"s" * 100000
    pkginfo = (b"Metadata-Version: 2.1\nName: longmeta\nVersion: 1.0\nSummary: " + summary +
               b"\nHome-page: https://example.org/longmeta\nAuthor-email: a@example.org\n\nbody\n")
    open(path, "wb").write(gzip.compress(tar_bytes([("longmeta-1.0/PKG-INFO", pkginfo),
                                                    ("longmeta-1.0/setup.py", SETUP_PY)]),
                                         mtime=0))


def f_longmeta_deb(out, path):
    # the shape of Debian's python3-afdko: an installed egg-info PKG-INFO whose Description runs
    # to 196 KB of continuation lines (issue 10 item 7: it must read, with the value cut)
    desc = b"".join(b"        line %06d of a long description, as setuptools indents it\n" % i
                    for i in range(2800))
    pkginfo = (b"Metadata-Version: 2.1\nName: longmeta\nVersion: 1.0\nSummary: s\n"
               b"Description: first line\n" + desc + b"Platform: UNKNOWN\n\n")
    base = "./usr/lib/python3/dist-packages/"
    data = lzma.compress(tar_bytes([(base + "longmeta-1.0.egg-info/PKG-INFO", pkginfo),
                                    (base + "longmeta/__init__.py", b"x = 1\n")]))
    control = gzip.compress(tar_bytes([("./control", b"Package: python3-longmeta\n")]),
                            mtime=0)
    open(path, "wb").write(ar_archive([("debian-binary", b"2.0\n"),
                                       ("control.tar.gz", control), ("data.tar.xz", data)]))


# the fixtures that used to live in make_fixtures.sh

def add(tf, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = MTIME
    for k, v in kw.items():
        setattr(ti, k, v)
    tf.addfile(ti, io.BytesIO(data) if data else None)


def f_hostile_tar(out, path):
    # traversal names, links, devices (no mknod needed: the tar header carries the type)
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tf:
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


def ustar(name, data):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % len(data)
    h[136:148] = b"07346545000\0"
    h[148:156] = b" " * 8
    h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h) + data + bytes(-len(data) % 512)


def f_many_tar_gz(out, path):
    # 100,000 tiny members: exactly the default member limit (ustar headers written directly)
    with gzip.open(path, "wb", compresslevel=1) as g:
        g.write(b"".join(ustar(b"many-1.0/m/f%06d.py" % i, b"x") for i in range(100000)) +
                bytes(1024))


def f_longline_tar_gz(out, path):
    # a 10 MB single line in a .py and in PKG-INFO (random base64: not compressible)
    line = base64.b64encode(os.urandom(7_500_000))
    with tarfile.open(path, "w:gz") as tf:
        add(tf, "long-1.0/PKG-INFO", b"Name: long\nVersion: 1\nSummary: " + line + b"\n")
        add(tf, "long-1.0/setup.py", b"x = '" + line + b"'\n")


def f_badutf8_tar_gz(out, path):
    with tarfile.open(path, "w:gz") as tf:
        add(tf, "bad-1.0/PKG-INFO",
            b"Metadata-Version: 1.0\nName: bad\nVersion: 1\nAuthor: \xff\xfe\xc3(\n")
        add(tf, "bad-1.0/setup.py", b"# \xff\n")


FIXTURES = {
    "bomb-py.tar.bz2": f_bomb_py_tar_bz2,
    "bomb-bin.tar.bz2": f_bomb_bin_tar_bz2,
    "bomb-py.tar.gz": f_bomb_py_tar_gz,
    "bomb-py.tar.xz": f_bomb_py_tar_xz,
    "bomb-py.tar.zst": f_bomb_py_tar_zst,
    "bomb-enc.zip": f_bomb_enc_zip,
    "bomb.deb": f_bomb_deb,
    "bomb-stream.zip": f_bomb_stream_zip,
    "bomb-stream-py.zip": f_bomb_stream_py_zip,
    "bomb.zip": f_bomb_zip,
    "bomb.tar.gz": f_bomb_tar_gz,
    "eocd.zip": f_eocd_zip,
    "zeros.tar.xz": f_zeros_tar_xz,
    "zeros.tar.gz": f_zeros_tar_gz,
    "dirs.tar": f_dirs_tar,
    "readme.zip": f_readme_zip,
    "setuponly.tar.gz": f_setuponly_tar_gz,
    "metaonly.tar.gz": f_metaonly_tar_gz,
    "pyonly.zip": f_pyonly_zip,
    "rootevade.zip": f_rootevade_zip,
    "rootevade-unix.zip": f_rootevade_unix_zip,
    "rootevade.tar.gz": f_rootevade_tar_gz,
    "longmeta.tar.gz": f_longmeta_tar_gz,
    "longmeta.deb": f_longmeta_deb,
    "hostile.tar": f_hostile_tar,
    "many.tar.gz": f_many_tar_gz,
    "longline.tar.gz": f_longline_tar_gz,
    "badutf8.tar.gz": f_badutf8_tar_gz,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    names = sys.argv[2:] or list(FIXTURES)
    os.makedirs(out, exist_ok=True)
    failed = 0
    with open(os.path.join(out, "status.txt"), "a") as st:
        for name in names:
            try:
                if name not in FIXTURES:
                    raise KeyError("unknown fixture")
                FIXTURES[name](out, os.path.join(out, name))
                st.write("%s ok\n" % name)
            except Exception as e:  # one fixture's failure must not stop the others
                failed += 1
                try:
                    os.unlink(os.path.join(out, name))
                except OSError:
                    pass
                st.write("%s failed: %s\n" % (name, str(e).replace("\n", " ")[:200]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
