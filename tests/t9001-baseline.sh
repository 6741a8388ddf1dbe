#!/usr/bin/env bash
# pyvet baseline on a tiny seeded sample: bandit and packj-equivalent counts, summary, Table 6.
. "$(dirname "$0")/lib.sh"
if [ -z "$CORPUS" ]; then
	skip "baseline: corpus not available"
	finish; exit
fi
M=datasets/paper/manifest.csv
[ -f "$M" ] || { $PYVET split --manifest "$CORPUS/manifest.csv" --name paper --out "$TMP/ds/manifest.csv" 2>/dev/null; M=$TMP/ds/manifest.csv; }
BANDIT_OPT=
command -v bandit >/dev/null || BANDIT_OPT=--no-bandit
check "baseline runs" $PYVET baseline --manifest "$M" --corpus "$CORPUS" --n-benign 1 --n-malicious 2 \
	--seed 3 --jobs 2 --max-files 20 $BANDIT_OPT --out "$TMP/r/fig3_alerts.csv" 2>"$TMP/err"
for f in fig3_alerts.csv fig3_alerts.json fig3_summary.csv fig3_packj_categories.csv table6_alerts.csv; do
	check "$f written" test -s "$TMP/r/$f"
done
rows=$(tail -n +2 "$TMP/r/fig3_alerts.csv" | wc -l)
check "3 packages x 2 tools x 2 scopes = 12 rows (got $rows)" test "$rows" -eq 12
check "every row ok" test "$(tail -n +2 "$TMP/r/fig3_alerts.csv" | grep -vc ',ok$')" -eq 0
check "summary: 2 samples x 2 tools x 2 scopes" test "$(tail -n +2 "$TMP/r/fig3_summary.csv" | wc -l)" -eq 8
# The summary mean is the mean of the per-package rows.
want=$(awk -F, '$4=="benign" && $5=="packj_equiv" && $6=="package" {s+=$7; n++} END {printf "%.6f", s/n}' "$TMP/r/fig3_alerts.csv")
got=$(awk -F, '$1=="benign" && $2=="packj_equiv" && $3=="package" {printf "%.6f", $5}' "$TMP/r/fig3_summary.csv")
check "summary mean matches rows ($got = $want)" test "$got" = "$want"
check "table6: the paper's four packages listed" test "$(grep -c '^paper,' "$TMP/r/table6_alerts.csv")" -eq 4
check "table6: sample rows are malicious" test "$(grep '^sample,' "$TMP/r/table6_alerts.csv" | grep -vc ',malicious,')" -eq 0
check "progress on stderr" grep -q '\[3/' "$TMP/err"
# Same seed, same sample and counts, whatever the number of jobs.
for j in 1 2; do
	$PYVET baseline --manifest "$M" --corpus "$CORPUS" --n-benign 2 --n-malicious 2 --seed 3 \
		--jobs $j --no-bandit --out "$TMP/j$j/fig3_alerts.csv" 2>/dev/null
done
check "deterministic for a seed" cmp -s "$TMP/j1/fig3_alerts.csv" "$TMP/j2/fig3_alerts.csv"
check "bandit rows agree with the no-bandit run's packj counts" test \
	"$(grep -h ',packj_equiv,' "$TMP/r/fig3_alerts.csv" | cut -d, -f1,7 | head -1)" = \
	"$(grep -h ',packj_equiv,' "$TMP/j1/fig3_alerts.csv" | grep -F "$(grep -h ',packj_equiv,' "$TMP/r/fig3_alerts.csv" | head -1 | cut -d, -f1)" | cut -d, -f1,7 | head -1)"
check "unknown option rejected" test "$($PYVET baseline --bogus x 2>/dev/null; echo $?)" -eq 2
finish
