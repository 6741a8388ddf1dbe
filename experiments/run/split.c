/* `pyvet split`: options and body (see split.h). */
#include "experiments/run/split.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "core/pkg/manifest.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/engine/split.h"

#define O struct split_opts
static const struct cli_option split_options[] = {
    {CLI_STRING("manifest", O, manifest, "CSV", NULL, "the corpus manifest"),
     .flags = CLI_REQUIRED},
    {CLI_ENUM("name", O, name, NULL, "paper|full|realistic",
              "the dataset (rules: datasets/README.md)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "DIR/manifest.csv", NULL,
                "the dataset manifest; counts.csv and README.md go to its folder"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("debian", O, debian, "DEBIAN.csv", NULL,
                "the Debian slice manifest (datasets/debian/manifest.csv); for --name realistic "
                "only, and required by it")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL, "run seed")},
    {CLI_ENUM("probes", O, probes, "0", "0|1", "1: keep kind=probe malicious packages")},
    {CLI_INT("n-malicious-train", O, n_train_malicious, "N", "-1", "[-1, 1000000000]",
             "seeded sample of N older malware; -1: the dataset's (paper: 138; full: 0 = all)")},
    {CLI_INT("test-malicious", O, n_test_malicious, "M", "-1", "[-1, 1000000000]",
             "the M latest-dated malware are test; -1: the dataset's (paper: 143; full: 0 = use "
             "--test-malicious-share)")},
    {CLI_DOUBLE("test-malicious-share", O, test_malicious_share, "Q", "0.2", "[0, 1]",
                "when M is 0: M = round(Q x eligible malware)")},
    {CLI_DOUBLE("test-benign-share", O, test_benign_share, "B", "0.2", "[0, 1]",
                "seeded held-out share of benign packages")},
    {CLI_END}};
#undef O

static const char *const split_synopsis[] = {
    "split --manifest CSV --name paper|full --out DIR/manifest.csv [options]",
    "split --manifest CSV --debian DEBIAN.csv --name realistic --out DIR/manifest.csv [options]",
    NULL};

const struct cli_command split_command = {
    .name = "split",
    .synopsis = split_synopsis,
    .about =
        "Write the corpus manifest's rows that belong to the named dataset with an added "
        "'split'\n"
        "column (train|test), plus counts.csv and README.md in the output's folder. Rules:\n"
        "datasets/README.md. Deterministic for a given manifest and options. 'realistic' adds\n"
        "the Debian slice manifest (datasets/debian/manifest.csv): the corpus rows are split "
        "as\n"
        "'full', the Debian rows by source package; their paths are written as "
        "'debian/<path>'\n"
        "(resolved with --debian-dir DIR by extract and check-corpus).\n",
    .options = split_options,
    .epilog = "Exit status: 0 written; 2 usage error, or a manifest that is unreadable or cannot\n"
              "be split; 4 write error.\n"
              "Debian rows listed in not-python.csv beside DEBIAN.csv (if present; column 'id')\n"
              "are left out as excluded-not-python.\n"};

static const char *const dataset_names[] = {"paper", "full", "realistic"};

#define NOT_PYTHON_FILE "not-python.csv"

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids of not-python.csv beside the Debian manifest `debian_path`, if that file exists, into
 * o (sorted; borrowed from *t, which the caller frees) and its path into `path`. 0 (also when
 * there is no such file: path ""), or -1 with the reason on `d`. */
static int read_not_python(const char *debian_path, struct split_options *o, struct csv_table **t,
                           const char **ids_out[], char *path, size_t n, struct diag *d)
{
	const char *slash = strrchr(debian_path, '/');
	long c;
	const char **ids;
	if (slash)
		snprintf(path, n, "%.*s/%s", (int)(slash - debian_path), debian_path,
		         NOT_PYTHON_FILE);
	else
		snprintf(path, n, "%s", NOT_PYTHON_FILE);
	if (access(path, F_OK) < 0) {
		path[0] = '\0';
		return 0;
	}
	if (csvio_read(path, 0, t, d) < 0)
		return -1;
	if ((c = csvio_column(*t, "id")) < 0)
		return diag_error(d, "'%s': no 'id' column", path);
	if (!(ids = calloc((*t)->n_rows + 1, sizeof(*ids))))
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < (*t)->n_rows; i++)
		ids[i] = (*t)->rows[i][c];
	qsort(ids, (*t)->n_rows, sizeof(*ids), cmp_id);
	o->not_python = ids;
	o->n_not_python = (*t)->n_rows;
	*ids_out = ids;
	return 0;
}

