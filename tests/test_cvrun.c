/* Unit tests for experiments/engine/cvrun: a train -> test fit never fits the vocabulary on test
 * rows, also under text.vocab_scope=all (issue 15.3); results and out-of-fold scores do not
 * depend on the number of threads; the cell streams are the documented FNV-1a derivation. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "experiments/engine/cvrun.h"
#include "tests/harness.h"

/* A featdata of n rows: label y[i] = i % 2, one fixed column "meta.x" (= label on even rows of
 * the malicious class, else 0), and the document texts[i % n_texts]. */
static struct featdata *make_fd(size_t n, const char *const *texts, size_t n_texts)
{
	struct featdata *fd = calloc(1, sizeof(*fd));
	struct tokenize_options o;
	tokenize_options_default(&o);
	fd->fixed = dataset_alloc(n, 1);
	fd->docs = calloc(n, sizeof(*fd->docs));
	fd->name = calloc(n, sizeof(char *));
	dataset_set_string(&fd->fixed->feature_name[0], "meta.x");
	for (size_t i = 0; i < n; i++) {
		char id[32];
		const char *t = texts[i % n_texts];
		snprintf(id, sizeof(id), "p%zu", i);
		dataset_set_string(&fd->fixed->row_id[i], id);
		dataset_set_string(&fd->fixed->group[i], id);
		dataset_set_string(&fd->fixed->date[i], "");
		fd->fixed->y[i] = (int)(i % 2);
		fd->fixed->X[i] = (i % 4 == 1) ? 1 : 0;
		if (doc_tokens_from_text(&fd->docs[i], t, strlen(t), &o, NULL) < 0)
			abort();
		fd->name[i] = calloc(1, 1);
	}
	fd->n_with_tokens = n;
	return fd;
}

static void test_train_test_vocab(void)
{
	/* rows 0-3 train, 4-5 test; "secretword" occurs only in the test documents, more often
	 * than any training token, so a fit that saw the test rows would rank it first */
	const char *const texts[] = {"alpha beta",
	                             "beta gamma exec",
	                             "alpha delta",
	                             "gamma exec exec",
	                             "secretword secretword secretword secretword",
	                             "secretword secretword secretword exec"};
	struct featdata *fd = make_fd(6, texts, 6);
	struct featspec fs;
	struct cvrun_options o;
	struct cvrun_learner nb = {learner_find("nb"), NULL};
	size_t tr[] = {0, 1, 2, 3}, te[] = {4, 5};
	struct diag d;
	diag_init(&d);
	cvrun_options_default(&o);
	o.vp.num_words = 20;
	featspec_parse("T+M", &fs, NULL);
	for (int scope = VOCAB_SCOPE_FOLD; scope <= VOCAB_SCOPE_ALL; scope++) {
		struct cvrun_fit fit;
		const char *name = scope == VOCAB_SCOPE_ALL ? "all" : "fold";
		o.vp.scope = scope;
		int rc = cvrun_train_test(fd, &fs, &nb, &o, tr, 4, te, 2, &fit, &d);
		if (!CHECK(rc == 0, "train -> test with text.vocab_scope=%s (%s)", name,
		           diag_message(&d)))
			continue;
		CHECK(vocab_index(&fit.vocab, "secretword") == 0,
		      "vocab_scope=%s: a token of the test rows only is not in the vocabulary",
		      name);
		CHECK(fit.vocab.document_count == 4,
		      "vocab_scope=%s: the vocabulary saw the 4 training documents (saw %zu)", name,
		      (size_t)fit.vocab.document_count);
		CHECK(vocab_index(&fit.vocab, "exec") == 1,
		      "vocab_scope=%s: 'exec' (3 training occurrences) ranks first", name);
		cvrun_fit_release(&fit);
	}
	featspec_release(&fs);
	diag_release(&d);
	featdata_free(fd);
}

static void test_jobs_invariance(void)
{
	const char *const texts[] = {"alpha beta", "exec socket exec", "beta gamma", "socket exec",
	                             "alpha gamma delta"};
	struct featdata *fd = make_fd(60, texts, 5);
	struct featspec fs;
	struct cvrun_options o;
	struct cvrun_learner ls[] = {{learner_find("nb"), NULL}, {learner_find("dt"), NULL}};
	struct cvrun_result r1, r3;
	struct diag d;
	diag_init(&d);
	cvrun_options_default(&o);
	o.folds = 5;
	o.repeats = 3;
	o.vp.num_words = 8;
	featspec_parse("T+M", &fs, NULL);
	o.jobs = 1;
	int a = cvrun_run(fd, &fs, 1, ls, 2, &o, &r1, &d);
	o.jobs = 3;
	int b = cvrun_run(fd, &fs, 1, ls, 2, &o, &r3, &d);
	if (CHECK(a == 0 && b == 0, "cv runs with 1 and 3 threads (%s)", diag_message(&d))) {
		size_t n_cells = 2 * 3 * 5, items = 0, ok = 1;
		for (size_t i = 0; i < n_cells; i++)
			ok &= r1.cell[i].ok == r3.cell[i].ok &&
			      !memcmp(&r1.cell[i].m, &r3.cell[i].m, sizeof(struct metrics));
		CHECK(ok && r1.n_failed == 0, "1 and 3 threads: identical metrics in every cell");
		CHECK(!memcmp(r1.oof, r3.oof, 2 * 3 * 60 * sizeof(double)) &&
		          !memcmp(r1.fold, r3.fold, 3 * 60 * sizeof(int)),
		      "1 and 3 threads: identical folds and out-of-fold scores");
		CHECK(r1.n_threads == 1 && r3.n_threads == 3, "thread stats for 1 and 3 threads");
		for (size_t t = 0; t < r3.n_threads; t++)
			items += r3.thread_stats[t].items;
		CHECK(items == 3 * 5, "the threads ran the 15 (repeat, fold) items (%zu)", items);
	}
	cvrun_result_release(&r1);
	cvrun_result_release(&r3);
	featspec_release(&fs);
	diag_release(&d);
	featdata_free(fd);
}

