#!/usr/bin/env bash
# Benchmark: `pyvet extract` against Debian's bandit (`bandit -r -f json`) on the same N benign
# corpus packages. bandit needs files on disk, so the benign packages (never the malicious ones)
# are unpacked into a mktemp directory outside the repository and removed at the end; pyvet reads
# the same packages in memory from the corpus. Prints packages/s of each, the ratio, pyvet's rate
# per core and its peak RSS. Usage: scripts/bench/extract_vs_bandit.sh [N] (default 50).
# Targets (issue #3): pyvet >= 50x bandit, >= 30 packages/s per core, peak RSS < 100 MB.
set -eu
N=${1:-50}
PYVET=${PYVET:-./pyvet}
CORPUS=${PYVET_CORPUS:-../shared/corpus}
BANDIT=${BANDIT:-/usr/bin/bandit}
[ -x "$PYVET" ] || { echo "extract_vs_bandit: build pyvet first (make)" >&2; exit 2; }
[ -f "$CORPUS/manifest.csv" ] || { echo "extract_vs_bandit: corpus not found at $CORPUS" >&2; exit 2; }
[ -x "$BANDIT" ] || { echo "extract_vs_bandit: $BANDIT not installed (make deps)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "extract_vs_bandit: /usr/bin/time not installed" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
# the first N benign rows (benign only: nothing malicious is ever written to disk)
{ head -n 1 "$CORPUS/manifest.csv"; grep ',benign,' "$CORPUS/manifest.csv" | head -n "$N"; } >"$W/m.csv"
N=$(($(wc -l <"$W/m.csv") - 1))
mkdir "$W/unpacked"
tail -n +2 "$W/m.csv" | cut -d, -f1,5 | while IFS=, read -r id path; do
	mkdir "$W/unpacked/$id"
	tar -xzf "$CORPUS/$path" -C "$W/unpacked/$id" --no-same-owner --no-same-permissions
done
BYTES=$(du -sb "$W/unpacked" | cut -f1)
PYFILES=$(find "$W/unpacked" -name '*.py' | wc -l)

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.2f", (t > 0 ? n / t : 0) }'; }

# bandit: one recursive run over all N packages, JSON to a file (its exit status 1 = findings)
t0=$(now)
"$BANDIT" -r -f json -q -o "$W/bandit.json" "$W/unpacked" >/dev/null 2>&1 || true
t1=$(now)
BT=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

# pyvet: one worker (per-core rate) and all cores, peak RSS from /usr/bin/time -v
pv() {
	/usr/bin/time -v "$PYVET" extract --manifest "$W/m.csv" --corpus "$CORPUS" --out "$W/pv$1" \
		--jobs "$1" --quiet 2>"$W/time$1.txt"
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$W/time$1.txt"
}
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$W/time$1.txt"; }
P1=$(pv 1)
CORES=$(nproc)
PN=$(pv "$CORES")
# the fixed start-up cost (domain list, API table) measured on an empty manifest
head -n 1 "$W/m.csv" >"$W/empty.csv"
t0=$(now)
"$PYVET" extract --manifest "$W/empty.csv" --corpus "$CORPUS" --out "$W/pv0" --jobs 1 --quiet
t1=$(now)
P0=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

echo "packages: $N benign ($PYFILES .py files, $BYTES bytes unpacked)"
echo "bandit $($BANDIT --version 2>/dev/null | head -n 1 | awk '{print $2}'): $BT s, $(rate "$N" "$BT") packages/s (one process, files on disk)"
echo "pyvet extract --jobs 1: $P1 s, $(rate "$N" "$P1") packages/s, peak RSS $(rss 1) MB (start-up $P0 s included)"
echo "pyvet extract --jobs $CORES: $PN s, $(rate "$N" "$PN") packages/s, peak RSS $(rss "$CORES") MB"
awk -v b="$BT" -v p="$P1" -v q="$PN" -v c="$CORES" -v z="$P0" -v n="$N" 'BEGIN {
	printf "ratio pyvet/bandit (one core each): %.1fx\n", b / p
	printf "ratio pyvet/bandit (pyvet on %d cores): %.1fx\n", c, b / q
	printf "pyvet per core without start-up: %.1f packages/s\n", (p - z > 0 ? n / (p - z) : 0)
}'
