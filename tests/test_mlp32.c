/* Unit tests for learners/mlp32 (mlp.precision=float32): it learns what the float64 path
 * learns from the same draws, its two kernel builds (SSE2 baseline, AVX2) agree in every bit,
 * padded hidden units stay inert, and bad inputs are rejected. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "learners/learner.h"
#include "learners/mlp32.h"
#include "tests/harness.h"

/* n rows of d columns like the token matrices: 0/1 values at ~15 % density, plus one count
 * column (0..4) and one fractional column; the label depends on a few columns and noise. */
static struct dataset *make_tokens(size_t n, size_t d, unsigned long seed)
{
	struct dataset *ds = dataset_alloc(n, d);
	gsl_rng *r = rng_alloc(seed);
	for (size_t i = 0; i < n; i++) {
		double *x = dataset_row(ds, i), v = 0;
		for (size_t j = 0; j < d; j++)
			x[j] = gsl_rng_uniform(r) < 0.15;
		x[d - 2] = (double)gsl_rng_uniform_int(r, 5);
		x[d - 1] = gsl_rng_uniform(r) < 0.3 ? gsl_rng_uniform(r) * 3.7 : 0;
		v = x[0] + x[1] + x[2] - x[3] + 0.4 * x[d - 2] + x[d - 1] +
		    gsl_ran_gaussian(r, 0.5);
		ds->y[i] = v > 1.2;
	}
	rng_free(r);
	return ds;
}

static struct learner *fitted(const char *params, const struct dataset *x, unsigned long seed)
{
	struct diag d;
	gsl_rng *r = rng_alloc(seed);
	struct learner *l;
	diag_init(&d);
	l = learner_alloc(learner_find("mlp"), params, &d);
	if (!l || learner_fit(l, x, r, &d) < 0)
		die("mlp %s: %s", params, diag_message(&d));
	rng_free(r);
	diag_release(&d);
	return l;
}

static void test_float32_vs_float64(void)
{
	struct dataset *tr = make_tokens(500, 60, 1), *te = make_tokens(300, 60, 2);
	struct learner *a = fitted("precision=float32", tr, 7),
	               *b = fitted("precision=float64", tr, 7);
	double *s32 = malloc(te->n * sizeof(double)), *s64 = malloc(te->n * sizeof(double));
	double maxd = 0;
	size_t agree = 0;
	CHECK(learner_score(a, te, s32, NULL) == 0 && learner_score(b, te, s64, NULL) == 0,
	      "float32 and float64 score the test rows");
	for (size_t i = 0; i < te->n; i++) {
		maxd = fmax(maxd, fabs(s32[i] - s64[i]));
		agree += (s32[i] > 0.5) == (s64[i] > 0.5);
	}
	/* the same draws in float: the two nets stay close over 200 epochs */
	CHECK(maxd < 1e-3, "float32 and float64 probabilities within 1e-3 (max |dp| %.3g)", maxd);
	CHECK(agree == te->n, "float32 and float64 verdicts agree on %zu of %zu rows", agree,
	      te->n);
	free(s32);
	free(s64);
	learner_free(a);
	learner_free(b);
	dataset_free(tr);
	dataset_free(te);
}

static void test_builds_agree(void)
{
	struct dataset *tr = make_tokens(400, 45, 3), *te = make_tokens(200, 45, 4);
	struct mlp32_opts o = {1e-4, 1e-3, 1e-4, 0.9, 0.999, 1e-8, 64, 60, 10, 1};
	struct mlp32 a = {0}, b = {0};
	long ia = 0, ib = 0;
	double la = 0, lb = 0, *sa = malloc(te->n * sizeof(double));
	double *sb = malloc(te->n * sizeof(double));
	gsl_rng *r1 = rng_alloc(11), *r2 = rng_alloc(11);
	if (!mlp32_isa_available(MLP32_ISA_AVX2)) {
		SKIP("the AVX2 kernels are not built or this CPU lacks AVX2: builds not compared");
	} else {
		int ok = mlp32_fit_isa(&a, 13, tr, r1, &o, MLP32_ISA_BASE, &ia, &la, NULL) == 0 &&
		         mlp32_fit_isa(&b, 13, tr, r2, &o, MLP32_ISA_AVX2, &ib, &lb, NULL) == 0;
		CHECK(ok, "fit with the SSE2 and the AVX2 kernels");
		CHECK(ok && ia == ib && la == lb && a.n_par == b.n_par &&
		          !memcmp(a.par, b.par, a.n_par * sizeof(float)),
		      "SSE2 and AVX2 builds: identical weights, epochs (%ld) and loss", ia);
		CHECK(ok && mlp32_score_isa(&a, te, MLP32_ISA_BASE, sa, NULL) == 0 &&
		          mlp32_score_isa(&a, te, MLP32_ISA_AVX2, sb, NULL) == 0 &&
		          !memcmp(sa, sb, te->n * sizeof(double)),
		      "SSE2 and AVX2 builds: identical scores");
	}
	mlp32_release(&a);
	mlp32_release(&b);
	rng_free(r1);
	rng_free(r2);
	free(sa);
	free(sb);
	dataset_free(tr);
	dataset_free(te);
}

static void test_padding_and_errors(void)
{
	struct dataset *tr = make_tokens(300, 20, 5), *narrow = make_tokens(5, 19, 6);
	struct mlp32_opts o = {1e-4, 1e-2, 1e-4, 0.9, 0.999, 1e-8, 50, 30, 10, 1};
	struct mlp32 net = {0};
	struct diag d;
	long it = 0;
	double loss = 0, s[5];
	int inert = 1;
	gsl_rng *r = rng_alloc(3);
	diag_init(&d);
	CHECK(mlp32_fit(&net, 5, tr, r, &o, &it, &loss, &d) == 0 && net.hp == 8,
	      "5 hidden units are padded to 8");
	for (size_t k = 5; net.par && k < 8; k++) {
		inert &= mlp32_w2(&net)[k] == 0 && mlp32_b1(&net)[k] == 0;
		for (size_t j = 0; j < net.d; j++)
			inert &= mlp32_w1(&net, j)[k] == 0;
	}
	CHECK(inert, "the padded units' weights stay exactly 0 after %ld epochs", it);
	CHECK(it == 30 && isfinite(loss) && loss < 0.69, "30 epochs, loss %.4f below log 2", loss);
	CHECK(mlp32_score(&net, narrow, s, &d) < 0 && strstr(diag_message(&d), "columns"),
	      "scoring with the wrong width fails: %s", diag_message(&d));
	mlp32_release(&net);
	mlp32_release(&net);
	CHECK(net.par == NULL, "release is idempotent");
	tr->X[7] = NAN;
	CHECK(mlp32_fit(&net, 5, tr, r, &o, &it, &loss, &d) < 0 && net.par == NULL,
	      "a NaN training value is an error: %s", diag_message(&d));
	rng_free(r);
	diag_release(&d);
	dataset_free(tr);
	dataset_free(narrow);
}

int main(void)
{
	toolkit_init();
	test_float32_vs_float64();
	test_builds_agree();
	test_padding_and_errors();
	return harness_done();
}
