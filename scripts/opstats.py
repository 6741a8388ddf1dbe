#!/usr/bin/python3
"""opstats.py: the aggregation steps of scripts/realworld.sh and scripts/beyond.sh (issue 10
item 6, issue 11), from the files `pyvet cv --oof/--scores` and `pyvet predict` write.

Run with Debian's /usr/bin/python3 (standard library only); the shell scripts call it as

    opstats.py sets FEATURES SET[,SET...]          the sets the extraction has (stdout, comma-
                                                   separated); a SKIP line on stderr per other
    opstats.py trainings MANIFEST OUTDIR           corpus.manifest.csv, realistic.manifest.csv
    opstats.py realworld OUTDIR MANIFEST FEATURES  OUTDIR/realworld.csv from OUTDIR/<training>.*
    opstats.py ablation OUTDIR NAME FEAT MANIFEST [NAME FEAT MANIFEST ...]
                                                   OUTDIR/ablation.csv, ablation_strata.csv
    opstats.py best OUTDIR DATASET EXCLUDE         the set chosen for the goals (stdout)
    opstats.py goals OUTDIR DATASET SET MANIFEST F:MODEL:PRED[:STATUS] ...
                                                   OUTDIR/beyond_goals.csv
    opstats.py sidecar OUT.json KEY=VALUE ...      a JSON sidecar (see sidecar())

The rules below are the engine's, restated once here and checked against its own output:
  - ties: two scores are tied when they differ by at most 1e-12 * max(|a|, |b|)
    (core/ml/metrics.h metrics_tied());
  - a learner's default verdict: score > threshold, strictly (metrics_confusion(), spec D26);
    the threshold is the `threshold` column of `--scores`; for out-of-fold scores, which carry
    no threshold, it is the learner's 0.5 or 0, taken as the one of the two that reproduces the
    engine's own per-fold tp/fp/tn/fn (the cv long CSV) exactly -- an error otherwise;
  - an operating point at target FPR F: metrics_threshold_at_fpr() of the repeat-1 out-of-fold
    scores (candidates = the top score of each block of tied scores, highest first; the lowest
    candidate whose benign FPR is <= F), a row flagged iff score > t and not tied with t
    (metrics_flagged()); "unreachable" when that threshold flags nothing, exactly as
    experiments/reproduce/repro_testsplit.c repro_operating_points();
  - Wilson 95 % score intervals as metrics_wilson() (z = 1.959963984540054; exact 0 and 1 at
    k = 0 and k = n);
  - macro-F1 with scikit-learn's zero_division=0, F1 = 2TP / (2TP + FP + FN) (metrics_compute()).
"""
import csv
import hashlib
import json
import math
import os
import sys

Z95 = 1.959963984540054
TIE_TOL = 1e-12
LEARNER_THRESHOLDS = (0.5, 0.0)  # probabilistic learners, decision values (learners/learner.h)
TARGETS = (0.1, 0.01, 0.001)
FIXED = ("id", "label", "name", "version", "cluster", "first_seen", "shape")
# Strata of scripts/leak-strata.sh: (benign side, malicious side), by manifest kind and shape.
STRATA = (
    ("installed-vs-wheel", lambda k, s: k == "debian" and s == "installed", lambda s: s == "wheel"),
    ("popular-vs-sdist", lambda k, s: k == "popular", lambda s: s == "sdist"),
    ("realsdist-vs-sdist", lambda k, s: k == "sdist", lambda s: s == "sdist"),
    ("overall", lambda k, s: True, lambda s: True),
)
BASELINES = ("artifacts", "residual")


class Fail(Exception):
    pass


# ---------------------------------------------------------------- the engine's rules
def tied(a, b):
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= TIE_TOL * max(abs(a), abs(b))


def flagged(score, t):
    """metrics_flagged(): above a score-derived threshold and not tied with it."""
    return score > t and not tied(score, t)


