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

#include "err.h"

struct folds {
	size_t n;       /* rows */
	size_t k;       /* folds */
	int *fold;      /* fold[i] in [0, k), or -1 for rows excluded (temporal: undated) */
};

/** Stratified k-fold of labels y[0..n-1] (0/1) with RNG `r`. 0 or -1 (k < 2, a class with
 *  fewer than k rows is allowed but recorded as a warning on `d`). */
int folds_stratified(struct folds *f, const int *y, size_t n, size_t k, const gsl_rng *r,
		     struct diag *d);

/** Grouped stratified k-fold: group[i] is the row's group key. -1 on a mixed-label group. */
int folds_grouped(struct folds *f, const int *y, const char *const *group, size_t n, size_t k,
		  const gsl_rng *r, struct diag *d);

/** Temporal split into 2 "folds": fold 0 = train (date < cutoff), 1 = test (date >= cutoff),
 *  -1 = undated (empty or unparsable "YYYY-MM-DD"). cutoff is "YYYY-MM-DD". */
int folds_temporal(struct folds *f, const char *const *date, size_t n, const char *cutoff,
		   struct diag *d);

/** Row indices of fold `j` (test side) and of all other non-excluded folds (train side), as
 *  arrays the caller frees. 0 or -1 (out of memory). */
int folds_split(const struct folds *f, size_t j, size_t **train, size_t *n_train, size_t **test,
		size_t *n_test);

/** Free. NULL-safe. */
void folds_release(struct folds *f);

#endif
