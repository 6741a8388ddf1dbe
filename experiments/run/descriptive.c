/* `pyvet descriptive`: options and body (see descriptive.h). */
#include "experiments/run/descriptive.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/err.h"
#include "core/base/results.h"
#include "core/base/strset.h"
#include "experiments/cli/exitstatus.h"

#define DS_CORR_FLAG 0.5

#define O struct descriptive_opts
static const struct cli_option descriptive_options[] = {
    {CLI_STRING("features", O, features, "DIR", NULL, "extraction written by 'pyvet extract'"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "FILE", NULL, "the prevalence table (e.g. results/descriptive.csv)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("targets", O, targets, "FILE", NULL,
                "the paper's numbers (default paper/targets.csv when it exists)")},
    {CLI_STRING("corr", O, corr, "FILE", NULL,
                "the correlation table (default feature_correlation.csv next to --out)")},
    {CLI_STRING("manifest", O, manifest, "FILE", NULL,
                "count only the packages of this dataset manifest whose split column is --split")},
    {CLI_STRING("split", O, split, "NAME", "train", "with --manifest: the split counted")},
    {CLI_END}};
#undef O

static const char *const descriptive_synopsis[] = {
    "descriptive --features DIR --out results/descriptive.csv",
    "     [--targets paper/targets.csv] [--corr results/feature_correlation.csv]",
    "     [--manifest FILE [--split NAME]]", NULL};

const struct cli_command descriptive_command = {
    .name = "descriptive",
    .synopsis = descriptive_synopsis,
    .about =
        "Reads DIR/features.csv (written by 'pyvet extract') and writes, per binary feature of\n"
        "the meta, code, file and artifacts sets and per label, the number of packages, the\n"
        "number with value 1 and the share, next to the paper's share where paper/targets.csv\n"
        "states one (rows artifact=prevalence). Also writes the pairwise Pearson correlation of\n"
        "the paper's seven binary features (spec D19; pairs with |r| >= 0.5 flagged) to --corr\n"
        "(default: feature_correlation.csv next to --out). Each CSV gets a JSON sidecar.\n"
        "With --manifest, only the packages of that dataset manifest whose split column is\n"
        "NAME (default train, the paper's basis for both tables) are counted; the sidecars\n"
        "record the manifest, the split and the number of packages used.\n",
    .options = descriptive_options,
    .epilog = "Exit status: 0 written; 2 usage error or an unreadable input; 4 write error.\n"};

static int is_binary_family(const char *name)
{
	return !strncmp(name, "meta.", 5) || !strncmp(name, "code.", 5) ||
	       !strncmp(name, "file.", 5) || !strncmp(name, "artifacts.has_", 14) ||
	       !strncmp(name, "artifacts.format_", 17) ||
	       !strcmp(name, "artifacts.metadata_version_ge_2_2");
}

static int is_paper_feature(const char *name)
{
	return !strncmp(name, "meta.", 5) || !strncmp(name, "code.", 5) ||
	       !strncmp(name, "file.", 5);
}

/* The paper's value for (row, column) from targets, or NaN. */
static double target(const struct csv_table *t, const char *row, const char *column)
{
	long ca, cr, cc, cv;
	if (!t)
		return NAN;
	ca = csvio_column(t, "artifact");
	cr = csvio_column(t, "row");
	cc = csvio_column(t, "column");
	cv = csvio_column(t, "value");
	if (ca < 0 || cr < 0 || cc < 0 || cv < 0)
		return NAN;
	for (size_t i = 0; i < t->n_rows; i++) {
		double v;
		if (!strcmp(t->rows[i][ca], "prevalence") && !strcmp(t->rows[i][cr], row) &&
		    !strcmp(t->rows[i][cc], column) && csvio_parse_double(t->rows[i][cv], &v) == 0)
			return v;
	}
	return NAN;
}

/* The ids of the rows of dataset manifest `path` whose split column is `split`, into `ids`.
 * 0, or -1 with the reason on `d`. */
