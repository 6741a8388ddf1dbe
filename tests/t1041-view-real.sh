#!/usr/bin/env bash
# Shape detection and the canonical view on real packages (issue 10.5): a sample of the corpus
# (popular projects, real PyPI sdists, malicious sdists, wheels and zips) and of the Debian slice
# read as `pyvet extract` reads them: every package reads, its shape is the one its content says
# (docs/package-view.md), and an installed package's licence text is found where Debian keeps it.
# SKIP without ../shared's corpus; the Debian part SKIPs without the slice
# ($PYVET_DEBIAN_DIR, default data/debian; scripts/fetch-debian-slice.sh).
. "$(dirname "$0")/lib.sh"
DOM="--domains tests/data/top-domains-mini.csv"
DEB=${PYVET_DEBIAN_DIR:-data/debian}

# sample MANIFEST AWK-CONDITION N: the first N rows (by id) matching the condition
sample() {
	tail -n +2 "$1" | LC_ALL=C sort -t, -k1,1 | awk -F, "$2" | head -n "$3"
}

if [ -z "$CORPUS" ]; then
	skip "corpus not found (../shared/corpus): shapes of real corpus packages not checked"
else
	M=$CORPUS/manifest.csv
	{
		head -1 "$M"
		sample "$M" '$11 == "popular"' 5
		sample "$M" '$11 == "sdist"' 5
		sample "$M" '$11 == "malware" && $6 == "tar.gz"' 5
		sample "$M" '$11 == "malware" && $6 == "whl"' 5
	} >"$TMP/corpus.csv"
	"$PYVET" extract $DOM --manifest "$TMP/corpus.csv" --corpus "$CORPUS" --out "$TMP/xc" \
		--featuresets file,residual --quiet 2>/dev/null
	check "corpus sample: every package reads" test "$(wc -l <"$TMP/xc/errors.csv")" -eq 1
	# join manifest kind/format with the shape column of features.csv (id order = manifest order)
	paste -d, <(tail -n +2 "$TMP/corpus.csv" | cut -d, -f6,11) \
		<(tail -n +2 "$TMP/xc/features.csv" | cut -d, -f7) >"$TMP/shapes"
	check "popular projects and real sdists are sdists" \
		test "$(grep -cE ',(popular|sdist),sdist$' "$TMP/shapes")" -eq 10
	check "malicious .tar.gz uploads are sdists" \
		test "$(grep -c '^tar.gz,malware,sdist$' "$TMP/shapes")" -eq 5
	check "malicious .whl uploads are wheels" test "$(grep -c '^whl,malware,wheel$' "$TMP/shapes")" -eq 5
fi

if [ -z "$CORPUS" ] || ! [ -d "$DEB" ]; then
	skip "Debian slice not found ($DEB; scripts/fetch-debian-slice.sh): installed shape not checked on real .debs"
	finish
	exit
fi
M=datasets/debian/manifest.csv
NP=datasets/debian/not-python.csv
{
	head -1 "$M"
	# a spread of the slice: every 160th package by id, and two whose only Python content is
	# compiled (python3-zfpy) or whose egg-info is a distutils file
	tail -n +2 "$M" | LC_ALL=C sort -t, -k1,1 | awk 'NR % 160 == 1'
	grep -E ',python3-zfpy_' "$M" || true
} | grep -vFf <(tail -n +2 "$NP" | cut -d, -f1) >"$TMP/deb.csv"
present=1
for p in $(tail -n +2 "$TMP/deb.csv" | cut -d, -f5); do [ -f "$DEB/$p" ] || present=0; done
if [ $present = 0 ]; then
	skip "Debian slice in $DEB incomplete: installed shape not checked on real .debs"
	finish
	exit
fi
n=$(($(wc -l <"$TMP/deb.csv") - 1))
"$PYVET" extract $DOM --manifest "$TMP/deb.csv" --corpus "$DEB" --out "$TMP/xd" \
	--featuresets file,residual --quiet 2>/dev/null
check "Debian sample ($n packages, compiled-only python3-zfpy among them): every package reads" \
	test "$(wc -l <"$TMP/xd/errors.csv")" -eq 1
check "Debian sample: every package is installed" \
	test "$(tail -n +2 "$TMP/xd/features.csv" | cut -d, -f7 | grep -cx installed)" -eq "$n"
col=$(head -1 "$TMP/xd/features.csv" | tr , '\n' | grep -nx residual.has_license | cut -d: -f1)
check "residual.has_license is a column" test -n "$col"
lic=$(tail -n +2 "$TMP/xd/features.csv" | cut -d, -f"${col:-1}" | grep -cx 1)
check "Debian sample: the copyright file is the licence text of at least 90 % ($lic of $n)" \
	test $((lic * 10)) -ge $((n * 9))
check "Debian sample: no view path leaves the package but the licence (evidence)" \
	sh -c "! grep -o '\"file\":\"/[^\"]*\"' '$TMP/xd/evidence.jsonl' | grep -v '\"file\":\"/usr/share/doc/[^/\"]*/copyright\"'"
finish
