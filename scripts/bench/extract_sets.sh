#!/usr/bin/env bash
# Benchmark (issue 11): what the feature sets beyond the paper cost at extraction. One binary,
# the same manifest, run alternately in the same job so that the load of a shared machine hits
# every configuration alike: the sets that existed before issue 11 ("before"), each new set added
# to them, and every registered set ("after"). Prints the CPU seconds (user + system) and
# packages/s of each run, and per configuration the median CPU ratio to "before".
# With BASE set, a second binary (e.g. a build of main) runs its default sets as "base" too.
#
# usage: scripts/bench/extract_sets.sh MANIFEST CORPUS [ROUNDS]
#   env: PYVET (default ./pyvet), BASE (optional older binary), JOBS (default 2),
#        DOMAINS (default ../shared/data/top-domains.csv)
set -eu
MANIFEST=${1:?usage: $0 MANIFEST CORPUS [ROUNDS]}
CORPUS=${2:?usage: $0 MANIFEST CORPUS [ROUNDS]}
ROUNDS=${3:-3}
PYVET=${PYVET:-./pyvet}
JOBS=${JOBS:-2}
DOMAINS=${DOMAINS:-../shared/data/top-domains.csv}
OLD=meta,code,file,text,apis,apis_alias,artifacts,residual
NEW="behavior obfuscation metadata2 yara"
W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
n=$(($(grep -c . "$MANIFEST") - 1))

# "cpu_seconds packages_per_second" of one run: binary $1, feature sets $2 ("" = default)
run() {
	local sets=()
	[ -n "$2" ] && sets=(--featuresets "$2")
	/usr/bin/time -f '%U %S' -o "$W/time" "$1" extract --domains "$DOMAINS" \
		--manifest "$MANIFEST" --corpus "$CORPUS" --out "$W/x" --jobs "$JOBS" --quiet \
		"${sets[@]}" || [ $? -eq 3 ]
	awk '{ printf "%.2f ", $1 + $2 }' "$W/time"
	/usr/bin/python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["counts"]["packages_per_second"])' \
		"$W/x/features.json"
}

configs="before"
for s in $NEW; do configs="$configs +$s"; done
configs="$configs after"
[ -n "${BASE:-}" ] && configs="base $configs"
echo "extract: $n packages, --jobs $JOBS, $ROUNDS alternating rounds"
for r in $(seq "$ROUNDS"); do
	for c in $configs; do
		case $c in
		base) out=$(run "$BASE" "") ;;
		before) out=$(run "$PYVET" "$OLD") ;;
		after) out=$(run "$PYVET" "") ;;
		+*) out=$(run "$PYVET" "$OLD,${c#+}") ;;
		esac
		echo "round $r $c: cpu ${out% *} s, ${out#* } packages/s"
		echo "$r $c ${out% *}" >>"$W/cpu"
	done
done
echo "median CPU ratio to 'before' (same rounds):"
for c in $configs; do
	awk -v c="$c" '$2 == "before" { b[$1] = $3 } $2 == c { x[$1] = $3 }
		END { n = 0; for (r in x) if (b[r] > 0) v[++n] = x[r] / b[r]
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "  %-14s %.3f\n", c, m }' "$W/cpu"
done
