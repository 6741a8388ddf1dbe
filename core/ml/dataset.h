/* struct dataset: a dense n x d feature matrix (row-major doubles) with labels and row metadata.
 *
 * Labels: y[i] = 1 malicious, 0 benign (spec D26). Row metadata (row_id, group, date) is optional
 * per dataset (NULL arrays allowed); feature names are required when d > 0.
 *
 * Memory management: dataset_alloc() returns a dataset that owns every array and string in it;
 * dataset_free() releases all of it (NULL-safe). dataset_subset() and dataset_select_columns()
 * return new, independent datasets (deep copies). Learners never keep pointers into a dataset. */
#ifndef PYVET_DATASET_H
#define PYVET_DATASET_H

#include <stddef.h>

struct dataset {
	size_t n, d;         /* rows, columns */
	double *X;           /* n*d, row-major; X[i*d + j]; NULL when n*d == 0 */
	int *y;              /* n labels, 1 = malicious, 0 = benign */
	char **row_id;       /* n package ids, or NULL */
	char **group;        /* n group keys (cluster or normalised name), or NULL */
	char **date;         /* n dates "YYYY-MM-DD" (may be ""), or NULL */
	char **feature_name; /* d column names ("meta.is_valid_homepage", "text:open"), or NULL */
};

/** A zero-filled dataset of n rows and d columns with y, row_id, group, date and feature_name
 *  arrays allocated (strings NULL until set with dataset_set_*). NULL on out of memory. */
struct dataset *dataset_alloc(size_t n, size_t d);

/** Free everything. NULL-safe. */
void dataset_free(struct dataset *ds);

/** Element access. */
static inline double dataset_get(const struct dataset *ds, size_t i, size_t j)
{
	return ds->X[i * ds->d + j];
}
static inline double *dataset_row(const struct dataset *ds, size_t i)
{
	return ds->X + i * ds->d;
}

/** Copy `s` into the owned string slot *slot (freeing the old value). 0 or -1. */
int dataset_set_string(char **slot, const char *s);

/** Rows idx[0..k-1] (in that order, repeats allowed) as a new dataset. NULL on error. */
struct dataset *dataset_subset(const struct dataset *ds, const size_t *idx, size_t k);

/** Columns cols[0..k-1] as a new dataset (rows and metadata copied). NULL on error. */
struct dataset *dataset_select_columns(const struct dataset *ds, const size_t *cols, size_t k);

/** Columns whose name starts with one of the comma-separated prefixes in `prefixes`
 *  (e.g. "meta.,code.,file."), in dataset order, as a new dataset. NULL on error or no match. */
struct dataset *dataset_select_prefix(const struct dataset *ds, const char *prefixes);

/** Side by side: the rows of `a` followed by the columns of `b` (same n; metadata from `a`). */
struct dataset *dataset_hstack(const struct dataset *a, const struct dataset *b);

/** Number of rows with y == 1. */
size_t dataset_count_positive(const struct dataset *ds);

/** Count the non-zero values of X into *nnz. Returns 0, or -1 (*nnz unset) when a value is NaN
 *  or infinite. */
int dataset_count_nonzero(const struct dataset *ds, size_t *nnz);

/** Index of the column named `name`, or (size_t)-1. */
size_t dataset_column_index(const struct dataset *ds, const char *name);

#endif
