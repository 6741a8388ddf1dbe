/* `pyvet baseline`: options and body (see baseline.h) -- alert counts of bandit and of pyvet's
 * packj-equivalent API scan on a seeded sample of benign and malicious packages, for the whole
 * package and for the root setup.py (the paper's Fig. 3 and Table 6; spec 5.8, 7.1, 7.2, D34-D36);
 * with --peer packj,guarddog also the real packj and GuardDog beside them, and the verdict, rule,
 * agreement and timing tables of issue 13 (experiments/engine/peer.h, peercmp.h).
 *
 * Outputs (each with a JSON sidecar):
 *   fig3_alerts.csv      one row per package x tool x scope:
 *                        id,name,version,label,tool,scope,alerts,high,unparsable_files,files,
 *                        files_sent,verdict,status
 *                        tool = bandit | packj_equiv | packj | guarddog (the last two with
 *                        --peer) | pyvet (with --predictions; scope package, alerts empty,
 *                        verdict = the model's prediction); scope = package | setup
 *   fig3_packj_categories.csv   id,label,scope,category,alerts (packj-equivalent, per category)
 *   fig3_summary.csv     sample,tool,scope,n,mean,q1,median,q3,whisker_low,whisker_high,min,max,
 *                        sum,n_any,n_flagged,n_error  (quartiles: linear interpolation as numpy;
 *                        whiskers: the most extreme values within 1.5 IQR of the box, as
 *                        matplotlib's boxplot; n_any = packages with at least one alert)
 *   table6_alerts.csv    source,package,id,present,label,packj_equiv.package,packj_equiv.setup,
 *                        bandit.package,bandit.setup,status,packj.package,packj.setup
 *                        (source = paper for the paper's four packages, present = 0 when the
 *                        corpus lacks them; source = sample for the first four malicious
 *                        packages of the sample by name; packj.* empty without --peer packj)
 *   peers_verdicts.csv, peers_rules.csv, peers_packj_agreement.csv, peers_packages.csv,
 *   peers_counts.csv     with --peer packj and/or guarddog (engine/peercmp.h); the timing
 *                        summary of every tool is in peers_verdicts.json ("timing")
 *
 * Verdicts (the tools print none; documented rules): bandit flags a scope when it reports at
 * least one HIGH-severity issue in it; the packj-equivalent scan flags a scope when it has at
 * least one call site in SINK_PROCESS_OPERATION or SOURCE_OBFUSCATION (runs a process, reads
 * hidden code); packj flags a scope with at least one static risk item, GuardDog with at least
 * one issue (engine/peercmp.h lists its label rules). */
#include "experiments/run/baseline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/analysis/analysis.h"
#include "core/analysis/apiscan.h"
#include "core/analysis/domains.h"
#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/err.h"
#include "core/base/results.h"
#include "core/base/rng.h"
#include "core/base/workq.h"
#include "core/pkg/manifest.h"
#include "core/pkg/package.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/engine/bandit.h"
#include "experiments/engine/cleanup.h"
#include "experiments/engine/peercmp.h"
#include "experiments/engine/peerrun.h"

#define O struct baseline_opts
static const struct cli_option baseline_options[] = {
    {CLI_STRING("manifest", O, manifest, "CSV", NULL, "a dataset manifest (with a split column)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("corpus", O, corpus, "DIR", "../shared/corpus",
                "folder the manifest paths are relative to")},
    {CLI_STRING("split", O, split, "NAME", "test",
                "sample from rows with this split ('all' = any)")},
    {CLI_STRING("ids-from", O, ids_from, "CSV", NULL,
                "sample only among the ids of this CSV (column 'id')")},
    {CLI_STRING("n-benign", O, n_benign, "N|all", "50",
                "benign packages sampled ('all' = every one)")},
    {CLI_STRING("n-malicious", O, n_malicious, "N|all", "50",
                "malicious packages sampled ('all' = every one)")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL, "run seed")},
    {CLI_STRING("out", O, out, "CSV", "results/fig3_alerts.csv",
                "per-package rows; the summary, categories and table6_alerts.csv go to the same "
                "folder")},
    {CLI_STRING("bandit", O, bandit, "PATH", NULL, "bandit executable (default: bandit on PATH)")},
    {CLI_ENUM("bandit-mode", O, bandit_mode, "memfd", "memfd|stdin",
              "memfd: one bandit per batch of in-memory files; stdin: one 'bandit -f json -' per "
              "file (spec D35)")},
    {CLI_FLAG("no-bandit", O, no_bandit, "packj-equivalent counts only")},
    {CLI_SIZE("max-files", O, max_files, "N", "1000", "[0, 1000000]",
              ".py files per package sent to bandit")},
    {CLI_SIZE("timeout", O, timeout, "S", "120", "[0, 1000000]", "seconds per bandit process")},
    {CLI_SIZE("jobs", O, jobs, "N", "2", "[0, 1000000]",
              "packages analysed in parallel (0 is taken as 1, more than 64 as 64)")},
    {CLI_STRING("predictions", O, predictions, "CSV", NULL,
                "pyvet verdicts (id,pred|verdict[,learner]) added as tool 'pyvet'")},
    {CLI_STRING("pred-learner", O, pred_learner, "L", "stack",
                "learner rows to use from --predictions")},
    {CLI_STRING("operating-points", O, operating_points, "CSV", NULL,
                "thresholds of that learner (learner,target_fpr,threshold) for the verdict table "
                "(pyvet reproduce's operating_points.csv)")},
    {CLI_STRING("peer", O, peer, "LIST", NULL,
                "peers (issue 13; `make peers` first): tools among bandit,packj,guarddog "
                "(default bandit); packj and GuardDog add rows to fig3_alerts.csv and "
                "table6_alerts.csv and write peers_*.csv; they are skipped with a message when "
                "not set up. They run as separate programs on a copy of the package in a private "
                "scratch directory deleted after each package")},
    {CLI_STRING("peers-env", O, peers_env, "FILE", "build/peers/env",
                "the file `make peers` writes")},
    {CLI_STRING("peers-dir", O, peers_dir, "DIR", NULL,
                "launcher scripts (default: PEERS_DIR of that file)")},
    {CLI_SIZE("peer-timeout", O, peer_timeout, "S", "300", "[0, 1000000]",
              "seconds per peer process")},
    {CLI_STRING("scratch", O, scratch, "DIR", NULL,
                "base of the scratch directories (default $TMPDIR, else /dev/shm when it is a "
                "tmpfs, else /tmp)")},
    {CLI_STRING("dataset", O, dataset, "NAME", NULL,
                "name of the package set in peers_verdicts.csv (default: the split)")},
    {CLI_FLAG("no-peer-tables", O, no_peer_tables,
              "with --peer, only the Fig. 3 / Table 6 rows, no peers_*.csv")},
    {CLI_STRING("debian-dir", O, debian_dir, "D", NULL,
                "the Debian slice: manifest paths 'debian/...' are relative to D")},
    {CLI_END}};
#undef O

static const char *const baseline_synopsis[] = {"baseline --manifest CSV [options]", NULL};

