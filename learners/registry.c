/* The learner registry (X-macro over learners/list.h) and the generic learner_* wrappers. */
#include "learners/learner.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/sbuf.h"

#define LEARNER(n) extern const struct learner_type learner_##n;
#include "learners/list.h"
#undef LEARNER

const struct learner_type *const learner_types[] = {
#define LEARNER(n) &learner_##n,
#include "learners/list.h"
#undef LEARNER
    NULL};

/* Names used by GitHub issue #4 for learners registered under shorter names. */
static const struct {
	const char *alias, *name;
} learner_aliases[] = {
    {"bnb", "nb"},
    {"stacking", "stack"},
};

const struct learner_type *learner_find(const char *name)
{
	for (size_t k = 0; k < sizeof(learner_aliases) / sizeof(learner_aliases[0]); k++)
		if (!strcmp(learner_aliases[k].alias, name))
			name = learner_aliases[k].name;
	for (size_t i = 0; learner_types[i]; i++)
		if (!strcmp(learner_types[i]->name, name))
			return learner_types[i];
	return NULL;
}

struct learner *learner_alloc(const struct learner_type *t, const char *param_string,
                              struct diag *d)
{
	struct learner *l = calloc(1, sizeof(*l));
	struct diag pd;
	const char *msg;
	if (!l || !(l->state = calloc(1, t->state_size ? t->state_size : 1))) {
		free(l);
		diag_error(d, "out of memory");
		return NULL;
	}
	l->type = t;
	diag_init(&pd);
	if (params_set_defaults(t->params, l->state, &pd) < 0 ||
	    params_parse(t->params, l->state, param_string, &pd) < 0) {
		diag_error(d, "%s: %s", t->name, diag_message(&pd));
		diag_release(&pd);
		learner_free(l);
		return NULL;
	}
	diag_release(&pd);
	msg = t->check ? t->check(l->state) : NULL;
	if (msg) {
		diag_error(d, "%s: %s", t->name, msg);
		learner_free(l);
		return NULL;
	}
	return l;
}

int learner_fit(struct learner *l, const struct dataset *train, const gsl_rng *r, struct diag *d)
{
	return learner_fit_cell(l, train, r, NULL, d);
}

int learner_type_uses_cell(const struct learner_type *t)
{
	return t->fit_cell != NULL;
}

int learner_has_defaults(const struct learner *l)
{
	struct learner *def = learner_alloc(l->type, NULL, NULL);
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	int same = def && learner_params_format(l, &a) == 0 &&
	           learner_params_format(def, &b) == 0 && !strcmp(sbuf_cstr(&a), sbuf_cstr(&b));
	learner_free(def);
	sbuf_release(&a);
	sbuf_release(&b);
	return same;
}

int learner_fit_cell(struct learner *l, const struct dataset *train, const gsl_rng *r,
                     const struct learner_cell *cell, struct diag *d)
{
	size_t pos;
	int rc;
	if (l->fitted && l->type->release)
		l->type->release(l->state);
	l->fitted = 0;
	if (!train || train->n == 0)
		return diag_error(d, "%s: empty training set", l->type->name);
	pos = dataset_count_positive(train);
	if (pos == 0 || pos == train->n)
		return diag_error(d, "%s: training set has a single class", l->type->name);
	if (cell && l->type->fit_cell)
		rc = l->type->fit_cell(l->state, train, r, cell, d);
	else
		rc = l->type->fit(l->state, train, r, d);
	if (rc < 0) {
		if (l->type->release)
			l->type->release(l->state);
		return -1;
	}
	l->fitted = 1;
	return 0;
}

int learner_score(const struct learner *l, const struct dataset *x, double *out, struct diag *d)
{
	if (!l->fitted)
		return diag_error(d, "%s: not fitted", l->type->name);
	if (x->n == 0)
		return 0;
	return l->type->score(l->state, x, out, d);
}

double learner_threshold(const struct learner *l)
{
	return (l->type->flags & LEARNER_PROBABILISTIC) ? 0.5 : 0.0;
}