def threshold_at_fpr(scores, ys, target):
    """metrics_threshold_at_fpr(): (t, recall, fpr) as the C function returns them."""
    n_pos = sum(1 for y in ys if y)
    n_neg = len(ys) - n_pos
    if n_neg == 0:
        return math.inf, math.nan, math.nan
    if target != target:
        return math.nan, math.nan, math.nan
    v = sorted(((s, y) for s, y in zip(scores, ys) if s == s), key=lambda p: -p[0])
    best, found, tp, fp, best_tp, best_fp, lo = math.inf, False, 0, 0, 0, 0, 0
    while lo < len(v):
        hi = lo + 1
        while hi < len(v) and tied(v[hi - 1][0], v[hi][0]):
            hi += 1
        if fp / n_neg > target:
            break
        best, found, best_tp, best_fp = v[lo][0], True, tp, fp
        for _, y in v[lo:hi]:
            if y:
                tp += 1
            else:
                fp += 1
        lo = hi
    if not found:
        return math.inf, math.nan, math.nan
    return best, (best_tp / n_pos if n_pos else math.nan), best_fp / n_neg


def operating_point(scores, ys, target):
    """(threshold, status): status "unreachable" (threshold NaN) as repro_operating_points()."""
    t, rec, fpr = threshold_at_fpr(scores, ys, target)
    if math.isnan(t) or math.isinf(t) or ((rec == 0 or rec != rec) and fpr == 0):
        return math.nan, "unreachable"
    return t, "ok"


def wilson(k, n, z=Z95):
    """metrics_wilson(): (p, lo, hi); NaN for n == 0."""
    if n == 0 or k > n:
        return math.nan, math.nan, math.nan
    p, z2 = k / n, z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = 0.0 if k == 0 or center - half < 0 else center - half
    hi = 1.0 if k == n or center + half > 1 else center + half
    return p, lo, hi