/* Directory part of `path` into buf ("." when none). */
static const char *dir_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, n, ".");
	else
		snprintf(buf, n, "%.*s", (int)(slash - path), path);
	return buf;
}

/* One input manifest: the corpus, or the Debian slice of `realistic`. */
struct part {
	const char *file;      /* the manifest file */
	const char *prefix;    /* prepended to its `path` cells: "" or MANIFEST_DEBIAN_PREFIX */
	struct manifest *m;    /* parsed rows */
	struct csv_table *t;   /* the same rows as read, every column */
	struct split_result r; /* assignment of each row */
};

struct count {
	enum split_assign a;
	const char *label, *kind;
	size_t n;
	const char *min, *max;
};

#define SPLIT_MAX_COUNTS 256
#define SPLIT_MAX_PARTS 2

static size_t tally(const struct part *parts, size_t n_parts, struct count *c)
{
	size_t nc = 0;
	for (int a = 0; a < SPLIT_N_ASSIGN; a++)
		for (size_t p = 0; p < n_parts; p++)
			for (size_t i = 0; i < parts[p].m->n; i++) {
				const struct manifest_row *row = &parts[p].m->rows[i];
				if ((int)parts[p].r.assign[i] != a)
					continue;
				size_t k;
				for (k = 0; k < nc; k++)
					if ((int)c[k].a == a && !strcmp(c[k].label, row->label) &&
					    !strcmp(c[k].kind, row->kind))
						break;
				if (k == nc) {
					if (nc == SPLIT_MAX_COUNTS)
						continue;
					c[nc] = (struct count){(enum split_assign)a,
					                       row->label,
					                       row->kind,
					                       0,
					                       NULL,
					                       NULL};
					nc++;
				}
				c[k].n++;
				const char *dt = row->first_seen;
				if (dt[0] && (!c[k].min || strcmp(dt, c[k].min) < 0))
					c[k].min = dt;
				if (dt[0] && (!c[k].max || strcmp(dt, c[k].max) > 0))
					c[k].max = dt;
			}
	return nc;
}

