#!/usr/bin/env bash
# The compiled domain table (issue 12.6) changes start-up time, never a result: `extract` of a
# corpus sample writes byte-identical features.csv, tokens.tsv and evidence.jsonl with the table
# and with the list parsed ($PYVET_NO_DOMAIN_TABLE), and the sidecar records the same list hash.
. "$(dirname "$0")/lib.sh"
if [ -z "$CORPUS" ]; then
	skip "corpus not found: table vs parse not compared on real packages"
	finish; exit
fi
if [ ! -f "${BUILD:-build}/data/top-domains.pvdt" ]; then
	skip "no compiled domain table (${BUILD:-build}/data/top-domains.pvdt): nothing to compare"
	finish; exit
fi
every=10
[ -n "${PYVET_ASAN:-}" ] && every=60
M=$TMP/m.csv
awk -v e=$every 'NR == 1 || NR % e == 2' "$CORPUS/manifest.csv" >"$M"
n=$(($(wc -l <"$M") - 1))
"$PYVET" extract --manifest "$M" --corpus "$CORPUS" --out "$TMP/t" --jobs 2 --quiet 2>"$TMP/t.err"
rt=$?
PYVET_NO_DOMAIN_TABLE=1 "$PYVET" extract --manifest "$M" --corpus "$CORPUS" --out "$TMP/p" --jobs 2 --quiet 2>"$TMP/p.err"
rp=$?
check "both extractions of $n packages finish (exit $rt, $rp)" test "$rt" -le 3 -a "$rp" -le 3 -a "$rt" -eq "$rp"
for f in features.csv tokens.tsv evidence.jsonl errors.csv; do
	check "$f byte-identical with the table and with the parsed list" cmp -s "$TMP/t/$f" "$TMP/p/$f"
done
h() { grep -A1 '"domains"' "$1" | grep -o '[0-9a-f]\{64\}' | head -1; }
check "the sidecars record the same list hash" test -n "$(h "$TMP/t/features.json")" -a "$(h "$TMP/t/features.json")" = "$(h "$TMP/p/features.json")"
check "some homepage is judged valid (the list is used)" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "meta.is_valid_homepage") c = i } NR > 1 && $c == 1 { f = 1 } END { exit !f }' "$TMP/t/features.csv"
finish
