#!/usr/bin/env bash
# scripts/fetch-debian-slice.sh --from SRC (no network): SHA-256 matching whatever the file name,
# epoch file names, missing versions and wrong hashes reported, resumable, the manifest format;
# then the manifest read by check-corpus and, mixed into a `realistic` split, by check-corpus
# and extract with --debian-dir. The .debs are built here with dpkg-deb and never unpacked.
. "$(dirname "$0")/lib.sh"
FETCH=scripts/fetch-debian-slice.sh
# extract and reproduce below need a popular-domain list; without ../shared's the mini list
# (this test is about the slice's manifest and paths, not about domains)
[ -n "$SHARED_DOMAINS" ] || export PYVET_DOMAINS=$PWD/tests/data/top-domains-mini.csv
if ! command -v dpkg-deb >/dev/null; then
	skip "dpkg-deb not installed: fetch script not tested"
	finish
	exit
fi

# make_deb PACKAGE VERSION OUT: a tiny python3-* binary package in Debian's installed layout.
make_deb() {
	local pkg=$1 ver=$2 out=$3 mod=${1#python3-} d
	d=$TMP/build/$pkg-$RANDOM
	mkdir -p "$d/DEBIAN" "$d/usr/lib/python3/dist-packages/$mod" \
		"$d/usr/lib/python3/dist-packages/$mod-1.0.egg-info" "$d/usr/share/doc/$pkg"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: test %s\n' \
		"$pkg" "$ver" "$mod" >"$d/DEBIAN/control"
	printf 'def hello():\n    return "%s"\n' "$mod" >"$d/usr/lib/python3/dist-packages/$mod/__init__.py"
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\nSummary: test\nHome-page: https://example.org/\nLicense: MIT\n' \
		"$mod" >"$d/usr/lib/python3/dist-packages/$mod-1.0.egg-info/PKG-INFO"
	printf 'License: MIT\n' >"$d/usr/share/doc/$pkg/copyright"
	dpkg-deb --root-owner-group -Zgzip --build "$d" "$out" >/dev/null
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

SRC=$TMP/src DIR=$TMP/debian
mkdir -p "$SRC"
make_deb python3-alpha 1.0-1 "$SRC/python3-alpha_1.0-1_all.deb"
make_deb python3-beta 2:3.1-2 "$SRC/renamed-beta.deb" # found by SHA-256, not by name
make_deb python3-gamma 1.0-1 "$SRC/python3-gamma_1.0-1_all.deb"
make_deb python3-delta 1.0-1 "$SRC/python3-delta_1.0-1_all.deb"
head='package,version,architecture,source,size,sha256,filename,pypi_name,overlap'
row() { # PACKAGE VERSION SOURCE SHA NAME OVERLAP
	echo "$1,$2,all,$3,100,$4,pool/main/x/$3/$1_${2#*:}_all.deb,$5,$6"
}
{
	echo "$head"
	row python3-alpha 1.0-1 alpha-src "$(sha "$SRC/python3-alpha_1.0-1_all.deb")" Alpha_Lib none
	row python3-beta 2:3.1-2 beta "$(sha "$SRC/renamed-beta.deb")" beta corpus
	row python3-delta 1.0-1 delta "$(printf x | sha256sum | cut -d' ' -f1)" delta none
	row python3-eps 1.0-1 eps 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef eps none
	row python3-gamma 1.0-1 alpha-src "$(sha "$SRC/python3-gamma_1.0-1_all.deb")" gamma none
} >"$TMP/list.csv"

$FETCH --list "$TMP/list.csv" --manifest "$TMP/m.csv" --from "$SRC" "$DIR" >"$TMP/out" 2>"$TMP/err"
check "a SHA-256 mismatch makes the exit status 1" test $? -eq 1
check "mismatch reported" grep -q '^MISMATCH python3-delta=1.0-1: ' "$TMP/out"
check "the mismatching file is removed" test ! -e "$DIR/python3-delta_1.0-1_all.deb"
check "missing version reported" grep -q "^MISSING python3-eps=1.0-1: not in '$SRC'" "$TMP/out"
check "epoch saved as %3a, as apt-get download does" test -f "$DIR/python3-beta_2%3a3.1-2_all.deb"
check "summary line" grep -q '5 listed: 3 verified (0 already present, 3 fetched), 1 missing, 1 SHA-256 mismatches' "$TMP/err"
check "manifest header: the corpus manifest's columns plus overlap" test "$(head -1 "$TMP/m.csv")" = \
	"id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files,overlap"
check "manifest: the 3 verified packages, in list order" test "$(tail -n +2 "$TMP/m.csv" | cut -d, -f7 | tr '\n' ' ')" = \
	"debian:python3-alpha=1.0-1 debian:python3-beta=2:3.1-2 debian:python3-gamma=1.0-1 "
b=$DIR/python3-beta_2%3a3.1-2_all.deb
check "manifest row of the epoch package" grep -qx \
	"$(sha "$b"),benign,beta,2:3.1-2,python3-beta_2%3a3.1-2_all.deb,deb,debian:python3-beta=2:3.1-2,,beta,1,debian,,$(stat -c %s "$b"),0,corpus" "$TMP/m.csv"
check "name normalised, cluster = source, cluster_size = binaries of that source" \
	test "$(grep python3-alpha "$TMP/m.csv" | cut -d, -f3,9,10)" = "alpha-lib,alpha-src,2"

# Resumable: verified files are kept; a file damaged in DIR is fetched again.
sed -i '/python3-delta/d' "$TMP/list.csv"
printf 'damaged' >"$DIR/python3-gamma_1.0-1_all.deb"
cp "$TMP/m.csv" "$TMP/m1.csv"
$FETCH --list "$TMP/list.csv" --manifest "$TMP/m.csv" --from "$SRC" "$DIR" >"$TMP/out" 2>"$TMP/err"
check "missing versions alone: exit status 0" test $? -eq 0
check "rerun keeps the verified files and refetches the damaged one" \
	grep -q '4 listed: 3 verified (2 already present, 1 fetched), 1 missing, 0 SHA-256' "$TMP/err"
check "rerun writes the same manifest" cmp -s "$TMP/m.csv" "$TMP/m1.csv"
check "bad list rejected (usage/list error 2)" test "$(printf 'a,b\n' >"$TMP/bad.csv"
	$FETCH --list "$TMP/bad.csv" --manifest "$TMP/x.csv" --from "$SRC" "$DIR" 2>/dev/null; echo $?)" -eq 2
sed 's/python3-alpha,/python3-alpha;rm,/' "$TMP/list.csv" >"$TMP/bad.csv"
check "a package name outside Debian's syntax is rejected" test "$(
	$FETCH --list "$TMP/bad.csv" --manifest "$TMP/x.csv" --from "$SRC" "$DIR" 2>/dev/null; echo $?)" -eq 2

