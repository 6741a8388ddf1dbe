#!/usr/bin/env bash
# Benchmark: pyvet against bandit, packj and GuardDog on the same N benign + N malicious test
# packages of the paper dataset, in one `pyvet baseline --peer bandit,packj,guarddog` run (each
# tool's processes timed with wait4; pyvet's extraction of meta,code,file,text in-process).
# Prints each tool's median wall and CPU seconds per package, packages per CPU second, and the
# ratio of pyvet's rate to each tool's. Needs `make peers` and the corpus.
# Usage: scripts/bench/peers_timing.sh [N] (default 10; seed 1, --jobs 1 so tools do not compete).
set -eu
N=${1:-10}
PYVET=${PYVET:-./pyvet}
CORPUS=${PYVET_CORPUS:-../shared/corpus}
[ -x "$PYVET" ] || { echo "peers_timing: build pyvet first (make)" >&2; exit 2; }
[ -f "$CORPUS/manifest.csv" ] || { echo "peers_timing: corpus not found at $CORPUS" >&2; exit 2; }
[ -s build/peers/env ] || { echo "peers_timing: run make peers first" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
"$PYVET" baseline --manifest datasets/paper/manifest.csv --corpus "$CORPUS" --split test \
	--n-benign "$N" --n-malicious "$N" --seed 1 --jobs 1 --peer bandit,packj,guarddog \
	--out "$W/r/fig3_alerts.csv" 2>"$W/err" || { tail -5 "$W/err" >&2; exit 1; }
/usr/bin/python3 - "$W/r/peers_verdicts.json" <<'PY'
import json, sys
t = {o["tool"]: o for o in json.load(open(sys.argv[1]))["timing"]}
py = t.get("pyvet", {}).get("packages_per_cpu_second")
print(f"{'tool':10} {'n':>4} {'wall median s':>14} {'CPU median s':>13} {'pkg/CPU-s':>10} {'pyvet/tool':>11}")
for k, o in t.items():
    r = o["packages_per_cpu_second"]
    print(f"{k:10} {o['n_timed']:>4} {o['wall_median_s']:>14.4f} {o['cpu_median_s']:>13.4f}"
          f" {r:>10.2f} {(py / r if py and r else float('nan')):>11.1f}")
PY
