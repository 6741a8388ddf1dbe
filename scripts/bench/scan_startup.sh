#!/usr/bin/env bash
# Benchmark: `pyvet scan` start-up (issue 12.6). Prints the wall time of a single-package scan
# with a model (median of R runs) and the batch rate (packages/s for one scan of 100 packages),
# each with the compiled domain table (the new path) and with the list parsed at every start
# ($PYVET_NO_DOMAIN_TABLE=1, the old path), measured alternately in the same run, and the ratios.
# Usage: scripts/bench/scan_startup.sh [MODEL] [R] (default R = 21). Without MODEL the bundled
# default model (models/default.model) is used, and when there is none a stacking model is
# trained with `pyvet train` on 60 + 60 training packages of datasets/paper first.
# Target: single-package scan <= 50 ms wall on the development machine (an idle one: the
# figures are wall times, so a loaded machine reports more).
set -eu
PYVET=${PYVET:-./pyvet}
CORPUS=${PYVET_CORPUS:-../shared/corpus}
MODEL=${1:-}
R=${2:-21}
[ -x "$PYVET" ] || { echo "scan_startup: build pyvet first (make)" >&2; exit 2; }
[ -f "$CORPUS/manifest.csv" ] || { echo "scan_startup: corpus not found at $CORPUS" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ -n "$MODEL" ] || [ ! -s models/default.model ] || MODEL=models/default.model
if [ -z "$MODEL" ]; then
	M=datasets/paper/manifest.csv
	{ head -n 1 $M; grep ',benign,.*,train$' $M | head -n 60; grep ',malicious,.*,train$' $M | head -n 60; } >"$W/train.csv"
	"$PYVET" extract --manifest "$W/train.csv" --corpus "$CORPUS" --out "$W/feat" --jobs 2 --quiet
	"$PYVET" train --features "$W/feat" --learner stack --out "$W/stack.model" 2>/dev/null
	MODEL=$W/stack.model
fi
# the single package: a mid-sized benign sdist; the batch: 50 benign + 50 malicious test packages
ONE=$CORPUS/$(grep ',benign,APScheduler,' "$CORPUS/manifest.csv" | head -n 1 | cut -d, -f5)
[ -f "$ONE" ] || ONE=$CORPUS/$(grep ',benign,' "$CORPUS/manifest.csv" | head -n 1 | cut -d, -f5)
{ grep ',benign,.*,test$' datasets/paper/manifest.csv | head -n 50
  grep ',malicious,.*,test$' datasets/paper/manifest.csv | head -n 50; } | cut -d, -f5 |
	sed "s|^|$CORPUS/|" >"$W/batch.txt"
NB=$(wc -l <"$W/batch.txt")

now() { date +%s%N; }
[ -x /usr/bin/time ] || { echo "scan_startup: /usr/bin/time not installed" >&2; exit 2; }
# one TABLE|PARSE: "wall_ns cpu_s" of one single-package scan (cpu = user + system, which a
# loaded machine inflates far less than the wall time)
one() {
	local t0 t1 cpu
	t0=$(now)
	if [ "$1" = PARSE ]; then
		PYVET_NO_DOMAIN_TABLE=1 /usr/bin/time -f '%U %S' -o "$W/cpu" "$PYVET" scan --model "$MODEL" "$ONE" >/dev/null 2>&1 || true
	else
		/usr/bin/time -f '%U %S' -o "$W/cpu" "$PYVET" scan --model "$MODEL" "$ONE" >/dev/null 2>&1 || true
	fi
	t1=$(now)
	cpu=$(awk '{ print $1 + $2 }' "$W/cpu")
	echo "$((t1 - t0)) $cpu"
}
batch() {
	local t0 t1
	t0=$(now)
	if [ "$1" = PARSE ]; then
		xargs -a "$W/batch.txt" -d '\n' env PYVET_NO_DOMAIN_TABLE=1 "$PYVET" scan --model "$MODEL" >/dev/null 2>&1 || true
	else
		xargs -a "$W/batch.txt" -d '\n' "$PYVET" scan --model "$MODEL" >/dev/null 2>&1 || true
	fi
	t1=$(now)
	echo $((t1 - t0))
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
one TABLE >/dev/null # warm the page cache
one PARSE >/dev/null
for _ in $(seq "$R"); do
	one TABLE >>"$W/t.txt"
	one PARSE >>"$W/p.txt"
done
bt=$(batch TABLE)
bp=$(batch PARSE)
mt=$(cut -d' ' -f1 "$W/t.txt" | median)
mp=$(cut -d' ' -f1 "$W/p.txt" | median)
ct=$(cut -d' ' -f2 "$W/t.txt" | median)
cp=$(cut -d' ' -f2 "$W/p.txt" | median)
awk -v mt="$mt" -v mp="$mp" -v ct="$ct" -v cp="$cp" -v bt="$bt" -v bp="$bp" -v nb="$NB" -v r="$R" -v one="$ONE" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "scan start-up (%s; median of %d runs; load average %s)\n", one, r, load
	printf "%-34s %12s %12s %8s\n", "", "table (new)", "parse (old)", "old/new"
	printf "%-34s %9.1f ms %9.1f ms %7.2fx\n", "single-package scan, wall", mt / 1e6, mp / 1e6, mp / mt
	printf "%-34s %9.0f ms %9.0f ms %7.2fx\n", "single-package scan, CPU (10 ms)", ct * 1e3, cp * 1e3, (ct > 0 ? cp / ct : 0)
	printf "%-34s %8.1f p/s %8.1f p/s %7.2fx\n", sprintf("batch of %d packages, rate", nb), nb / (bt / 1e9), nb / (bp / 1e9), bp / bt
	printf "target: single-package scan <= 50 ms: %s\n", mt / 1e6 <= 50 ? "met" : "NOT met"
}'
