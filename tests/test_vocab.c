/* Unit tests for core/vocab: Keras Tokenizer parity on hand-worked matrices (spec Appendix B). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/featdata.h"
#include "core/base/toolkit.h"
#include "core/ml/vocab.h"
#include "tests/harness.h"

/* A document from Keras-style text through pyvet's tokenizer. */
static void doc_text(struct doc_tokens *dt, const char *text, int lower)
{
	struct tokenize_options o;
	tokenize_options_default(&o);
	o.lower = lower;
	memset(dt, 0, sizeof(*dt));
	if (doc_tokens_from_text(dt, text, strlen(text), &o, NULL) < 0)
		abort();
}

static void docs_release(struct doc_tokens *dt, size_t n)
{
	for (size_t i = 0; i < n; i++)
		doc_tokens_release(&dt[i]);
}

static void fit_texts(const char *const *texts, size_t n, size_t num_words, int lower,
                      const struct vocab_filter *f, struct vocab *v)
{
	struct doc_tokens dt[8];
	const struct doc_tokens *p[8];
	for (size_t i = 0; i < n; i++) {
		doc_text(&dt[i], texts[i], lower);
		p[i] = &dt[i];
	}
	memset(v, 0, sizeof(*v));
	if (vocab_fit(p, n, num_words, lower, f, v, NULL) < 0)
		abort();
	docs_release(dt, n);
}

static void transform_texts(const struct vocab *v, const char *const *texts, size_t n, int mode,
                            double *out)
{
	struct doc_tokens dt[8];
	const struct doc_tokens *p[8];
	for (size_t i = 0; i < n; i++) {
		doc_text(&dt[i], texts[i], 1);
		p[i] = &dt[i];
	}
	if (vocab_transform(v, p, n, mode, out, v->num_words, NULL) < 0)
		abort();
	docs_release(dt, n);
}

/* Keras: word_counts b:3 a:2 c:3 d:1 e:1 in first-seen order b,a,c,d,e; stable sort by count
 * gives b=1, c=2, a=3, d=4, e=5; word_docs b:3 a:1 c:2 d:1 e:1. */
static const char *const fit_corpus[] = {"b a a c", "c c b d", "e b"};
static const char *const probe[] = {"a b b z", "d e", ""};

static void test_fit_order(void)
{
	struct vocab v;
	fit_texts(fit_corpus, 3, 8, 1, NULL, &v);
	CHECK_INT(v.n_words, 5, "vocab_fit keeps every token when num_words is large");
	CHECK_INT(v.n_distinct, 5, "vocab_fit counts distinct tokens");
	CHECK_STR(v.word[0], "b", "vocab_ties_keep_first_seen_order: b (3) before c (3)");
	CHECK_STR(v.word[1], "c", "index 2 is c");
	CHECK_STR(v.word[2], "a", "index 3 is a (count 2)");
	CHECK_STR(v.word[3], "d", "index 4 is d (first seen before e)");
	CHECK_STR(v.word[4], "e", "index 5 is e");
	CHECK_INT(v.docs[0], 3, "index_docs of b is 3");
	CHECK_INT(v.docs[1], 2, "index_docs of c is 2");
	CHECK_INT(v.docs[2], 1, "index_docs of a is 1");
	CHECK_INT(v.document_count, 3, "document_count");
	CHECK_INT(vocab_index(&v, "a"), 3, "vocab_index finds a");
	CHECK_INT(vocab_index(&v, "A"), 3, "vocab_index lower-cases with lower=1");
	CHECK_INT(vocab_index(&v, "z"), 0, "unknown token has index 0");
	char buf[64];
	CHECK_STR(vocab_column_name(&v, 0, buf, sizeof(buf)), "text:#0", "column 0 name");
	CHECK_STR(vocab_column_name(&v, 3, buf, sizeof(buf)), "text:a", "column 3 name");
	CHECK_STR(vocab_column_name(&v, 6, buf, sizeof(buf)), "text:#6", "unused column name");
	CHECK_STR(vocab_column_name(&v, 7, buf, sizeof(buf)), "text:#7", "last unused column name");
	vocab_release(&v);
}

static void test_ties_across_docs(void)
{
	/* p and q tie at 2; the winner is the one seen first, so document order matters. */
	const char *const a[] = {"p", "q q", "p"};
	const char *const b[] = {"q q", "p", "p"};
	struct vocab v;
	fit_texts(a, 3, 10, 1, NULL, &v);
	CHECK_STR(v.word[0], "p", "tie: p first when its document comes first");
	vocab_release(&v);
	fit_texts(b, 3, 10, 1, NULL, &v);
	CHECK_STR(v.word[0], "q", "tie: q first when its document comes first");
	vocab_release(&v);
	/* within one document: first occurrence, not alphabetical */
	const char *const c[] = {"zz yy xx yy zz xx"};
	fit_texts(c, 1, 10, 1, NULL, &v);
	CHECK(!strcmp(v.word[0], "zz") && !strcmp(v.word[1], "yy") && !strcmp(v.word[2], "xx"),
	      "tie within a document keeps first occurrence order zz, yy, xx");
	vocab_release(&v);
}

