/* The learner registry (X-macro over learners/list.h) and the generic learner_* wrappers. */
#include "learner.h"

#include <stdlib.h>
#include <string.h>

#define LEARNER(n) extern const struct learner_type learner_##n;
#include "list.h"
#undef LEARNER

const struct learner_type *const learner_types[] = {
#define LEARNER(n) &learner_##n,
#include "list.h"
#undef LEARNER
	NULL};

const struct learner_type *learner_find(const char *name)
{
	for (size_t i = 0; learner_types[i]; i++)
		if (!strcmp(learner_types[i]->name, name))
			return learner_types[i];
	return NULL;
}

struct learner *learner_alloc(const struct learner_type *t, const char *param_string,
			      char *err_buf, size_t err_n)
{
	struct learner *l = calloc(1, sizeof(*l));
	const char *msg;
	if (!l)
		goto oom;
	diag_init(&l->diag);
	l->type = t;
	l->state = calloc(1, t->state_size ? t->state_size : 1);
	if (!l->state)
		goto oom;
	if (params_set_defaults(t->params, l->state, &l->diag) < 0 ||
	    params_parse(t->params, l->state, param_string, &l->diag) < 0) {
		if (err_buf)
			snprintf(err_buf, err_n, "%s: %s", t->name, diag_message(&l->diag));
		learner_free(l);
		return NULL;
	}
	msg = t->check ? t->check(l->state) : NULL;
	if (msg) {
		if (err_buf)
			snprintf(err_buf, err_n, "%s: %s", t->name, msg);
		learner_free(l);
		return NULL;
	}
	return l;
oom:
	if (err_buf)
		snprintf(err_buf, err_n, "out of memory");
	learner_free(l);
	return NULL;
}

int learner_fit(struct learner *l, const struct dataset *train, const gsl_rng *r)
{
	size_t pos;
	if (l->fitted && l->type->release)
		l->type->release(l->state);
	l->fitted = 0;
	l->diag.error[0] = '\0';
	if (!train || train->n == 0)
		return diag_error(&l->diag, "%s: empty training set", l->type->name);
	pos = dataset_count_positive(train);
	if (pos == 0 || pos == train->n)
		return diag_error(&l->diag, "%s: training set has a single class", l->type->name);
	if (l->type->fit(l->state, train, r, &l->diag) < 0) {
		if (l->type->release)
			l->type->release(l->state);
		return -1;
	}
	l->fitted = 1;
	return 0;
}

int learner_score(const struct learner *l, const struct dataset *x, double *out)
{
	if (!l->fitted)
		return diag_error((struct diag *)&l->diag, "%s: not fitted", l->type->name);
	if (x->n == 0)
		return 0;
	return l->type->score(l->state, x, out, (struct diag *)&l->diag);
}

double learner_threshold(const struct learner *l)
{
	return (l->type->flags & LEARNER_PROBABILISTIC) ? 0.5 : 0.0;
}

int learner_predict(const struct learner *l, const struct dataset *x, int *label)
{
	double *s = malloc((x->n ? x->n : 1) * sizeof(double));
	double t = learner_threshold(l);
	if (!s)
		return -1;
	if (learner_score(l, x, s) < 0) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < x->n; i++)
		label[i] = s[i] > t;
	free(s);
	return 0;
}

const char *learner_message(const struct learner *l)
{
	return diag_message(&l->diag);
}

int learner_params_format(const struct learner *l, struct sbuf *out)
{
	return params_format(l->type->params, l->state, out);
}

void learner_free(struct learner *l)
{
	if (!l)
		return;
	if (l->fitted && l->type->release)
		l->type->release(l->state);
	free(l->state);
	diag_release(&l->diag);
	free(l);
}
