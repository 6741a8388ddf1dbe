/* Fold assignments: repeated stratified k-fold, grouped stratified k-fold, temporal split. */
#include "core/ml/folds.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void folds_release(struct folds *f)
{
	if (!f)
		return;
	free(f->fold);
	memset(f, 0, sizeof(*f));
}

static int folds_init(struct folds *f, size_t n, size_t k, struct diag *d)
{
	memset(f, 0, sizeof(*f));
	if (n > SIZE_MAX / sizeof(int))
		return diag_error(d, "too many rows for folds");
	f->fold = malloc((n ? n : 1) * sizeof(int));
	if (!f->fold)
		return diag_error(d, "out of memory making folds");
	f->n = n;
	f->k = k;
	return 0;
}

static int check_labels(const int *y, size_t n, size_t count[2], struct diag *d)
{
	count[0] = count[1] = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i] != 0 && y[i] != 1)
			return diag_error(d, "row %zu has label %d, expected 0 or 1", i, y[i]);
		count[y[i]]++;
	}
	return 0;
}

static int check_k(size_t n, size_t k, struct diag *d)
{
	if (k < 2)
		return diag_error(d, "cv needs at least 2 folds, got %zu", k);
	if (k > INT32_MAX)
		return diag_error(d, "too many folds: %zu", k);
	if (n == 0)
		return diag_error(d, "cannot make folds of an empty data set");
	return 0;
}

int folds_stratified(struct folds *f, const int *y, size_t n, size_t k, const gsl_rng *r,
                     struct diag *d)
{
	size_t count[2], next = 0, *idx;
	memset(f, 0, sizeof(*f));
	if (check_k(n, k, d) < 0 || check_labels(y, n, count, d) < 0)
		return -1;
	for (int c = 0; c < 2; c++)
		if (count[c] < k)
			diag_warn(d, "class %d has %zu rows, fewer than %zu folds", c, count[c], k);
	idx = malloc(n * sizeof(*idx));
	if (!idx || folds_init(f, n, k, d) < 0) {
		free(idx);
		return diag_error(d, "out of memory making folds");
	}
	/* Benign rows first, then malicious; the dealing position carries over from one class to
	 * the next so that fold sizes differ by at most one overall as well as per class. */
	for (int c = 0; c < 2; c++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (y[i] == c)
				idx[m++] = i;
		if (m > 1)
			gsl_ran_shuffle(r, idx, m, sizeof(*idx));
		for (size_t i = 0; i < m; i++) {
			f->fold[idx[i]] = (int)next;
			next = (next + 1) % k;
		}
	}
	free(idx);
	return 0;
}

/* ---- grouping rows by key ---- */

struct keyed {
	const char *key;
	size_t row;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *z = b;
	int c = strcmp(x->key, z->key);
	if (c)
		return c;
	return (x->row > z->row) - (x->row < z->row);
}

/* Group id per row into gid[n]; groups are numbered in order of their first row. A NULL or ""
 * key makes a group of its own. Returns the number of groups, or (size_t)-1 on out of memory. */
static size_t group_ids(const char *const *group, size_t n, size_t *gid)
{
	struct keyed *v = malloc((n ? n : 1) * sizeof(*v));
	size_t m = 0, n_groups = 0, *first;
	if (!v)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (group[i] && group[i][0]) {
			v[m].key = group[i];
			v[m].row = i;
			m++;
		}
		gid[i] = i; /* provisional: the representative row */
	}
	qsort(v, m, sizeof(*v), cmp_keyed);
	for (size_t a = 0; a < m;) {
		size_t b = a;
		while (b < m && !strcmp(v[a].key, v[b].key))
			gid[v[b++].row] = v[a].row; /* lowest row of the run */
		a = b;
	}
	free(v);
	/* Renumber representatives 0, 1, ... in row order. */
	first = malloc((n ? n : 1) * sizeof(*first));
	if (!first)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++)
		first[i] = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t rep = gid[i];
		if (first[rep] == (size_t)-1)
			first[rep] = n_groups++;
		gid[i] = first[rep];
	}
	free(first);
	return n_groups;
}

struct grp {
	size_t size;
	size_t pos;   /* position after the shuffle, the stable tie-break of the size sort */
	size_t first; /* first row, for messages */
	int label;
};

static int cmp_grp(const void *a, const void *b)
{
	const struct grp *x = a, *z = b;
	if (x->size != z->size)
		return x->size < z->size ? 1 : -1;
	return (x->pos > z->pos) - (x->pos < z->pos);
}

