#!/usr/bin/env bash
# pyvet split: the committed datasets/*/manifest.csv are what the command derives from the corpus.
. "$(dirname "$0")/lib.sh"
check "split without arguments is a usage error" test "$($PYVET split 2>/dev/null; echo $?)" -eq 2
check "unknown dataset rejected" test "$($PYVET split --manifest x --name nope --out "$TMP/x.csv" 2>/dev/null; echo $?)" -eq 2
if [ -z "$CORPUS" ]; then
	skip "split: corpus not available"
	finish; exit
fi
sha=$(sha256sum "$CORPUS/manifest.csv" | cut -d' ' -f1)
for name in paper full; do
	check "split $name runs" $PYVET split --manifest "$CORPUS/manifest.csv" --name $name --out "$TMP/$name/manifest.csv" 2>/dev/null
	check "$name: counts.csv and README.md written" test -s "$TMP/$name/counts.csv" -a -s "$TMP/$name/README.md"
	check "$name: only train/test rows" test "$(tail -n +2 "$TMP/$name/manifest.csv" | awk -F, '{print $NF}' | sort -u | tr '\n' ' ')" = "test train "
	# No cluster (column 9) in both train and test.
	both=$(awk -F, 'NR>1 {s[$9]=s[$9] $NF} END {n=0; for (c in s) if (s[c] ~ /train/ && s[c] ~ /test/) n++; print n}' "$TMP/$name/manifest.csv")
	check "$name: no cluster straddles train and test ($both)" test "$both" -eq 0
	if grep -q "$sha" "datasets/$name/README.md" 2>/dev/null; then
		check "$name: committed manifest is current" cmp -s "$TMP/$name/manifest.csv" "datasets/$name/manifest.csv"
	else
		skip "$name: corpus manifest changed since datasets/$name was generated; rerun pyvet split"
	fi
done
# realistic: the corpus + the committed Debian slice manifest (no package files needed).
D=datasets/debian/manifest.csv
R=$TMP/realistic/manifest.csv
check "split realistic runs" $PYVET split --manifest "$CORPUS/manifest.csv" --debian "$D" --name realistic --out "$R" 2>/dev/null
if grep -q "$sha" datasets/realistic/README.md 2>/dev/null &&
	grep -q "$(sha256sum "$D" | cut -d' ' -f1)" datasets/realistic/README.md; then
	check "realistic: committed manifest is current" cmp -s "$R" datasets/realistic/manifest.csv
else
	skip "realistic: corpus or Debian manifest changed since datasets/realistic was generated; rerun pyvet split"
fi
check "realistic: its corpus rows are the full dataset (same ids, same splits)" \
	diff <(grep -v ',debian/' "$R" | tail -n +2 | awk -F, '{print $1, $NF}') \
	<(tail -n +2 "$TMP/full/manifest.csv" | awk -F, '{print $1, $NF}')
check "realistic: no overlap=corpus row" test "$(awk -F, 'NR>1 && $15=="corpus"' "$R" | wc -l)" -eq 0
NP=datasets/debian/not-python.csv
check "realistic: no row of $NP (not Python packages, excluded-not-python)" \
	test "$(cut -d, -f1 "$NP" | tail -n +2 | grep -cFxf - <(cut -d, -f1 "$R"))" -eq 0
check "realistic: the $(($(wc -l <"$NP") - 1)) not-Python rows are counted as excluded" \
	grep -q "^excluded-not-python,benign,debian,$(($(wc -l <"$NP") - 1))," "$TMP/realistic/counts.csv"
# No cluster (column 9) and no PEP 503 name (column 3) in both train and test, across both sources.
both=$(awk -F, 'NR>1 {n=tolower($3); gsub(/[-_.]+/, "-", n); c[$9]=c[$9] $NF; m[n]=m[n] $NF}
	END {k=0; for (x in c) if (c[x] ~ /train/ && c[x] ~ /test/) k++
	for (x in m) if (m[x] ~ /train/ && m[x] ~ /test/) k++; print k}' "$R")
check "realistic: no cluster or project name straddles train and test ($both)" test "$both" -eq 0
for kind in popular sdist debian; do
	check "realistic: counts.csv has train and test rows of kind $kind" \
		test "$(grep -cE "^(train|test),benign,$kind," "$TMP/realistic/counts.csv")" -eq 2
done
check "realistic: every Debian path is debian/<file>" \
	test "$(awk -F, 'NR>1 && $11=="debian" && $5 !~ /^debian\//' "$R" | wc -l)" -eq 0
# paper: exactly 143 test malware (the corpus has enough), all newer than every train malware.
check "paper: 143 test malware" test "$(awk -F, 'NR>1 && $2=="malicious" && $NF=="test"' "$TMP/paper/manifest.csv" | wc -l)" -eq 143
newest_train=$(awk -F, 'NR>1 && $2=="malicious" && $NF=="train" {print $8}' "$TMP/paper/manifest.csv" | sort | tail -1)
oldest_test=$(awk -F, 'NR>1 && $2=="malicious" && $NF=="test" {print $8}' "$TMP/paper/manifest.csv" | sort | head -1)
check "paper: train malware older than test malware ($newest_train < $oldest_test)" test "$newest_train" \< "$oldest_test"
check "probes excluded by default" test "$(grep -c ',probe,' "$TMP/paper/manifest.csv")" -eq 0
$PYVET split --manifest "$CORPUS/manifest.csv" --name full --probes 1 --out "$TMP/fp/manifest.csv" 2>/dev/null
check "--probes 1 keeps probes" test "$(grep -c ',probe,' "$TMP/fp/manifest.csv")" -gt 0
finish