static int read_split_ids(const char *path, const char *split, struct strset *ids, struct diag *d)
{
	struct csv_table *t = NULL;
	long ci, cs;
	int rc = 0;
	if (csvio_read(path, 0, &t, d) < 0)
		return -1;
	ci = csvio_column(t, "id");
	cs = csvio_column(t, "split");
	if (ci < 0 || cs < 0) {
		csvio_table_free(t);
		return diag_error(d, "'%s': needs id and split columns", path);
	}
	for (size_t i = 0; i < t->n_rows && !rc; i++)
		if (!strcmp(t->rows[i][cs], split) &&
		    strset_add(ids, t->rows[i][ci], strlen(t->rows[i][ci]), NULL) < 0)
			rc = diag_error(d, "out of memory");
	csvio_table_free(t);
	if (!rc && !ids->count)
		rc = diag_error(d, "'%s': no row with split '%s'", path, split);
	return rc;
}

/* Record which rows a table counts. */
static void set_rows_note(struct sidecar *sc, const char *manifest, const char *split)
{
	if (manifest) {
		sidecar_set_string(sc, "manifest", manifest);
		sidecar_set_string(sc, "split", split);
	} else {
		sidecar_set_string(sc, "split", "all rows of features.csv");
	}
}

static void dir_of(const char *path, char *buf, size_t n)
{
	const char *s = strrchr(path, '/');
	if (s)
		snprintf(buf, n, "%.*s", (int)(s - path) < 3990 ? (int)(s - path) : 3990, path);
	else
		snprintf(buf, n, ".");
}

/* The features as numbers, the rows counted and the binary columns of interest. */
struct ds_data {
	char path[4096];      /* DIR/features.csv */
	struct csv_table *ft; /* features.csv */
	struct csv_table *tt; /* targets, or NULL */
	size_t n_cols;
	double *x;           /* [row * n_cols + col], NaN when not a number */
	int *y;              /* 1 malicious, 0 benign, -1 other or not counted */
	unsigned char *keep; /* counted (in the manifest's split) */
	size_t n_kept;
	size_t *cols, n_bin; /* the binary columns of the families of interest */
};

static void ds_release(struct ds_data *ds)
{
	csvio_table_free(ds->ft);
	csvio_table_free(ds->tt);
	free(ds->cols);
	free(ds->x);
	free(ds->y);
	free(ds->keep);
	memset(ds, 0, sizeof(*ds));
}

/* Read the features (and targets), select the rows of the manifest's split, find the binary
 * columns. An exit status: EXIT_OK, or the status to return (reported). */
