#!/usr/bin/env bash
# scripts/realworld.sh (issue 10 item 6) and scripts/beyond.sh (issue 11) on a synthetic
# extraction built here (features.csv with `shape` and the families meta, code, file, artifacts,
# residual and a stand-in new set `novel`; tokens.tsv; a realistic-like manifest with corpus and
# Debian rows): the outputs' columns, k/n and Wilson bounds recomputed independently, the
# out-of-fold threshold against `pyvet train --fpr` (the engine's own calibration), the margins,
# a stratum's macro-F1 recomputed from the out-of-fold scores, the goals, the sidecars, and the
# visible SKIP lines when inputs or sets are absent. No ../shared needed.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
F=$TMP/feat
M=$TMP/manifest.csv
mkdir -p "$F"

"$PY" - "$F" "$M" <<'PY'
import csv, random, sys
feat, man = sys.argv[1:3]
rng = random.Random(7)
plan = [("train", "malware", "sdist", 40), ("train", "malware", "wheel", 20),
        ("train", "popular", "sdist", 20), ("train", "sdist", "sdist", 20),
        ("train", "debian", "installed", 40), ("test", "malware", "sdist", 14),
        ("test", "malware", "wheel", 6), ("test", "popular", "sdist", 10),
        ("test", "sdist", "sdist", 10), ("test", "debian", "installed", 18),
        ("test", "debian", "dir", 2)]
cols = ["meta.has_home", "meta.has_email", "code.has_url", "code.has_exec", "file.min_cfg",
        "artifacts.depth", "artifacts.crlf", "residual.n_files", "residual.size", "novel.decode_exec"]