int folds_grouped(struct folds *f, const int *y, const char *const *group, size_t n, size_t k,
                  const gsl_rng *r, struct diag *d)
{
	size_t count[2], n_groups, *gid = NULL, *gfold = NULL, *per_class = NULL, *total = NULL;
	struct grp *g = NULL;
	int rc = -1;
	memset(f, 0, sizeof(*f));
	if (check_k(n, k, d) < 0 || check_labels(y, n, count, d) < 0)
		return -1;
	if (!group)
		return diag_error(d, "grouped folds need a group key per row");
	gid = malloc(n * sizeof(*gid));
	if (!gid || (n_groups = group_ids(group, n, gid)) == (size_t)-1) {
		free(gid);
		return diag_error(d, "out of memory making folds");
	}
	g = calloc(n_groups, sizeof(*g));
	gfold = malloc(n_groups * sizeof(*gfold));
	per_class = calloc(2 * k, sizeof(*per_class));
	total = calloc(k, sizeof(*total));
	if (!g || !gfold || !per_class || !total || folds_init(f, n, k, d) < 0) {
		diag_error(d, "out of memory making folds");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct grp *e = &g[gid[i]];
		if (e->size == 0) {
			e->label = y[i];
			e->first = i;
		} else if (e->label != y[i]) {
			diag_error(d, "group '%s' mixes benign and malicious rows",
			           group[i] ? group[i] : "");
			goto out;
		}
		e->size++;
	}
	for (size_t c = 0; c < 2; c++) {
		size_t m = 0;
		for (size_t j = 0; j < n_groups; j++)
			m += g[j].label == (int)c;
		if (m < k)
			diag_warn(d, "class %zu has %zu groups, fewer than %zu folds", c, m, k);
	}
	/* Shuffle the groups (in first-row order), then sort by size, largest first, keeping the
	 * shuffled order among equal sizes; then give each group to the fold with the fewest rows
	 * of its class, ties to the fewest rows overall, then to the lowest fold index (spec 8.2).
	 */
	for (size_t j = 0; j < n_groups; j++)
		gfold[j] = j;
	if (n_groups > 1)
		gsl_ran_shuffle(r, gfold, n_groups, sizeof(*gfold));
	for (size_t j = 0; j < n_groups; j++)
		g[gfold[j]].pos = j;
	/* Sorting g loses the id -> group link; keep it through `first` (gid[first] is the id). */
	qsort(g, n_groups, sizeof(*g), cmp_grp);
	for (size_t j = 0; j < n_groups; j++) {
		size_t best = 0, c = (size_t)g[j].label;
		for (size_t fo = 1; fo < k; fo++) {
			size_t a = per_class[c * k + fo], b = per_class[c * k + best];
			if (a < b || (a == b && total[fo] < total[best]))
				best = fo;
		}
		per_class[c * k + best] += g[j].size;
		total[best] += g[j].size;
		gfold[gid[g[j].first]] = best;
	}
	for (size_t i = 0; i < n; i++)
		f->fold[i] = (int)gfold[gid[i]];
	rc = 0;
out:
	if (rc < 0)
		folds_release(f);
	free(gid);
	free(g);
	free(gfold);
	free(per_class);
	free(total);
	return rc;
}

/* ---- temporal ---- */

int folds_parse_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int yr, mo, dy;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	yr = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	dy = (s[8] - '0') * 10 + (s[9] - '0');
	if (mo < 1 || mo > 12 || dy < 1 || dy > mdays[mo - 1])
		return -1;
	if (mo == 2 && dy == 29 && !((yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0))
		return -1;
	return yr * 10000 + mo * 100 + dy;
}

int folds_temporal(struct folds *f, const char *const *date, size_t n, const char *cutoff,
                   struct diag *d)
{
	int cut = folds_parse_date(cutoff);
	size_t n_undated = 0, side[2] = {0, 0};
	memset(f, 0, sizeof(*f));
	if (cut < 0)
		return diag_error(d, "cutoff '%s' is not a date YYYY-MM-DD", cutoff ? cutoff : "");
	if (!date)
		return diag_error(d, "temporal split needs a date per row");
	if (folds_init(f, n, 2, d) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = folds_parse_date(date[i]);
		if (v < 0) {
			f->fold[i] = -1;
			n_undated++;
		} else {
			f->fold[i] = v >= cut;
			side[v >= cut]++;
		}
	}
	if (n_undated)
		diag_warn(d, "%zu rows without a usable date excluded from the temporal split",
		          n_undated);
	if (!side[0] || !side[1])
		diag_warn(d, "temporal split at '%s' leaves the %s side empty", cutoff,
		          side[0] ? "test" : "training");
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, z = *(const int *)b;
	return (x > z) - (x < z);
}

