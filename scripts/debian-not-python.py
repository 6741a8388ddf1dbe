#!/usr/bin/env python3
"""The Debian slice packages that are not Python packages, from an extraction's errors.csv.

Usage: scripts/debian-not-python.py ERRORS.csv MANIFEST.csv > datasets/debian/not-python.csv

ERRORS.csv is the errors.csv of `pyvet extract --manifest datasets/debian/manifest.csv
--corpus DIR` (id,path,reason). Every row whose reason is the reader's "not a Python package"
refusal (core/pkg/package.h: no Python source, bytecode, extension module, metadata or setup
file: metapackages, documentation, C headers, templates, wheels shipped as data) is written as
id,package,reason in manifest order, with the package's Debian name and the reason without the
input path. Any other error is a reader failure on a real benign package (issue 10 item 7: there
must be none): the script prints it and exits 1 without writing the list. `pyvet split --name
realistic` leaves the listed rows out (excluded-not-python).
"""
import csv
import re
import sys

MARK = "not a Python package: "


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    with open(argv[1], newline="", encoding="utf-8") as f:
        errors = {r["id"]: r for r in csv.DictReader(f)}
    other = [r for r in errors.values() if MARK not in r["reason"]]
    for r in other:
        print("debian-not-python: %s %s: %s" % (r["id"], r["path"], r["reason"]), file=sys.stderr)
    if other:
        sys.exit(1)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "package", "reason"])
    with open(argv[2], newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            e = errors.get(row["id"])
            if not e:
                continue
            package = re.sub(r":.*", "", row["source"].split("debian:", 1)[-1].split("=")[0])
            out.writerow([row["id"], package, "not a Python package: " +
                          e["reason"].split(MARK, 1)[1]])


if __name__ == "__main__":
    main(sys.argv)
