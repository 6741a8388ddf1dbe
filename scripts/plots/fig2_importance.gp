# fig2_importance.gp: the paper's Fig. 2 -- permutation importance of the stacking model, top 10.
# Input: results/fig2_importance.csv with header rank,feature,importance,sd (rank 1 = largest
# mean drop in accuracy; written by the fig2 driver of `pyvet reproduce`).
# Usage: gnuplot -e "infile='results/fig2_importance.csv'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" fig2_importance.gp
w = 720; h = 420
load dirname . 'common.gp'
set title 'Permutation importance of the stacking classifier (top 10)'
set xlabel 'Permutation importance (mean drop in accuracy)'
set yrange [-10.7:-0.3]
set ytics scale 0 noenhanced
set xrange [0:*]
set grid xtics
set key off
set style fill solid 0.8 border -1
plot infile skip 1 using (column(1) <= 10 ? column(3)/2 : NaN):(-column(1)):(column(3)/2):(0.35):ytic(2) \
	with boxxyerror lc rgb '#4477aa', \
     infile skip 1 using (column(1) <= 10 ? column(3) : NaN):(-column(1)):(column(4)) with xerrorbars lc rgb 'black' pt -1
