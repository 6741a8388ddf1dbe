/* mlp: a one-hidden-layer perceptron as scikit-learn's MLPClassifier(activation='logistic',
 * solver='adam') with its defaults (spec D23).
 *
 * Model: p = s(W2 . s(W1'x + b1) + b2), s the logistic function, `hidden` = 100 units.
 * Objective per mini-batch B: -(1/|B|) sum_{i in B} [y_i log p_i + (1 - y_i) log(1 - p_i)]
 * (p clipped to [eps, 1 - eps], eps = DBL_EPSILON) + alpha / (2 |B|) (||W1||^2 + ||W2||^2)
 * (weights only, not the biases). Optimiser: Adam, beta1=0.9, beta2=0.999, epsilon=1e-8, with
 * the bias correction folded into the step, lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
 * Initialisation: weights and biases of each layer uniform in +-sqrt(2 / (fan_in + fan_out))
 * (scikit-learn's factor 2 for the logistic activation), drawn layer by layer (weights, then
 * biases) from the fit RNG. Training: each epoch shuffles the rows with the fit RNG and visits
 * mini-batches of min(batch, n) rows (the last one may be smaller); the epoch loss is the
 * row-weighted mean of the batch losses. Defaults: hidden=100, alpha=1e-4, lr=1e-3, batch=200,
 * max_iter=200, tol=1e-4, patience=10. Stopping rule (scikit-learn's, without early_stopping):
 * count the epochs whose loss is not below best_loss - tol (reset the count otherwise); stop
 * when the count exceeds `patience`, or after max_iter epochs. The final weights are those of the
 * last epoch. Score: P(malicious).
 *
 * Two implementations of this one model (`precision`):
 * - float32 (default): learners/mlp32.c -- parameters, gradients and Adam moments in float, the
 *   first layer as a sparse sum of weight rows (forward and weight gradient), the penalty
 *   gradient and ||W||^2 inside the Adam pass, vectorised kernels in a fixed summation order
 *   without BLAS, so the scores are the same on every machine. Measured on the paper's ten
 *   stratified folds x 10 repeats (T+MCF+pre, T, M, MCF): every fold's F1 and ROC-AUC equal
 *   those of float64, at a quarter to a fifth of the time (docs/decisions.md, D23).
 * - float64: the reference path kept bit for bit as before. Products go through cblas_dgemm
 *   (OpenBLAS); when the training matrix is sparse (sparse=auto and at most sparse_density of its
 *   values are non-zero, as for the 0/1 token columns) the two products with the input matrix
 *   visit the non-zero inputs only (one cblas_daxpy per non-zero value): the same arithmetic in
 *   a different summation order, several times faster. Scores go through the dense product;
 *   their last bits depend on the OpenBLAS kernel the CPU selects. `sparse` and
 *   `sparse_density` apply to float64 only. */
#include <cblas.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "learners/learner.h"
#include "learners/mlp32.h"

#define MLP_MAX_HIDDEN 100000
#define MLP_SCORE_CHUNK 512

enum mlp_precision { MLP_FLOAT32 = 0, MLP_FLOAT64 }; /* the order of "float32|float64" */

struct mlp_state {
	long hidden;
	double alpha;
	double lr;
	long batch;
	long max_iter;
	double tol;
	long patience;
	double beta1, beta2, epsilon;
	int shuffle;
	int sparse;
	double sparse_density;
	int precision; /* enum mlp_precision */
	/* fitted (float64) */
	size_t d, h;
	double *W1; /* d*h, W1[j*h + k] */
	double *b1; /* h */
	double *W2; /* h */
	double b2;
	long n_iter;
	double loss;
	/* fitted (float32) */
	struct mlp32 net32;
};

