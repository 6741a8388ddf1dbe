/* Cross-validation and train -> test engine over featdata, folds, learners and metrics. */
#include "experiments/engine/cvrun.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ml/folds.h"
#include "core/base/rng.h"
#include "core/base/workq.h"

void cvrun_options_default(struct cvrun_options *o)
{
	memset(o, 0, sizeof(*o));
	o->folds = 10;
	o->repeats = 10;
	o->seed = 1;
	o->kind = CVRUN_STRATIFIED;
	o->jobs = 1;
	vocab_params_default(&o->vp);
}

int cvrun_kind_parse(const char *s)
{
	if (!strcmp(s, "stratified") || !strcmp(s, "none"))
		return CVRUN_STRATIFIED;
	if (!strcmp(s, "grouped") || !strcmp(s, "cluster"))
		return CVRUN_GROUPED;
	return -1;
}

const char *cvrun_kind_name(int kind)
{
	return kind == CVRUN_GROUPED ? "grouped" : "stratified";
}

unsigned long cvrun_cell_seed(unsigned long run_seed, size_t repeat, size_t fold,
                              const char *learner_name)
{
	char buf[256];
	/* 1469598103934665603 is the FNV-1a 64 offset basis 14695981039346656037 with its last
	 * digit lost. Every CV result depends on it through the learners' streams: kept as it is.
	 */
	uint64_t h = 1469598103934665603ULL;
	snprintf(buf, sizeof(buf), "cell/%zu/%zu/%s", repeat, fold, learner_name);
	for (const char *p = buf; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return rng_derive(run_seed, (unsigned long)h);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct cvrun_cell *cvrun_cell_at(const struct cvrun_result *res, size_t s, size_t l, size_t r,
                                 size_t f)
{
	return &res->cell[((s * res->n_learners + l) * res->repeats + r) * res->folds + f];
}

double *cvrun_oof_at(const struct cvrun_result *res, size_t s, size_t l, size_t r)
{
	return &res->oof[((s * res->n_learners + l) * res->repeats + r) * res->n];
}

void cvrun_result_release(struct cvrun_result *res)
{
	if (!res)
		return;
	free(res->cell);
	free(res->oof);
	free(res->fold);
	free(res->class_count);
	free(res->thread_stats);
	memset(res, 0, sizeof(*res));
}

/* ---- one (set, repeat, fold) work item ---- */

struct engine {
	const struct featdata *fd;
	const struct featspec *sets;
	const struct cvrun_learner *learners;
	const struct cvrun_options *o;
	struct cvrun_result *res;
	size_t n_items;
};

static void fail_cells(struct engine *e, size_t s, size_t r, size_t f, const char *msg)
{
	for (size_t l = 0; l < e->res->n_learners; l++) {
		struct cvrun_cell *c = cvrun_cell_at(e->res, s, l, r, f);
		c->ok = 0;
		snprintf(c->error, sizeof(c->error), "%s", msg);
	}
}

static void run_learner(struct engine *e, size_t s, size_t l, size_t r, size_t f,
                        const struct dataset *train, const struct dataset *test,
                        const size_t *test_idx)
{
	struct cvrun_cell *c = cvrun_cell_at(e->res, s, l, r, f);
	const struct cvrun_learner *cl = &e->learners[l];
	double t0 = now_seconds();
	double *score = malloc((test->n ? test->n : 1) * sizeof(double));
	gsl_rng *rng = rng_alloc(cvrun_cell_seed(e->o->seed, r, f, cl->type->name));
	struct learner *lr;
	struct diag ld;
	diag_init(&ld);
	lr = learner_alloc(cl->type, cl->params, &ld);
	c->n_train = train->n;
	c->n_test = test->n;
	if (!score || !rng) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		goto end;
	}
	if (!lr || learner_fit(lr, train, rng, &ld) < 0 ||
	    learner_score(lr, test, score, &ld) < 0) {
		snprintf(c->error, sizeof(c->error), "learner '%s': %.*s", cl->type->name,
		         DIAG_MSG_MAX / 2, diag_message(&ld));
		goto end;
	}
	metrics_compute(score, test->y, test->n, learner_threshold(lr), &c->m);
	double *oof = cvrun_oof_at(e->res, s, l, r);
	for (size_t i = 0; i < test->n; i++)
		oof[test_idx[i]] = score[i];
	c->ok = 1;
	c->error[0] = '\0';
end:
	c->seconds = now_seconds() - t0;
	learner_free(lr);
	rng_free(rng);
	free(score);
	diag_release(&ld);
}

static void run_item(struct engine *e, size_t item)
{
	struct cvrun_result *res = e->res;
	size_t f = item % res->folds, r = (item / res->folds) % res->repeats;
	size_t s = item / (res->folds * res->repeats);
	struct folds fo = {res->n, res->folds, res->fold + r * res->n};
	size_t *tr = NULL, *te = NULL, ntr = 0, nte = 0;
	struct dataset *train = NULL, *test = NULL;
	struct diag d;
	diag_init(&d);
	if (folds_split(&fo, f, &tr, &ntr, &te, &nte) < 0) {
		fail_cells(e, s, r, f, "out of memory splitting folds");
		goto end;
	}
	if (featdata_build(e->fd, &e->sets[s], &e->o->vp, e->o->filter, tr, ntr, te, nte, &train,
	                   &test, NULL, NULL, &d) < 0) {
		char msg[DIAG_MSG_MAX + 32];
		snprintf(msg, sizeof(msg), "features: %s", diag_message(&d));
		fail_cells(e, s, r, f, msg);
		goto end;
	}
	for (size_t l = 0; l < res->n_learners; l++)
		run_learner(e, s, l, r, f, train, test, te);
end:
	dataset_free(train);
	dataset_free(test);
	free(tr);
	free(te);
	diag_release(&d);
}

static void run_item_on(void *arg, size_t item, size_t thread)
{
	(void)thread;
	run_item(arg, item);
}

/* Progress line after each item (serialised by the work queue). */
static void item_done(void *arg, size_t item, size_t n_done)
{
	struct engine *e = arg;
	size_t fl = e->res->folds, rp = e->res->repeats;
	fprintf(stderr, "cv: %zu/%zu  set '%s' repeat %zu fold %zu\n", n_done, e->n_items,
	        e->sets[item / (fl * rp)].name, (item / fl) % rp, item % fl);
}

static int make_folds(const struct featdata *fd, const struct cvrun_options *o,
                      struct cvrun_result *res, struct diag *d)
{
	const struct dataset *ds = fd->fixed;
	for (size_t r = 0; r < o->repeats; r++) {
		struct folds fo = {0};
		gsl_rng *rng = rng_alloc(rng_derive(o->seed, r));
		int rc;
		if (!rng)
			return diag_error(d, "out of memory");
		if (o->kind == CVRUN_GROUPED)
			rc = folds_grouped(&fo, ds->y, (const char *const *)ds->group, ds->n,
			                   o->folds, rng, d);
		else
			rc = folds_stratified(&fo, ds->y, ds->n, o->folds, rng, d);
		rng_free(rng);
		if (rc < 0)
			return -1;
		memcpy(res->fold + r * ds->n, fo.fold, ds->n * sizeof(int));
		folds_release(&fo);
		for (size_t i = 0; i < ds->n; i++) {
			int k = res->fold[r * ds->n + i];
			if (k >= 0 && (size_t)k < o->folds)
				res->class_count[(r * o->folds + (size_t)k) * 2 +
				                 (ds->y[i] ? 1 : 0)]++;
		}
	}
	return 0;
}

int cvrun_run(const struct featdata *fd, const struct featspec *sets, size_t n_sets,
              const struct cvrun_learner *learners, size_t n_learners,
              const struct cvrun_options *o, struct cvrun_result *res, struct diag *d)
{
	memset(res, 0, sizeof(*res));
	size_t n = fd->fixed->n;
	double t0 = now_seconds();
	if (o->folds < 2)
		return diag_error(d, "cv.folds must be at least 2");
	if (o->repeats < 1)
		return diag_error(d, "cv.repeats must be at least 1");
	if (!n_sets || !n_learners)
		return diag_error(d, "nothing to run: no feature set or no learner");
	if (n < o->folds)
		return diag_error(d, "%zu rows cannot make %zu folds", n, o->folds);
	if (n_sets * n_learners * o->repeats * o->folds > 100000000u / (n ? n : 1) + 1000000u)
		return diag_error(d, "run too large");
	for (size_t l = 0; l < n_learners; l++) {
		struct diag ld;
		struct learner *lr;
		diag_init(&ld);
		lr = learner_alloc(learners[l].type, learners[l].params, &ld);
		if (!lr)
			diag_error(d, "learner '%s': %s", learners[l].type->name,
			           diag_message(&ld));
		diag_release(&ld);
		if (!lr)
			return -1;
		learner_free(lr);
	}
	for (size_t s = 0; s < n_sets; s++) {
		size_t *cols = NULL, nc = 0;
		if (featspec_columns(&sets[s], fd->fixed, &cols, &nc, d) < 0)
			return -1;
		free(cols);
		if (sets[s].text && (sets[s].pre || o->vp.preprocess) &&
		    (!o->filter || !o->filter->n))
			return diag_error(d, "feature set '%s': preprocessing needs the word lists",
			                  sets[s].name);
	}
	res->n_sets = n_sets;
	res->n_learners = n_learners;
	res->repeats = o->repeats;
	res->folds = o->folds;
	res->n = n;
	size_t n_cells = n_sets * n_learners * o->repeats * o->folds;
	res->cell = calloc(n_cells, sizeof(*res->cell));
	res->oof = malloc(n_sets * n_learners * o->repeats * (n ? n : 1) * sizeof(double));
	res->fold = malloc(o->repeats * (n ? n : 1) * sizeof(int));
	res->class_count = calloc(o->repeats * o->folds * 2, sizeof(size_t));
	if (!res->cell || !res->oof || !res->fold || !res->class_count) {
		cvrun_result_release(res);
		return diag_error(d, "out of memory");
	}
	for (size_t i = 0; i < n_sets * n_learners * o->repeats * n; i++)
		res->oof[i] = NAN;
	if (make_folds(fd, o, res, d) < 0) {
		cvrun_result_release(res);
		return -1;
	}

	struct engine e = {fd, sets, learners, o, res, n_sets * o->repeats * o->folds};
	struct workq_job job = {e.n_items, run_item_on, o->verbose ? item_done : NULL, &e};
	size_t jobs = o->jobs > e.n_items ? e.n_items : o->jobs;
	struct workq *q = workq_alloc(jobs);
	if (!q) {
		cvrun_result_release(res);
		return diag_error(d, "out of memory");
	}
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	int run_rc = workq_run(q, &job);
	openblas_set_num_threads(blas_threads);
	res->n_threads = workq_threads(q);
	res->thread_stats = calloc(res->n_threads, sizeof(*res->thread_stats));
	for (size_t t = 0; res->thread_stats && t < res->n_threads; t++)
		workq_stats(q, t, &res->thread_stats[t]);
	workq_free(q);
	if (run_rc < 0 || !res->thread_stats) {
		cvrun_result_release(res);
		return diag_error(d, "out of memory");
	}
	for (size_t i = 0; i < n_cells; i++)
		res->n_failed += !res->cell[i].ok;
	res->wall_seconds = now_seconds() - t0;
	return 0;
}

/* ---- train -> test ---- */

void cvrun_fit_release(struct cvrun_fit *f)
{
	if (!f)
		return;
	learner_free(f->learner);
	vocab_release(&f->vocab);
	dataset_free(f->train);
	dataset_free(f->test);
	free(f->score);
	memset(f, 0, sizeof(*f));
}

int cvrun_train_test(const struct featdata *fd, const struct featspec *fs,
                     const struct cvrun_learner *learner, const struct cvrun_options *o,
                     const size_t *train_idx, size_t n_train, const size_t *test_idx, size_t n_test,
                     struct cvrun_fit *out, struct diag *d)
{
	struct vocab_params vp;
	struct diag ld;
	gsl_rng *rng = NULL;
	size_t *cols = NULL;
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (featspec_columns(fs, fd->fixed, &cols, &out->n_fixed, d) < 0)
		return -1;
	free(cols);
	diag_init(&ld);
	out->learner = learner_alloc(learner->type, learner->params, &ld);
	if (!out->learner) {
		diag_error(d, "learner '%s': %s", learner->type->name, diag_message(&ld));
		goto end;
	}
	/* In a train -> test fit the training rows are the whole population the vocabulary may
	 * see: text.vocab_scope=all means all of them (fd may also hold the test rows, which
	 * must never enter the fit). Fitting on train_idx in row order is exactly that. */
	vp = o->vp;
	if (vp.scope == VOCAB_SCOPE_ALL)
		vp.scope = VOCAB_SCOPE_FOLD;
	if (featdata_build(fd, fs, &vp, o->filter, train_idx, n_train, test_idx, n_test,
	                   &out->train, test_idx ? &out->test : NULL, &out->vocab, NULL, d) < 0)
		goto end;
	out->stream_seed =
	    cvrun_cell_seed(o->seed, CVRUN_TRAIN_TEST, CVRUN_TRAIN_TEST, learner->type->name);
	rng = rng_alloc(out->stream_seed);
	if (!rng) {
		diag_error(d, "out of memory");
		goto end;
	}
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	int fit_rc = learner_fit(out->learner, out->train, rng, &ld);
	openblas_set_num_threads(blas_threads);
	if (fit_rc < 0) {
		diag_error(d, "learner '%s': %s", learner->type->name, diag_message(&ld));
		goto end;
	}
	out->threshold = learner_threshold(out->learner);
	if (out->test) {
		out->score = malloc((out->test->n ? out->test->n : 1) * sizeof(double));
		if (!out->score) {
			diag_error(d, "out of memory");
			goto end;
		}
		if (learner_score(out->learner, out->test, out->score, &ld) < 0) {
			diag_error(d, "learner '%s': %s", learner->type->name, diag_message(&ld));
			goto end;
		}
		if (out->test->n)
			metrics_compute(out->score, out->test->y, out->test->n, out->threshold,
			                &out->m);
	}
	rc = 0;
end:
	rng_free(rng);
	diag_release(&ld);
	if (rc < 0)
		cvrun_fit_release(out);
	return rc;
}