int folds_temporal_quantile_cutoff(const char *const *date, const int *y, size_t n, double q,
                                   char *out, size_t out_n, struct diag *d)
{
	int *v;
	size_t m = 0, idx;
	if (!(q >= 0 && q <= 1))
		return diag_error(d, "quantile %g is not in [0, 1]", q);
	if (!date)
		return diag_error(d, "temporal split needs a date per row");
	if (out_n < 11)
		BUG("cutoff buffer of %zu bytes", out_n);
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int t = y[i] ? folds_parse_date(date[i]) : -1;
		if (t >= 0)
			v[m++] = t;
	}
	if (m == 0) {
		free(v);
		return diag_error(d, "no dated malicious rows to place a temporal cutoff");
	}
	qsort(v, m, sizeof(*v), cmp_int);
	idx = (size_t)floor(q * (double)m);
	if (idx >= m)
		idx = m - 1;
	snprintf(out, out_n, "%04d-%02d-%02d", v[idx] / 10000, v[idx] / 100 % 100, v[idx] % 100);
	free(v);
	return 0;
}

/* Groups with rows in more than one fold; marks those groups in `straddles` (per group id).
 * Errors (no group keys, out of memory) are reported with err_report(). */
static int straddling(const struct folds *f, const char *const *group, size_t **gid_out,
                      unsigned char **straddles_out, size_t *count)
{
	size_t n = f->n, n_groups, *gid;
	int *seen;
	unsigned char *st;
	if (!group)
		return err_report("straddling check needs a group key per row");
	gid = malloc((n ? n : 1) * sizeof(size_t));
	*count = 0;
	if (!gid || (n_groups = group_ids(group, n, gid)) == (size_t)-1) {
		free(gid);
		return err_report("out of memory");
	}
	seen = malloc((n_groups ? n_groups : 1) * sizeof(*seen));
	st = calloc(n_groups ? n_groups : 1, 1);
	if (!seen || !st) {
		free(gid);
		free(seen);
		free(st);
		return err_report("out of memory");
	}
	for (size_t j = 0; j < n_groups; j++)
		seen[j] = -1;
	for (size_t i = 0; i < n; i++) {
		int fo = f->fold[i];
		size_t j = gid[i];
		if (fo < 0)
			continue;
		if (seen[j] < 0)
			seen[j] = fo;
		else if (seen[j] != fo && !st[j]) {
			st[j] = 1;
			(*count)++;
		}
	}
	free(seen);
	*gid_out = gid;
	*straddles_out = st;
	return 0;
}

int folds_count_straddling(const struct folds *f, const char *const *group, size_t *n_groups)
{
	size_t *gid;
	unsigned char *st;
	if (straddling(f, group, &gid, &st, n_groups) < 0)
		return -1;
	free(gid);
	free(st);
	return 0;
}

int folds_drop_straddling(struct folds *f, const char *const *group, size_t test_fold,
                          size_t *n_groups, size_t *n_rows)
{
	size_t *gid;
	unsigned char *st;
	*n_rows = 0;
	if (straddling(f, group, &gid, &st, n_groups) < 0)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (f->fold[i] == (int)test_fold && st[gid[i]]) {
			f->fold[i] = -1;
			(*n_rows)++;
		}
	free(gid);
	free(st);
	return 0;
}

int folds_class_counts(const struct folds *f, const int *y, size_t *counts)
{
	memset(counts, 0, 2 * f->k * sizeof(*counts));
	for (size_t i = 0; i < f->n; i++) {
		if (f->fold[i] < 0)
			continue;
		if (y[i] != 0 && y[i] != 1)
			return err_report("row %zu has label %d, expected 0 or 1", i, y[i]);
		counts[(size_t)f->fold[i] * 2 + (size_t)y[i]]++;
	}
	return 0;
}

int folds_split(const struct folds *f, size_t j, size_t **train, size_t *n_train, size_t **test,
                size_t *n_test)
{
	size_t a = 0, b = 0;
	*train = *test = NULL;
	*n_train = *n_test = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->fold[i] < 0)
			continue;
		(size_t) f->fold[i] == j ? b++ : a++;
	}
	*train = malloc((a ? a : 1) * sizeof(size_t));
	*test = malloc((b ? b : 1) * sizeof(size_t));
	if (!*train || !*test) {
		free(*train);
		free(*test);
		*train = *test = NULL;
		return err_report("out of memory");
	}
	for (size_t i = 0; i < f->n; i++) {
		if (f->fold[i] < 0)
			continue;
		if ((size_t)f->fold[i] == j)
			(*test)[(*n_test)++] = i;
		else
			(*train)[(*n_train)++] = i;
	}
	return 0;
}
