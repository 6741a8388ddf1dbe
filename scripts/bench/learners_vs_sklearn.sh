#!/bin/sh
# Fit+score time and test F1/ROC-AUC of pyvet's learners and their scikit-learn 1.2 counterparts
# on the same synthetic 2000 x 507 binary data (~25% positives). Run from the repository root
# after `make`. Usage: scripts/bench/learners_vs_sklearn.sh [rows] [names]
set -e
ROWS=${1:-2000}
NAMES=${2:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CFLAGS_ALL="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -I. $(pkg-config --cflags gsl libcjson openblas)"
LIBS_ALL="$(pkg-config --define-variable=GSL_CBLAS_LIB=-lopenblas --libs gsl libcjson libarchive libpsl openblas nettle) -lsvm -llinear -lcsv -lunistring -lpthread -lm"
cc $CFLAGS_ALL -o "$TMP/bench" scripts/bench/learners_bench.c build/libpyvet.a $LIBS_ALL
/usr/bin/python3 scripts/bench/learners_data.py "$TMP/data.csv" "$ROWS" 1
echo "== pyvet (OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-default})"
"$TMP/bench" "$TMP/data.csv" "$NAMES"
if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	echo "== scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)')"
	if [ -n "$NAMES" ]; then
		/usr/bin/python3 scripts/bench/learners_sklearn.py "$TMP/data.csv" "$NAMES"
	else
		/usr/bin/python3 scripts/bench/learners_sklearn.py "$TMP/data.csv"
	fi
else
	echo "== scikit-learn not available: skipped"
fi