static const struct param_spec mlp_params[] = {
    {"hidden", PARAM_INT, offsetof(struct mlp_state, hidden), "100", PARAM_RANGE(1, MLP_MAX_HIDDEN),
     "units in the hidden layer"},
    {"alpha", PARAM_DOUBLE, offsetof(struct mlp_state, alpha), "1e-4", "[0, inf)",
     "L2 penalty on the weights"},
    {"lr", PARAM_DOUBLE, offsetof(struct mlp_state, lr), "1e-3", "(0, inf)",
     "Adam learning rate (learning_rate_init)"},
    {"batch", PARAM_INT, offsetof(struct mlp_state, batch), "200", "[1, inf)",
     "mini-batch size (min(batch, n) is used)"},
    {"max_iter", PARAM_INT, offsetof(struct mlp_state, max_iter), "200", "[1, inf)",
     "maximum epochs"},
    {"tol", PARAM_DOUBLE, offsetof(struct mlp_state, tol), "1e-4", "[0, inf)",
     "an epoch improves if its loss is below best - tol"},
    {"patience", PARAM_INT, offsetof(struct mlp_state, patience), "10", "[0, inf)",
     "stop after more than this many epochs without improvement (n_iter_no_change)"},
    {"beta1", PARAM_DOUBLE, offsetof(struct mlp_state, beta1), "0.9", "[0, 1)",
     "Adam first-moment decay"},
    {"beta2", PARAM_DOUBLE, offsetof(struct mlp_state, beta2), "0.999", "[0, 1)",
     "Adam second-moment decay"},
    {"epsilon", PARAM_DOUBLE, offsetof(struct mlp_state, epsilon), "1e-8", "(0, inf)",
     "Adam denominator guard"},
    {"shuffle", PARAM_BOOL, offsetof(struct mlp_state, shuffle), "1", NULL,
     "shuffle the rows before every epoch"},
    {"sparse", PARAM_ENUM, offsetof(struct mlp_state, sparse), "auto", "auto|on|off",
     "training products over the non-zero inputs only (auto: if density <= sparse_density)"},
    {"sparse_density", PARAM_DOUBLE, offsetof(struct mlp_state, sparse_density), "0.3", "[0, 1]",
     "largest fraction of non-zero training values for which sparse=auto uses the sparse path"},
    {"precision", PARAM_ENUM, offsetof(struct mlp_state, precision), "float32", "float32|float64",
     "float32: learners/mlp32.c (sparse, fixed order, no BLAS); float64: OpenBLAS reference"},
    {0},
};

static void mlp_release(void *state)
{
	struct mlp_state *s = state;
	free(s->W1);
	s->W1 = s->b1 = s->W2 = NULL;
	mlp32_release(&s->net32);
}

static double logistic(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

/* All parameters live in one block: W1 (d*h), b1 (h), W2 (h), b2 (1). */
static size_t n_params(size_t d, size_t h)
{
	return d * h + h + h + 1;
}

static int mlp_alloc(struct mlp_state *s, size_t d, size_t h)
{
	s->d = d;
	s->h = h;
	s->W1 = calloc(n_params(d, h), sizeof(double));
	if (!s->W1)
		return -1;
	s->b1 = s->W1 + d * h;
	s->W2 = s->b1 + h;
	return 0;
}

/* The end of forward() and forward_sparse(): A (m*h) holds the hidden pre-activations on entry and
 * the activations on return; p (m) receives the outputs. */
static void forward_output(const struct mlp_state *s, size_t m, double *A, double *p)
{
	size_t h = s->h;
	for (size_t k = 0; k < m * h; k++)
		A[k] = logistic(A[k]);
	for (size_t i = 0; i < m; i++)
		p[i] = s->b2;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)h, 1.0, A, (int)h, s->W2, 1, 1.0, p,
	            1);
	for (size_t i = 0; i < m; i++)
		p[i] = logistic(p[i]);
}

/* Hidden activations A (m*h) and outputs p (m) for the m rows of X (row-major, d columns). */
static void forward(const struct mlp_state *s, const double *X, size_t m, double *A, double *p)
{
	size_t h = s->h;
	for (size_t i = 0; i < m; i++)
		memcpy(A + i * h, s->b1, h * sizeof(double));
	if (s->d)
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)h, (int)s->d,
		            1.0, X, (int)s->d, s->W1, (int)h, 1.0, A, (int)h);
	forward_output(s, m, A, p);
}

