# curves.gp: ROC or precision-recall curves of the six learners (spec 8.7), from the pooled
# repeat-1 out-of-fold scores of the final feature set.
# Inputs: results/roc_<learner>.csv with header fpr,tpr and results/pr_<learner>.csv with header
# recall,precision (one point per distinct threshold, in curve order; written by the cv driver).
# Variables: kind ('roc' or 'pr'), resdir, learners (space-separated names whose file exists).
# Usage: gnuplot -e "kind='roc'; resdir='results'; learners='rf svm stack'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" curves.gp
w = 640; h = 560
load dirname . 'common.gp'
set size square
set xrange [0:1]
set yrange [0:1.02]
set grid
set key bottom right noenhanced
if (kind eq 'roc') {
	set title 'ROC curves (out-of-fold, final feature set)'
	set xlabel 'false-positive rate (benign flagged)'
	set ylabel 'true-positive rate (malware detected)'
	plot for [l in learners] sprintf('%s/roc_%s.csv', resdir, l) skip 1 using 1:2 with lines lw 2 title l, \
	     x with lines dt 2 lc rgb 'grey' notitle
} else {
	set title 'Precision-recall curves (out-of-fold, final feature set)'
	set xlabel 'recall (malware)'
	set ylabel 'precision (malware)'
	set key bottom left
	plot for [l in learners] sprintf('%s/pr_%s.csv', resdir, l) skip 1 using 1:2 with lines lw 2 title l
}
