/* `pyvet reproduce`: options and steps (see reproduce.h). */
#include "experiments/reproduce/reproduce.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/reproduce/repro.h"
#include "experiments/run/baseline.h"
#include "experiments/run/cv.h"
#include "experiments/run/descriptive.h"
#include "experiments/run/extract.h"
#include "experiments/run/split.h"
#include "learners/learner.h"

#define O struct reproduce_opts
static const struct cli_option reproduce_options[] = {
    {CLI_STRING("corpus", O, corpus, "DIR", "../shared/corpus", "the corpus")},
    {CLI_STRING("debian", O, debian, "DIR", NULL,
                "the Debian slice (scripts/fetch-debian-slice.sh DIR): adds the `realistic` "
                "dataset and the Debian steps; without it (or with packages missing) they are "
                "skipped with a line saying so")},
    {CLI_STRING("debian-manifest", O, debian_manifest, "FILE", "datasets/debian/manifest.csv",
                "the Debian slice's manifest")},
    {CLI_STRING("out", O, out, "DIR", "results", "results folder")},
    {CLI_FLAG("quick", O, quick,
              "2 x 5-fold CV on a deterministic subset, grouped CV of the final set and the leak "
              "check only, small baseline sample (for scripts/report.sh: write the report to "
              "OUT/report.md)")},
    {CLI_SIZE("jobs", O, jobs, "N", "2", "[1, 256]", "worker threads")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL, "run seed")},
    {CLI_ENUM("dataset", O, dataset, "paper", "paper|full",
              "the train/test split of the main tables")},
    {CLI_ENUM("grouped-sets", O, grouped_all, "final", "final|all",
              "cluster-grouped CV of MCF and the final set, or of all 8 sets (about twice the "
              "run time)")},
    {CLI_FLAG("force", O, force, "redo the steps finished in an earlier run")},
    {CLI_FLAG("no-bandit", O, no_bandit, "packj-equivalent baseline only")},
    {CLI_FLAG("no-report", O, no_report,
              "no effect (kept for old scripts: pyvet draws no figures)")},
    {CLI_END}};
#undef O

static const char *const reproduce_synopsis[] = {
    "reproduce [--corpus DIR] [--out DIR] [--quick] [--jobs N] [--seed S]",
    "          [--dataset paper|full] [--grouped-sets final|all] [--force]",
    "          [--no-bandit] [--no-report] [--debian DIR]", "          [--debian-manifest FILE]",
    NULL};

const struct cli_command reproduce_command = {
    .name = "reproduce",
    .synopsis = reproduce_synopsis,
    .about =
        "Rerun the study: split the corpus manifest (datasets/README.md rules), extract the\n"
        "features, run the cross-validation cells -- stratified folds for the 8 feature sets\n"
        "x 6 learners and the artifact-only leak check; cluster-grouped folds for the leak\n"
        "check, MCF and the final set T+MCF+pre (all 8 sets with --grouped-sets all) -- fit\n"
        "train -> test, compute the permutation importance (on the training split, D32, and\n"
        "on held-out folds), the bandit / packj-equivalent baselines and the prevalences and\n"
        "correlations of the training split; with the peer tools set up (`make peers`, needs\n"
        "../shared/peers) also the real packj in Fig. 3 / Table 6 and packj, GuardDog, bandit\n"
        "and pyvet on every test package (OUT/peers/, and OUT/peers_debian/ with --debian),\n"
        "else a line says they are skipped (figures and paper/report.md: 'sh\n"
        "scripts/report.sh OUT REPORT', which 'make reproduce' runs; pyvet starts no script).\n"
        "Finished steps are skipped on a rerun (markers in OUT/.steps; --force redoes\n"
        "everything); every step's outcome is in OUT/reproduce_status.csv.\n",
    .options = reproduce_options,
    .epilog = "Exit status: 0 every step done; 2 usage error or no corpus manifest; 4 some steps\n"
              "failed (OUT/reproduce_status.csv).\n"};

static const char *const eight_sets[] = {"M", "C", "F", "T", "MCF", "T+pre", "T+MCF", "T+MCF+pre"};
static const char *const learners6 = "dt,rf,svm,mlp,nb,stack";

#define QUICK_MAX_KINDS 16