const struct cli_command baseline_command = {
    .name = "baseline",
    .synopsis = baseline_synopsis,
    .about =
        "Count bandit alerts and packj-equivalent API alerts (pyvet's scan) on a seeded sample\n"
        "of benign and malicious packages, whole package and root setup.py (paper Fig. 3,\n"
        "Table 6). Packages are read in memory; bandit gets each .py member without any file\n"
        "being written to disk.\n",
    .options = baseline_options,
    .epilog = "Exit status: 0 done; 2 usage error or an unusable input (manifest, data files,\n"
              "bandit); 3 some packages could not be analysed (a peer's failure is not counted);\n"
              "4 write error.\n"};

enum { STREAM_SAMPLE_BENIGN = 11, STREAM_SAMPLE_MALICIOUS = 12 };
enum { SCOPE_PACKAGE = 0, SCOPE_SETUP = 1, N_SCOPES = 2 };
enum { TOOL_BANDIT = 0, TOOL_PACKJ = 1, TOOL_PACKJ_REAL = 2, TOOL_GUARDDOG = 3, N_TOOLS = 4 };
#define N_CATS 11
#define BASELINE_PATH_MAX 4096

static const char *const scope_names[N_SCOPES] = {"package", "setup"};
static const char *const tool_names[N_TOOLS] = {"bandit", "packj_equiv", "packj", "guarddog"};
/* The peer (engine/peer.h) behind each tool, -1 for bandit and the packj-equivalent scan. */
static const int tool_peer[N_TOOLS] = {-1, -1, PEER_PACKJ, PEER_GUARDDOG};

/* The paper's Table 6 packages (Sec. 5.3). */
static const struct {
	const char *name, *version;
} paper_table6[] = {{"2022-requests", "3.0.0"},
                    {"typing-unions", "3.10.0.1"},
                    {"rumihelling", "0.0.1"},
                    {"dlcsord", "1.0.3"}};

struct job {
	const struct manifest_row *row;
	int in_sample;
	/* results */
	char status[DIAG_MSG_MAX]; /* "" = ok */
	size_t py_files, files_sent, setup_files;
	long alerts[N_TOOLS][N_SCOPES];
	long high[N_SCOPES];       /* bandit HIGH-severity results */
	long unparsable[N_SCOPES]; /* bandit */
	long flagged[N_TOOLS][N_SCOPES];
	long cat[N_SCOPES][N_CATS]; /* packj-equivalent per category */
	int pred;                   /* pyvet verdict, -1 unknown */
	double score;               /* pyvet score (--predictions with a score column), NaN */
	int analysed;               /* pyvet's analysis succeeded (packj-equivalent counts) */
	struct bandit_usage bu;     /* bandit's time on this package */
	struct peerrun_pkg peers;   /* packj, GuardDog, pyvet's timing (--peer) */
};

struct shared {
	struct job *jobs;
	size_t n_jobs;
	const char *corpus;
	const char *debian_dir; /* --debian-dir: where "debian/..." paths live (or NULL) */
	const struct analysis_ctx *ctx;
	const struct bandit *bandit;
	enum bandit_mode mode;
	size_t max_files;
	int use_bandit;
	const struct peerrun *pr; /* NULL without --peer packj/guarddog */
};

static int cat_index(const char *cat)
{
	for (int i = 0; i < N_CATS && api_categories[i]; i++)
		if (cat && !strcmp(cat, api_categories[i]))
			return i;
	return -1;
}

static int packj_flags(const char *cat)
{
	return cat &&
	       (!strcmp(cat, "SINK_PROCESS_OPERATION") || !strcmp(cat, "SOURCE_OBFUSCATION"));
}

/* The peers' counts into the job's per-tool arrays, as bandit's are. */
static void absorb_peers(struct job *j)
{
	for (int t = TOOL_PACKJ_REAL; t < N_TOOLS; t++) {
		const struct peer_result *r = &j->peers.peer[tool_peer[t]];
		if (!r->ok)
			continue;
		for (int s = 0; s < N_SCOPES; s++)
			j->alerts[t][s] = r->alerts[s] > 0 ? r->alerts[s] : 0;
		j->flagged[t][SCOPE_PACKAGE] = r->flagged;
		j->flagged[t][SCOPE_SETUP] = r->flagged_setup;
	}
}

/* Analyse one package: packj-equivalent counts from the analysis, bandit counts per file; with
 * --peer, packj and GuardDog (and pyvet's timing) after pyvet's own reader is done with it. */
static void run_job(struct shared *sh, struct job *j)
{
	struct diag d;
	struct package *p = NULL;
	struct analysis *a = NULL;
	const void **srcs = NULL;
	size_t *lens = NULL;
	struct bandit_counts *bc = NULL;
	char *path;
	diag_init(&d);
	path = manifest_package_path(j->row, sh->corpus, sh->debian_dir, &d);
	if (!path || package_open(&p, path, NULL, &d) < 0 || analysis_run(p, sh->ctx, &a, &d) < 0) {
		snprintf(j->status, sizeof(j->status), "%s", diag_message(&d));
		goto end;
	}
	j->analysed = 1;
	for (size_t i = 0; i < a->n_hits; i++) {
		const struct file_api_hit *h = &a->hits[i];
		int c = cat_index(h->hit.category);
		for (int s = 0; s < N_SCOPES; s++) {
			if (s == SCOPE_SETUP && h->file != a->setup_py)
				continue;
			j->alerts[TOOL_PACKJ][s]++;
			if (c >= 0)
				j->cat[s][c]++;
			if (packj_flags(h->hit.category))
				j->flagged[TOOL_PACKJ][s] = 1;
		}
	}
	j->setup_files = a->setup_py != NULL;
	if (!sh->use_bandit)
		goto end;
	/* Python members with their bytes; the root setup.py first so the file cap never drops it.
	 */
	srcs = calloc(p->n_files + 1, sizeof(*srcs));
	lens = calloc(p->n_files + 1, sizeof(*lens));
	bc = calloc(p->n_files + 1, sizeof(*bc));
	if (!srcs || !lens || !bc) {
		snprintf(j->status, sizeof(j->status), "out of memory");
		goto end;
	}
	size_t n = 0;
	long setup_at = -1;
	const struct package_file *setup = a->setup_py ? a->setup_py->member : NULL;
	if (setup && setup->data) {
		setup_at = 0;
		srcs[n] = setup->data;
		lens[n++] = setup->size;
	}
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		if (f->kind != PKGFS_FILE || !package_is_python(f))
			continue;
		j->py_files++;
		if (f == setup || !f->data || n >= sh->max_files)
			continue;
		srcs[n] = f->data;
		lens[n++] = f->size;
	}
	j->files_sent = n;
	int failed = bandit_run_files(sh->bandit, sh->mode, srcs, lens, n, bc, &j->bu, &d);
	if (failed < 0 || failed > 0) {
		snprintf(j->status, sizeof(j->status), "bandit: %s", diag_message(&d));
		goto end;
	}
	for (size_t i = 0; i < n; i++)
		for (int s = 0; s < N_SCOPES; s++) {
			if (s == SCOPE_SETUP && (long)i != setup_at)
				continue;
			j->alerts[TOOL_BANDIT][s] += bc[i].results;
			j->high[s] += bc[i].high;
			j->unparsable[s] += bc[i].errors;
			if (bc[i].high > 0)
				j->flagged[TOOL_BANDIT][s] = 1;
		}
