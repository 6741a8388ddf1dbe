/* Long-format results CSV writer and its per-(set, learner, cv, metric) mean/sd summary. */
#include "experiments/engine/resultcsv.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const header[] = {"set",  "learner", "cv",    "repeat",
                                     "fold", "metric",  "value", "status"};

int resultcsv_open(struct resultcsv *rc, const char *path)
{
	memset(rc, 0, sizeof(*rc));
	if (csvio_out_open(&rc->out, path) < 0)
		return -1;
	if (csvio_write_row(rc->out.f, header, 8) < 0) {
		csvio_out_abort(&rc->out);
		return err_report("cannot write '%s'", path);
	}
	return 0;
}

static int write_int_cell(FILE *f, int v)
{
	if (v < 0)
		return 0;
	return fprintf(f, "%d", v) < 0 ? -1 : 0;
}

static int write_row(struct resultcsv *rc, const char *set, const char *learner, const char *cv,
                     int repeat, int fold, const char *metric, double value, const char *status)
{
	FILE *f = rc->out.f;
	const char *lead[] = {set, learner, cv};
	int bad = 0;
	if (!f)
		BUG("resultcsv used before resultcsv_open()");
	for (size_t i = 0; i < 3; i++) {
		bad |= csvio_write_field(f, lead[i] ? lead[i] : "") < 0;
		bad |= fputc(',', f) == EOF;
	}
	bad |= write_int_cell(f, repeat) < 0 || fputc(',', f) == EOF;
	bad |= write_int_cell(f, fold) < 0 || fputc(',', f) == EOF;
	bad |= csvio_write_field(f, metric) < 0 || fputc(',', f) == EOF;
	bad |= csvio_write_double(f, value) < 0 || fputc(',', f) == EOF;
	bad |= csvio_write_field(f, status) < 0 || fputc('\n', f) == EOF;
	if (bad) {
		rc->failed = 1;
		return err_report("cannot write '%s'", rc->out.tmp);
	}
	rc->n_rows++;
	return 0;
}

int resultcsv_add_metrics(struct resultcsv *rc, const char *set, const char *learner,
                          const char *cv, int repeat, int fold, const struct metrics *m)
{
	for (size_t i = 0; metric_names[i]; i++)
		if (write_row(rc, set, learner, cv, repeat, fold, metric_names[i],
		              metrics_value(m, i), "ok") < 0)
			return -1;
	return 0;
}

int resultcsv_add_value(struct resultcsv *rc, const char *set, const char *learner, const char *cv,
                        int repeat, int fold, const char *metric, double value)
{
	return write_row(rc, set, learner, cv, repeat, fold, metric, value, "ok");
}

int resultcsv_add_error(struct resultcsv *rc, const char *set, const char *learner, const char *cv,
                        int repeat, int fold, const char *message)
{
	return write_row(rc, set, learner, cv, repeat, fold, "error", NAN,
	                 message && message[0] ? message : "error");
}

int resultcsv_commit(struct resultcsv *rc)
{
	if (rc->failed) {
		csvio_out_abort(&rc->out);
		rc->failed = 0;
		return -1;
	}
	return csvio_out_commit(&rc->out);
}

void resultcsv_abort(struct resultcsv *rc)
{
	if (rc)
		csvio_out_abort(&rc->out);
}

/* ---- summary ---- */

struct sumrow {
	size_t row;         /* index in the table */
	const char *key[4]; /* set, learner, cv, metric */
	const char *value;
};

