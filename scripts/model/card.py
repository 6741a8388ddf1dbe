#!/usr/bin/python3
"""The model card of the bundled default model (scripts/model/build.sh, `make model`).

Reads the model file's header (docs/model-format.md), the dataset manifest, the extraction's
errors.csv and the scores `pyvet predict` wrote for the held-out test split, and prints one JSON
object: what the model is, what it was trained and calibrated on, its out-of-fold figures (from
the model header: `pyvet train --fpr`), its figures on the test split (benign FPR on the Debian
test packages and per kind, recall on the newest malware) with 95 % Wilson intervals, and its
known limits. Every number is read from those files; nothing is typed here.

usage: card.py --model M --manifest CSV --features DIR --test-scores CSV [--status S]
"""
import argparse
import csv
import hashlib
import json
import math
import sys

Z95 = 1.959963984540054


def wilson(k, n):
    """Wilson score interval (as metrics_wilson() in core/ml/metrics.c)."""
    if n == 0:
        return None, [None, None]
    p = k / n
    z2 = Z95 * Z95
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, center - half)
    hi = 1.0 if k == n else min(1.0, center + half)
    return p, [lo, hi]


def rate(k, n, what):
    p, ci = wilson(k, n)
    return {what: p, "ci95": ci, "k": k, "n": n}


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--features", required=True)
    ap.add_argument("--test-scores", required=True)
    ap.add_argument("--status", default="provisional")
    a = ap.parse_args()

    with open(a.model, "rb") as f:
        first = f.readline().decode().split()
        header = json.loads(f.readline())
    rows = {r["id"]: r for r in csv.DictReader(open(a.manifest, newline=""))}
    failed = {r["id"] for r in csv.DictReader(open(a.features + "/errors.csv", newline=""))}
    scores = list(csv.DictReader(open(a.test_scores, newline="")))
    cal = header["calibration"]
    oof = cal.get("oof", {})

    # the data: training rows per label and kind, rows that could not be read
    def count(split):
        c = {}
        for r in rows.values():
            if r["split"] != split:
                continue
            key = r["label"] + "/" + (r["kind"] or "?")
            c.setdefault(key, {"listed": 0, "unreadable": 0})
            c[key]["listed"] += 1
            c[key]["unreadable"] += r["id"] in failed
        return c

    # the test split: FPR per benign kind, recall on the malware (the newest, by the split)
    flagged = {"benign": {}, "malicious": {}}
    for s in scores:
        r = rows[s["id"]]
        d = flagged[r["label"]].setdefault(r["kind"] or "?", [0, 0])
        d[0] += s["verdict"] == "malicious"
        d[1] += 1
    test_benign = {k: rate(v[0], v[1], "fpr") for k, v in sorted(flagged["benign"].items())}
    fp = sum(v[0] for v in flagged["benign"].values())
    nb = sum(v[1] for v in flagged["benign"].values())
    tp = sum(v[0] for v in flagged["malicious"].values())
    nm = sum(v[1] for v in flagged["malicious"].values())
    dates = sorted(rows[s["id"]]["first_seen"] for s in scores
                   if rows[s["id"]]["label"] == "malicious" and rows[s["id"]]["first_seen"])

    tp_o, fp_o, fn_o = oof.get("tp", 0), oof.get("fp", 0), oof.get("fn", 0)
    card = {
        "card_version": 1,
        "model": a.model,
        "sha256": sha256_file(a.model),
        "format": int(first[1]) if len(first) == 2 else None,
        "status": a.status,
        "status_note": (
            "provisional: trained with the feature sets available today to exercise the "
            "bundled-model wiring; the final sets will be chosen from the ablation's CV results "
            "and the model retrained with `make model MODEL_SETS=...`"
            if a.status == "provisional" else "final"),
        "pyvet_version": header.get("pyvet_version"),
        "git_commit": header.get("git_commit"),
        "learner": header.get("learner"),
        "learner_params": header.get("learner_params"),
        "feature_set": header.get("set"),
        "columns": len(header.get("fixed_columns", [])) + (
            header["vocab"]["num_words"] if header.get("text") else 0),
        "data": {
            "dataset": "realistic (datasets/realistic/README.md): corpus + Debian slice",
            "manifest": a.manifest,
            "manifest_sha256": sha256_file(a.manifest),
            "train_rows": header["train"]["rows"],
            "train_malicious": header["train"]["malicious"],
            "train_ids_sha256": header["train"]["ids_sha256"],
            "train_listed": count("train"),
            "test_listed": count("test"),
            "unreadable_note": "unreadable rows (Debian packages without Python code, "
                               "docs/decisions.md) are not rows of the extraction",
        },
        "threshold": header["threshold"],
        "calibration": cal,
        "cv": {
            "scores": "out-of-fold, %s folds, seed %s (the calibration run)"
                      % (cal.get("folds"), cal.get("seed")),
            "roc_auc": oof.get("roc_auc"),
            "fpr": oof.get("fpr"), "fpr_ci95": oof.get("fpr_ci95"),
            "recall": oof.get("recall"), "recall_ci95": oof.get("recall_ci95"),
            "precision": tp_o / (tp_o + fp_o) if tp_o + fp_o else None,
            "f1_malicious": 2 * tp_o / (2 * tp_o + fp_o + fn_o) if tp_o else None,
        },
        "test": {
            "note": "the realistic test split, scored once after training and calibration; "
                    "never used to choose anything",
            "benign_fpr_by_kind": test_benign,
            "benign_fpr_all": rate(fp, nb, "fpr"),
            "debian_fpr": test_benign.get("debian"),
            "malware_recall": rate(tp, nm, "recall"),
            "malware_first_seen": [dates[0], dates[-1]] if dates else None,
        },
        "known_limits": [
            "the threshold is calibrated on out-of-fold scores of models fitted on 90 % of the "
            "training rows; the bundled model is fitted on all of them, so its scores may sit "
            "slightly higher or lower than those the threshold was chosen on",
            "the out-of-fold FPR rests on few false positives: see calibration.warnings and the "
            "Wilson intervals; a target of 0.001 needs at least 3000 benign training packages",
            "benign training data: popular PyPI sdists, the corpus' other benign sdists and the "
            "Debian python3-* packages of one release; other kinds of packages (private "
            "indexes, wheels with compiled code, very small packages) are less represented",
            "malware: the corpus' older malware (training) and newest malware (test); new "
            "attack styles that use none of the features are not detected",
            "a package pyvet cannot read or that has no Python code is an error (exit 3), "
            "never a verdict",
            "the verdict is a static judgement from text features: it never runs the package "
            "and can be evaded by code that looks like benign code",
        ],
    }
    json.dump(card, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
