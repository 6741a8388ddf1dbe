#!/bin/sh
# report.sh [RESULTS [REPORT]]: draw the figures of a `pyvet reproduce` run into RESULTS/figures/
# (scripts/plots/make_figures.sh, gnuplot) and write REPORT (scripts/make_report.py; default
# RESULTS=results, REPORT=paper/report.md). `make reproduce` runs it after `pyvet reproduce`:
# pyvet itself starts no shell, Python or gnuplot (it spawns only the baseline tools).
set -u
res=${1:-results}
rep=${2:-paper/report.md}
here=$(cd "$(dirname "$0")" && pwd)
status=0
sh "$here/plots/make_figures.sh" "$res" || status=1
/usr/bin/python3 "$here/make_report.py" --results "$res" --out "$rep" || status=1
exit $status
