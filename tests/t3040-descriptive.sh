#!/usr/bin/env bash
# pyvet descriptive: prevalences and the D19 correlation table, on every row of an extraction or
# on one split of a dataset manifest (the training split in `pyvet reproduce`).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"

F=$TMP/feat
make_features "$F" 40 40
# every fourth package is test
awk -F, 'NR > 1 { print $1 "," $2 "," ((NR % 4 == 0) ? "test" : "train") }
	BEGIN { print "id,label,split" }' "$F/features.csv" >"$TMP/m.csv"
n_train=$(grep -c ',train$' "$TMP/m.csv")
mkdir -p "$TMP/all" "$TMP/tr" "$TMP/x"

"$PYVET" descriptive --features "$F" --out "$TMP/all/prev.csv" 2>"$TMP/err"
check "descriptive on every row exits 0" test $? -eq 0
check "all rows: 80 packages per feature" awk -F, 'NR > 1 && $1 == "file.min_cfg" { n += $3 } END { exit n != 80 }' "$TMP/all/prev.csv"
check "all rows: the sidecar says so" grep -q '"split":[[:space:]]*"all rows of features.csv"' "$TMP/all/prev.json"

"$PYVET" descriptive --features "$F" --out "$TMP/tr/prev.csv" --manifest "$TMP/m.csv" --split train 2>"$TMP/err"
check "descriptive --manifest --split train exits 0" test $? -eq 0
check "train split: $n_train packages per feature" awk -F, -v n="$n_train" 'NR > 1 && $1 == "file.min_cfg" { s += $3 } END { exit s != n }' "$TMP/tr/prev.csv"
# pairwise-complete rows: the synthetic file.is_license is empty for 5 % of the packages
check "train split: 21 pairs over $n_train packages (fewer with file.is_license)" awk -F, -v n="$n_train" '
	NR > 1 { rows++; if ($3 > n || ($2 != "file.is_license" && $3 != n)) bad = 1 } END { exit bad || rows != 21 }' "$TMP/tr/feature_correlation.csv"
check "train split: the sidecars name the manifest and the split" sh -c "grep -q '\"split\":[[:space:]]*\"train\"' '$TMP/tr/prev.json' && grep -q '\"split\":[[:space:]]*\"train\"' '$TMP/tr/feature_correlation.json' && grep -q '\"packages\":[[:space:]]*$n_train' '$TMP/tr/feature_correlation.json'"
# the correlation of the training rows, recomputed independently
check "train split: r of meta.is_valid_homepage and file.min_cfg = Pearson over the train rows" awk -F, '
	FNR == NR { if (FNR > 1 && $3 == "train") keep[$1] = 1; next }
	FILENAME ~ /features.csv$/ { if (FNR == 1) { for (i = 1; i <= NF; i++) c[$i] = i; next }
		if (!($1 in keep)) next
		x = $c["meta.is_valid_homepage"]; y = $c["file.min_cfg"]; n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; next }
	$1 == "meta.is_valid_homepage" && $2 == "file.min_cfg" { got = $4 }
	END { r = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy)); d = r - got; exit !(d < 1e-12 && d > -1e-12) }' \
	"$TMP/m.csv" "$F/features.csv" "$TMP/tr/feature_correlation.csv"

"$PYVET" descriptive --features "$F" --out "$TMP/x/prev.csv" --manifest "$TMP/m.csv" --split nosuch >/dev/null 2>"$TMP/err"
rc=$?
check "an empty split is an error (exit $rc) naming it" sh -c "test $rc -ne 0 && grep -q \"no row with split 'nosuch'\" '$TMP/err'"
finish
