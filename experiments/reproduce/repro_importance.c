/* Fig. 2 of `pyvet reproduce`: permutation importance (accuracy) of the stacking model on the
 * final feature set, computed two ways.
 *
 * - fig2_importance.csv (spec D32, as the paper): one model fitted on the whole training split
 *   and evaluated on that same split. With a baseline accuracy near 1, permuting a column rarely
 *   changes a verdict, so most importances are exactly zero.
 * - fig2_importance_heldout.csv: on held-out data. The training split is cut into the folds of
 *   repeat 1 of the stratified CV (the fold assignment of the `cv` cells: same seed, same
 *   folds_stratified() stream); per fold a model is fitted on the other folds (with the train ->
 *   test stream of cvrun_train_test(), so its random draws differ from the CV cell's) and the
 *   importance is measured on the held-out fold. The value is the mean over the folds; a feature
 *   absent from a fold (a token outside that fold's vocabulary) counts as 0 there, and `folds`
 *   says in how many folds it existed. sd is the population sd of the per-fold values.
 *
 * Ranking (both files): ties share a rank (competition ranking 1, 2, 2, 4), listed by feature
 * name; values within IMP_TOL of each other are ties, and |importance| <= IMP_TOL counts as zero
 * (nonzero = 0), so floating-point noise (1e-17) never ranks above a true zero. An accuracy drop
 * is a multiple of 1 / (rows x repeats), at least 1e-5 for up to 10^5 rows x repeats, so no real
 * difference is that small. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/results.h"
#include "core/base/rng.h"
#include "core/base/strset.h"
#include "core/ml/folds.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/cvrun.h"
#include "experiments/engine/importance.h"
#include "experiments/reproduce/repro.h"

#define IMP_TOL 1e-9

/* One ranked importance table. */
struct imp_table {
	size_t d;
	const char **name; /* borrowed */
	double *mean, *sd;
	size_t *folds; /* folds in which the feature existed, or NULL (training-set version) */
};

static double snap(double v)
{
	return fabs(v) <= IMP_TOL ? 0.0 : v;
}

static const struct imp_table *sort_tab;
static int cmp_rank(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = snap(sort_tab->mean[i]), y = snap(sort_tab->mean[j]);
	if (fabs(x - y) > IMP_TOL)
		return x < y ? 1 : -1;
	return strcmp(sort_tab->name[i], sort_tab->name[j]);
}

/* Write `t` ranked to `path`: rank,feature,importance,sd,tied,nonzero[,folds]. */
static int write_ranked(const struct imp_table *t, const char *path, struct diag *d)
{
	size_t *order = malloc((t->d + 1) * sizeof(*order));
	struct csvio_out o;
	int bad;
	if (!order)
		return diag_error(d, "out of memory");
	for (size_t j = 0; j < t->d; j++)
		order[j] = j;
	sort_tab = t; /* single-threaded driver */
	qsort(order, t->d, sizeof(*order), cmp_rank);
	if (csvio_out_open(&o, path) < 0) {
		free(order);
		return diag_error(d, "'%s': cannot write", path);
	}
	static const char *const head[] = {"rank", "feature", "importance", "sd",
	                                   "tied", "nonzero", "folds"};
	bad = csvio_write_row(o.f, head, t->folds ? 7 : 6);
	for (size_t k = 0, start = 0; k < t->d && !bad; k++) {
		size_t j = order[k], end = k + 1;
		/* the tie group of k: [start, end) */
		if (k && fabs(snap(t->mean[order[k - 1]]) - snap(t->mean[j])) > IMP_TOL)
			start = k;
		while (end < t->d && fabs(snap(t->mean[order[end]]) - snap(t->mean[j])) <= IMP_TOL)
			end++;
		char rk[32], m[40], s[40], tie[32], nz[8], fo[32];
		snprintf(rk, sizeof(rk), "%zu", start + 1);
		snprintf(m, sizeof(m), "%.17g", t->mean[j]);
		snprintf(s, sizeof(s), "%.17g", t->sd[j]);
		snprintf(tie, sizeof(tie), "%zu", end - start);
		snprintf(nz, sizeof(nz), "%d", snap(t->mean[j]) != 0);
		snprintf(fo, sizeof(fo), "%zu", t->folds ? t->folds[j] : 0);
		const char *f[] = {rk, t->name[j] ? t->name[j] : "?", m, s, tie, nz, fo};
		bad |= csvio_write_row(o.f, f, t->folds ? 7 : 6);
	}
	free(order);
	if (bad) {
		csvio_out_abort(&o);
		return diag_error(d, "'%s': write failed", path);
	}
	return csvio_out_commit(&o) < 0 ? diag_error(d, "'%s': commit failed", path) : 0;
}

