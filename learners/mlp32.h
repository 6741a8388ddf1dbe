/* mlp32: the single-precision network behind `mlp.precision=float32` (learners/mlp.c): the same
 * model, objective, initialisation draws, shuffles, Adam steps and stopping rule as the float64
 * path, stored and computed in float, with kernels written for the data pyvet feeds it. Not a
 * registered learner.
 *
 * What is cheaper, and why the results do not depend on the machine:
 * - The first layer is a sparse sum of weight rows (the inputs are 0/1 token columns, ~16 %
 *   non-zero on the paper's T+MCF+pre), in the forward pass and in the weight gradient, which
 *   touches only the rows of inputs active in the mini-batch; the L2 term of the gradient is
 *   added inside the Adam pass, which visits every weight once per batch anyway.
 * - The regulariser ||W||^2 that the stopping rule's loss needs is summed inside that same pass
 *   (of the weights it has just written: the next batch's value), not by a separate pass.
 * - The logistic function of the hidden layer is a vectorised float exp (Cody-Waite reduction,
 *   degree-5 polynomial, ~1 ulp); the output unit uses a double exp of the same construction.
 * - No BLAS and no libm in the arithmetic that reaches a score: every sum runs in a fixed order
 *   over 8 float lanes (GNU C vector extensions; the kernels are built for SSE2 and, with GCC
 *   on x86-64, also for AVX2, chosen at run time, identical in every bit), and no multiply-add
 *   is fused (ISO C mode, -ffp-contract=off), so a score is the same on every machine. Scores are
 * computed in the order the training pass used for the same row, so a training row scores exactly
 * as it was seen in the last forward pass. Memory: parameters, gradients and Adam moments are
 * floats (half the bytes of float64); the hidden width is padded to a multiple of 8 with units
 * whose weights stay exactly 0.
 *
 * Memory management: struct mlp32 is embedded in the learner state; mlp32_alloc() allocates
 * its parameter block, mlp32_release() frees it (idempotent). */
#ifndef PYVET_MLP32_H
#define PYVET_MLP32_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "core/base/err.h"
#include "core/ml/dataset.h"

struct mlp32 {
	size_t d, h, hp; /* inputs, hidden units, hidden units padded to a multiple of 8 */
	float *par;      /* W1[d * hp] (row j = input j), b1[hp], W2[hp], b2 at [d*hp + 2*hp] */
	size_t n_par;    /* d * hp + 2 * hp + 8 */
};

/* The training knobs (the mlp learner's parameters). */
struct mlp32_opts {
	double alpha, lr, tol, beta1, beta2, epsilon;
	long batch, max_iter, patience;
	int shuffle;
};

/** Allocate a zeroed network of d inputs and h hidden units. 0, or -1 on out of memory. */
int mlp32_alloc(struct mlp32 *net, size_t d, size_t h);

/** Free the parameters (idempotent). */
void mlp32_release(struct mlp32 *net);

/** Weight accessors for save/load: W1[j][k], b1[k], W2[k], b2. */
float *mlp32_w1(const struct mlp32 *net, size_t j);
float *mlp32_b1(const struct mlp32 *net);
float *mlp32_w2(const struct mlp32 *net);
float *mlp32_b2(const struct mlp32 *net);

/** Fit a network of `h` hidden units on `train` (allocating it; finite values required). The
 *  random draws are those of the float64 path: every initial weight drawn as a double and
 *  rounded to float, then one shuffle of the row order per epoch. Writes the epochs run and the
 *  last epoch loss. 0, or -1 with the reason on `d` (the network is then released). */
int mlp32_fit(struct mlp32 *net, size_t h, const struct dataset *train, const gsl_rng *r,
              const struct mlp32_opts *o, long *n_iter, double *loss, struct diag *d);

/** P(malicious) of every row of x into out[x->n]. 0, or -1 with the reason on `d`. */
int mlp32_score(const struct mlp32 *net, const struct dataset *x, double *out, struct diag *d);

/* The builds of the kernels (mlp32_impl.h): the x86-64 baseline (SSE2), and AVX2 where GCC can
 * build it and the CPU has it. They give identical results; AUTO picks the fastest. */
enum mlp32_isa { MLP32_ISA_AUTO = 0, MLP32_ISA_BASE, MLP32_ISA_AVX2 };

/** 1 if the kernels `isa` can run here. */
int mlp32_isa_available(enum mlp32_isa isa);

/** mlp32_fit() and mlp32_score() with a chosen build (tests compare the builds); -1 with a
 *  message if it is not available. */
int mlp32_fit_isa(struct mlp32 *net, size_t h, const struct dataset *train, const gsl_rng *r,
                  const struct mlp32_opts *o, enum mlp32_isa isa, long *n_iter, double *loss,
                  struct diag *d);
int mlp32_score_isa(const struct mlp32 *net, const struct dataset *x, enum mlp32_isa isa,
                    double *out, struct diag *d);

#endif
