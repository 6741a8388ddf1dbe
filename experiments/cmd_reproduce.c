/* `pyvet reproduce`: rerun the whole study into results/ (issue #5): dataset splits, feature
 * extraction, every CV cell, train -> test, importance, baselines, descriptive statistics
 * (figures and paper/report.md: scripts/report.sh, run by `make reproduce`). Resumable: finished
 * steps are skipped (see experiments/reproduce/repro.h); a failing step is recorded and the others
 * go on. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/pkg/manifest.h"
#include "experiments/commands.h"
#include "experiments/reproduce/repro.h"
#include "learners/learner.h"

int cmd_reproduce(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_cv(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_descriptive(int argc, char **argv);

static const char *const eight_sets[] = {"M", "C", "F", "T", "MCF", "T+pre", "T+MCF", "T+MCF+pre"};

static int reproduce_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet reproduce [--corpus DIR] [--out DIR] [--quick] [--jobs N] [--seed S]\n"
	    "                       [--dataset paper|full] [--grouped-sets final|all] [--force]\n"
	    "                       [--no-bandit] [--no-report] [--debian DIR]\n"
	    "                       [--debian-manifest FILE]\n\n"
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
	    "everything); every step's outcome is in OUT/reproduce_status.csv.\n\n"
	    "  --corpus DIR     the corpus (default ../shared/corpus)\n"
	    "  --debian DIR     the Debian slice (scripts/fetch-debian-slice.sh DIR): adds the\n"
	    "                   `realistic` dataset and the Debian steps; without it (or with\n"
	    "                   packages missing) they are skipped with a line saying so\n"
	    "  --debian-manifest FILE  its manifest (default datasets/debian/manifest.csv)\n"
	    "  --out DIR        results folder (default results)\n"
	    "  --quick          2 x 5-fold CV on a deterministic subset, grouped CV of the final\n"
	    "                   set and the leak check only, small baseline sample (for\n"
	    "                   scripts/report.sh: write the report to OUT/report.md)\n"
	    "  --jobs N         worker threads (default 2)\n"
	    "  --seed S         run seed (default 1)\n"
	    "  --dataset NAME   paper (default) or full: the train/test split of the main tables\n"
	    "  --grouped-sets final|all  cluster-grouped CV of MCF and the final set (default)\n"
	    "                   or of all 8 sets (about twice the run time)\n"
	    "  --force          redo the steps finished in an earlier run\n"
	    "  --no-bandit      packj-equivalent baseline only\n"
	    "  --no-report      no effect (kept for old scripts: pyvet draws no figures)\n"
	    "Exit status: 0 every step done; 2 usage error or no corpus manifest; 4 some steps\n"
	    "failed (OUT/reproduce_status.csv).\n");
	return f == stdout ? 0 : 2;
}

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

/* Run one step unless done; record its outcome. `rc` of the body: 0 ok. */
#define STEP(r, name, body)                                                                        \
	do {                                                                                       \
		if (repro_done(r, name)) {                                                         \
			err_report("reproduce: %s: done earlier, skipped", name);                  \
			break;                                                                     \
		}                                                                                  \
		struct diag sd_;                                                                   \
		diag_init(&sd_);                                                                   \
		double t0_ = repro_now();                                                          \
		fprintf(stderr, "pyvet: reproduce: %s ...\n", name);                               \
		int rc_ = (body);                                                                  \
		repro_record(r, name, rc_ ? -1 : 0, repro_now() - t0_,                             \
		             rc_ ? (sd_.error[0] ? diag_message(&sd_) : "exit status != 0") : ""); \
		diag_release(&sd_);                                                                \
	} while (0)