end:
	free(srcs);
	free(lens);
	free(bc);
	analysis_free(a);
	package_free(p);
	diag_release(&d);
	if (sh->pr && path) {
		peerrun_package(sh->pr, path, &j->peers);
		absorb_peers(j);
	}
	free(path);
}

/* Work-queue item i: package jobs[i]. */
static void run_item(void *arg, size_t i, size_t thread)
{
	struct shared *sh = arg;
	(void)thread;
	run_job(sh, &sh->jobs[i]);
}

/* Progress line after each package (serialised by the work queue). */
static void item_done(void *arg, size_t i, size_t done)
{
	struct shared *sh = arg;
	err_report("baseline: [%zu/%zu] %s %s: %zu .py sent to bandit%s%s", done, sh->n_jobs,
	           sh->jobs[i].row->name, sh->jobs[i].row->version, sh->jobs[i].files_sent,
	           sh->jobs[i].status[0] ? "; error: " : "",
	           sh->jobs[i].status); /* escaped: manifest and package strings */
}

static int cmp_row_id(const void *a, const void *b)
{
	const struct manifest_row *x = *(const struct manifest_row *const *)a;
	const struct manifest_row *y = *(const struct manifest_row *const *)b;
	return strcmp(x->id, y->id);
}

static int cmp_job_label_name(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	if (x->in_sample != y->in_sample)
		return y->in_sample - x->in_sample;
	if (x->row->y != y->row->y)
		return x->row->y - y->row->y;
	int c = strcmp(x->row->name, y->row->name);
	return c ? c : strcmp(x->row->id, y->row->id);
}

static int str_in(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Box statistics as numpy/matplotlib compute them. */
struct box {
	size_t n;
	double mean, q1, median, q3, wlo, whi, min, max, sum;
};

static void box_stats(double *x, size_t n, struct box *b)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	if (!n) {
		b->mean = b->q1 = b->median = b->q3 = b->wlo = b->whi = b->min = b->max = NAN;
		return;
	}
	gsl_sort(x, 1, n);
	b->mean = gsl_stats_mean(x, 1, n);
	b->q1 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.25);
	b->median = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.5);
	b->q3 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.75);
	b->min = x[0];
	b->max = x[n - 1];
	double iqr = b->q3 - b->q1, lo = b->q1 - 1.5 * iqr, hi = b->q3 + 1.5 * iqr;
	b->wlo = b->q1;
	b->whi = b->q3;
	for (size_t i = 0; i < n; i++) {
		b->sum += x[i];
		if (x[i] >= lo && x[i] < b->wlo)
			b->wlo = x[i];
		if (x[i] <= hi && x[i] > b->whi)
			b->whi = x[i];
	}
}

static void put_long(char *buf, size_t n, long v)
{
	snprintf(buf, n, "%ld", v);
}

/* The job's status for tool t: "" when the tool gave a result. */
static const char *tool_status(const struct job *j, int t)
{
	if (tool_peer[t] < 0)
		return j->status;
	const struct peer_result *r = &j->peers.peer[tool_peer[t]];
	return r->ok ? "" : r->status[0] ? r->status : "not run";
}

/* Files the tool was given in scope s. */
static long files_given(const struct job *j, int t, int s)
{
	if (s == SCOPE_SETUP)
		return (long)j->setup_files;
	if (t == TOOL_BANDIT)
		return (long)j->files_sent;
	if (t == TOOL_PACKJ_REAL)
		return (long)j->peers.peer[PEER_PACKJ].unpacked.written;
	return t == TOOL_GUARDDOG ? 1 : (long)j->py_files; /* GuardDog: the archive */
}

