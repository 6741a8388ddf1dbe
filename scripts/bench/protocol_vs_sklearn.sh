#!/usr/bin/env bash
# Benchmark: the cross-validation protocol of `pyvet cv` against the same protocol in
# scikit-learn (scripts/reference/sklearn_protocol.py) on the same extraction and the same folds:
# six learners (dt, rf, svm, mlp, nb, stack), feature set T+MCF+pre, FOLDS x REPEATS (default
# 10 x 10, the paper's protocol). Prints wall and CPU seconds of each, their ratios, and the mean
# macro F1 per learner side by side. Both run single-threaded by default (JOBS=1 for pyvet,
# OPENBLAS_NUM_THREADS=1 for both), so the ratio compares implementations, not core counts.
#
# usage: scripts/bench/protocol_vs_sklearn.sh EXTRACTION_DIR [FOLDS [REPEATS]]
#   EXTRACTION_DIR  written by `pyvet extract` (e.g. of ../shared/corpus/manifest.csv)
#   env: PYVET (default ./pyvet), JOBS (pyvet --jobs, default 1), SEED (default 1),
#        SET (default T+MCF+pre), OUT (keep outputs there instead of a temporary directory)
# Target (GitHub issue #4): pyvet >= 5x faster at equal F1.
set -eu
FEAT=${1:?usage: $0 EXTRACTION_DIR [FOLDS [REPEATS]]}
FOLDS=${2:-10}
REPEATS=${3:-10}
PYVET=${PYVET:-./pyvet}
JOBS=${JOBS:-1}
SEED=${SEED:-1}
SET=${SET:-T+MCF+pre}
PY=/usr/bin/python3
REF=$(dirname "$0")/../reference/sklearn_protocol.py
if [ -n "${OUT:-}" ]; then W=$OUT; mkdir -p "$W"; else W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; fi
export OPENBLAS_NUM_THREADS=1

# wall and CPU (user + sys of the children) seconds of a command, into $wall and $cpu
timed() {
	local t0 t1 c0 c1
	t0=$(date +%s.%N)
	c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	"$@"
	t1=$(date +%s.%N)
	c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')
}

echo "protocol: $FOLDS folds x $REPEATS repeats, set $SET, six learners, $(grep -c . "$FEAT/features.csv") lines in features.csv"
timed "$PYVET" cv --features "$FEAT" --set "$SET" --learner dt,rf,svm,mlp,nb,stack --folds "$FOLDS" \
	--repeats "$REPEATS" --seed "$SEED" --jobs "$JOBS" --quiet --out "$W/pyvet.csv" --write-folds "$W/folds.csv"
pw=$wall; pc=$cpu
timed "$PY" "$REF" --features "$FEAT" --folds "$W/folds.csv" --set "$SET" \
	--learner dt,rf,svm,mlp,nb,stack --seed "$SEED" --out "$W/sklearn.csv" 2>/dev/null
sw=$wall; sc=$cpu
printf '%-12s %10s %10s\n' "" "wall s" "cpu s"
printf '%-12s %10s %10s\n' "pyvet" "$pw" "$pc" "scikit-learn" "$sw" "$sc"
awk -v pw="$pw" -v pc="$pc" -v sw="$sw" -v sc="$sc" 'BEGIN {
	printf "%-12s %9.2fx %9.2fx   (scikit-learn / pyvet; target >= 5x)\n", "speed-up", sw / pw, sc / pc }'
printf '\n%-8s %12s %12s %8s\n' learner "F1 pyvet" "F1 sklearn" diff
for L in dt rf svm mlp nb stack; do
	a=$(awk -F, -v l=$L '$2 == l && $6 == "f1_macro" { s += $7; n++ } END { if (n) printf "%.4f", s / n }' "$W/pyvet.csv")
	b=$(awk -F, -v l=$L '$2 == l && $6 == "f1_macro" { s += $7; n++ } END { if (n) printf "%.4f", s / n }' "$W/sklearn.csv")
	awk -v l=$L -v a="$a" -v b="$b" 'BEGIN { printf "%-8s %12s %12s %+8.4f\n", l, a, b, a - b }'
done