int cmd_reproduce(int argc, char **argv)
{
	struct repro r;
	const char *dataset = "paper", *jobs_s = "2", *seed_s = "1";
	int no_bandit = 0, no_report = 0;
	memset(&r, 0, sizeof(r));
	r.out = "results";
	r.corpus = "../shared/corpus";
	r.final_set = "T+MCF+pre";
	r.debian_manifest = "datasets/debian/manifest.csv";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return reproduce_usage(stdout);
		if (!strcmp(a, "--quick"))
			r.quick = 1;
		else if (!strcmp(a, "--force"))
			r.force = 1;
		else if (!strcmp(a, "--no-bandit"))
			no_bandit = 1;
		else if (!strcmp(a, "--no-report"))
			no_report = 1;
		else if (i + 1 < argc && !strcmp(a, "--grouped-sets")) {
			const char *v = argv[++i];
			if (strcmp(v, "all") && strcmp(v, "final")) {
				err_report("reproduce: '--grouped-sets': need final or all");
				return EXIT_USAGE;
			}
			r.grouped_all = !strcmp(v, "all");
		} else if (i + 1 < argc && !strcmp(a, "--corpus"))
			r.corpus = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--out"))
			r.out = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--jobs"))
			jobs_s = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--seed"))
			seed_s = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--dataset"))
			dataset = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--debian"))
			r.debian_dir = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--debian-manifest"))
			r.debian_manifest = argv[++i];
		else {
			err_report("reproduce: '%s': unknown option or missing value", a);
			return EXIT_USAGE;
		}
	}
	if (strcmp(dataset, "paper") && strcmp(dataset, "full")) {
		err_report("reproduce: '--dataset': need paper or full");
		return EXIT_USAGE;
	}
	char *end;
	r.jobs = strtoul(jobs_s, &end, 10);
	if (*end || !r.jobs) {
		err_report("reproduce: '--jobs': bad value '%s'", jobs_s);
		return EXIT_USAGE;
	}
	r.seed = strtoul(seed_s, &end, 10);
	if (*end) {
		err_report("reproduce: '--seed': bad value '%s'", seed_s);
		return EXIT_USAGE;
	}
	if (strlen(r.out) > 200 || strlen(r.corpus) > 400) {
		err_report("reproduce: '--out' or '--corpus' path too long");
		return EXIT_USAGE;
	}
	r.folds = r.quick ? 5 : 10;
	r.repeats = r.quick ? 2 : 10;
	r.imp_repeats = r.quick ? 2 : 10;
	char corpus_manifest[REPRO_PATH_MAX], p[REPRO_PATH_MAX], q[REPRO_PATH_MAX];
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
	double t_start = repro_now();
	char seed_arg[32], folds_arg[32], reps_arg[32], jobs_arg[32];
	snprintf(seed_arg, sizeof(seed_arg), "%lu", r.seed);
	snprintf(folds_arg, sizeof(folds_arg), "%zu", r.folds);
	snprintf(reps_arg, sizeof(reps_arg), "%zu", r.repeats);
	snprintf(jobs_arg, sizeof(jobs_arg), "%zu", r.jobs);

	/* 1. Splits (deterministic; rerun every time, cheap) and, with --quick, the subsets. */
	char paper_m[REPRO_PATH_MAX], full_m[REPRO_PATH_MAX], extract_m[REPRO_PATH_MAX];
	repro_path(&r, "datasets/paper/manifest.csv", paper_m, sizeof(paper_m));
	repro_path(&r, "datasets/full/manifest.csv", full_m, sizeof(full_m));
	{
		struct diag sd;
		diag_init(&sd);
		double t0 = repro_now();
		int rc = repro_call(cmd_split, "split", "--manifest", corpus_manifest, "--name",
		                    "paper", "--seed", seed_arg, "--out", paper_m, (char *)NULL) ||
		         repro_call(cmd_split, "split", "--manifest", corpus_manifest, "--name",
		                    "full", "--seed", seed_arg, "--out", full_m, (char *)NULL);
		if (!rc && r.quick) {
			repro_path(&r, "datasets/quick_paper.csv", p, sizeof(p));
			repro_path(&r, "datasets/quick_full.csv", q, sizeof(q));
			rc = quick_subset(paper_m, p, 40, 15, 0, &sd) ||
			     quick_subset(full_m, q, 40, 15, 0, &sd);
			snprintf(paper_m, sizeof(paper_m), "%s", p);
			snprintf(full_m, sizeof(full_m), "%s", q);
		}
		repro_record(&r, "split", rc ? -1 : 0, repro_now() - t0, diag_message(&sd));
		diag_release(&sd);
		if (rc)
			goto report;
	}
	snprintf(r.manifest, sizeof(r.manifest), "%s", strcmp(dataset, "full") ? paper_m : full_m);
	snprintf(r.full_manifest, sizeof(r.full_manifest), "%s", full_m);

	/* 2. Extraction: every package of both datasets once (its own cache key: --reuse). */
	repro_path(&r, r.quick ? "features/quick" : "features/all", r.features, sizeof(r.features));
	repro_path(&r, "datasets/extract.csv", extract_m, sizeof(extract_m));
	{
		struct diag sd;
		diag_init(&sd);
		double t0 = repro_now();
		int rc = union_manifest(paper_m, full_m, extract_m, &sd);
		if (!rc) {
			int x = repro_call(cmd_extract, "extract", "--manifest", extract_m,
			                   "--corpus", r.corpus, "--out", r.features, "--jobs",
			                   jobs_arg, "--reuse", (char *)NULL);
			rc = x != 0 && x != 3; /* 3 = some packages failed (listed in errors.csv) */
			if (x == 3)
				diag_error(&sd,
				           "some packages could not be read (see %s/errors.csv)",
				           r.features);
		}
		repro_record(&r, "extract", rc ? -1 : 0, repro_now() - t0,
		             rc            ? diag_message(&sd)
		             : sd.error[0] ? diag_message(&sd)
		                           : "");
		diag_release(&sd);
		if (rc)
			goto report;
	}

	/* 2b. The Debian slice (issue #10): the `realistic` dataset and its extraction, when the
	 * slice is there; otherwise a visible line says how to fetch it. */
	if (repro_debian_check(&r)) {
		struct diag sd;
		diag_init(&sd);
		double t0 = repro_now();
		repro_path(&r, "datasets/realistic/manifest.csv", p, sizeof(p));
		int rc = repro_call(cmd_split, "split", "--manifest", corpus_manifest, "--debian",
		                    r.debian_manifest, "--name", "realistic", "--seed", seed_arg,
		                    "--out", p, (char *)NULL);
		if (!rc && r.quick) {
			repro_path(&r, "datasets/quick_realistic.csv", q, sizeof(q));
			rc = quick_subset(p, q, 40, 15, 1, &sd);
			snprintf(p, sizeof(p), "%s", q);
		}
		repro_record(&r, "split_realistic", rc ? -1 : 0, repro_now() - t0,
		             diag_message(&sd));
		diag_release(&sd);
		if (!rc) {
			snprintf(r.realistic_manifest, sizeof(r.realistic_manifest), "%s", p);
			repro_path(&r, r.quick ? "features/quick_realistic" : "features/realistic",
			           q, sizeof(q));
			diag_init(&sd);
			t0 = repro_now();
			int x =
			    repro_call(cmd_extract, "extract", "--manifest", r.realistic_manifest,
			               "--corpus", r.corpus, "--debian-dir", r.debian_dir, "--out",
			               q, "--jobs", jobs_arg, "--reuse", (char *)NULL);
			if (x == 3)
				diag_error(
				    &sd, "some packages could not be read (see %s/errors.csv)", q);
			repro_record(&r, "extract_realistic", x != 0 && x != 3 ? -1 : 0,
			             repro_now() - t0, x ? diag_message(&sd) : "");
			diag_release(&sd);
			if (x == 0 || x == 3)
				snprintf(r.realistic_features, sizeof(r.realistic_features), "%s",
				         q);
		}
	}

	/* 3. CV cells: stratified and grouped, 8 sets + the artifact-only leak check. */
	const char *learners6 = "dt,rf,svm,mlp,nb,stack";
	const struct learner_type *lr = learner_find("logreg");
	const char *learners_leak =
	    lr && !(lr->flags & LEARNER_INTERNAL) ? "dt,rf,svm,mlp,nb,stack,logreg" : learners6;
	for (int kind = 0; kind < 2; kind++) {
		const char *kname = kind ? "grouped" : "stratified";
		for (int s = 0; s <= 8; s++) {
			const char *set = s < 8 ? eight_sets[s] : "artifacts";
			char step[128], out[REPRO_PATH_MAX], oof[REPRO_PATH_MAX];
			if (r.quick && kind && s < 8 && strcmp(set, r.final_set))
				continue; /* --quick: grouped CV of the final set only */
			/* Default: grouped CV of the final set and of MCF (the two rows whose
			 * duplication leakage the report discusses); --grouped-sets all: all 8. The
			 * full grid costs about twice the stratified one on 2 cores. */
			if (!r.quick && kind && s < 8 && !r.grouped_all &&
			    strcmp(set, r.final_set) && strcmp(set, "MCF"))
				continue;
			snprintf(step, sizeof(step), "cv_%s_%s", kname, set);
			snprintf(p, sizeof(p), "cells/%s.csv", step);
			repro_path(&r, p, out, sizeof(out));
			snprintf(p, sizeof(p), "cells/oof_%s_%s.csv", kname, set);
			repro_path(&r, p, oof, sizeof(oof));
			int want_oof = !kind && !strcmp(set, r.final_set);
			STEP(&r, step,
			     repro_call(cmd_cv, "cv", "--features", r.features, "--manifest",
			                r.manifest, "--split", "train", "--set", set, "--learner",
			                s < 8 ? learners6 : learners_leak, "--folds", folds_arg,
			                "--repeats", reps_arg, "--seed", seed_arg, "--jobs",
			                jobs_arg, "--group", kind ? "cluster" : "none", "--out",
			                out, "--quiet", want_oof ? "--oof" : (char *)NULL, oof,
			                (char *)NULL));
		}
	}

	/* 4. Train -> test on the dataset's unseen split, and the temporal split (full). */
	repro_path(&r, "cells/test.csv", p, sizeof(p));
	repro_path(&r, "cells/test_scores.csv", q, sizeof(q));
	STEP(&r, "train_test",
	     repro_call(cmd_cv, "cv", "--features", r.features, "--manifest", r.manifest, "--split",
	                "train", "--test", "test", "--set", r.final_set, "--learner", learners6,
	                "--seed", seed_arg, "--jobs", jobs_arg, "--out", p, "--scores", q,
	                "--quiet", (char *)NULL));
	repro_path(&r, "cells/temporal.csv", p, sizeof(p));
	repro_path(&r, "cells/temporal_scores.csv", q, sizeof(q));
	STEP(&r, "temporal_fit",
	     repro_call(cmd_cv, "cv", "--features", r.features, "--manifest", r.full_manifest,
	                "--split", "train", "--test", "test", "--set", r.final_set, "--learner",
	                learners6, "--seed", seed_arg, "--jobs", jobs_arg, "--out", p, "--scores",
	                q, "--quiet", (char *)NULL));

	/* 5. Derived tables (cheap: always recomputed from the cells). */
	r.force = 1;
	STEP(&r, "tables", repro_tables(&r, &sd_));
	STEP(&r, "table5_temporal", repro_train_test(&r, &sd_));
	STEP(&r, "fig4_intersection", repro_intersection(&r, &sd_));
	STEP(&r, "hard_negatives", repro_hard_negatives(&r, &sd_));
	STEP(&r, "operating_points", repro_operating_points(&r, &sd_));
	r.force = 0;
	STEP(&r, "fig2_importance", repro_importance(&r, &sd_));

	/* 6. Baselines on the test split (with the stacking verdicts), and prevalences. With the
	 * peer tools set up (issue 13), Fig. 3 / Table 6 also get the real packj. */
	r.no_bandit = no_bandit;
	r.dataset = dataset;
	repro_peers_check(&r, "../shared/peers", "build/peers/env");
	repro_path(&r, "fig3_alerts.csv", p, sizeof(p));
	repro_path(&r, "cells/test_scores.csv", q, sizeof(q));
	STEP(&r, "fig3_baseline",
	     repro_call(cmd_baseline, "baseline", "--manifest", r.manifest, "--corpus", r.corpus,
	                "--split", "test", "--seed", seed_arg, "--jobs", jobs_arg, "--out", p,
	                "--n-benign", r.quick ? "5" : "50", "--n-malicious", r.quick ? "5" : "50",
	                "--max-files", r.quick ? "50" : "1000", "--predictions", q, "--peer",
	                r.peers_on ? "bandit,packj" : "bandit", "--no-peer-tables",
	                no_bandit ? "--no-bandit" : (char *)NULL, (char *)NULL));
	repro_path(&r, "prevalence.csv", p, sizeof(p));
	STEP(&r, "prevalence",
	     repro_call(cmd_descriptive, "descriptive", "--features", r.features, "--out", p,
	                "--targets", "paper/targets.csv", "--manifest", r.manifest, "--split",
	                "train", (char *)NULL));

	/* 7. The peer tools on every test package, and on the Debian slice's test part. */
	struct repro_cmds cmds = {cmd_extract, cmd_cv, cmd_baseline};
	if (r.peers_on) {
		STEP(&r, "peers_test", repro_peers(&r, &cmds, &sd_));
		if (r.debian_dir && r.realistic_manifest[0])
			STEP(&r, "peers_debian", repro_peers_debian(&r, &cmds, &sd_));
	}

report:
	/* figures and report are drawn by scripts/report.sh (make reproduce runs it): pyvet runs
	 * no shell, Python or gnuplot itself (it spawns only the baseline tools) */
	(void)no_report;
	{
		char rep[REPRO_PATH_MAX];
		if (r.quick)
			repro_path(&r, "report.md", rep, sizeof(rep));
		else
			snprintf(rep, sizeof(rep), "paper/report.md");
		err_report("reproduce: figures and report: sh scripts/report.sh %s %s", r.out, rep);
	}
	fprintf(stderr,
	        "pyvet: reproduce: finished in %.0f s, %zu failed steps (see "
	        "%s/reproduce_status.csv)\n",
	        repro_now() - t_start, r.n_failed, r.out);
	if (r.status)
		fclose(r.status);
	return r.n_failed ? EXIT_INTERNAL : EXIT_OK;
}