# pyvet reads the slice in memory.
$PYVET check-corpus --manifest "$TMP/m.csv" --corpus "$DIR" --jobs 1 >"$TMP/cc" 2>&1
check "check-corpus reads the fetched slice" grep -q '3 packages listed, 3 read OK, 0 failed' "$TMP/cc"

# A `realistic` split of a small corpus and this slice: paths debian/..., --debian-dir.
C=$TMP/corpus
mkdir -p "$C/benign" "$C/malicious"
{
	echo "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files"
	for k in 1 2 3 4; do
		name=ben$k
		[ $k = 1 ] && name=beta # the project of python3-beta (overlap=corpus in the list)
		make_deb python3-corpusben$k 1.0-1 "$C/benign/b$k.deb"
		make_deb python3-corpusmal$k 1.0-1 "$C/malicious/m$k.deb"
		echo "$(sha "$C/benign/b$k.deb"),benign,$name,1,benign/b$k.deb,deb,s,2020-01-01,$name,1,popular,$k,1,0"
		echo "$(sha "$C/malicious/m$k.deb"),malicious,evil$k,1,malicious/m$k.deb,deb,s,202$k-01-01,sk-$k,1,malware,,1,0"
	done
} >"$C/manifest.csv"
R=$TMP/realistic/manifest.csv
check "split --name realistic without --debian is a usage error" \
	test "$($PYVET split --manifest "$C/manifest.csv" --name realistic --out "$R" 2>/dev/null; echo $?)" -eq 2
