#!/usr/bin/python3
"""report_io.py: reading results files for the report scripts (make_report.py, report_beyond.py,
report_peers.py). Standard library only; a missing or unreadable file is None, never an error,
so each section can say "not produced" / "not run" itself."""
import csv
import json
import os


def fnum(s):
    """The number in s, or None for an empty, non-numeric or NaN cell."""
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def read_csv(path):
    """Rows of the CSV at path as dicts, or None when the file does not exist."""
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_json(path):
    """The JSON document at path, or None when it is missing or not JSON."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_sidecar(path):
    """The JSON sidecar of a results file (X.csv -> X.json), or None."""
    return read_json(os.path.splitext(path)[0] + ".json")