static size_t count_nonzero(const struct imp_table *t)
{
	size_t n = 0;
	for (size_t j = 0; j < t->d; j++)
		n += snap(t->mean[j]) != 0;
	return n;
}

/* D32: fit on the whole training split, importance on the same rows. */
static int training_set_importance(struct repro *r, struct protocli *pc, const struct featdata *fd,
                                   struct diag *d)
{
	struct cvrun_fit fit;
	struct imp_table t = {0};
	double base = 0;
	size_t n = fd->fixed->n, *idx = malloc((n + 1) * sizeof(*idx));
	char out[REPRO_PATH_MAX];
	int ret = -1;
	memset(&fit, 0, sizeof(fit));
	if (!idx)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (cvrun_train_test(fd, &pc->sets[0], &pc->learners[0], &pc->o, idx, n, NULL, 0, &fit, d) <
	    0)
		goto end;
	t.d = fit.train->d;
	t.name = (const char **)fit.train->feature_name;
	t.mean = calloc(t.d + 1, sizeof(double));
	t.sd = calloc(t.d + 1, sizeof(double));
	if (!t.name || !t.mean || !t.sd) {
		diag_error(d, "out of memory or unnamed columns");
		goto end;
	}
	if (importance_permutation(fit.learner, fit.train, IMPORTANCE_ACCURACY, r->imp_repeats,
	                           r->seed, r->jobs, t.mean, t.sd, &base, d) < 0)
		goto end;
	repro_path(r, "fig2_importance.csv", out, sizeof(out));
	if (write_ranked(&t, out, d) < 0)
		goto end;
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "set", r->final_set);
		sidecar_set_string(sc, "scoring", "accuracy");
		sidecar_set_string(sc, "data",
		                   "training split (D32): fitted and evaluated on the "
		                   "same rows");
		sidecar_set_number(sc, "repeats", (double)r->imp_repeats);
		sidecar_set_number(sc, "baseline_accuracy", base);
		sidecar_set_number(sc, "n_rows", (double)n);
		sidecar_set_number(sc, "tolerance", IMP_TOL);
		sidecar_set_number(sc, "features", (double)t.d);
		sidecar_set_number(sc, "features_nonzero", (double)count_nonzero(&t));
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	ret = 0;
end:
	free(idx);
	free(t.mean);
	free(t.sd);
	cvrun_fit_release(&fit);
	return ret;
}

/* Grow the per-feature accumulators of the held-out version to `n` features. */
static int grow(double **a, double **b, size_t **c, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 64;
	while (nc < n)
		nc *= 2;
	double *x = realloc(*a, nc * sizeof(double));
	if (x)
		*a = x;
	double *y = realloc(*b, nc * sizeof(double));
	if (y)
		*b = y;
	size_t *z = realloc(*c, nc * sizeof(size_t));
	if (z)
		*c = z;
	if (!x || !y || !z)
		return -1;
	for (size_t j = *cap; j < nc; j++) {
		(*a)[j] = (*b)[j] = 0;
		(*c)[j] = 0;
	}
	*cap = nc;
	return 0;
}

