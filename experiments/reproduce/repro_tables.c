/* Tables 3 and 4, grouped_cv.csv and leak_check.csv of `pyvet reproduce`: the per-cell CV
 * summaries (results/cells/cv_<kind>_<set>.summary.csv) merged, each row with the margin over
 * the artifact-only learner of the same kind (spec 8.4). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/results.h"
#include "experiments/reproduce/repro.h"

static const char *const eight_sets[] = {"M", "C", "F", "T", "MCF", "T+pre", "T+MCF", "T+MCF+pre"};

static void cell_summary(const struct repro *r, const char *kind, const char *set, char *buf,
                         size_t n)
{
	char name[256];
	snprintf(name, sizeof(name), "cells/cv_%s_%s.summary.csv", kind, set);
	repro_path(r, name, buf, n);
}

/* mean of (learner, metric) in the artifact summary `leak`, or NaN. */
static double leak_mean(const struct csv_table *leak, const char *learner, const char *metric)
{
	if (!leak)
		return NAN;
	long cl = csvio_column(leak, "learner"), cm = csvio_column(leak, "metric"),
	     cv = csvio_column(leak, "mean");
	for (size_t i = 0; cl >= 0 && cm >= 0 && cv >= 0 && i < leak->n_rows; i++)
		if (!strcmp(leak->rows[i][cl], learner) && !strcmp(leak->rows[i][cm], metric)) {
			double v;
			return csvio_parse_double(leak->rows[i][cv], &v) < 0 ? (double)NAN : v;
		}
	return NAN;
}

/* Write `out_name` from the summaries of `sets` under `kind` (one kind, or both when kind2). */
static int merge(struct repro *r, const char *out_name, const char *const *kinds, size_t n_kinds,
                 const char *const *sets, size_t n_sets, int with_margin, struct diag *d)
{
	char path[REPRO_PATH_MAX], out[REPRO_PATH_MAX];
	struct csvio_out o;
	struct sidecar *sc = sidecar_new(0, NULL);
	size_t n_rows = 0;
	static const char *const head[] = {"set", "learner",       "cv",    "metric", "mean", "sd",
	                                   "n",   "artifact_mean", "margin"};
	repro_path(r, out_name, out, sizeof(out));
	if (!sc || csvio_out_open(&o, out) < 0) {
		sidecar_free(sc);
		return diag_error(d, "'%s': cannot write", out);
	}
	int bad = csvio_write_row(o.f, head, with_margin ? 9 : 7);
	for (size_t k = 0; k < n_kinds; k++) {
		struct csv_table *leak = NULL;
		struct diag ld;
		diag_init(&ld);
		cell_summary(r, kinds[k], "artifacts", path, sizeof(path));
		if (with_margin && csvio_read(path, 0, &leak, &ld) < 0)
			leak = NULL;
		diag_release(&ld);
		for (size_t s = 0; s < n_sets; s++) {
			struct csv_table *t = NULL;
			struct diag sd;
			char cell[128];
			diag_init(&sd);
			cell_summary(r, kinds[k], sets[s], path, sizeof(path));
			snprintf(cell, sizeof(cell), "%s/%s", kinds[k], sets[s]);
			if (csvio_read(path, 0, &t, &sd) < 0) {
				sidecar_add_cell(sc, cell, "not produced");
				diag_release(&sd);
				continue;
			}
			diag_release(&sd);
			sidecar_add_cell(sc, cell, "ok");
			long c[7];
			for (int j = 0; j < 7; j++)
				c[j] = csvio_column(t, head[j]);
			for (size_t i = 0; i < t->n_rows && !bad; i++) {
				const char *f[9];
				char am[40] = "", mg[40] = "";
				int ok = 1;
				for (int j = 0; j < 7; j++)
					ok &= c[j] >= 0;
				if (!ok)
					break;
				for (int j = 0; j < 7; j++)
					f[j] = t->rows[i][c[j]];
				if (with_margin) {
					double a = leak_mean(leak, f[1], f[3]), m;
					if (!isnan(a) && csvio_parse_double(f[4], &m) == 0 &&
					    !isnan(m)) {
						snprintf(am, sizeof(am), "%.17g", a);
						snprintf(mg, sizeof(mg), "%.17g", m - a);
					}
					f[7] = am;
					f[8] = mg;
				}
				bad |= csvio_write_row(o.f, f, with_margin ? 9 : 7);
				n_rows++;
			}
			csvio_table_free(t);
		}
		csvio_table_free(leak);
	}
	if (bad) {
		csvio_out_abort(&o);
		sidecar_free(sc);
		return diag_error(d, "'%s': write failed", out);
	}
	if (csvio_out_commit(&o) < 0) {
		sidecar_free(sc);
		return diag_error(d, "'%s': commit failed", out);
	}
	sidecar_set_seed(sc, r->seed);
	sidecar_set_number(sc, "folds", (double)r->folds);
	sidecar_set_number(sc, "repeats", (double)r->repeats);
	sidecar_set_string(sc, "manifest", r->manifest);
	sidecar_write(sc, out);
	sidecar_free(sc);
	return n_rows ? 0 : diag_error(d, "'%s': no CV cell was produced", out_name);
}

int repro_tables(struct repro *r, struct diag *d)
{
	static const char *const strat[] = {"stratified"}, *const grp[] = {"grouped"},
	                         *const both[] = {"stratified", "grouped"};
	static const char *const final_only[] = {"T+MCF+pre"}, *const artifacts[] = {"artifacts"};
	int rc = 0;
	rc |= merge(r, "table3_featuresets.csv", strat, 1, eight_sets, 8, 1, d);
	rc |= merge(r, "table4_learners.csv", strat, 1, final_only, 1, 1, d);
	rc |= merge(r, "grouped_cv.csv", grp, 1, eight_sets, 8, 1, d);
	rc |= merge(r, "leak_check.csv", both, 2, artifacts, 1, 0, d);
	return rc ? -1 : 0;
}
