#!/bin/sh
# make_figures.sh: draw every figure whose input exists in RESULTS (default results/) into
# RESULTS/figures/ as SVG and PNG with gnuplot; a missing input is skipped with a message.
# Usage: scripts/plots/make_figures.sh [RESULTS]
set -u
RES=${1:-results}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$RES/figures
command -v gnuplot >/dev/null 2>&1 || { echo "make_figures: gnuplot not found; no figures" >&2; exit 0; }
mkdir -p "$OUT"
PNGTERM=png
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && PNGTERM=pngcairo
status=0
draw() { # name script extra-vars
	name=$1; script=$2; vars=$3
	for fmt in svg png; do
		if ! gnuplot -e "dirname='$HERE/'; fmt='$fmt'; pngterm='$PNGTERM'; outfile='$OUT/$name.$fmt'; $vars" "$HERE/$script" 2>"$OUT/$name.$fmt.log"; then
			echo "make_figures: $name.$fmt failed (see $OUT/$name.$fmt.log)" >&2; status=1
		else
			rm -f "$OUT/$name.$fmt.log"
		fi
	done
	echo "make_figures: $OUT/$name.svg, $OUT/$name.png" >&2
}
one() { # name script input
	if [ -s "$RES/$3" ]; then draw "$1" "$2" "infile='$RES/$3'"
	else echo "make_figures: $1: '$RES/$3' missing, skipped" >&2; fi
}
if [ -s "$RES/fig2_importance.csv" ]; then
	draw fig2_importance fig2_importance.gp "infile='$RES/fig2_importance.csv'; heldfile='$RES/fig2_importance_heldout.csv'"
else echo "make_figures: fig2_importance: '$RES/fig2_importance.csv' missing, skipped" >&2; fi
one fig3_alerts fig3_alerts.gp fig3_summary.csv
one fig4_intersection fig4_intersection.gp fig4_intersection.csv
for kind in roc pr; do
	have=
	for l in rf svm dt mlp nb stack; do [ -s "$RES/${kind}_$l.csv" ] && have="$have $l"; done
	if [ -n "$have" ]; then draw "${kind}_curves" curves.gp "kind='$kind'; resdir='$RES'; learners='${have# }'"
	else echo "make_figures: ${kind}_curves: no $RES/${kind}_<learner>.csv, skipped" >&2; fi
done
exit $status