/* forward() for the CSR rows rows[0..m-1]: the first product visits the non-zero inputs only. */
static void forward_sparse(const struct mlp_state *s, const size_t *rowptr, const size_t *colidx,
                           const double *vals, const size_t *rows, size_t m, double *A, double *p)
{
	size_t h = s->h;
	for (size_t i = 0; i < m; i++) {
		double *a = A + i * h;
		memcpy(a, s->b1, h * sizeof(double));
		for (size_t q = rowptr[rows[i]]; q < rowptr[rows[i] + 1]; q++)
			cblas_daxpy((int)h, vals[q], s->W1 + colidx[q] * h, 1, a, 1);
	}
	forward_output(s, m, A, p);
}

/* One Adam step on par[0..n-1]: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * par -= lr_t m / (sqrt(v) + eps). On x86-64 two parameters at a time with SSE2 (the compiler
 * does not vectorise sqrt under -fmath-errno); the operations and their order are those of the
 * scalar loop, so the results are identical. */
static void adam_update(double *restrict par, const double *restrict g, double *restrict m,
                        double *restrict v, size_t n, double b1, double b2, double lr_t, double eps)
{
	size_t k = 0;
#ifdef __SSE2__
	const __m128d vb1 = _mm_set1_pd(b1), vc1 = _mm_set1_pd(1 - b1);
	const __m128d vb2 = _mm_set1_pd(b2), vc2 = _mm_set1_pd(1 - b2);
	const __m128d vlr = _mm_set1_pd(lr_t), veps = _mm_set1_pd(eps);
	for (; k + 2 <= n; k += 2) {
		__m128d gk = _mm_loadu_pd(g + k);
		__m128d mk = _mm_add_pd(_mm_mul_pd(vb1, _mm_loadu_pd(m + k)), _mm_mul_pd(vc1, gk));
		__m128d vk = _mm_add_pd(_mm_mul_pd(vb2, _mm_loadu_pd(v + k)),
		                        _mm_mul_pd(_mm_mul_pd(vc2, gk), gk));
		__m128d step = _mm_div_pd(_mm_mul_pd(vlr, mk), _mm_add_pd(_mm_sqrt_pd(vk), veps));
		_mm_storeu_pd(m + k, mk);
		_mm_storeu_pd(v + k, vk);
		_mm_storeu_pd(par + k, _mm_sub_pd(_mm_loadu_pd(par + k), step));
	}
#endif
	for (; k < n; k++) {
		m[k] = b1 * m[k] + (1 - b1) * g[k];
		v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
		par[k] -= lr_t * m[k] / (sqrt(v[k]) + eps);
	}
}

static int mlp_fit32(struct mlp_state *s, const struct dataset *train, const gsl_rng *r,
                     struct diag *dg)
{
	struct mlp32_opts o = {s->alpha,   s->lr,    s->tol,      s->beta1,    s->beta2,
	                       s->epsilon, s->batch, s->max_iter, s->patience, s->shuffle};
	if (train->d > 0x7fffffff || (size_t)s->hidden * (train->d ? train->d : 1) > 0x7fffffff)
		return diag_error(dg, "mlp: too many columns");
	s->d = train->d;
	s->h = (size_t)s->hidden;
	return mlp32_fit(&s->net32, s->h, train, r, &o, &s->n_iter, &s->loss, dg);
}