static int write_counts(const char *path, const struct count *c, size_t nc)
{
	struct csvio_out o;
	if (csvio_out_open(&o, path) < 0)
		return -1;
	static const char *const head[] = {"split", "label",          "kind",
	                                   "n",     "first_seen_min", "first_seen_max"};
	int bad = csvio_write_row(o.f, head, 6);
	for (size_t k = 0; k < nc && !bad; k++) {
		char n[32];
		snprintf(n, sizeof(n), "%zu", c[k].n);
		const char *f[] = {
		    split_assign_name(c[k].a), c[k].label, c[k].kind, n, c[k].min ? c[k].min : "",
		    c[k].max ? c[k].max : ""};
		bad = csvio_write_row(o.f, f, 6);
	}
	if (bad) {
		csvio_out_abort(&o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(&o);
}

/* Rows of assignment a (< 0: any) and label (NULL: any) and kind (NULL: any). */
static size_t sum_counts(const struct count *c, size_t nc, int a, const char *label,
                         const char *kind)
{
	size_t s = 0;
	for (size_t k = 0; k < nc; k++)
		if ((a < 0 || (int)c[k].a == a) && (!label || !strcmp(c[k].label, label)) &&
		    (!kind || !strcmp(c[k].kind, kind)))
			s += c[k].n;
	return s;
}

/* Per (label, kind): train, test and the held-out share (datasets with two manifests). */
static void write_kind_shares(FILE *f, const struct count *c, size_t nc)
{
	fprintf(f, "\nHeld-out share per kind (test / (train + test)):\n\n"
	           "| label | kind | train | test | held-out share |\n"
	           "|---|---|---:|---:|---:|\n");
	for (size_t k = 0; k < nc; k++) {
		size_t j;
		for (j = 0; j < k; j++)
			if (!strcmp(c[j].label, c[k].label) && !strcmp(c[j].kind, c[k].kind))
				break;
		if (j < k)
			continue; /* this (label, kind) is printed already */
		size_t tr = sum_counts(c, nc, SPLIT_TRAIN, c[k].label, c[k].kind),
		       te = sum_counts(c, nc, SPLIT_TEST, c[k].label, c[k].kind);
		if (tr + te)
			fprintf(f, "| %s | %s | %zu | %zu | %.3f |\n", c[k].label, c[k].kind, tr,
			        te, (double)te / (double)(tr + te));
	}
}

static int write_readme(const char *path, const struct part *parts, size_t n_parts,
                        const struct split_options *o, const char *np_path, const char *np_sha256,
                        const struct count *c, size_t nc)
{
	const struct split_result *r = &parts[0].r;
	struct csvio_out out;
	if (csvio_out_open(&out, path) < 0)
		return -1;
	FILE *f = out.f;
	fprintf(f, "# Dataset `%s`\n\n", o->name);
	fprintf(f, "Generated by `pyvet split`; do not edit (rerun the command instead). The rules "
	           "are in\n"
	           "`datasets/README.md` and `experiments/engine/split.h`.\n\n");
	fprintf(f, "- source manifest: `%s`, SHA-256 `%s`, %zu rows\n", parts[0].file,
	        parts[0].m->sha256, parts[0].m->n);
	for (size_t p = 1; p < n_parts; p++)
		fprintf(f,
		        "- Debian slice manifest: `%s`, SHA-256 `%s`, %zu rows; its paths are "
		        "written as `%s<path>`, relative to the Debian slice folder (`--debian-dir "
		        "DIR`)\n",
		        parts[p].file, parts[p].m->sha256, parts[p].m->n, parts[p].prefix);
	if (np_path && np_path[0])
		fprintf(f,
		        "- Debian rows that are not Python packages: `%s`, SHA-256 `%s`, %zu ids "
		        "(`excluded-not-python`)\n",
		        np_path, np_sha256, o->n_not_python);
	fprintf(f,
	        "- options: seed=%lu, probes=%d, n_malicious_train=%zu (0 = all older), "
	        "test_malicious=%zu (0 = share), test_malicious_share=%g, test_benign_share=%g\n",
	        o->seed, o->include_probes, o->n_train_malicious, o->n_test_malicious,
	        o->test_malicious_share, o->test_benign_share);
	fprintf(f, "- malicious counts used: train %zu, test %zu%s\n", r->n_train_malicious_req,
	        r->n_test_malicious_req,
	        r->scaled ? " (scaled down: the corpus has fewer eligible malware than requested)"
	                  : "");
	fprintf(f, "- malicious test cutoff: first_seen >= %s (train malware strictly older)\n\n",
	        r->cutoff[0] ? r->cutoff : "(none)");
	for (int a = SPLIT_TRAIN; a <= SPLIT_TEST; a++) {
		size_t mal = sum_counts(c, nc, a, "malicious", NULL),
		       ben = sum_counts(c, nc, a, "benign", NULL);
		fprintf(f,
		        "- %s: %zu packages, %zu malicious, %zu benign, malicious share %.1f %%\n",
		        split_assign_name((enum split_assign)a), mal + ben, mal, ben,
		        mal + ben ? 100.0 * (double)mal / (double)(mal + ben) : 0.0);
	}
	fprintf(f, "\n| split | label | kind | n | first_seen min | first_seen max |\n"
	           "|---|---|---|---:|---|---|\n");
	for (size_t k = 0; k < nc; k++)
		fprintf(f, "| %s | %s | %s | %zu | %s | %s |\n", split_assign_name(c[k].a),
		        c[k].label, c[k].kind, c[k].n, c[k].min ? c[k].min : "",
		        c[k].max ? c[k].max : "");
	if (n_parts > 1)
		write_kind_shares(f, c, nc);
	fprintf(f, "\nRows marked `excluded-*` are not in `manifest.csv`; the same table is in "
	           "`counts.csv`.\n");
	return csvio_out_commit(&out);
}

/* The output columns: the first manifest's (its `split` column kept in place), then the columns
 * of later manifests it lacks, then `split` if no manifest had one. */
static size_t output_columns(const struct part *parts, size_t n_parts, const char **cols,
                             size_t cap)
{
	size_t n = 0;
	int has_split = 0;
	for (size_t p = 0; p < n_parts; p++)
		for (size_t j = 0; j < parts[p].t->n_cols && n < cap; j++) {
			const char *h = parts[p].t->header[j];
			size_t k;
			for (k = 0; k < n && strcmp(cols[k], h); k++)
				;
			if (k < n || (p > 0 && !strcmp(h, "split")))
				continue;
			has_split |= !strcmp(h, "split");
			cols[n++] = h;
		}
	if (!has_split && n < cap)
		cols[n++] = "split";
	return n;
}

static int write_manifest(const char *path, const struct part *parts, size_t n_parts,
                          struct diag *d)
{
	size_t cap = 1;
	for (size_t p = 0; p < n_parts; p++)
		cap += parts[p].t->n_cols;
	const char **cols = calloc(cap, sizeof(*cols)), **f = calloc(cap, sizeof(*f));
	long *at = calloc(cap, sizeof(*at));
	struct sbuf prefixed = SBUF_INIT;
	struct csvio_out o;
	int bad = 0, opened = 0;
	if (!cols || !f || !at) {
		diag_error(d, "out of memory");
		goto fail;
	}
	size_t n_out = output_columns(parts, n_parts, cols, cap);
	for (size_t p = 0; p < n_parts; p++) {
		const struct csv_table *t = parts[p].t;
		if (t->n_rows != parts[p].m->n || csvio_column(t, "id") < 0) {
			diag_error(d, "'%s': manifest rows do not match the csv table",
			           parts[p].file);
			goto fail;
		}
	}
	if (csvio_out_open(&o, path) < 0) {
		diag_error(d, "'%s': cannot write", path);
		goto fail;
	}
	opened = 1;
	bad |= csvio_write_row(o.f, cols, n_out);
	for (size_t p = 0; p < n_parts && !bad; p++) {
		const struct part *pt = &parts[p];
		long id_col = csvio_column(pt->t, "id");
		for (size_t j = 0; j < n_out; j++)
			at[j] = csvio_column(pt->t, cols[j]);
		for (size_t i = 0; i < pt->t->n_rows && !bad; i++) {
			char **row = pt->t->rows[i];
			if (strcmp(row[id_col], pt->m->rows[i].id)) {
				diag_error(d, "'%s': row %zu: id mismatch between readers",
				           pt->file, i + 1);
				goto fail;
			}
			enum split_assign a = pt->r.assign[i];
			if (a != SPLIT_TRAIN && a != SPLIT_TEST)
				continue;
			for (size_t j = 0; j < n_out; j++) {
				if (!strcmp(cols[j], "split"))
					f[j] = split_assign_name(a);
				else if (at[j] < 0)
					f[j] = "";
				else if (pt->prefix[0] && !strcmp(cols[j], "path")) {
					sbuf_reset(&prefixed);
					if (sbuf_addf(&prefixed, "%s%s", pt->prefix, row[at[j]]) <
					    0) {
						diag_error(d, "out of memory");
						goto fail;
					}
					f[j] = prefixed.buf;
				} else
					f[j] = row[at[j]];
			}
			bad |= csvio_write_row(o.f, f, n_out);
		}
	}
	if (bad) {
		diag_error(d, "'%s': write failed", path);
		goto fail;
	}
	free(cols);
	free(f);
	free(at);
	sbuf_release(&prefixed);
	return csvio_out_commit(&o) < 0 ? diag_error(d, "'%s': commit failed", path) : 0;
fail:
	if (opened)
		csvio_out_abort(&o);
	free(cols);
	free(f);
	free(at);
	sbuf_release(&prefixed);
	return -1;
}

int split_run(const struct split_opts *so)
{
	const char *manifest_path = so->manifest, *debian_path = so->debian, *out = so->out;
	const char *name = dataset_names[so->name];
	struct split_options o;
	split_options_for(name, &o);
	if (!strcmp(name, "realistic") != !!debian_path) {
		err_report("split: '--debian FILE' is %s", debian_path
		                                               ? "only for --name realistic"
		                                               : "required by --name realistic");
		return EXIT_USAGE;
	}
	o.seed = so->seed;
	o.include_probes = so->probes;
	if (so->n_train_malicious >= 0)
		o.n_train_malicious = (size_t)so->n_train_malicious;
	if (so->n_test_malicious >= 0)
		o.n_test_malicious = (size_t)so->n_test_malicious;
	o.test_malicious_share = so->test_malicious_share;
	o.test_benign_share = so->test_benign_share;

	int rc = EXIT_USAGE;
	struct diag d;
	diag_init(&d);
	struct part parts[SPLIT_MAX_PARTS];
	size_t n_parts = debian_path ? 2 : 1;
	struct csv_table *np_table = NULL;
	const char **np_ids = NULL;
	char np_path[4200] = "", np_sha256[65] = "";
	memset(parts, 0, sizeof(parts));
	parts[0].file = manifest_path;
	parts[0].prefix = "";
	parts[1].file = debian_path;
	parts[1].prefix = MANIFEST_DEBIAN_PREFIX;
	struct count *c = calloc(SPLIT_MAX_COUNTS, sizeof(*c));
	char dir[4096], path[4200];
	if (!c) {
		err_report("split: out of memory");
		rc = EXIT_INTERNAL;
		goto end;
	}
	for (size_t p = 0; p < n_parts; p++)
		if (manifest_read(parts[p].file, &parts[p].m, &d) < 0 ||
		    csvio_read(parts[p].file, 0, &parts[p].t, &d) < 0) {
			err_report("split: %s", diag_message(&d));
			goto end;
		}
	if (debian_path && read_not_python(debian_path, &o, &np_table, &np_ids, np_path,
	                                   sizeof(np_path), &d) < 0) {
		err_report("split: %s", diag_message(&d));
		goto end;
	}
	if (np_path[0] && datafile_sha256(np_path, np_sha256) < 0) {
		err_report("split: cannot hash '%s'", np_path);
		goto end;
	}
	if (split_assign_corpus(parts[0].m, &o, &parts[0].r, &d) < 0 ||
	    (n_parts > 1 && split_assign_debian(parts[0].m, parts[1].m, &o, &parts[1].r, &d) < 0)) {
		err_report("split: %s", diag_message(&d));
		goto end;
	}
	dir_of(out, dir, sizeof(dir));
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		err_report("split: '%s': %s", dir, strerror(errno));
		goto end;
	}
	rc = EXIT_INTERNAL;
	size_t nc = tally(parts, n_parts, c);
	if (write_manifest(out, parts, n_parts, &d) < 0) {
		err_report("split: %s", diag_message(&d));
		goto end;
	}
	snprintf(path, sizeof(path), "%s/counts.csv", dir);
	if (write_counts(path, c, nc) < 0)
		goto end;
	snprintf(path, sizeof(path), "%s/README.md", dir);
	if (write_readme(path, parts, n_parts, &o, np_path, np_sha256, c, nc) < 0)
		goto end;
	size_t n_rows = 0;
	for (size_t p = 0; p < n_parts; p++)
		n_rows += parts[p].m->n;
	for (int a = SPLIT_TRAIN; a <= SPLIT_TEST; a++)
		err_report(
		    "split: %s: %zu malicious, %zu benign", split_assign_name((enum split_assign)a),
		    sum_counts(c, nc, a, "malicious", NULL), sum_counts(c, nc, a, "benign", NULL));
	err_report("split: excluded %zu (see %s/counts.csv); cutoff %s",
	           n_rows - sum_counts(c, nc, SPLIT_TRAIN, NULL, NULL) -
	               sum_counts(c, nc, SPLIT_TEST, NULL, NULL),
	           dir, parts[0].r.cutoff[0] ? parts[0].r.cutoff : "(none)");
	rc = EXIT_OK;
end:
	free(c);
	free(np_ids);
	csvio_table_free(np_table);
	for (size_t p = 0; p < SPLIT_MAX_PARTS; p++) {
		split_result_release(&parts[p].r);
		csvio_table_free(parts[p].t);
		manifest_free(parts[p].m);
	}
	diag_release(&d);
	return rc;
}
