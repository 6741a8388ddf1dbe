# Shared helpers of the benchmark scripts (sourced, not run). Benchmarks print ratios measured
# in one run; they never assert timings (house rule 6).
#
#   PYVET   the binary (default ./pyvet); CORPUS the corpus (default ../shared/corpus)
#   bench_workdir           a temporary directory ($W), removed at exit, or $OUT if set
#   bench_extract MANIFEST  extract MANIFEST's packages into $W/feat once (--jobs 2, quiet)
#   timed CMD...            run CMD; $wall and $cpu (user + sys of children) in seconds
#   json_get FILE EXPR      a value of a JSON sidecar, EXPR in Python over `d`
PYVET=${PYVET:-./pyvet}
CORPUS=${CORPUS:-${PYVET_CORPUS:-../shared/corpus}}
PY=/usr/bin/python3

bench_need() {
	[ -x "$PYVET" ] || { echo "$0: build pyvet first (make)" >&2; exit 2; }
	[ -f "$CORPUS/manifest.csv" ] || { echo "$0: corpus not found at $CORPUS" >&2; exit 2; }
}

bench_workdir() {
	if [ -n "${OUT:-}" ]; then
		W=$OUT
		mkdir -p "$W"
	else
		W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
		trap 'rm -rf "$W"' EXIT
	fi
}

bench_extract() {
	[ -f "$W/feat/features.csv" ] ||
		"$PYVET" extract --manifest "$1" --corpus "$CORPUS" --out "$W/feat" --jobs 2 --quiet
}

timed() {
	local t0 t1 c0 c1
	t0=$(date +%s.%N)
	c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	"$@"
	t1=$(date +%s.%N)
	c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')
}

json_get() {
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# Print the "threads" array of a sidecar: one line per thread with items, busy and CPU seconds,
# and the share of the busy time the thread really had a CPU (below 1: other processes ran).
print_threads() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
th = d.get("threads") or []
busy = [t["busy_seconds"] for t in th]
for i, t in enumerate(th):
    share = t["cpu_seconds"] / t["busy_seconds"] if t["busy_seconds"] > 0 else 0
    print("  %s thread %d: %4d items, busy %7.2f s, cpu %7.2f s (on a CPU %3.0f%% of its busy time)"
          % (sys.argv[2], i, t["items"], t["busy_seconds"], t["cpu_seconds"], 100 * share))
if len(busy) > 1:
    print("  %s busiest / least busy thread: %.2f" % (sys.argv[2], max(busy) / max(min(busy), 1e-9)))
EOF
}