int learner_predict(const struct learner *l, const struct dataset *x, int *label, struct diag *d)
{
	double *s = malloc((x->n ? x->n : 1) * sizeof(double));
	double t = learner_threshold(l);
	if (!s)
		return diag_error(d, "%s: out of memory", l->type->name);
	if (learner_score(l, x, s, d) < 0) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < x->n; i++)
		label[i] = s[i] > t;
	free(s);
	return 0;
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
	free(l);
}

#define LEARNER_HEADER "pyvet-learner 1 "
#define LEARNER_LINE_MAX 16384

int learner_save(const struct learner *l, FILE *f, struct diag *d)
{
	struct sbuf sb;
	int ret = -1;
	if (!l || !l->fitted)
		return diag_error(d, "model: cannot save a learner that is not fitted");
	if (!l->type->save)
		return diag_error(d, "model: learner '%s' cannot be saved", l->type->name);
	sbuf_init(&sb);
	if (learner_params_format(l, &sb) < 0 || strchr(sbuf_cstr(&sb), '\n')) {
		diag_error(d, "model: cannot format the parameters of '%s'", l->type->name);
		goto out;
	}
	fprintf(f, LEARNER_HEADER "%s %s\n", l->type->name, sbuf_cstr(&sb));
	if (l->type->save(l->state, f) < 0 || (fprintf(f, "end %s\n", l->type->name), ferror(f))) {
		diag_error(d, "model: write error saving '%s'", l->type->name);
		goto out;
	}
	ret = 0;
out:
	sbuf_release(&sb);
	return ret;
}

struct learner *learner_load(FILE *f, struct diag *d)
{
	char *line = malloc(LEARNER_LINE_MAX), name[64], end[64];
	const char *params;
	const struct learner_type *t = NULL;
	struct learner *l = NULL;
	struct diag ld;
	size_t len;
	int c;
	if (!line) {
		diag_error(d, "out of memory");
		return NULL;
	}
	/* skip the rest of a previous line (after fscanf-style numbers) */
	while ((c = getc(f)) == '\n' || c == ' ' || c == '\t' || c == '\r')
		;
	if (c == EOF || ungetc(c, f) == EOF || !fgets(line, LEARNER_LINE_MAX, f)) {
		diag_error(d, "model: missing 'pyvet-learner' header");
		goto fail;
	}
	len = strlen(line);
	if (!len || line[len - 1] != '\n') {
		diag_error(d, "model: header line too long");
		goto fail;
	}
	line[len - 1] = '\0';
	if (strncmp(line, LEARNER_HEADER, strlen(LEARNER_HEADER))) {
		diag_error(d, "model: missing 'pyvet-learner 1' header");
		goto fail;
	}
	len = strcspn(line + strlen(LEARNER_HEADER), " ");
	if (len == 0 || len >= sizeof(name)) {
		diag_error(d, "model: bad learner name");
		goto fail;
	}
	memcpy(name, line + strlen(LEARNER_HEADER), len);
	name[len] = '\0';
	params = line + strlen(LEARNER_HEADER) + len;
	if (*params == ' ')
		params++;
	t = learner_find(name);
	if (!t || !t->load) {
		diag_error(d, "model: unknown learner '%s'", name);
		goto fail;
	}
	l = learner_alloc(t, params, d);
	if (!l)
		goto fail;
	diag_init(&ld);
	if (t->load(l->state, f, &ld) < 0) {
		diag_error(d, "model: %s", diag_message(&ld));
		diag_release(&ld);
		goto fail;
	}
	diag_release(&ld);
	l->fitted = 1;
	if (fscanf(f, " end %63s", end) != 1 || strcmp(end, t->name)) {
		diag_error(d, "model: missing 'end %s' line", t->name);
		goto fail;
	}
	free(line);
	return l;
fail:
	if (l && !l->fitted && t->release)
		t->release(l->state);
	learner_free(l);
	free(line);
	return NULL;
}
