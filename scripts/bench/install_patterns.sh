#!/usr/bin/env bash
# Benchmark (issue 8.3, 8.7): `pyvet extract --featuresets code` on generated directory packages
# whose root setup.py holds one comment line of `class a(` repeated (12 KB, 128 KB, 1 MB: glibc's
# regexec is quadratic in it), or 20,000 ordinary lines (a large text document), with a baseline
# binary and the binary under test, in the same job. Prints seconds per package for each and the ratio BASE/NEW; a run over LIMIT seconds is
# stopped and shown as "> LIMIT". Run it with release builds, and with ASan builds for 8.7 (the
# ASan regexec interceptor made case (b) quadratic).
# Usage: BASE=/path/to/old/pyvet [PYVET=./pyvet] [LIMIT=120] scripts/bench/install_patterns.sh
set -eu
BASE=${BASE:?set BASE to the baseline pyvet binary}
PYVET=${PYVET:-./pyvet}
LIMIT=${LIMIT:-120}
DATA=${PYVET_DATA:-$PWD/featuresets/data}
DOM=tests/data/top-domains-mini.csv
[ -x "$PYVET" ] && [ -x "$BASE" ] || { echo "install_patterns: build both binaries" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

CASES="redos12k redos128k redos1m large"
for c in redos12k:1536 redos128k:16384 redos1m:131071; do
	mkdir -p "$W/corpus/${c%%:*}-1.0"
	awk -v n="${c#*:}" 'BEGIN { printf "#"; for (i = 0; i < n; i++) printf "class a(";
		print ""; print "from setuptools import setup"; print "setup(name=\"redos\")" }' \
		>"$W/corpus/${c%%:*}-1.0/setup.py"
done
mkdir -p "$W/corpus/large-1.0"
awk 'BEGIN { print "from setuptools import setup";
	for (i = 0; i < 20000; i++) printf "x%d = compute(%d, \"value %d\")  # line %d\n", i, i, i, i;
	print "setup(name=\"large\")" }' >"$W/corpus/large-1.0/setup.py"
for p in $CASES; do
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n' "$p" >"$W/corpus/$p-1.0/PKG-INFO"
done

now() { date +%s.%N; }
# seconds for one extraction of package $2 with binary $1, or "> LIMIT"
run() {
	local id t0 t1
	id=$(printf '%s' "$2" | sha256sum | cut -c1-64)
	printf 'id,label,name,version,path,split\n%s,benign,%s,1.0,%s-1.0,train\n' \
		"$id" "$2" "$2" >"$W/$2.csv"
	t0=$(now)
	# PYVET_DATA_DIR: the name older binaries read
	if PYVET_DATA=$DATA PYVET_DATA_DIR=$DATA timeout "$LIMIT" "$1" extract --manifest "$W/$2.csv" \
		--corpus "$W/corpus" --out "$W/out" --featuresets code --domains "$DOM" --jobs 1 \
		--quiet >/dev/null 2>&1; then
		t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
	else
		printf '> %s' "$LIMIT"
	fi
}
printf '%-36s %12s %12s %10s\n' case "base s" "new s" "base/new"
for c in $CASES; do
	b=$(run "$BASE" "$c")
	n=$(run "$PYVET" "$c")
	r=$(awk -v b="${b#> }" -v n="${n#> }" 'BEGIN { if (n > 0) printf "%.1f", b / n; else print "-" }')
	case "$b$n" in *">"*) r="~$r" ;; esac
	case $c in
	redos12k) what="12 KB line of 'class a('" ;;
	redos128k) what="128 KB line of 'class a('" ;;
	redos1m) what="1 MB line of 'class a('" ;;
	*) what="20,000-line setup.py" ;;
	esac
	printf '%-36s %12s %12s %10s\n' "$what" "$b" "$n" "$r"
done
