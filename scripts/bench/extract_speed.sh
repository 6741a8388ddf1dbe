#!/usr/bin/env bash
# Benchmark: `pyvet extract` throughput of two builds on the same manifest, run alternately in
# the same job so that the load of a shared machine hits both alike; prints packages/s of each
# run and the median ratio (new / base). Outputs go to a temporary directory.
#
# usage: scripts/bench/extract_speed.sh BASE_PYVET NEW_PYVET MANIFEST CORPUS [ROUNDS]
#   BASE_PYVET, NEW_PYVET  two pyvet binaries (e.g. a build of main and ./pyvet)
#   MANIFEST, CORPUS       as for `pyvet extract` (e.g. ../shared/corpus/manifest.csv and
#                          ../shared/corpus)
#   ROUNDS                 alternating runs of each (default 3)
#   env: JOBS (default 2), DOMAINS (default ../shared/data/top-domains.csv, given to both),
#        EXTRA (more extract options, e.g. "--debian-dir data/debian")
set -eu
BASE=${1:?usage: $0 BASE_PYVET NEW_PYVET MANIFEST CORPUS [ROUNDS]}
NEW=${2:?usage: $0 BASE_PYVET NEW_PYVET MANIFEST CORPUS [ROUNDS]}
MANIFEST=${3:?usage: $0 BASE_PYVET NEW_PYVET MANIFEST CORPUS [ROUNDS]}
CORPUS=${4:?usage: $0 BASE_PYVET NEW_PYVET MANIFEST CORPUS [ROUNDS]}
ROUNDS=${5:-3}
JOBS=${JOBS:-2}
DOMAINS=${DOMAINS:-../shared/data/top-domains.csv}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
n=$(($(grep -c . "$MANIFEST") - 1))

# packages/s of one run of binary $1 (from the sidecar's counts)
run() {
	# shellcheck disable=SC2086
	"$1" extract --domains "$DOMAINS" --manifest "$MANIFEST" --corpus "$CORPUS" --out "$W/x" \
		--jobs "$JOBS" --quiet ${EXTRA:-} || [ $? -eq 3 ]
	/usr/bin/python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["counts"]["packages_per_second"])' \
		"$W/x/features.json"
}
echo "extract: $n packages, --jobs $JOBS, $ROUNDS alternating rounds"
ratios=""
for r in $(seq "$ROUNDS"); do
	b=$(run "$BASE")
	x=$(run "$NEW")
	q=$(awk -v b="$b" -v x="$x" 'BEGIN { printf "%.3f", x / b }')
	echo "round $r: base $b packages/s, new $x packages/s, ratio $q"
	ratios="$ratios $q"
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n |
	awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "median ratio new/base: %.3f (%d rounds)\n", m, NR }'
