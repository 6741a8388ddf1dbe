/* rf: a random forest as scikit-learn's RandomForestClassifier(n_estimators=12) (spec D20).
 *
 * Objective: each tree greedily minimises the weighted Gini impurity (learners/cart.h) on a
 * bootstrap sample of n rows drawn with replacement (bootstrap counts become row weights, as in
 * scikit-learn), evaluating max_features = max(1, floor(sqrt(d))) non-constant features per node
 * (soft limit: constant features do not count). Defaults: trees=12, max_features=sqrt,
 * max_depth=0 (unlimited), min_samples_split=2, class_weight=none. Stopping rule per node: pure,
 * fewer than min_samples_split rows, max_depth reached, or no non-constant feature. Score: the
 * mean over trees of the leaf's class-1 proportion (soft voting; LEARNER_PROBABILISTIC).
 * Tree t draws its bootstrap sample and its feature orders from the fit RNG in sequence. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "learners/cart.h"
#include "core/base/rng.h"
#include "learners/learner.h"

#define RF_MAX_TREES 100000

struct rf_state {
	long trees;
	char max_features[PARAM_STR_MAX];
	long max_depth;
	long min_samples_split;
	int bootstrap;
	int class_weight;
	size_t n_trees, d;
	struct cart_tree *forest;
};

static const struct param_spec rf_params[] = {
    {"trees", PARAM_INT, offsetof(struct rf_state, trees), "12", PARAM_RANGE(1, RF_MAX_TREES),
     "number of trees"},
    {"max_features", PARAM_STRING, offsetof(struct rf_state, max_features), "sqrt", NULL,
     "features evaluated per node: sqrt, log2, all or a count N"},
    {"max_depth", PARAM_INT, offsetof(struct rf_state, max_depth), "0", "[0, inf)",
     "maximum tree depth (0 = unlimited)"},
    {"min_samples_split", PARAM_INT, offsetof(struct rf_state, min_samples_split), "2", "[2, inf)",
     "rows needed to split a node"},
    {"bootstrap", PARAM_BOOL, offsetof(struct rf_state, bootstrap), "1", NULL,
     "grow each tree on a bootstrap sample of n rows"},
    {"class_weight", PARAM_ENUM, offsetof(struct rf_state, class_weight), "none", "none|balanced",
     "balanced: weight rows by n / (2 * class count) (spec D27)"},
    {0},
};

/* max_features for d columns; 0 if the text is invalid. */
static size_t rf_max_features(const char *mf, size_t d)
{
	char *end;
	long v;
	if (!strcmp(mf, "sqrt"))
		return d ? (size_t)fmax(1.0, floor(sqrt((double)d))) : 1;
	if (!strcmp(mf, "log2"))
		return d ? (size_t)fmax(1.0, floor(log2((double)d))) : 1;
	if (!strcmp(mf, "all"))
		return d ? d : 1;
	v = strtol(mf, &end, 10);
	if (!*mf || *end || v < 1)
		return 0;
	return (size_t)v;
}

static const char *rf_check(const void *state)
{
	const struct rf_state *s = state;
	if (!rf_max_features(s->max_features, 1))
		return "max_features must be sqrt, log2, all or a positive integer";
	return NULL;
}

static void rf_release(void *state)
{
	struct rf_state *s = state;
	for (size_t t = 0; t < s->n_trees; t++)
		cart_release(&s->forest[t]);
	free(s->forest);
	s->forest = NULL;
	s->n_trees = 0;
}

static int rf_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *d)
{
	struct rf_state *s = state;
	struct cart_data cd;
	struct cart_params p;
	double *w = NULL, cw[2] = {1, 1};
	size_t n = train->n, pos = dataset_count_positive(train);
	int ret = -1;
	if (cart_data_init(&cd, train, d) < 0)
		return -1;
	p.max_depth = s->max_depth;
	p.min_samples_split = s->min_samples_split;
	p.max_features = rf_max_features(s->max_features, train->d);
	if (s->class_weight && pos && pos < n) {
		cw[0] = (double)n / (2.0 * (double)(n - pos));
		cw[1] = (double)n / (2.0 * (double)pos);
	}
	s->d = train->d;
	s->forest = calloc((size_t)s->trees, sizeof(*s->forest));
	w = malloc((n ? n : 1) * sizeof(double));
	if (!s->forest || !w) {
		diag_error(d, "rf: out of memory");
		goto out;
	}
	for (long t = 0; t < s->trees; t++) {
		if (s->bootstrap) {
			memset(w, 0, n * sizeof(double));
			for (size_t k = 0; k < n; k++)
				w[rng_uniform_index(r, n)] += 1;
		} else {
			for (size_t k = 0; k < n; k++)
				w[k] = 1;
		}
		for (size_t k = 0; k < n; k++)
			w[k] *= cw[train->y[k] != 0];
		s->n_trees++;
		if (cart_fit(&s->forest[t], &cd, w, &p, r, d) < 0)
			goto out;
	}
	ret = 0;
out:
	free(w);
	cart_data_release(&cd);
	return ret;
}

static int rf_score(const void *state, const struct dataset *x, double *out, struct diag *d)
{
	const struct rf_state *s = state;
	if (x->d != s->d)
		return diag_error(d, "rf: %zu columns, model has %zu", x->d, s->d);
	for (size_t i = 0; i < x->n; i++) {
		const double *row = dataset_row(x, i);
		double sum = 0;
		for (size_t t = 0; t < s->n_trees; t++)
			sum += cart_predict_row(&s->forest[t], row);
		out[i] = sum / (double)s->n_trees;
	}
	return 0;
}

static int rf_save(const void *state, FILE *f)
{
	const struct rf_state *s = state;
	fprintf(f, "d %zu trees %zu\n", s->d, s->n_trees);
	for (size_t t = 0; t < s->n_trees; t++)
		if (cart_save(&s->forest[t], f) < 0)
			return -1;
	return ferror(f) ? -1 : 0;
}

static int rf_load(void *state, FILE *f, struct diag *d)
{
	struct rf_state *s = state;
	size_t dd, nt;
	if (fscanf(f, " d %zu trees %zu", &dd, &nt) != 2 || dd > 100000000 || nt < 1 ||
	    nt > RF_MAX_TREES)
		return diag_error(d, "rf: bad 'd ... trees ...' line");
	s->forest = calloc(nt, sizeof(*s->forest));
	if (!s->forest)
		return diag_error(d, "rf: out of memory");
	s->d = dd;
	for (size_t t = 0; t < nt; t++) {
		s->n_trees++;
		if (cart_load(&s->forest[t], f, dd, d) < 0)
			return -1;
	}
	return 0;
}

const struct learner_type learner_rf = {
    .name = "rf",
    .summary = "random forest: 12 bootstrap CART trees, sqrt(d) features per split (D20)",
    .state_size = sizeof(struct rf_state),
    .params = rf_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = rf_check,
    .fit = rf_fit,
    .score = rf_score,
    .release = rf_release,
    .save = rf_save,
    .load = rf_load,
};
