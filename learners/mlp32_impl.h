/* mlp32_impl.h: the kernels and the training loop of learners/mlp32.c, written once and compiled
 * twice by it -- for the x86-64 baseline (SSE2, 4 floats per register) and, with GCC on x86-64,
 * under `#pragma GCC target("avx2")` (8 floats) -- with every name passed through N(). Not a
 * header to include anywhere else.
 *
 * The two builds give bit-identical results: element-wise operations are IEEE-exact whatever the
 * register width and nothing is fused (ISO C mode: no contraction to FMA), and every reduction
 * (dot products, sums of squares) accumulates in 8 logical lanes -- element k of each group of 8
 * goes to lane k -- which the baseline build keeps in two registers, then adds the lanes in one
 * fixed order. */

#if defined(__AVX__)
#define VW 8
typedef float N(vf) __attribute__((vector_size(32)));
typedef int32_t N(vi) __attribute__((vector_size(32)));
#else
#define VW 4
typedef float N(vf) __attribute__((vector_size(16)));
typedef int32_t N(vi) __attribute__((vector_size(16)));
#endif
#define vf N(vf)
#define vi N(vi)

static inline vf N(load)(const float *p)
{
	vf v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void N(store)(float *p, vf v)
{
	memcpy(p, &v, sizeof(v));
}

static inline vf N(set1)(float x)
{
	vf v;
	for (int k = 0; k < VW; k++)
		v[k] = x;
	return v;
}

/* Lane-wise select: a where the mask is set, else b. */
static inline vf N(select)(vi mask, vf a, vf b)
{
	return (vf)(((vi)a & mask) | ((vi)b & ~mask));
}

static inline vf N(sqrt)(vf x)
{
#if defined(__AVX__)
	return (vf)_mm256_sqrt_ps((__m256)x);
#elif defined(__SSE__)
	return (vf)_mm_sqrt_ps((__m128)x);
#else
	for (int k = 0; k < VW; k++)
		x[k] = sqrtf(x[k]);
	return x;
#endif
}

/* exp(x) in float, x clamped to [-87, 88] (Cephes expf: x = n ln2 + r with Cody-Waite ln2 in two
 * parts, |r| <= ln2/2, degree-5 polynomial for (e^r - 1 - r) / r^2, 2^n built in the exponent
 * bits). About 1 ulp. */
static inline vf N(exp)(vf x)
{
	const vf lo = N(set1)(-87.0f), hi = N(set1)(88.0f), magic = N(set1)(12582912.0f);
	x = N(select)(x < lo, lo, x);
	x = N(select)(x > hi, hi, x);
	vf n = (x * N(set1)(1.44269504088896341f) + magic) - magic; /* round to nearest */
	vf r = x - n * N(set1)(0.693359375f) - n * N(set1)(-2.12194440e-4f);
	vf p = N(set1)(1.9875691500e-4f);
	p = p * r + N(set1)(1.3981999507e-3f);
	p = p * r + N(set1)(8.3334519073e-3f);
	p = p * r + N(set1)(4.1665795894e-2f);
	p = p * r + N(set1)(1.6666665459e-1f);
	p = p * r + N(set1)(5.0000001201e-1f);
	p = p * (r * r) + r + N(set1)(1.0f);
	vi e = __builtin_convertvector(n, vi);
	return p * (vf)((e + 127) << 23);
}

/* 8 logical lanes of float accumulators (see the top of this file). */
struct N(acc8) {
	vf a;
#if VW == 4
	vf b;
#endif
};

static inline void N(acc_zero)(struct N(acc8) * s)
{
	s->a = N(set1)(0.0f);
#if VW == 4
	s->b = s->a;
#endif
}

/* lanes += x[0..8) * y[0..8) */
static inline void N(acc_dot8)(struct N(acc8) * s, const float *x, const float *y)
{
	s->a += N(load)(x) * N(load)(y);
#if VW == 4
	s->b += N(load)(x + 4) * N(load)(y + 4);
#endif
}

/* The 8 lanes added in one fixed order. */
static inline float N(acc_sum)(const struct N(acc8) * s)
{
	float l[8];
	memcpy(l, &s->a, sizeof(s->a));
#if VW == 4
	memcpy(l + 4, &s->b, sizeof(s->b));
#endif
	return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

/* Hidden activations a[hp] of one row given by its non-zero inputs (cols ascending, vals):
 * b1 + sum of v * W1[col] in that order, then the logistic function. Padded units have zero
 * weights and do not matter (their outgoing weight is 0). */
static void N(hidden_row)(const struct mlp32 *net, const uint32_t *cols, const float *vals,
                          size_t nz, float *a)
{
	size_t hp = net->hp, k = 0;
	const float *b1 = mlp32_b1(net);
	const vf one = N(set1)(1.0f);
	/* four registers of units at a time, summed over the inputs in order */
	for (; k + 4 * VW <= hp; k += 4 * VW) {
		vf a0 = N(load)(b1 + k), a1 = N(load)(b1 + k + VW);
		vf a2 = N(load)(b1 + k + 2 * VW), a3 = N(load)(b1 + k + 3 * VW);
		for (size_t q = 0; q < nz; q++) {
			const float *w = mlp32_w1(net, cols[q]) + k;
			if (vals[q] == 1.0f) { /* the 0/1 token columns: v * w == w exactly */
				a0 += N(load)(w);
				a1 += N(load)(w + VW);
				a2 += N(load)(w + 2 * VW);
				a3 += N(load)(w + 3 * VW);
			} else {
				vf vv = N(set1)(vals[q]);
				a0 += vv * N(load)(w);
				a1 += vv * N(load)(w + VW);
				a2 += vv * N(load)(w + 2 * VW);
				a3 += vv * N(load)(w + 3 * VW);
			}
		}
		N(store)(a + k, a0);
		N(store)(a + k + VW, a1);
		N(store)(a + k + 2 * VW, a2);
		N(store)(a + k + 3 * VW, a3);
	}
	for (; k < hp; k += VW) {
		vf a0 = N(load)(b1 + k);
		for (size_t q = 0; q < nz; q++) {
			const float *w = mlp32_w1(net, cols[q]) + k;
			if (vals[q] == 1.0f)
				a0 += N(load)(w);
			else
				a0 += N(set1)(vals[q]) * N(load)(w);
		}
		N(store)(a + k, a0);
	}
	for (k = 0; k < hp; k += VW)
		N(store)(a + k, one / (one + N(exp)(-N(load)(a + k))));
}

/* g[hp] = sum over the batch rows holding input j (batch order) of v * D[row]: the weight
 * gradient of W1's row j before scaling, four registers at a time. */
static void N(column_grad)(const struct mlp32_work *w, size_t hp, size_t e0, size_t e1, float *g)
{
	size_t k = 0;
	for (; k + 4 * VW <= hp; k += 4 * VW) {
		vf g0 = N(set1)(0.0f), g1 = g0, g2 = g0, g3 = g0;
		for (size_t e = e0; e < e1; e++) {
			const float *D = w->D + (size_t)w->erow[e] * hp + k;
			if (w->eval[e] == 1.0f) {
				g0 += N(load)(D);
				g1 += N(load)(D + VW);
				g2 += N(load)(D + 2 * VW);
				g3 += N(load)(D + 3 * VW);
			} else {
				vf vv = N(set1)(w->eval[e]);
				g0 += vv * N(load)(D);
				g1 += vv * N(load)(D + VW);
				g2 += vv * N(load)(D + 2 * VW);
				g3 += vv * N(load)(D + 3 * VW);
			}
		}
		N(store)(g + k, g0);
		N(store)(g + k + VW, g1);
		N(store)(g + k + 2 * VW, g2);
		N(store)(g + k + 3 * VW, g3);
	}
	for (; k < hp; k += VW) {
		vf g0 = N(set1)(0.0f);
		for (size_t e = e0; e < e1; e++) {
			const float *D = w->D + (size_t)w->erow[e] * hp + k;
			if (w->eval[e] == 1.0f)
				g0 += N(load)(D);
			else
				g0 += N(set1)(w->eval[e]) * N(load)(D);
		}
		N(store)(g + k, g0);
	}
}

/* The output probability of hidden activations a. */
static double N(output)(const struct mlp32 *net, const float *a)
{
	const float *w2 = mlp32_w2(net);
	struct N(acc8) acc;
	N(acc_zero)(&acc);
	for (size_t k = 0; k < net->hp; k += 8)
		N(acc_dot8)(&acc, a + k, w2 + k);
	return logistic_fixed((double)(N(acc_sum)(&acc) + *mlp32_b2(net)));
}

/* Adam constants of one step. */
struct N(adam_step) {
	vf b1, c1, b2, c2, lr, eps;
};

/* One Adam step on VW parameters with gradient g; returns the new parameters. */
static inline vf N(adam)(float *par, vf g, float *m, float *v, const struct N(adam_step) * a)
{
	vf mk = a->b1 * N(load)(m) + a->c1 * g;
	vf vk = a->b2 * N(load)(v) + (a->c2 * g) * g;
	vf pk = N(load)(par) - (a->lr * mk) / (N(sqrt)(vk) + a->eps);
	N(store)(m, mk);
	N(store)(v, vk);
	N(store)(par, pk);
	return pk;
}

/* Sum of squares of the parameters the penalty covers (W1 and W2), in double. */
static double N(weights_sumsq)(const struct mlp32 *net)
{
	double s = 0;
	for (size_t j = 0; j <= net->d; j++) {
		const float *w = j < net->d ? mlp32_w1(net, j) : mlp32_w2(net);
		struct N(acc8) acc;
		N(acc_zero)(&acc);
		for (size_t k = 0; k < net->hp; k += 8)
			N(acc_dot8)(&acc, w + k, w + k);
		s += (double)N(acc_sum)(&acc);
	}
	return s;
}

/* One mini-batch: forward, loss (returned: the batch's mean log-loss plus the penalty), back
 * propagation, and the Adam step that also sums the new ||W||^2 into *sumsq. */
static double N(batch_step)(struct mlp32 *net, struct mlp32_work *w, const int *y,
                            const size_t *rows, size_t m, const struct mlp32_opts *o, double lr_t,
                            double *sumsq)
{
	size_t d = net->d, hp = net->hp;
	float *W2 = mlp32_w2(net), *gb1 = w->gs, *gW2 = w->gs + hp, *gb2 = w->gs + 2 * hp;
	double loss = 0, gb2d = 0, inv = 1.0 / (double)m, ss = 0;
	const vf one = N(set1)(1.0f), vinv = N(set1)((float)inv);
	const vf valpha = N(set1)((float)(o->alpha * inv)), alpha = N(set1)((float)o->alpha);
	struct N(adam_step) as = {N(set1)((float)o->beta1), N(set1)((float)(1 - o->beta1)),
	                          N(set1)((float)o->beta2), N(set1)((float)(1 - o->beta2)),
	                          N(set1)((float)lr_t),     N(set1)((float)o->epsilon)};
	/* forward and loss */
	for (size_t i = 0; i < m; i++) {
		size_t a = w->rowptr[rows[i]], b = w->rowptr[rows[i] + 1];
		int yi = y[rows[i]] != 0;
		N(hidden_row)(net, w->col + a, w->val + a, b - a, w->A + i * hp);
		w->p[i] = N(output)(net, w->A + i * hp);
		double pc = fmin(fmax(w->p[i], DBL_EPSILON), 1 - DBL_EPSILON);
		loss -= yi ? log(pc) : log(1 - pc);
		w->delta[i] = (float)(w->p[i] - yi);
		gb2d += w->p[i] - yi;
	}
	loss = loss * inv + 0.5 * o->alpha * *sumsq * inv;
	/* output layer and hidden deltas */
	memset(w->gs, 0, (2 * hp + 8) * sizeof(float));
	for (size_t i = 0; i < m; i++) {
		const float *a = w->A + i * hp;
		float *D = w->D + i * hp;
		vf dl = N(set1)(w->delta[i]);
		for (size_t k = 0; k < hp; k += VW) {
			vf ak = N(load)(a + k), dk = dl * N(load)(W2 + k) * ak * (one - ak);
			N(store)(gW2 + k, N(load)(gW2 + k) + dl * ak);
			N(store)(D + k, dk);
			N(store)(gb1 + k, N(load)(gb1 + k) + dk);
		}
	}
	/* first layer: the batch's non-zero inputs by column (rows in batch order), so that the
	 * weight gradient touches only the rows of inputs active in the batch */
	memset(w->colptr, 0, (d + 1) * sizeof(size_t));
	for (size_t i = 0; i < m; i++)
		for (size_t q = w->rowptr[rows[i]]; q < w->rowptr[rows[i] + 1]; q++)
			w->colptr[w->col[q] + 1]++;
	for (size_t j = 0; j < d; j++) {
		w->colptr[j + 1] += w->colptr[j];
		w->pos[j] = w->colptr[j];
	}
	for (size_t i = 0; i < m; i++)
		for (size_t q = w->rowptr[rows[i]]; q < w->rowptr[rows[i] + 1]; q++) {
			size_t e = w->pos[w->col[q]]++;
			w->erow[e] = (uint32_t)i;
			w->eval[e] = w->val[q];
		}
	/* Adam over every parameter; the penalty gradient alpha W / m is added here, and the
	 * squares of the new weights are summed for the next batch's loss */
	for (size_t j = 0; j < d; j++) {
		float *par = mlp32_w1(net, j), *G = w->G;
		float *mm = w->m + j * hp, *vv = w->v + j * hp, sq[8];
		int active = w->colptr[j + 1] > w->colptr[j];
		struct N(acc8) acc;
		N(acc_zero)(&acc);
		if (active)
			N(column_grad)(w, hp, w->colptr[j], w->colptr[j + 1], G);
		for (size_t k = 0; k < hp; k += 8) {
			for (size_t u = 0; u < 8; u += VW) {
				vf g = valpha * N(load)(par + k + u);
				if (active)
					g = N(load)(G + k + u) * vinv + g;
				N(store)
				(sq + u, N(adam)(par + k + u, g, mm + k + u, vv + k + u, &as));
			}
			N(acc_dot8)(&acc, sq, sq);
		}
		ss += (double)N(acc_sum)(&acc);
	}
	{
		size_t off = d * hp;
		float *b1 = mlp32_b1(net), *b2 = mlp32_b2(net), sq[8];
		struct N(acc8) acc;
		N(acc_zero)(&acc);
		for (size_t k = 0; k < hp; k += VW)
			N(adam)
		(b1 + k, N(load)(gb1 + k) * vinv, w->m + off + k, w->v + off + k, &as);
		off += hp;
		for (size_t k = net->h; k < hp; k++)
			gW2[k] = 0; /* padded units: W2 and its gradient stay 0 */
		for (size_t k = 0; k < hp; k += 8) {
			for (size_t u = 0; u < 8; u += VW) {
				vf g = (N(load)(gW2 + k + u) + alpha * N(load)(W2 + k + u)) * vinv;
				N(store)
				(sq + u, N(adam)(W2 + k + u, g, w->m + off + k + u,
				                 w->v + off + k + u, &as));
			}
			N(acc_dot8)(&acc, sq, sq);
		}
		ss += (double)N(acc_sum)(&acc);
		off += hp;
		memset(gb2, 0, 8 * sizeof(float));
		gb2[0] = (float)(gb2d * inv);
		for (size_t u = 0; u < 8; u += VW)
			N(adam)(b2 + u, N(load)(gb2 + u), w->m + off + u, w->v + off + u, &as);
	}
	*sumsq = ss;
	return loss;
}

/* The epochs of mlp32_fit() on an initialised network and work space: 0, or -1 on a diverged
 * loss. */
static int N(train)(struct mlp32 *net, struct mlp32_work *w, const struct dataset *train,
                    const gsl_rng *r, const struct mlp32_opts *o, long *n_iter, double *loss_out)
{
	size_t n = train->n, B = (size_t)o->batch < n ? (size_t)o->batch : n;
	double best = INFINITY, b1t = 1, b2t = 1, sumsq = N(weights_sumsq)(net);
	long bad = 0, it = 0;
	for (size_t i = 0; i < n; i++)
		w->perm[i] = i;
	while (it < o->max_iter) {
		double acc = 0, loss;
		if (o->shuffle)
			for (size_t i = n - 1; i > 0; i--) {
				size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i + 1), t;
				t = w->perm[i];
				w->perm[i] = w->perm[j];
				w->perm[j] = t;
			}
		for (size_t start = 0; start < n; start += B) {
			size_t m = n - start < B ? n - start : B;
			b1t *= o->beta1;
			b2t *= o->beta2;
			acc += N(batch_step)(net, w, train->y, w->perm + start, m, o,
			                     o->lr * sqrt(1 - b2t) / (1 - b1t), &sumsq) *
			       (double)m;
		}
		it++;
		*n_iter = it;
		loss = acc / (double)n;
		*loss_out = loss;
		if (!isfinite(loss))
			return -1;
		/* the stopping rule of the float64 path (scikit-learn's n_iter_no_change) */
		if (loss > best - o->tol)
			bad++;
		else
			bad = 0;
		if (loss < best)
			best = loss;
		if (bad > o->patience)
			break;
	}
	return 0;
}

/* mlp32_score() for rows 0..n-1 of x, with buffers cols[d], vals[d], a[hp]. */
static void N(score)(const struct mlp32 *net, const struct dataset *x, uint32_t *cols, float *vals,
                     float *a, double *out)
{
	for (size_t i = 0; i < x->n; i++) {
		const double *row = dataset_row(x, i);
		size_t nz = 0;
		/* the non-zero inputs in column order, without a branch per column (cols and vals
		 * have room for d entries; a zero is written and then overwritten) */
		for (size_t j = 0; j < x->d; j++) {
			cols[nz] = (uint32_t)j;
			vals[nz] = (float)row[j];
			nz += row[j] != 0;
		}
		N(hidden_row)(net, cols, vals, nz, a);
		out[i] = N(output)(net, a);
	}
}

#undef VW
#undef vf
#undef vi
