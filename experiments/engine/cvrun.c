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

/* ---- a cell: the learners fitted on one training split ---- */

/* What the learners of one training split share: each learner's fitted model (for the composite
 * learners' peers, struct learner_cell) and the cell's seeds. */
struct cell {
	const struct cvrun_learner *learners;
	size_t n_learners;
	const int *peer_ok;  /* learner l has its type's defaults: it can serve as a peer */
	unsigned long seed;  /* run seed */
	size_t repeat, fold; /* of cvrun_cell_seed() */
	struct learner **lr; /* [n_learners]: fitted learners, NULL if not (yet) fitted */
	struct workq *q;     /* train -> test: peers are other items of q ... */
	const size_t *item;  /* ... item[l] fits learner l; NULL in CV (one thread per cell) */
};

static const struct learner *cell_peer(const struct learner_cell *lc, const struct learner_type *t,
                                       unsigned long *seed)
{
	const struct cell *c = lc->arg;
	*seed = cvrun_cell_seed(c->seed, c->repeat, c->fold, t->name);
	for (size_t l = 0; l < c->n_learners; l++)
		if (c->learners[l].type == t && c->peer_ok[l] && !learner_type_uses_cell(t)) {
			if (c->q)
				workq_wait_item(c->q, c->item[l]);
			return c->lr[l];
		}
	return NULL;
}

/* Fit learner l of the cell on `train` with its cell seed and score `test` into score[]. The
 * fitted learner is left in c->lr[l]; on failure c->lr[l] is NULL and the message is in err. */
static int fit_score(struct cell *c, size_t l, const struct dataset *train,
                     const struct dataset *test, double *score, char *err, size_t err_n)
{
	const struct cvrun_learner *cl = &c->learners[l];
	struct learner_cell lc = {cell_peer, c};
	gsl_rng *rng = rng_alloc(cvrun_cell_seed(c->seed, c->repeat, c->fold, cl->type->name));
	struct learner *lr = NULL;
	struct diag ld;
	int rc = -1;
	diag_init(&ld);
	if (!rng) {
		snprintf(err, err_n, "out of memory");
		goto end;
	}
	lr = learner_alloc(cl->type, cl->params, &ld);
	if (!lr || learner_fit_cell(lr, train, rng, &lc, &ld) < 0 ||
	    (test && learner_score(lr, test, score, &ld) < 0)) {
		snprintf(err, err_n, "learner '%s': %.*s", cl->type->name, DIAG_MSG_MAX / 2,
		         diag_message(&ld));
		learner_free(lr);
		lr = NULL;
		goto end;
	}
	rc = 0;
end:
	c->lr[l] = lr;
	rng_free(rng);
	diag_release(&ld);
	return rc;
}

/* Free the cell's learners, those that may borrow from the others first. */
static void cell_free_learners(struct cell *c)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t l = 0; l < c->n_learners; l++)
			if (c->lr[l] && learner_type_uses_cell(c->learners[l].type) == !pass) {
				learner_free(c->lr[l]);
				c->lr[l] = NULL;
			}
}

/* flags[l] = 1 if learner l can be a peer: not composite, with its type's defaults. An array of
 * n flags the caller frees, or NULL on out of memory. */
static int *peer_flags(const struct cvrun_learner *learners, size_t n)
{
	int *ok = calloc(n ? n : 1, sizeof(int));
	for (size_t l = 0; ok && l < n; l++) {
		struct learner *lr = learner_alloc(learners[l].type, learners[l].params, NULL);
		ok[l] = lr && !learner_type_uses_cell(lr->type) && learner_has_defaults(lr);
		learner_free(lr);
	}
	return ok;
}

/* ---- one (set, repeat, fold) work item ---- */

struct engine {
	const struct featdata *fd;
	const struct featspec *sets;
	const struct cvrun_learner *learners;
	const struct cvrun_options *o;
	struct cvrun_result *res;
	size_t n_items; /* of the whole grid */
	size_t n_run;   /* run here: n_items, or those of the shard */
	size_t shard, n_shards;
	const int *peer_ok;
};

