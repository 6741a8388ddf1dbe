#!/usr/bin/env bash
# make check-layers: every #include "..." of the project must point down the layer order (or stay
# inside its own folder). The order, lowest first:
#   core/base < core/pkg < core/analysis < core/ml < featuresets | learners
#   < experiments/engine < experiments/cli < experiments/run < experiments/reproduce
#   < experiments (cmd_*.c) < pyvet.c
# featuresets/ and learners/ share a rank and may not include each other. Tests, fuzz targets and
# benchmarks (tests/, scripts/) may include anything. Includes must be root-relative
# ("core/base/err.h"), except the X-macro lists read by their own registry. Headers under gen/ are
# written by make into $(BUILD)/gen/ (the build commit) and may be included by core/base only.
# Prints each offence
# as FILE:LINE: message and exits 1 if there is any.
set -u
cd "$(dirname "$0")/../.."
rank() {
	case "$1" in
	core/base/*) echo 0 ;;
	core/pkg/*) echo 1 ;;
	core/analysis/*) echo 2 ;;
	core/ml/*) echo 3 ;;
	featuresets/*) echo 4 ;;
	learners/*) echo 4 ;;
	experiments/engine/*) echo 5 ;;
	experiments/cli/*) echo 6 ;;
	experiments/run/*) echo 7 ;;
	experiments/reproduce/*) echo 8 ;;
	experiments/*) echo 9 ;;
	pyvet.c) echo 10 ;;
	*) echo -1 ;;
	esac
}
bad=0
while IFS= read -r f; do
	rf=$(rank "$f")
	[ "$rf" -ge 0 ] || { echo "$f: not in any layer (add it to scripts/check/layers.sh)"; bad=1; continue; }
	dir=$(dirname "$f")
	while IFS=: read -r line inc; do
		[ -n "$inc" ] || continue
		if [ "$inc" = list.h ] && [ "$(basename "$f")" = registry.c ]; then continue; fi
		if [[ "$inc" == gen/* ]]; then
			[ "$rf" -eq 0 ] || { echo "$f:$line: generated \"$inc\" is for core/base only"; bad=1; }
			continue
		fi
		if [[ "$inc" != */* ]]; then
			echo "$f:$line: include \"$inc\" is not root-relative"; bad=1; continue
		fi
		if [ ! -f "$inc" ]; then
			echo "$f:$line: include \"$inc\" does not exist"; bad=1; continue
		fi
		[ "$(dirname "$inc")" = "$dir" ] && continue
		ri=$(rank "$inc")
		if [ "$ri" -lt 0 ] || [ "$ri" -ge "$rf" ]; then
			echo "$f:$line: \"$inc\" is not below this layer (an arrow back up)"; bad=1
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed -E 's/^([0-9]+):[^"]*"([^"]+)".*/\1:\2/')
done < <(find core featuresets learners experiments -name '*.[ch]' | sort; echo pyvet.c)
if [ "$bad" -eq 0 ]; then echo "check-layers: ok"; fi
exit "$bad"
