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
name(l) = l eq 'rf' ? 'Random Forest' : l eq 'svm' ? 'SVM (linear)' : l eq 'dt' ? 'Decision Tree' : \
	l eq 'mlp' ? 'MLP' : l eq 'nb' ? 'Naive Bayes' : l eq 'stack' ? 'Stacking' : l
if (kind eq 'roc') {
	set title 'ROC curves (repeat-1 out-of-fold scores, final feature set)'
	set xlabel 'false-positive rate (fraction of benign packages flagged)'
	set ylabel 'true-positive rate (fraction of malware detected)'
	plot for [l in learners] sprintf('%s/roc_%s.csv', resdir, l) skip 1 using 1:2 with lines lw 2 title name(l), \
	     x with lines dt 2 lc rgb 'grey' notitle
} else {
	set title 'Precision-recall curves (repeat-1 out-of-fold scores, final feature set)'
	set xlabel 'recall (fraction of malware detected)'
	set ylabel 'precision (fraction of flagged packages that are malware)'
	set key bottom left
	plot for [l in learners] sprintf('%s/pr_%s.csv', resdir, l) skip 1 using 1:2 with lines lw 2 title name(l)
}