static int mlp_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *dg)
{
	struct mlp_state *s = state;
	if (s->precision == MLP_FLOAT32)
		return mlp_fit32(s, train, r, dg);
	size_t n = train->n, d = train->d, h = (size_t)s->hidden, np, B;
	size_t *perm = NULL;
	double *Xb = NULL, *A = NULL, *p = NULL, *D = NULL, *g = NULL, *mom = NULL, *vel = NULL;
	double best = INFINITY, b1t = 1, b2t = 1;
	long bad = 0;
	int ret = -1, use_sparse = 0;
	size_t *rowptr = NULL, *colidx = NULL, nnz = 0;
	double *vals = NULL;

	if (dataset_count_nonzero(train, &nnz) < 0)
		return diag_error(dg, "mlp: a training value is not finite");
	if (d > 0x7fffffff || h * (d ? d : 1) > 0x7fffffff)
		return diag_error(dg, "mlp: too many columns");
	if (mlp_alloc(s, d, h) < 0)
		return diag_error(dg, "mlp: out of memory");
	np = n_params(d, h);
	B = (size_t)s->batch < n ? (size_t)s->batch : n;
	perm = malloc(n * sizeof(size_t));
	Xb = malloc(B * (d ? d : 1) * sizeof(double));
	A = malloc(B * h * sizeof(double));
	p = malloc(B * sizeof(double));
	D = malloc(B * h * sizeof(double));
	g = malloc(np * sizeof(double));
	mom = calloc(np, sizeof(double));
	vel = calloc(np, sizeof(double));
	if (!perm || !Xb || !A || !p || !D || !g || !mom || !vel) {
		diag_error(dg, "mlp: out of memory");
		goto out;
	}
	use_sparse = s->sparse == 1 ||
	             (s->sparse == 0 && (double)nnz <= s->sparse_density * (double)(n * d));
	if (use_sparse) {
		/* CSR copy of the training matrix */
		rowptr = malloc((n + 1) * sizeof(size_t));
		colidx = malloc((nnz ? nnz : 1) * sizeof(size_t));
		vals = malloc((nnz ? nnz : 1) * sizeof(double));
		if (!rowptr || !colidx || !vals) {
			diag_error(dg, "mlp: out of memory");
			goto out;
		}
		rowptr[0] = 0;
		for (size_t i = 0, k = 0; i < n; i++) {
			const double *x = dataset_row(train, i);
			for (size_t j = 0; j < d; j++)
				if (x[j] != 0) {
					colidx[k] = j;
					vals[k++] = x[j];
				}
			rowptr[i + 1] = k;
		}
	}
	/* initialisation: layer 1 weights, layer 1 biases, layer 2 weights, layer 2 bias */
	{
		double bound1 = sqrt(2.0 / (double)(d + h)), bound2 = sqrt(2.0 / (double)(h + 1));
		for (size_t k = 0; k < d * h; k++)
			s->W1[k] = (2 * gsl_rng_uniform(r) - 1) * bound1;
		for (size_t k = 0; k < h; k++)
			s->b1[k] = (2 * gsl_rng_uniform(r) - 1) * bound1;
		for (size_t k = 0; k < h; k++)
			s->W2[k] = (2 * gsl_rng_uniform(r) - 1) * bound2;
		s->b2 = (2 * gsl_rng_uniform(r) - 1) * bound2;
	}
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	s->n_iter = 0;
	while (s->n_iter < s->max_iter) {
		double acc = 0;
		if (s->shuffle)
			for (size_t i = n - 1; i > 0; i--) {
				size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i + 1), t;
				t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
		for (size_t start = 0; start < n; start += B) {
			size_t m = n - start < B ? n - start : B;
			double loss = 0, reg = 0, gb2 = 0, inv = 1.0 / (double)m, lr_t;
			double *gW1 = g, *gb1 = g + d * h, *gW2 = gb1 + h;
			if (use_sparse) {
				forward_sparse(s, rowptr, colidx, vals, perm + start, m, A, p);
			} else {
				for (size_t i = 0; i < m; i++)
					memcpy(Xb + i * d, dataset_row(train, perm[start + i]),
					       d * sizeof(double));
				forward(s, Xb, m, A, p);
			}
			for (size_t i = 0; i < m; i++) {
				int y = train->y[perm[start + i]] != 0;
				double pc = fmin(fmax(p[i], DBL_EPSILON), 1 - DBL_EPSILON);
				loss -= y ? log(pc) : log(1 - pc);
				p[i] -= y; /* p becomes the output delta */
				gb2 += p[i];
			}
			reg = cblas_ddot((int)(d * h), s->W1, 1, s->W1, 1) +
			      cblas_ddot((int)h, s->W2, 1, s->W2, 1);
			loss = loss * inv + 0.5 * s->alpha * reg * inv;
			acc += loss * (double)m;
			/* output layer gradients */
			cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)h, 1.0, A, (int)h, p, 1,
			            0.0, gW2, 1);
			for (size_t k = 0; k < h; k++)
				gW2[k] = (gW2[k] + s->alpha * s->W2[k]) * inv;
			g[np - 1] = gb2 * inv;
			/* hidden deltas: D = (p W2') .* A .* (1 - A) */
			for (size_t k = 0; k < h; k++)
				gb1[k] = 0;
			for (size_t i = 0; i < m; i++)
				for (size_t k = 0; k < h; k++) {
					double a = A[i * h + k];
					D[i * h + k] = p[i] * s->W2[k] * a * (1 - a);
					gb1[k] += D[i * h + k];
				}
			for (size_t k = 0; k < h; k++)
				gb1[k] *= inv;
			/* gW1 = (Xb' D + alpha W1) / m */
			memcpy(gW1, s->W1, d * h * sizeof(double));
			if (use_sparse) {
				cblas_dscal((int)(d * h), s->alpha * inv, gW1, 1);
				for (size_t i = 0; i < m; i++) {
					size_t row = perm[start + i];
					for (size_t q = rowptr[row]; q < rowptr[row + 1]; q++)
						cblas_daxpy((int)h, inv * vals[q], D + i * h, 1,
						            gW1 + colidx[q] * h, 1);
				}
			} else if (d)
				cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)h,
				            (int)m, inv, Xb, (int)d, D, (int)h, s->alpha * inv, gW1,
				            (int)h);
			/* Adam */
			b1t *= s->beta1;
			b2t *= s->beta2;
			lr_t = s->lr * sqrt(1 - b2t) / (1 - b1t);
			adam_update(s->W1, g, mom, vel, np - 1, s->beta1, s->beta2, lr_t,
			            s->epsilon);
			adam_update(&s->b2, g + np - 1, mom + np - 1, vel + np - 1, 1, s->beta1,
			            s->beta2, lr_t, s->epsilon);
		}
		s->n_iter++;
		s->loss = acc / (double)n;
		if (!isfinite(s->loss)) {
			diag_error(dg, "mlp: the training loss diverged");
			goto out;
		}
		if (s->loss > best - s->tol)
			bad++;
		else
			bad = 0;
		if (s->loss < best)
			best = s->loss;
		if (bad > s->patience)
			break;
	}
	ret = 0;
