/* Dense dataset: allocation, deep-copy subsets, column selection and stacking. */
#include "core/ml/dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char **alloc_strings(size_t n)
{
	return calloc(n ? n : 1, sizeof(char *));
}

static void free_strings(char **s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

struct dataset *dataset_alloc(size_t n, size_t d)
{
	struct dataset *ds = calloc(1, sizeof(*ds));
	if (!ds)
		return NULL;
	ds->n = n;
	ds->d = d;
	if (d && n > SIZE_MAX / sizeof(double) / d)
		goto fail;
	if (n && d) {
		ds->X = calloc(n * d, sizeof(double));
		if (!ds->X)
			goto fail;
	}
	ds->y = calloc(n ? n : 1, sizeof(int));
	ds->row_id = alloc_strings(n);
	ds->group = alloc_strings(n);
	ds->date = alloc_strings(n);
	ds->feature_name = alloc_strings(d);
	if (!ds->y || !ds->row_id || !ds->group || !ds->date || !ds->feature_name)
		goto fail;
	return ds;
fail:
	dataset_free(ds);
	return NULL;
}

void dataset_free(struct dataset *ds)
{
	if (!ds)
		return;
	free(ds->X);
	free(ds->y);
	free_strings(ds->row_id, ds->n);
	free_strings(ds->group, ds->n);
	free_strings(ds->date, ds->n);
	free_strings(ds->feature_name, ds->d);
	free(ds);
}

int dataset_set_string(char **slot, const char *s)
{
	char *copy = NULL;
	if (s) {
		size_t n = strlen(s) + 1;
		copy = malloc(n);
		if (!copy)
			return -1;
		memcpy(copy, s, n);
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static int copy_row_meta(struct dataset *dst, size_t i, const struct dataset *src, size_t k)
{
	dst->y[i] = src->y[k];
	if (src->row_id && dataset_set_string(&dst->row_id[i], src->row_id[k]) < 0)
		return -1;
	if (src->group && dataset_set_string(&dst->group[i], src->group[k]) < 0)
		return -1;
	if (src->date && dataset_set_string(&dst->date[i], src->date[k]) < 0)
		return -1;
	return 0;
}

struct dataset *dataset_subset(const struct dataset *ds, const size_t *idx, size_t k)
{
	struct dataset *out = dataset_alloc(k, ds->d);
	if (!out)
		return NULL;
	for (size_t j = 0; j < ds->d; j++)
		if (ds->feature_name &&
		    dataset_set_string(&out->feature_name[j], ds->feature_name[j]) < 0)
			goto fail;
	for (size_t i = 0; i < k; i++) {
		if (idx[i] >= ds->n)
			goto fail;
		if (ds->d)
			memcpy(dataset_row(out, i), dataset_row(ds, idx[i]),
			       ds->d * sizeof(double));
		if (copy_row_meta(out, i, ds, idx[i]) < 0)
			goto fail;
	}
	return out;
fail:
	dataset_free(out);
	return NULL;
}

struct dataset *dataset_select_columns(const struct dataset *ds, const size_t *cols, size_t k)
{
	struct dataset *out = dataset_alloc(ds->n, k);
	if (!out)
		return NULL;
	for (size_t j = 0; j < k; j++) {
		if (cols[j] >= ds->d)
			goto fail;
		if (ds->feature_name &&
		    dataset_set_string(&out->feature_name[j], ds->feature_name[cols[j]]) < 0)
			goto fail;
	}
	for (size_t i = 0; i < ds->n; i++) {
		for (size_t j = 0; j < k; j++)
			out->X[i * k + j] = ds->X[i * ds->d + cols[j]];
		if (copy_row_meta(out, i, ds, i) < 0)
			goto fail;
	}
	return out;
fail:
	dataset_free(out);
	return NULL;
}

static int has_prefix_in(const char *name, const char *prefixes)
{
	const char *p = prefixes;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		if (len && !strncmp(name, p, len))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct dataset *dataset_select_prefix(const struct dataset *ds, const char *prefixes)
{
	size_t *cols = malloc((ds->d ? ds->d : 1) * sizeof(size_t));
	size_t k = 0;
	struct dataset *out = NULL;
	if (!cols)
		return NULL;
	for (size_t j = 0; j < ds->d; j++)
		if (ds->feature_name && ds->feature_name[j] &&
		    has_prefix_in(ds->feature_name[j], prefixes))
			cols[k++] = j;
	if (k)
		out = dataset_select_columns(ds, cols, k);
	free(cols);
	return out;
}

struct dataset *dataset_hstack(const struct dataset *a, const struct dataset *b)
{
	struct dataset *out;
	if (a->n != b->n)
		return NULL;
	out = dataset_alloc(a->n, a->d + b->d);
	if (!out)
		return NULL;
	for (size_t j = 0; j < a->d; j++)
		if (a->feature_name &&
		    dataset_set_string(&out->feature_name[j], a->feature_name[j]) < 0)
			goto fail;
	for (size_t j = 0; j < b->d; j++)
		if (b->feature_name &&
		    dataset_set_string(&out->feature_name[a->d + j], b->feature_name[j]) < 0)
			goto fail;
	for (size_t i = 0; i < a->n; i++) {
		if (a->d)
			memcpy(dataset_row(out, i), dataset_row(a, i), a->d * sizeof(double));
		if (b->d)
			memcpy(dataset_row(out, i) + a->d, dataset_row(b, i),
			       b->d * sizeof(double));
		if (copy_row_meta(out, i, a, i) < 0)
			goto fail;
	}
	return out;
fail:
	dataset_free(out);
	return NULL;
}

size_t dataset_count_positive(const struct dataset *ds)
{
	size_t k = 0;
	for (size_t i = 0; i < ds->n; i++)
		k += ds->y[i] == 1;
	return k;
}

int dataset_count_nonzero(const struct dataset *ds, size_t *nnz)
{
	size_t k = 0;
	for (size_t i = 0; i < ds->n * ds->d; i++) {
		if (!isfinite(ds->X[i]))
			return -1;
		k += ds->X[i] != 0;
	}
	*nnz = k;
	return 0;
}

size_t dataset_column_index(const struct dataset *ds, const char *name)
{
	for (size_t j = 0; j < ds->d; j++)
		if (ds->feature_name && ds->feature_name[j] && !strcmp(ds->feature_name[j], name))
			return j;
	return (size_t)-1;
}
