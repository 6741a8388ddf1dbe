# common.gp: terminal selection shared by every figure script.
# Variables set by make_figures.sh with -e: fmt ('svg' or 'png'), outfile, pngterm ('pngcairo'
# or 'png'), and the input file(s). Loaded by each figure script before plotting.
set datafile separator ','
set datafile missing ''
if (fmt eq 'svg') {
	set terminal svg size w, h dynamic enhanced font 'Helvetica,11' background rgb 'white'
} else {
	if (pngterm eq 'pngcairo') {
		set terminal pngcairo size w, h enhanced font 'Helvetica,10' background rgb 'white'
	} else {
		set terminal png size w, h
	}
}
set output outfile
