/* CART tree growing (Gini, best split, soft max_features) shared by learners/dt.c and rf.c. */
#include "learners/cart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/rng.h"

/* scikit-learn's _splitter.pyx: values closer than this are treated as equal. */
#define FEATURE_THRESHOLD 1e-7
/* Upper bound on the nodes read back by cart_load() (hostile model files). */
#define CART_MAX_NODES 100000000

int cart_data_init(struct cart_data *cd, const struct dataset *train, struct diag *d)
{
	size_t n = train->n, dd = train->d;
	memset(cd, 0, sizeof(*cd));
	cd->n = n;
	cd->d = dd;
	if (n && dd && n > SIZE_MAX / dd / sizeof(double))
		return diag_error(d, "cart: training set too large");
	cd->Xc = malloc((n * dd > 0 ? n * dd : 1) * sizeof(double));
	cd->Xb = malloc(n * dd > 0 ? n * dd : 1);
	cd->binary = malloc(dd ? dd : 1);
	cd->y = malloc((n ? n : 1) * sizeof(int));
	if (!cd->Xc || !cd->Xb || !cd->binary || !cd->y) {
		cart_data_release(cd);
		return diag_error(d, "cart: out of memory");
	}
	for (size_t j = 0; j < dd; j++) {
		unsigned char bin = 1;
		for (size_t i = 0; i < n; i++) {
			double v = train->X[i * dd + j];
			if (isnan(v)) {
				cart_data_release(cd);
				return diag_error(d, "cart: column %zu has a missing value (NaN)",
				                  j);
			}
			cd->Xc[j * n + i] = v;
			cd->Xb[j * n + i] = v != 0;
			if (v != 0 && v != 1)
				bin = 0;
		}
		cd->binary[j] = bin;
	}
	for (size_t i = 0; i < n; i++)
		cd->y[i] = train->y[i] != 0;
	return 0;
}

void cart_data_release(struct cart_data *cd)
{
	if (!cd)
		return;
	free(cd->Xc);
	free(cd->Xb);
	free(cd->binary);
	free(cd->y);
	memset(cd, 0, sizeof(*cd));
}

void cart_release(struct cart_tree *t)
{
	if (!t)
		return;
	free(t->nodes);
	t->nodes = NULL;
	t->n_nodes = t->cap = 0;
}

static int new_node(struct cart_tree *t)
{
	if (t->n_nodes == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct cart_node *p;
		if (cap > CART_MAX_NODES)
			return -1;
		p = realloc(t->nodes, cap * sizeof(*p));
		if (!p)
			return -1;
		t->nodes = p;
		t->cap = cap;
	}
	memset(&t->nodes[t->n_nodes], 0, sizeof(t->nodes[0]));
	t->nodes[t->n_nodes].feature = -1;
	return (int)t->n_nodes++;
}

struct vk {
	double v;
	size_t k;
};

static int cmp_vk(const void *a, const void *b)
{
	double x = ((const struct vk *)a)->v, y = ((const struct vk *)b)->v;
	return (x > y) - (x < y);
}

struct frame {
	size_t start, end;
	long depth;
	int node;
};

/* Gini proxy (scikit-learn's proxy_impurity_improvement up to constants): larger is better. */
static double proxy(double wl, double pl, double wr, double pr)
{
	return (pl * pl + (wl - pl) * (wl - pl)) / wl + (pr * pr + (wr - pr) * (wr - pr)) / wr;
}

struct work {
	const struct cart_data *cd;
	const double *w; /* per sample weight (indexed by row) */
	size_t *idx;     /* rows with positive weight, partitioned per node */
	size_t *tmp;     /* partition buffer */
	size_t *feat;    /* feature permutation, persistent across nodes */
	struct vk *vk;   /* sort buffer */
};

/* Best split of column j on idx[start,end). Returns 0 if the column is constant there, else 1
 * with *prox and *thr set. */