static void mkdirs(const char *a, const char *b)
{
	char p[REPRO_PATH_MAX];
	snprintf(p, sizeof(p), "%s%s%s", a, b ? "/" : "", b ? b : "");
	mkdir(p, 0777);
}

/* Deterministic subset of `in` for --quick: per (split, label), and per kind too when `by_kind`,
 * the first `n_train` (train) or `n_test` (test) rows in id order (ids are SHA-256 digests, so
 * this is an unbiased sample). */
static int quick_subset(const char *in, const char *out, size_t n_train, size_t n_test, int by_kind,
                        struct diag *d)
{
	struct csv_table *t = NULL;
	struct csvio_out o;
	if (csvio_read(in, 0, &t, d) < 0)
		return -1;
	long ci = csvio_column(t, "id"), cl = csvio_column(t, "label"),
	     cs = csvio_column(t, "split"), ck = csvio_column(t, "kind");
	const char *kinds[QUICK_MAX_KINDS];
	size_t n_kinds = 0;
	size_t *ord = malloc((t->n_rows + 1) * sizeof(*ord));
	if (ci < 0 || cl < 0 || cs < 0 || (by_kind && ck < 0) || !ord) {
		free(ord);
		csvio_table_free(t);
		return diag_error(d, "'%s': needs id, label and split columns", in);
	}
	/* selection sort by id is fine for a few thousand rows; use an index array */
	for (size_t i = 0; i < t->n_rows; i++)
		ord[i] = i;
	for (size_t i = 1; i < t->n_rows; i++)
		for (size_t j = i;
		     j > 0 && strcmp(t->rows[ord[j - 1]][ci], t->rows[ord[j]][ci]) > 0; j--) {
			size_t x = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = x;
		}
	if (csvio_out_open(&o, out) < 0) {
		free(ord);
		csvio_table_free(t);
		return diag_error(d, "'%s': cannot write", out);
	}
	int bad = csvio_write_row(o.f, (const char *const *)t->header, t->n_cols);
	size_t taken[QUICK_MAX_KINDS][2][2] = {{{0}}};
	for (size_t k = 0; k < t->n_rows && !bad; k++) {
		char **row = t->rows[ord[k]];
		int test = !strcmp(row[cs], "test"), mal = !strcmp(row[cl], "malicious");
		size_t kind = 0;
		if (by_kind) {
			for (kind = 0; kind < n_kinds && strcmp(kinds[kind], row[ck]); kind++)
				;
			if (kind == QUICK_MAX_KINDS)
				continue;
			if (kind == n_kinds)
				kinds[n_kinds++] = row[ck];
		}
		if (taken[kind][test][mal] >= (test ? n_test : n_train))
			continue;
		taken[kind][test][mal]++;
		bad |= csvio_write_row(o.f, (const char *const *)row, t->n_cols);
	}
	free(ord);
	csvio_table_free(t);
	if (bad) {
		csvio_out_abort(&o);
		return diag_error(d, "'%s': write failed", out);
	}
	return csvio_out_commit(&o) < 0 ? diag_error(d, "'%s': commit failed", out) : 0;
}

/* Concatenate two manifests with the same header, dropping repeated ids. */
static int union_manifest(const char *a, const char *b, const char *out, struct diag *d)
{
	struct csv_table *t[2] = {NULL, NULL};
	struct csvio_out o;
	int ret = -1;
	if (csvio_read(a, 0, &t[0], d) < 0 || csvio_read(b, 0, &t[1], d) < 0)
		goto end;
	if (csvio_out_open(&o, out) < 0) {
		diag_error(d, "'%s': cannot write", out);
		goto end;
	}
	long ci = csvio_column(t[0], "id");
	int bad = csvio_write_row(o.f, (const char *const *)t[0]->header, t[0]->n_cols);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < t[k]->n_rows && !bad; i++) {
			int dup = 0;
			for (size_t j = 0; k == 1 && j < t[0]->n_rows && !dup; j++)
				dup = !strcmp(t[0]->rows[j][ci],
				              t[1]->rows[i][csvio_column(t[1], "id")]);
			if (!dup && t[k]->n_cols == t[0]->n_cols)
				bad |= csvio_write_row(o.f, (const char *const *)t[k]->rows[i],
				                       t[0]->n_cols);
		}
	if (bad) {
		csvio_out_abort(&o);
		diag_error(d, "'%s': write failed", out);
		goto end;
	}
	ret = csvio_out_commit(&o) < 0 ? diag_error(d, "'%s': commit failed", out) : 0;