out:
	free(rowptr);
	free(colidx);
	free(vals);
	free(perm);
	free(Xb);
	free(A);
	free(p);
	free(D);
	free(g);
	free(mom);
	free(vel);
	return ret;
}

static int mlp_score(const void *state, const struct dataset *x, double *out, struct diag *dg)
{
	const struct mlp_state *s = state;
	double *A;
	if (s->precision == MLP_FLOAT32)
		return mlp32_score(&s->net32, x, out, dg);
	if (x->d != s->d)
		return diag_error(dg, "mlp: %zu columns, model has %zu", x->d, s->d);
	A = malloc(MLP_SCORE_CHUNK * s->h * sizeof(double));
	if (!A)
		return diag_error(dg, "mlp: out of memory");
	for (size_t start = 0; start < x->n; start += MLP_SCORE_CHUNK) {
		size_t m = x->n - start < MLP_SCORE_CHUNK ? x->n - start : MLP_SCORE_CHUNK;
		forward(s, x->X + start * x->d, m, A, out + start);
	}
	free(A);
	return 0;
}

static int mlp_save(const void *state, FILE *f)
{
	const struct mlp_state *s = state;
	size_t np = n_params(s->d, s->h);
	fprintf(f, "d %zu h %zu\n", s->d, s->h);
	if (s->precision == MLP_FLOAT32) { /* the same layout, float values (exact in %a) */
		const struct mlp32 *n = &s->net32;
		for (size_t j = 0; j < n->d; j++)
			for (size_t k = 0; k < n->h; k++)
				fprintf(f, "%a\n", (double)mlp32_w1(n, j)[k]);
		for (size_t k = 0; k < n->h; k++)
			fprintf(f, "%a\n", (double)mlp32_b1(n)[k]);
		for (size_t k = 0; k < n->h; k++)
			fprintf(f, "%a\n", (double)mlp32_w2(n)[k]);
		fprintf(f, "%a\n", (double)*mlp32_b2(n));
		return ferror(f) ? -1 : 0;
	}
	for (size_t k = 0; k + 1 < np; k++)
		fprintf(f, "%a\n", s->W1[k]);
	fprintf(f, "%a\n", s->b2);
	return ferror(f) ? -1 : 0;
}

