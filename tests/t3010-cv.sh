#!/usr/bin/env bash
# pyvet cv on a small synthetic extraction: long CSV shape, determinism (same seed, --jobs),
# fold files, grouped folds, failed cells, summary and sidecar (spec D29, 8.2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"

F=$TMP/feat
make_features "$F" 40 40
L=dt,rf,svm,nb
run() { "$PYVET" cv --features "$F" --set T+MCF+pre,MCF --learner $L --folds 4 --repeats 2 --quiet "$@"; }

check "cv runs" run --seed 3 --out "$TMP/a/cv.csv" --write-folds "$TMP/a/folds.csv"
rows=$(($(wc -l < "$TMP/a/cv.csv") - 1))
nmet=$(awk -F, 'NR > 1 && $1 == "MCF" && $2 == "dt" && $4 == 0 && $5 == 0' "$TMP/a/cv.csv" | wc -l)
[ "$nmet" -ge 14 ] && ok "a cell has $nmet metric rows" || not_ok "a cell has $nmet metric rows"
[ "$rows" -eq $((2 * 4 * 2 * 4 * nmet)) ] && ok "long CSV has sets x learners x repeats x folds x metrics rows ($rows)" \
	|| not_ok "long CSV has $rows rows, expected $((2 * 4 * 2 * 4 * nmet))"
check "header is set,learner,cv,repeat,fold,metric,value,status" \
	test "$(head -1 "$TMP/a/cv.csv")" = "set,learner,cv,repeat,fold,metric,value,status"
check "every row is ok" test "$(awk -F, 'NR > 1 && $8 != "ok"' "$TMP/a/cv.csv" | wc -l)" -eq 0
check "f1_macro values lie in [0, 1] and are not all equal" awk -F, '
	NR > 1 && $6 == "f1_macro" { if ($7 < 0 || $7 > 1) bad = 1; v[$7] = 1 }
	END { n = 0; for (k in v) n++; exit bad || n < 3 }' "$TMP/a/cv.csv"
check "learners beat chance on the synthetic data (mean rf f1_macro > 0.6)" awk -F, '
	NR > 1 && $2 == "rf" && $6 == "f1_macro" { s += $7; n++ } END { exit !(s / n > 0.6) }' "$TMP/a/cv.csv"
check "summary CSV has one f1_macro row per set and learner" \
	test "$(grep -c ',f1_macro,' "$TMP/a/cv.summary.csv")" -eq 8
check "sidecars written with the seed" grep -q '"seed":[[:space:]]*3' "$TMP/a/cv.json"
check "summary sidecar written" test -s "$TMP/a/cv.summary.json"
check "sidecar records the vocabulary scope fold" grep -q '"vocab_scope":[[:space:]]*"fold' "$TMP/a/cv.json"

run --seed 3 --out "$TMP/b/cv.csv" --write-folds "$TMP/b/folds.csv" >/dev/null
check "same seed gives the same bytes" cmp -s "$TMP/a/cv.csv" "$TMP/b/cv.csv"
check "same seed gives the same folds" cmp -s "$TMP/a/folds.csv" "$TMP/b/folds.csv"
run --seed 3 --jobs 2 --out "$TMP/c/cv.csv" --oof "$TMP/c/oof.csv" >/dev/null
run --seed 3 --jobs 1 --out "$TMP/d/cv.csv" --oof "$TMP/d/oof.csv" >/dev/null
check "--jobs 2 gives the same bytes as --jobs 1" cmp -s "$TMP/c/cv.csv" "$TMP/a/cv.csv"
check "--jobs 2 gives the same out-of-fold scores" cmp -s "$TMP/c/oof.csv" "$TMP/d/oof.csv"
check "out-of-fold: every row scored once per (set, learner, repeat)" awk -F, '
	NR > 1 { if ($7 == "") bad = 1; n[$1 FS $2 FS $3]++ } END { for (k in n) if (n[k] != 80) bad = 1; exit bad }' "$TMP/c/oof.csv"
run --seed 4 --out "$TMP/e/cv.csv" --write-folds "$TMP/e/folds.csv" >/dev/null
check "another seed gives other folds" sh -c "! cmp -s '$TMP/a/folds.csv' '$TMP/e/folds.csv'"

check "folds file: each id once per repeat" awk -F, 'NR > 1 { n[$1 FS $2]++ } END { for (k in n) if (n[k] != 1) exit 1; exit length(n) != 160 }' "$TMP/a/folds.csv"
check "stratified folds hold 10 malicious and 10 benign rows each" awk -F, '
	NR > 1 { c[$2 FS $3 FS substr($1, 1, 1)]++ } END { for (k in c) if (c[k] != 10) exit 1 }' "$TMP/a/folds.csv"

"$PYVET" cv --features "$F" --set MCF --learner dt --folds 4 --repeats 2 --group cluster --quiet \
	--out "$TMP/g/cv.csv" --write-folds "$TMP/g/folds.csv"
check "grouped folds: no cluster is split across folds" awk -F, '
	FNR == NR { if (FNR > 1) cl[$1] = $5; next }
	FNR > 1 && cl[$1] != "" { k = $2 FS cl[$1]; if ((k in f) && f[k] != $3) bad = 1; f[k] = $3 }
	END { exit bad }' "$F/features.csv" "$TMP/g/folds.csv"
check "grouped run labelled cv=grouped" grep -q ',grouped,' "$TMP/g/cv.csv"

"$PYVET" cv --features "$F" --set T --learner nb --folds 4 --repeats 1 --quiet \
	--param text.num_words=0 --out "$TMP/f/cv.csv" 2>/dev/null
rc=$?
check "failed cells make exit status 4" test "$rc" -eq 4
check "failed cells are error rows with the message" grep -q ',error,,features: text.num_words must be at least 1' "$TMP/f/cv.csv"

"$PYVET" cv --features "$F" --set T+pre --learner nb --folds 4 --repeats 1 --quiet \
	--param text.vocab_scope=all --out "$TMP/h/cv.csv"
check "text.vocab_scope=all is flagged in the sidecar" grep -q '"vocab_scope":[[:space:]]*"all' "$TMP/h/cv.json"

"$PYVET" cv --features "$F" --learner nosuch --quiet --out "$TMP/x.csv" 2>/dev/null
check "unknown learner is a usage error (exit 2)" test $? -eq 2
"$PYVET" cv --features "$F" --set T+XYZ --learner dt --quiet --out "$TMP/x.csv" 2>/dev/null
check "unknown set part is a usage error (exit 2)" test $? -eq 2
"$PYVET" cv --features "$F" --set artifacts --learner dt --quiet --out "$TMP/x.csv" 2>/dev/null
check "a set without columns fails before running" test $? -ne 0 -a ! -e "$TMP/x.csv"
"$PYVET" cv --features "$F" --learner dt --param rf.trees=5 --quiet --out "$TMP/x.csv" 2>/dev/null
check "a parameter for an unselected learner is an error" test $? -eq 2
"$PYVET" cv --features "$TMP/none" --learner dt --quiet --out "$TMP/x.csv" 2>/dev/null
check "a missing extraction is an error" test $? -ne 0
finish