static void fail_cells(struct engine *e, size_t s, size_t r, size_t f, const char *msg)
{
	for (size_t l = 0; l < e->res->n_learners; l++) {
		struct cvrun_cell *c = cvrun_cell_at(e->res, s, l, r, f);
		c->ok = 0;
		snprintf(c->error, sizeof(c->error), "%s", msg);
	}
}

/* Fit and score every learner of the cell: plain learners first, then the composite ones,
 * which take their final base models from the others (learners/stack.c). */
static void run_learners(struct engine *e, size_t s, size_t r, size_t f,
                         const struct dataset *train, const struct dataset *test,
                         const size_t *test_idx)
{
	size_t nl = e->res->n_learners;
	struct learner **lr = calloc(nl, sizeof(*lr));
	double *score = malloc((test->n ? test->n : 1) * sizeof(double));
	struct cell c = {e->learners, nl, e->peer_ok, e->o->seed, r, f, lr, NULL, NULL};
	if (!lr || !score) {
		fail_cells(e, s, r, f, "out of memory");
		goto end;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t l = 0; l < nl; l++) {
			struct cvrun_cell *cc = cvrun_cell_at(e->res, s, l, r, f);
			double t0 = now_seconds();
			if (learner_type_uses_cell(e->learners[l].type) != pass)
				continue;
			cc->n_train = train->n;
			cc->n_test = test->n;
			if (fit_score(&c, l, train, test, score, cc->error, sizeof(cc->error)) ==
			    0) {
				double *oof = cvrun_oof_at(e->res, s, l, r);
				metrics_compute(score, test->y, test->n, learner_threshold(lr[l]),
				                &cc->m);
				for (size_t i = 0; i < test->n; i++)
					oof[test_idx[i]] = score[i];
				cc->ok = 1;
				cc->error[0] = '\0';
			}
			cc->seconds = now_seconds() - t0;
		}
end:
	if (lr)
		cell_free_learners(&c);
	free(lr);
	free(score);
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
	/* the set's vocabulary is fitted once per (repeat, fold), for all its learners */
	if (featdata_build(e->fd, &e->sets[s], &e->o->vp, e->o->filter, tr, ntr, te, nte, &train,
	                   &test, NULL, NULL, &d) < 0) {
		char msg[DIAG_MSG_MAX + 32];
		snprintf(msg, sizeof(msg), "features: %s", diag_message(&d));
		fail_cells(e, s, r, f, msg);
		goto end;
	}
	run_learners(e, s, r, f, train, test, te);
end:
	dataset_free(train);
	dataset_free(test);
	free(tr);
	free(te);
	diag_release(&d);
}

/* The grid item of work-queue item j: the j-th item of the shard. */
static size_t shard_item(const struct engine *e, size_t j)
{
	return e->n_shards > 1 ? e->shard + j * e->n_shards : j;
}

static void run_item_on(void *arg, size_t j, size_t thread)
{
	(void)thread;
	run_item(arg, shard_item(arg, j));
}

