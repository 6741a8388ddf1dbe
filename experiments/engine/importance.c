/* Permutation importance (scikit-learn's permutation_importance), one work-queue item per
 * (column, repeat). */
#include "experiments/engine/importance.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/metrics.h"
#include "core/base/rng.h"
#include "core/base/workq.h"

static const char *const scoring_names[] = {"accuracy", "macro_f1", "roc_auc"};

int importance_scoring_parse(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, scoring_names[i]))
			return i;
	return -1;
}

const char *importance_scoring_name(enum importance_scoring s)
{
	return (unsigned)s < 3 ? scoring_names[s] : "unknown";
}

/* Score already-computed learner scores `s` against x->y. */
static double score_of(const struct learner *l, const struct dataset *x, const double *s,
                       enum importance_scoring scoring)
{
	struct confusion c;
	struct metrics m;
	switch (scoring) {
	case IMPORTANCE_ACCURACY:
		c = metrics_confusion(s, x->y, x->n, learner_threshold(l));
		return (double)(c.tp + c.tn) / (double)x->n;
	case IMPORTANCE_MACRO_F1:
		metrics_compute(s, x->y, x->n, learner_threshold(l), &m);
		return m.f1_macro;
	case IMPORTANCE_ROC_AUC:
		return metrics_roc_auc(s, x->y, x->n);
	}
	BUG("unknown importance scoring %d", (int)scoring);
}

int importance_score(const struct learner *l, const struct dataset *x,
                     enum importance_scoring scoring, double *out, struct diag *d)
{
	double *s;
	if (x->n == 0)
		return diag_error(d, "permutation importance needs at least one row");
	s = malloc(x->n * sizeof(*s));
	if (!s)
		return diag_error(d, "out of memory scoring for importance");
	struct diag ld;
	diag_init(&ld);
	if (learner_score(l, x, s, &ld) < 0) {
		diag_error(d, "importance: %s", diag_message(&ld));
		diag_release(&ld);
		free(s);
		return -1;
	}
	diag_release(&ld);
	*out = score_of(l, x, s, scoring);
	free(s);
	return 0;
}

/* Per-thread scratch: a private copy of the matrix in which at most one column is permuted
 * (perm_col), a score buffer and a permutation array. */
struct scratch {
	struct dataset local; /* metadata borrowed read-only from x; X is our own copy */
	double *s;
	size_t *perm;
	size_t perm_col;  /* the column of `local` currently permuted, or (size_t)-1 */
	size_t fail_item; /* lowest failing item, or (size_t)-1 */
	char error[DIAG_MSG_MAX];
};

struct job {
	const struct learner *l;
	const struct dataset *x;
	enum importance_scoring scoring;
	size_t n_repeats;
	unsigned long seed;
	double *perm_scores; /* d * n_repeats, [j * n_repeats + k]: one slot per item */
	struct scratch *sc;  /* [workq_threads()] */
};

static void scratch_fail(struct scratch *sc, size_t item, const char *msg)
{
	if (item < sc->fail_item) {
		sc->fail_item = item;
		snprintf(sc->error, sizeof(sc->error), "%s", msg);
	}
}

/* Item j * n_repeats + k: permute column j of this thread's copy with stream
 * rng_derive(seed, item) and score it. */
static void run_repeat(void *arg, size_t item, size_t thread)
{
	struct job *jb = arg;
	struct scratch *sc = &jb->sc[thread];
	const struct dataset *x = jb->x;
	size_t n = x->n, d = x->d, j = item / jb->n_repeats;
	struct diag dg;
	gsl_rng *r = rng_alloc(rng_derive(jb->seed, item));
	if (!r) {
		scratch_fail(sc, item, "out of memory computing permutation importance");
		return;
	}
	if (sc->perm_col != j && sc->perm_col != (size_t)-1)
		for (size_t i = 0; i < n; i++) /* restore the column permuted last */
			sc->local.X[i * d + sc->perm_col] = x->X[i * d + sc->perm_col];
	sc->perm_col = j;
	for (size_t i = 0; i < n; i++)
		sc->perm[i] = i;
	gsl_ran_shuffle(r, sc->perm, n, sizeof(*sc->perm));
	rng_free(r);
	for (size_t i = 0; i < n; i++)
		sc->local.X[i * d + j] = x->X[sc->perm[i] * d + j];
	diag_init(&dg);
	if (learner_score(jb->l, &sc->local, sc->s, &dg) < 0) {
		char msg[DIAG_MSG_MAX];
		snprintf(msg, sizeof(msg), "importance: column %zu: %s", j, diag_message(&dg));
		scratch_fail(sc, item, msg);
	} else {
		jb->perm_scores[item] = score_of(jb->l, x, sc->s, jb->scoring);
	}
	diag_release(&dg);
}