check "--debian with another dataset is a usage error" \
	test "$($PYVET split --manifest "$C/manifest.csv" --debian "$TMP/m.csv" --name full --out "$R" 2>/dev/null; echo $?)" -eq 2
check "split --name realistic runs" $PYVET split --manifest "$C/manifest.csv" --debian "$TMP/m.csv" \
	--name realistic --test-benign-share 0.5 --out "$R" 2>/dev/null
check "overlapping project (overlap=corpus) left out of the Debian side" test "$(grep -c python3-beta "$R")" -eq 0
check "overlap counted" grep -q '^excluded-overlap,benign,debian,1,' "$TMP/realistic/counts.csv"
check "Debian paths written as debian/<file>" test "$(grep -c ',debian/python3-' "$R")" -eq 2
check "a column of one manifest only is kept (overlap), empty for the other's rows" \
	test "$(head -1 "$R" | tr ',' '\n' | tail -2 | tr '\n' ' ')" = "overlap split "
check "one Debian source never straddles (alpha and gamma together)" \
	test "$(grep -E 'python3-(alpha|gamma)' "$R" | awk -F, '{print $NF}' | sort -u | wc -l)" -eq 1
check "README shows the held-out share per kind" grep -q '^| benign | debian | ' "$TMP/realistic/README.md"
$PYVET split --manifest "$C/manifest.csv" --debian "$TMP/m.csv" --name realistic \
	--test-benign-share 0.5 --out "$TMP/r2/manifest.csv" 2>/dev/null
check "same inputs and seed, same realistic manifest" cmp -s "$R" "$TMP/r2/manifest.csv"
$PYVET check-corpus --manifest "$R" --corpus "$C" --debian-dir "$DIR" --jobs 1 >"$TMP/cc" 2>&1
check "check-corpus --debian-dir reads corpus and Debian rows" grep -q ' 0 failed' "$TMP/cc"
$PYVET check-corpus --manifest "$R" --corpus "$C" --jobs 1 >"$TMP/cc" 2>&1
check "without --debian-dir the debian/ paths are under the corpus (absent here)" \
	grep -q ' 2 failed' "$TMP/cc"
$PYVET extract --manifest "$R" --corpus "$C" --debian-dir "$DIR" --out "$TMP/feat" --quiet --jobs 1 2>/dev/null
check "extract --debian-dir: every row extracted" test "$(($(wc -l <"$TMP/feat/features.csv") - 1))" -eq "$(($(wc -l <"$R") - 1))"

# pyvet reproduce: the Debian steps run when the slice is complete, else a line says how to
# fetch it (the study's own steps fail on a corpus this small; only the Debian ones are checked).
$PYVET reproduce --quick --corpus "$C" --debian "$DIR" --debian-manifest "$TMP/m.csv" \
	--out "$TMP/rep" --no-report --no-bandit --jobs 1 >/dev/null 2>"$TMP/rerr"
check "reproduce --debian: split_realistic ok" grep -q '^split_realistic,ok,' "$TMP/rep/reproduce_status.csv"
check "reproduce --debian: extract_realistic ok" grep -q '^extract_realistic,ok,' "$TMP/rep/reproduce_status.csv"
check "reproduce --debian: the realistic features hold the Debian rows" \
	test "$(grep -c "$(sha "$DIR/python3-alpha_1.0-1_all.deb")" "$TMP/rep/features/quick_realistic/features.csv")" -eq 1
rm "$DIR/python3-gamma_1.0-1_all.deb"
$PYVET reproduce --quick --corpus "$C" --debian "$DIR" --debian-manifest "$TMP/m.csv" \
	--out "$TMP/rep2" --no-report --no-bandit --jobs 1 >/dev/null 2>"$TMP/rerr"
check "a package missing from the slice: Debian steps skipped, with how to fetch it" \
	grep -q "debian_slice: skipped: 1 of the 3 packages .*scripts/fetch-debian-slice.sh" "$TMP/rerr"
check "... and recorded as skipped, not run" \
	test "$(grep -c '^debian_slice,skipped,' "$TMP/rep2/reproduce_status.csv"),$(grep -c realistic "$TMP/rep2/reproduce_status.csv")" = "1,0"
finish
