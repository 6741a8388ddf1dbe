# fig2_importance.gp: the paper's Fig. 2 -- permutation importance of the stacking model, as two
# panels: (a) on the training split (D32, as the paper) and (b) on held-out folds. Only the
# features above the tolerance are drawn (nonzero = 1 and importance > 0, at most 10, in rank
# order; tied features share a rank, shown before the name); the rest are one tie at zero, given
# as a count under the panel. Bars are the mean drop in accuracy, whiskers one sd.
# Inputs: results/fig2_importance.csv and results/fig2_importance_heldout.csv with header
# rank,feature,importance,sd,tied,nonzero[,folds], rows in rank order (written by the fig2 driver
# of `pyvet reproduce`); a missing held-out file leaves its panel empty with a note.
# Usage: gnuplot -e "infile='results/fig2_importance.csv'; heldfile='results/fig2_importance_heldout.csv'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" fig2_importance.gp
w = 1240; h = 560
load dirname . 'common.gp'
set multiplot layout 1,2 title 'Permutation importance of the stacking classifier (features above the tolerance 1e-9)' font ',13'
array F[2] = [infile, heldfile]
array T[2] = ['(a) training split: fitted and evaluated on the same rows (D32)', '(b) held-out folds: mean over the CV folds']
shown(f) = (strcol(6) eq '1' && column(3) > 0) ? 1 : 0
do for [p = 1:2] {
	f = F[p]
	set autoscale # stats filters by the current ranges, which the previous panel set
	unset label
	set title T[p] font ',11'
	npos = 0; ntot = 0; nzero = 0; nneg = 0
	if (strlen(f) > 0 && system(sprintf("test -s '%s' && echo y", f)) eq 'y') {
		stats f skip 1 using (shown(0)) nooutput
		npos = int(STATS_sum); ntot = int(STATS_records)
		stats f skip 1 using (strcol(6) eq '1' ? 0 : 1) nooutput
		nzero = int(STATS_sum)
		nneg = ntot - npos - nzero
	}
	k = npos < 10 ? npos : 10
	set bmargin 8
	set ytics scale 0 noenhanced font ',10'
	set grid xtics
	set key off
	set style fill solid 0.8 border -1
	set label 2 sprintf("%d of %d features above the tolerance (%d shown), %d tied at zero,\n%d below minus the tolerance (permuting them raised the accuracy)", npos, ntot, k, nzero, nneg) at graph 0.5, screen 0.06 center font ',10'
	if (k == 0) {
		set xrange [0:1]
		set yrange [0:1]
		unset xtics
		unset ytics
		unset xlabel
		set label 1 (ntot ? 'no feature above the tolerance' : 'not produced') at graph 0.5, graph 0.5 center font ',12'
		plot 2 notitle
		set xtics
	} else {
		# the x range holds the whiskers (mean +- sd) of the bars drawn
		stats f skip 1 using ($0 < k && shown(0) ? column(3) + column(4) : NaN) nooutput
		xhi = STATS_max
		stats f skip 1 using ($0 < k && shown(0) ? column(3) - column(4) : NaN) nooutput
		xlo = STATS_min < 0 ? STATS_min : 0
		set xrange [xlo - 0.02 * (xhi - xlo) : xhi + 0.05 * (xhi - xlo)]
		set yrange [-(k + 0.7):-0.3]
		set xlabel 'mean drop in accuracy (fraction of packages); whiskers: one sd'
		plot f skip 1 using ($0 < k && shown(0) ? column(3)/2 : NaN):(-($0 + 1)):(column(3)/2):(0.35):ytic(sprintf('%s. %s', strcol(1), strcol(2))) \
			with boxxyerror lc rgb '#4477aa', \
		     f skip 1 using ($0 < k && shown(0) ? column(3) : NaN):(-($0 + 1)):(column(4)) with xerrorbars lc rgb 'black' pt -1
	}
}
unset multiplot
