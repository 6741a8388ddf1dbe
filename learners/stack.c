/* stack: stacking of base learners with a logistic-regression meta-learner, as scikit-learn's
 * StackingClassifier(estimators=[rf, svm, mlp, dt, nb]) with its defaults (spec D25).
 *
 * Fit: (1) the training rows are split by scikit-learn's StratifiedKFold(cv) without shuffling
 * (stack_inner_folds; inner_shuffle=1 shuffles each class's fold list with the fit RNG);
 * (2) for each inner fold every base learner (built with learner_find()/learner_alloc() and its
 * defaults) is fitted on the other folds and scores the held-out rows: P(malicious) for
 * probabilistic learners, the decision value otherwise (scikit-learn's stack_method='auto' picks
 * decision_function for an SVC without probabilities); (3) every base learner is refitted on all
 * training rows; (4) the meta-learner (default logreg: L2, C=1, unpenalised intercept) is fitted on
 * the out-of-fold meta-features (plus the raw columns when passthrough=1). Each base fit gets its
 * own RNG stream, rng_derive(seed, stream) with `seed` drawn once from the fit RNG: inner fold f,
 * base b: stream 1 + f * nb + b; meta-learner: 1 + (cv + 1) * nb.
 * Step (3) in a cell (learner_fit_cell(), the evaluation engine): the final base model of type t
 * is the cell's learner of type t fitted on the same rows with its defaults when there is one
 * (borrowed, not refitted: the standalone rf, svm, mlp, dt, nb of a CV fold), else a model
 * fitted with the cell's seed for t, the seed that learner gets -- the same model either way.
 * Outside a cell (learner_fit()) it is fitted with stream 1 + cv * nb + b.
 * Defaults: base=rf+svm+mlp+dt+nb ('+' separates names because ',' separates parameters),
 * meta=logreg, meta_params="" (k=v pairs separated by ':'), cv=5, inner_shuffle=0, passthrough=0.
 * Stopping rule: that of each component. Score: the meta-learner's score (P(malicious) for
 * logreg). */
#include "learners/stack.h"

#include <gsl/gsl_randist.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/rng.h"
#include "learners/learner.h"

#define STACK_MAX_BASE 16

struct stack_state {
	char base[PARAM_STR_MAX];
	char meta[PARAM_STR_MAX];
	char meta_params[PARAM_STR_MAX];
	long cv;
	int inner_shuffle;
	int passthrough;
	/* fitted */
	size_t nb, d;
	struct learner *bl[STACK_MAX_BASE]; /* owned base models (NULL where borrowed) */
	const struct learner
	    *use[STACK_MAX_BASE]; /* the final base models: bl[b] or a cell's peer */
	struct learner *ml;
};

static const struct param_spec stack_params[] = {
    {"base", PARAM_STRING, offsetof(struct stack_state, base), "rf+svm+mlp+dt+nb", NULL,
     "base learners, '+'-separated, each with its defaults"},
    {"meta", PARAM_STRING, offsetof(struct stack_state, meta), "logreg", NULL, "meta-learner"},
    {"meta_params", PARAM_STRING, offsetof(struct stack_state, meta_params), "", NULL,
     "meta-learner parameters, k=v pairs separated by ':'"},
    {"cv", PARAM_INT, offsetof(struct stack_state, cv), "5", "[2, 1000]",
     "inner stratified folds for the out-of-fold meta-features"},
    {"inner_shuffle", PARAM_BOOL, offsetof(struct stack_state, inner_shuffle), "0", NULL,
     "shuffle the inner folds (scikit-learn's default for cv=5 does not)"},
    {"passthrough", PARAM_BOOL, offsetof(struct stack_state, passthrough), "0", NULL,
     "also give the meta-learner the raw columns"},
    {0},
};

