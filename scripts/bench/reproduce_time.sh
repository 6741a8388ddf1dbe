#!/usr/bin/env bash
# Benchmark: the whole study, `pyvet reproduce` (what `make reproduce` runs: the paper dataset,
# 10 x 10 folds, all tables and figures), timed into a fresh directory, with the per-step
# breakdown from its reproduce_status.csv (seconds and share of the total). The report is
# written into that directory, not into the repository's paper/report.md. With BASE=path to
# another pyvet binary (e.g. an older build), that one runs first into its own directory and the
# per-step ratios are printed beside: both in this one invocation, one after the other.
# Takes about ten minutes per binary on an idle 2-core machine; longer when it is shared.
#
# usage: scripts/bench/reproduce_time.sh [-- extra reproduce options, e.g. --quick]
#   env: PYVET, BASE, CORPUS, JOBS (2), OUT (keep the output directories there)
# Target (issue 14): <= 10 minutes wall on 2 cores.
set -eu
. "$(dirname "$0")/lib.sh"
JOBS=${JOBS:-2}
[ "${1:-}" = "--" ] && shift
bench_need
bench_workdir
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# BINARY DIR [reproduce options]: the steps with --no-report (which would write the repository's
# paper/report.md), then the figures and the report into DIR, timed as steps of their own.
run() {
	local bin=$1 dir=$2 t0 t1
	shift 2
	mkdir -p "$dir"
	t0=$(date +%s.%N)
	"$bin" reproduce --corpus "$CORPUS" --out "$dir" --jobs "$JOBS" --no-report "$@" \
		>"$dir.log" 2>&1 || echo "$bin reproduce: some steps failed (see $dir.log)" >&2
	t1=$(date +%s.%N)
	sh scripts/plots/make_figures.sh "$dir" >>"$dir.log" 2>&1 || echo "figures failed" >&2
	awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "figures,ok,%.1f,\n", b - a }' \
		>>"$dir/reproduce_status.csv"
	t1=$(date +%s.%N)
	"$PY" scripts/make_report.py --results "$dir" --out "$dir/report.md" >>"$dir.log" 2>&1 ||
		echo "report failed" >&2
	awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "report,ok,%.1f,\n", b - a }' \
		>>"$dir/reproduce_status.csv"
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
BW=
if [ -n "${BASE:-}" ]; then
	run "$BASE" "$W/base" "$@"
	BW=$wall
fi
run "$PYVET" "$W/new" "$@"
NW=$wall

"$PY" - "$W/new" "${BASE:+$W/base}" "$NW" "$BW" <<'EOF'
import csv, glob, json, os, sys

def load(d):
    """Seconds per step from reproduce_status.csv, and the CPU seconds of the steps whose
    sidecar lists its work-queue threads (cv and train -> test cells, extract)."""
    if not d:
        return {}, {}, []
    rows = list(csv.DictReader(open(os.path.join(d, "reproduce_status.csv"))))
    cpu = {}
    sides = glob.glob(os.path.join(d, "cells", "*.json"))
    sides += glob.glob(os.path.join(d, "features", "*", "features.json"))
    for side in sides:
        try:
            th = json.load(open(side)).get("threads")
        except (OSError, ValueError):
            continue
        name = os.path.basename(side)[:-5]
        if not th or name.startswith("oof_") or name.endswith(".summary"):
            continue
        step = {"test": "train_test", "temporal": "temporal_fit", "features": "extract"}.get(name, name)
        cpu[step] = cpu.get(step, 0) + sum(t["cpu_seconds"] for t in th)
    return {r["step"]: float(r["seconds"] or 0) for r in rows}, cpu, [r["step"] for r in rows]

new, ncpu, order = load(sys.argv[1])
base, bcpu, border = load(sys.argv[2])
for s in border:
    if s not in order:
        order.append(s)
tot_n, tot_b = sum(new.values()), sum(base.values())
hdr = "%-28s %9s %6s %9s" % ("step", "seconds", "share", "cpu s")
if base:
    hdr += " %9s %8s" % ("base s", "base/new")
print(hdr)
for s in order:
    n = new.get(s)
    line = "%-28s %9s %5.1f%% %9s" % (s, "%.1f" % n if n is not None else "-",
                                      100 * (n or 0) / tot_n if tot_n else 0,
                                      "%.1f" % ncpu[s] if s in ncpu else "")
    if base:
        b = base.get(s)
        line += " %9s %8s" % ("%.1f" % b if b is not None else "-",
                              "%.2fx" % (b / n) if b and n else "-")
    print(line)
line = "%-28s %9.1f %6s %9.1f" % ("sum of steps", tot_n, "", sum(ncpu.values()))
if base:
    line += " %9.1f %8s" % (tot_b, "%.2fx" % (tot_b / tot_n) if tot_n else "-")
print(line)
wall = "wall %.1f s (%.1f min)" % (float(sys.argv[3]), float(sys.argv[3]) / 60)
if base:
    wall += "; base wall %.1f s, ratio %.2fx" % (float(sys.argv[4]), float(sys.argv[4]) / float(sys.argv[3]))
print(wall + "   (target <= 600 s on 2 cores)")
cores = os.cpu_count() or 1
other = tot_n - sum(new.get(s, 0) for s in ncpu)
print("cpu s = CPU time of the steps' work-queue threads (sidecars). On %d idle cores those "
      "steps take about cpu/%d, so an idle-machine estimate of the run is %.0f s (the other "
      "steps as measured: %.0f s)." % (cores, cores, sum(ncpu.values()) / cores + other, other))
EOF