static int write_alerts(const char *path, const struct job *jobs, size_t n, int with_pred,
                        const int *on)
{
	struct csvio_out o;
	static const char *const head[] = {
	    "id",     "name", "version",          "label", "tool",       "scope",
	    "alerts", "high", "unparsable_files", "files", "files_sent", "verdict",
	    "status"};
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 13);
	for (size_t i = 0; i < n && !bad; i++) {
		const struct job *j = &jobs[i];
		if (!j->in_sample)
			continue;
		for (int t = 0; t < N_TOOLS; t++)
			for (int s = 0; s < N_SCOPES && on[t]; s++) {
				char al[32], hi[32], un[32], fi[32], fs[32], ve[32];
				const char *st = tool_status(j, t);
				int err = st[0] != 0;
				put_long(al, sizeof(al), j->alerts[t][s]);
				put_long(hi, sizeof(hi), t == TOOL_BANDIT ? j->high[s] : 0);
				put_long(un, sizeof(un), t == TOOL_BANDIT ? j->unparsable[s] : 0);
				put_long(fi, sizeof(fi),
				         (long)(s == SCOPE_SETUP ? j->setup_files : j->py_files));
				put_long(fs, sizeof(fs), files_given(j, t, s));
				put_long(ve, sizeof(ve), j->flagged[t][s]);
				const char *f[] = {j->row->id,
				                   j->row->name,
				                   j->row->version,
				                   j->row->label,
				                   tool_names[t],
				                   scope_names[s],
				                   err ? "" : al,
				                   err ? "" : hi,
				                   err ? "" : un,
				                   fi,
				                   fs,
				                   err ? "" : ve,
				                   err ? st : "ok"};
				bad |= csvio_write_row(o.f, f, 13);
			}
		if (with_pred) {
			char ve[32];
			put_long(ve, sizeof(ve), j->pred);
			const char *f[] = {j->row->id,
			                   j->row->name,
			                   j->row->version,
			                   j->row->label,
			                   "pyvet",
			                   "package",
			                   "",
			                   "",
			                   "",
			                   "",
			                   "",
			                   j->pred < 0 ? "" : ve,
			                   j->pred < 0 ? "no prediction for this package" : "ok"};
			bad |= csvio_write_row(o.f, f, 13);
		}
	}
	if (bad) {
		csvio_out_abort(&o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(&o);
}

static int write_categories(const char *path, const struct job *jobs, size_t n)
{
	struct csvio_out o;
	static const char *const head[] = {"id", "label", "scope", "category", "alerts"};
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 5);
	for (size_t i = 0; i < n && !bad; i++) {
		if (!jobs[i].in_sample || jobs[i].status[0])
			continue;
		for (int s = 0; s < N_SCOPES; s++)
			for (int c = 0; c < N_CATS && api_categories[c]; c++) {
				char v[32];
				put_long(v, sizeof(v), jobs[i].cat[s][c]);
				const char *f[] = {jobs[i].row->id, jobs[i].row->label,
				                   scope_names[s], api_categories[c], v};
				bad |= csvio_write_row(o.f, f, 5);
			}
	}
	if (bad) {
		csvio_out_abort(&o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(&o);
}

static int write_summary(const char *path, const struct job *jobs, size_t n, int with_pred,
                         const int *on)
{
	struct csvio_out o;
	static const char *const head[] = {
	    "sample",      "tool",         "scope", "n",   "mean", "q1",    "median",    "q3",
	    "whisker_low", "whisker_high", "min",   "max", "sum",  "n_any", "n_flagged", "n_error"};
	double *x = calloc(n ? n : 1, sizeof(*x));
	if (!x)
		return err_report("out of memory");
	if (csvio_out_open(&o, path) < 0) {
		free(x);
		return -1;
	}
	int bad = csvio_write_row(o.f, head, 16);
	for (int y = 0; y <= 1; y++)
		for (int t = 0; t < N_TOOLS + with_pred; t++)
			for (int s = 0; s < N_SCOPES; s++) {
				if ((t == N_TOOLS && s == SCOPE_SETUP) || (t < N_TOOLS && !on[t]))
					continue;
				size_t k = 0, n_any = 0, n_flag = 0, n_err = 0;
				for (size_t i = 0; i < n; i++) {
					const struct job *j = &jobs[i];
					if (!j->in_sample || j->row->y != y)
						continue;
					if (t == N_TOOLS) {
						k += j->pred >= 0;
						n_flag += j->pred == 1;
						n_err += j->pred < 0;
						continue;
					}
					if (tool_status(j, t)[0]) {
						n_err++;
						continue;
					}
					x[k++] = (double)j->alerts[t][s];
					n_any += j->alerts[t][s] > 0;
					n_flag += j->flagged[t][s] > 0;
				}
				struct box b;
				box_stats(x, t == N_TOOLS ? 0 : k, &b);
				char num[11][40];
				double v[] = {b.mean, b.q1,  b.median, b.q3, b.wlo,
				              b.whi,  b.min, b.max,    b.sum};
				snprintf(num[0], sizeof(num[0]), "%zu", k);
				for (int q = 0; q < 9; q++) {
					if (t == N_TOOLS || isnan(v[q]))
						num[1 + q][0] = '\0';
					else
						snprintf(num[1 + q], sizeof(num[1 + q]), "%.17g",
						         v[q]);
				}
				char na[32], nf[32], ne[32];
				snprintf(na, sizeof(na), "%zu", n_any);
				snprintf(nf, sizeof(nf), "%zu", n_flag);
				snprintf(ne, sizeof(ne), "%zu", n_err);
				const char *f[] = {y ? "malicious" : "benign",
				                   t == N_TOOLS ? "pyvet" : tool_names[t],
				                   scope_names[s],
				                   num[0],
				                   num[1],
				                   num[2],
				                   num[3],
				                   num[4],
				                   num[5],
				                   num[6],
				                   num[7],
				                   num[8],
				                   num[9],
				                   t == N_TOOLS ? "" : na,
				                   nf,
				                   ne};
				bad |= csvio_write_row(o.f, f, 16);
			}
	free(x);
	if (bad) {
		csvio_out_abort(&o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(&o);
}

/* One Table 6 row: the packj-equivalent and bandit counts (empty when the package failed), then
 * the real packj's (empty when it did not run or failed). */
static int table6_row(FILE *f, const char *source, const char *pkg, const struct job *j,
                      const char *missing)
{
	char v[6][32];
	static const int col_tool[6] = {TOOL_PACKJ,  TOOL_PACKJ,      TOOL_BANDIT,
	                                TOOL_BANDIT, TOOL_PACKJ_REAL, TOOL_PACKJ_REAL};
	int ok = j && !j->status[0];
	int real_ok = j && j->peers.peer[PEER_PACKJ].ok;
	for (int q = 0; q < 6; q++)
		if (j)
			put_long(v[q], sizeof(v[q]), j->alerts[col_tool[q]][q % 2]);
	const char *row[] = {source,
	                     pkg,
	                     j ? j->row->id : "",
	                     j ? "1" : "0",
	                     j ? j->row->label : "",
	                     ok ? v[0] : "",
	                     ok ? v[1] : "",
	                     ok ? v[2] : "",
	                     ok ? v[3] : "",
	                     !j   ? missing
	                     : ok ? "ok"
	                          : j->status,
	                     real_ok ? v[4] : "",
	                     real_ok ? v[5] : ""};
	return csvio_write_row(f, row, 12);
}

static int write_table6(const char *path, struct job *jobs, size_t n_jobs,
                        const struct manifest_row *const paper_rows[4])
{
	struct csvio_out o;
	static const char *const head[] = {"source",
	                                   "package",
	                                   "id",
	                                   "present",
	                                   "label",
	                                   "packj_equiv.package",
	                                   "packj_equiv.setup",
	                                   "bandit.package",
	                                   "bandit.setup",
	                                   "status",
	                                   "packj.package",
	                                   "packj.setup"};
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 12);
	for (int k = 0; k < 4 && !bad; k++) {
		char pkg[300];
		snprintf(pkg, sizeof(pkg), "%s-%s", paper_table6[k].name, paper_table6[k].version);
		const struct job *j = NULL;
		for (size_t i = 0; paper_rows[k] && i < n_jobs; i++)
			if (jobs[i].row == paper_rows[k])
				j = &jobs[i];
		bad |= table6_row(o.f, "paper", pkg, j, "not in the corpus");
	}
	int shown = 0;
	for (size_t i = 0; i < n_jobs && shown < 4 && !bad; i++) {
		const struct job *j = &jobs[i];
		if (!j->in_sample || j->row->y != 1)
			continue;
		char pkg[600];
		snprintf(pkg, sizeof(pkg), "%s-%s", j->row->name, j->row->version);
		bad |= table6_row(o.f, "sample", pkg, j, "");
		shown++;
	}
	if (bad) {
		csvio_out_abort(&o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(&o);
}

/* Predictions CSV (id, pred; optional learner column filtered to `learner`; optional score and
 * threshold columns, as `pyvet cv --test --scores` writes: the scores go to jobs[].score and the
 * learner's threshold to *threshold, NaN when absent). */
static int load_predictions(const char *path, const char *learner, struct job *jobs, size_t n,
                            double *threshold, struct diag *d)
{
	struct csv_table *t = NULL;
	*threshold = NAN;
	if (csvio_read(path, 0, &t, d) < 0)
		return -1;
	long ci = csvio_column(t, "id"), cp = csvio_column(t, "pred"),
	     cl = csvio_column(t, "learner"), cs = csvio_column(t, "score"),
	     ct = csvio_column(t, "threshold");
	if (cp < 0)
		cp = csvio_column(t, "verdict"); /* `pyvet cv --test --scores` */
	if (ci < 0 || cp < 0) {
		csvio_table_free(t);
		return diag_error(d, "'%s': needs columns 'id' and 'pred' (or 'verdict')", path);
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		if (cl >= 0 && strcmp(t->rows[r][cl], learner))
			continue;
		double v;
		if (ct >= 0 && isnan(*threshold) && csvio_parse_double(t->rows[r][ct], &v) == 0)
			*threshold = v;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(jobs[i].row->id, t->rows[r][ci])) {
				jobs[i].pred = !strcmp(t->rows[r][cp], "malicious") ||
				               !strcmp(t->rows[r][cp], "1");
				if (cs >= 0 && csvio_parse_double(t->rows[r][cs], &v) == 0)
					jobs[i].score = v;
			}
	}
	csvio_table_free(t);
	return 0;
}

#define MAX_OPERATING_POINTS 16

/* Operating points (`pyvet reproduce`'s operating_points.csv: learner,target_fpr,threshold,...)
 * of `learner` appended to thr[*n] (at most MAX_OPERATING_POINTS in all). 0 or -1. */
static int load_operating_points(const char *path, const char *learner, struct cmp_threshold *thr,
                                 size_t *n, struct diag *d)
{
	struct csv_table *t = NULL;
	if (csvio_read(path, 0, &t, d) < 0)
		return -1;
	long cl = csvio_column(t, "learner"), cf = csvio_column(t, "target_fpr"),
	     ct = csvio_column(t, "threshold");
	if (cl < 0 || cf < 0 || ct < 0) {
		csvio_table_free(t);
		return diag_error(d, "'%s': needs columns learner, target_fpr, threshold", path);
	}
	for (size_t r = 0; r < t->n_rows && *n < MAX_OPERATING_POINTS; r++) {
		struct cmp_threshold c;
		if (strcmp(t->rows[r][cl], learner) ||
		    csvio_parse_double(t->rows[r][ct], &c.t) < 0 ||
		    csvio_parse_double(t->rows[r][cf], &c.target_fpr) < 0 || !isfinite(c.t))
			continue;
		thr[(*n)++] = c;
	}
	csvio_table_free(t);
	return 0;
}

static double now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --peer LIST: bandit, packj, guarddog; bandit is on only when listed. 0, or -1 (message). */
static int parse_peer_list(const char *list, int *use_bandit, int want[PEER_N_TOOLS])
{
	char buf[256];
	int bandit = 0;
	if (strlen(list) >= sizeof(buf)) {
		return err_report("baseline: '--peer': list too long");
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "bandit"))
			bandit = 1;
		else if (!strcmp(t, "packj"))
			want[PEER_PACKJ] = 1;
		else if (!strcmp(t, "guarddog"))
			want[PEER_GUARDDOG] = 1;
		else {
			return err_report(
			    "baseline: '--peer': unknown tool '%s' (bandit, packj, guarddog)", t);
		}
	}
	*use_bandit = *use_bandit && bandit;
	return 0;
}

/* The repository: the folder above featuresets/data (where the shipped data files are). */
static const char *repo_root(char *buf, size_t n)
{
	static const char tail[] = "featuresets/data/python_apis.csv";
	if (!datafile_path("python_apis.csv", buf, n))
		return ".";
	size_t len = strlen(buf), k = sizeof(tail) - 1;
	if (len >= k && !strcmp(buf + len - k, tail)) {
		buf[len - k] = '\0';
		if (!buf[0])
			snprintf(buf, n, ".");
	}
	return buf;
}

/* The peers' configuration, skip reason and errors in the sidecar. */
static void peers_sidecar(struct sidecar *sc, const struct peerrun *pr, const int *on,
                          double timeout, const struct job *jobs, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return;
	cJSON_AddStringToObject(o, "skipped", pr->skipped);
	cJSON_AddStringToObject(o, "python", pr->cfg.python);
	cJSON_AddStringToObject(o, "launchers", pr->cfg.launchers);
	cJSON_AddStringToObject(o, "packj_src", pr->cfg.packj_src);
	cJSON_AddStringToObject(o, "guarddog_src", pr->cfg.guarddog_src);
	cJSON_AddStringToObject(o, "pydeps", pr->cfg.pydeps);
	cJSON_AddStringToObject(o, "sources", pr->cfg.sources);
	cJSON_AddStringToObject(o, "scratch_base", pr->cfg.scratch_base);
	cJSON_AddBoolToObject(o, "scratch_tmpfs", pr->cfg.scratch_tmpfs);
	cJSON_AddNumberToObject(o, "timeout_s", timeout);
	cJSON_AddBoolToObject(o, "guarddog_metadata", pr->cfg.guarddog_metadata);
	for (int t = TOOL_PACKJ_REAL; t < N_TOOLS; t++) {
		char key[64];
		size_t failed = 0, timed_out = 0;
		for (size_t i = 0; i < n; i++) {
			const struct peer_result *r = &jobs[i].peers.peer[tool_peer[t]];
			failed += r->ran && !r->ok;
			timed_out += r->timed_out != 0;
		}
		cJSON_AddBoolToObject(o, tool_names[t], on[t]);
		snprintf(key, sizeof(key), "%s_errors", tool_names[t]);
		cJSON_AddNumberToObject(o, key, (double)failed);
		snprintf(key, sizeof(key), "%s_timeouts", tool_names[t]);
		cJSON_AddNumberToObject(o, key, (double)timed_out);
	}
	sidecar_set_json(sc, "peers", o);
	sidecar_set_string(sc, "verdict_rule_packj", "at least one static risk item (packj's own)");
	sidecar_set_string(sc, "verdict_rule_guarddog",
	                   "at least one issue (GuardDog's count); setup: a finding in setup.py");
}

/* The peer comparison tables (engine/peercmp.h) over the sampled packages. */
static int write_peer_tables(const char *dir, const char *dataset, const struct job *jobs,
                             size_t n_jobs, const int *on, int use_bandit, const char *learner,
                             const struct cmp_threshold *thr, size_t n_thr, double run_s,
                             size_t jobs_n, struct sidecar *sc)
{
	char path[BASELINE_PATH_MAX];
	struct cmp_package *p = calloc(n_jobs ? n_jobs : 1, sizeof(*p));
	struct peer_count(*eq)[N_CATS] = calloc(n_jobs ? n_jobs : 1, sizeof(*eq));
	size_t n = 0;
	int bad = 0;
	if (!p || !eq) {
		free(p);
		free(eq);
		return err_report("out of memory");
	}
	for (size_t i = 0; i < n_jobs; i++) {
		const struct job *j = &jobs[i];
		struct cmp_package *c = &p[n];
		if (!j->in_sample)
			continue;
		c->id = j->row->id;
		c->name = j->row->name;
		c->version = j->row->version;
		c->label = j->row->label;
		c->y = j->row->y;
		for (int t = 0; t < CMP_N_TOOLS; t++)
			cmp_result_init(&c->r[t]);
		struct cmp_result *b = &c->r[CMP_BANDIT];
		b->ran = use_bandit && j->analysed;
		b->ok = b->timed = b->ran && !j->status[0];
		b->timed_out = strstr(j->status, "timed out") != NULL;
		b->flag[0] = (int)j->flagged[TOOL_BANDIT][SCOPE_PACKAGE];
		b->alerts[0] = j->alerts[TOOL_BANDIT][SCOPE_PACKAGE];
		b->alerts[1] = j->alerts[TOOL_BANDIT][SCOPE_SETUP];
		b->wall_s = j->bu.processes ? j->bu.wall_s : (double)NAN;
		b->cpu_s = j->bu.processes ? j->bu.cpu_s : (double)NAN;
		b->status = j->status;
		struct cmp_result *e = &c->r[CMP_PACKJ_EQUIV];
		size_t k = 0;
		for (int q = 0; q < N_CATS && api_categories[q]; q++)
			if (j->cat[SCOPE_PACKAGE][q] > 0) {
				snprintf(eq[n][k].name, sizeof(eq[n][k].name), "%s",
				         api_categories[q]);
				eq[n][k++].n = j->cat[SCOPE_PACKAGE][q];
			}
		e->ran = 1;
		e->ok = j->analysed;
		e->flag[0] = (int)j->flagged[TOOL_PACKJ][SCOPE_PACKAGE];
		e->alerts[0] = j->alerts[TOOL_PACKJ][SCOPE_PACKAGE];
		e->alerts[1] = j->alerts[TOOL_PACKJ][SCOPE_SETUP];
		e->counts = eq[n];
		e->n_counts = k;
		e->status = j->analysed ? "" : j->status;
		for (int t = TOOL_PACKJ_REAL; t < N_TOOLS; t++) {
			const struct peer_result *r = &j->peers.peer[tool_peer[t]];
			struct cmp_result *x =
			    &c->r[t == TOOL_PACKJ_REAL ? CMP_PACKJ : CMP_GUARDDOG];
			x->ran = on[t] && r->ran;
			x->ok = x->timed = r->ok;
			x->timed_out = r->timed_out;
			x->flag[0] = r->flagged;
			x->flag[1] = t == TOOL_PACKJ_REAL ? r->flagged_api : r->label_suspicious;
			x->flag[2] = r->label_high;
			x->alerts[0] = r->alerts[0];
			x->alerts[1] = r->alerts[1];
			x->wall_s = r->wall_s;
			x->cpu_s = r->cpu_s;
			x->score = r->score;
			x->label = r->label[0] ? r->label : NULL;
			x->counts = r->counts;
			x->n_counts = r->n_counts;
			x->evidence = r->evidence;
			x->status = r->status;
		}
		struct cmp_result *v = &c->r[CMP_PYVET];
		v->ran = j->peers.pyvet_ran || !isnan(j->score);
		v->ok = !isnan(j->score) && (!j->peers.pyvet_ran || j->peers.pyvet_ok);
		v->timed = j->peers.pyvet_ok;
		v->score = j->score;
		v->flag[0] = n_thr && !isnan(j->score) && j->score > thr[0].t;
		v->wall_s = j->peers.pyvet_wall_s;
		v->cpu_s = j->peers.pyvet_cpu_s;
		v->evidence = j->peers.pyvet_evidence;
		v->status = j->peers.pyvet_status[0] ? j->peers.pyvet_status
		            : isnan(j->score)        ? "no pyvet score for this package"
		                                     : "";
		n++;
	}
	cJSON *timing = cmp_timing_json(p, n);
	sidecar_set_json(sc, "timing", timing);
	sidecar_set_number(sc, "run_wall_seconds", run_s);
	sidecar_set_number(sc, "run_jobs", (double)jobs_n);
	sidecar_set_string(sc, "timing_note",
	                   "per package: wall and CPU time of the tool's processes (pyvet: "
	                   "extraction of meta,code,file,text in-process); packages ran "
	                   "--jobs at a time");
	snprintf(path, sizeof(path), "%s/peers_verdicts.csv", dir);
	bad |= cmp_write_verdicts(path, dataset, p, n, learner, thr, n_thr) < 0 ||
	       sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/peers_rules.csv", dir);
	bad |= cmp_write_rules(path, p, n) < 0 || sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/peers_packj_agreement.csv", dir);
	bad |= cmp_write_packj_agreement(path, p, n) < 0 || sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/peers_packages.csv", dir);
	bad |= cmp_write_packages(path, p, n) < 0 || sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/peers_counts.csv", dir);
	bad |= cmp_write_counts(path, p, n) < 0 || sidecar_write(sc, path) < 0;
	free(p);
	free(eq);
	return bad ? -1 : 0;
}

/* Look for the row of (name, version) in m; NULL if absent. */
static const struct manifest_row *find_row(const struct manifest *m, const char *name,
                                           const char *version)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (!strcasecmp(m->rows[i].name, name) && !strcmp(m->rows[i].version, version))
			return &m->rows[i];
	return NULL;
}

/* The state of one run: the inputs read, the sample, the shared analysis context. */
struct bl_run {
	struct manifest *m, *corpus_m;
	struct csv_table *ids;
	char **id_list;
	size_t n_ids;
	struct job *jobs;
	size_t n_jobs;
	const struct manifest_row *paper_rows[4];
	struct api_table *apis;
	struct domains *doms;
	struct bandit bandit;
	struct analysis_ctx ctx;
	size_t n_benign, n_malicious; /* requested (--n-benign, --n-malicious; 'all' resolved) */
	/* pyvet's operating points for the verdict table: the learner's own threshold first */
	struct cmp_threshold thr[MAX_OPERATING_POINTS];
	size_t n_thr;
	/* the peers: packj, GuardDog (--peer) */
	int on[N_TOOLS], use_bandit, pr_ready, with_peers;
	struct peerrun_options popt;
	struct peerrun pr;
	double t_run; /* wall seconds of the packages' work */
};

static void bl_release(struct bl_run *b)
{
	for (size_t i = 0; b->jobs && i < b->n_jobs; i++)
		peerrun_pkg_release(&b->jobs[i].peers);
	if (b->pr_ready)
		peerrun_release(&b->pr);
	free(b->jobs);
	free(b->id_list);
	csvio_table_free(b->ids);
	api_table_free(b->apis);
	domains_free(b->doms);
	manifest_free(b->m);
	manifest_free(b->corpus_m);
	memset(b, 0, sizeof(*b));
}

/* The manifest and the --ids-from restriction. 0, or -1 (reported). */
static int bl_read_inputs(struct bl_run *b, const struct baseline_opts *o, struct diag *d)
{
	if (manifest_read(o->manifest, &b->m, d) < 0)
		return err_report("baseline: %s", diag_message(d));
	if (!o->ids_from)
		return 0;
	if (csvio_read(o->ids_from, 0, &b->ids, d) < 0)
		return err_report("baseline: %s", diag_message(d));
	long c = csvio_column(b->ids, "id");
	if (c < 0)
		return err_report("baseline: '%s': no 'id' column", o->ids_from);
	b->id_list = calloc(b->ids->n_rows ? b->ids->n_rows : 1, sizeof(*b->id_list));
	if (!b->id_list)
		return err_report("baseline: out of memory");
	for (size_t r = 0; r < b->ids->n_rows; r++)
		b->id_list[b->n_ids++] = b->ids->rows[r][c];
	return 0;
}

/* The seeded sample per class (candidates sorted by id, shuffled with the class's stream, the
 * first n taken), then the paper's Table 6 packages from this manifest or the corpus manifest,
 * sorted for the outputs. 0, or -1 on out of memory (reported). */
static int bl_sample(struct bl_run *b, const struct baseline_opts *o, struct diag *d)
{
	const struct manifest_row **cand[2] = {NULL, NULL};
	size_t n_cand[2] = {0, 0};
	char path[BASELINE_PATH_MAX];
	int rc = -1;
	for (int y = 0; y <= 1; y++)
		if (!(cand[y] = calloc(b->m->n ? b->m->n : 1, sizeof(*cand[y]))))
			goto end;
	for (size_t i = 0; i < b->m->n; i++) {
		const struct manifest_row *r = &b->m->rows[i];
		if (strcmp(o->split, "all") && r->split[0] && strcmp(r->split, o->split))
			continue;
		if (o->ids_from && !str_in(b->id_list, b->n_ids, r->id))
			continue;
		cand[r->y][n_cand[r->y]++] = r;
	}
	if (b->n_benign == SIZE_MAX)
		b->n_benign = n_cand[0];
	if (b->n_malicious == SIZE_MAX)
		b->n_malicious = n_cand[1];
	if (!(b->jobs = calloc(b->n_benign + b->n_malicious + 4, sizeof(*b->jobs))))
		goto end;
	for (int y = 0; y <= 1; y++) {
		gsl_rng *rng;
		size_t want = y ? b->n_malicious : b->n_benign;
		qsort(cand[y], n_cand[y], sizeof(*cand[y]), cmp_row_id);
		if (!(rng = rng_alloc(
		          rng_derive(o->seed, y ? STREAM_SAMPLE_MALICIOUS : STREAM_SAMPLE_BENIGN))))
			goto end;
		if (n_cand[y] > 1) /* GSL's shuffle of 0 items runs off the array */
			gsl_ran_shuffle(rng, cand[y], n_cand[y], sizeof(*cand[y]));
		rng_free(rng);
		if (n_cand[y] < want)
			err_report("baseline: only %zu %s packages to sample from", n_cand[y],
			           y ? "malicious" : "benign");
		for (size_t k = 0; k < want && k < n_cand[y]; k++)
			b->jobs[b->n_jobs++] = (struct job){
			    .row = cand[y][k], .in_sample = 1, .pred = -1, .score = NAN};
	}
	/* The paper's Table 6 packages, from this manifest or the corpus manifest. */
	snprintf(path, sizeof(path), "%s/manifest.csv", o->corpus);
	if (manifest_read(path, &b->corpus_m, d) < 0)
		b->corpus_m = NULL;
	for (int k = 0; k < 4; k++) {
		const struct manifest_row *pr =
		    find_row(b->m, paper_table6[k].name, paper_table6[k].version);
		size_t i;
		if (!pr)
			pr = find_row(b->corpus_m, paper_table6[k].name, paper_table6[k].version);
		if (!pr)
			continue;
		for (i = 0; i < b->n_jobs; i++)
			if (!strcmp(b->jobs[i].row->id, pr->id))
				break;
		if (i == b->n_jobs)
			b->jobs[b->n_jobs++] =
			    (struct job){.row = pr, .in_sample = 0, .pred = -1, .score = NAN};
		b->paper_rows[k] = b->jobs[i].row;
	}
	qsort(b->jobs, b->n_jobs, sizeof(*b->jobs), cmp_job_label_name);
	rc = 0;
end:
	free(cand[0]);
	free(cand[1]);
	return rc < 0 ? err_report("baseline: out of memory") : 0;
}

/* The shared analysis context (API table, domain list), bandit, the predictions. 0, or -1
 * (reported). */
static int bl_prepare(struct bl_run *b, const struct baseline_opts *o, struct diag *d)
{
	char path[BASELINE_PATH_MAX];
	analysis_ctx_default(&b->ctx);
	if (!datafile_path("python_apis.csv", path, sizeof(path)) ||
	    api_table_load(&b->apis, path, d) < 0)
		return err_report("baseline: API table: %s", d->error[0] ? diag_message(d) : path);
	b->ctx.apis = b->apis;
	if (!datafile_domains_default(path, sizeof(path)) ||
	    domains_load(&b->doms, path, 0, 1, d) < 0)
		return err_report("baseline: domain list: %s",
		                  d->error[0] ? diag_message(d) : "not found");
	b->ctx.domains = b->doms;
	if (!o->no_bandit) {
		if (bandit_init(&b->bandit, o->bandit, d) < 0)
			return err_report("baseline: %s (use --no-bandit to skip it)",
			                  diag_message(d));
		b->bandit.timeout_s = (double)o->timeout;
	}
	double pred_threshold = NAN;
	if (o->predictions && load_predictions(o->predictions, o->pred_learner, b->jobs, b->n_jobs,
	                                       &pred_threshold, d) < 0)
		return err_report("baseline: %s", diag_message(d));
	if (!isnan(pred_threshold))
		b->thr[b->n_thr++] = (struct cmp_threshold){pred_threshold, NAN};
	if (o->operating_points &&
	    load_operating_points(o->operating_points, o->pred_learner, b->thr, &b->n_thr, d) < 0)
		return err_report("baseline: %s", diag_message(d));
	return 0;
}

/* The peers (--peer packj,guarddog): configuration, and a scratch base outside the repository
 * and the output folder `dir`. A tool that is not set up is skipped with a message. 0, or -1
 * (reported). */
static int bl_peers(struct bl_run *b, const char *dir, struct diag *d)
{
	char root[BASELINE_PATH_MAX];
	const char *forbidden[] = {repo_root(root, sizeof(root)), dir, NULL};
	b->popt.forbidden = forbidden;
	b->popt.time_pyvet = b->popt.want[PEER_PACKJ] || b->popt.want[PEER_GUARDDOG];
	if (b->popt.time_pyvet) {
		int rc = peerrun_setup(&b->pr, &b->popt, d);
		b->popt.forbidden = NULL; /* borrowed `root` goes out of scope */
		if (rc < 0)
			return err_report("baseline: peers: %s", diag_message(d));
		b->pr_ready = 1;
		if (b->pr.skipped[0])
			err_report("baseline: SKIP packj and GuardDog: %s", b->pr.skipped);
		else
			err_report("baseline: peers %s%s%s, scratch under %s%s",
			           b->pr.on[PEER_PACKJ] ? "packj" : "",
			           b->pr.on[PEER_PACKJ] && b->pr.on[PEER_GUARDDOG] ? " and " : "",
			           b->pr.on[PEER_GUARDDOG] ? "guarddog" : "",
			           b->pr.cfg.scratch_base,
			           b->pr.cfg.scratch_tmpfs ? " (tmpfs)" : "");
		b->on[TOOL_PACKJ_REAL] = b->pr.on[PEER_PACKJ];
		b->on[TOOL_GUARDDOG] = b->pr.on[PEER_GUARDDOG];
	}
	b->popt.forbidden = NULL;
	b->with_peers = b->on[TOOL_PACKJ_REAL] || b->on[TOOL_GUARDDOG];
	return 0;
}

/* The four tables and their sidecars. The number of packages with errors into *n_err and over
 * the file cap into *truncated. 0, or -1 on a write error (reported). */
static int bl_write(const struct bl_run *b, const struct baseline_opts *o, const char *dir,
                    size_t *n_err, size_t *truncated)
{
	static const char *const mode_names[] = {"memfd", "stdin"};
	char path[BASELINE_PATH_MAX];
	struct sidecar *sc = cli_sidecar_new(&baseline_command, o, o->argc, o->argv, NULL, 0);
	int use_bandit = b->use_bandit, werr;
	if (!sc)
		return err_report("baseline: out of memory");
	sidecar_set_seed(sc, o->seed);
	sidecar_set_string(sc, "bandit_version", use_bandit ? b->bandit.version : "not run");
	sidecar_set_string(sc, "bandit_python", use_bandit ? b->bandit.python_version : "");
	sidecar_set_string(sc, "bandit_executable", use_bandit ? b->bandit.exe : "");
	sidecar_set_string(sc, "bandit_mode", mode_names[o->bandit_mode]);
	sidecar_set_number(sc, "bandit_max_files", (double)o->max_files);
	sidecar_set_number(sc, "n_benign_requested", (double)b->n_benign);
	sidecar_set_number(sc, "n_malicious_requested", (double)b->n_malicious);
	sidecar_set_string(sc, "split", o->split);
	sidecar_set_string(sc, "verdict_rule_bandit", "at least one HIGH-severity result in scope");
	sidecar_set_string(sc, "verdict_rule_packj_equiv",
	                   "at least one SINK_PROCESS_OPERATION or SOURCE_OBFUSCATION call site");
	sidecar_add_hash(sc, "manifest", b->m->sha256);
	sidecar_add_hash(sc, "api_table", api_table_sha256(b->apis));
	sidecar_add_hash(sc, "domains", domains_sha256(b->doms));
	*n_err = *truncated = 0;
	for (size_t i = 0; i < b->n_jobs; i++) {
		const struct job *j = &b->jobs[i];
		sidecar_add_cell(sc, j->row->id, j->status[0] ? j->status : "ok");
		*n_err += j->status[0] != 0;
		*truncated += use_bandit && j->files_sent < j->py_files;
	}
	sidecar_set_number(sc, "packages_with_errors", (double)*n_err);
	sidecar_set_number(sc, "packages_over_file_cap", (double)*truncated);
	if (b->popt.time_pyvet)
		peers_sidecar(sc, &b->pr, b->on, b->popt.timeout_s, b->jobs, b->n_jobs);
	werr = write_alerts(o->out, b->jobs, b->n_jobs, o->predictions != NULL, b->on) < 0;
	werr |= sidecar_write(sc, o->out) < 0;
	snprintf(path, sizeof(path), "%s/fig3_packj_categories.csv", dir);
	werr |= write_categories(path, b->jobs, b->n_jobs) < 0 || sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/fig3_summary.csv", dir);
	werr |= write_summary(path, b->jobs, b->n_jobs, o->predictions != NULL, b->on) < 0 ||
	        sidecar_write(sc, path) < 0;
	snprintf(path, sizeof(path), "%s/table6_alerts.csv", dir);
	werr |= write_table6(path, b->jobs, b->n_jobs, b->paper_rows) < 0 ||
	        sidecar_write(sc, path) < 0;
	if (b->with_peers && !o->no_peer_tables)
		werr |= write_peer_tables(dir, o->dataset ? o->dataset : o->split, b->jobs,
		                          b->n_jobs, b->on, use_bandit, o->pred_learner, b->thr,
		                          b->n_thr, b->t_run, o->jobs, sc) < 0;
	sidecar_free(sc);
	if (werr)
		return err_report("baseline: cannot write the tables in '%s'", dir);
	fprintf(
	    stderr,
	    "pyvet: baseline: %zu packages (%zu with errors, %zu over the %zu-file cap) -> %s\n",
	    b->n_jobs, *n_err, *truncated, o->max_files, dir);
	for (int t = TOOL_PACKJ_REAL; t < N_TOOLS; t++) {
		size_t failed = 0;
		for (size_t i = 0; b->on[t] && i < b->n_jobs; i++)
			failed += !b->jobs[i].peers.peer[tool_peer[t]].ok;
		if (b->on[t])
			err_report("baseline: %s: %zu of %zu packages without a result",
			           tool_names[t], failed, b->n_jobs);
	}
	return 0;
}

/* --n-benign/--n-malicious N or 'all' (SIZE_MAX). 0, or the usage exit status (reported). */
static int sample_size(const char *opt, const char *v, size_t *out)
{
	char *end;
	unsigned long long n;
	if (!strcmp(v, "all")) {
		*out = SIZE_MAX;
		return 0;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n >= SIZE_MAX / 2)
		return cli_error(&baseline_command, "'--%s': '%s' is not a number or 'all'", opt,
		                 v);
	*out = (size_t)n;
	return 0;
}

int baseline_run(const struct baseline_opts *o)
{
	struct bl_run b;
	struct diag d;
	size_t n_err = 0, truncated = 0;
	int rc = EXIT_USAGE; /* until the inputs are read */
	const char *slash = strrchr(o->out, '/');
	char dir[BASELINE_PATH_MAX / 2];
	int handlers = 0;
	memset(&b, 0, sizeof(b));
	diag_init(&d);
	if (sample_size("n-benign", o->n_benign, &b.n_benign) ||
	    sample_size("n-malicious", o->n_malicious, &b.n_malicious))
		goto end;
	/* --peer: which tools; bandit stays the default and --no-bandit still removes it */
	b.on[TOOL_BANDIT] = b.on[TOOL_PACKJ] = 1;
	b.use_bandit = !o->no_bandit;
	b.popt = (struct peerrun_options){.env_file = o->peers_env,
	                                  .launchers = o->peers_dir,
	                                  .scratch = o->scratch,
	                                  .timeout_s = (double)o->peer_timeout};
	if (o->peer && parse_peer_list(o->peer, &b.use_bandit, b.popt.want) < 0)
		goto end;
	if (bl_read_inputs(&b, o, &d) < 0)
		goto end;
	if (bl_sample(&b, o, &d) < 0) {
		rc = EXIT_INTERNAL;
		goto end;
	}
	if (bl_prepare(&b, o, &d) < 0)
		goto end;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->out) : 1, slash ? o->out : ".");
	mkdir(dir, 0777);
	if (bl_peers(&b, dir, &d) < 0)
		goto end;
	/* bandit's and the peers' process groups are killed, and scratch directories deleted, if
	 * pyvet is interrupted */
	cleanup_install();
	handlers = 1;
	struct shared sh = {.jobs = b.jobs,
	                    .n_jobs = b.n_jobs,
	                    .corpus = o->corpus,
	                    .debian_dir = o->debian_dir,
	                    .ctx = &b.ctx,
	                    .bandit = &b.bandit,
	                    .mode = o->bandit_mode ? BANDIT_STDIN : BANDIT_MEMFD,
	                    .max_files = o->max_files,
	                    .use_bandit = b.use_bandit,
	                    .pr = b.with_peers ? &b.pr : NULL};
	struct workq_job wj = {b.n_jobs, run_item, item_done, &sh};
	struct workq *q = workq_alloc(o->jobs < 1 ? 1 : o->jobs > 64 ? 64 : o->jobs);
	rc = EXIT_INTERNAL;
	b.t_run = now_wall();
	if (!q || workq_run(q, &wj) < 0) {
		workq_free(q);
		err_report("baseline: out of memory");
		goto end;
	}
	workq_free(q);
	b.t_run = now_wall() - b.t_run;
	if (bl_write(&b, o, dir, &n_err, &truncated) < 0)
		goto end;
	rc = n_err ? EXIT_UNREADABLE : EXIT_OK;
end:
	if (handlers)
		cleanup_uninstall();
	bl_release(&b);
	diag_release(&d);
	return rc;
}
