/* folds: fold assignments for cross-validation and train/test splits (spec D29, 8.2, 8.3).
 *
 * A fold assignment maps each row to a fold in [0, k). Stratified: within each class, shuffle
 * the rows with the repeat's RNG and deal them to folds in turn. Grouped: all rows of a group
 * in one fold; groups shuffled, sorted by size (largest first, stable), each given to the fold
 * with the fewest rows of that group's class (ties: fewest rows overall, then lowest index); a
 * group with mixed labels is an error. Temporal: rows dated before the cutoff train, others
 * test; undated rows are excluded.
 *
 * Memory management: struct folds is caller-owned; folds_release() frees it (NULL-safe). */
#ifndef PYVET_FOLDS_H
#define PYVET_FOLDS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "core/base/err.h"

struct folds {
	size_t n;  /* rows */
	size_t k;  /* folds */
	int *fold; /* fold[i] in [0, k), or -1 for rows excluded (temporal: undated) */
};

/** Stratified k-fold of labels y[0..n-1] (0/1) with RNG `r`. 0 or -1 (k < 2, n == 0, a label
 *  other than 0/1, out of memory; message on `d`); a class with fewer than k rows is allowed but
 *  recorded as a warning on `d`. Benign rows are shuffled (gsl_ran_shuffle) and dealt to folds
 *  0, 1, ..., k-1, 0, ...; then the malicious rows, the dealing continuing where the benign rows
 *  stopped, so per-class and overall fold sizes each differ by at most one. The same labels and
 *  RNG state give the same folds. On error *f is left empty (folds_release() is harmless). */
int folds_stratified(struct folds *f, const int *y, size_t n, size_t k, const gsl_rng *r,
                     struct diag *d);

/** Grouped stratified k-fold: group[i] is the row's group key (a NULL or "" key makes a group
 *  of its own). Groups are numbered by first row, shuffled with `r`, sorted by size (largest
 *  first, stable) and assigned greedily as described above. -1 on a mixed-label group (naming
 *  it), k < 2, n == 0, a bad label or out of memory; fewer groups of a class than folds is a
 *  warning. */
int folds_grouped(struct folds *f, const int *y, const char *const *group, size_t n, size_t k,
                  const gsl_rng *r, struct diag *d);

/** Temporal split into 2 "folds": fold 0 = train (date < cutoff), 1 = test (date >= cutoff),
 *  -1 = undated (empty or unparsable "YYYY-MM-DD"). cutoff is "YYYY-MM-DD". */
int folds_temporal(struct folds *f, const char *const *date, size_t n, const char *cutoff,
                   struct diag *d);

/** A date "YYYY-MM-DD" (exactly 10 characters, a real calendar day) as the integer YYYYMMDD,
 *  or -1 if `s` is NULL, empty or not such a date. */
int folds_parse_date(const char *s);

/** The temporal cutoff at quantile q in [0, 1] of the dated malicious rows (y != 0; spec 8.3,
 *  default q = 0.8): with the m usable malicious dates sorted, the one at 0-based index
 *  floor(q m) (clamped to m - 1), so that without ties floor(q m) malicious rows fall before the
 *  cutoff. Written as "YYYY-MM-DD" into out (out_n >= 11). 0, or -1 with a message on `d` (q out
 *  of range, no dated malicious row). */
int folds_temporal_quantile_cutoff(const char *const *date, const int *y, size_t n, double q,
                                   char *out, size_t out_n, struct diag *d);

/** Number of groups (keys as in folds_grouped()) with rows in more than one non-excluded fold
 *  into *n_groups: for a temporal split, the clusters that straddle the cutoff. 0 or -1. */
int folds_count_straddling(const struct folds *f, const char *const *group, size_t *n_groups);

/** Exclude (fold = -1) the rows in fold `test_fold` of every straddling group
 *  (temporal:drop_straddling=1 with test_fold = 1). Writes the number of straddling groups and
 *  of rows dropped. 0 or -1. */
int folds_drop_straddling(struct folds *f, const char *const *group, size_t test_fold,
                          size_t *n_groups, size_t *n_rows);

/** Achieved class counts per fold: counts[2 * j + c] = rows of class c in fold j, for the
 *  caller's array of 2 * f->k entries; excluded rows are not counted. 0, or -1 on a bad label. */
int folds_class_counts(const struct folds *f, const int *y, size_t *counts);

/** Row indices of fold `j` (test side) and of all other non-excluded folds (train side), as
 *  arrays the caller frees. 0 or -1 (out of memory). */
int folds_split(const struct folds *f, size_t j, size_t **train, size_t *n_train, size_t **test,
                size_t *n_test);

/** Free. NULL-safe. */
void folds_release(struct folds *f);

#endif
