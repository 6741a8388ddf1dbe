# fig4_intersection.gp: the paper's Fig. 4 as bars -- detected malicious packages per model and
# per exclusive Venn region (Stacking, MLP, SVM, RF), training (repeat-1 out-of-fold) and test.
# Input: results/fig4_intersection.csv with header split,region,count (core/ml/intersection.h
# region names; the first row of each split is "n"), train rows first, then test rows in the
# same order (as intersection_write_csv() writes them).
# Usage: gnuplot -e "infile='results/fig4_intersection.csv'; outfile='x.svg'; fmt='svg'; pngterm='pngcairo'" fig4_intersection.gp
w = 1000; h = 480
load dirname . 'common.gp'
stats infile skip 1 using (strcol(1) eq 'train' ? 1 : 0) nooutput
ntrain = int(STATS_sum)
set title 'Detected malicious packages per model and Venn region'
set ylabel 'packages'
set style fill solid 0.8 border -1
set boxwidth 0.4
set xtics rotate by -45 scale 0 font ',9' noenhanced
set bmargin 9
set yrange [0:*]
set grid ytics
set key top right
# Row 0 of each split is "n" (the class size): skipped with `every`.
plot i = 0, infile skip 1 every ::1::(ntrain - 1) using (i = i + 1, i - 0.2):3:xtic(2) with boxes lc rgb '#4477aa' title 'train (out-of-fold)', \
     j = 0, infile skip 1 every ::(ntrain + 1) using (j = j + 1, j + 0.2):3 with boxes lc rgb '#ee6677' title 'test'
