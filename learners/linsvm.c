/* linsvm: a fast linear SVM through liblinear 2.3.0, as scikit-learn's LinearSVC() (the issue's
 * "linsvm, for speed"; not one of the paper's six models). The only file that includes <linear.h>.
 *
 * Objective (default loss=squared_hinge, liblinear's L2R_L2LOSS_SVC_DUAL as LinearSVC's default):
 * min_w 0.5 ||w||^2 + C sum_i max(0, 1 - y_i w.x_i)^2, with x_i extended by a constant `bias`
 * feature (scikit-learn's intercept_scaling=1). liblinear 2.3.0 regularises that bias weight like
 * any other weight (scikit-learn's LinearSVC does the same). loss=hinge selects
 * L2R_L1LOSS_SVC_DUAL. Labels +1 = malicious, -1 = benign (positive decision = malicious; the sign
 * is checked against model->label[0]). Defaults: C=1, eps=1e-4 (LinearSVC's tol), bias=1,
 * class_weight=none. Stopping rule: liblinear's dual coordinate descent stops when the projected
 * gradient spread falls below eps, or after its built-in 1000 iterations. The dual solver visits
 * coordinates in a rand() order: srand() is seeded from the fit RNG right before train().
 * rand() is process-global, so srand() + train() run under a mutex: concurrent fits in several
 * threads stay reproducible (they are serialised).
 * Score: the decision value w.x + w_b * bias, threshold 0 (not probabilistic). */
#include <linear.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "learners/learner.h"
#include "learners/linmodel.h"

struct linsvm_state {
	double C;
	double eps;
	double bias;
	int loss;
	int class_weight;
	struct linmodel m; /* w, then the intercept (bias weight times bias) at w[d] */
};

static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct param_spec linsvm_params[] = {
    {"C", PARAM_DOUBLE, offsetof(struct linsvm_state, C), "1", "(0, inf)", "penalty of the loss"},
    {"eps", PARAM_DOUBLE, offsetof(struct linsvm_state, eps), "1e-4", "(0, inf)",
     "liblinear stopping tolerance (LinearSVC's tol)"},
    {"bias", PARAM_DOUBLE, offsetof(struct linsvm_state, bias), "1", "(-inf, inf)",
     "value of the constant extra feature (regularised; < 0: no intercept)"},
    {"loss", PARAM_ENUM, offsetof(struct linsvm_state, loss), "squared_hinge",
     "squared_hinge|hinge", "L2R_L2LOSS_SVC_DUAL or L2R_L1LOSS_SVC_DUAL"},
    {"class_weight", PARAM_ENUM, offsetof(struct linsvm_state, class_weight), "none",
     "none|balanced", "balanced: C of class c times n / (2 * class count) (spec D27)"},
    {0},
};

static void linsvm_release(void *state)
{
	struct linsvm_state *s = state;
	linmodel_release(&s->m);
}

static int linsvm_fit(void *state, const struct dataset *ds, const gsl_rng *r, struct diag *dg)
{
	struct linsvm_state *s = state;
	size_t n = ds->n, d = ds->d, nnz = 0, pos = dataset_count_positive(ds);
	struct problem prob = {0};
	struct parameter par = {0};
	struct model *model = NULL;
	struct feature_node *nodes = NULL;
	int wl[2] = {-1, +1};
	double wt[2];
	const char *msg;
	int ret = -1;
	if (n > 0x7fffffff || d >= 0x7ffffffe)
		return diag_error(dg, "linsvm: training set too large for liblinear");
	if (dataset_count_nonzero(ds, &nnz) < 0)
		return diag_error(dg, "linsvm: a training value is not finite");
	s->m.d = d;
	s->m.w = calloc(d + 1, sizeof(double));
	prob.l = (int)n;
	prob.n = (int)d + (s->bias >= 0 ? 1 : 0);
	prob.bias = s->bias;
	prob.y = malloc(n * sizeof(double));
	prob.x = malloc(n * sizeof(struct feature_node *));
	nodes = malloc((nnz + 2 * n) * sizeof(struct feature_node));
	if (!s->m.w || !prob.y || !prob.x || !nodes) {
		diag_error(dg, "linsvm: out of memory");
		goto out;
	}
	for (size_t i = 0, k = 0; i < n; i++) {
		const double *x = dataset_row(ds, i);
		prob.y[i] = ds->y[i] ? +1 : -1;
		prob.x[i] = nodes + k;
		for (size_t j = 0; j < d; j++)
			if (x[j] != 0)
				nodes[k++] = (struct feature_node){(int)j + 1, x[j]};
		if (s->bias >= 0)
			nodes[k++] = (struct feature_node){(int)d + 1, s->bias};
		nodes[k++] = (struct feature_node){-1, 0};
	}
	par.solver_type = s->loss ? L2R_L1LOSS_SVC_DUAL : L2R_L2LOSS_SVC_DUAL;
	par.eps = s->eps;
	par.C = s->C;
	if (s->class_weight) {
		wt[0] = (double)n / (2.0 * (double)(n - pos));
		wt[1] = (double)n / (2.0 * (double)pos);
		par.nr_weight = 2;
		par.weight_label = wl;
		par.weight = wt;
	}
	if ((msg = check_parameter(&prob, &par))) {
		diag_error(dg, "linsvm: liblinear: %s", msg);
		goto out;
	}
	/* the dual solver permutes coordinates with rand(): seed it from the fit RNG */
	pthread_mutex_lock(&rand_lock);
	srand((unsigned)gsl_rng_get(r));
	model = train(&prob, &par);
	pthread_mutex_unlock(&rand_lock);
	if (!model || model->nr_class != 2) {
		diag_error(dg, "linsvm: liblinear training failed");
		goto out;
	}
	{
		double sign = model->label[0] == +1 ? 1.0 : -1.0;
		for (size_t j = 0; j < d; j++)
			s->m.w[j] = sign * model->w[j];
		s->m.w[d] = s->bias >= 0 ? sign * model->w[d] * s->bias : 0;
	}
	ret = 0;
out:
	free_and_destroy_model(&model);
	free(nodes);
	free(prob.y);
	free(prob.x);
	return ret;
}

static int linsvm_score(const void *state, const struct dataset *x, double *out, struct diag *dg)
{
	const struct linsvm_state *s = state;
	return linmodel_score(&s->m, "linsvm", x, out, dg);
}

static int linsvm_save(const void *state, FILE *f)
{
	const struct linsvm_state *s = state;
	return linmodel_save(&s->m, f);
}

static int linsvm_load(void *state, FILE *f, struct diag *dg)
{
	struct linsvm_state *s = state;
	return linmodel_load(&s->m, "linsvm", f, dg);
}

const struct learner_type learner_linsvm = {
    .name = "linsvm",
    .summary = "linear SVM via liblinear (LinearSVC: squared hinge, dual), for speed",
    .state_size = sizeof(struct linsvm_state),
    .params = linsvm_params,
    .flags = 0,
    .check = NULL,
    .fit = linsvm_fit,
    .score = linsvm_score,
    .release = linsvm_release,
    .save = linsvm_save,
    .load = linsvm_load,
};
