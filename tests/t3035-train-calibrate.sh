#!/usr/bin/env bash
# pyvet train --fpr / --threshold (issue 12 item 1): the threshold is the lowest out-of-fold score
# whose benign FPR is <= F, computed here independently from the out-of-fold scores `pyvet cv`
# writes for the same folds (repeat 1, same seed and k) with the tie rule of core/ml/metrics.h;
# the model records F, k, seed, class counts, the OOF rates with Wilson intervals and the
# small-benign warning; predict and scan use the calibrated threshold; an unreachable F is an
# error, never a silent "flag nothing" threshold.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"
PY=/usr/bin/python3
F=$TMP/feat
make_features "$F" 120 80

# header "key": the model header (line 2) as JSON, printed by a python expression over h
hdr() { "$PY" -c "import json, sys; h = json.loads(open(sys.argv[1]).readlines()[1]); print($2)" "$1"; }

"$PYVET" train --features "$F" --set T+MCF --learner rf --seed 7 --folds 5 --fpr 0.05 \
	--out "$TMP/rf.model" 2>"$TMP/train.err"
check "train --fpr 0.05: exit 0" test $? -eq 0
check "train reports the threshold and the OOF rates on stderr" \
	sh -c "grep -q 'threshold .* for --fpr 0.05' '$TMP/train.err' && grep -q 'out-of-fold (5 folds)' '$TMP/train.err'"
check "the model records its provenance: method fpr, F, k, seed, counts" test "$(hdr "$TMP/rf.model" \
	'(lambda c: [c["method"], c["target_fpr"], c["folds"], c["seed"], c["benign"], c["malicious"], c["scores"]])(h["calibration"])')" \
	= "['fpr', 0.05, 5, 7, 120, 80, 'out-of-fold']"
check "the header threshold is the calibration's" test "$(hdr "$TMP/rf.model" 'h["threshold"] == h["calibration"]["threshold"]')" = True

# the oracle: the same OOF scores from `pyvet cv` (repeat 1 of 1, 5 folds, seed 7)
"$PYVET" cv --features "$F" --set T+MCF --learner rf --folds 5 --repeats 1 --seed 7 --quiet \
	--out "$TMP/cv.csv" --oof "$TMP/oof.csv" 2>/dev/null
check "cv writes the out-of-fold scores" test -s "$TMP/oof.csv"
cat >"$TMP/oracle.py" <<'PY'
import csv, json, math, sys
h = json.loads(open(sys.argv[1]).readlines()[1])
c = h["calibration"]
rows = [(float(r["score"]), r["label"] in ("1", "malicious")) for r in csv.DictReader(open(sys.argv[2]))]
F = c["target_fpr"]
nb = sum(1 for s, y in rows if not y); nm = len(rows) - nb
def tied(a, b):
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
def flagged(s, t):
    return s > t and not tied(s, t)
# blocks of consecutive ties from the top; candidate t = the top of each block
v = sorted(rows, key=lambda r: -r[0])
tops, i = [], 0
while i < len(v):
    j = i + 1
    while j < len(v) and tied(v[j - 1][0], v[j][0]):
        j += 1
    tops.append(v[i][0]); i = j
best = None
for t in tops:
    fp = sum(1 for s, y in rows if not y and flagged(s, t))
    if fp / nb <= F:
        best = t
    else:
        break
tp = sum(1 for s, y in rows if y and flagged(s, best))
fp = sum(1 for s, y in rows if not y and flagged(s, best))
assert best == h["threshold"], (best, h["threshold"])
o = c["oof"]
assert (o["tp"], o["fp"], o["tn"], o["fn"]) == (tp, fp, nb - fp, nm - tp), o
assert abs(o["fpr"] - fp / nb) < 1e-15 and abs(o["recall"] - tp / nm) < 1e-15
def wilson(k, n, z=1.959963984540054):
    p = k / n; den = 1 + z * z / n; ce = (p + z * z / (2 * n)) / den
    ha = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return [0.0 if k == 0 else max(0, ce - ha), 1.0 if k == n else min(1, ce + ha)]