int stack_inner_folds(const int *y, size_t n, size_t k, const gsl_rng *r, int *fold)
{
	int label[2];
	size_t cnt[2] = {0, 0}, ncls = 0, *alloc = NULL, *list = NULL;
	if (k < 2 || n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t c;
		for (c = 0; c < ncls && label[c] != y[i]; c++)
			;
		if (c == ncls) {
			if (ncls == 2)
				return -1;
			label[ncls++] = y[i];
		}
		cnt[c]++;
	}
	if (cnt[0] < k && (ncls < 2 || cnt[1] < k))
		return -1;
	alloc = calloc(k * 2, sizeof(size_t));
	list = malloc(n * sizeof(size_t));
	if (!alloc || !list) {
		free(alloc);
		free(list);
		return -1;
	}
	/* allocation[f][c] = #{p in class c's block of the sorted labels : p % k == f} */
	for (size_t c = 0, off = 0; c < ncls; off += cnt[c], c++)
		for (size_t p = off; p < off + cnt[c]; p++)
			alloc[(p % k) * 2 + c]++;
	for (size_t c = 0; c < ncls; c++) {
		size_t m = 0;
		for (size_t f = 0; f < k; f++)
			for (size_t a = 0; a < alloc[f * 2 + c]; a++)
				list[m++] = f;
		if (r)
			gsl_ran_shuffle(r, list, m, sizeof(size_t));
		m = 0;
		for (size_t i = 0; i < n; i++)
			if (y[i] == label[c])
				fold[i] = (int)list[m++];
	}
	free(alloc);
	free(list);
	return 0;
}

