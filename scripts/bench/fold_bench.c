/* Bench: fit and score learners on one cross-validation fold of a real extraction, the way
 * `pyvet cv` builds it (stratified folds of repeat R with the run seed, the vocabulary fitted on
 * the training fold). Prints, per learner and parameter string, the fit and score seconds, the
 * fold's macro F1 and ROC-AUC and a checksum of the scores, so two builds or two parameter
 * settings can be compared on the same rows (e.g. under `valgrind --tool=callgrind` for
 * instruction counts). Not a test: nothing is asserted.
 *
 * usage: fold_bench EXTRACTION_DIR MANIFEST SET FOLD LEARNER[:k=v,...] [LEARNER[:k=v,...] ...]
 *   rows: the manifest's split=train rows; 10 folds of repeat 0, seed 1 (as `pyvet cv`).
 *   LEARNER may also be mlp32@base or mlp32@avx2[:max_iter=N]: the float32 MLP with its
 *   defaults and one build of its kernels (learners/mlp32.h); or importance@T:LEARNER: the
 *   learner fitted on the training rows, then permutation importance of every column on them
 *   (accuracy, 10 repeats, as reproduce's Fig. 2) with T threads, timed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "core/ml/folds.h"
#include "core/ml/metrics.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/cvrun.h"
#include "experiments/engine/importance.h"
#include "learners/mlp32.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* importance@T:LEARNER (see the top). */
static void run_importance(const char *spec, const struct dataset *train, unsigned long seed)
{
	size_t threads = strtoul(spec + 11, NULL, 10);
	const char *name = strchr(spec, ':');
	const struct learner_type *t = name ? learner_find(name + 1) : NULL;
	double *mean = malloc(train->d * sizeof(double)), *sd = malloc(train->d * sizeof(double));
	double t0, t1, base;
	struct learner *l;
	struct diag d;
	gsl_rng *r = rng_alloc(seed);
	diag_init(&d);
	if (!t || !(l = learner_alloc(t, NULL, &d)) || learner_fit(l, train, r, &d) < 0)
		die("importance: %s", t ? diag_message(&d) : "unknown learner");
	t0 = now();
	if (importance_permutation(l, train, IMPORTANCE_ACCURACY, 10, seed, threads, mean, sd,
	                           &base, &d) < 0)
		die("importance: %s", diag_message(&d));
	t1 = now();
	printf("%-32s importance %8.3f s  (%zu columns x 10 repeats, baseline %.4f)\n", spec,
	       t1 - t0, train->d, base);
	learner_free(l);
	rng_free(r);
	free(mean);
	free(sd);
	diag_release(&d);
}

/* mlp32@ISA[:max_iter=N]: fit and score the float32 MLP with one build of its kernels. */
static void run_mlp32(const char *spec, const struct dataset *train, const struct dataset *test,
                      unsigned long seed)
{
	struct mlp32_opts o = {1e-4, 1e-3, 1e-4, 0.9, 0.999, 1e-8, 200, 200, 10, 1};
	enum mlp32_isa isa = strncmp(spec, "mlp32@avx2", 10) ? MLP32_ISA_BASE : MLP32_ISA_AVX2;
	const char *mi = strstr(spec, "max_iter=");
	struct mlp32 net = {0};
	struct metrics m;
	struct diag d;
	double *s = malloc(test->n * sizeof(double)), t0, t1, t2, loss, sum = 0;
	long it;
	gsl_rng *r = rng_alloc(seed);
	diag_init(&d);
	if (mi)
		o.max_iter = strtol(mi + 9, NULL, 10);
	t0 = now();
	if (mlp32_fit_isa(&net, 100, train, r, &o, isa, &it, &loss, &d) < 0)
		die("%s", diag_message(&d));
	t1 = now();
	if (mlp32_score_isa(&net, test, isa, s, &d) < 0)
		die("%s", diag_message(&d));
	t2 = now();
	metrics_compute(s, test->y, test->n, 0.5, &m);
	for (size_t i = 0; i < test->n; i++)
		sum += s[i];
	printf("%-32s fit %8.3f s  score %6.3f s  f1_macro %.4f  roc_auc %.4f  sum %.17g  (%ld "
	       "epochs)\n",
	       spec, t1 - t0, t2 - t1, m.f1_macro, m.roc_auc, sum, it);
	mlp32_release(&net);
	rng_free(r);
	free(s);
	diag_release(&d);
}

