/* Unit tests for core/importance with test-only learners whose scores are known functions of the
 * columns, so the informative column and the exact zero importances are known in advance. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/engine/importance.h"
#include "core/ml/metrics.h"
#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

#define N 200
#define D 6

static const struct param_spec no_params[] = {{0}};

struct lin_state {
	double first; /* x[0][0] seen at fit (the "fail" learner) */
};

static int lin_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *d)
{
	struct lin_state *s = state;
	(void)r;
	(void)d;
	s->first = train->X[0];
	return 0;
}

/* score = 2 x3 + 0.5 x1: column 3 decides, column 1 matters a little, the rest not at all. */
static int lin_score(const void *state, const struct dataset *x, double *out, struct diag *d)
{
	(void)state;
	(void)d;
	for (size_t i = 0; i < x->n; i++)
		out[i] = 2 * dataset_get(x, i, 3) + 0.5 * dataset_get(x, i, 1);
	return 0;
}

/* Like lin, but fails when x[0][0] differs from the value seen at fit (a permuted column 0). */
static int fail_score(const void *state, const struct dataset *x, double *out, struct diag *d)
{
	const struct lin_state *s = state;
	if (x->X[0] != s->first)
		return diag_error(d, "fail: column 0 moved");
	return lin_score(state, x, out, d);
}

static const struct learner_type learner_lin = {
    .name = "lin",
    .summary = "test: 2 x3 + 0.5 x1",
    .state_size = sizeof(struct lin_state),
    .params = no_params,
    .fit = lin_fit,
    .score = lin_score,
};

static const struct learner_type learner_fail = {
    .name = "fail",
    .summary = "test: fails once column 0 is permuted",
    .state_size = sizeof(struct lin_state),
    .params = no_params,
    .fit = lin_fit,
    .score = fail_score,
};

static struct dataset *make_set(void)
{
	struct dataset *x = dataset_alloc(N, D);
	gsl_rng *r = rng_alloc(99);
	for (size_t i = 0; i < N; i++) {
		x->y[i] = i % 4 == 0; /* 50 malicious */
		for (size_t j = 0; j < D; j++)
			x->X[i * D + j] = gsl_ran_gaussian(r, 1.0);
		/* column 3 separates the classes; column 1 leans with the class */
		x->X[i * D + 3] = (x->y[i] ? 1.0 : -1.0) + 0.2 * gsl_ran_gaussian(r, 1.0);
		x->X[i * D + 1] += x->y[i] ? 0.5 : -0.5;
		x->X[i * D + 0] = (double)i; /* distinct, for the failing learner */
	}
	rng_free(r);
	return x;
}

/* Recompute one (column, repeat) permuted score exactly as the header defines it. */
static double manual_perm_score(const struct learner *l, const struct dataset *x, size_t j,
                                size_t k, size_t n_repeats, unsigned long seed)
{
	size_t perm[N];
	double col[N], s[N];
	struct confusion c;
	struct dataset local = *x;
	gsl_rng *r = rng_alloc(rng_derive(seed, j * n_repeats + k));
	local.X = malloc(N * D * sizeof(double));
	memcpy(local.X, x->X, N * D * sizeof(double));
	for (size_t i = 0; i < N; i++) {
		perm[i] = i;
		col[i] = x->X[i * D + j];
	}
	gsl_ran_shuffle(r, perm, N, sizeof(size_t));
	for (size_t i = 0; i < N; i++)
		local.X[i * D + j] = col[perm[i]];
	learner_score(l, &local, s, NULL);
	c = metrics_confusion(s, x->y, N, learner_threshold(l));
	free(local.X);
	rng_free(r);
	return (double)(c.tp + c.tn) / N;
}

