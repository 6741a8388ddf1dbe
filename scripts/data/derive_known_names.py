#!/usr/bin/env python3
"""Derive featuresets/data/known_names.txt, the well-known project names of metadata2's
name-similarity columns (issue 11, docs/features.md "metadata2").

Input: the Debian slice list (../shared/data/debian-benign.csv, column pypi_name) and the
corpus manifest (../shared/corpus/manifest.csv, column name of the rows labelled benign).
Output: their PEP 503 normalised names (lower case, runs of '-', '_', '.' as one '-'),
sorted and unique, one per line, after comment lines recording the inputs and their SHA-256.
Deterministic: the same inputs give the same bytes.

Usage: scripts/data/derive_known_names.py [SHARED_DIR] > featuresets/data/known_names.txt
"""
import csv
import hashlib
import re
import sys


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
    debian = shared + "/data/debian-benign.csv"
    manifest = shared + "/corpus/manifest.csv"
    names = set()
    n_debian = n_corpus = 0
    with open(debian, newline="") as f:
        for row in csv.DictReader(f):
            if row["pypi_name"].strip():
                names.add(normalise(row["pypi_name"].strip()))
                n_debian += 1
    with open(manifest, newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] == "benign" and row["name"].strip():
                names.add(normalise(row["name"].strip()))
                n_corpus += 1
    out = sys.stdout
    out.write("# known_names.txt: well-known Python project names for metadata2.name_typo and\n")
    out.write("# metadata2.name_variant (featuresets/metadata2.c). Derived by\n")
    out.write("# scripts/data/derive_known_names.py from:\n")
    out.write("#   debian-benign.csv (column pypi_name, %d rows), sha256 %s\n" % (n_debian, sha256(debian)))
    out.write("#   corpus manifest.csv (column name, %d benign rows), sha256 %s\n" % (n_corpus, sha256(manifest)))
    out.write("# PEP 503 normalised, sorted, unique: %d names. A package's own normalised name is\n" % len(names))
    out.write("# never a match (the benign corpus names are here by construction).\n")
    for n in sorted(names):
        out.write(n + "\n")


if __name__ == "__main__":
    main()