static void test_modes(void)
{
	struct vocab v;
	double m[3 * 4];
	fit_texts(fit_corpus, 3, 4, 1, NULL, &v); /* keeps b, c, a */
	CHECK_INT(v.n_words, 3, "num_words 4 keeps 3 tokens (column 0 reserved)");
	CHECK_INT(vocab_index(&v, "d"), 0, "num_words cut-off drops d");

	transform_texts(&v, probe, 3, VOCAB_BINARY, m);
	static const double bin[12] = {0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
	int ok = 1;
	for (int i = 0; i < 12; i++)
		ok &= m[i] == bin[i];
	CHECK(ok, "binary matrix equals the hand-worked one (d, e, z dropped; empty row zero)");
	CHECK(m[0] == 0 && m[4] == 0 && m[8] == 0, "column 0 is always 0");

	transform_texts(&v, probe, 3, VOCAB_COUNT, m);
	CHECK(m[1] == 2 && m[2] == 0 && m[3] == 1, "count mode: b=2, c=0, a=1");

	transform_texts(&v, probe, 3, VOCAB_FREQ, m);
	CHECK_REL(m[1], 2.0 / 3.0, 1e-15, "freq divides by the kept tokens only (z excluded): 2/3");
	CHECK_REL(m[3], 1.0 / 3.0, 1e-15, "freq a = 1/3");
	CHECK(m[5] == 0 && m[6] == 0 && m[7] == 0, "freq: a row with no kept token is 0");

	transform_texts(&v, probe, 3, VOCAB_TFIDF, m);
	CHECK_REL(m[1], (1 + log(2.0)) * log(1 + 3.0 / (1 + 3)), 1e-14,
	          "tfidf b = (1 + ln 2) ln(1 + 3/4)");
	CHECK_REL(m[3], log(1 + 3.0 / 2), 1e-14, "tfidf a = ln(1 + 3/2)");
	CHECK(m[2] == 0 && m[0] == 0, "tfidf absent token and column 0 are 0");
	vocab_release(&v);

	struct vocab empty = {0};
	double one[4];
	const struct doc_tokens *none[1] = {NULL};
	struct diag d;
	diag_init(&d);
	CHECK(vocab_transform(&empty, none, 1, VOCAB_TFIDF, one, 4, &d) < 0,
	      "tfidf before any fit is an error");
	diag_release(&d);
}

static void test_num_words_one(void)
{
	struct vocab v;
	fit_texts(fit_corpus, 3, 1, 1, NULL, &v);
	CHECK_INT(v.n_words, 0, "num_words 1 keeps no token");
	double m[3];
	transform_texts(&v, probe, 3, VOCAB_BINARY, m);
	CHECK(m[0] == 0 && m[1] == 0 && m[2] == 0, "num_words 1 gives one zero column");
	vocab_release(&v);
}

static void test_preprocess(void)
{
	struct vocab_filter f = {0};
	struct diag d;
	diag_init(&d);
	int rc = vocab_filter_load_default(&f, &d);
	CHECK(rc == 0, "shipped word lists load (%s)", diag_message(&d));
	CHECK_INT(f.n, 35 + 179 - 11,
	          "keywords (35) and stop words (179) share 11 lower-cased entries");
	CHECK(vocab_filter_has(&f, "IMPORT") && vocab_filter_has(&f, "don't") &&
	          !vocab_filter_has(&f, "exec") && !vocab_filter_has(&f, "print"),
	      "filter: IMPORT and don't removed, exec and print kept");
	const char *const t[] = {"The import os; If x don't exec", "import os"};
	struct vocab v;
	fit_texts(t, 2, 10, 1, &f, &v);
	CHECK_INT(v.n_words, 3, "preprocessing leaves os, x, exec");
	CHECK(vocab_index(&v, "os") == 1 && vocab_index(&v, "x") == 2 &&
	          vocab_index(&v, "exec") == 3 && vocab_index(&v, "import") == 0 &&
	          vocab_index(&v, "the") == 0,
	      "removed tokens never enter the vocabulary");
	vocab_release(&v);
	/* with lower=0 the token 'The' is still removed: the filter compares lower-cased forms */
	fit_texts(t, 2, 10, 0, &f, &v);
	CHECK(vocab_index(&v, "The") == 0 && vocab_index(&v, "If") == 0 &&
	          vocab_index(&v, "os") == 1,
	      "lower=0: 'The' and 'If' removed by their lower-cased form");
	vocab_release(&v);
	vocab_filter_release(&f);
	diag_release(&d);
}

static void test_lower_merge(void)
{
	/* Token files made with text.lower=0 hold Popen and popen separately; fitting with lower=1
	 * merges them as Keras would have, with the first occurrence of either. */
	const char *const t[] = {"Popen x popen popen", "x x"};
	struct vocab v;
	fit_texts(t, 2, 10, 0, NULL, &v);
	CHECK_INT(v.n_words, 3, "lower=0 keeps Popen and popen apart");
	vocab_release(&v);
	struct doc_tokens dt[2];
	const struct doc_tokens *p[2] = {&dt[0], &dt[1]};
	doc_text(&dt[0], t[0], 0);
	doc_text(&dt[1], t[1], 0);
	memset(&v, 0, sizeof(v));
	vocab_fit(p, 2, 10, 1, NULL, &v, NULL);
	CHECK(v.n_words == 2 && !strcmp(v.word[0], "popen") && v.count[0] == 3 && v.docs[0] == 1,
	      "lower=1 merges Popen/popen: count 3, one document, ranked before x (also 3, first "
	      "seen later)");
	double m[10];
	vocab_transform(&v, p, 1, VOCAB_COUNT, m, 10, NULL);
	CHECK(m[1] == 3 && m[2] == 1, "transform lower-cases too: popen column counts 3");
	vocab_release(&v);
	docs_release(dt, 2);
}

static void test_from_parts(void)
{
	struct vocab v, w = {0};
	fit_texts(fit_corpus, 3, 8, 1, NULL, &v);
	CHECK(vocab_from_parts(&w, 8, 1, v.document_count, (const char *const *)v.word, v.docs,
	                       v.n_words, NULL) == 0,
	      "vocab_from_parts rebuilds a vocabulary");
	double a[3 * 8], b[3 * 8];
	transform_texts(&v, probe, 3, VOCAB_TFIDF, a);
	transform_texts(&w, probe, 3, VOCAB_TFIDF, b);
	CHECK(!memcmp(a, b, sizeof(a)), "rebuilt vocabulary gives identical tfidf rows");
	const char *const dup[] = {"a", "a"};
	unsigned long dd[2] = {1, 1};
	struct vocab x = {0};
	CHECK(vocab_from_parts(&x, 8, 1, 2, dup, dd, 2, NULL) < 0, "duplicate tokens are rejected");
	CHECK(vocab_from_parts(&x, 2, 1, 2, dup, dd, 2, NULL) < 0, "too many tokens are rejected");
	vocab_release(&v);
	vocab_release(&w);
}

/* The vocabulary used by featdata_build() comes from training rows only (D12). */
static void test_never_fit_on_test(void)
{
	struct featdata fd = {0};
	fd.fixed = dataset_alloc(4, 1);
	fd.docs = calloc(4, sizeof(*fd.docs));
	fd.name = calloc(4, sizeof(char *));
	const char *const texts[] = {"alpha beta", "beta gamma", "secretword secretword secretword",
	                             "alpha"};
	for (size_t i = 0; i < 4; i++) {
		char id[8];
		snprintf(id, sizeof(id), "p%zu", i);
		dataset_set_string(&fd.fixed->row_id[i], id);
		dataset_set_string(&fd.fixed->group[i], id);
		dataset_set_string(&fd.fixed->date[i], "");
		fd.fixed->y[i] = (int)(i % 2);
		doc_text(&fd.docs[i], texts[i], 1);
		fd.name[i] = calloc(1, 1);
	}
	dataset_set_string(&fd.fixed->feature_name[0], "meta.x");
	struct featspec fs;
	featspec_parse("T", &fs, NULL);
	struct vocab_params vp;
	vocab_params_default(&vp);
	vp.num_words = 10;
	size_t tr[] = {0, 1, 3}, te[] = {2};
	struct dataset *a = NULL, *b = NULL;
	struct vocab v = {0};
	int rc = featdata_build(&fd, &fs, &vp, NULL, tr, 3, te, 1, &a, &b, &v, NULL, NULL);
	CHECK(rc == 0 && vocab_index(&v, "secretword") == 0 && v.n_words == 3,
	      "a token present only in test documents never enters the vocabulary");
	CHECK(rc == 0 && b->d == 10 && dataset_get(b, 0, 1) == 0 && dataset_get(b, 0, 2) == 0 &&
	          dataset_get(b, 0, 3) == 0,
	      "the test row of unseen tokens is all zero");
	CHECK(rc == 0 && v.document_count == 3, "document_count is the number of training rows");
	dataset_free(a);
	dataset_free(b);
	vp.scope = VOCAB_SCOPE_ALL;
	rc = featdata_build(&fd, &fs, &vp, NULL, tr, 3, te, 1, &a, &b, &v, NULL, NULL);
	CHECK(
	    rc == 0 && vocab_index(&v, "secretword") == 1,
	    "text.vocab_scope=all fits on every row (the paper's likely leak): secretword ranks 1");
	dataset_free(a);
	dataset_free(b);
	vocab_release(&v);
	featspec_release(&fs);
	for (size_t i = 0; i < 4; i++) {
		doc_tokens_release(&fd.docs[i]);
		free(fd.name[i]);
	}
	free(fd.docs);
	free(fd.name);
	dataset_free(fd.fixed);
}

int main(void)
{
	toolkit_init();
	test_fit_order();
	test_ties_across_docs();
	test_modes();
	test_num_words_one();
	test_preprocess();
	test_lower_merge();
	test_from_parts();
	test_never_fit_on_test();
	return harness_done();
}