end:
	csvio_table_free(t[0]);
	csvio_table_free(t[1]);
	return ret;
}

/* Run one step unless done and record its outcome; `body` (an exit status, 0 = ok) runs with
 * err_capture() on the step's diag, so the last message a command body printed becomes the
 * step's message in reproduce_status.csv. */
#define STEP(r, name, body)                                                                        \
	do {                                                                                       \
		if (repro_done(r, name)) {                                                         \
			err_report("reproduce: %s: done earlier, skipped", name);                  \
			break;                                                                     \
		}                                                                                  \
		struct diag sd_, *old_;                                                            \
		diag_init(&sd_);                                                                   \
		double t0_ = repro_now();                                                          \
		fprintf(stderr, "pyvet: reproduce: %s ...\n", name);                               \
		old_ = err_capture(&sd_);                                                          \
		int rc_ = (body);                                                                  \
		err_capture(old_);                                                                 \
		repro_record(r, name, rc_ ? -1 : 0, repro_now() - t0_,                             \
		             rc_ ? (sd_.error[0] ? diag_message(&sd_) : "failed") : "");           \
		diag_release(&sd_);                                                                \
	} while (0)

/* split_run() and extract_run() in process, their messages kept on `d` (err_capture()). */
static int split_captured(const struct split_opts *o, struct diag *d)
{
	struct diag *old = err_capture(d);
	int rc = split_run(o);
	err_capture(old);
	return rc;
}

static int extract_captured(const struct extract_opts *o, struct diag *d)
{
	struct diag *old = err_capture(d);
	int rc = extract_run(o);
	err_capture(old);
	return rc;
}

static void split_base(const struct repro *r, const char *corpus_manifest, int name,
                       const char *out, struct split_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_defaults(&split_command, o);
	o->manifest = corpus_manifest;
	o->name = name;
	o->seed = r->seed;
	o->out = out;
}

static void extract_base(const struct repro *r, const char *manifest, const char *out,
                         struct extract_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_defaults(&extract_command, o);
	o->manifest = manifest;
	o->corpus = r->corpus;
	o->out = out;
	o->jobs = r->jobs;
	o->reuse = 1;
}

/* `pyvet cv` as reproduce runs it: the dataset's training rows, the run's seed and threads. */
static void cv_base(const struct repro *r, struct cv_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_defaults(&cv_command, o);
	o->features = r->features;
	o->manifest = r->manifest;
	o->split = "train";
	o->seed = r->seed;
	o->jobs = r->jobs;
	o->quiet = 1;
}

/* 1. The splits (deterministic; rerun every time, cheap) and, with --quick, the subsets into
 * paper_m and full_m. 0 or -1. */
static int step_splits(struct repro *r, const char *corpus_manifest, char *paper_m, char *full_m)
{
	struct split_opts so;
	struct diag sd;
	char p[REPRO_PATH_MAX], q[REPRO_PATH_MAX];
	double t0 = repro_now();
	int rc;
	diag_init(&sd);
	repro_path(r, "datasets/paper/manifest.csv", paper_m, REPRO_PATH_MAX);
	repro_path(r, "datasets/full/manifest.csv", full_m, REPRO_PATH_MAX);
	split_base(r, corpus_manifest, SPLIT_PAPER, paper_m, &so);
	rc = split_captured(&so, &sd);
	if (!rc) {
		split_base(r, corpus_manifest, SPLIT_FULL, full_m, &so);
		rc = split_captured(&so, &sd);
	}
	if (!rc && r->quick) {
		repro_path(r, "datasets/quick_paper.csv", p, sizeof(p));
		repro_path(r, "datasets/quick_full.csv", q, sizeof(q));
		rc = quick_subset(paper_m, p, 40, 15, 0, &sd) ||
		     quick_subset(full_m, q, 40, 15, 0, &sd);
		snprintf(paper_m, REPRO_PATH_MAX, "%s", p);
		snprintf(full_m, REPRO_PATH_MAX, "%s", q);
	}
	repro_record(r, "split", rc ? -1 : 0, repro_now() - t0, rc ? diag_message(&sd) : "");
	diag_release(&sd);
	return rc ? -1 : 0;
}