def f1_macro(tp, fp, tn, fn):
    def f1(a, b, c):
        d = 2 * a + b + c
        return 2 * a / d if d else 0.0
    return (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2


def confusion(rows, flag):
    """(tp, fp, tn, fn) of (score, y) pairs under the verdict function flag(score)."""
    c = [0, 0, 0, 0]
    for s, y in rows:
        f = s == s and flag(s)
        c[(0 if f else 3) if y else (1 if f else 2)] += 1
    return tuple(c)


# ---------------------------------------------------------------- files
def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def fmt(v):
    """Numbers as the shortest text that reads back as the same double; NaN and None as ''."""
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if v != v else repr(v)
    return str(v)


def is_malicious(label):
    return label in ("1", "malicious")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def shapes(features):
    with open(os.path.join(features, "features.csv"), newline="") as f:
        r = csv.DictReader(f)
        if "shape" not in (r.fieldnames or []):
            raise Fail(f"'{features}/features.csv' has no shape column (an older extraction)")
        return {row["id"]: row["shape"] for row in r}


def manifest_rows(path):
    rows = read_csv(path)
    for col in ("id", "label", "split", "kind"):
        if rows and col not in rows[0]:
            raise Fail(f"'{path}': no {col} column")
    return rows


# ---------------------------------------------------------------- sets
def set_families(spec):
    """The column families a featspec name (core/ml/featdata.h grammar) needs."""
    fams = []
    for part in spec.split("-")[0].split("+"):
        if part in ("T", "text", "pre"):
            continue
        if part and all(c in "MCF" for c in part):
            fams += [{"M": "meta", "C": "code", "F": "file"}[c] for c in part]
        else:
            fams.append(part)
    return fams


def cmd_sets(features, sets):
    with open(os.path.join(features, "features.csv"), newline="") as f:
        head = next(csv.reader(f), [])
    have = {c.split(".", 1)[0] for c in head if "." in c and c not in FIXED}
    keep = []
    for s in [s for s in sets.split(",") if s]:
        miss = [f for f in set_families(s) if f not in have]
        if miss:
            print(f"# SKIP set {s}: the extraction has no {', '.join(m + '.*' for m in miss)}"
                  " columns", file=sys.stderr)
        elif s not in keep:
            keep.append(s)
    print(",".join(keep))


# ---------------------------------------------------------------- realworld (issue 10.6)
def cmd_trainings(manifest, out):
    """Two manifests of the same test rows: (a) `corpus` trains on the training rows whose kind
    is not debian, (b) `realistic` on every training row."""
    rows = manifest_rows(manifest)
    head = list(rows[0].keys()) if rows else ["id", "label", "split", "kind"]
    for name, keep in (("corpus", lambda r: r["kind"] != "debian"), ("realistic", lambda r: True)):
        sel = [r for r in rows if r["split"] == "test" or (r["split"] == "train" and keep(r))]
        write_csv(os.path.join(out, name + ".manifest.csv"), head,
                  [[r[c] for c in head] for r in sel])
        print(f"realworld: training {name}: "
              f"{sum(1 for r in sel if r['split'] == 'train')} training rows, "
              f"{sum(1 for r in sel if r['split'] == 'test')} test rows", file=sys.stderr)


def load_oof(path, repeat="0"):
    """{(set, learner): [(id, score, y, repeat, fold)]} of the rows of `repeat` (None: all)."""
    out = {}
    for r in read_csv(path):
        if repeat is not None and r["repeat"] != repeat:
            continue
        out.setdefault((r["set"], r["learner"]), []).append(
            (r["id"], float(r["score"]), is_malicious(r["label"]), r["repeat"], r["fold"]))
    return out


def test_subsets(test_ids, mrow, shape):
    """The test subsets of realworld.csv: (subset, kind, shape, measure, ids)."""
    deb = [i for i in test_ids if mrow[i]["kind"] == "debian" and not is_malicious(mrow[i]["label"])]
    corp = [i for i in test_ids if mrow[i]["kind"] != "debian" and not is_malicious(mrow[i]["label"])]
    mal = [i for i in test_ids if is_malicious(mrow[i]["label"])]
    subs = []
    if deb:
        subs.append(("debian_test", "debian", "all", "fpr", deb))
        for s in sorted({shape.get(i, "") for i in deb}):
            subs.append(("debian_test", "debian", s, "fpr", [i for i in deb if shape.get(i, "") == s]))
    if corp:
        subs.append(("corpus_test", "all", "all", "fpr", corp))
        for k in sorted({mrow[i]["kind"] for i in corp}):
            subs.append(("corpus_test", k, "all", "fpr", [i for i in corp if mrow[i]["kind"] == k]))
    if mal:
        subs.append(("malicious_test", "all", "all", "recall", mal))
        for s in sorted({shape.get(i, "") for i in mal}):
            subs.append(("malicious_test", "all", s, "recall", [i for i in mal if shape.get(i, "") == s]))
    return subs


def rate_row(measure, flags):
    """k/n and Wilson bounds: k = flagged rows (FP for fpr, TP for recall)."""
    n = len(flags)
    k = sum(1 for f in flags if f)
    p, lo, hi = wilson(k, n)
    return [k, n, fmt(p), fmt(lo), fmt(hi)]


REALWORLD_HEAD = ["training", "set", "learner", "point", "target_fpr", "threshold", "status",
                  "subset", "kind", "shape", "measure", "k", "n", "rate", "wilson_lo", "wilson_hi"]


def cmd_realworld(out, manifest, features):
    shape = shapes(features)
    rows_out = []
    for training in ("corpus", "realistic"):
        m = {r["id"]: r for r in manifest_rows(os.path.join(out, training + ".manifest.csv"))}
        oof = load_oof(os.path.join(out, training + ".oof.csv"))
        test = {}
        for r in read_csv(os.path.join(out, training + ".test_scores.csv")):
            test.setdefault((r["set"], r["learner"]), []).append(r)
        for key in test:
            set_, learner = key
            tr = test[key]
            ts = {r["id"]: float(r["score"]) for r in tr}
            t_def = {float(r["threshold"]) for r in tr}
            if len(t_def) != 1:
                raise Fail(f"{training} {set_} {learner}: more than one default threshold")
            t_def = t_def.pop()
            for r in tr:  # the --scores verdicts are the strict rule at the default threshold
                if (float(r["score"]) > t_def) != (r["verdict"] == "malicious"):
                    raise Fail(f"{training} {set_} {learner} {r['id']}: verdict disagrees"
                               " with score > threshold")
            o = oof.get(key, [])
            if not o:
                raise Fail(f"{training}: no out-of-fold scores for {set_} {learner}")
            os_, oy = [x[1] for x in o], [x[2] for x in o]
            points = [("default", None, t_def, "ok", lambda s, t=t_def: s > t)]
            for f in TARGETS:
                t, st = operating_point(os_, oy, f)
                points.append((f"oof_fpr_{f:g}", f, t, st, lambda s, t=t: flagged(s, t)))
            subs = [("oof_train", "all", "all", "fpr", [i for i, y in zip([x[0] for x in o], oy) if not y]),
                    ("oof_train", "all", "all", "recall", [i for i, y in zip([x[0] for x in o], oy) if y])]
            oof_score = {x[0]: x[1] for x in o}
            test_ids = [r["id"] for r in tr]
            subs += test_subsets(test_ids, m, shape)
            for name, target, t, st, flag in points:
                for sub, kind, shp, measure, ids in subs:
                    src = oof_score if sub == "oof_train" else ts
                    head = [training, set_, learner, name, fmt(target), fmt(t), st, sub, kind, shp,
                            measure]
                    if st != "ok":
                        rows_out.append(head + ["", len(ids), "", "", ""])
                    else:
                        rows_out.append(head + rate_row(measure, [flag(src[i]) for i in ids]))
    write_csv(os.path.join(out, "realworld.csv"), REALWORLD_HEAD, rows_out)
    print(f"realworld: wrote {out}/realworld.csv ({len(rows_out)} rows)", file=sys.stderr)


# ---------------------------------------------------------------- ablation (issue 11)
def learner_threshold(key, oof_all, cells):
    """The learner's default threshold (0.5 or 0) that reproduces the engine's per-fold
    confusion counts of `key` = (set, learner) from the out-of-fold scores."""
    by_fold = {}
    for _, s, y, rep, fold in oof_all[key]:
        by_fold.setdefault((rep, fold), []).append((s, y))
    want = cells.get(key, {})
    if not want:
        raise Fail(f"{key[0]} {key[1]}: no tp/fp/tn/fn cells in the cv output")
    for t in LEARNER_THRESHOLDS:
        if all(confusion(by_fold.get(rf, []), lambda s, t=t: s > t) == c for rf, c in want.items()):
            return t
    raise Fail(f"{key[0]} {key[1]}: no default threshold (0.5 or 0) reproduces the engine's"
               " per-fold confusion counts from the out-of-fold scores")


def load_cells(path):
    """{(set, learner): {(repeat, fold): (tp, fp, tn, fn)}} of the cv long CSV's ok cells."""
    acc = {}
    for r in read_csv(path):
        if r["metric"] in ("tp", "fp", "tn", "fn") and r["status"] == "ok":
            acc.setdefault((r["set"], r["learner"]), {}).setdefault((r["repeat"], r["fold"]), {})[
                r["metric"]] = int(float(r["value"]))
    return {k: {rf: (c["tp"], c["fp"], c["tn"], c["fn"]) for rf, c in v.items()}
            for k, v in acc.items()}


def mean_sd(v):
    if not v:
        return math.nan, math.nan
    m = sum(v) / len(v)
    if len(v) < 2:
        return m, math.nan
    return m, math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))