fr = csv.writer(open(feat + "/features.csv", "w", newline=""), lineterminator="\n")
fr.writerow(["id", "label", "name", "version", "cluster", "first_seen", "shape"] + cols)
mr = csv.writer(open(man, "w", newline=""), lineterminator="\n")
mr.writerow(["id", "label", "name", "version", "path", "cluster", "kind", "split"])
tok = open(feat + "/tokens.tsv", "w")
i = 0
for split, kind, shape, n in plan:
    for _ in range(n):
        i += 1
        mal = kind == "malware"
        s = mal != (rng.random() < 0.12)  # 12 % look like the other class
        pid = "%s%04d" % ("m" if mal else "b", i)
        cl = "%s-%03d" % ("m" if mal else "b", i // 2)
        v = [int(rng.random() < (0.2 if s else 0.8)), int(rng.random() < (0.3 if s else 0.7)),
             int(rng.random() < (0.7 if s else 0.1)), int(rng.random() < (0.6 if s else 0.1)),
             int(rng.random() < (0.8 if s else 0.3)), 1 if shape == "installed" else rng.randint(0, 2),
             int(rng.random() < 0.3), rng.randint(1, 9 if s else 40), rng.randint(100, 5000),
             int(rng.random() < (0.5 if s else 0.05))]
        fr.writerow([pid, "malicious" if mal else "benign", "p%d" % i, "1.0", cl,
                     "2023-01-01", shape] + v)
        mr.writerow([pid, "malicious" if mal else "benign", "p%d" % i, "1.0", "x/%s" % pid, cl,
                     kind, split])
        words = ("exec b64decode socket urlopen" if s else "setup name version packages").split()
        tok.write(pid + "\t" + " ".join("%s:%d" % (w, rng.randint(1, 3)) for w in words
                                        if rng.random() < 0.7) + " noise%d:1\n" % rng.randint(0, 9))
PY

# -------------------------------------------------------------------------- SKIP lines
out=$(PYVET=$PYVET scripts/realworld.sh "$TMP/none" "$M" "$TMP/rw0" 2>&1)
rc=$?
check "realworld.sh without the extraction: exit 0" test $rc -eq 0
check "realworld.sh without the extraction: a visible SKIP line" \
	sh -c "printf '%s\n' \"\$1\" | grep -q '^# SKIP realworld: no realistic extraction'" _ "$out"
check "realworld.sh without the extraction: no realworld.csv" test ! -e "$TMP/rw0/realworld.csv"
out=$(PYVET=$PYVET scripts/beyond.sh "$TMP/by0" paper "$TMP/none" "$M" realistic "$F" "$TMP/no.csv" 2>&1)
rc=$?
check "beyond.sh without any dataset: exit 0" test $rc -eq 0
check "beyond.sh names each dataset it skips" \
	sh -c "printf '%s\n' \"\$1\" | grep -c '^# SKIP beyond: dataset' | grep -qx 2" _ "$out"
check "beyond.sh without any dataset: no ablation.csv" test ! -e "$TMP/by0/ablation.csv"

# -------------------------------------------------------------------------- realworld.sh
RW=$TMP/rw
FOLDS=2 REPEATS=1 SETS=MCF,T+MCF+pre,residual,behavior PYVET=$PYVET \
	scripts/realworld.sh "$F" "$M" "$RW" >"$TMP/rw.out" 2>&1
rc=$?
check "realworld.sh: exit 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/rw.out"
check "realworld.sh: a SKIP line for a set the extraction lacks" \
	grep -q '^# SKIP set behavior: the extraction has no behavior\.\* columns' "$TMP/rw.out"
check "realworld.csv has the documented columns" test "$(head -1 "$RW/realworld.csv")" = \
	"training,set,learner,point,target_fpr,threshold,status,subset,kind,shape,measure,k,n,rate,wilson_lo,wilson_hi"

cat >"$TMP/rw_check.py" <<'PY'
import csv, json, math, sys
rw, man = sys.argv[1:3]
rows = list(csv.DictReader(open(rw + "/realworld.csv")))
mrow = {r["id"]: r for r in csv.DictReader(open(man))}
def wilson(k, n, z=1.959963984540054):
    # the textbook formula, written independently of scripts/opstats.py
    p = k / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    d = 1 + z * z / n
    return max(0.0, (c - h) / d), min(1.0, (c + h) / d)
fails = []
def need(cond, what):
    if not cond:
        fails.append(what)
need({r["training"] for r in rows} == {"corpus", "realistic"}, "both trainings")
need({r["set"] for r in rows} == {"MCF", "T+MCF+pre", "residual"}, "the sets")
need({r["learner"] for r in rows} == {"dt", "rf", "svm", "mlp", "nb", "stack"}, "six learners")
need({r["point"] for r in rows} == {"default", "oof_fpr_0.1", "oof_fpr_0.01", "oof_fpr_0.001"}, "points")
n_ok = 0
for r in rows:
    if r["status"] != "ok":
        need(r["status"] == "unreachable" and r["k"] == "" and r["threshold"] == "", "unreachable row empty")
        continue
    k, n = int(r["k"]), int(r["n"])
    p, lo, hi = float(r["rate"]), float(r["wilson_lo"]), float(r["wilson_hi"])
    wl, wh = wilson(k, n)
    need(0 <= k <= n and n > 0, "0 <= k <= n")
    need(abs(p - k / n) < 1e-15, "rate = k/n")
    need(0 <= lo <= p <= hi <= 1, "lo <= rate <= hi")
    need(abs(lo - wl) < 1e-12 and abs(hi - wh) < 1e-12, "Wilson bounds %s" % r)
    n_ok += 1
need(n_ok > 100, "enough ok rows")
# n of each subset from the manifest
test = [r for r in mrow.values() if r["split"] == "test"]
cnt = {("debian_test", "debian", "all"): sum(r["kind"] == "debian" for r in test),
       ("corpus_test", "popular", "all"): sum(r["kind"] == "popular" for r in test),
       ("corpus_test", "sdist", "all"): sum(r["kind"] == "sdist" for r in test),
       ("malicious_test", "all", "all"): sum(r["label"] == "malicious" for r in test)}
for r in rows:
    key = (r["subset"], r["kind"], r["shape"])
    if key in cnt:
        need(int(r["n"]) == cnt[key], "n of %s" % (key,))
    if r["subset"] == "oof_train" and r["measure"] == "fpr":
        want = sum(r2["split"] == "train" and r2["label"] == "benign" and
                   (r["training"] == "realistic" or r2["kind"] != "debian") for r2 in mrow.values())
        need(int(r["n"]) == want, "OOF benign rows of training %s" % r["training"])
need({r["shape"] for r in rows if r["subset"] == "debian_test"} == {"all", "installed", "dir"},
     "Debian FPR per shape")
# the default point reproduces the engine's --scores verdicts
sc = list(csv.DictReader(open(rw + "/realistic.test_scores.csv")))
fp = sum(1 for s in sc if s["set"] == "MCF" and s["learner"] == "rf" and
         mrow[s["id"]]["kind"] == "debian" and s["verdict"] == "malicious")
r = [r for r in rows if r["training"] == "realistic" and r["set"] == "MCF" and r["learner"] == "rf"
     and r["point"] == "default" and r["subset"] == "debian_test" and r["shape"] == "all"]
need(len(r) == 1 and int(r[0]["k"]) == fp, "default Debian FP = the --scores verdicts")
sd = json.load(open(rw + "/realworld.json"))
need(sd["script"] == "scripts/realworld.sh" and len(sd["pyvet_commit"]) >= 7, "sidecar script/commit")
need(len(sd["inputs"]["features.csv"]["sha256"]) == 64 and sd["options"]["folds"] == 2, "sidecar inputs/options")
need("wall_seconds" in sd, "sidecar wall seconds")
if fails:
    print("\n".join(fails[:10]))
sys.exit(1 if fails else 0)
PY
check "realworld.csv: counts, k/n, Wilson bounds, subsets and sidecar consistent" \
	"$PY" "$TMP/rw_check.py" "$RW" "$M"

# the out-of-fold threshold is the engine's: pyvet train --fpr on the same rows, folds, seed
"$PYVET" train --features "$F" --manifest "$RW/realistic.manifest.csv" --split train --set MCF \
	--learner rf --fpr 0.1 --folds 2 --seed 1 --out "$TMP/rf.model" 2>/dev/null
t_train=$("$PY" -c 'import json,sys; print(repr(json.loads(open(sys.argv[1]).readlines()[1])["threshold"]))' "$TMP/rf.model")
t_rw=$(awk -F, '$1=="realistic" && $2=="MCF" && $3=="rf" && $4=="oof_fpr_0.1" {print $6; exit}' "$RW/realworld.csv")
check "the OOF threshold at FPR 0.1 equals pyvet train --fpr 0.1's ($t_rw vs $t_train)" \
	test -n "$t_rw" -a "$t_rw" = "$t_train"

# the CV kinds per dataset: grouped only by default on a dataset other than paper; a bad kind is
# a usage error
BK=$TMP/bk
FOLDS=2 REPEATS=1 NEW_SETS=behavior LEARNERS=dt,nb PYVET=$PYVET \
	scripts/beyond.sh "$BK" realistic "$F" "$M" >"$TMP/bk.out" 2>&1
check "beyond.sh: realistic runs grouped CV only by default" \
	sh -c "test -e '$BK/realistic/cv_grouped.csv' && test ! -e '$BK/realistic/cv_stratified.csv'"
FOLDS=2 REPEATS=1 REALISTIC_CV=bogus LEARNERS=dt PYVET=$PYVET \
	scripts/beyond.sh "$TMP/bk2" realistic "$F" "$M" >"$TMP/bk2.out" 2>&1
check "beyond.sh: an unknown CV kind is refused (exit 2)" test $? -eq 2

# -------------------------------------------------------------------------- beyond.sh
BY=$TMP/by
FOLDS=2 REPEATS=1 REALISTIC_CV="stratified grouped" NEW_SETS=novel,behavior LEARNERS=dt,rf,svm,nb,stack PYVET=$PYVET \
	scripts/beyond.sh "$BY" paper "$TMP/none" "$M" realistic "$F" "$M" >"$TMP/by.out" 2>&1
rc=$?
check "beyond.sh: exit 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/by.out"
check "beyond.sh: SKIP lines for the missing dataset and the missing new set" \
	sh -c "grep -q '^# SKIP beyond: dataset paper' '$TMP/by.out' && grep -q '^# SKIP set behavior' '$TMP/by.out'"
check "ablation.csv has the documented columns" test "$(head -1 "$BY/ablation.csv")" = \
	"dataset,cv,set,learner,chosen_learner,folds,repeats,n,f1_macro_mean,f1_macro_sd,margin_artifacts,margin_residual"
check "ablation_strata.csv has the documented columns" test "$(head -1 "$BY/ablation_strata.csv")" = \
	"dataset,cv,stratum,set,learner,chosen_learner,n_benign,n_malicious,repeats,f1_macro_mean,f1_macro_sd,margin_artifacts,margin_residual"
check "beyond_goals.csv has the documented columns" test "$(head -1 "$BY/beyond_goals.csv")" = \
	"check,dataset,set,learner,cv,subset,target_fpr,status,threshold,k,n,value,wilson_lo,wilson_hi,goal,met,met_ci"

cat >"$TMP/by_check.py" <<'PY'
import csv, json, math, sys
by, man = sys.argv[1:3]
A = list(csv.DictReader(open(by + "/ablation.csv")))
S = list(csv.DictReader(open(by + "/ablation_strata.csv")))
G = list(csv.DictReader(open(by + "/beyond_goals.csv")))
mrow = {r["id"]: r for r in csv.DictReader(open(man))}
fails = []
def need(cond, what):
    if not cond:
        fails.append(what)
want_sets = {"novel", "T+MCF+pre+novel", "T+MCF+pre", "artifacts", "residual"}
need({r["set"] for r in A} == want_sets, "ablation sets %s" % {r["set"] for r in A})
need({r["cv"] for r in A} == {"stratified", "grouped"}, "both CV kinds")
need({r["learner"] for r in A} == {"dt", "rf", "svm", "nb", "stack", "best"}, "learners and best")
need({r["dataset"] for r in A} == {"realistic"}, "only the dataset present")
idx = {(r["cv"], r["set"], r["learner"]): float(r["f1_macro_mean"]) for r in A}
for r in A:
    m = float(r["f1_macro_mean"])
    need(0 <= m <= 1 and r["folds"] == "2" and r["repeats"] == "1", "mean/folds")
    for b in ("artifacts", "residual"):
        want = m - idx[(r["cv"], b, r["learner"])]
        need(abs(float(r["margin_" + b]) - want) < 1e-12, "margin over %s" % b)
    if r["learner"] == "best":
        five = [idx[(r["cv"], r["set"], l)] for l in ("dt", "rf", "svm", "nb", "stack")]
        need(m == max(five) and idx[(r["cv"], r["set"], r["chosen_learner"])] == m, "best row")
# strata: the counts of the training rows, and one cell's macro-F1 recomputed from the OOF file
train = [r for r in mrow.values() if r["split"] == "train"]
shape = {r["id"]: r["shape"] for r in csv.DictReader(open(sys.argv[3] + "/features.csv"))}
ov = [r for r in S if r["stratum"] == "overall"]
need(ov and all(int(r["n_benign"]) == sum(t["label"] == "benign" for t in train) and
                int(r["n_malicious"]) == sum(t["label"] == "malicious" for t in train) for r in ov),
     "overall stratum counts")
iw = [r for r in S if r["stratum"] == "installed-vs-wheel"]
need(iw and all(int(r["n_benign"]) == sum(t["kind"] == "debian" and shape[t["id"]] == "installed" for t in train)
                and int(r["n_malicious"]) == sum(t["label"] == "malicious" and shape[t["id"]] == "wheel" for t in train)
                for r in iw), "installed-vs-wheel counts")
need({r["stratum"] for r in S} == {"installed-vs-wheel", "popular-vs-sdist", "realsdist-vs-sdist", "overall"}, "strata")
oof = [r for r in csv.DictReader(open(by + "/realistic/oof_grouped.csv"))
       if r["set"] == "T+MCF+pre+novel" and r["learner"] == "rf"]
tp = fp = tn = fn = 0
for r in oof:
    if mrow[r["id"]]["kind"] == "popular" or (r["label"] == "1" and shape[r["id"]] == "sdist"):
        f = float(r["score"]) > 0.5
        if r["label"] == "1":
            tp += f; fn += not f
        else:
            fp += f; tn += not f
f1 = lambda a, b, c: 2 * a / (2 * a + b + c) if 2 * a + b + c else 0.0
want = (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2
got = [float(r["f1_macro_mean"]) for r in S if r["cv"] == "grouped" and r["stratum"] == "popular-vs-sdist"
       and r["set"] == "T+MCF+pre+novel" and r["learner"] == "rf"]
need(len(got) == 1 and abs(got[0] - want) < 1e-12, "popular-vs-sdist rf macro-F1 from the OOF scores")
sidx = {(r["cv"], r["stratum"], r["set"], r["learner"]): float(r["f1_macro_mean"]) for r in S}
for r in S:
    base = sidx.get((r["cv"], r["stratum"], "residual", r["learner"]))
    need(base is not None and abs(float(r["margin_residual"]) - (float(r["f1_macro_mean"]) - base)) < 1e-12,
         "stratum margin over residual")
# goals: the chosen set is not a baseline learner; rates consistent; goals at F = 0.001 only
chosen = {r["set"] for r in G}
need(len(chosen) == 1 and not chosen & {"artifacts", "residual"}, "one chosen set, not a baseline")
for r in G:
    if r["check"] == "margin_residual":
        need(r["goal"] == "0.05" and r["met"] == ("yes" if float(r["value"]) >= 0.05 else "no"), "margin goal")
        continue
    need(r["status"] == "ok", "goal run status")
    k, n = int(r["k"]), int(r["n"])
    need(0 <= k <= n and abs(float(r["value"]) - k / n) < 1e-15, "goal k/n")
    need(float(r["wilson_lo"]) <= float(r["value"]) <= float(r["wilson_hi"]), "goal Wilson")
    if r["target_fpr"] == "0.001" and r["check"] != "fpr_corpus_test":
        g = float(r["goal"])
        rec = r["check"] == "recall_test"
        ok = float(r["value"]) >= g if rec else float(r["value"]) <= g
        ok_ci = float(r["wilson_lo"]) >= g if rec else float(r["wilson_hi"]) <= g
        need(r["met"] == ("yes" if ok else "no") and r["met_ci"] == ("yes" if ok_ci else "no"), "goal met")
    else:
        need(r["goal"] == "" and r["met"] == "" and r["met_ci"] == "", "no goal off F = 0.001")
need({(r["check"], r["target_fpr"]) for r in G if r["check"] != "margin_residual"} ==
     {(c, f) for c in ("recall_test", "fpr_debian_test", "fpr_corpus_test") for f in ("0.01", "0.001")},
     "goal rows")
need(sum(int(r["n"]) for r in G if r["check"] == "fpr_debian_test" and r["target_fpr"] == "0.01") ==
     sum(t["split"] == "test" and t["kind"] == "debian" for t in mrow.values()), "Debian test n")
for f in ("ablation", "ablation_strata", "beyond_goals"):
    sd = json.load(open("%s/%s.json" % (by, f)))
    need(sd["output"] == f + ".csv" and sd["script"] == "scripts/beyond.sh" and sd.get("pyvet_commit"), f + " sidecar")
    need(sd["options"]["realistic/folds"] == 2 and len(sd["inputs"]["realistic/features.csv"]["sha256"]) == 64, f + " sidecar options")
if fails:
    print("\n".join(fails[:10]))
sys.exit(1 if fails else 0)
PY
check "beyond outputs: sets, margins, best rows, strata, OOF macro-F1, goals, sidecars consistent" \
	"$PY" "$TMP/by_check.py" "$BY" "$M" "$F"

# the verdict-rule check can fail: one tp cell of the engine's CV output off by one
cp -r "$BY" "$TMP/by2"
awk -F, -v OFS=, '!done && $2 == "rf" && $6 == "tp" { $7 = $7 + 1; done = 1 } { print }' \
	"$BY/realistic/cv_stratified.csv" >"$TMP/by2/realistic/cv_stratified.csv"
"$PY" scripts/opstats.py ablation "$TMP/by2" realistic "$F" "$M" 2>"$TMP/by2.err"
rc=$?
check "opstats refuses OOF scores that do not reproduce the engine's fold counts (exit 4)" \
	sh -c "test $rc -eq 4 && grep -q 'no default threshold' '$TMP/by2.err'"
finish
