/* The float32 MLP (mlp.precision=float32): parameter block, work space, the double-precision
 * output unit, and the choice between the two builds of the kernels in mlp32_impl.h. */
#include "learners/mlp32.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE__)
#include <immintrin.h>
#endif

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF /* GCC does not contract in ISO C mode (-std=c11) */
#endif

#if !defined(__GNUC__)
#error "learners/mlp32.c needs GNU C vector extensions (gcc or clang)"
#endif

/* The AVX2 build of the kernels needs GCC's target pragma (it also defines __AVX__ for it). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX__)
#define MLP32_AVX2 1
#endif

static void *alloc_floats(size_t n)
{
	void *p = NULL;
	if (n > SIZE_MAX / sizeof(float) || posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)))
		return NULL;
	memset(p, 0, (n ? n : 1) * sizeof(float));
	return p;
}

int mlp32_alloc(struct mlp32 *net, size_t d, size_t h)
{
	net->d = d;
	net->h = h;
	net->hp = (h + 7) / 8 * 8;
	net->n_par = d * net->hp + 2 * net->hp + 8;
	net->par = alloc_floats(net->n_par);
	return net->par ? 0 : -1;
}

void mlp32_release(struct mlp32 *net)
{
	free(net->par);
	net->par = NULL;
}

float *mlp32_w1(const struct mlp32 *net, size_t j)
{
	return net->par + j * net->hp;
}

float *mlp32_b1(const struct mlp32 *net)
{
	return net->par + net->d * net->hp;
}

float *mlp32_w2(const struct mlp32 *net)
{
	return net->par + net->d * net->hp + net->hp;
}

float *mlp32_b2(const struct mlp32 *net)
{
	return net->par + net->d * net->hp + 2 * net->hp;
}

/* exp(x) in double without libm's CPU-dependent code paths: x = n ln2 + r (fdlibm's two-part
 * ln2), |r| <= ln2/2, Taylor polynomial to degree 13 (truncation < 2e-17 relative), 2^n by
 * ldexp (exact). */
static double exp_fixed(double x)
{
	double n, r, p;
	if (x > 709.0)
		x = 709.0;
	if (x < -745.0)
		return 0.0;
	n = floor(x * 1.44269504088896338700 + 0.5);
	r = x - n * 6.93147180369123816490e-01 - n * 1.90821492927058770002e-10;
	p = 1.0 / 6227020800.0; /* 1/13! */
	p = p * r + 1.0 / 479001600.0;
	p = p * r + 1.0 / 39916800.0;
	p = p * r + 1.0 / 3628800.0;
	p = p * r + 1.0 / 362880.0;
	p = p * r + 1.0 / 40320.0;
	p = p * r + 1.0 / 5040.0;
	p = p * r + 1.0 / 720.0;
	p = p * r + 1.0 / 120.0;
	p = p * r + 1.0 / 24.0;
	p = p * r + 1.0 / 6.0;
	p = p * r + 0.5;
	p = p * r + 1.0;
	p = p * r + 1.0;
	return ldexp(p, (int)n);
}

/* The output unit, in double: 1 / (1 + e^-z). */
static double logistic_fixed(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp_fixed(-z));
	double e = exp_fixed(z);
	return e / (1.0 + e);
}

/* Work space of one fit. */
struct mlp32_work {
	size_t *rowptr; /* the training matrix in CSR form with float values */
	uint32_t *col;
	float *val;
	size_t *perm;
	float *A, *D;   /* batch x hp: activations, hidden deltas */
	double *p;      /* batch: output probabilities */
	float *delta;   /* batch: p - y */
	size_t *colptr; /* d + 1: the batch's non-zero inputs by column ... */
	size_t *pos;    /* d: (fill cursors) */
	uint32_t *erow; /* ... their row in the batch */
	float *eval;    /* ... and value */
	float *G;       /* hp: the weight gradient of one row of W1 */
	float *gs;      /* 2 hp + 8: gradients of b1, W2, b2 */
	float *m, *v;   /* Adam moments, the layout of the parameter block */
};

#define N(x) x##_base
#include "learners/mlp32_impl.h"
#undef N

#if MLP32_AVX2
#pragma GCC push_options
#pragma GCC target("avx2")
#define N(x) x##_avx2
#include "learners/mlp32_impl.h"
#undef N
#pragma GCC pop_options
#endif

int mlp32_isa_available(enum mlp32_isa isa)
{
	switch (isa) {
	case MLP32_ISA_AUTO:
	case MLP32_ISA_BASE:
		return 1;
	case MLP32_ISA_AVX2:
#if MLP32_AVX2
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
#else
		return 0;
#endif
	}
	return 0;
}

#if MLP32_AVX2
static int use_avx2(enum mlp32_isa isa)
{
	return isa == MLP32_ISA_AVX2 ||
	       (isa == MLP32_ISA_AUTO && mlp32_isa_available(MLP32_ISA_AVX2));
}
#endif

static void work_release(struct mlp32_work *w)
{
	free(w->rowptr);
	free(w->col);
	free(w->val);
	free(w->perm);
	free(w->A);
	free(w->D);
	free(w->p);
	free(w->delta);
	free(w->colptr);
	free(w->pos);
	free(w->erow);
	free(w->eval);
	free(w->G);
	free(w->gs);
	free(w->m);
	free(w->v);
}

