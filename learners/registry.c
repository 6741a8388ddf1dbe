/* The learner registry (X-macro over learners/list.h) and the generic learner_* wrappers. */
#include "learners/learner.h"

#include <stdlib.h>
#include <string.h>

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

struct learner *learner_alloc(const struct learner_type *t, const char *param_string, char *err_buf,
                              size_t err_n)
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

#define LEARNER_HEADER "pyvet-learner 1 "
#define LEARNER_LINE_MAX 16384

int learner_save(const struct learner *l, FILE *f)
{
	struct sbuf sb;
	int ret = -1;
	if (!l || !l->fitted || !l->type->save)
		return -1;
	sbuf_init(&sb);
	if (learner_params_format(l, &sb) < 0 || strchr(sbuf_cstr(&sb), '\n'))
		goto out;
	fprintf(f, LEARNER_HEADER "%s %s\n", l->type->name, sbuf_cstr(&sb));
	if (l->type->save(l->state, f) < 0)
		goto out;
	fprintf(f, "end %s\n", l->type->name);
	ret = ferror(f) ? -1 : 0;
out:
	sbuf_release(&sb);
	return ret;
}

struct learner *learner_load(FILE *f, char *err_buf, size_t err_n)
{
	char *line = malloc(LEARNER_LINE_MAX), name[64], end[64];
	const char *params;
	const struct learner_type *t = NULL;
	struct learner *l = NULL;
	size_t len;
	int c;
	if (!line) {
		if (err_buf)
			snprintf(err_buf, err_n, "out of memory");
		return NULL;
	}
	/* skip the rest of a previous line (after fscanf-style numbers) */
	while ((c = getc(f)) == '\n' || c == ' ' || c == '\t' || c == '\r')
		;
	if (c == EOF || ungetc(c, f) == EOF || !fgets(line, LEARNER_LINE_MAX, f)) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: missing 'pyvet-learner' header");
		goto fail;
	}
	len = strlen(line);
	if (!len || line[len - 1] != '\n') {
		if (err_buf)
			snprintf(err_buf, err_n, "model: header line too long");
		goto fail;
	}
	line[len - 1] = '\0';
	if (strncmp(line, LEARNER_HEADER, strlen(LEARNER_HEADER))) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: missing 'pyvet-learner 1' header");
		goto fail;
	}
	len = strcspn(line + strlen(LEARNER_HEADER), " ");
	if (len == 0 || len >= sizeof(name)) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: bad learner name");
		goto fail;
	}
	memcpy(name, line + strlen(LEARNER_HEADER), len);
	name[len] = '\0';
	params = line + strlen(LEARNER_HEADER) + len;
	if (*params == ' ')
		params++;
	t = learner_find(name);
	if (!t || !t->load) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: unknown learner '%s'", name);
		goto fail;
	}
	l = learner_alloc(t, params, err_buf, err_n);
	if (!l)
		goto fail;
	if (t->load(l->state, f, &l->diag) < 0) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: %s", learner_message(l));
		goto fail;
	}
	l->fitted = 1;
	if (fscanf(f, " end %63s", end) != 1 || strcmp(end, t->name)) {
		if (err_buf)
			snprintf(err_buf, err_n, "model: missing 'end %s' line", t->name);
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