def add_margins(rows, keyf, valf):
    """Append margin_artifacts, margin_residual to each row: its value minus that of the same
    key with set = baseline; and the `best` rows (learner = best, the argmax learner named)."""
    idx = {keyf(r): valf(r) for r in rows}
    out = []
    for r in rows:
        k = keyf(r)
        ms = []
        for b in BASELINES:
            bv = idx.get(k[:2] + (b,) + k[3:])
            v = valf(r)
            ms.append(fmt(v - bv) if bv is not None and v == v and bv == bv else "")
        out.append(r + ms)
    return out


ABL_HEAD = ["dataset", "cv", "set", "learner", "chosen_learner", "folds", "repeats", "n",
            "f1_macro_mean", "f1_macro_sd", "margin_artifacts", "margin_residual"]
STRATA_HEAD = ["dataset", "cv", "stratum", "set", "learner", "chosen_learner", "n_benign",
               "n_malicious", "repeats", "f1_macro_mean", "f1_macro_sd", "margin_artifacts",
               "margin_residual"]


def with_best(rows, group, li, vi):
    """rows + one `best` row per group: the learner with the highest mean (first in the rows'
    order on ties)."""
    best = {}
    for r in rows:
        g = group(r)
        if r[vi] != r[vi]:
            continue
        if g not in best or r[vi] > best[g][vi]:
            best[g] = r
    extra = []
    for g, r in best.items():
        b = list(r)
        b[li], b[li + 1] = "best", r[li]
        extra.append(b)
    return rows + extra


