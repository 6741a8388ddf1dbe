#!/usr/bin/env bash
# pyvet train / predict: the model file format, and predict reproducing the scores of the
# train -> test path of `pyvet cv --test` (spec D31) bit for bit, for every learner.
# Bit for bit also for mlp and stack (whose MLP sums run in OpenBLAS): `train`, `predict` and
# `cv` all pin OpenBLAS to one thread while they fit or score (experiments/engine/cvrun.c,
# experiments/run/predict.c), so the summation order does not depend on the thread count; the
# test runs train and predict with OPENBLAS_NUM_THREADS=2 and cv with 1 to show it. (Another CPU can pick
# another BLAS kernel: that is the cross-machine question of docs/decisions.md, not this one.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"

F=$TMP/feat
make_features "$F" 40 40
# a dataset manifest: every fourth package is test, listed in reverse order of features.csv
awk -F, 'NR > 1 { r[NR] = $1 "," $2 "," ((NR % 4 == 0) ? "test" : "train") }
	END { print "id,label,split"; for (i = NR; i > 1; i--) print r[i] }' "$F/features.csv" > "$TMP/m.csv"

for L in rf nb svm mlp stack; do
	OPENBLAS_NUM_THREADS=2 "$PYVET" train --features "$F" --manifest "$TMP/m.csv" --split train --set T+MCF+pre \
		--learner $L --seed 5 --out "$TMP/$L.model" 2>/dev/null
	check "$L: train writes a model" test -s "$TMP/$L.model"
	check "$L: model file starts with the version line" test "$(head -1 "$TMP/$L.model")" = "pyvet-model 2"
	check "$L: header records set, learner, vocabulary and fixed columns" sh -c "sed -n 2p '$TMP/$L.model' |
		grep -q '\"set\":\"T+MCF+pre\"' && sed -n 2p '$TMP/$L.model' | grep -q '\"learner\":\"$L\"' &&
		sed -n 2p '$TMP/$L.model' | grep -q '\"tokens\":\[' && sed -n 2p '$TMP/$L.model' | grep -q 'file.min_cfg'"
	OPENBLAS_NUM_THREADS=2 "$PYVET" predict --model "$TMP/$L.model" --features "$F" \
		--manifest "$TMP/m.csv" --split test --out "$TMP/$L.pred.csv" 2>/dev/null
	check "$L: predict writes id,label,score,threshold,verdict" \
		test "$(head -1 "$TMP/$L.pred.csv")" = "id,label,score,threshold,verdict"
	check "$L: one row per test package" test "$(($(wc -l < "$TMP/$L.pred.csv") - 1))" -eq 20
	OPENBLAS_NUM_THREADS=1 "$PYVET" cv --features "$F" --manifest "$TMP/m.csv" --split train \
		--test test --set T+MCF+pre --learner $L --seed 5 --quiet --out "$TMP/$L.tt.csv" --scores "$TMP/$L.scores.csv"
	cut -d, -f3- "$TMP/$L.scores.csv" | tail -n +2 > "$TMP/$L.a"
	tail -n +2 "$TMP/$L.pred.csv" > "$TMP/$L.b"
	check "$L: predict gives the same scores and verdicts as cv --test" \
		test "$(wc -l < "$TMP/$L.a")" -eq 20 -a -n "$(cmp "$TMP/$L.a" "$TMP/$L.b" && echo same)"
	check "$L: cv --test writes cv=test rows" grep -q "^T+MCF+pre,$L,test,,,f1_macro," "$TMP/$L.tt.csv"
done
check "verdict is score > threshold" awk -F, 'NR > 1 { v = ($3 > $4) ? "malicious" : "benign"; if (v != $5) exit 1 }' "$TMP/rf.pred.csv"

# the whole training set: predict on training rows of a model trained without a manifest
"$PYVET" train --features "$F" --set MCF --learner dt --out "$TMP/dt.model" 2>/dev/null
"$PYVET" predict --model "$TMP/dt.model" --features "$F" > "$TMP/dt.pred.csv" 2>/dev/null
check "predict writes to stdout without --out" test "$(($(wc -l < "$TMP/dt.pred.csv") - 1))" -eq 80

# corrupt models are rejected
printf 'pyvet-model 99\n{}\n' > "$TMP/bad1.model"
"$PYVET" predict --model "$TMP/bad1.model" --features "$F" >/dev/null 2>&1
check "unknown model version is rejected" test $? -ne 0
printf 'not a model\n' > "$TMP/bad2.model"
"$PYVET" predict --model "$TMP/bad2.model" --features "$F" >/dev/null 2>&1
check "a non-model file is rejected" test $? -ne 0
head -c 300 "$TMP/rf.model" > "$TMP/bad3.model"
"$PYVET" predict --model "$TMP/bad3.model" --features "$F" >/dev/null 2>&1
check "a truncated model is rejected" test $? -ne 0
# (with a checksum line that matches the edit: a consistent model naming another column)
sed -e 's/"file.min_cfg"/"file.no_such"/' -e '$d' "$TMP/rf.model" > "$TMP/bad4.model"
echo "pyvet-model-sha256 $(sha256sum < "$TMP/bad4.model" | cut -d' ' -f1)" >> "$TMP/bad4.model"
"$PYVET" predict --model "$TMP/bad4.model" --features "$F" >/dev/null 2>&1
check "a model column missing from the extraction is an error" test $? -ne 0
finish