static int work_alloc(struct mlp32_work *w, const struct mlp32 *net, const struct dataset *ds,
                      size_t nnz, size_t B)
{
	size_t d = net->d, hp = net->hp;
	memset(w, 0, sizeof(*w));
	w->rowptr = malloc((ds->n + 1) * sizeof(size_t));
	w->col = malloc((nnz ? nnz : 1) * sizeof(uint32_t));
	w->val = malloc((nnz ? nnz : 1) * sizeof(float));
	w->perm = malloc((ds->n ? ds->n : 1) * sizeof(size_t));
	w->A = alloc_floats(B * hp);
	w->D = alloc_floats(B * hp);
	w->p = malloc((B ? B : 1) * sizeof(double));
	w->delta = malloc((B ? B : 1) * sizeof(float));
	w->colptr = malloc((d + 1) * sizeof(size_t));
	w->pos = malloc((d ? d : 1) * sizeof(size_t));
	w->erow = malloc((nnz ? nnz : 1) * sizeof(uint32_t));
	w->eval = malloc((nnz ? nnz : 1) * sizeof(float));
	w->G = alloc_floats(hp);
	w->gs = alloc_floats(2 * hp + 8);
	w->m = alloc_floats(net->n_par);
	w->v = alloc_floats(net->n_par);
	if (!w->rowptr || !w->col || !w->val || !w->perm || !w->A || !w->D || !w->p || !w->delta ||
	    !w->colptr || !w->pos || !w->erow || !w->eval || !w->G || !w->gs || !w->m || !w->v)
		return -1;
	w->rowptr[0] = 0;
	for (size_t i = 0, q = 0; i < ds->n; i++) {
		const double *x = dataset_row(ds, i);
		for (size_t j = 0; j < ds->d; j++)
			if (x[j] != 0) {
				w->col[q] = (uint32_t)j;
				w->val[q++] = (float)x[j];
			}
		w->rowptr[i + 1] = q;
	}
	return 0;
}

int mlp32_fit_isa(struct mlp32 *net, size_t h, const struct dataset *train, const gsl_rng *r,
                  const struct mlp32_opts *o, enum mlp32_isa isa, long *n_iter, double *loss,
                  struct diag *dg)
{
	size_t n = train->n, d = train->d, nnz = 0;
	struct mlp32_work w;
	int rc;
	*n_iter = 0;
	*loss = NAN;
	if (!mlp32_isa_available(isa))
		return diag_error(dg,
		                  "mlp: the requested kernels are not available on this machine");
	if (dataset_count_nonzero(train, &nnz) < 0)
		return diag_error(dg, "mlp: a training value is not finite");
	if (d > UINT32_MAX || mlp32_alloc(net, d, h) < 0)
		return diag_error(dg, "mlp: out of memory");
	if (work_alloc(&w, net, train, nnz, (size_t)o->batch < n ? (size_t)o->batch : n) < 0) {
		work_release(&w);
		mlp32_release(net);
		return diag_error(dg, "mlp: out of memory");
	}
	/* initialisation: the draws of the float64 path, in its order, rounded to float */
	{
		double bound1 = sqrt(2.0 / (double)(d + h)), bound2 = sqrt(2.0 / (double)(h + 1));
		for (size_t j = 0; j < d; j++)
			for (size_t k = 0; k < h; k++)
				mlp32_w1(net, j)[k] =
				    (float)((2 * gsl_rng_uniform(r) - 1) * bound1);
		for (size_t k = 0; k < h; k++)
			mlp32_b1(net)[k] = (float)((2 * gsl_rng_uniform(r) - 1) * bound1);
		for (size_t k = 0; k < h; k++)
			mlp32_w2(net)[k] = (float)((2 * gsl_rng_uniform(r) - 1) * bound2);
		*mlp32_b2(net) = (float)((2 * gsl_rng_uniform(r) - 1) * bound2);
	}
#if MLP32_AVX2
	if (use_avx2(isa))
		rc = train_avx2(net, &w, train, r, o, n_iter, loss);
	else
#endif
		rc = train_base(net, &w, train, r, o, n_iter, loss);
	work_release(&w);
	if (rc < 0) {
		mlp32_release(net);
		return diag_error(dg, "mlp: the training loss diverged");
	}
	return 0;
}

int mlp32_fit(struct mlp32 *net, size_t h, const struct dataset *train, const gsl_rng *r,
              const struct mlp32_opts *o, long *n_iter, double *loss, struct diag *d)
{
	return mlp32_fit_isa(net, h, train, r, o, MLP32_ISA_AUTO, n_iter, loss, d);
}

int mlp32_score_isa(const struct mlp32 *net, const struct dataset *x, enum mlp32_isa isa,
                    double *out, struct diag *dg)
{
	uint32_t *cols;
	float *vals, *a;
	int ok;
	if (x->d != net->d)
		return diag_error(dg, "mlp: %zu columns, model has %zu", x->d, net->d);
	if (!mlp32_isa_available(isa))
		return diag_error(dg,
		                  "mlp: the requested kernels are not available on this machine");
	cols = malloc((net->d ? net->d : 1) * sizeof(uint32_t));
	vals = malloc((net->d ? net->d : 1) * sizeof(float));
	a = alloc_floats(net->hp);
	ok = cols && vals && a;
	if (ok) {
#if MLP32_AVX2
		if (use_avx2(isa))
			score_avx2(net, x, cols, vals, a, out);
		else
#endif
			score_base(net, x, cols, vals, a, out);
	}
	free(cols);
	free(vals);
	free(a);
	return ok ? 0 : diag_error(dg, "mlp: out of memory");
}

int mlp32_score(const struct mlp32 *net, const struct dataset *x, double *out, struct diag *d)
{
	return mlp32_score_isa(net, x, MLP32_ISA_AUTO, out, d);
}
