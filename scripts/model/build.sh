#!/usr/bin/env bash
# Build the bundled default model (issue 12 item 3; `make model`): extract the `realistic`
# dataset (corpus + Debian slice), train LEARNER on its training split with the feature set SETS,
# calibrate the threshold at benign out-of-fold FPR <= FPR (`pyvet train --fpr`), score the
# held-out test split once (never used to choose anything) and write the model card.
#
#   scripts/model/build.sh OUT_MODEL OUT_CARD
#
# Environment (the Makefile passes them): PYVET (./pyvet), CORPUS (../shared/corpus),
# DEBIAN_DIR (data/debian; scripts/fetch-debian-slice.sh fetches it), SETS (T+MCF+pre),
# LEARNER (stack), FPR (0.001), SEED (1), JOBS (2), WORK (build/model: the extraction is kept
# there and reused while its cache key holds), STATUS (provisional|final: written into the card).
# Exit status: 0 written; 2 a missing input (corpus, Debian slice); otherwise that of the
# failing pyvet step.
set -euo pipefail
OUT=${1:?usage: build.sh OUT_MODEL OUT_CARD}
CARD=${2:?usage: build.sh OUT_MODEL OUT_CARD}
PYVET=${PYVET:-./pyvet}
CORPUS=${CORPUS:-../shared/corpus}
DEBIAN_DIR=${DEBIAN_DIR:-data/debian}
SETS=${SETS:-T+MCF+pre}
LEARNER=${LEARNER:-stack}
FPR=${FPR:-0.001}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
WORK=${WORK:-build/model}
STATUS=${STATUS:-provisional}
M=datasets/realistic/manifest.csv

[ -f "$CORPUS/manifest.csv" ] || { echo "make model: corpus not found at $CORPUS (CORPUS=...)" >&2; exit 2; }
missing=$(awk -F, 'NR > 1 && $5 ~ /^debian\// { sub(/^debian\//, "", $5); print $5 }' "$M" |
	while IFS= read -r f; do [ -f "$DEBIAN_DIR/$f" ] || echo "$f"; done | wc -l)
if [ "$missing" -gt 0 ]; then
	echo "make model: $missing packages of the Debian slice are missing from $DEBIAN_DIR;" \
		"fetch them with scripts/fetch-debian-slice.sh $DEBIAN_DIR (or DEBIAN_DIR=...)" >&2
	exit 2
fi
mkdir -p "$WORK" "$(dirname "$OUT")" "$(dirname "$CARD")"
echo "make model: extract $M -> $WORK/features" >&2
st=0
"$PYVET" extract --manifest "$M" --corpus "$CORPUS" --debian-dir "$DEBIAN_DIR" \
	--out "$WORK/features" --jobs "$JOBS" --reuse --quiet || st=$?
# 3: some packages are not Python packages (the Debian ones decisions.md lists): they are not rows
[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || exit "$st"
echo "make model: train $LEARNER on $SETS, --fpr $FPR -> $OUT" >&2
"$PYVET" train --features "$WORK/features" --manifest "$M" --split train --set "$SETS" \
	--learner "$LEARNER" --fpr "$FPR" --seed "$SEED" --jobs "$JOBS" --out "$OUT" 2>"$WORK/train.log" ||
	{ st=$?; cat "$WORK/train.log" >&2; exit "$st"; }
cat "$WORK/train.log" >&2
echo "make model: score the test split once (reported, never tuned on)" >&2
"$PYVET" predict --model "$OUT" --features "$WORK/features" --manifest "$M" --split test \
	--out "$WORK/test_scores.csv" 2>"$WORK/predict.log" || { st=$?; cat "$WORK/predict.log" >&2; exit "$st"; }
cat "$WORK/predict.log" >&2
/usr/bin/python3 scripts/model/card.py --model "$OUT" --manifest "$M" \
	--features "$WORK/features" --test-scores "$WORK/test_scores.csv" --status "$STATUS" >"$CARD.tmp"
mv "$CARD.tmp" "$CARD"
echo "make model: card -> $CARD" >&2
