/* dt: a CART decision tree as scikit-learn's DecisionTreeClassifier(max_depth=15) (spec D21).
 *
 * Objective: greedy minimisation of the weighted Gini impurity of the children at each node
 * (learners/cart.h). Defaults: max_depth=15, min_samples_split=2, all features per node visited
 * in a random order drawn from the fit RNG (so ties between equally good splits are broken
 * reproducibly; scikit-learn also permutes the features), class_weight=none. Stopping rule: a
 * node is a leaf when it is pure, has fewer than min_samples_split rows, reaches max_depth or has
 * no non-constant feature. Score: the class-1 proportion of the leaf (LEARNER_PROBABILISTIC). */
#include <stddef.h>
#include <stdlib.h>

#include "learners/cart.h"
#include "learners/learner.h"

struct dt_state {
	long max_depth;
	long min_samples_split;
	int class_weight;
	struct cart_tree tree;
};

static const struct param_spec dt_params[] = {
    {"max_depth", PARAM_INT, offsetof(struct dt_state, max_depth), "15", "[0, inf)",
     "maximum tree depth (0 = unlimited)"},
    {"min_samples_split", PARAM_INT, offsetof(struct dt_state, min_samples_split), "2", "[2, inf)",
     "rows needed to split a node"},
    {"class_weight", PARAM_ENUM, offsetof(struct dt_state, class_weight), "none", "none|balanced",
     "balanced: weight rows by n / (2 * class count) (spec D27)"},
    {0},
};

static int dt_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *d)
{
	struct dt_state *s = state;
	struct cart_data cd;
	struct cart_params p = {s->max_depth, s->min_samples_split, 0};
	double *w = NULL;
	int ret;
	if (cart_data_init(&cd, train, d) < 0)
		return -1;
	if (s->class_weight) {
		size_t pos = dataset_count_positive(train);
		w = malloc(train->n * sizeof(double));
		if (!w) {
			cart_data_release(&cd);
			return diag_error(d, "dt: out of memory");
		}
		for (size_t i = 0; i < train->n; i++)
			w[i] =
			    (double)train->n / (2.0 * (double)(train->y[i] ? pos : train->n - pos));
	}
	ret = cart_fit(&s->tree, &cd, w, &p, r, d);
	free(w);
	cart_data_release(&cd);
	return ret;
}

static int dt_score(const void *state, const struct dataset *x, double *out, struct diag *d)
{
	const struct dt_state *s = state;
	if (x->d != s->tree.d)
		return diag_error(d, "dt: %zu columns, model has %zu", x->d, s->tree.d);
	for (size_t i = 0; i < x->n; i++)
		out[i] = cart_predict_row(&s->tree, dataset_row(x, i));
	return 0;
}

static void dt_release(void *state)
{
	cart_release(&((struct dt_state *)state)->tree);
}

static int dt_save(const void *state, FILE *f)
{
	const struct dt_state *s = state;
	fprintf(f, "d %zu\n", s->tree.d);
	return cart_save(&s->tree, f);
}

static int dt_load(void *state, FILE *f, struct diag *d)
{
	struct dt_state *s = state;
	size_t dd;
	if (fscanf(f, " d %zu", &dd) != 1 || dd > 100000000)
		return diag_error(d, "dt: bad 'd' line");
	return cart_load(&s->tree, f, dd, d);
}

const struct learner_type learner_dt = {
    .name = "dt",
    .summary = "decision tree: CART, Gini, max_depth 15 (D21)",
    .state_size = sizeof(struct dt_state),
    .params = dt_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = NULL,
    .fit = dt_fit,
    .score = dt_score,
    .release = dt_release,
    .save = dt_save,
    .load = dt_load,
};