def cmd_ablation(out, specs):
    abl, strata = [], []
    for name, features, manifest in specs:
        d = os.path.join(out, name)
        shape = shapes(features)
        mrow = {r["id"]: r for r in manifest_rows(manifest) if r["split"] == "train"}
        opts = json.load(open(os.path.join(d, "options.json")))
        for kind in ("stratified", "grouped"):
            base = os.path.join(d, f"cv_{kind}")
            if not os.path.exists(base + ".summary.csv"):
                continue
            for r in read_csv(base + ".summary.csv"):
                if r["metric"] == "f1_macro":
                    abl.append([name, kind, r["set"], r["learner"], r["learner"], opts["folds"],
                                opts["repeats"], int(r["n"]), float(r["mean"]),
                                float(r["sd"]) if r["sd"] else math.nan])
            cells = load_cells(base + ".csv")
            oof_all = load_oof(os.path.join(d, f"oof_{kind}.csv"), None)
            for key in oof_all:
                t = learner_threshold(key, oof_all, cells)
                rows = [(i, s, y, rep) for i, s, y, rep, _ in oof_all[key] if i in mrow]
                reps = sorted({x[3] for x in rows}, key=int)
                for sname, ben, mal in STRATA:
                    def inside(i, y):
                        return mal(shape.get(i, "")) if y else ben(mrow[i]["kind"], shape.get(i, ""))
                    sel = [x for x in rows if inside(x[0], x[2])]
                    ids = {x[0]: x[2] for x in sel}
                    nb = sum(1 for y in ids.values() if not y)
                    nm = len(ids) - nb
                    if not nb or not nm:
                        continue
                    f1s = [f1_macro(*confusion([(s, y) for _, s, y, rp in sel if rp == rep],
                                               lambda s: s > t)) for rep in reps]
                    m, sd = mean_sd(f1s)
                    strata.append([name, kind, sname, key[0], key[1], key[1], nb, nm, len(reps),
                                   m, sd])
    abl = with_best(abl, lambda r: (r[0], r[1], r[2]), 3, 8)
    strata = with_best(strata, lambda r: (r[0], r[1], r[2], r[3]), 4, 9)
    abl = add_margins(abl, lambda r: (r[0], r[1], r[2], r[3]), lambda r: r[8])
    # strata keys: (dataset, cv, set) would put the stratum first; reorder for add_margins
    strata = add_margins(strata, lambda r: (r[0], r[1], r[3], r[2], r[4]), lambda r: r[9])
    write_csv(os.path.join(out, "ablation.csv"), ABL_HEAD, [[fmt(x) for x in r] for r in abl])
    write_csv(os.path.join(out, "ablation_strata.csv"), STRATA_HEAD,
              [[fmt(x) for x in r] for r in strata])
    print(f"beyond: wrote {out}/ablation.csv ({len(abl)} rows), ablation_strata.csv"
          f" ({len(strata)} rows)", file=sys.stderr)


def cmd_best(out, dataset, exclude):
    """The set with the highest stack macro-F1 in cluster-grouped CV (stratified if there is no
    grouped row), ties to the earlier row; never one of `exclude`."""
    rows = read_csv(os.path.join(out, "ablation.csv"))
    skip = set(exclude.split(","))
    for kind in ("grouped", "stratified"):
        cand = [r for r in rows if r["dataset"] == dataset and r["cv"] == kind and
                r["learner"] == "stack" and r["set"] not in skip and r["f1_macro_mean"]]
        if cand:
            best = max(cand, key=lambda r: float(r["f1_macro_mean"]))
            print(f"{best['set']},{kind}")
            return
    raise Fail(f"no {dataset} stack row in {out}/ablation.csv to choose from")


GOALS_HEAD = ["check", "dataset", "set", "learner", "cv", "subset", "target_fpr", "status",
              "threshold", "k", "n", "value", "wilson_lo", "wilson_hi", "goal", "met", "met_ci"]
GOAL_MARGIN = 0.05
GOAL_RECALL = 0.90
GOAL_DEBIAN_FPR = 0.005
GOAL_AT_FPR = 0.001


