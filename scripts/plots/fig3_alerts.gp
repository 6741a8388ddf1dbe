# fig3_alerts.gp: the paper's Fig. 3 -- alerts of bandit and of pyvet's packj-equivalent scan
# (and of the real packj when its rows are there),
# whole package vs setup.py, benign vs malicious (4 panels); boxes Q1-Q3, median line, whiskers
# at 1.5 IQR (matplotlib's rule), mean as a grey dot; outliers not drawn (as the paper).
# Input: results/fig3_summary.csv with header sample,tool,scope,n,mean,q1,median,q3,whisker_low,
# whisker_high,min,max,sum,n_any,n_flagged,n_error (written by `pyvet baseline`).
# Usage: gnuplot -e "infile='results/fig3_summary.csv'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" fig3_alerts.gp
w = 900; h = 700
load dirname . 'common.gp'
# With the real packj's rows (tool packj, `pyvet baseline --peer packj`), a third box between.
stats infile skip 1 using (strcol(2) eq 'packj' ? 1 : 0) nooutput
real = STATS_sum > 0
if (real) {
	set multiplot layout 2,2 title 'Alerts per package: packj-equivalent (pyvet), packj and bandit'
	set xrange [0.4:3.6]
	set xtics ('packj-equivalent' 1, 'packj' 2, 'bandit' 3) scale 0
} else {
	set multiplot layout 2,2 title 'Alerts per package: packj-equivalent (pyvet) and bandit'
	set xrange [0.4:2.6]
	set xtics ('packj-equivalent' 1, 'bandit' 2) scale 0
}
set style fill solid 0.5 border -1
set boxwidth 0.5
set yrange [0:*]
set key off
set ylabel 'alerts per package (count)'
set offsets 0, 0, graph 0.08, 0
tx(t) = t eq 'packj_equiv' ? 1 : (real && t eq 'packj') ? 2 : t eq 'bandit' ? 2 + real : NaN
sel(s, sc) = (strcol(1) eq s && strcol(3) eq sc) ? tx(strcol(2)) : NaN
array S[4] = ['benign', 'benign', 'malicious', 'malicious']
array SC[4] = ['package', 'setup', 'package', 'setup']
array T[4] = ['(a) benign, whole package', '(b) benign, setup.py', '(c) malicious, whole package', '(d) malicious, setup.py']
do for [i = 1:4] {
	set title T[i]
	plot infile skip 1 using (sel(S[i], SC[i])):6:9:10:8 with candlesticks whiskerbars 0.5 lc rgb '#4477aa', \
	     infile skip 1 using (sel(S[i], SC[i])):7:7:7:7 with candlesticks lc rgb 'black' lw 2, \
	     infile skip 1 using (sel(S[i], SC[i])):5 with points pt 7 ps 1.2 lc rgb 'grey50'
}
unset multiplot