/* 2. Every package of both datasets, once (its own cache key: --reuse). 0 or -1. */
static int step_extract(struct repro *r, const char *paper_m, const char *full_m)
{
	struct extract_opts eo;
	struct diag sd;
	char extract_m[REPRO_PATH_MAX];
	double t0 = repro_now();
	int rc, x = EXIT_OK;
	diag_init(&sd);
	repro_path(r, r->quick ? "features/quick" : "features/all", r->features,
	           sizeof(r->features));
	repro_path(r, "datasets/extract.csv", extract_m, sizeof(extract_m));
	rc = union_manifest(paper_m, full_m, extract_m, &sd);
	if (!rc) {
		extract_base(r, extract_m, r->features, &eo);
		x = extract_captured(&eo, &sd);
		rc = x != EXIT_OK && x != EXIT_UNREADABLE;
		if (x == EXIT_UNREADABLE) /* listed in errors.csv: not a failure of the step */
			diag_error(&sd, "some packages could not be read (see %s/errors.csv)",
			           r->features);
	}
	repro_record(r, "extract", rc ? -1 : 0, repro_now() - t0,
	             rc || x == EXIT_UNREADABLE ? diag_message(&sd) : "");
	diag_release(&sd);
	return rc ? -1 : 0;
}

/* 2b. The Debian slice (issue #10): the `realistic` dataset and its extraction, when the slice
 * is there; otherwise a visible line says how to fetch it. */
static void step_debian(struct repro *r, const char *corpus_manifest)
{
	struct split_opts so;
	struct extract_opts eo;
	struct diag sd;
	char p[REPRO_PATH_MAX], q[REPRO_PATH_MAX];
	double t0 = repro_now();
	int rc, x;
	if (!repro_debian_check(r))
		return;
	diag_init(&sd);
	repro_path(r, "datasets/realistic/manifest.csv", p, sizeof(p));
	split_base(r, corpus_manifest, SPLIT_REALISTIC, p, &so);
	so.debian = r->debian_manifest;
	rc = split_captured(&so, &sd);
	if (!rc && r->quick) {
		repro_path(r, "datasets/quick_realistic.csv", q, sizeof(q));
		rc = quick_subset(p, q, 40, 15, 1, &sd);
		snprintf(p, sizeof(p), "%s", q);
	}
	repro_record(r, "split_realistic", rc ? -1 : 0, repro_now() - t0,
	             rc ? diag_message(&sd) : "");
	diag_release(&sd);
	if (rc)
		return;
	snprintf(r->realistic_manifest, sizeof(r->realistic_manifest), "%s", p);
	repro_path(r, r->quick ? "features/quick_realistic" : "features/realistic", q, sizeof(q));
	diag_init(&sd);
	t0 = repro_now();
	extract_base(r, r->realistic_manifest, q, &eo);
	eo.debian_dir = r->debian_dir;
	x = extract_captured(&eo, &sd);
	if (x == EXIT_UNREADABLE)
		diag_error(&sd, "some packages could not be read (see %s/errors.csv)", q);
	repro_record(r, "extract_realistic", x != EXIT_OK && x != EXIT_UNREADABLE ? -1 : 0,
	             repro_now() - t0, x ? diag_message(&sd) : "");
	diag_release(&sd);
	if (x == EXIT_OK || x == EXIT_UNREADABLE)
		snprintf(r->realistic_features, sizeof(r->realistic_features), "%s", q);
}