static int ds_load(struct ds_data *ds, const struct descriptive_opts *o, const char *targets)
{
	struct strset keep_ids = STRSET_INIT;
	struct diag d;
	int rc = EXIT_USAGE;
	long cl, cid;
	diag_init(&d);
	snprintf(ds->path, sizeof(ds->path), "%s/features.csv", o->features);
	if (csvio_read(ds->path, 0, &ds->ft, &d) < 0 ||
	    (targets && csvio_read(targets, 0, &ds->tt, &d) < 0)) {
		err_report("descriptive: %s", diag_message(&d));
		goto end;
	}
	if ((cl = csvio_column(ds->ft, "label")) < 0) {
		err_report("descriptive: '%s': no label column", ds->path);
		goto end;
	}
	if (o->manifest && read_split_ids(o->manifest, o->split, &keep_ids, &d) < 0) {
		err_report("descriptive: %s", diag_message(&d));
		goto end;
	}
	const struct csv_table *ft = ds->ft;
	size_t n_cols = ds->n_cols = ft->n_cols, n_rows = ft->n_rows ? ft->n_rows : 1;
	ds->cols = calloc(n_cols, sizeof(*ds->cols));
	ds->keep = calloc(n_rows, 1);
	ds->x = malloc(n_rows * n_cols * sizeof(double));
	ds->y = malloc(n_rows * sizeof(int));
	if (!ds->cols || !ds->x || !ds->y || !ds->keep) {
		err_report("descriptive: out of memory");
		rc = EXIT_INTERNAL;
		goto end;
	}
	cid = csvio_column(ft, "id");
	for (size_t i = 0; i < ft->n_rows; i++) {
		const char *lab = ft->rows[i][cl];
		ds->y[i] = !strcmp(lab, "malicious") ? 1 : !strcmp(lab, "benign") ? 0 : -1;
		ds->keep[i] = !o->manifest ||
		              (cid >= 0 && strset_find(&keep_ids, ft->rows[i][cid],
		                                       strlen(ft->rows[i][cid])) != (size_t)-1);
		if (!ds->keep[i])
			ds->y[i] = -1;
		ds->n_kept += ds->keep[i];
		for (size_t j = 0; j < n_cols; j++)
			if (csvio_parse_double(ft->rows[i][j], &ds->x[i * n_cols + j]) < 0)
				ds->x[i * n_cols + j] = NAN;
	}
	/* binary columns of the families of interest */
	for (size_t j = 0; j < n_cols; j++) {
		int bin = is_binary_family(ft->header[j]);
		for (size_t i = 0; bin && i < ft->n_rows; i++) {
			double v = ds->x[i * n_cols + j];
			if (!isnan(v) && v != 0 && v != 1)
				bin = 0;
		}
		if (bin)
			ds->cols[ds->n_bin++] = j;
	}
	rc = EXIT_OK;
end:
	strset_release(&keep_ids);
	diag_release(&d);
	return rc;
}

/* The prevalence table: per binary feature and label, n, n_defined, n_one, share, the paper's.
 * 0 or -1 (reported). */
static int write_prevalence(const struct ds_data *ds, const char *out, struct sidecar *sc,
                            const struct descriptive_opts *o, const char *targets)
{
	const struct csv_table *ft = ds->ft;
	struct csvio_out co;
	char hex[65];
	if (csvio_out_open(&co, out) < 0)
		return -1;
	fputs("feature,label,n,n_defined,n_one,share,paper_share,paper_share_alt\n", co.f);
	for (size_t b = 0; b < ds->n_bin; b++) {
		size_t j = ds->cols[b];
		for (int lab = 1; lab >= 0; lab--) {
			const char *ln = lab ? "malicious" : "benign";
			size_t n = 0, nd = 0, n1 = 0;
			for (size_t i = 0; i < ft->n_rows; i++) {
				double v = ds->x[i * ds->n_cols + j];
				if (ds->y[i] != lab)
					continue;
				n++;
				if (!isnan(v)) {
					nd++;
					n1 += v == 1;
				}
			}
			csvio_write_field(co.f, ft->header[j]);
			fprintf(co.f, ",%s,%zu,%zu,%zu,", ln, n, nd, n1);
			csvio_write_double(co.f, nd ? (double)n1 / (double)nd : (double)NAN);
			fputc(',', co.f);
			csvio_write_double(co.f, target(ds->tt, ft->header[j], ln));
			fputc(',', co.f);
			csvio_write_double(co.f,
			                   lab ? target(ds->tt, ft->header[j], "malicious_alt")
			                       : (double)NAN);
			fputc('\n', co.f);
		}
	}
	if (csvio_out_commit(&co) < 0)
		return -1;
	if (!sc)
		return 0;
	sidecar_set_string(sc, "features", ds->path);
	if (datafile_sha256(ds->path, hex) == 0)
		sidecar_add_hash(sc, "features.csv", hex);
	if (targets && datafile_sha256(targets, hex) == 0)
		sidecar_add_hash(sc, "targets.csv", hex);
	sidecar_set_number(sc, "packages", (double)ds->n_kept);
	set_rows_note(sc, o->manifest, o->split);
	return sidecar_write(sc, out);
}

/* feature_correlation.csv: Pearson r over pairwise-complete rows of the paper's seven binary
 * features (spec D19). 0 or -1 (reported). */