int importance_permutation(const struct learner *l, const struct dataset *x,
                           enum importance_scoring scoring, size_t n_repeats, unsigned long seed,
                           size_t n_threads, double *mean, double *sd, double *baseline,
                           struct diag *d)
{
	struct job jb;
	struct workq_job job = {0, run_repeat, NULL, &jb};
	struct workq *q = NULL;
	size_t n_scratch = 0;
	double base;
	int rc = -1;
	if (x->n == 0)
		return diag_error(d, "permutation importance needs at least one row");
	if (n_repeats == 0)
		return diag_error(d, "permutation importance needs at least one repeat");
	if ((unsigned)scoring > IMPORTANCE_ROC_AUC)
		return diag_error(d, "unknown importance scoring %d", (int)scoring);
	if (importance_score(l, x, scoring, &base, d) < 0)
		return -1;
	if (baseline)
		*baseline = base;
	if (x->d == 0)
		return 0;
	if (x->d > ((size_t)-1) / sizeof(double) / n_repeats ||
	    x->n > ((size_t)-1) / sizeof(double) / x->d)
		return diag_error(d, "data set too large for permutation importance");
	memset(&jb, 0, sizeof(jb));
	jb.l = l;
	jb.x = x;
	jb.scoring = scoring;
	jb.n_repeats = n_repeats;
	jb.seed = seed;
	jb.perm_scores = malloc(x->d * n_repeats * sizeof(double));
	q = workq_alloc(n_threads > x->d * n_repeats ? x->d * n_repeats : n_threads);
	if (!jb.perm_scores || !q) {
		diag_error(d, "out of memory computing permutation importance");
		goto out;
	}
	n_scratch = workq_threads(q);
	jb.sc = calloc(n_scratch, sizeof(*jb.sc));
	if (!jb.sc) {
		diag_error(d, "out of memory computing permutation importance");
		goto out;
	}
	for (size_t t = 0; t < n_scratch; t++) {
		struct scratch *sc = &jb.sc[t];
		sc->local = *x;
		sc->local.X = malloc(x->n * x->d * sizeof(double));
		sc->s = malloc(x->n * sizeof(double));
		sc->perm = malloc(x->n * sizeof(size_t));
		sc->perm_col = sc->fail_item = (size_t)-1;
		if (!sc->local.X || !sc->s || !sc->perm) {
			diag_error(d, "out of memory computing permutation importance");
			goto out;
		}
		memcpy(sc->local.X, x->X, x->n * x->d * sizeof(double));
	}
	job.n = x->d * n_repeats;
	if (workq_run(q, &job) < 0) {
		diag_error(d, "out of memory computing permutation importance");
		goto out;
	}
	{
		const struct scratch *first = NULL;
		for (size_t t = 0; t < n_scratch; t++)
			if (jb.sc[t].fail_item != (size_t)-1 &&
			    (!first || jb.sc[t].fail_item < first->fail_item))
				first = &jb.sc[t];
		if (first) {
			diag_error(d, "%s", first->error);
			goto out;
		}
	}
	for (size_t j = 0; j < x->d; j++) {
		const double *v = jb.perm_scores + j * n_repeats;
		double m = 0, ss = 0;
		for (size_t k = 0; k < n_repeats; k++)
			m += base - v[k];
		m /= (double)n_repeats;
		for (size_t k = 0; k < n_repeats; k++)
			ss += (base - v[k] - m) * (base - v[k] - m);
		mean[j] = m;
		sd[j] = sqrt(ss / (double)n_repeats);
	}
	rc = 0;
out:
	for (size_t t = 0; jb.sc && t < n_scratch; t++) {
		free(jb.sc[t].local.X);
		free(jb.sc[t].s);
		free(jb.sc[t].perm);
	}
	free(jb.sc);
	workq_free(q);
	free(jb.perm_scores);
	return rc;
}