/* 3. CV cells: stratified and grouped, 8 sets + the artifact-only leak check. */
static void step_cv_cells(struct repro *r)
{
	const struct learner_type *lr = learner_find("logreg");
	const char *learners_leak =
	    lr && !(lr->flags & LEARNER_INTERNAL) ? "dt,rf,svm,mlp,nb,stack,logreg" : learners6;
	for (int kind = 0; kind < 2; kind++) {
		const char *kname = kind ? "grouped" : "stratified";
		for (int s = 0; s <= 8; s++) {
			const char *set = s < 8 ? eight_sets[s] : "artifacts";
			char step[128], p[REPRO_PATH_MAX], out[REPRO_PATH_MAX], oof[REPRO_PATH_MAX];
			struct cv_opts co;
			if (r->quick && kind && s < 8 && strcmp(set, r->final_set))
				continue; /* --quick: grouped CV of the final set only */
			/* Default: grouped CV of the final set and of MCF (the two rows whose
			 * duplication leakage the report discusses); --grouped-sets all: all 8. The
			 * full grid costs about twice the stratified one on 2 cores. */
			if (!r->quick && kind && s < 8 && !r->grouped_all &&
			    strcmp(set, r->final_set) && strcmp(set, "MCF"))
				continue;
			snprintf(step, sizeof(step), "cv_%s_%s", kname, set);
			snprintf(p, sizeof(p), "cells/%s.csv", step);
			repro_path(r, p, out, sizeof(out));
			snprintf(p, sizeof(p), "cells/oof_%s_%s.csv", kname, set);
			repro_path(r, p, oof, sizeof(oof));
			cv_base(r, &co);
			co.sets = set;
			co.learners = s < 8 ? learners6 : learners_leak;
			co.folds = r->folds;
			co.repeats = r->repeats;
			co.group = kind; /* none|cluster */
			co.out = out;
			co.oof_out = !kind && !strcmp(set, r->final_set) ? oof : NULL;
			STEP(r, step, cv_run(&co));
		}
	}
}

/* 4. Train -> test on the dataset's unseen split, and the temporal split (full). */
static void step_train_test(struct repro *r)
{
	static const char *const names[][3] = {
	    {"train_test", "cells/test.csv", "cells/test_scores.csv"},
	    {"temporal_fit", "cells/temporal.csv", "cells/temporal_scores.csv"}};
	for (int k = 0; k < 2; k++) {
		char p[REPRO_PATH_MAX], q[REPRO_PATH_MAX];
		struct cv_opts co;
		cv_base(r, &co);
		co.manifest = k ? r->full_manifest : r->manifest;
		co.test_split = "test";
		co.sets = r->final_set;
		co.learners = learners6;
		co.out = repro_path(r, names[k][1], p, sizeof(p));
		co.scores_out = repro_path(r, names[k][2], q, sizeof(q));
		STEP(r, names[k][0], cv_run(&co));
	}
}

/* 5. Derived tables (cheap: always recomputed from the cells), then the importance. */
static void step_tables(struct repro *r)
{
	r->force = 1;
	STEP(r, "tables", repro_tables(r, &sd_));
	STEP(r, "table5_temporal", repro_train_test(r, &sd_));
	STEP(r, "fig4_intersection", repro_intersection(r, &sd_));
	STEP(r, "hard_negatives", repro_hard_negatives(r, &sd_));
	STEP(r, "operating_points", repro_operating_points(r, &sd_));
	r->force = 0;
	STEP(r, "fig2_importance", repro_importance(r, &sd_));
}

/* 6. Baselines on the test split (with the stacking verdicts), and prevalences. With the peer
 * tools set up (issue 13), Fig. 3 / Table 6 also get the real packj. */
static void step_baselines(struct repro *r, int no_bandit)
{
	char p[REPRO_PATH_MAX], q[REPRO_PATH_MAX];
	struct baseline_opts bo;
	struct descriptive_opts dopt;
	memset(&bo, 0, sizeof(bo));
	cli_defaults(&baseline_command, &bo);
	bo.manifest = r->manifest;
	bo.corpus = r->corpus;
	bo.split = "test";
	bo.seed = r->seed;
	bo.jobs = r->jobs;
	bo.out = repro_path(r, "fig3_alerts.csv", p, sizeof(p));
	bo.n_benign = bo.n_malicious = r->quick ? "5" : "50";
	bo.max_files = r->quick ? 50 : 1000;
	bo.predictions = repro_path(r, "cells/test_scores.csv", q, sizeof(q));
	bo.no_bandit = no_bandit;
	bo.peer = r->peers_on ? "bandit,packj" : "bandit";
	bo.no_peer_tables = 1;
	STEP(r, "fig3_baseline", baseline_run(&bo));
	memset(&dopt, 0, sizeof(dopt));
	cli_defaults(&descriptive_command, &dopt);
	dopt.features = r->features;
	dopt.out = repro_path(r, "prevalence.csv", p, sizeof(p));
	dopt.targets = "paper/targets.csv";
	dopt.manifest = r->manifest;
	dopt.split = "train";
	STEP(r, "prevalence", descriptive_run(&dopt));
}

