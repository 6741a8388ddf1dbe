/* resultcsv: the long-format results CSV of cross-validation and test runs, and its summary.
 *
 * One row per (set, learner, cv, repeat, fold, metric) with the fixed header
 *   set,learner,cv,repeat,fold,metric,value,status
 * where cv is "stratified", "grouped", "temporal" or "test", repeat and fold are 0-based integers
 * (empty when not applicable: a negative argument), value is "%.17g" (empty for NaN) and status
 * is "ok" or the error message of a failed cell (then metric = "error" and value is empty).
 * No timestamps: the same seed gives the same bytes. Tables 3 and 4 and `pyvet cv` read the
 * summary written by resultcsv_summary().
 *
 * Memory management: struct resultcsv is caller-owned; resultcsv_open() sets it up and
 * resultcsv_commit() or resultcsv_abort() releases it. */
#ifndef PYVET_RESULTCSV_H
#define PYVET_RESULTCSV_H

#include <stddef.h>

#include "core/base/csvio.h"
#include "core/ml/metrics.h"

struct resultcsv {
	struct csvio_out out;
	size_t n_rows; /* data rows written */
	int failed;    /* a write failed; commit will fail */
};

/** Open `path` (written as path.tmp until commit) and write the header. 0 or -1 (err_report). */
int resultcsv_open(struct resultcsv *rc, const char *path);

/** One row per metric_names[] entry of `m`, status "ok". 0 or -1 (write error). */
int resultcsv_add_metrics(struct resultcsv *rc, const char *set, const char *learner,
                          const char *cv, int repeat, int fold, const struct metrics *m);

/** One row with any metric name and value (e.g. "recall_at_fpr_0.01"), status "ok". 0 or -1. */
int resultcsv_add_value(struct resultcsv *rc, const char *set, const char *learner, const char *cv,
                        int repeat, int fold, const char *metric, double value);

/** A failed cell: metric "error", empty value, status = `message`. 0 or -1. */
int resultcsv_add_error(struct resultcsv *rc, const char *set, const char *learner, const char *cv,
                        int repeat, int fold, const char *message);

/** Flush and rename into place. 0 or -1; always releases `rc`. */
int resultcsv_commit(struct resultcsv *rc);

/** Drop the temporary file. NULL-safe, and harmless on a committed or never-opened `rc`. */
void resultcsv_abort(struct resultcsv *rc);

/** Read the long CSV `long_csv` and write `out_csv` with the header
 *  set,learner,cv,metric,mean,sd,n: one row per (set, learner, cv, metric) in order of first
 *  appearance, over the rows with status "ok" and a non-empty value; n counts those values
 *  (NaN cells are left out), mean is their mean and sd their sample standard deviation (n - 1
 *  denominator, gsl_stats_sd; empty when n < 2). Error rows are skipped (their count is in the
 *  sidecar). 0, or -1 with the reason on `d`. */
int resultcsv_summary(const char *long_csv, const char *out_csv, struct diag *d);

#endif
