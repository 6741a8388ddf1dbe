/* `pyvet descriptive`: the share of each binary feature per label next to the paper's stated
 * prevalences (paper Sec. 4.2, 5.2; spec 2.4), and the Pearson correlation of the seven binary
 * features of the paper (spec D19), from an extract output directory; optionally restricted to
 * one split of a dataset manifest (D19: the training data). */
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
#include "experiments/commands.h"

int cmd_descriptive(int argc, char **argv);

#define DS_CORR_FLAG 0.5

static int ds_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet descriptive --features DIR --out results/descriptive.csv\n"
	    "                         [--targets paper/targets.csv] [--corr "
	    "results/feature_correlation.csv]\n"
	    "                         [--manifest FILE [--split NAME]]\n\n"
	    "Reads DIR/features.csv (written by 'pyvet extract') and writes, per binary feature "
	    "of\n"
	    "the meta, code, file and artifacts sets and per label, the number of packages, the\n"
	    "number with value 1 and the share, next to the paper's share where paper/targets.csv\n"
	    "states one (rows artifact=prevalence). Also writes the pairwise Pearson correlation "
	    "of\n"
	    "the paper's seven binary features (spec D19; pairs with |r| >= 0.5 flagged) to "
	    "--corr\n"
	    "(default: feature_correlation.csv next to --out). Each CSV gets a JSON sidecar.\n"
	    "With --manifest, only the packages of that dataset manifest whose split column is\n"
	    "NAME (default train, the paper's basis for both tables) are counted; the sidecars\n"
	    "record the manifest, the split and the number of packages used.\n"
	    "Exit status: 0 written; 2 usage error or an unreadable input; 4 write error.\n");
	return f == stdout ? 0 : 2;
}

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