static int cmp_key(const struct sumrow *a, const struct sumrow *b)
{
	for (size_t i = 0; i < 4; i++) {
		int c = strcmp(a->key[i], b->key[i]);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_sumrow(const void *a, const void *b)
{
	const struct sumrow *x = a, *z = b;
	int c = cmp_key(x, z);
	if (c)
		return c;
	return (x->row > z->row) - (x->row < z->row);
}

struct sumgroup {
	size_t first; /* first table row of the key */
	size_t n;
	double mean, sd;
};

static int cmp_sumgroup(const void *a, const void *b)
{
	const struct sumgroup *x = a, *z = b;
	return (x->first > z->first) - (x->first < z->first);
}

int resultcsv_summary(const char *long_csv, const char *out_csv, struct diag *d)
{
	static const char *const out_header[] = {"set",  "learner", "cv", "metric",
	                                         "mean", "sd",      "n"};
	struct csv_table *t = NULL;
	struct sumrow *rows = NULL;
	struct sumgroup *groups = NULL;
	double *vals = NULL;
	size_t m = 0, n_groups = 0;
	long col_set, col_learner, col_cv, col_metric, col_value, col_status;
	struct csvio_out o;
	int rc = -1;
	if (csvio_read(long_csv, 0, &t, d) < 0)
		return -1;
	col_set = csvio_column(t, "set");
	col_learner = csvio_column(t, "learner");
	col_cv = csvio_column(t, "cv");
	col_metric = csvio_column(t, "metric");
	col_value = csvio_column(t, "value");
	col_status = csvio_column(t, "status");
	if (col_set < 0 || col_learner < 0 || col_cv < 0 || col_metric < 0 || col_value < 0 ||
	    col_status < 0) {
		diag_error(d, "'%s' is not a long results csv (missing columns)", long_csv);
		goto out;
	}
	rows = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*rows));
	vals = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*vals));
	groups = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*groups));
	if (!rows || !vals || !groups) {
		diag_error(d, "out of memory summarising '%s'", long_csv);
		goto out;
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		if (strcmp(t->rows[i][col_status], "ok") ||
		    !strcmp(t->rows[i][col_metric], "error"))
			continue;
		rows[m].row = i;
		rows[m].key[0] = t->rows[i][col_set];
		rows[m].key[1] = t->rows[i][col_learner];
		rows[m].key[2] = t->rows[i][col_cv];
		rows[m].key[3] = t->rows[i][col_metric];
		rows[m].value = t->rows[i][col_value];
		m++;
	}
	/* Sort by key (then row) so each key is one run; order the runs by first row after. */
	qsort(rows, m, sizeof(*rows), cmp_sumrow);
	for (size_t a = 0; a < m;) {
		size_t b = a, k = 0;
		struct sumgroup *g = &groups[n_groups++];
		while (b < m && !cmp_key(&rows[a], &rows[b])) {
			double v;
			if (csvio_parse_double(rows[b].value, &v) < 0) {
				diag_error(d, "'%s' data row %zu: value '%s' is not a number",
				           long_csv, rows[b].row + 1, rows[b].value);
				goto out;
			}
			if (!isnan(v))
				vals[k++] = v;
			b++;
		}
		g->first = rows[a].row;
		g->n = k;
		g->mean = k ? gsl_stats_mean(vals, 1, k) : (double)NAN;
		g->sd = k >= 2 ? gsl_stats_sd_m(vals, 1, k, g->mean) : (double)NAN;
		a = b;
	}
	qsort(groups, n_groups, sizeof(*groups), cmp_sumgroup);
	if (csvio_out_open(&o, out_csv) < 0) {
		diag_error(d, "cannot write '%s'", out_csv);
		goto out;
	}
	if (csvio_write_row(o.f, out_header, 7) < 0)
		goto write_fail;
	for (size_t j = 0; j < n_groups; j++) {
		char **c = t->rows[groups[j].first];
		const char *lead[] = {c[col_set], c[col_learner], c[col_cv], c[col_metric]};
		for (size_t i = 0; i < 4; i++)
			if (csvio_write_field(o.f, lead[i]) < 0 || fputc(',', o.f) == EOF)
				goto write_fail;
		if (csvio_write_double(o.f, groups[j].mean) < 0 || fputc(',', o.f) == EOF ||
		    csvio_write_double(o.f, groups[j].sd) < 0 ||
		    fprintf(o.f, ",%zu\n", groups[j].n) < 0)
			goto write_fail;
	}
	if (csvio_out_commit(&o) < 0) {
		diag_error(d, "cannot write '%s'", out_csv);
		goto out;
	}
	rc = 0;
	goto out;
write_fail:
	csvio_out_abort(&o);
	diag_error(d, "cannot write '%s'", out_csv);
out:
	csvio_table_free(t);
	free(rows);
	free(vals);
	free(groups);
	return rc;
}