/* A stack takes its final base models from the cell's standalone learners (issue 14.1): its
 * results are the same whether they are shared, refitted because a standalone learner has other
 * parameters, or fitted alone; and a train -> test run gives the same with 1 and 2 threads. */
static void test_stack_shares(void)
{
	const char *const texts[] = {
	    "alpha beta exec",   "exec socket exec", "beta gamma", "socket exec base64",
	    "alpha gamma delta", "base64 eval",      "delta"};
	struct featdata *fd = make_fd(70, texts, 7);
	struct featspec fs;
	struct cvrun_options o;
	const struct learner_type *st = learner_find("stack");
	struct cvrun_learner alone[] = {{st, NULL}};
	struct cvrun_learner all[] = {{learner_find("rf"), NULL},  {learner_find("svm"), NULL},
	                              {learner_find("mlp"), NULL}, {learner_find("dt"), NULL},
	                              {learner_find("nb"), NULL},  {st, NULL}};
	struct cvrun_learner other[] = {
	    {st, NULL}, {learner_find("rf"), "trees=3"}, {learner_find("mlp"), "hidden=7"}};
	struct cvrun_result ra, rb, rc;
	struct diag d;
	size_t tr[50], te[20];
	diag_init(&d);
	cvrun_options_default(&o);
	o.folds = 5;
	o.repeats = 1;
	o.vp.num_words = 8;
	featspec_parse("T+M", &fs, NULL);
	int ok = cvrun_run(fd, &fs, 1, alone, 1, &o, &ra, &d) == 0 &&
	         cvrun_run(fd, &fs, 1, all, 6, &o, &rb, &d) == 0 &&
	         cvrun_run(fd, &fs, 1, other, 3, &o, &rc, &d) == 0;
	if (CHECK(ok, "cv: stack alone, with the five base learners, with changed ones (%s)",
	          diag_message(&d))) {
		int same_b = 1, same_c = 1;
		for (size_t f = 0; f < 5; f++) {
			const struct cvrun_cell *a = cvrun_cell_at(&ra, 0, 0, 0, f);
			const struct cvrun_cell *b = cvrun_cell_at(&rb, 0, 5, 0, f);
			const struct cvrun_cell *c = cvrun_cell_at(&rc, 0, 0, 0, f);
			same_b &= a->ok && b->ok && !memcmp(&a->m, &b->m, sizeof(a->m));
			same_c &= a->ok && c->ok && !memcmp(&a->m, &c->m, sizeof(a->m));
		}
		same_b &= !memcmp(cvrun_oof_at(&ra, 0, 0, 0), cvrun_oof_at(&rb, 0, 5, 0),
		                  70 * sizeof(double));
		same_c &= !memcmp(cvrun_oof_at(&ra, 0, 0, 0), cvrun_oof_at(&rc, 0, 0, 0),
		                  70 * sizeof(double));
		CHECK(same_b, "cv: the stack sharing the standalone rf, svm, mlp, dt, nb gives the "
		              "stack's results alone, fold by fold");
		CHECK(same_c, "cv: standalone learners with other parameters are not shared");
	}
	cvrun_result_release(&ra);
	cvrun_result_release(&rb);
	cvrun_result_release(&rc);
	for (size_t i = 0; i < 50; i++)
		tr[i] = i;
	for (size_t i = 0; i < 20; i++)
		te[i] = 50 + i;
	{
		struct cvrun_tt t1, t2, t3;
		o.jobs = 1;
		int a = cvrun_train_test_many(fd, &fs, all, 6, &o, tr, 50, te, 20, &t1, &d);
		o.jobs = 2;
		int b = cvrun_train_test_many(fd, &fs, all, 6, &o, tr, 50, te, 20, &t2, &d);
		int c = cvrun_train_test_many(fd, &fs, alone, 1, &o, tr, 50, te, 20, &t3, &d);
		if (CHECK(a == 0 && b == 0 && c == 0,
		          "train -> test of six learners, 1 and 2 threads")) {
			int same = t1.n_learners == 6;
			for (size_t l = 0; same && l < 6; l++)
				same =
				    t1.fit[l].ok && t2.fit[l].ok &&
				    !memcmp(t1.fit[l].score, t2.fit[l].score, 20 * sizeof(double));
			CHECK(same,
			      "train -> test: every learner scores alike with 1 and 2 threads");
			CHECK(t3.fit[0].ok &&
			          !memcmp(t1.fit[5].score, t3.fit[0].score, 20 * sizeof(double)),
			      "train -> test: the stack with shared base models = the stack alone");
		}
		cvrun_tt_release(&t1);
		cvrun_tt_release(&t2);
		cvrun_tt_release(&t3);
	}
	featspec_release(&fs);
	diag_release(&d);
	featdata_free(fd);
}