/* Read one float written by mlp_save() (a double that must be a float exactly). */
static int read_float(FILE *f, float *out)
{
	double v;
	if (fscanf(f, "%la", &v) != 1 || (double)(float)v != v)
		return -1;
	*out = (float)v;
	return 0;
}

static int load32(struct mlp_state *s, FILE *f, size_t d, size_t h, struct diag *dg)
{
	struct mlp32 *n = &s->net32;
	if (mlp32_alloc(n, d, h) < 0)
		return diag_error(dg, "mlp: out of memory");
	s->d = d;
	s->h = h;
	for (size_t j = 0; j < d; j++)
		for (size_t k = 0; k < h; k++)
			if (read_float(f, &mlp32_w1(n, j)[k]) < 0)
				return diag_error(dg, "mlp: bad parameter %zu", j * h + k);
	for (size_t k = 0; k < h; k++)
		if (read_float(f, &mlp32_b1(n)[k]) < 0)
			return diag_error(dg, "mlp: bad hidden bias %zu", k);
	for (size_t k = 0; k < h; k++)
		if (read_float(f, &mlp32_w2(n)[k]) < 0)
			return diag_error(dg, "mlp: bad output weight %zu", k);
	if (read_float(f, mlp32_b2(n)) < 0)
		return diag_error(dg, "mlp: bad output bias");
	return 0;
}

static int mlp_load(void *state, FILE *f, struct diag *dg)
{
	struct mlp_state *s = state;
	size_t d, h, np;
	if (fscanf(f, " d %zu h %zu", &d, &h) != 2 || d > 1000000 || h < 1 || h > MLP_MAX_HIDDEN ||
	    d * h > 0x7fffffff)
		return diag_error(dg, "mlp: bad 'd ... h ...' line");
	if (s->precision == MLP_FLOAT32)
		return load32(s, f, d, h, dg);
	if (mlp_alloc(s, d, h) < 0)
		return diag_error(dg, "mlp: out of memory");
	np = n_params(d, h);
	for (size_t k = 0; k + 1 < np; k++)
		if (fscanf(f, "%la", &s->W1[k]) != 1)
			return diag_error(dg, "mlp: bad parameter %zu", k);
	if (fscanf(f, "%la", &s->b2) != 1)
		return diag_error(dg, "mlp: bad output bias");
	return 0;
}

const struct learner_type learner_mlp = {
    .name = "mlp",
    .summary = "MLP: 100 logistic hidden units, Adam, scikit-learn defaults (D23)",
    .state_size = sizeof(struct mlp_state),
    .params = mlp_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = NULL,
    .fit = mlp_fit,
    .score = mlp_score,
    .release = mlp_release,
    .save = mlp_save,
    .load = mlp_load,
};
