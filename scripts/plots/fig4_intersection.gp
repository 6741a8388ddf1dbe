# fig4_intersection.gp: the paper's Fig. 4 -- which malicious packages each of Stacking, MLP, SVM
# and RF detects, as two four-set Venn diagrams (training: repeat-1 out-of-fold verdicts, D30;
# test: the models fitted on the training split, D31), side by side. The four ellipses are the
# classic four-set Venn layout (every one of the 15 intersections is one region); each region
# shows its count of packages, each set name its total.
# Input: results/fig4_intersection.csv with header split,region,count (core/ml/intersection.h
# region names: n, total_<model>, <models>_only / stack_mlp / ... / all4, none, union,
# ohm_svm_rf_mlp).
# Usage: gnuplot -e "infile='results/fig4_intersection.csv'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" fig4_intersection.gp
w = 1160; h = 640
load dirname . 'common.gp'

# Region -> label position in the unit square; sets A = Stacking, B = MLP, C = SVM, D = RF.
REG = ' stack_only mlp_only svm_only rf_only stack_mlp stack_svm stack_rf mlp_svm mlp_rf svm_rf stack_mlp_svm stack_mlp_rf stack_svm_rf mlp_svm_rf all4 '
array X[15] = [0.14, 0.32, 0.68, 0.86, 0.23, 0.29, 0.50, 0.50, 0.71, 0.77, 0.35, 0.61, 0.39, 0.65, 0.50]
array Y[15] = [0.42, 0.72, 0.72, 0.42, 0.59, 0.30, 0.17, 0.66, 0.30, 0.59, 0.50, 0.24, 0.24, 0.50, 0.38]
ri(r) = strstrt(REG, ' '.r.' ') ? words(substr(REG, 1, strstrt(REG, ' '.r.' ') + strlen(r))) : 0
val(split, r) = (strcol(1) eq split && strcol(2) eq r) ? column(3) : NaN

set datafile separator ','
set multiplot layout 1,2 title 'Malicious packages detected by Stacking, MLP, SVM and RF (count per region)' font ',13'
array SPLIT[2] = ['train', 'test']
array TITLE[2] = ['training split, repeat-1 out-of-fold verdicts', 'unseen test split, models fitted on the training split']
do for [p = 1:2] {
	s = SPLIT[p]
	set autoscale # stats filters by the current ranges, which the previous panel set
	stats infile skip 1 using (val(s, 'n')) nooutput
	n = int(STATS_max)
	stats infile skip 1 using (val(s, 'none')) nooutput
	none = int(STATS_max)
	stats infile skip 1 using (val(s, 'ohm_svm_rf_mlp')) nooutput
	ohm = int(STATS_max)
	array T[4]
	array NAME[4] = ['stack', 'mlp', 'svm', 'rf']
	do for [k = 1:4] {
		stats infile skip 1 using (val(s, 'total_'.NAME[k])) nooutput
		T[k] = int(STATS_max)
	}
	unset object
	unset label
	set object 1 ellipse center 0.350, 0.400 size 0.72, 0.45 angle 140 front fs transparent solid 0.18 border lc rgb '#4477aa' lw 2 fc rgb '#4477aa'
	set object 2 ellipse center 0.450, 0.500 size 0.72, 0.45 angle 140 front fs transparent solid 0.18 border lc rgb '#228833' lw 2 fc rgb '#228833'
	set object 3 ellipse center 0.544, 0.500 size 0.72, 0.45 angle 40 front fs transparent solid 0.18 border lc rgb '#ccbb44' lw 2 fc rgb '#ccbb44'
	set object 4 ellipse center 0.644, 0.400 size 0.72, 0.45 angle 40 front fs transparent solid 0.18 border lc rgb '#ee6677' lw 2 fc rgb '#ee6677'
	set label 1 sprintf('Stacking (%d)', T[1]) at 0.13, 0.15 center tc rgb '#4477aa' font ',11'
	set label 2 sprintf('MLP (%d)', T[2]) at 0.17, 0.86 center tc rgb '#228833' font ',11'
	set label 3 sprintf('SVM (%d)', T[3]) at 0.83, 0.86 center tc rgb '#998822' font ',11'
	set label 4 sprintf('RF (%d)', T[4]) at 0.87, 0.15 center tc rgb '#ee6677' font ',11'
	set label 5 sprintf('%d malicious packages; %d detected by none of the four', n, none) at 0.5, 0.03 center font ',10'
	set label 6 sprintf('SVM ∩ RF ∩ MLP (the rule of Ohm et al.): %d', ohm) at 0.5, -0.03 center font ',10'
	set title TITLE[p] font ',11'
	set size ratio -1
	set xrange [0:1]
	set yrange [-0.07:0.95]
	unset border
	unset tics
	unset key
	plot infile skip 1 using (ri(strcol(2)) && strcol(1) eq s ? X[ri(strcol(2))] : NaN):(ri(strcol(2)) && strcol(1) eq s ? Y[ri(strcol(2))] : NaN):(sprintf('%d', column(3))) with labels font ',12' tc rgb 'black'
}
unset multiplot
