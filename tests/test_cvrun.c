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
		char id[16];
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
	return harness_done();
}