for got, want in ((o["fpr_ci95"], wilson(fp, nb)), (o["recall_ci95"], wilson(tp, nm))):
    assert all(abs(a - b) < 1e-12 for a, b in zip(got, want)), (got, want)
assert c["warnings"] == [], c["warnings"]   # 120 benign >= 3 / 0.05
print(best, tp, fp)
PY
out=$("$PY" "$TMP/oracle.py" "$TMP/rf.model" "$TMP/oof.csv" 2>"$TMP/oracle.err")
check "threshold, OOF confusion and Wilson intervals equal an independent computation from cv's OOF scores ($out)" test -n "$out"
[ -n "$out" ] || cat "$TMP/oracle.err"

# predict and scan judge with the calibrated threshold
"$PYVET" predict --model "$TMP/rf.model" --features "$F" --out "$TMP/pred.csv" 2>/dev/null
check "predict writes the calibrated threshold" \
	awk -F, -v t="$(hdr "$TMP/rf.model" 'repr(h["threshold"])')" 'NR > 1 && $4 + 0 != t + 0 { exit 1 }' "$TMP/pred.csv"
check "predict: verdict = score above the threshold (none tied with it here)" \
	awk -F, 'NR > 1 { v = ($3 > $4) ? "malicious" : "benign"; if (v != $5) exit 1 }' "$TMP/pred.csv"

# the small-benign warning: 120 benign rows cannot support F = 0.01 (3/F = 300)
"$PYVET" train --features "$F" --set MCF --learner nb --fpr 0.01 --out "$TMP/nb.model" 2>"$TMP/nb.err"
check "train --fpr 0.01 on 120 benign rows: written, with a warning on stderr" \
	sh -c "test \$? -eq 0 -a -s '$TMP/nb.model' && grep -q 'too few to support a target FPR of 0.01' '$TMP/nb.err'"
check "the warning is recorded in the model" test "$(hdr "$TMP/nb.model" 'len(h["calibration"]["warnings"])')" = 1

# --threshold: a fixed threshold with its OOF rates
"$PYVET" train --features "$F" --set MCF --learner nb --threshold 0.9 --out "$TMP/fixed.model" 2>/dev/null
check "train --threshold 0.9: method fixed, threshold 0.9, OOF rates recorded" test "$(hdr "$TMP/fixed.model" \
	'[h["calibration"]["method"], h["threshold"], "fpr" in h["calibration"]["oof"]]')" = "['fixed', 0.9, True]"

# without --fpr/--threshold: the learner's own threshold, recorded as such
"$PYVET" train --features "$F" --set MCF --learner nb --out "$TMP/plain.model" 2>/dev/null
check "no calibration: method learner, threshold 0.5" test "$(hdr "$TMP/plain.model" \
	'[h["calibration"]["method"], h["threshold"]]')" = "['learner', 0.5]"

# unreachable: rf gives many rows a probability of exactly 1, benign ones among them (the
# synthetic data flips 10 % of the rows), so F = 0 cannot flag anything
"$PYVET" train --features "$F" --set T+MCF --learner rf --seed 7 --folds 5 --fpr 0 --out "$TMP/u.model" 2>"$TMP/u.err"
rc=$?
if grep -q unreachable "$TMP/u.err"; then
	check "--fpr 0 unreachable: exit 2, no model written" test $rc -eq 2 -a ! -e "$TMP/u.model"
	check "the message names the least FPR that flags anything" grep -q "ask for --fpr [0-9.e-]* or more" "$TMP/u.err"
else
	not_ok "--fpr 0 was expected to be unreachable on this data (exit $rc): $(head -c 300 "$TMP/u.err")"
fi

# usage errors
for bad in "--fpr 1" "--fpr -0.1" "--fpr x" "--fpr 0.1 --threshold 0.5" "--folds 1 --fpr 0.1"; do
	# shellcheck disable=SC2086
	"$PYVET" train --features "$F" --learner nb --out "$TMP/bad.model" $bad >/dev/null 2>&1
	check "train $bad: exit 2" test $? -eq 2
done
finish