static int eval_feature(const struct work *wk, size_t j, size_t start, size_t end, double wsum,
                        double wpos, double *prox, double *thr)
{
	const struct cart_data *cd = wk->cd;
	size_t n = cd->n;
	if (cd->binary[j]) {
		const unsigned char *col = cd->Xb + j * n;
		double w1 = 0, p1 = 0;
		size_t n1 = 0;
		for (size_t k = start; k < end; k++) {
			size_t i = wk->idx[k];
			if (col[i]) {
				n1++;
				w1 += wk->w[i];
				p1 += cd->y[i] ? wk->w[i] : 0;
			}
		}
		if (n1 == 0 || n1 == end - start)
			return 0;
		/* left: x == 0 (x <= 0.5), right: x == 1 */
		*prox = proxy(wsum - w1, wpos - p1, w1, p1);
		*thr = 0.5;
		return 1;
	} else {
		const double *col = cd->Xc + j * n;
		size_t m = end - start, best_p = 0;
		double wl = 0, pl = 0, best = -INFINITY;
		struct vk *v = wk->vk;
		for (size_t k = 0; k < m; k++) {
			v[k].k = wk->idx[start + k];
			v[k].v = col[v[k].k];
		}
		qsort(v, m, sizeof(*v), cmp_vk);
		if (v[m - 1].v <= v[0].v + FEATURE_THRESHOLD)
			return 0;
		for (size_t p = 0; p + 1 < m; p++) {
			double q;
			wl += wk->w[v[p].k];
			pl += cd->y[v[p].k] ? wk->w[v[p].k] : 0;
			if (v[p + 1].v <= v[p].v + FEATURE_THRESHOLD)
				continue;
			q = proxy(wl, pl, wsum - wl, wpos - pl);
			if (q > best) {
				best = q;
				best_p = p;
			}
		}
		if (best == -(double)INFINITY)
			return 0;
		*prox = best;
		*thr = v[best_p].v / 2.0 + v[best_p + 1].v / 2.0;
		if (*thr == v[best_p + 1].v || isinf(*thr))
			*thr = v[best_p].v;
		return 1;
	}
}

int cart_fit(struct cart_tree *t, const struct cart_data *cd, const double *w,
             const struct cart_params *p, const gsl_rng *r, struct diag *d)
{
	size_t n = cd->n, dd = cd->d, m = 0, sp = 0, maxf;
	struct work wk = {0};
	struct frame *stack = NULL;
	double *ones = NULL;
	int root, ret = -1;

	cart_release(t);
	t->d = dd;
	if (!w) {
		ones = malloc((n ? n : 1) * sizeof(double));
		if (!ones)
			goto oom;
		for (size_t i = 0; i < n; i++)
			ones[i] = 1;
		w = ones;
	}
	wk.cd = cd;
	wk.w = w;
	wk.idx = malloc((n ? n : 1) * sizeof(size_t));
	wk.tmp = malloc((n ? n : 1) * sizeof(size_t));
	wk.feat = malloc((dd ? dd : 1) * sizeof(size_t));
	wk.vk = malloc((n ? n : 1) * sizeof(struct vk));
	stack = malloc((2 * n + 2) * sizeof(*stack));
	if (!wk.idx || !wk.tmp || !wk.feat || !wk.vk || !stack)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (w[i] > 0)
			wk.idx[m++] = i;
	if (!m) {
		diag_error(d, "cart: no training rows with positive weight");
		goto out;
	}
	for (size_t j = 0; j < dd; j++)
		wk.feat[j] = j;
	maxf = (p->max_features == 0 || p->max_features > dd) ? dd : p->max_features;

	if ((root = new_node(t)) < 0)
		goto oom;
	stack[sp++] = (struct frame){0, m, 0, root};
	while (sp) {
		struct frame f = stack[--sp];
		size_t nn = f.end - f.start, counted = 0, best_j = 0, nl = 0;
		double wsum = 0, wpos = 0, pr, imp, best = -INFINITY, best_thr = 0;
		int found = 0, left, right;
		for (size_t k = f.start; k < f.end; k++) {
			size_t i = wk.idx[k];
			wsum += w[i];
			if (cd->y[i])
				wpos += w[i];
		}
		pr = wpos / wsum;
		t->nodes[f.node].value = pr;
		imp = 1.0 - (pr * pr + (1 - pr) * (1 - pr));
		if ((p->max_depth > 0 && f.depth >= p->max_depth) ||
		    nn < (size_t)p->min_samples_split || nn < 2 || imp <= 2.220446049250313e-16)
			continue;
		/* Fisher-Yates draw over the persistent permutation (scikit-learn's order). */
		for (size_t a = 0; a < dd && counted < maxf; a++) {
			size_t b = a + rng_uniform_index(r, dd - a), j, tmpf;
			double q, thr;
			tmpf = wk.feat[a];
			wk.feat[a] = wk.feat[b];
			wk.feat[b] = tmpf;
			j = wk.feat[a];
			if (!eval_feature(&wk, j, f.start, f.end, wsum, wpos, &q, &thr))
				continue;
			counted++;
			if (q > best) {
				best = q;
				best_j = j;
				best_thr = thr;
				found = 1;
			}
		}
		if (!found)
			continue;
		/* stable partition: x <= thr left */
		{
			const double *col = cd->Xc + best_j * n;
			size_t nr = 0;
			for (size_t k = f.start; k < f.end; k++) {
				size_t i = wk.idx[k];
				if (col[i] <= best_thr)
					wk.idx[f.start + nl++] = i;
				else
					wk.tmp[nr++] = i;
			}
			memcpy(wk.idx + f.start + nl, wk.tmp, nr * sizeof(size_t));
		}
		if (nl == 0 || nl == nn)
			BUG("cart: empty child");
		if ((left = new_node(t)) < 0 || (right = new_node(t)) < 0)
			goto oom;
		t->nodes[f.node].feature = (int)best_j;
		t->nodes[f.node].threshold = best_thr;
		t->nodes[f.node].left = left;
		t->nodes[f.node].right = right;
		stack[sp++] = (struct frame){f.start + nl, f.end, f.depth + 1, right};
		stack[sp++] = (struct frame){f.start, f.start + nl, f.depth + 1, left};
	}
	ret = 0;
	goto out;
oom:
	diag_error(d, "cart: out of memory");
out:
	if (ret < 0)
		cart_release(t);
	free(ones);
	free(wk.idx);
	free(wk.tmp);
	free(wk.feat);
	free(wk.vk);
	free(stack);
	return ret;
}

