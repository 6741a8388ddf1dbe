#!/usr/bin/env bash
# Benchmark: do the work queue's threads scale? Runs, each with --jobs 1 and then --jobs 2 (or
# JOBS), the three parallel loops of the study on the same inputs in this one invocation:
#   extract     the packages of MANIFEST (one item per package)
#   cv          T+MCF+pre, six learners, 10 folds x REPEATS (one item per (repeat, fold))
#   importance  permutation importance of the stack on a training fold, 10 repeats of every
#               column (one item per (column, repeat); scripts/bench/fold_bench.c)
# and prints the wall time of each, the speed-up, and for extract and cv the per-thread items,
# busy seconds (wall time inside items) and CPU seconds from the sidecar's "threads": when every
# thread is busy for about the whole wall time and the speed-up is about the thread count,
# nothing serialises. CPU below busy time means other processes took the cores (a shared
# machine): then compare the busy times, not the wall times.
#
# usage: scripts/bench/threads.sh [REPEATS]   (default 2)
#   env: PYVET, CORPUS, MANIFEST (datasets/paper/manifest.csv), JOBS (2), OUT (keep outputs)
set -eu
. "$(dirname "$0")/lib.sh"
REPEATS=${1:-2}
JOBS=${JOBS:-2}
MANIFEST=${MANIFEST:-datasets/paper/manifest.csv}
bench_need
bench_workdir
export OPENBLAS_NUM_THREADS=1
N=$(($(wc -l <"$MANIFEST") - 1))
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# fold_bench (importance) against the library of this build
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -I. \
	$(pkg-config --cflags gsl libcjson openblas) -o "$W/fold_bench" scripts/bench/fold_bench.c \
	build/libpyvet.a $(pkg-config --define-variable=GSL_CBLAS_LIB=-lopenblas --libs gsl libcjson \
	libarchive libpsl openblas nettle) -lsvm -llinear -lcsv -lunistring -lpthread -lm

declare -A xw cw iw
for j in 1 "$JOBS"; do
	rm -rf "$W/x$j"
	timed "$PYVET" extract --manifest "$MANIFEST" --corpus "$CORPUS" --out "$W/x$j" --jobs "$j" --quiet
	xw[$j]=$wall
done
for j in 1 "$JOBS"; do
	timed "$PYVET" cv --features "$W/x1" --manifest "$MANIFEST" --split train --set T+MCF+pre \
		--learner dt,rf,svm,mlp,nb,stack --repeats "$REPEATS" --jobs "$j" --quiet \
		--out "$W/cv$j/cv.csv"
	cw[$j]=$wall
done
for j in 1 "$JOBS"; do
	timed "$W/fold_bench" "$W/x1" "$MANIFEST" T+MCF+pre 0 "importance@$j:stack" >"$W/imp$j.txt"
	iw[$j]=$wall
done

for f in "$W"/x1/features.csv "$W"/x1/tokens.tsv "$W"/x1/evidence.jsonl; do
	cmp -s "$f" "$W/x$JOBS/${f##*/}" || echo "extract: ${f##*/} differs between --jobs 1 and $JOBS!"
done
cmp -s "$W/cv1/cv.csv" "$W/cv$JOBS/cv.csv" || echo "cv: cv.csv differs between --jobs 1 and $JOBS!"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
row() { printf '%-40s %8ss %8ss %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
printf '\n%-40s %9s %9s %8s\n' "" "jobs 1" "jobs $JOBS" speed-up
row "extract ($N packages)" "${xw[1]}" "${xw[$JOBS]}"
row "cv (T+MCF+pre, 6 learners, 10x$REPEATS)" "${cw[1]}" "${cw[$JOBS]}"
row "importance (stack, 1 fold, 10 repeats)" "${iw[1]}" "${iw[$JOBS]}"
awk -v n="$N" -v a="${xw[1]}" -v b="${xw[$JOBS]}" -v j="$JOBS" 'BEGIN {
	printf "extract: %.0f packages/s with 1 job, %.0f with %d (target >= 300 with 2)\n",
		n / a, n / b, j }'
echo
print_threads "$W/x$JOBS/features.json" "extract"
print_threads "$W/cv$JOBS/cv.json" "cv"
