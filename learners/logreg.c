/* logreg: L2-regularised logistic regression with an unpenalised intercept, as scikit-learn's
 * LogisticRegression(C=1.0) with the lbfgs solver; the stacking meta-learner (spec D25).
 *
 * Objective: minimise C * sum_i s_i * logloss(y_i, w.x_i + b) + 0.5 * ||w||^2 (the intercept b is
 * not penalised; s_i = 1, or n / (2 * class count) with class_weight=balanced). scikit-learn
 * minimises the same function divided by C. Solver: Newton's method on (w, b) with the Hessian
 * C * X'diag(s p (1-p))X + diag(1..1, 0) (cblas_dsyrk, Cholesky from GSL; a tiny ridge is added
 * if the factorisation fails) and an Armijo backtracking line search. Defaults: C=1, tol=1e-8,
 * max_iter=100. Stopping rule: max_j |gradient_j| <= tol * max(1, C * n) (a relative tolerance on
 * the C-scaled gradient, i.e. tol on scikit-learn's gradient scaled by n), or max_iter Newton
 * steps (a warning), or no decrease along the Newton direction (converged to rounding). Newton
 * converges quadratically, so the fit is far tighter than lbfgs's tol=1e-4 and the result is the
 * exact optimum up to rounding. Score: P(malicious) = 1 / (1 + exp(-(w.x + b))). */
#include <gsl/gsl_cblas.h> /* cblas_* prototypes; linked to OpenBLAS (Makefile) */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "learners/learner.h"

struct logreg_state {
	double C;
	double tol;
	long max_iter;
	int class_weight;
	size_t d;
	double *w; /* d weights, then the intercept at w[d] */
	long iterations;
};

static const struct param_spec logreg_params[] = {
    {"C", PARAM_DOUBLE, offsetof(struct logreg_state, C), "1", "(0, inf)",
     "inverse of the L2 regularisation strength (intercept unpenalised)"},
    {"tol", PARAM_DOUBLE, offsetof(struct logreg_state, tol), "1e-8", "(0, inf)",
     "stop when max |gradient| <= tol * max(1, C * n)"},
    {"max_iter", PARAM_INT, offsetof(struct logreg_state, max_iter), "100", "[1, inf)",
     "maximum Newton steps"},
    {"class_weight", PARAM_ENUM, offsetof(struct logreg_state, class_weight), "none",
     "none|balanced", "balanced: weight rows by n / (2 * class count) (spec D27)"},
    {0},
};

static void logreg_release(void *state)
{
	struct logreg_state *s = state;
	free(s->w);
	s->w = NULL;
}

static double softplus(double z)
{
	return (z > 0 ? z : 0) + log1p(exp(-fabs(z)));
}

static double sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

/* objective at w (margins written to z) */
static double objective(const struct logreg_state *s, const double *A, const int *y,
                        const double *sw, size_t n, const double *w, double *z)
{
	size_t d1 = s->d + 1;
	double f = 0, r = 0;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d1, 1.0, A, (int)d1, w, 1, 0.0, z, 1);
	for (size_t i = 0; i < n; i++)
		f += sw[i] * (softplus(z[i]) - (y[i] ? z[i] : 0));
	for (size_t j = 0; j < s->d; j++)
		r += w[j] * w[j];
	return s->C * f + 0.5 * r;
}

