/* nb: Bernoulli naive Bayes as scikit-learn's BernoulliNB(alpha=1.0, binarize=0.0) (spec D24).
 *
 * Model: features binarised at x > binarize; P(x_j = 1 | c) = (count_cj + alpha) /
 * (n_c + 2 alpha) (Laplace smoothing); class priors from the training frequencies (fit_prior).
 * Closed form, no iterations. Score: P(malicious) from the joint log-likelihoods
 * jll_c = log prior_c + sum_j [x_j log p_cj + (1 - x_j) log(1 - p_cj)], normalised with a
 * log-sum-exp (LEARNER_PROBABILISTIC). log(1 - p_cj) is computed as log((n_c - count_cj + alpha) /
 * (n_c + 2 alpha)) rather than scikit-learn's log(1 - exp(log p)), which differs in the last bits.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "learners/learner.h"

struct nb_state {
	double alpha;
	double binarize;
	size_t d;
	double prior[2];  /* log class priors */
	double base[2];   /* sum_j log(1 - p_cj) */
	double *delta[2]; /* log p_cj - log(1 - p_cj) */
};

static const struct param_spec nb_params[] = {
    {"alpha", PARAM_DOUBLE, offsetof(struct nb_state, alpha), "1", "(0, inf)",
     "additive (Laplace) smoothing"},
    {"binarize", PARAM_DOUBLE, offsetof(struct nb_state, binarize), "0", "(-inf, inf)",
     "a feature is 1 iff its value is > binarize"},
    {0},
};

static void nb_release(void *state)
{
	struct nb_state *s = state;
	free(s->delta[0]);
	free(s->delta[1]);
	s->delta[0] = s->delta[1] = NULL;
}

static int nb_alloc(struct nb_state *s, size_t d, struct diag *dg)
{
	s->d = d;
	s->delta[0] = calloc(d ? d : 1, sizeof(double));
	s->delta[1] = calloc(d ? d : 1, sizeof(double));
	if (!s->delta[0] || !s->delta[1])
		return diag_error(dg, "nb: out of memory");
	return 0;
}

static int nb_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *dg)
{
	struct nb_state *s = state;
	size_t n = train->n, d = train->d, nc[2] = {0, 0};
	double *cnt[2];
	(void)r;
	if (nb_alloc(s, d, dg) < 0)
		return -1;
	cnt[0] = s->delta[0];
	cnt[1] = s->delta[1];
	for (size_t i = 0; i < n; i++) {
		int c = train->y[i] != 0;
		const double *x = dataset_row(train, i);
		nc[c]++;
		for (size_t j = 0; j < d; j++)
			cnt[c][j] += x[j] > s->binarize;
	}
	for (int c = 0; c < 2; c++) {
		double den = (double)nc[c] + 2 * s->alpha;
		s->prior[c] = log((double)nc[c] / (double)n);
		s->base[c] = 0;
		for (size_t j = 0; j < d; j++) {
			double lp = log((cnt[c][j] + s->alpha) / den);
			double lq = log(((double)nc[c] - cnt[c][j] + s->alpha) / den);
			s->base[c] += lq;
			cnt[c][j] = lp - lq;
		}
	}
	return 0;
}

static int nb_score(const void *state, const struct dataset *x, double *out, struct diag *dg)
{
	const struct nb_state *s = state;
	if (x->d != s->d)
		return diag_error(dg, "nb: %zu columns, model has %zu", x->d, s->d);
	size_t *on = malloc((s->d ? s->d : 1) * sizeof(size_t));
	if (!on)
		return diag_error(dg, "nb: out of memory");
	for (size_t i = 0; i < x->n; i++) {
		const double *row = dataset_row(x, i);
		double jll[2], m;
		size_t k = 0;
		/* the active columns first (no branch per column), then the sums over them in
		 * column order: the same additions as testing each column in the sum */
		for (size_t j = 0; j < s->d; j++) {
			on[k] = j;
			k += row[j] > s->binarize;
		}
		for (int c = 0; c < 2; c++) {
			jll[c] = s->prior[c] + s->base[c];
			for (size_t q = 0; q < k; q++)
				jll[c] += s->delta[c][on[q]];
		}
		m = fmax(jll[0], jll[1]);
		out[i] = exp(jll[1] - (m + log(exp(jll[0] - m) + exp(jll[1] - m))));
	}
	free(on);
	return 0;
}

static int nb_save(const void *state, FILE *f)
{
	const struct nb_state *s = state;
	fprintf(f, "d %zu\n%a %a %a %a\n", s->d, s->prior[0], s->prior[1], s->base[0], s->base[1]);
	for (size_t j = 0; j < s->d; j++)
		fprintf(f, "%a %a\n", s->delta[0][j], s->delta[1][j]);
	return ferror(f) ? -1 : 0;
}

static int nb_load(void *state, FILE *f, struct diag *dg)
{
	struct nb_state *s = state;
	size_t d;
	if (fscanf(f, " d %zu", &d) != 1 || d > 100000000)
		return diag_error(dg, "nb: bad 'd' line");
	if (nb_alloc(s, d, dg) < 0)
		return -1;
	if (fscanf(f, "%la %la %la %la", &s->prior[0], &s->prior[1], &s->base[0], &s->base[1]) != 4)
		return diag_error(dg, "nb: bad priors");
	for (size_t j = 0; j < d; j++)
		if (fscanf(f, "%la %la", &s->delta[0][j], &s->delta[1][j]) != 2)
			return diag_error(dg, "nb: bad feature line %zu", j);
	return 0;
}

const struct learner_type learner_nb = {
    .name = "nb",
    .summary = "Bernoulli naive Bayes, alpha 1, binarised at > 0 (D24)",
    .state_size = sizeof(struct nb_state),
    .params = nb_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = NULL,
    .fit = nb_fit,
    .score = nb_score,
    .release = nb_release,
    .save = nb_save,
    .load = nb_load,
};