int main(int argc, char **argv)
{
	struct protocli pc;
	struct featdata *fd = NULL;
	struct folds fo = {0};
	struct diag d;
	struct dataset *train = NULL, *test = NULL;
	size_t *tr, *te, ntr, nte, fold;
	gsl_rng *r;
	toolkit_init();
	diag_init(&d);
	if (argc < 6)
		die("usage: fold_bench DIR MANIFEST SET FOLD LEARNER[:params] ...");
	fold = strtoul(argv[4], NULL, 10);
	protocli_init(&pc);
	if (protocli_sets(&pc, argv[3]) < 0 || protocli_learners(&pc, "rf") < 0 ||
	    protocli_finish(&pc) < 0 || protocli_load(argv[1], argv[2], "train", &fd) < 0)
		return 1;
	r = rng_alloc(rng_derive(pc.o.seed, 0));
	if (folds_stratified(&fo, fd->fixed->y, fd->fixed->n, 10, r, &d) < 0 ||
	    folds_split(&fo, fold, &tr, &ntr, &te, &nte) < 0)
		die("folds: %s", diag_message(&d));
	rng_free(r);
	if (featdata_build(fd, &pc.sets[0], &pc.o.vp, pc.o.filter, tr, ntr, te, nte, &train, &test,
	                   NULL, NULL, &d) < 0)
		die("features: %s", diag_message(&d));
	printf("set %s fold %zu: %zu train x %zu columns, %zu test\n", argv[3], fold, train->n,
	       train->d, test->n);
	for (int a = 5; a < argc; a++) {
		char name[64];
		const char *params = strchr(argv[a], ':');
		size_t len = params ? (size_t)(params - argv[a]) : strlen(argv[a]);
		const struct learner_type *t;
		struct learner *l;
		struct metrics m;
		double *s = malloc(test->n * sizeof(double)), t0, t1, t2, sum = 0;
		if (!strncmp(argv[a], "importance@", 11)) {
			run_importance(argv[a], train, pc.o.seed);
			continue;
		}
		if (!strncmp(argv[a], "mlp32@", 6)) {
			run_mlp32(argv[a], train, test, cvrun_cell_seed(pc.o.seed, 0, fold, "mlp"));
			continue;
		}
		if (len >= sizeof(name))
			die("bad learner '%s'", argv[a]);
		memcpy(name, argv[a], len);
		name[len] = '\0';
		if (!(t = learner_find(name)))
			die("unknown learner '%s'", name);
		if (!(l = learner_alloc(t, params ? params + 1 : NULL, &d)))
			die("%s", diag_message(&d));
		r = rng_alloc(cvrun_cell_seed(pc.o.seed, 0, fold, t->name));
		t0 = now();
		if (learner_fit(l, train, r, &d) < 0)
			die("%s", diag_message(&d));
		t1 = now();
		if (learner_score(l, test, s, &d) < 0)
			die("%s", diag_message(&d));
		t2 = now();
		metrics_compute(s, test->y, test->n, learner_threshold(l), &m);
		for (size_t i = 0; i < test->n; i++)
			sum += s[i];
		printf("%-32s fit %8.3f s  score %6.3f s  f1_macro %.4f  roc_auc %.4f  sum %.17g\n",
		       argv[a], t1 - t0, t2 - t1, m.f1_macro, m.roc_auc, sum);
		fflush(stdout);
		rng_free(r);
		learner_free(l);
		free(s);
	}
	dataset_free(train);
	dataset_free(test);
	free(tr);
	free(te);
	folds_release(&fo);
	featdata_free(fd);
	protocli_release(&pc);
	diag_release(&d);
	return 0;
}