/* 7. The peer tools on every test package, and on the Debian slice's test part. */
static void step_peers(struct repro *r)
{
	if (!r->peers_on)
		return;
	STEP(r, "peers_test", repro_peers(r, &sd_));
	if (r->debian_dir && r->realistic_manifest[0])
		STEP(r, "peers_debian", repro_peers_debian(r, &sd_));
}

int reproduce_run(const struct reproduce_opts *o)
{
	struct repro r;
	char corpus_manifest[REPRO_PATH_MAX], p[REPRO_PATH_MAX], paper_m[REPRO_PATH_MAX],
	    full_m[REPRO_PATH_MAX];
	double t_start = repro_now();
	memset(&r, 0, sizeof(r));
	r.out = o->out;
	r.corpus = o->corpus;
	r.final_set = "T+MCF+pre";
	r.debian_dir = o->debian;
	r.debian_manifest = o->debian_manifest;
	r.quick = o->quick;
	r.force = o->force;
	r.grouped_all = o->grouped_all;
	r.jobs = o->jobs;
	r.seed = o->seed;
	if (strlen(r.out) > 200 || strlen(r.corpus) > 400) {
		err_report("reproduce: '--out' or '--corpus' path too long");
		return EXIT_USAGE;
	}
	r.folds = r.quick ? 5 : 10;
	r.repeats = r.quick ? 2 : 10;
	r.imp_repeats = r.quick ? 2 : 10;
	snprintf(corpus_manifest, sizeof(corpus_manifest), "%s/manifest.csv", r.corpus);
	if (access(corpus_manifest, R_OK) != 0) {
		err_report("reproduce: '%s': %s (set --corpus or CORPUS=)", corpus_manifest,
		           strerror(errno));
		return EXIT_USAGE;
	}
	mkdirs(r.out, NULL);
	mkdirs(r.out, "cells");
	mkdirs(r.out, ".steps");
	mkdirs(r.out, "datasets");
	mkdirs(r.out, "features");
	repro_path(&r, "reproduce_status.csv", p, sizeof(p));
	int had_status = access(p, F_OK) == 0;
	r.status = fopen(p, "a");
	if (r.status && !had_status)
		fprintf(r.status, "step,status,seconds,message\n");

	if (step_splits(&r, corpus_manifest, paper_m, full_m) == 0) {
		snprintf(r.manifest, sizeof(r.manifest), "%s", o->dataset ? full_m : paper_m);
		snprintf(r.full_manifest, sizeof(r.full_manifest), "%s", full_m);
		if (step_extract(&r, paper_m, full_m) == 0) {
			step_debian(&r, corpus_manifest);
			step_cv_cells(&r);
			step_train_test(&r);
			step_tables(&r);
			r.no_bandit = o->no_bandit;
			r.dataset = o->dataset ? "full" : "paper";
			repro_peers_check(&r, "../shared/peers", "build/peers/env");
			step_baselines(&r, o->no_bandit);
			step_peers(&r);
		}
	}
	/* figures and report are drawn by scripts/report.sh (make reproduce runs it): pyvet runs
	 * no shell, Python or gnuplot itself (it spawns only the baseline tools) */
	if (r.quick)
		repro_path(&r, "report.md", p, sizeof(p));
	else
		snprintf(p, sizeof(p), "paper/report.md");
	err_report("reproduce: figures and report: sh scripts/report.sh %s %s", r.out, p);
	fprintf(stderr,
	        "pyvet: reproduce: finished in %.0f s, %zu failed steps (see "
	        "%s/reproduce_status.csv)\n",
	        repro_now() - t_start, r.n_failed, r.out);
	if (r.status)
		fclose(r.status);
	return r.n_failed ? EXIT_INTERNAL : EXIT_OK;
}