/* Progress line after each item (serialised by the work queue). */
static void item_done(void *arg, size_t j, size_t n_done)
{
	struct engine *e = arg;
	size_t fl = e->res->folds, rp = e->res->repeats, item = shard_item(e, j);
	fprintf(stderr, "cv: %zu/%zu  set '%s' repeat %zu fold %zu\n", n_done, e->n_run,
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

	int *peer_ok = peer_flags(learners, n_learners);
	struct engine e = {fd, sets,     learners,    o,      res, n_sets * o->repeats * o->folds,
	                   0,  o->shard, o->n_shards, peer_ok};
	if (e.n_shards > 1 && e.shard >= e.n_shards) {
		free(peer_ok);
		cvrun_result_release(res);
		return diag_error(d, "shard %zu of %zu does not exist", e.shard, e.n_shards);
	}
	e.n_run = e.n_shards <= 1        ? e.n_items
	          : e.shard >= e.n_items ? 0
	                                 : (e.n_items - e.shard + e.n_shards - 1) / e.n_shards;
	for (size_t k = 0; e.n_shards > 1 && k < e.n_items; k++)
		if (k % e.n_shards != e.shard)
			for (size_t l = 0; l < n_learners; l++)
				cvrun_cell_at(res, k / (o->folds * o->repeats), l,
				              (k / o->folds) % o->repeats, k % o->folds)
				    ->skipped = 1;
	struct workq_job job = {e.n_run, run_item_on, o->verbose ? item_done : NULL, &e};
	size_t jobs = o->jobs > e.n_run ? e.n_run : o->jobs;
	struct workq *q = peer_ok ? workq_alloc(jobs) : NULL;
	if (!q) {
		free(peer_ok);
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
	free(peer_ok);
	if (run_rc < 0 || !res->thread_stats) {
		cvrun_result_release(res);
		return diag_error(d, "out of memory");
	}
	for (size_t i = 0; i < n_cells; i++)
		res->n_failed += !res->cell[i].ok && !res->cell[i].skipped;
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

void cvrun_tt_release(struct cvrun_tt *tt)
{
	if (!tt)
		return;
	/* composite learners may borrow the others: free them first */
	for (int pass = 0; tt->fit && pass < 2; pass++)
		for (size_t l = 0; l < tt->n_learners; l++) {
			struct cvrun_tt_fit *f = &tt->fit[l];
			if (f->learner && learner_type_uses_cell(f->learner->type) == !pass) {
				learner_free(f->learner);
				f->learner = NULL;
			}
		}
	for (size_t l = 0; tt->fit && l < tt->n_learners; l++)
		free(tt->fit[l].score);
	free(tt->fit);
	vocab_release(&tt->vocab);
	dataset_free(tt->train);
	dataset_free(tt->test);
	free(tt->thread_stats);
	memset(tt, 0, sizeof(*tt));
}

struct tt_run {
	struct cvrun_tt *tt;
	struct cell c;
	const size_t *order; /* item i fits learner order[i] */
};

static void tt_item(void *arg, size_t item, size_t thread)
{
	struct tt_run *t = arg;
	size_t l = t->order[item];
	struct cvrun_tt_fit *f = &t->tt->fit[l];
	const struct dataset *test = t->tt->test;
	double t0 = now_seconds();
	(void)thread;
	f->stream_seed =
	    cvrun_cell_seed(t->c.seed, t->c.repeat, t->c.fold, t->c.learners[l].type->name);
	if (test && !(f->score = malloc((test->n ? test->n : 1) * sizeof(double)))) {
		snprintf(f->error, sizeof(f->error), "out of memory");
		return;
	}
	if (fit_score(&t->c, l, t->tt->train, test, f->score, f->error, sizeof(f->error)) == 0) {
		f->learner = t->c.lr[l];
		f->threshold = learner_threshold(f->learner);
		if (test && test->n)
			metrics_compute(f->score, test->y, test->n, f->threshold, &f->m);
		f->ok = 1;
	} else {
		free(f->score);
		f->score = NULL;
	}
	f->seconds = now_seconds() - t0;
}

int cvrun_train_test_many(const struct featdata *fd, const struct featspec *fs,
                          const struct cvrun_learner *learners, size_t n_learners,
                          const struct cvrun_options *o, const size_t *train_idx, size_t n_train,
                          const size_t *test_idx, size_t n_test, struct cvrun_tt *out,
                          struct diag *d)
{
	struct vocab_params vp = o->vp;
	size_t *cols = NULL, *order = NULL, *item = NULL, k = 0;
	struct learner **lr = NULL;
	int *peer_ok = NULL, rc = -1;
	struct workq *q = NULL;
	memset(out, 0, sizeof(*out));
	if (featspec_columns(fs, fd->fixed, &cols, &out->n_fixed, d) < 0)
		return -1;
	free(cols);
	for (size_t l = 0; l < n_learners; l++) {
		struct diag ld;
		struct learner *x;
		diag_init(&ld);
		if (!(x = learner_alloc(learners[l].type, learners[l].params, &ld)))
			diag_error(d, "learner '%s': %s", learners[l].type->name,
			           diag_message(&ld));
		diag_release(&ld);
		if (!x)
			return -1;
		learner_free(x);
	}
	/* In a train -> test fit the training rows are the whole population the vocabulary may
	 * see: text.vocab_scope=all means all of them (fd may also hold the test rows, which
	 * must never enter the fit). Fitting on train_idx in row order is exactly that. The
	 * vocabulary and the matrices are built once for every learner. */
	if (vp.scope == VOCAB_SCOPE_ALL)
		vp.scope = VOCAB_SCOPE_FOLD;
	if (featdata_build(fd, fs, &vp, o->filter, train_idx, n_train, test_idx, n_test,
	                   &out->train, test_idx ? &out->test : NULL, &out->vocab, NULL, d) < 0)
		goto end;
	out->n_learners = n_learners;
	out->fit = calloc(n_learners ? n_learners : 1, sizeof(*out->fit));
	order = malloc((n_learners ? n_learners : 1) * sizeof(size_t));
	item = malloc((n_learners ? n_learners : 1) * sizeof(size_t));
	lr = calloc(n_learners ? n_learners : 1, sizeof(*lr));
	peer_ok = peer_flags(learners, n_learners);
	q = workq_alloc(o->jobs > n_learners ? n_learners : o->jobs);
	if (!out->fit || !order || !item || !lr || !peer_ok || !q) {
		diag_error(d, "out of memory");
		goto end;
	}
	/* plain learners first, so that a composite learner's peers have lower item numbers:
	 * they have started by the time it waits for them (workq.h) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t l = 0; l < n_learners; l++)
			if (learner_type_uses_cell(learners[l].type) == pass) {
				item[l] = k;
				order[k++] = l;
			}
	struct tt_run t = {out,
	                   {learners, n_learners, peer_ok, o->seed, CVRUN_TRAIN_TEST,
	                    CVRUN_TRAIN_TEST, lr, q, item},
	                   order};
	struct workq_job job = {n_learners, tt_item, NULL, &t};
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	int run_rc = workq_run(q, &job);
	openblas_set_num_threads(blas_threads);
	if (run_rc < 0) {
		diag_error(d, "out of memory");
		goto end;
	}
	out->n_threads = workq_threads(q);
	out->thread_stats = calloc(out->n_threads, sizeof(*out->thread_stats));
	for (size_t i = 0; out->thread_stats && i < out->n_threads; i++)
		workq_stats(q, i, &out->thread_stats[i]);
	rc = 0;
end:
	workq_free(q);
	free(order);
	free(item);
	free(lr); /* the fitted learners now belong to out->fit[] */
	free(peer_ok);
	if (rc < 0)
		cvrun_tt_release(out);
	return rc;
}

int cvrun_train_test(const struct featdata *fd, const struct featspec *fs,
                     const struct cvrun_learner *learner, const struct cvrun_options *o,
                     const size_t *train_idx, size_t n_train, const size_t *test_idx, size_t n_test,
                     struct cvrun_fit *out, struct diag *d)
{
	struct cvrun_tt tt;
	memset(out, 0, sizeof(*out));
	if (cvrun_train_test_many(fd, fs, learner, 1, o, train_idx, n_train, test_idx, n_test, &tt,
	                          d) < 0)
		return -1;
	if (!tt.fit[0].ok) {
		diag_error(d, "%s", tt.fit[0].error);
		cvrun_tt_release(&tt);
		return -1;
	}
	/* move everything into the single-learner result */
	out->learner = tt.fit[0].learner;
	out->vocab = tt.vocab;
	out->train = tt.train;
	out->test = tt.test;
	out->n_fixed = tt.n_fixed;
	out->score = tt.fit[0].score;
	out->threshold = tt.fit[0].threshold;
	out->m = tt.fit[0].m;
	out->stream_seed = tt.fit[0].stream_seed;
	free(tt.fit);
	free(tt.thread_stats);
	return 0;
}