static int write_correlation(const struct ds_data *ds, const char *path, struct sidecar *sc,
                             const struct descriptive_opts *o)
{
	const struct csv_table *ft = ds->ft;
	struct csvio_out co;
	size_t n_flag = 0, n_rows = ft->n_rows ? ft->n_rows : 1;
	double *u = malloc(n_rows * sizeof(double)), *v = malloc(n_rows * sizeof(double));
	if (!u || !v || csvio_out_open(&co, path) < 0) {
		free(u);
		free(v);
		return !u || !v ? err_report("descriptive: out of memory") : -1;
	}
	fputs("feature_a,feature_b,n,r,flagged\n", co.f);
	for (size_t a = 0; a < ds->n_bin; a++) {
		size_t ca = ds->cols[a];
		if (!is_paper_feature(ft->header[ca]))
			continue;
		for (size_t b = a + 1; b < ds->n_bin; b++) {
			size_t n = 0, cb = ds->cols[b];
			double r = NAN;
			if (!is_paper_feature(ft->header[cb]))
				continue;
			for (size_t i = 0; i < ft->n_rows; i++) {
				double p = ds->x[i * ds->n_cols + ca],
				       q = ds->x[i * ds->n_cols + cb];
				if (!ds->keep[i] || isnan(p) || isnan(q))
					continue;
				u[n] = p;
				v[n] = q;
				n++;
			}
			if (n > 1 && gsl_stats_variance(u, 1, n) > 0 &&
			    gsl_stats_variance(v, 1, n) > 0)
				r = gsl_stats_correlation(u, 1, v, 1, n);
			csvio_write_field(co.f, ft->header[ca]);
			fputc(',', co.f);
			csvio_write_field(co.f, ft->header[cb]);
			fprintf(co.f, ",%zu,", n);
			csvio_write_double(co.f, r);
			fprintf(co.f, ",%d\n", !isnan(r) && fabs(r) >= DS_CORR_FLAG);
			n_flag += !isnan(r) && fabs(r) >= DS_CORR_FLAG;
		}
	}
	free(u);
	free(v);
	if (csvio_out_commit(&co) < 0)
		return -1;
	if (!sc)
		return 0;
	sidecar_set_string(sc, "features", ds->path);
	sidecar_set_number(sc, "packages", (double)ds->n_kept);
	set_rows_note(sc, o->manifest, o->split);
	sidecar_set_number(sc, "flag_threshold", DS_CORR_FLAG);
	sidecar_set_number(sc, "pairs_flagged", (double)n_flag);
	return sidecar_write(sc, path);
}

int descriptive_run(const struct descriptive_opts *o)
{
	struct ds_data ds;
	struct sidecar *sc = NULL;
	const char *targets = o->targets, *corr = o->corr;
	char corr_buf[4096];
	int rc;
	memset(&ds, 0, sizeof(ds));
	if (!targets && access("paper/targets.csv", R_OK) == 0)
		targets = "paper/targets.csv";
	if (!corr) {
		char dir[4000];
		dir_of(o->out, dir, sizeof(dir));
		snprintf(corr_buf, sizeof(corr_buf), "%s/feature_correlation.csv", dir);
		corr = corr_buf;
	}
	if ((rc = ds_load(&ds, o, targets)) != EXIT_OK)
		goto end;
	rc = EXIT_INTERNAL;
	sc = cli_sidecar_new(&descriptive_command, o, o->argc, o->argv, NULL, 0);
	if (write_prevalence(&ds, o->out, sc, o, targets) < 0)
		goto end;
	sidecar_free(sc);
	sc = cli_sidecar_new(&descriptive_command, o, o->argc, o->argv, NULL, 0);
	if (write_correlation(&ds, corr, sc, o) < 0)
		goto end;
	rc = EXIT_OK;
end:
	sidecar_free(sc);
	ds_release(&ds);
	return rc;
}