/* learner_fit_cell(): the stack asks the cell for each of its five base types and scores with
 * the peer it is given (here an rf fitted with another seed than the cell's, so that using it
 * shows in the scores). */
struct fake_cell {
	const struct learner *rf;
	int calls;
	int with_rf;
};

static const struct learner *fake_peer(const struct learner_cell *c, const struct learner_type *t,
                                       unsigned long *seed)
{
	struct fake_cell *f = c->arg;
	f->calls++;
	*seed = 1000 + strlen(t->name);
	return f->with_rf ? (t == learner_find("rf") ? f->rf : NULL) : NULL;
}

static void test_stack_cell(void)
{
	const char *const texts[] = {"alpha beta exec", "exec socket", "beta gamma",
	                             "socket base64", "alpha delta eval"};
	struct featdata *fd = make_fd(60, texts, 5);
	struct featspec fs;
	struct vocab_params vp;
	struct dataset *x = NULL, *y = NULL;
	size_t tr[40], te[20];
	struct diag d;
	diag_init(&d);
	vocab_params_default(&vp);
	vp.num_words = 8;
	featspec_parse("T+M", &fs, NULL);
	for (size_t i = 0; i < 40; i++)
		tr[i] = i;
	for (size_t i = 0; i < 20; i++)
		te[i] = 40 + i;
	featdata_build(fd, &fs, &vp, NULL, tr, 40, te, 20, &x, &y, NULL, NULL, &d);
	struct learner *rf = learner_alloc(learner_find("rf"), NULL, &d);
	struct learner *s1 = learner_alloc(learner_find("stack"), NULL, &d);
	struct learner *s2 = learner_alloc(learner_find("stack"), NULL, &d);
	gsl_rng *r0 = rng_alloc(999), *r1 = rng_alloc(5), *r2 = rng_alloc(5);
	struct fake_cell with = {NULL, 0, 1}, without = {NULL, 0, 0};
	struct learner_cell c1 = {fake_peer, &with}, c2 = {fake_peer, &without};
	double a[20], b[20];
	if (CHECK(x && rf && s1 && s2 && learner_fit(rf, x, r0, &d) == 0, "fixture")) {
		with.rf = rf;
		CHECK(learner_fit_cell(s1, x, r1, &c1, &d) == 0 &&
		          learner_fit_cell(s2, x, r2, &c2, &d) == 0 &&
		          learner_score(s1, y, a, &d) == 0 && learner_score(s2, y, b, &d) == 0,
		      "stack fitted in two cells");
		CHECK(with.calls == 5 && without.calls == 5,
		      "the stack asked for its 5 base types");
		CHECK(memcmp(a, b, sizeof(a)) != 0,
		      "the rf the cell offers is the one the stack scores with");
	}
	learner_free(s1); /* before the rf it borrows */
	learner_free(s2);
	learner_free(rf);
	rng_free(r0);
	rng_free(r1);
	rng_free(r2);
	dataset_free(x);
	dataset_free(y);
	featspec_release(&fs);
	diag_release(&d);
	featdata_free(fd);
}

/* FNV-1a over "cell/r/f/name" from the basis cvrun.h documents, then rng_derive(). */
static unsigned long expected_seed(unsigned long seed, const char *cell)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = cell; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return rng_derive(seed, (unsigned long)h);
}

static void test_cell_seed(void)
{
	CHECK(cvrun_cell_seed(1, 0, 3, "rf") == expected_seed(1, "cell/0/3/rf"),
	      "cell (0, 3, rf) of seed 1: FNV-1a of 'cell/0/3/rf' from the documented basis");
	CHECK(cvrun_cell_seed(7, 9, 0, "stack") == expected_seed(7, "cell/9/0/stack"),
	      "cell (9, 0, stack) of seed 7");
	CHECK(cvrun_cell_seed(1, CVRUN_TRAIN_TEST, CVRUN_TRAIN_TEST, "mlp") ==
	          expected_seed(1, "cell/18446744073709551615/18446744073709551615/mlp"),
	      "train -> test fits use repeat = fold = (size_t)-1");
	CHECK(cvrun_cell_seed(1, 0, 0, "rf") != cvrun_cell_seed(1, 0, 0, "dt"),
	      "learners of one cell get different streams");
}

int main(void)
{
	toolkit_init();
	test_train_test_vocab();
	test_jobs_invariance();
	test_cell_seed();
	test_stack_shares();
	test_stack_cell();
	return harness_done();
}
