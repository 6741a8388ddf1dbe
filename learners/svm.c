/* svm: a linear C-SVM through libsvm 3.24's C_SVC, as scikit-learn's SVC(kernel='linear')
 * (spec D22). The only file that includes <libsvm/svm.h> (besides core/base/toolkit.c's hooks).
 *
 * Objective (libsvm's dual): min_a 0.5 a'Qa - e'a, 0 <= a_i <= C_i, y'a = 0, Q_ij = y_i y_j
 * x_i.x_j, with labels +1 = malicious, -1 = benign (libsvm then puts +1 first, so a positive
 * decision value means malicious whatever the row order; the sign is also checked). Defaults: C=1,
 * eps=1e-3, shrinking=1, cache_mb=200 (scikit-learn's cache_size), probability=0 (libsvm never
 * calls rand()), class_weight=none (balanced: C_c = C * n / (2 * class count)). Stopping rule:
 * libsvm's SMO stops when the maximal KKT violation is below eps. Rows are passed sparse (zeros
 * skipped; the kernel values are identical). After training the model is collapsed to w = sum_i
 * coef_i x_i and b = -rho, so scoring is one dot product per row and the saved model is (w, b); the
 * decision value w.x + b equals libsvm's sum_i coef_i K(x_i, x) - rho up to rounding (different
 * summation order). Score: the decision value, threshold 0 (not probabilistic). */
#include <libsvm/svm.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "learners/learner.h"
#include "learners/linmodel.h"

struct svm_state {
	double C;
	double eps;
	double cache_mb;
	int shrinking;
	int class_weight;
	struct linmodel m; /* w, then the bias b = -rho at w[d] */
	int n_sv;
};

static const struct param_spec svm_params[] = {
    {"C", PARAM_DOUBLE, offsetof(struct svm_state, C), "1", "(0, inf)",
     "penalty of the hinge loss"},
    {"eps", PARAM_DOUBLE, offsetof(struct svm_state, eps), "1e-3", "(0, inf)",
     "libsvm stopping tolerance (scikit-learn's tol)"},
    {"cache_mb", PARAM_DOUBLE, offsetof(struct svm_state, cache_mb), "200", "(0, inf)",
     "libsvm kernel cache in MB (scikit-learn's cache_size)"},
    {"shrinking", PARAM_BOOL, offsetof(struct svm_state, shrinking), "1", NULL,
     "libsvm's shrinking heuristics"},
    {"class_weight", PARAM_ENUM, offsetof(struct svm_state, class_weight), "none", "none|balanced",
     "balanced: C of class c times n / (2 * class count) (spec D27)"},
    {0},
};

static void svm_release(void *state)
{
	struct svm_state *s = state;
	linmodel_release(&s->m);
}

static int svm_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *dg)
{
	struct svm_state *s = state;
	size_t n = train->n, d = train->d, nnz = 0, pos = dataset_count_positive(train);
	struct svm_problem prob = {0};
	struct svm_parameter par = {0};
	struct svm_model *model = NULL;
	struct svm_node *nodes = NULL;
	int wl[2] = {-1, +1};
	double wt[2];
	const char *msg;
	int ret = -1;
	(void)r; /* libsvm's C_SVC without probabilities is deterministic */
	if (n > 0x7fffffff || d >= 0x7fffffff)
		return diag_error(dg, "svm: training set too large for libsvm");
	if (dataset_count_nonzero(train, &nnz) < 0)
		return diag_error(dg, "svm: a training value is not finite");
	s->m.d = d;
	s->m.w = calloc(d + 1, sizeof(double));
	prob.l = (int)n;
	prob.y = malloc(n * sizeof(double));
	prob.x = malloc(n * sizeof(struct svm_node *));
	nodes = malloc((nnz + n) * sizeof(struct svm_node));
	if (!s->m.w || !prob.y || !prob.x || !nodes) {
		diag_error(dg, "svm: out of memory");
		goto out;
	}
	for (size_t i = 0, k = 0; i < n; i++) {
		const double *x = dataset_row(train, i);
		prob.y[i] = train->y[i] ? +1 : -1;
		prob.x[i] = nodes + k;
		for (size_t j = 0; j < d; j++)
			if (x[j] != 0)
				nodes[k++] = (struct svm_node){(int)j + 1, x[j]};
		nodes[k++] = (struct svm_node){-1, 0};
	}
	par.svm_type = C_SVC;
	par.kernel_type = LINEAR;
	par.cache_size = s->cache_mb;
	par.eps = s->eps;
	par.C = s->C;
	par.shrinking = s->shrinking;
	par.probability = 0;
	if (s->class_weight) {
		wt[0] = (double)n / (2.0 * (double)(n - pos));
		wt[1] = (double)n / (2.0 * (double)pos);
		par.nr_weight = 2;
		par.weight_label = wl;
		par.weight = wt;
	}
	if ((msg = svm_check_parameter(&prob, &par))) {
		diag_error(dg, "svm: libsvm: %s", msg);
		goto out;
	}
	model = svm_train(&prob, &par);
	if (!model || model->nr_class != 2) {
		diag_error(dg, "svm: libsvm training failed");
		goto out;
	}
	{
		double sign = model->label[0] == +1 ? 1.0 : -1.0;
		for (int k = 0; k < model->l; k++) {
			double c = model->sv_coef[0][k];
			for (const struct svm_node *p = model->SV[k]; p->index != -1; p++)
				s->m.w[p->index - 1] += c * p->value;
		}
		for (size_t j = 0; j < d; j++)
			s->m.w[j] *= sign;
		s->m.w[d] = -model->rho[0] * sign;
		s->n_sv = model->l;
	}
	ret = 0;
out:
	svm_free_and_destroy_model(&model);
	free(nodes);
	free(prob.y);
	free(prob.x);
	return ret;
}

static int svm_score(const void *state, const struct dataset *x, double *out, struct diag *dg)
{
	const struct svm_state *s = state;
	return linmodel_score(&s->m, "svm", x, out, dg);
}

static int svm_save(const void *state, FILE *f)
{
	const struct svm_state *s = state;
	return linmodel_save(&s->m, f);
}

static int svm_load(void *state, FILE *f, struct diag *dg)
{
	struct svm_state *s = state;
	return linmodel_load(&s->m, "svm", f, dg);
}

const struct learner_type learner_svm = {
    .name = "svm",
    .summary = "linear SVM: libsvm C-SVC, linear kernel, C 1 (D22); score = decision value",
    .state_size = sizeof(struct svm_state),
    .params = svm_params,
    .flags = 0,
    .check = NULL,
    .fit = svm_fit,
    .score = svm_score,
    .release = svm_release,
    .save = svm_save,
    .load = svm_load,
};
