/* Tests for learners/: the contract every registered learner must keep, plus per-learner oracles
 * (logreg vs scikit-learn and liblinear, NB by hand, CART trees, MLP training, libsvm margins,
 * stacking's inner folds vs scikit-learn's StratifiedKFold). */
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/dataset.h"
#include "core/base/rng.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "learners/cart.h"
#include "learners/learner.h"
#include "learners/stack.h"
#include "tests/harness.h"

/* Every learner call below records its errors here (learner.h: the caller's diag). */
static struct diag td;

/* Forget the last message, so that a check of diag_message(&td) sees only the next error. */
static void td_clear(void)
{
	diag_release(&td);
	diag_init(&td);
}

/* Mann-Whitney ROC-AUC with ties counted half, O(n^2): independent of core/metrics. */
static double auc(const double *s, const int *y, size_t n)
{
	double num = 0, np = 0, nn = 0;
	for (size_t i = 0; i < n; i++) {
		if (!y[i])
			continue;
		np++;
		for (size_t j = 0; j < n; j++) {
			if (y[j])
				continue;
			num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
		}
	}
	for (size_t j = 0; j < n; j++)
		nn += !y[j];
	return num / (np * nn);
}

/* n x d mostly-binary data with ~25% positives. separable: columns 0-2 copy the label, column 3
 * is real-valued (label * 2 + U(0, 0.5)), column 4 is N(0,1)-like noise; the rest are random 0/1.
 */
static struct dataset *make_data(size_t n, size_t d, unsigned long seed, int separable)
{
	struct dataset *ds = dataset_alloc(n, d);
	gsl_rng *r = rng_alloc(seed);
	if (!ds || !r)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		int y = gsl_rng_uniform(r) < 0.25;
		double *x = dataset_row(ds, (size_t)i);
		ds->y[i] = y;
		for (size_t j = 0; j < d; j++)
			x[j] = gsl_rng_uniform(r) < 0.3;
		if (separable) {
			x[0] = x[1] = x[2] = y;
			x[3] = 2.0 * y + 0.5 * gsl_rng_uniform(r);
			x[4] = gsl_rng_uniform(r) + gsl_rng_uniform(r) - 1.0;
		} else if (gsl_rng_uniform(r) < 0.8) {
			/* a noisy signal */
			x[0] = y;
		}
	}
	rng_free(r);
	return ds;
}

static struct learner *alloc_or_die(const char *name, const char *params)
{
	const struct learner_type *t = learner_find(name);
	struct learner *l = t ? learner_alloc(t, params, &td) : NULL;
	if (!l)
		die("cannot allocate learner '%s': %s", name, t ? diag_message(&td) : "unknown");
	return l;
}

static int fit_seed(struct learner *l, const struct dataset *ds, unsigned long seed)
{
	gsl_rng *r = rng_alloc(seed);
	int ret = learner_fit(l, ds, r, &td);
	rng_free(r);
	return ret;
}

