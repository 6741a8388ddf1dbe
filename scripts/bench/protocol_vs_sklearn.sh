#!/usr/bin/env bash
# Benchmark: the cross-validation protocol of `pyvet cv` against the same protocol in
# scikit-learn (scripts/reference/sklearn_protocol.py, Debian's python3-sklearn via
# /usr/bin/python3) on the same extraction and the same folds: six learners (dt, rf, svm, mlp,
# nb, stack), feature set T+MCF+pre, FOLDS x REPEATS (default 10 x 2). Both run in this one
# invocation, single-threaded (pyvet --jobs 1, OPENBLAS_NUM_THREADS=1), so the ratio compares
# implementations, not core counts. Prints wall and CPU seconds of each and their ratios, and
# per learner the mean macro F1 of both with the difference beside, and the seconds spent in
# that learner (pyvet: the cells' fit + score; its stack reuses the standalone learners' final
# models, whose time is counted in theirs).
#
# usage: scripts/bench/protocol_vs_sklearn.sh [EXTRACTION_DIR [FOLDS [REPEATS]]]
#   EXTRACTION_DIR  written by `pyvet extract`; default: the training rows of
#                   datasets/paper/manifest.csv extracted from $CORPUS into a temporary directory
#   env: PYVET, CORPUS, JOBS (pyvet --jobs, default 1), SEED (1), SET (T+MCF+pre),
#        MANIFEST (datasets/paper/manifest.csv), OUT (keep outputs there)
# Targets (issue 14): pyvet >= 5x faster, |F1 difference| <= 0.01 for every learner.
set -eu
. "$(dirname "$0")/lib.sh"
FEAT=${1:-}
FOLDS=${2:-10}
REPEATS=${3:-2}
JOBS=${JOBS:-1}
SEED=${SEED:-1}
SET=${SET:-T+MCF+pre}
MANIFEST=${MANIFEST:-datasets/paper/manifest.csv}
REF=$(dirname "$0")/../reference/sklearn_protocol.py
export OPENBLAS_NUM_THREADS=1
bench_workdir
if [ -z "$FEAT" ]; then
	bench_need
	bench_extract "$MANIFEST"
	FEAT=$W/feat
fi
ROWS=(--manifest "$MANIFEST" --split train)
[ -f "$MANIFEST" ] || ROWS=()

timed "$PYVET" cv --features "$FEAT" "${ROWS[@]}" --set "$SET" --learner dt,rf,svm,mlp,nb,stack \
	--folds "$FOLDS" --repeats "$REPEATS" --seed "$SEED" --jobs "$JOBS" --quiet \
	--out "$W/pyvet.csv" --write-folds "$W/folds.csv"
pw=$wall pc=$cpu
timed "$PY" "$REF" --features "$FEAT" --folds "$W/folds.csv" --set "$SET" \
	--learner dt,rf,svm,mlp,nb,stack --seed "$SEED" --out "$W/sklearn.csv" 2>/dev/null
sw=$wall sc=$cpu

echo "protocol: $FOLDS folds x $REPEATS repeats, set $SET, six learners," \
	"$(json_get "$W/pyvet.json" 'd["data"]["rows"]') rows" \
	"($(json_get "$W/pyvet.json" 'd["data"]["malicious"]') malicious), pyvet --jobs $JOBS," \
	"scikit-learn $(json_get "$W/sklearn.json" 'd["sklearn"]')"
printf '%-14s %10s %10s\n' "" "wall s" "cpu s"
printf '%-14s %10s %10s\n' "pyvet" "$pw" "$pc" "scikit-learn" "$sw" "$sc"
awk -v pw="$pw" -v pc="$pc" -v sw="$sw" -v sc="$sc" 'BEGIN {
	printf "%-14s %9.2fx %9.2fx   (scikit-learn / pyvet; target >= 5x)\n", "speed-up",
		sw / pw, (pc > 0 ? sc / pc : 0) }'
printf '\n%-7s %9s %10s %8s %9s %10s %7s\n' learner "F1 pyvet" "F1 sklearn" diff "s pyvet" \
	"s sklearn" ratio
for L in dt rf svm mlp nb stack; do
	a=$(awk -F, -v l=$L '$2 == l && $6 == "f1_macro" { s += $7; n++ } END { if (n) printf "%.4f", s / n }' "$W/pyvet.csv")
	b=$(awk -F, -v l=$L '$2 == l && $6 == "f1_macro" { s += $7; n++ } END { if (n) printf "%.4f", s / n }' "$W/sklearn.csv")
	ta=$(json_get "$W/pyvet.json" "sum(v for k, v in d['cell_seconds'].items() if k.endswith('/$L'))")
	tb=$(json_get "$W/sklearn.json" "d['learner_seconds'].get('$L', 0)")
	awk -v l=$L -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" 'BEGIN {
		d = a - b; flag = (d > 0.01 || d < -0.01) ? "  |diff| > 0.01" : ""
		printf "%-7s %9s %10s %+8.4f %9.1f %10.1f %6.1fx%s\n", l, a, b, d, ta, tb,
			(ta > 0 ? tb / ta : 0), flag }'
done
