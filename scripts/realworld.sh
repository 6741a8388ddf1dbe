#!/usr/bin/env bash
# Real-world false positives (issue 10 item 6): how often does each learner flag real benign
# packages it has never seen -- the Debian slice's test part and the corpus's held-out benign
# packages -- and how much malware does it still catch, at its default threshold and at
# thresholds calibrated on out-of-fold scores, when trained (a) on the corpus only and (b) on
# the `realistic` training rows (corpus + Debian).
#
# usage: scripts/realworld.sh EXTRACTION MANIFEST OUTDIR
#   EXTRACTION  `pyvet extract` of MANIFEST with every set (features.csv has `shape`)
#   MANIFEST    the realistic manifest (corpus split `full` + the Debian slice; id, label, split,
#               kind, cluster, ...), e.g. results/datasets/realistic/manifest.csv
#   OUTDIR      per training T (corpus, realistic): T.manifest.csv, the `pyvet cv` outputs
#               T.cv.csv (CV on the training rows, with T.oof.csv) and T.test.csv
#               (train -> test, with T.test_scores.csv); and realworld.csv (+ realworld.json):
#               training,set,learner,point,target_fpr,threshold,status,subset,kind,shape,
#               measure,k,n,rate,wilson_lo,wilson_hi
#   env: PYVET (./pyvet), FOLDS (5), REPEATS (1), SEED (1), JOBS (2),
#        LEARNERS (dt,rf,svm,mlp,nb,stack), SETS (M,C,F,MCF,T+MCF+pre,residual)
# Trainings (the test rows are the same for both: the manifest's `test` split):
#   corpus     the training rows whose kind is not debian
#   realistic  every training row
# Points: `default` (the learner's own threshold, the `threshold` column of --scores; flagged
# iff score > threshold) and oof_fpr_F for F = 0.1, 0.01, 0.001: the threshold of
# metrics_threshold_at_fpr() on the repeat-1 out-of-fold scores of the training rows (flagged
# iff score > t and not tied with t; `unreachable` when it flags nothing), the rule of
# `pyvet train --fpr` and results/operating_points.csv (scripts/opstats.py states it).
# Subsets: oof_train (the training rows' out-of-fold scores), debian_test (per shape),
# corpus_test (benign, per kind), malicious_test (per shape; the test split holds the newest
# malware). measure fpr: k = flagged benign rows; recall: k = flagged malicious rows; n = the
# subset's rows; rate = k/n with its Wilson 95 % interval. Nothing is chosen on a test split.
# Without EXTRACTION/features.csv or MANIFEST: a SKIP line, exit 0.
set -eu
usage="usage: $0 EXTRACTION MANIFEST OUTDIR"
FEAT=${1:?$usage}
MANIFEST=${2:?$usage}
OUT=${3:?$usage}
PYVET=${PYVET:-./pyvet}
FOLDS=${FOLDS:-5}
REPEATS=${REPEATS:-1}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
LEARNERS=${LEARNERS:-dt,rf,svm,mlp,nb,stack}
SETS=${SETS:-M,C,F,MCF,T+MCF+pre,residual}
HERE=$(cd "$(dirname "$0")" && pwd)
OPSTATS="/usr/bin/python3 $HERE/opstats.py"
START=$(date +%s.%N)

if [ ! -f "$FEAT/features.csv" ] || [ ! -f "$MANIFEST" ]; then
	echo "# SKIP realworld: no realistic extraction ('$FEAT/features.csv') or manifest ('$MANIFEST');" \
		"fetch the Debian slice (scripts/fetch-debian-slice.sh) and rerun make reproduce"
	exit 0
fi
mkdir -p "$OUT"
SETS=$($OPSTATS sets "$FEAT" "$SETS")
if [ -z "$SETS" ]; then
	echo "# SKIP realworld: the extraction has none of the sets"
	exit 0
fi
$OPSTATS trainings "$MANIFEST" "$OUT"
for T in corpus realistic; do
	M="$OUT/$T.manifest.csv"
	echo "realworld: $T: out-of-fold scores (${FOLDS}x$REPEATS CV) and train -> test, sets $SETS"
	"$PYVET" cv --features "$FEAT" --manifest "$M" --split train --set "$SETS" \
		--learner "$LEARNERS" --folds "$FOLDS" --repeats "$REPEATS" --seed "$SEED" \
		--jobs "$JOBS" --quiet --out "$OUT/$T.cv.csv" --oof "$OUT/$T.oof.csv"
	"$PYVET" cv --features "$FEAT" --manifest "$M" --split train --test test --set "$SETS" \
		--learner "$LEARNERS" --seed "$SEED" --jobs "$JOBS" --quiet --out "$OUT/$T.test.csv" \
		--scores "$OUT/$T.test_scores.csv"
done
$OPSTATS realworld "$OUT" "$MANIFEST" "$FEAT"
COMMIT=$("$PYVET" --version | sed -n 's/^commit //p')
$OPSTATS sidecar "$OUT/realworld.json" output=realworld.csv script=scripts/realworld.sh \
	"commit=$COMMIT" "start=$START" "file:features.csv=$FEAT/features.csv" \
	"file:tokens.tsv=$FEAT/tokens.tsv" "file:manifest=$MANIFEST" \
	"file:corpus.manifest.csv=$OUT/corpus.manifest.csv" \
	"file:realistic.manifest.csv=$OUT/realistic.manifest.csv" \
	"opt:folds=$FOLDS" "opt:repeats=$REPEATS" "opt:seed=$SEED" "opt:learners=$LEARNERS" \
	"opt:sets=$SETS" "opt:oof=repeat 1 of stratified CV on the training's rows" \
	"opt:rule=scripts/opstats.py (metrics_threshold_at_fpr, metrics_flagged, metrics_wilson)"
echo "realworld: wrote $OUT/realworld.csv"