/* Save to a temporary file and return its text (caller frees). */
static char *save_text(const struct learner *l)
{
	FILE *f = tmpfile();
	char *buf;
	long len;
	if (!f || learner_save(l, f, &td) < 0)
		return NULL;
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		die("read back");
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void contract(const struct learner_type *t, const struct dataset *tr,
                     const struct dataset *te)
{
	struct learner *a = learner_alloc(t, NULL, &td);
	struct learner *b = learner_alloc(t, NULL, &td);
	size_t n = te->n;
	double *s1 = malloc(n * sizeof(double)), *s2 = malloc(n * sizeof(double));
	double *s3 = malloc(n * sizeof(double));
	struct dataset *one, *empty;
	size_t *idx = malloc(tr->n * sizeof(size_t)), k = 0;
	void *snap;
	char *txt1, *txt2;
	FILE *f;

	if (!CHECK(a && b, "%s: alloc with defaults", t->name))
		return;
	td_clear();
	CHECK(learner_score(a, te, s1, &td) < 0 && strstr(diag_message(&td), "not fitted"),
	      "%s: unfitted score fails, the message on the caller's diag", t->name);
	CHECK(learner_score(a, te, s1, NULL) < 0, "%s: a NULL diag is accepted", t->name);
	CHECK(fit_seed(a, tr, 42) == 0, "%s: fit (%s)", t->name, diag_message(&td));
	CHECK(learner_score(a, te, s1, &td) == 0, "%s: score", t->name);
	CHECK(auc(s1, te->y, n) == 1.0, "%s: separable data -> ROC-AUC 1 (got %.6f)", t->name,
	      auc(s1, te->y, n));
	if (t->flags & LEARNER_PROBABILISTIC) {
		int inrange = 1;
		for (size_t i = 0; i < n; i++)
			inrange &= s1[i] >= 0 && s1[i] <= 1;
		CHECK(inrange, "%s: probabilistic scores in [0, 1]", t->name);
	}
	/* same seed, fresh learner -> same bytes */
	CHECK(fit_seed(b, tr, 42) == 0 && learner_score(b, te, s2, &td) == 0 &&
	          !memcmp(s1, s2, n * sizeof(double)),
	      "%s: same seed -> identical scores", t->name);
	/* refit of the same object -> same bytes (fit resets) */
	CHECK(fit_seed(b, tr, 42) == 0 && learner_score(b, te, s2, &td) == 0 &&
	          !memcmp(s1, s2, n * sizeof(double)),
	      "%s: refit with the same seed -> identical scores", t->name);
	/* scoring does not change the model */
	snap = malloc(t->state_size);
	memcpy(snap, a->state, t->state_size);
	txt1 = save_text(a);
	CHECK(learner_score(a, te, s2, &td) == 0 && !memcmp(s1, s2, n * sizeof(double)),
	      "%s: scoring twice gives the same scores", t->name);
	txt2 = save_text(a);
	CHECK(!memcmp(snap, a->state, t->state_size) && txt1 && txt2 && !strcmp(txt1, txt2),
	      "%s: scoring leaves the state unchanged", t->name);
	/* save / load round trip */
	f = tmpfile();
	if (f && learner_save(a, f, &td) == 0) {
		struct learner *c;
		rewind(f);
		c = learner_load(f, &td);
		CHECK(c && learner_score(c, te, s3, &td) == 0 &&
		          !memcmp(s1, s3, n * sizeof(double)),
		      "%s: save/load gives identical scores (%s)", t->name,
		      c ? "" : diag_message(&td));
		learner_free(c);
	} else {
		CHECK(0, "%s: save", t->name);
	}
	if (f)
		fclose(f);
	/* truncated model file -> clean error */
	f = tmpfile();
	if (f && txt1) {
		struct learner *c;
		fwrite(txt1, 1, strlen(txt1) / 2, f);
		rewind(f);
		td_clear();
		c = learner_load(f, &td);
		CHECK(!c && diag_message(&td)[0], "%s: truncated model -> error '%s'", t->name,
		      c ? "" : diag_message(&td));
		learner_free(c);
		fclose(f);
	}
	/* single class, empty */
	for (size_t i = 0; i < tr->n; i++)
		if (!tr->y[i])
			idx[k++] = i;
	one = dataset_subset(tr, idx, k);
	empty = dataset_subset(tr, idx, 0);
	td_clear();
	CHECK(one && fit_seed(b, one, 1) < 0 && diag_message(&td)[0] && !b->fitted,
	      "%s: single-class training set -> error '%s'", t->name, diag_message(&td));
	td_clear();
	CHECK(empty && fit_seed(b, empty, 1) < 0 && diag_message(&td)[0],
	      "%s: empty training set -> error '%s'", t->name, diag_message(&td));
	CHECK(learner_score(b, te, s2, &td) < 0, "%s: a failed fit leaves the learner unfitted",
	      t->name);
	/* wrong width */
	{
		struct dataset *narrow = make_data(5, te->d - 1, 3, 0);
		CHECK(learner_score(a, narrow, s2, &td) < 0,
		      "%s: scoring with the wrong width fails", t->name);
		dataset_free(narrow);
	}
	dataset_free(one);
	dataset_free(empty);
	free(snap);
	free(txt1);
	free(txt2);
	free(idx);
	free(s1);
	free(s2);
	free(s3);
	learner_free(a);
	learner_free(b);
}

static void test_registry(void)
{
	struct sbuf sb;
	struct learner *l;
	const char *names[] = {"dt", "rf", "svm", "linsvm", "mlp", "nb", "logreg", "stack"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(learner_find(names[i]) != NULL, "learner '%s' registered", names[i]);
	CHECK(learner_find("bnb") == learner_find("nb"), "alias bnb -> nb");
	CHECK(learner_find("stacking") == learner_find("stack"), "alias stacking -> stack");
	CHECK(learner_find("nope") == NULL, "unknown learner -> NULL");
	l = learner_alloc(learner_find("rf"), "trees=0", &td);
	CHECK(!l && strstr(diag_message(&td), "trees"), "rf trees=0 rejected: '%s'",
	      diag_message(&td));
	l = learner_alloc(learner_find("rf"), "max_features=abc", &td);
	CHECK(!l && strstr(diag_message(&td), "max_features"), "rf max_features=abc rejected: '%s'",
	      diag_message(&td));
	l = learner_alloc(learner_find("stack"), "base=rf+zz", &td);
	CHECK(!l && strstr(diag_message(&td), "base"), "stack base=rf+zz rejected: '%s'",
	      diag_message(&td));
	l = learner_alloc(learner_find("stack"), "meta=svm", &td);
	CHECK(!l, "stack meta=svm (not probabilistic) rejected: '%s'", diag_message(&td));
	l = learner_alloc(learner_find("mlp"), "hidden=5,lr=0.01", &td);
	sbuf_init(&sb);
	if (l)
		learner_params_format(l, &sb);
	CHECK(strstr(sbuf_cstr(&sb), "hidden=5,") && strstr(sbuf_cstr(&sb), "lr=0.01"),
	      "mlp params recorded: %s", sbuf_cstr(&sb));
	sbuf_release(&sb);
	learner_free(l);
	l = learner_alloc(learner_find("rf"), NULL, &td);
	sbuf_init(&sb);
	if (l)
		learner_params_format(l, &sb);
	CHECK(!strncmp(sbuf_cstr(&sb), "trees=12,max_features=sqrt,max_depth=0", 38),
	      "rf defaults: %s", sbuf_cstr(&sb));
	sbuf_release(&sb);
	learner_free(l);
	{
		FILE *f = tmpfile();
		fputs("pyvet-learner 1 nosuch x=1\n", f);
		rewind(f);
		l = learner_load(f, &td);
		CHECK(!l && strstr(diag_message(&td), "nosuch"),
		      "load of an unknown learner fails: '%s'", diag_message(&td));
		fclose(f);
		f = tmpfile();
		fputs("pyvet-learner 1 rf trees=12\nd 3 trees 1\nnodes 3\n0 5 2 0x1p-1 0x0p+0\n",
		      f);
		rewind(f);
		l = learner_load(f, &td);
		CHECK(!l && diag_message(&td)[0],
		      "load of a tree with a bad child index fails: '%s'", diag_message(&td));
		fclose(f);
	}
}

/* Stratified inner folds equal scikit-learn 1.2's StratifiedKFold(5)._make_test_folds (values
 * printed by /usr/bin/python3 with Debian's python3-sklearn 1.2.1). */
static void test_stack_folds(void)
{
	int y1[] = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
	int e1[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4};
	int y2[] = {0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0};
	int e2[] = {0, 0, 0, 1, 1, 1, 2, 2, 3, 2, 3, 4, 4};
	int f[23], y3[] = {0, 1, 0, 1};
	CHECK(stack_inner_folds(y1, 23, 5, NULL, f) == 0 && !memcmp(f, e1, sizeof(e1)),
	      "stack inner folds = sklearn StratifiedKFold(5) (23 rows)");
	CHECK(stack_inner_folds(y2, 13, 5, NULL, f) == 0 && !memcmp(f, e2, sizeof(e2)),
	      "stack inner folds = sklearn StratifiedKFold(5) (13 rows)");
	CHECK(stack_inner_folds(y3, 4, 5, NULL, f) < 0, "5 folds of 2+2 rows -> error");
	{
		gsl_rng *r = rng_alloc(9);
		int cnt[5][2] = {{0}};
		stack_inner_folds(y1, 23, 5, r, f);
		for (int i = 0; i < 23; i++)
			cnt[f[i]][y1[i]]++;
		for (int i = 0; i < 23; i++)
			cnt[e1[i]][y1[i]]--;
		int same = 1;
		for (int i = 0; i < 5; i++)
			same &= !cnt[i][0] && !cnt[i][1];
		CHECK(same, "shuffled inner folds keep the per-fold class counts");
		rng_free(r);
	}
}

/* logreg against scikit-learn's LogisticRegression(C=1) on a small problem. */
static void test_logreg_sklearn(void)
{
	double X[8][3] = {{0, 1, 2}, {1, 0, 0.5}, {1, 1, -1}, {0, 0, 3},
	                  {2, 1, 0}, {0, 2, 1},   {1, -1, 2}, {3, 0, 0}};
	int y[8] = {0, 1, 1, 0, 1, 0, 1, 1};
	double p_sk[8] = {0.22417523832696373, 0.8285973721691583, 0.889067051708313,
	                  0.20878849286891762, 0.889508481586418,  0.24035145384469486,
	                  0.7446333005906116,  0.9748787685168724};
	double w_sk[4] = {0.834049010034639, -0.7388204681254664, -0.8295654363876116,
	                  1.15645272877216};
	struct dataset *ds = dataset_alloc(8, 3);
	struct learner *l = alloc_or_die("logreg", NULL);
	double p[8], w[4];
	char *txt;
	int ok = 1;
	for (int i = 0; i < 8; i++) {
		memcpy(dataset_row(ds, (size_t)i), X[i], sizeof(X[i]));
		ds->y[i] = y[i];
	}
	CHECK(fit_seed(l, ds, 1) == 0 && learner_score(l, ds, p, &td) == 0,
	      "logreg fit small problem");
	for (int i = 0; i < 8; i++)
		ok &= fabs(p[i] - p_sk[i]) < 1e-6;
	CHECK(ok, "logreg probabilities = sklearn's within 1e-6");
	txt = save_text(l);
	const char *wl = txt ? strstr(txt, "\nd 3\n") : NULL;
	if (wl && sscanf(wl + 5, "%la %la %la %la", &w[0], &w[1], &w[2], &w[3]) == 4) {
		(void)CHECK_REL(w[0], w_sk[0], 1e-5, "logreg w0 = sklearn coef_[0]");
		(void)CHECK_REL(w[2], w_sk[2], 1e-5, "logreg w2 = sklearn coef_[2]");
		(void)CHECK_REL(w[3], w_sk[3], 1e-5,
		                "logreg intercept = sklearn intercept_ (unpenalised)");
		/* stationarity: C * X'(p - y) + w = 0 and sum(p - y) = 0 */
		double g[4] = {w[0], w[1], w[2], 0};
		for (int i = 0; i < 8; i++) {
			for (int j = 0; j < 3; j++)
				g[j] += (p[i] - y[i]) * X[i][j];
			g[3] += p[i] - y[i];
		}
		CHECK(fabs(g[0]) + fabs(g[1]) + fabs(g[2]) + fabs(g[3]) < 1e-9,
		      "logreg gradient at the fit is 0 (%g)",
		      fabs(g[0]) + fabs(g[1]) + fabs(g[2]) + fabs(g[3]));
	} else {
		CHECK(0, "logreg saved weights readable");
	}
	free(txt);
	learner_free(l);
	dataset_free(ds);
}

/* logreg against liblinear -s 0 (L2R_LR) with a large C, where the bias penalty hardly matters. */
static void test_logreg_liblinear(void)
{
	struct dataset *ds = make_data(300, 6, 77, 0);
	struct learner *l = alloc_or_die("logreg", "C=1000");
	struct problem prob = {0};
	struct parameter par = {0};
	struct model *m;
	struct feature_node *nodes = malloc(300 * 8 * sizeof(*nodes));
	double *p = malloc(300 * sizeof(double)), maxdiff = 0;
	prob.l = 300;
	prob.n = 7;
	prob.bias = 1;
	prob.y = malloc(300 * sizeof(double));
	prob.x = malloc(300 * sizeof(*prob.x));
	for (int i = 0; i < 300; i++) {
		prob.x[i] = nodes + i * 8;
		for (int j = 0; j < 6; j++)
			nodes[i * 8 + j] =
			    (struct feature_node){j + 1, dataset_get(ds, (size_t)i, (size_t)j)};
		nodes[i * 8 + 6] = (struct feature_node){7, 1.0};
		nodes[i * 8 + 7] = (struct feature_node){-1, 0};
		prob.y[i] = ds->y[i];
	}
	par.solver_type = L2R_LR;
	par.eps = 1e-8;
	par.C = 1000;
	m = train(&prob, &par);
	CHECK(fit_seed(l, ds, 1) == 0 && learner_score(l, ds, p, &td) == 0, "logreg C=1000 fit");
	for (int i = 0; i < 300; i++) {
		double pe[2];
		int k1 = m->label[0] == 1 ? 0 : 1;
		predict_probability(m, prob.x[i], pe);
		maxdiff = fmax(maxdiff, fabs(pe[k1] - p[i]));
	}
	CHECK(maxdiff < 1e-3, "logreg vs liblinear L2R_LR at C=1000: max |dp| = %g", maxdiff);
	free_and_destroy_model(&m);
	free(prob.y);
	free(prob.x);
	free(nodes);
	free(p);
	learner_free(l);
	dataset_free(ds);
}

/* Bernoulli NB by hand: class 1 rows [1,0],[1,1]; class 0 rows [0,1],[0,0],[0,0]. */
static void test_nb(void)
{
	double X[5][2] = {{1, 0}, {1, 1}, {0, 1}, {0, 0}, {0, 0}};
	int y[5] = {1, 1, 0, 0, 0};
	struct dataset *ds = dataset_alloc(5, 2), *q = dataset_alloc(2, 2);
	struct learner *l = alloc_or_die("bnb", NULL);
	double p[2];
	for (int i = 0; i < 5; i++) {
		memcpy(dataset_row(ds, (size_t)i), X[i], sizeof(X[i]));
		ds->y[i] = y[i];
	}
	/* p(x0=1|1) = 3/4, p(x1=1|1) = 2/4; p(x0=1|0) = 1/5, p(x1=1|0) = 2/5; priors 2/5, 3/5 */
	dataset_row(q, 0)[0] = 1;   /* [1, 0] */
	dataset_row(q, 1)[1] = 0.7; /* [0, 0.7] -> binarised [0, 1] */
	CHECK(fit_seed(l, ds, 1) == 0 && learner_score(l, q, p, &td) == 0, "nb fit");
	{
		double l1 = 0.4 * 0.75 * 0.5, l0 = 0.6 * 0.2 * 0.6;
		(void)CHECK_REL(p[0], l1 / (l1 + l0), 1e-12, "nb P(mal | [1,0]) by hand");
		l1 = 0.4 * 0.25 * 0.5;
		l0 = 0.6 * 0.8 * 0.4;
		(void)CHECK_REL(p[1], l1 / (l1 + l0), 1e-12, "nb P(mal | [0,0.7]) by hand");
	}
	learner_free(l);
	dataset_free(ds);
	dataset_free(q);
}

/* CART: known trees, depth limit, weights as duplicated rows, rf(1 tree, all) = dt. */
static void test_cart(void)
{
	struct dataset *ds = dataset_alloc(6, 2), *q = dataset_alloc(2, 2);
	struct learner *l = alloc_or_die("dt", NULL);
	double p[2];
	char *txt;
	for (int i = 0; i < 6; i++) {
		dataset_row(ds, (size_t)i)[0] = i + 1; /* 1..6, separates at 3.5 */
		dataset_row(ds, (size_t)i)[1] = i % 2; /* useless */
		ds->y[i] = i >= 3;
	}
	dataset_row(q, 0)[0] = 3.49;
	dataset_row(q, 1)[0] = 3.51;
	CHECK(fit_seed(l, ds, 5) == 0 && learner_score(l, q, p, &td) == 0 && p[0] == 0 && p[1] == 1,
	      "dt: one split at the midpoint 3.5");
	txt = save_text(l);
	CHECK(txt && strstr(txt, "nodes 3\n0 1 2 0x1.cp+1 "),
	      "dt: tree is root(x0 <= 3.5) + 2 leaves");
	free(txt);
	learner_free(l);

	/* XOR on two binary columns needs depth 2; max_depth=1 gives a stump of proportions */
	{
		double X[8][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 0}, {0, 1}, {1, 0}, {1, 1}};
		struct dataset *x = dataset_alloc(8, 2);
		struct learner *a = alloc_or_die("dt", "max_depth=1"),
		               *b = alloc_or_die("dt", NULL);
		double s[8];
		int ok = 1;
		for (int i = 0; i < 8; i++) {
			memcpy(dataset_row(x, (size_t)i), X[i], sizeof(X[i]));
			x->y[i] = (int)X[i][0] ^ (int)X[i][1];
		}
		CHECK(fit_seed(a, x, 3) == 0 && learner_score(a, x, s, &td) == 0,
		      "dt max_depth=1 fit");
		for (int i = 0; i < 8; i++)
			ok &= s[i] == 0.5;
		CHECK(ok, "dt max_depth=1 on XOR: both leaves 0.5");
		CHECK(fit_seed(b, x, 3) == 0 && learner_score(b, x, s, &td) == 0, "dt fit XOR");
		ok = 1;
		for (int i = 0; i < 8; i++)
			ok &= s[i] == x->y[i];
		CHECK(ok, "dt depth 2 fits XOR exactly");
		learner_free(a);
		learner_free(b);
		dataset_free(x);
	}
	/* depth limit and weights on a bigger noisy set */
	{
		struct dataset *x = make_data(400, 12, 11, 0);
		struct cart_data cd;
		struct cart_tree t1 = {0}, t2 = {0};
		struct cart_params cp = {3, 2, 0};
		struct diag dg;
		double *w = malloc(400 * sizeof(double));
		size_t *idx = malloc(800 * sizeof(size_t)), k = 0;
		struct dataset *dup;
		gsl_rng *r = rng_alloc(5);
		int same = 1;
		diag_init(&dg);
		for (size_t i = 0; i < 400; i++) {
			w[i] = (double)(i % 3); /* 0, 1 or 2 copies */
			for (size_t c = 0; c < (size_t)w[i]; c++)
				idx[k++] = i;
		}
		dup = dataset_subset(x, idx, k);
		CHECK(cart_data_init(&cd, x, &dg) == 0 &&
		          cart_fit(&t1, &cd, NULL, &cp, r, &dg) == 0 && cart_depth(&t1) == 3,
		      "cart max_depth=3 -> depth 3 (%zu)", cart_depth(&t1));
		cart_release(&t1);
		cp.max_depth = 0;
		gsl_rng_set(r, 5);
		cart_fit(&t1, &cd, w, &cp, r, &dg);
		cart_data_release(&cd);
		cart_data_init(&cd, dup, &dg);
		gsl_rng_set(r, 5);
		cart_fit(&t2, &cd, NULL, &cp, r, &dg);
		for (size_t i = 0; i < 400; i++)
			same &= cart_predict_row(&t1, dataset_row(x, (size_t)i)) ==
			        cart_predict_row(&t2, dataset_row(x, (size_t)i));
		CHECK(same, "cart: integer weights = duplicated rows");
		cart_release(&t1);
		cart_release(&t2);
		cart_data_release(&cd);
		diag_release(&dg);
		rng_free(r);
		free(w);
		free(idx);
		dataset_free(dup);
		dataset_free(x);
	}
	/* rf with one tree, no bootstrap, all features = dt without depth limit */
	{
		struct dataset *x = make_data(300, 10, 12, 0);
		struct learner *a = alloc_or_die("rf", "trees=1,bootstrap=0,max_features=all");
		struct learner *b = alloc_or_die("dt", "max_depth=0");
		double *s1 = malloc(300 * sizeof(double)), *s2 = malloc(300 * sizeof(double));
		CHECK(fit_seed(a, x, 8) == 0 && fit_seed(b, x, 8) == 0 &&
		          learner_score(a, x, s1, &td) == 0 && learner_score(b, x, s2, &td) == 0 &&
		          !memcmp(s1, s2, 300 * sizeof(double)),
		      "rf(trees=1, bootstrap=0, max_features=all) = dt(max_depth=0)");
		free(s1);
		free(s2);
		learner_free(a);
		learner_free(b);
		dataset_free(x);
	}
	dataset_free(ds);
	dataset_free(q);
}

static double logloss(const double *p, const int *y, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s -= log(fmax(1e-15, y[i] ? p[i] : 1 - p[i]));
	return s / (double)n;
}

static void test_mlp(void)
{
	/* linearly separable with a margin spread over many columns (no XOR) */
	struct dataset *x = make_data(600, 30, 21, 0);
	struct learner *a = alloc_or_die("mlp", "max_iter=1"), *b = alloc_or_die("mlp", NULL);
	double *s1 = malloc(600 * sizeof(double)), *s2 = malloc(600 * sizeof(double));
	size_t correct = 0;
	for (size_t i = 0; i < 600; i++) {
		double v = 0;
		for (size_t j = 0; j < 10; j++)
			v += dataset_get(x, i, j);
		x->y[i] = v >= 4;
	}
	CHECK(fit_seed(a, x, 4) == 0 && fit_seed(b, x, 4) == 0 &&
	          learner_score(a, x, s1, &td) == 0 && learner_score(b, x, s2, &td) == 0,
	      "mlp fits");
	CHECK(logloss(s2, x->y, 600) < 0.5 * logloss(s1, x->y, 600),
	      "mlp training loss decreases (%.4f after 1 epoch, %.4f at the end)",
	      logloss(s1, x->y, 600), logloss(s2, x->y, 600));
	for (size_t i = 0; i < 600; i++)
		correct += (s2[i] > 0.5) == x->y[i];
	CHECK(correct > 0.95 * 600, "mlp training accuracy %.3f > 0.95", (double)correct / 600.0);
	/* float64: the sparse training path computes the same thing as the dense (dgemm) path */
	{
		struct learner *c = alloc_or_die("mlp", "precision=float64,sparse=on,max_iter=20");
		struct learner *e = alloc_or_die("mlp", "precision=float64,sparse=off,max_iter=20");
		double md = 0;
		CHECK(fit_seed(c, x, 4) == 0 && fit_seed(e, x, 4) == 0 &&
		          learner_score(c, x, s1, &td) == 0 && learner_score(e, x, s2, &td) == 0,
		      "mlp sparse=on / sparse=off fit");
		for (size_t i = 0; i < 600; i++)
			md = fmax(md, fabs(s1[i] - s2[i]));
		CHECK(md < 1e-9, "mlp sparse and dense paths agree (max |dp| = %g)", md);
		learner_free(c);
		learner_free(e);
	}
	free(s1);
	free(s2);
	learner_free(a);
	learner_free(b);
	dataset_free(x);
}

/* libsvm C-SVC, linear: two points at -1 (benign) and +1 (malicious) -> w = 1, b = 0. */
static void test_svm(void)
{
	struct dataset *x = dataset_alloc(2, 1), *q = dataset_alloc(3, 1);
	double s[3];
	for (int first = 0; first < 2; first++) {
		struct learner *l = alloc_or_die("svm", NULL);
		dataset_row(x, 0)[0] = first ? 1 : -1;
		x->y[0] = first;
		dataset_row(x, 1)[0] = first ? -1 : 1;
		x->y[1] = !first;
		dataset_row(q, 0)[0] = 0.5;
		dataset_row(q, 1)[0] = -2;
		dataset_row(q, 2)[0] = 0;
		CHECK(fit_seed(l, x, 1) == 0 && learner_score(l, q, s, &td) == 0,
		      "svm fit 2 points");
		CHECK(fabs(s[0] - 0.5) < 1e-3 && fabs(s[1] + 2) < 1e-3 && fabs(s[2]) < 1e-3,
		      "svm decision = x (malicious row %s): %g %g %g", first ? "first" : "second",
		      s[0], s[1], s[2]);
		learner_free(l);
	}
	dataset_free(x);
	dataset_free(q);
}

int main(void)
{
	struct dataset *tr, *te;
	toolkit_init();
	diag_init(&td);
	test_registry();
	tr = make_data(240, 24, 1, 1);
	te = make_data(120, 24, 2, 1);
	for (size_t i = 0; learner_types[i]; i++)
		contract(learner_types[i], tr, te);
	dataset_free(tr);
	dataset_free(te);
	test_stack_folds();
	test_logreg_sklearn();
	test_logreg_liblinear();
	test_nb();
	test_cart();
	test_mlp();
	test_svm();
	diag_release(&td);
	return harness_done();
}