int main(void)
{
	struct dataset *x;
	struct learner *l, *lf;
	gsl_rng *r;
	struct diag d;
	double m1[D], s1[D], m2[D], s2[D], m4[D], s4[D], base, mr[D], sr[D];
	int rest_zero = 1;
	size_t best = 0;

	toolkit_init();
	diag_init(&d);
	x = make_set();
	r = rng_alloc(1);
	l = learner_alloc(&learner_lin, NULL, &d);
	lf = learner_alloc(&learner_fail, NULL, &d);
	if (!CHECK(x && l && lf && learner_fit(l, x, r, &d) == 0 && learner_fit(lf, x, r, &d) == 0,
	           "fixture and test learners"))
		return harness_done();

	CHECK_INT(importance_permutation(l, x, IMPORTANCE_ACCURACY, 10, 2025, 1, m1, s1, &base, &d),
	          0, "importance, 1 thread");
	CHECK_REL(base, 1.0, 0, "baseline accuracy 1 (column 3 separates)");
	for (size_t j = 1; j < D; j++)
		if (m1[j] > m1[best])
			best = j;
	CHECK_INT(best, 3, "column 3 has the largest importance");
	CHECK(m1[3] > 0.3, "column 3 importance is large (%.3f)", m1[3]);
	CHECK(m1[1] >= 0 && m1[1] < m1[3], "column 1 smaller (%.4f)", m1[1]);
	for (size_t j = 0; j < D; j++)
		if (j != 1 && j != 3 && (m1[j] != 0 || s1[j] != 0))
			rest_zero = 0;
	CHECK(rest_zero, "unused columns: importance exactly 0, sd 0");
	CHECK(s1[3] > 0, "sd of column 3 is positive");

	/* The definition, recomputed by hand for column 3 with 3 repeats. */
	{
		double mm[D], ss[D], v[3], mean = 0, var = 0;
		importance_permutation(l, x, IMPORTANCE_ACCURACY, 3, 77, 1, mm, ss, NULL, &d);
		for (size_t k = 0; k < 3; k++) {
			v[k] = 1.0 - manual_perm_score(l, x, 3, k, 3, 77);
			mean += v[k] / 3;
		}
		for (size_t k = 0; k < 3; k++)
			var += (v[k] - mean) * (v[k] - mean) / 3;
		CHECK_REL(mm[3], mean, 1e-12, "mean = baseline - mean permuted score");
		CHECK_REL(ss[3], sqrt(var), 1e-12, "sd = population sd over repeats");
	}

	CHECK_INT(importance_permutation(l, x, IMPORTANCE_ACCURACY, 10, 2025, 2, m2, s2, NULL, &d),
	          0, "importance, 2 threads");
	CHECK_INT(importance_permutation(l, x, IMPORTANCE_ACCURACY, 10, 2025, 64, m4, s4, NULL, &d),
	          0, "importance, more threads than columns");
	CHECK(!memcmp(m1, m2, sizeof(m1)) && !memcmp(s1, s2, sizeof(s1)),
	      "1 and 2 threads give identical results");
	CHECK(!memcmp(m1, m4, sizeof(m1)) && !memcmp(s1, s4, sizeof(s1)),
	      "1 and 64 threads give identical results");
	importance_permutation(l, x, IMPORTANCE_ACCURACY, 10, 2026, 1, mr, sr, NULL, &d);
	CHECK(memcmp(m1, mr, sizeof(m1)) != 0, "another seed gives other values");

	CHECK_INT(importance_permutation(l, x, IMPORTANCE_ROC_AUC, 5, 3, 2, mr, sr, &base, &d), 0,
	          "roc_auc scoring");
	CHECK(base > 0.99 && mr[3] > 0.3 && mr[0] == 0, "roc_auc: column 3 again (%.3f)", mr[3]);
	CHECK_INT(importance_permutation(l, x, IMPORTANCE_MACRO_F1, 5, 3, 1, mr, sr, &base, &d), 0,
	          "macro_f1 scoring");
	CHECK(base == 1 && mr[3] > 0.3, "macro_f1: column 3 again (%.3f)", mr[3]);

	CHECK_INT(importance_scoring_parse("macro_f1"), IMPORTANCE_MACRO_F1, "parse macro_f1");
	CHECK_INT(importance_scoring_parse("f1"), -1, "unknown scoring");
	CHECK_STR(importance_scoring_name(IMPORTANCE_ROC_AUC), "roc_auc", "scoring name");

	/* Errors. */
	CHECK_INT(importance_permutation(l, x, IMPORTANCE_ACCURACY, 0, 1, 1, mr, sr, NULL, &d), -1,
	          "zero repeats rejected");
	CHECK_INT(importance_permutation(lf, x, IMPORTANCE_ACCURACY, 2, 1, 2, mr, sr, NULL, &d), -1,
	          "a scoring failure in a worker thread is reported");
	CHECK(strstr(diag_message(&d), "column 0 moved") != NULL, "message: %s", diag_message(&d));
	{
		struct learner *u = learner_alloc(&learner_lin, NULL, &d);
		CHECK_INT(
		    importance_permutation(u, x, IMPORTANCE_ACCURACY, 2, 1, 1, mr, sr, NULL, &d),
		    -1, "unfitted learner rejected");
		learner_free(u);
	}
	{
		struct dataset *e = dataset_alloc(0, D);
		CHECK_INT(
		    importance_permutation(l, e, IMPORTANCE_ACCURACY, 2, 1, 1, mr, sr, NULL, &d),
		    -1, "empty data set rejected");
		dataset_free(e);
	}

	learner_free(l);
	learner_free(lf);
	dataset_free(x);
	rng_free(r);
	diag_release(&d);
	return harness_done();
}
