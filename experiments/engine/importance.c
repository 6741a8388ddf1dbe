/* Permutation importance (scikit-learn's permutation_importance), threaded over columns. */
#include "experiments/engine/importance.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/metrics.h"
#include "core/base/rng.h"

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
	if (learner_score(l, x, s) < 0) {
		free(s);
		return diag_error(d, "importance: %s", learner_message(l));
	}
	*out = score_of(l, x, s, scoring);
	free(s);
	return 0;
}

struct job {
	const struct learner *l;
	const struct dataset *x;
	enum importance_scoring scoring;
	size_t n_repeats;
	unsigned long seed;
	double *perm_scores;  /* d * n_repeats, [j * n_repeats + k] */
	pthread_mutex_t lock; /* guards next_col, failed, error */
	size_t next_col;
	int failed;
	char error[DIAG_MSG_MAX];
};

static void job_fail(struct job *jb, const char *msg)
{
	pthread_mutex_lock(&jb->lock);
	if (!jb->failed) {
		jb->failed = 1;
		snprintf(jb->error, sizeof(jb->error), "%s", msg);
	}
	pthread_mutex_unlock(&jb->lock);
}

/* Take columns until none is left: permute, score, restore. Each worker owns its matrix copy,
 * score buffer and permutation array; only the column counter is shared. */
static void *worker(void *arg)
{
	struct job *jb = arg;
	const struct dataset *x = jb->x;
	size_t n = x->n, d = x->d;
	struct dataset local = *x; /* metadata borrowed read-only; X is our own copy */
	double *s = malloc(n * sizeof(*s)), *col = malloc(n * sizeof(*col));
	size_t *perm = malloc(n * sizeof(*perm));
	struct diag dg;
	local.X = malloc(n * d * sizeof(double));
	if (!s || !col || !perm || !local.X) {
		job_fail(jb, "out of memory computing permutation importance");
		goto out;
	}
	memcpy(local.X, x->X, n * d * sizeof(double));
	for (;;) {
		size_t j;
		pthread_mutex_lock(&jb->lock);
		j = jb->failed ? d : jb->next_col++;
		pthread_mutex_unlock(&jb->lock);
		if (j >= d)
			break;
		for (size_t i = 0; i < n; i++)
			col[i] = x->X[i * d + j];
		for (size_t k = 0; k < jb->n_repeats; k++) {
			gsl_rng *r = rng_alloc(rng_derive(jb->seed, j * jb->n_repeats + k));
			if (!r) {
				job_fail(jb, "out of memory computing permutation importance");
				goto out;
			}
			for (size_t i = 0; i < n; i++)
				perm[i] = i;
			gsl_ran_shuffle(r, perm, n, sizeof(*perm));
			rng_free(r);
			for (size_t i = 0; i < n; i++)
				local.X[i * d + j] = col[perm[i]];
			/* The type's score() directly, with a diag of our own: learner_score()
			 * would record errors on the learner shared by every thread. */
			diag_init(&dg);
			if (jb->l->type->score(jb->l->state, &local, s, &dg) < 0) {
				char msg[DIAG_MSG_MAX];
				snprintf(msg, sizeof(msg), "importance: column %zu: %s", j,
				         diag_message(&dg));
				diag_release(&dg);
				job_fail(jb, msg);
				goto out;
			}
			diag_release(&dg);
			jb->perm_scores[j * jb->n_repeats + k] = score_of(jb->l, x, s, jb->scoring);
		}
		for (size_t i = 0; i < n; i++)
			local.X[i * d + j] = col[i];
	}
out:
	free(s);
	free(col);
	free(perm);
	free(local.X);
	return NULL;
}

int importance_permutation(const struct learner *l, const struct dataset *x,
                           enum importance_scoring scoring, size_t n_repeats, unsigned long seed,
                           size_t n_threads, double *mean, double *sd, double *baseline,
                           struct diag *d)
{
	struct job jb;
	double base;
	pthread_t *tid = NULL;
	size_t started = 0;
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
	if (!jb.perm_scores)
		return diag_error(d, "out of memory computing permutation importance");
	if (pthread_mutex_init(&jb.lock, NULL) != 0) {
		free(jb.perm_scores);
		return diag_error(d, "cannot create a mutex");
	}
	if (n_threads > x->d)
		n_threads = x->d;
	if (n_threads > 1) {
		tid = malloc(n_threads * sizeof(*tid));
		if (!tid) {
			diag_error(d, "out of memory computing permutation importance");
			goto out;
		}
		for (; started < n_threads; started++)
			if (pthread_create(&tid[started], NULL, worker, &jb) != 0)
				break; /* the threads already running do the work */
		if (started == 0)
			worker(&jb);
		for (size_t t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
	} else {
		worker(&jb);
	}
	if (jb.failed) {
		diag_error(d, "%s", jb.error);
		goto out;
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
	pthread_mutex_destroy(&jb.lock);
	free(tid);
	free(jb.perm_scores);
	return rc;
}