double cart_predict_row(const struct cart_tree *t, const double *x)
{
	const struct cart_node *nd = t->nodes;
	while (nd->feature >= 0)
		nd = t->nodes + (x[nd->feature] <= nd->threshold ? nd->left : nd->right);
	return nd->value;
}

size_t cart_depth(const struct cart_tree *t)
{
	/* children always have larger indices than their parent (see cart_fit) */
	size_t *depth, best = 0;
	if (!t->n_nodes)
		return 0;
	depth = calloc(t->n_nodes, sizeof(size_t));
	if (!depth)
		return 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct cart_node *nd = &t->nodes[i];
		if (depth[i] > best)
			best = depth[i];
		if (nd->feature >= 0) {
			depth[nd->left] = depth[i] + 1;
			depth[nd->right] = depth[i] + 1;
		}
	}
	free(depth);
	return best;
}

int cart_save(const struct cart_tree *t, FILE *f)
{
	fprintf(f, "nodes %zu\n", t->n_nodes);
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct cart_node *nd = &t->nodes[i];
		fprintf(f, "%d %d %d %a %a\n", nd->feature, nd->left, nd->right, nd->threshold,
		        nd->value);
	}
	return ferror(f) ? -1 : 0;
}

int cart_load(struct cart_tree *t, FILE *f, size_t d, struct diag *dg)
{
	size_t nn;
	cart_release(t);
	t->d = d;
	if (fscanf(f, " nodes %zu", &nn) != 1 || nn == 0 || nn > CART_MAX_NODES)
		return diag_error(dg, "cart: bad 'nodes' line");
	t->nodes = calloc(nn, sizeof(*t->nodes));
	if (!t->nodes)
		return diag_error(dg, "cart: out of memory");
	t->n_nodes = t->cap = nn;
	for (size_t i = 0; i < nn; i++) {
		struct cart_node *nd = &t->nodes[i];
		if (fscanf(f, "%d %d %d %la %la", &nd->feature, &nd->left, &nd->right,
		           &nd->threshold, &nd->value) != 5)
			goto bad;
		if (nd->feature >= 0 &&
		    ((size_t)nd->feature >= d || nd->left <= (int)i || nd->right <= (int)i ||
		     (size_t)nd->left >= nn || (size_t)nd->right >= nn))
			goto bad;
		if (nd->feature < -1)
			goto bad;
	}
	return 0;
bad:
	cart_release(t);
	return diag_error(dg, "cart: malformed node list");
}