int cmd_descriptive(int argc, char **argv)
{
	const char *fdir = NULL, *out = NULL, *targets_path = NULL, *corr_path = NULL;
	const char *manifest_path = NULL, *split = "train";
	struct strset keep_ids = STRSET_INIT;
	unsigned char *keep = NULL;
	size_t n_kept = 0;
	struct csv_table *ft = NULL, *tt = NULL;
	struct diag d;
	char path[4096], corr_buf[4096], hex[65];
	long cl;
	int rc = EXIT_USAGE;
	size_t n_cols, *cols = NULL, n_bin = 0;
	double *x = NULL;
	int *y = NULL;
	struct csvio_out o = {0};
	struct sidecar *sc = NULL;

	diag_init(&d);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return ds_usage(stdout);
		if (i + 1 >= argc) {
			err_report("descriptive: '%s': unknown option or missing value", argv[i]);
			return ds_usage(stderr);
		}
		if (!strcmp(argv[i], "--features"))
			fdir = argv[++i];
		else if (!strcmp(argv[i], "--out"))
			out = argv[++i];
		else if (!strcmp(argv[i], "--targets"))
			targets_path = argv[++i];
		else if (!strcmp(argv[i], "--corr"))
			corr_path = argv[++i];
		else if (!strcmp(argv[i], "--manifest"))
			manifest_path = argv[++i];
		else if (!strcmp(argv[i], "--split"))
			split = argv[++i];
		else {
			err_report("descriptive: '%s': unknown option", argv[i]);
			return ds_usage(stderr);
		}
	}
	if (!fdir || !out) {
		err_report("descriptive: --features and --out are required");
		return ds_usage(stderr);
	}
	if (!targets_path && access("paper/targets.csv", R_OK) == 0)
		targets_path = "paper/targets.csv";
	if (!corr_path) {
		char dir[4000];
		dir_of(out, dir, sizeof(dir));
		snprintf(corr_buf, sizeof(corr_buf), "%s/feature_correlation.csv", dir);
		corr_path = corr_buf;
	}
	snprintf(path, sizeof(path), "%s/features.csv", fdir);
	if (csvio_read(path, 0, &ft, &d) < 0) {
		err_report("descriptive: %s", diag_message(&d));
		goto done;
	}
	if (targets_path && csvio_read(targets_path, 0, &tt, &d) < 0) {
		err_report("descriptive: %s", diag_message(&d));
		goto done;
	}
	cl = csvio_column(ft, "label");
	if (cl < 0) {
		err_report("descriptive: '%s': no label column", path);
		goto done;
	}
	if (manifest_path && read_split_ids(manifest_path, split, &keep_ids, &d) < 0) {
		err_report("descriptive: %s", diag_message(&d));
		goto done;
	}
	n_cols = ft->n_cols;
	cols = calloc(n_cols, sizeof(*cols));
	keep = calloc(ft->n_rows + 1, 1);
	x = malloc((ft->n_rows ? ft->n_rows : 1) * n_cols * sizeof(double));
	y = malloc((ft->n_rows ? ft->n_rows : 1) * sizeof(int));
	if (!cols || !x || !y || !keep) {
		err_report("descriptive: out of memory");
		rc = EXIT_INTERNAL;
		goto done;
	}
	long cid = csvio_column(ft, "id");
	for (size_t i = 0; i < ft->n_rows; i++) {
		const char *lab = ft->rows[i][cl];
		y[i] = !strcmp(lab, "malicious") ? 1 : !strcmp(lab, "benign") ? 0 : -1;
		keep[i] = !manifest_path ||
		          (cid >= 0 && strset_find(&keep_ids, ft->rows[i][cid],
		                                   strlen(ft->rows[i][cid])) != (size_t)-1);
		if (!keep[i])
			y[i] = -1;
		n_kept += keep[i];
		for (size_t j = 0; j < n_cols; j++)
			if (csvio_parse_double(ft->rows[i][j], &x[i * n_cols + j]) < 0)
				x[i * n_cols + j] = NAN;
	}
	/* binary columns of the families of interest */
	for (size_t j = 0; j < n_cols; j++) {
		int bin = is_binary_family(ft->header[j]);
		for (size_t i = 0; bin && i < ft->n_rows; i++) {
			double v = x[i * n_cols + j];
			if (!isnan(v) && v != 0 && v != 1)
				bin = 0;
		}
		if (bin)
			cols[n_bin++] = j;
	}

	/* descriptive.csv */
	sc = sidecar_new(argc, argv);
	if (csvio_out_open(&o, out) < 0) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	fputs("feature,label,n,n_defined,n_one,share,paper_share,paper_share_alt\n", o.f);
	for (size_t b = 0; b < n_bin; b++) {
		size_t j = cols[b];
		for (int lab = 1; lab >= 0; lab--) {
			const char *ln = lab ? "malicious" : "benign";
			size_t n = 0, nd = 0, n1 = 0;
			for (size_t i = 0; i < ft->n_rows; i++) {
				double v = x[i * n_cols + j];
				if (y[i] != lab)
					continue;
				n++;
				if (!isnan(v)) {
					nd++;
					n1 += v == 1;
				}
			}
			csvio_write_field(o.f, ft->header[j]);
			fprintf(o.f, ",%s,%zu,%zu,%zu,", ln, n, nd, n1);
			csvio_write_double(o.f, nd ? (double)n1 / (double)nd : (double)NAN);
			fputc(',', o.f);
			csvio_write_double(o.f, target(tt, ft->header[j], ln));
			fputc(',', o.f);
			csvio_write_double(o.f, lab ? target(tt, ft->header[j], "malicious_alt")
			                            : (double)NAN);
			fputc('\n', o.f);
		}
	}
	if (csvio_out_commit(&o) < 0) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (sc) {
		sidecar_set_string(sc, "features", path);
		if (datafile_sha256(path, hex) == 0)
			sidecar_add_hash(sc, "features.csv", hex);
		if (targets_path && datafile_sha256(targets_path, hex) == 0)
			sidecar_add_hash(sc, "targets.csv", hex);
		sidecar_set_number(sc, "packages", (double)n_kept);
		set_rows_note(sc, manifest_path, split);
		if (sidecar_write(sc, out) < 0) {
			rc = EXIT_INTERNAL;
			goto done;
		}
		sidecar_free(sc);
		sc = NULL;
	}

	/* feature_correlation.csv: Pearson r over pairwise-complete rows (spec D19) */
	sc = sidecar_new(argc, argv);
	if (csvio_out_open(&o, corr_path) < 0) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	fputs("feature_a,feature_b,n,r,flagged\n", o.f);
	{
		double *u = malloc((ft->n_rows ? ft->n_rows : 1) * sizeof(double));
		double *v = malloc((ft->n_rows ? ft->n_rows : 1) * sizeof(double));
		size_t n_flag = 0;
		if (!u || !v) {
			free(u);
			free(v);
			csvio_out_abort(&o);
			rc = EXIT_INTERNAL;
			goto done;
		}
		for (size_t a = 0; a < n_bin; a++) {
			if (!is_paper_feature(ft->header[cols[a]]))
				continue;
			for (size_t b = a + 1; b < n_bin; b++) {
				size_t n = 0;
				double r = NAN;
				if (!is_paper_feature(ft->header[cols[b]]))
					continue;
				for (size_t i = 0; i < ft->n_rows; i++) {
					double p = x[i * n_cols + cols[a]],
					       q = x[i * n_cols + cols[b]];
					if (!keep[i] || isnan(p) || isnan(q))
						continue;
					u[n] = p;
					v[n] = q;
					n++;
				}
				if (n > 1 && gsl_stats_variance(u, 1, n) > 0 &&
				    gsl_stats_variance(v, 1, n) > 0)
					r = gsl_stats_correlation(u, 1, v, 1, n);
				csvio_write_field(o.f, ft->header[cols[a]]);
				fputc(',', o.f);
				csvio_write_field(o.f, ft->header[cols[b]]);
				fprintf(o.f, ",%zu,", n);
				csvio_write_double(o.f, r);
				fprintf(o.f, ",%d\n", !isnan(r) && fabs(r) >= DS_CORR_FLAG);
				n_flag += !isnan(r) && fabs(r) >= DS_CORR_FLAG;
			}
		}
		free(u);
		free(v);
		if (csvio_out_commit(&o) < 0) {
			rc = EXIT_INTERNAL;
			goto done;
		}
		if (sc) {
			sidecar_set_string(sc, "features", path);
			sidecar_set_number(sc, "packages", (double)n_kept);
			set_rows_note(sc, manifest_path, split);
			sidecar_set_number(sc, "flag_threshold", DS_CORR_FLAG);
			sidecar_set_number(sc, "pairs_flagged", (double)n_flag);
			if (sidecar_write(sc, corr_path) < 0) {
				rc = EXIT_INTERNAL;
				goto done;
			}
		}
	}
	rc = EXIT_OK;
done:
	sidecar_free(sc);
	csvio_table_free(ft);
	csvio_table_free(tt);
	free(cols);
	free(x);
	free(y);
	free(keep);
	strset_release(&keep_ids);
	diag_release(&d);
	return rc;
}