/* Held-out folds of repeat 1 of the stratified CV. */
static int heldout_importance(struct repro *r, struct protocli *pc, const struct featdata *fd,
                              struct diag *d)
{
	struct folds fo = {0};
	struct strset names = STRSET_INIT;
	double *sum = NULL, *sumsq = NULL, *mean = NULL, *sd = NULL, base_sum = 0;
	size_t *present = NULL, cap = 0, n = fd->fixed->n, k = r->folds, done = 0;
	const char **nm = NULL;
	char out[REPRO_PATH_MAX];
	int ret = -1;
	gsl_rng *rng = rng_alloc(rng_derive(r->seed, 0));
	if (!rng)
		return diag_error(d, "out of memory");
	int rc = folds_stratified(&fo, fd->fixed->y, n, k, rng, d);
	rng_free(rng);
	if (rc < 0)
		return -1;
	for (size_t f = 0; f < k; f++) {
		size_t *tr = NULL, *te = NULL, ntr = 0, nte = 0;
		struct cvrun_fit fit;
		double *m = NULL, *s = NULL, base = 0;
		memset(&fit, 0, sizeof(fit));
		if (folds_split(&fo, f, &tr, &ntr, &te, &nte) < 0) {
			diag_error(d, "out of memory");
			goto end;
		}
		rc = cvrun_train_test(fd, &pc->sets[0], &pc->learners[0], &pc->o, tr, ntr, te, nte,
		                      &fit, d);
		free(tr);
		free(te);
		if (rc < 0)
			goto end;
		size_t dc = fit.test->d;
		m = calloc(dc + 1, sizeof(double));
		s = calloc(dc + 1, sizeof(double));
		rc = !m || !s || !fit.test->feature_name
		         ? diag_error(d, "out of memory or unnamed columns")
		         : importance_permutation(fit.learner, fit.test, IMPORTANCE_ACCURACY,
		                                  r->imp_repeats, rng_derive(r->seed, 1 + f),
		                                  r->jobs, m, s, &base, d);
		for (size_t j = 0; rc == 0 && j < dc; j++) {
			const char *name = fit.test->feature_name[j];
			size_t id;
			if (strset_add(&names, name, strlen(name), &id) < 0 ||
			    grow(&sum, &sumsq, &present, &cap, id + 1) < 0) {
				rc = diag_error(d, "out of memory");
				break;
			}
			sum[id] += m[j];
			sumsq[id] += m[j] * m[j];
			present[id]++;
		}
		base_sum += base;
		free(m);
		free(s);
		cvrun_fit_release(&fit);
		if (rc < 0)
			goto end;
		done++;
	}
	size_t dn = names.count;
	mean = calloc(dn + 1, sizeof(double));
	sd = calloc(dn + 1, sizeof(double));
	nm = calloc(dn + 1, sizeof(*nm));
	if (!mean || !sd || !nm) {
		diag_error(d, "out of memory");
		goto end;
	}
	for (size_t j = 0; j < dn; j++) {
		mean[j] = sum[j] / (double)k; /* absent from a fold = 0 there */
		double var = sumsq[j] / (double)k - mean[j] * mean[j];
		sd[j] = var > 0 ? sqrt(var) : 0;
		nm[j] = strset_get(&names, j);
	}
	struct imp_table t = {dn, nm, mean, sd, present};
	repro_path(r, "fig2_importance_heldout.csv", out, sizeof(out));
	if (write_ranked(&t, out, d) < 0)
		goto end;
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "set", r->final_set);
		sidecar_set_string(sc, "scoring", "accuracy");
		sidecar_set_string(
		    sc, "data",
		    "held-out folds: the folds of repeat 1 of the stratified CV of the training "
		    "split; "
		    "per fold a model fitted on the other folds, importance on the held-out fold, "
		    "mean "
		    "over the folds (a feature absent from a fold counts as 0 there)");
		sidecar_set_number(sc, "folds", (double)k);
		sidecar_set_number(sc, "repeats", (double)r->imp_repeats);
		sidecar_set_number(sc, "baseline_accuracy_mean",
		                   done ? base_sum / (double)done : (double)NAN);
		sidecar_set_number(sc, "n_rows", (double)n);
		sidecar_set_number(sc, "tolerance", IMP_TOL);
		sidecar_set_number(sc, "features", (double)dn);
		sidecar_set_number(sc, "features_nonzero", (double)count_nonzero(&t));
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	ret = 0;
end:
	folds_release(&fo);
	strset_release(&names);
	free(sum);
	free(sumsq);
	free(present);
	free(mean);
	free(sd);
	free(nm);
	return ret;
}

int repro_importance(struct repro *r, struct diag *d)
{
	struct protocli pc;
	struct featdata *fd = NULL;
	int ret = -1;
	protocli_init(&pc);
	pc.o.seed = r->seed;
	pc.o.jobs = r->jobs;
	if (protocli_sets(&pc, r->final_set) < 0 || protocli_learners(&pc, "stack") < 0 ||
	    protocli_finish(&pc) < 0) {
		diag_error(d, "cannot set up the stacking learner");
		goto end;
	}
	if (protocli_load(r->features, r->manifest, "train", &fd) < 0) {
		diag_error(d, "cannot load '%s' with '%s'", r->features, r->manifest);
		goto end;
	}
	if (training_set_importance(r, &pc, fd, d) < 0 || heldout_importance(r, &pc, fd, d) < 0)
		goto end;
	ret = 0;
end:
	featdata_free(fd);
	protocli_release(&pc);
	return ret;
}
