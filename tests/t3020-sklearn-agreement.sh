#!/usr/bin/env bash
# pyvet's protocol against scikit-learn on a real corpus subset (GitHub issue #4): the same
# extraction, pyvet's fold assignment, scikit-learn's counterparts of the six learners
# (scripts/reference/sklearn_protocol.py); per learner, |mean macro F1 pyvet - sklearn| <= 0.02
# (0.04 for the decision tree, reason below).
# Also checks pyvet's vocabulary against an independent Python re-implementation of the Keras
# fit (strong oracle for core/vocab). Needs the corpus and `pyvet extract`; the scikit-learn
# part needs /usr/bin/python3 with Debian's python3-sklearn. Under PYVET_ASAN=1 a smaller subset
# is used and the scikit-learn part is skipped (too slow under sanitizers).
. "$(dirname "$0")/lib.sh"
REF=$(dirname "$0")/../scripts/reference/sklearn_protocol.py
PY=/usr/bin/python3

if [ -z "$CORPUS" ]; then
	skip "corpus not found (../shared/corpus): sklearn agreement not run"
	finish; exit
fi
if ! "$PYVET" help | grep -q '^  extract '; then
	skip "pyvet extract not built: sklearn agreement not run"
	finish; exit
fi
N=150
[ "${PYVET_ASAN:-0}" = 1 ] && N=40
# deterministic subset: the first N packages of each class by id (a SHA-256, so effectively
# a random draw independent of name and date)
head -1 "$CORPUS/manifest.csv" > "$TMP/m.csv"
tail -n +2 "$CORPUS/manifest.csv" | LC_ALL=C sort -t, -k1,1 |
	awk -F, -v n=$N '$2 == "benign" && b < n { b++; print; next } $2 == "malicious" && m < n { m++; print }' >> "$TMP/m.csv"
"$PYVET" extract --manifest "$TMP/m.csv" --corpus "$CORPUS" --out "$TMP/feat" --quiet --jobs 2 2>/dev/null
check "extracted $N + $N corpus packages" test "$(($(wc -l < "$TMP/feat/features.csv") - 1))" -ge $((2 * N - 4))

# vocabulary oracle: pyvet's model header vs. the Python Keras re-implementation
if [ -x "$PY" ] && "$PY" -c 'import numpy' 2>/dev/null; then
	for SET in T+pre T; do
		"$PYVET" train --features "$TMP/feat" --set "$SET+MCF" --learner nb --out "$TMP/v.model" 2>/dev/null
		"$PY" "$REF" --features "$TMP/feat" --set "$SET" --dump-vocab "$TMP/v.json"
		check "vocabulary of $SET equals the Python Keras fit (tokens, order, document counts)" "$PY" -c '
import json, sys
h = json.loads(open(sys.argv[1], "rb").read().split(b"\n")[1].decode("utf-8", "surrogateescape"))["vocab"]
p = json.load(open(sys.argv[2]))
sys.exit(not (len(h["tokens"]) == 499 and h["tokens"] == p["tokens"] and h["docs"] == p["docs"]
              and h["document_count"] == p["document_count"]))' "$TMP/v.model" "$TMP/v.json"
	done
else
	skip "/usr/bin/python3 with numpy missing: vocabulary oracle not run"
fi

if [ "${PYVET_ASAN:-0}" = 1 ]; then
	check "pyvet cv runs on the corpus subset under sanitizers" "$PYVET" cv --features "$TMP/feat" \
		--set T+MCF+pre --learner dt,rf,svm,nb --folds 5 --repeats 1 --jobs 2 --quiet --out "$TMP/pv.csv"
	skip "PYVET_ASAN=1: scikit-learn agreement not run under sanitizers"
	finish; exit
fi
if ! [ -x "$PY" ] || ! "$PY" -c 'import sklearn' 2>/dev/null; then
	skip "/usr/bin/python3 with python3-sklearn missing: agreement not run"
	finish; exit
fi
"$PYVET" cv --features "$TMP/feat" --set T+MCF+pre --learner paper --folds 5 --repeats 1 --seed 1 \
	--jobs 2 --quiet --out "$TMP/pv.csv" --write-folds "$TMP/folds.csv"
check "pyvet cv ran the six learners" test "$(grep -c ',f1_macro,' "$TMP/pv.csv")" -eq 30
OPENBLAS_NUM_THREADS=1 "$PY" "$REF" --features "$TMP/feat" --folds "$TMP/folds.csv" --set T+MCF+pre \
	--learner dt,rf,svm,mlp,nb,stack --out "$TMP/sk.csv" 2>/dev/null
check "scikit-learn reference ran on the same folds" test "$(grep -c ',f1_macro,' "$TMP/sk.csv")" -eq 30
mean() { awk -F, -v l=$2 '$2 == l && $6 == "f1_macro" { s += $7; n++ } END { if (n) printf "%.6f", s / n }' "$1"; }
# Bounds on |mean macro F1 pyvet - scikit-learn| per learner. SVM (the same libsvm), NB and the
# stacking learner's meta-level are deterministic given the folds, MLP and RF average out their
# random draws: 0.02. DT gets 0.04, and the reason is printed: on 0/1 columns many splits tie
# exactly on Gini, and the tie is broken by the random order in which features are visited (pyvet:
# the cell's RNG stream, D21; scikit-learn: its random_state permutation), which cannot be shared.
# A different tie changes the whole subtree, so with 60 held-out packages per fold single trees of
# both tools differ by about 0.02 in either direction (seen: 0.0001 and 0.023 on two extractions).
# RF gets 0.04 too: its 12 trees (D20) do not average those ties out over 5 folds; pyvet's own
# RF on this subset ranges 0.903-0.930 over seeds 1-6 (same extraction, issue 10.3 view), and
# 0.023 from scikit-learn's was seen when 19 malicious wheels' file.min_cfg changed.
for L in dt rf svm mlp nb stack; do
	a=$(mean "$TMP/pv.csv" $L); b=$(mean "$TMP/sk.csv" $L)
	bound=0.02
	if [ $L = dt ] || [ $L = rf ]; then
		bound=0.04
		echo "# $L: bound 0.04, not 0.02: Gini ties on 0/1 columns are broken by each tool's own RNG"
	fi
	if [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v t=$bound 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; then
		ok "$L: macro F1 pyvet $a vs scikit-learn $b (|diff| <= $bound)"
	else
		not_ok "$L: macro F1 pyvet ${a:-?} vs scikit-learn ${b:-?} (|diff| > $bound)"
	fi
done
finish