def cmd_goals(out, dataset, set_, manifest, runs):
    rows = []
    strata = read_csv(os.path.join(out, "ablation_strata.csv"))
    for r in strata:
        if r["dataset"] == dataset and r["set"] == set_ and r["learner"] == "stack":
            v = float(r["margin_residual"]) if r["margin_residual"] else math.nan
            rows.append(["margin_residual", dataset, set_, "stack", r["cv"], r["stratum"], "",
                         "ok", "", "", "", fmt(v), "", "", fmt(GOAL_MARGIN),
                         "" if v != v else ("yes" if v >= GOAL_MARGIN else "no"), ""])
    m = {r["id"]: r for r in manifest_rows(manifest) if r["split"] == "test"}
    for run in runs:
        f, model, pred, status = (run.split(":") + ["ok"])[:4]
        f = float(f)
        at_goal = abs(f - GOAL_AT_FPR) < 1e-15
        if status != "ok" or not os.path.exists(pred):
            for chk in ("recall_test", "fpr_debian_test", "fpr_corpus_test"):
                miss = "no" if at_goal and chk != "fpr_corpus_test" else ""
                rows.append([chk, dataset, set_, "stack", "", "", fmt(f), status, "", "", "", "",
                             "", "", "", miss, miss])
            continue
        p = [r for r in read_csv(pred) if r["id"] in m]
        t = float(p[0]["threshold"]) if p else math.nan
        for chk, sel, goal, cmp in (
                ("recall_test", lambda r: is_malicious(r["label"]), GOAL_RECALL, lambda v, g: v >= g),
                ("fpr_debian_test", lambda r: not is_malicious(r["label"]) and m[r["id"]]["kind"] == "debian",
                 GOAL_DEBIAN_FPR, lambda v, g: v <= g),
                ("fpr_corpus_test", lambda r: not is_malicious(r["label"]) and m[r["id"]]["kind"] != "debian",
                 None, None)):
            s = [r for r in p if sel(r)]
            k = sum(1 for r in s if r["verdict"] == "malicious")
            v, lo, hi = wilson(k, len(s))
            met = met_ci = ""
            if goal is not None and at_goal and v == v:
                met = "yes" if cmp(v, goal) else "no"
                # met_ci: the whole 95 % interval on the goal's side (recall: lower bound)
                met_ci = "yes" if cmp(lo if chk == "recall_test" else hi, goal) else "no"
            rows.append([chk, dataset, set_, "stack", "", "all", fmt(f), "ok", fmt(t), k, len(s),
                         fmt(v), fmt(lo), fmt(hi), fmt(goal) if at_goal else "", met, met_ci])
    write_csv(os.path.join(out, "beyond_goals.csv"), GOALS_HEAD, rows)
    print(f"beyond: wrote {out}/beyond_goals.csv ({len(rows)} rows)", file=sys.stderr)


# ---------------------------------------------------------------- sidecars
def sidecar(path, kv):
    """A JSON sidecar: output, script, pyvet_commit, wall_seconds, inputs (each file:PATH is
    hashed), options. Keys: output=, script=, commit=, start= (epoch seconds), file:NAME=PATH,
    opt:NAME=VALUE (an integer if it reads as one)."""
    import time
    d = {"inputs": {}, "options": {}}
    for item in kv:
        k, _, v = item.partition("=")
        if k.startswith("file:"):
            d["inputs"][k[5:]] = {"path": v, "sha256": sha256(v) if os.path.isfile(v) else None}
        elif k.startswith("opt:"):
            try:
                d["options"][k[4:]] = int(v)
            except ValueError:
                d["options"][k[4:]] = v
        elif k == "start":
            d["wall_seconds"] = round(time.time() - float(v), 3)
        elif k == "commit":
            d["pyvet_commit"] = v
        else:
            d[k] = v
    with open(path + ".tmp", "w") as f:
        json.dump(d, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, a = argv[1], argv[2:]
    try:
        if cmd == "sets" and len(a) == 2:
            cmd_sets(*a)
        elif cmd == "trainings" and len(a) == 2:
            cmd_trainings(*a)
        elif cmd == "realworld" and len(a) == 3:
            cmd_realworld(*a)
        elif cmd == "ablation" and len(a) >= 4 and (len(a) - 1) % 3 == 0:
            cmd_ablation(a[0], [a[i:i + 3] for i in range(1, len(a), 3)])
        elif cmd == "best" and len(a) == 3:
            cmd_best(*a)
        elif cmd == "goals" and len(a) >= 5:
            cmd_goals(a[0], a[1], a[2], a[3], a[4:])
        elif cmd == "sidecar" and len(a) >= 1:
            sidecar(a[0], a[1:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Fail, OSError, KeyError, ValueError) as e:
        print(f"opstats {cmd}: {e}", file=sys.stderr)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
