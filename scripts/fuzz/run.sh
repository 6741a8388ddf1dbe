#!/usr/bin/env bash
# Run every libFuzzer target built by `make fuzz` (build-fuzz/fuzz_*) for SECONDS each, starting
# from seed corpora generated now (scripts/fuzz/seeds.sh), and print one line per target:
# executions, executions per second, coverage (libFuzzer's cov: edges and ft: features), corpus
# units and crashes. Logs go to build-fuzz/logs/, crashing inputs to build-fuzz/artifacts/, the
# table to build-fuzz/fuzz-summary.csv. Exits 1 if a target crashed (or leaked, timed out or ran
# out of memory) or did not run. `make fuzz-smoke` runs 60 s each, `make fuzz-long` 3600 s.
# Usage: scripts/fuzz/run.sh SECONDS [TARGET...]
set -uo pipefail
secs=${1:?usage: run.sh SECONDS [TARGET...]}
shift
cd "$(dirname "$0")/../.."
B=build-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for t in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$t" .c)"); done
fi
bash scripts/fuzz/seeds.sh "$B/seeds" || exit 1
mkdir -p "$B/logs" "$B/artifacts"
echo "target,seconds,executions,exec_per_s,cov,ft,corpus_units,crashes" >"$B/fuzz-summary.csv"
bad=0
for t in "${targets[@]}"; do
	bin=$B/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz: $t: $bin not built (run make fuzz)"
		bad=1
		continue
	fi
	corpus=$B/corpus/$t
	rm -rf "$corpus" "$B/artifacts/$t-"*
	mkdir -p "$corpus"
	cp "$B/seeds/$t"/* "$corpus/" 2>/dev/null || true
	log=$B/logs/$t.log
	# -timeout: one input taking longer is a finding; -rss_limit_mb: so is a 2 GB input
	"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$B/artifacts/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	units=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	crashes=$(find "$B/artifacts" -name "$t-*" -type f | wc -l)
	echo "$t,$secs,${execs:-0},${eps:-0},${cov:-0},${ft:-0},${units:-0},$crashes" \
		>>"$B/fuzz-summary.csv"
	printf 'fuzz: %-14s %4s s  %10s execs (%s/s)  cov %s  ft %s  corpus %s  crashes %s\n' \
		"$t" "$secs" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}" "$crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ] || [ -z "$execs" ]; then
		echo "fuzz: $t FAILED (exit $rc); see $log and $B/artifacts/$t-*"
		grep -m 5 -E 'ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/fuzz:   /'
		bad=1
	fi
done
echo "fuzz: ${#targets[@]} targets, $([ "$bad" -eq 0 ] && echo "no crash" || echo "FAILURES") (build-fuzz/fuzz-summary.csv)"
exit "$bad"