static int logreg_fit(void *state, const struct dataset *train, const gsl_rng *rng, struct diag *dg)
{
	struct logreg_state *s = state;
	size_t n = train->n, d = train->d, d1 = d + 1, pos = dataset_count_positive(train);
	double *A = NULL, *B = NULL, *z = NULL, *sw = NULL, *g = NULL, *wn = NULL, *H = NULL;
	double f, scale, cw[2] = {1, 1};
	int ret = -1;
	(void)rng;
	s->d = d;
	s->iterations = 0;
	s->w = calloc(d1, sizeof(double));
	A = malloc(n * d1 * sizeof(double));
	B = malloc(n * d1 * sizeof(double));
	z = malloc(n * sizeof(double));
	sw = malloc(n * sizeof(double));
	g = malloc(d1 * sizeof(double));
	wn = malloc(d1 * sizeof(double));
	H = malloc(d1 * d1 * sizeof(double));
	if (!s->w || !A || !B || !z || !sw || !g || !wn || !H) {
		diag_error(dg, "logreg: out of memory");
		goto out;
	}
	if (s->class_weight) {
		cw[0] = (double)n / (2.0 * (double)(n - pos));
		cw[1] = (double)n / (2.0 * (double)pos);
	}
	for (size_t i = 0; i < n; i++) {
		const double *x = dataset_row(train, i);
		for (size_t j = 0; j < d; j++) {
			if (!isfinite(x[j])) {
				diag_error(dg, "logreg: row %zu column %zu is not finite", i, j);
				goto out;
			}
			A[i * d1 + j] = x[j];
		}
		A[i * d1 + d] = 1.0;
		sw[i] = cw[train->y[i] != 0];
	}
	scale = s->C * (double)n > 1 ? s->C * (double)n : 1;
	f = objective(s, A, train->y, sw, n, s->w, z);
	for (;;) {
		double gmax = 0, slope = 0, t = 1, fn = f;
		gsl_matrix_view Hv = gsl_matrix_view_array(H, d1, d1);
		gsl_vector_view gv = gsl_vector_view_array(g, d1);
		int ok = 0;
		/* gradient: C * A'(s (p - y)) + [w; 0]; Hessian: C * A' diag(s p (1-p)) A + I_w */
		for (size_t i = 0; i < n; i++) {
			double p = sigmoid(z[i]), q = s->C * sw[i] * p * (1 - p), rq = sqrt(q);
			z[i] = s->C * sw[i] * (p - (train->y[i] ? 1 : 0));
			for (size_t j = 0; j < d1; j++)
				B[i * d1 + j] = rq * A[i * d1 + j];
		}
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d1, 1.0, A, (int)d1, z, 1, 0.0,
		            g, 1);
		for (size_t j = 0; j < d; j++)
			g[j] += s->w[j];
		for (size_t j = 0; j < d1; j++)
			gmax = fmax(gmax, fabs(g[j]));
		if (gmax <= s->tol * scale)
			break;
		if (s->iterations >= s->max_iter) {
			diag_warn(dg,
			          "logreg: no convergence in %ld Newton steps (max |gradient| %g)",
			          s->max_iter, gmax);
			break;
		}
		s->iterations++;
		cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d1, (int)n, 1.0, B, (int)d1,
		            0.0, H, (int)d1);
		for (size_t j = 0; j < d; j++)
			H[j * d1 + j] += 1.0;
		/* solve H dx = g in place (g becomes dx) */
		for (int attempt = 0; attempt < 8 && !ok; attempt++) {
			if (attempt) {
				/* rebuild and add a growing ridge */
				cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d1, (int)n,
				            1.0, B, (int)d1, 0.0, H, (int)d1);
				for (size_t j = 0; j < d1; j++)
					H[j * d1 + j] +=
					    (j < d ? 1.0 : 0.0) + 1e-12 * pow(100, attempt);
			}
			ok = gsl_linalg_cholesky_decomp1(&Hv.matrix) == 0;
		}
		if (!ok) {
			diag_error(dg, "logreg: singular Hessian");
			goto out;
		}
		{
			double *gc = wn; /* keep the gradient for the slope */
			memcpy(gc, g, d1 * sizeof(double));
			gsl_linalg_cholesky_svx(&Hv.matrix, &gv.vector);
			for (size_t j = 0; j < d1; j++)
				slope -= gc[j] * g[j];
		}
		if (!(slope < 0))
			break;
		for (int k = 0; k < 60; k++, t *= 0.5) {
			for (size_t j = 0; j < d1; j++)
				wn[j] = s->w[j] - t * g[j];
			fn = objective(s, A, train->y, sw, n, wn, z);
			if (fn <= f + 1e-4 * t * slope)
				break;
		}
		if (!(fn < f)) {
			/* no progress along the Newton direction: at the optimum up to rounding */
			objective(s, A, train->y, sw, n, s->w, z);
			break;
		}
		memcpy(s->w, wn, d1 * sizeof(double));
		f = fn;
	}
	ret = 0;
out:
	free(A);
	free(B);
	free(z);
	free(sw);
	free(g);
	free(wn);
	free(H);
	return ret;
}

static int logreg_score(const void *state, const struct dataset *x, double *out, struct diag *dg)
{
	const struct logreg_state *s = state;
	if (x->d != s->d)
		return diag_error(dg, "logreg: %zu columns, model has %zu", x->d, s->d);
	for (size_t i = 0; i < x->n; i++) {
		const double *row = dataset_row(x, i);
		double zz = s->w[s->d];
		for (size_t j = 0; j < s->d; j++)
			zz += s->w[j] * row[j];
		out[i] = sigmoid(zz);
	}
	return 0;
}

static int logreg_save(const void *state, FILE *f)
{
	const struct logreg_state *s = state;
	fprintf(f, "d %zu\n", s->d);
	for (size_t j = 0; j <= s->d; j++)
		fprintf(f, "%a\n", s->w[j]);
	return ferror(f) ? -1 : 0;
}

static int logreg_load(void *state, FILE *f, struct diag *dg)
{
	struct logreg_state *s = state;
	if (fscanf(f, " d %zu", &s->d) != 1 || s->d > 100000000)
		return diag_error(dg, "logreg: bad 'd' line");
	s->w = calloc(s->d + 1, sizeof(double));
	if (!s->w)
		return diag_error(dg, "logreg: out of memory");
	for (size_t j = 0; j <= s->d; j++)
		if (fscanf(f, "%la", &s->w[j]) != 1)
			return diag_error(dg, "logreg: bad weight %zu", j);
	return 0;
}

const struct learner_type learner_logreg = {
    .name = "logreg",
    .summary = "L2 logistic regression, C 1, unpenalised intercept, Newton (D25 meta-learner)",
    .state_size = sizeof(struct logreg_state),
    .params = logreg_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = NULL,
    .fit = logreg_fit,
    .score = logreg_score,
    .release = logreg_release,
    .save = logreg_save,
    .load = logreg_load,
};