/* Split "rf+svm" into types; 0 or -1 with msg set. */
static int parse_base(const char *spec, const struct learner_type **t, size_t *nb, const char **msg)
{
	const char *p = spec;
	*nb = 0;
	while (*p) {
		char name[64];
		size_t len = strcspn(p, "+");
		if (len == 0 || len >= sizeof(name)) {
			*msg = "base: bad learner list";
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (*nb == STACK_MAX_BASE) {
			*msg = "base: too many learners (at most 16)";
			return -1;
		}
		t[*nb] = learner_find(name);
		if (!t[*nb]) {
			*msg = "base: unknown learner";
			return -1;
		}
		if (!strcmp(t[*nb]->name, "stack")) {
			*msg = "base: a stack cannot contain a stack";
			return -1;
		}
		(*nb)++;
		p += len;
		if (*p == '+')
			p++;
	}
	if (!*nb) {
		*msg = "base: no learner";
		return -1;
	}
	return 0;
}

static const char *stack_check(const void *state)
{
	const struct stack_state *s = state;
	const struct learner_type *t[STACK_MAX_BASE], *mt;
	const char *msg = NULL;
	size_t nb;
	if (parse_base(s->base, t, &nb, &msg) < 0)
		return msg;
	mt = learner_find(s->meta);
	if (!mt || !strcmp(mt->name, "stack"))
		return "meta: unknown learner";
	if (!(mt->flags & LEARNER_PROBABILISTIC))
		return "meta: must be a probabilistic learner (the stack's threshold is 0.5)";
	return NULL;
}

static void stack_release(void *state)
{
	struct stack_state *s = state;
	for (size_t b = 0; b < STACK_MAX_BASE; b++) {
		learner_free(s->bl[b]);
		s->bl[b] = NULL;
		s->use[b] = NULL;
	}
	learner_free(s->ml);
	s->ml = NULL;
	s->nb = 0;
}

static struct learner *make_learner(const struct learner_type *t, const char *params,
                                    struct diag *d)
{
	struct diag ld;
	struct learner *l;
	diag_init(&ld);
	if (!(l = learner_alloc(t, params, &ld)))
		diag_error(d, "stack: %s", diag_message(&ld));
	diag_release(&ld);
	return l;
}

/* learner_score() with the component's message prefixed by "stack: ". */
static int score_into(const struct learner *l, const struct dataset *x, double *out, struct diag *d)
{
	struct diag ld;
	int ret;
	diag_init(&ld);
	ret = learner_score(l, x, out, &ld);
	if (ret < 0)
		diag_error(d, "stack: %s", diag_message(&ld));
	diag_release(&ld);
	return ret;
}

/* Fit `l` on `ds` with a generator seeded `seed`. */
static int fit_seed(struct learner *l, const struct dataset *ds, unsigned long seed, struct diag *d)
{
	gsl_rng *r = rng_alloc(seed);
	struct diag ld;
	int ret;
	if (!r)
		return diag_error(d, "stack: out of memory");
	diag_init(&ld);
	ret = learner_fit(l, ds, r, &ld);
	rng_free(r);
	if (ret < 0)
		diag_error(d, "stack: %s", diag_message(&ld));
	diag_release(&ld);
	return ret;
}

/* Fit `l` on `ds` with stream `stream` of `seed`. */
static int fit_stream(struct learner *l, const struct dataset *ds, unsigned long seed,
                      unsigned long stream, struct diag *d)
{
	return fit_seed(l, ds, rng_derive(seed, stream), d);
}

static struct learner *make_meta(const struct stack_state *s, struct diag *d)
{
	char mp[PARAM_STR_MAX];
	strcpy(mp, s->meta_params);
	for (char *c = mp; *c; c++)
		if (*c == ':')
			*c = ',';
	return make_learner(learner_find(s->meta), mp, d);
}

/* Meta-feature row i: base scores then (passthrough) the raw columns. */
static int fill_passthrough(const struct stack_state *s, const struct dataset *x,
                            struct dataset *mx)
{
	if (!s->passthrough)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		memcpy(dataset_row(mx, i) + s->nb, dataset_row(x, i), x->d * sizeof(double));
	return 0;
}

static int stack_fit_in(void *state, const struct dataset *train, const gsl_rng *r,
                        const struct learner_cell *cell, struct diag *d)
{
	struct stack_state *s = state;
	const struct learner_type *t[STACK_MAX_BASE];
	const char *msg;
	size_t n = train->n, k = (size_t)s->cv, nb, *tr = NULL, *te = NULL;
	unsigned long seed = gsl_rng_get(r);
	int *fold = NULL, ret = -1;
	struct dataset *mx = NULL;
	double *buf = NULL;
	gsl_rng *sr = NULL;

	if (parse_base(s->base, t, &nb, &msg) < 0)
		return diag_error(d, "stack: %s", msg);
	s->nb = nb;
	s->d = train->d;
	fold = malloc(n * sizeof(int));
	tr = malloc(n * sizeof(size_t));
	te = malloc(n * sizeof(size_t));
	buf = malloc(n * sizeof(double));
	mx = dataset_alloc(n, nb + (s->passthrough ? train->d : 0));
	if (!fold || !tr || !te || !buf || !mx) {
		diag_error(d, "stack: out of memory");
		goto out;
	}
	if (s->inner_shuffle && !(sr = rng_alloc(rng_derive(seed, 0)))) {
		diag_error(d, "stack: out of memory");
		goto out;
	}
	if (stack_inner_folds(train->y, n, k, sr, fold) < 0) {
		diag_error(d, "stack: cannot make %zu stratified inner folds of %zu rows", k, n);
		goto out;
	}
	for (size_t f = 0; f < k; f++) {
		size_t ntr = 0, nte = 0;
		struct dataset *dtr, *dte;
		for (size_t i = 0; i < n; i++) {
			if ((size_t)fold[i] == f)
				te[nte++] = i;
			else
				tr[ntr++] = i;
		}
		if (!nte)
			continue;
		dtr = dataset_subset(train, tr, ntr);
		dte = dataset_subset(train, te, nte);
		if (!dtr || !dte) {
			dataset_free(dtr);
			dataset_free(dte);
			diag_error(d, "stack: out of memory");
			goto out;
		}
		for (size_t b = 0; b < nb; b++) {
			struct learner *l = make_learner(t[b], NULL, d);
			int bad = !l || fit_stream(l, dtr, seed, 1 + f * nb + b, d) < 0;
			if (!bad && score_into(l, dte, buf, d) < 0)
				bad = -1;
			learner_free(l);
			if (bad) {
				dataset_free(dtr);
				dataset_free(dte);
				goto out;
			}
			for (size_t q = 0; q < nte; q++)
				dataset_row(mx, te[q])[b] = buf[q];
		}
		dataset_free(dtr);
		dataset_free(dte);
	}
	for (size_t b = 0; b < nb; b++) {
		unsigned long bseed = 0;
		const struct learner *peer = cell ? cell->peer(cell, t[b], &bseed) : NULL;
		if (peer) {
			s->use[b] = peer;
			continue;
		}
		if (!(s->bl[b] = make_learner(t[b], NULL, d)))
			goto out;
		if (cell ? fit_seed(s->bl[b], train, bseed, d) < 0
		         : fit_stream(s->bl[b], train, seed, 1 + k * nb + b, d) < 0)
			goto out;
		s->use[b] = s->bl[b];
	}
	fill_passthrough(s, train, mx);
	memcpy(mx->y, train->y, n * sizeof(int));
	if (!(s->ml = make_meta(s, d)) || fit_stream(s->ml, mx, seed, 1 + (k + 1) * nb, d) < 0)
		goto out;
	ret = 0;
out:
	rng_free(sr);
	free(fold);
	free(tr);
	free(te);
	free(buf);
	dataset_free(mx);
	return ret;
}

static int stack_fit(void *state, const struct dataset *train, const gsl_rng *r, struct diag *d)
{
	return stack_fit_in(state, train, r, NULL, d);
}

static int stack_fit_cell(void *state, const struct dataset *train, const gsl_rng *r,
                          const struct learner_cell *cell, struct diag *d)
{
	return stack_fit_in(state, train, r, cell, d);
}

static int stack_score(const void *state, const struct dataset *x, double *out, struct diag *d)
{
	const struct stack_state *s = state;
	struct dataset *mx;
	int ret = -1;
	if (x->d != s->d)
		return diag_error(d, "stack: %zu columns, model has %zu", x->d, s->d);
	mx = dataset_alloc(x->n, s->nb + (s->passthrough ? x->d : 0));
	if (!mx)
		return diag_error(d, "stack: out of memory");
	for (size_t b = 0; b < s->nb; b++) {
		if (score_into(s->use[b], x, out, d) < 0)
			goto out;
		for (size_t i = 0; i < x->n; i++)
			dataset_row(mx, i)[b] = out[i];
	}
	fill_passthrough(s, x, mx);
	if (score_into(s->ml, mx, out, d) < 0)
		goto out;
	ret = 0;
out:
	dataset_free(mx);
	return ret;
}

static int stack_save(const void *state, FILE *f)
{
	const struct stack_state *s = state;
	fprintf(f, "d %zu base %zu\n", s->d, s->nb);
	for (size_t b = 0; b < s->nb; b++)
		if (learner_save(s->use[b], f, NULL) < 0)
			return -1;
	return learner_save(s->ml, f, NULL);
}

static int stack_load(void *state, FILE *f, struct diag *d)
{
	struct stack_state *s = state;
	struct diag ld;
	size_t nb;
	int ret = 0;
	if (fscanf(f, " d %zu base %zu", &s->d, &nb) != 2 || nb < 1 || nb > STACK_MAX_BASE)
		return diag_error(d, "stack: bad 'd ... base ...' line");
	diag_init(&ld);
	for (size_t b = 0; b < nb && !ret; b++) {
		if (!(s->bl[b] = learner_load(f, &ld)))
			ret = diag_error(d, "stack: base %zu: %s", b, diag_message(&ld));
		else
			s->use[s->nb++] = s->bl[b];
	}
	if (!ret && !(s->ml = learner_load(f, &ld)))
		ret = diag_error(d, "stack: meta: %s", diag_message(&ld));
	diag_release(&ld);
	return ret;
}

const struct learner_type learner_stack = {
    .name = "stack",
    .summary = "stacking of rf, svm, mlp, dt, nb with a logistic-regression meta-learner (D25)",
    .state_size = sizeof(struct stack_state),
    .params = stack_params,
    .flags = LEARNER_PROBABILISTIC,
    .check = stack_check,
    .fit = stack_fit,
    .fit_cell = stack_fit_cell,
    .score = stack_score,
    .release = stack_release,
    .save = stack_save,
    .load = stack_load,
};
