#!/usr/bin/env bash
# pyvet reproduce --quick end to end: every expected results file exists and has rows, a rerun
# resumes (skips finished steps), and the report names no missing file. About 2 minutes on 2 cores.
. "$(dirname "$0")/lib.sh"
if [ -z "$CORPUS" ]; then
	skip "reproduce --quick: corpus not available"
	finish; exit
fi
if [ -n "${PYVET_ASAN:-}" ] || [ -n "${PYVET_SKIP_SLOW:-}" ]; then
	skip "reproduce --quick: slow end-to-end run skipped under sanitizers / PYVET_SKIP_SLOW"
	finish; exit
fi
R=$TMP/r
start=$(date +%s)
$PYVET reproduce --quick --corpus "$CORPUS" --out "$R" --jobs 2 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "reproduce --quick exits 0 (got $rc)" test $rc -eq 0
sh scripts/report.sh "$R" "$R/report.md" >>"$TMP/out" 2>>"$TMP/err"
check "scripts/report.sh draws the figures and writes the report" test $? -eq 0
secs=$(( $(date +%s) - start ))
echo "# reproduce --quick took ${secs} s"
for f in table3_featuresets table4_learners table5_train_test grouped_cv leak_check temporal \
	fig2_importance fig2_importance_heldout fig3_alerts fig3_summary table6_alerts \
	fig4_intersection hard_negatives operating_points prevalence feature_correlation roc_stack \
	pr_stack; do
	n=$( [ -f "$R/$f.csv" ] && tail -n +2 "$R/$f.csv" | grep -c . || echo 0)
	check "$f.csv has rows ($n)" test "$n" -gt 0
done
check "sidecars written" test -s "$R/table3_featuresets.json" -a -s "$R/fig3_alerts.json"
check "table3: 8 sets x 6 learners of f1_macro" test "$(awk -F, '$3=="stratified" && $4=="f1_macro"' "$R/table3_featuresets.csv" | wc -l)" -eq 48
check "table3: margins filled" test "$(awk -F, 'NR>1 && $4=="f1_macro" && $9==""' "$R/table3_featuresets.csv" | wc -l)" -eq 0
check "status: every step ok (or skipped)" test "$(tail -n +2 "$R/reproduce_status.csv" | grep -vc ',ok,\|,skipped,')" -eq 0
check "without the Debian slice: a visible line says how to fetch it" \
	grep -q 'debian_slice: skipped: .*scripts/fetch-debian-slice.sh' "$TMP/err"
# The peer tools (issue 13): run when set up, else a visible skip line.
if [ -s build/peers/env ] && [ -d "$SHARED/peers" ]; then
	check "peers: verdict table written" test -s "$R/peers/peers_verdicts.csv"
	check "peers: Fig. 3 has the real packj" grep -q '^[a-z]*,packj,' "$R/fig3_summary.csv"
else
	check "peers: a visible skip line" grep -q 'peers: skipped' "$TMP/err"
fi
check "report written without missing files" grep -q '^# pyvet rerun' "$R/report.md"
check "report: no 'not produced'" test "$(grep -c 'not produced' "$R/report.md")" -eq 0
check "importance: ranks are competition ranks with a nonzero flag" awk -F, 'NR == 1 { ok = ($1 == "rank" && $5 == "tied" && $6 == "nonzero") }
	NR > 1 { if ($1 > NR - 1 || ($6 == 0 && ($3 > 1e-9 || $3 < -1e-9))) ok = 0 } END { exit !ok }' "$R/fig2_importance_heldout.csv"
check "operating points: every row ok or unreachable, no threshold when unreachable" awk -F, 'NR == 1 { ok = ($3 == "status") }
	NR > 1 { if (!($3 == "ok" && $4 != "") && !($3 == "unreachable" && $4 == "")) ok = 0 } END { exit !ok }' "$R/operating_points.csv"
for f in prevalence feature_correlation; do
	check "$f counted on the training split (sidecar)" grep -q '"split":[[:space:]]*"train"' "$R/$f.json"
done
check "every results table has a sidecar" sh -c 'for f in "$1"/*.csv; do case $f in */reproduce_status.csv) continue;; esac; [ -s "${f%.csv}.json" ] || { echo "# no sidecar: $f"; exit 1; }; done' sh "$R"
/usr/bin/python3 scripts/make_report.py --results "$R" --out "$R/report2.md" 2>/dev/null
check "the report regenerated from the results is the same bytes" cmp -s "$R/report.md" "$R/report2.md"
if command -v gnuplot >/dev/null; then
	check "figures drawn" test -s "$R/figures/fig3_alerts.svg" -a -s "$R/figures/roc_curves.png"
else
	skip "gnuplot not installed: figures not drawn, not checked"
fi
check "progress visible on stderr" grep -q 'reproduce: cv_stratified_T+MCF+pre' "$TMP/err"
# Resume: a second run skips every finished step.
$PYVET reproduce --quick --corpus "$CORPUS" --out "$R" --jobs 2 --no-report >/dev/null 2>"$TMP/err2"
check "rerun skips the CV cells" grep -q 'cv_stratified_T+MCF+pre: done earlier, skipped' "$TMP/err2"
# A failing step records the message of the command it ran (in process, not an exit status):
# the baseline again without bandit on PATH.
rm -f "$R/.steps/fig3_baseline.ok"
P=$(cd "$(dirname "$PYVET")" && pwd)/$(basename "$PYVET")
(PATH=/nonexistent "$P" reproduce --quick --corpus "$CORPUS" --out "$R" --jobs 2 >/dev/null 2>"$TMP/err3")
check "a failing step exits 4" test $? -eq 4
check "the status file holds the step's own error message" \
	grep -q '^fig3_baseline,error,[0-9.]*,.*baseline: .*use --no-bandit to skip it' "$R/reproduce_status.csv"
check "bad option rejected" test "$($PYVET reproduce --bogus 2>/dev/null; echo $?)" -eq 2
finish
