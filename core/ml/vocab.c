/* Keras-compatible vocabulary fit and texts_to_matrix (spec Appendix B, D10-D13). */
#include "core/ml/vocab.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/datafile.h"

#define VOCAB_MAX_DISTINCT 50000000u
#define FILTER_MAX_WORDS 100000u
#define FILTER_MAX_LEN 256u

const struct param_spec vocab_param_specs[] = {
    {"num_words", PARAM_INT, offsetof(struct vocab_params, num_words), "500", NULL,
     "vocabulary columns (Keras num_words): the num_words-1 most frequent tokens, column 0 unused"},
    {"mode", PARAM_ENUM, offsetof(struct vocab_params, mode), "binary", "binary|count|freq|tfidf",
     "Keras texts_to_matrix mode"},
    {"lower", PARAM_BOOL, offsetof(struct vocab_params, lower), "1", NULL,
     "ASCII lower-case tokens before the fit (tokens extracted with text.lower=1 already are)"},
    {"preprocess", PARAM_BOOL, offsetof(struct vocab_params, preprocess), "0", NULL,
     "remove Python keywords and English stop words before the fit (D11; set names '+pre')"},
    {"vocab_scope", PARAM_ENUM, offsetof(struct vocab_params, scope), "fold", "fold|all",
     "fit the vocabulary on training rows only (fold) or on all rows once (all, the paper's likely "
     "leak; D12)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

void vocab_params_default(struct vocab_params *p)
{
	memset(p, 0, sizeof(*p));
	if (params_set_defaults(vocab_param_specs, p, NULL) < 0)
		BUG("bad default in vocab_param_specs");
}

/* ---- helpers ---- */

static char *dup_lower(const char *s, int lower)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = lower && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	c[n] = '\0';
	return c;
}

/* A token lower-cased into a small stack buffer when it fits, else into heap memory that the
 * caller frees (*heap). Returns NULL only on out of memory. */
static const char *lowered(const char *s, int lower, char *buf, size_t n, char **heap)
{
	*heap = NULL;
	if (!lower)
		return s;
	size_t len = strlen(s);
	char *dst = buf;
	if (len >= n) {
		dst = *heap = malloc(len + 1);
		if (!dst)
			return NULL;
	}
	for (size_t i = 0; i <= len; i++)
		dst[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	return dst;
}

/* ---- word filter ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vocab_filter_add(struct vocab_filter *f, const char *word)
{
	if (vocab_filter_has(f, word))
		return 0;
	char *c = dup_lower(word, 1);
	if (!c)
		return -1;
	char **nw = realloc(f->word, (f->n + 1) * sizeof(*nw));
	if (!nw) {
		free(c);
		return -1;
	}
	f->word = nw;
	size_t i = f->n;
	while (i > 0 && strcmp(f->word[i - 1], c) > 0) {
		f->word[i] = f->word[i - 1];
		i--;
	}
	f->word[i] = c;
	f->n++;
	return 0;
}

int vocab_filter_has(const struct vocab_filter *f, const char *token)
{
	if (!f || !f->n)
		return 0;
	char buf[FILTER_MAX_LEN + 1], *heap;
	if (strlen(token) > FILTER_MAX_LEN)
		return 0;
	const char *key = lowered(token, 1, buf, sizeof(buf), &heap);
	int found = key && bsearch(&key, f->word, f->n, sizeof(char *), cmp_str) != NULL;
	free(heap);
	return found;
}

int vocab_filter_add_file(struct vocab_filter *f, const char *path, struct diag *d)
{
	FILE *in = fopen(path, "r");
	if (!in)
		return diag_error(d, "cannot open word list '%s'", path);
	char line[FILTER_MAX_LEN + 8];
	size_t lineno = 0, added = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] != '\n' && !feof(in)) {
			rc = diag_error(d, "word list '%s': line %zu too long", path, lineno);
			break;
		}
		while (len &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (++added > FILTER_MAX_WORDS) {
			rc = diag_error(d, "word list '%s': more than %u words", path,
			                FILTER_MAX_WORDS);
			break;
		}
		if (vocab_filter_add(f, line) < 0) {
			rc = diag_error(d, "out of memory reading '%s'", path);
			break;
		}
	}
	fclose(in);
	if (rc < 0)
		return rc;
	for (int s = 0; s < 2; s++)
		if (!f->sha256[s][0]) {
			if (datafile_sha256(path, f->sha256[s]) < 0)
				return diag_error(d, "cannot hash '%s'", path);
			break;
		}
	return 0;
}

int vocab_filter_load_default(struct vocab_filter *f, struct diag *d)
{
	static const char *const names[] = {"python_keywords.txt", "stopwords_en.txt"};
	for (size_t i = 0; i < 2; i++) {
		char path[4096];
		if (!datafile_path(names[i], path, sizeof(path)))
			return diag_error(d, "word list '%s' not found (tried '%s')", names[i],
			                  path);
		if (vocab_filter_add_file(f, path, d) < 0)
			return -1;
	}
	return 0;
}

void vocab_filter_release(struct vocab_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->word[i]);
	free(f->word);
	memset(f, 0, sizeof(*f));
}

/* ---- the fit ---- */

/* Fit statistics of one token; tokens themselves live in a core/strset (first-seen order). */
struct entry {
	unsigned long count, docs;
	size_t last_doc; /* 1 + index of the last document that counted this token */
};

struct table {
	struct strset tok; /* distinct tokens, index = first-seen order */
	struct entry *e;   /* e[i] belongs to token i */
	size_t cap;
};

/* The entry for `tok` (already lower-cased as needed), created when new; NULL on out of memory. */
static struct entry *table_get(struct table *t, const char *tok)
{
	size_t i;
	if (strset_add(&t->tok, tok, strlen(tok), &i) < 0)
		return NULL;
	if (i >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct entry *ne = realloc(t->e, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		memset(ne + t->cap, 0, (cap - t->cap) * sizeof(*ne));
		t->e = ne;
		t->cap = cap;
	}
	return &t->e[i];
}

static void table_release(struct table *t)
{
	strset_release(&t->tok);
	free(t->e);
}

struct rank {
	unsigned long count;
	size_t idx; /* entry (first-seen) order */
};

/* Count descending; equal counts keep first-seen (entry) order: a stable sort by count. */
static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Build the lookup set over v->word[] (index i + 1 = column). */
static int vocab_index_build(struct vocab *v)
{
	for (size_t i = 0; i < v->n_words; i++)
		if (strset_add(&v->lookup, v->word[i], strlen(v->word[i]), NULL) < 0)
			return -1;
	return 0;
}

int vocab_fit(const struct doc_tokens *const *docs, size_t n_docs, size_t num_words, int lower,
              const struct vocab_filter *filter, struct vocab *v, struct diag *d)
{
	struct table t = {STRSET_INIT, NULL, 0};
	struct rank *order = NULL;
	int rc = -1;
	vocab_release(v);
	if (num_words < 1)
		return diag_error(d, "vocabulary: num_words must be at least 1");
	for (size_t i = 0; i < n_docs; i++) {
		const struct doc_tokens *dt = docs[i];
		for (size_t k = 0; dt && k < dt->n; k++) {
			char buf[128], *heap;
			const char *key = lowered(dt->tok[k], lower, buf, sizeof(buf), &heap);
			if (!key) {
				diag_error(d, "vocabulary: out of memory");
				goto end;
			}
			if (filter && vocab_filter_has(filter, key)) {
				free(heap);
				continue;
			}
			if (t.tok.count >= VOCAB_MAX_DISTINCT) {
				free(heap);
				diag_error(d, "vocabulary: more than %u distinct tokens",
				           VOCAB_MAX_DISTINCT);
				goto end;
			}
			struct entry *e = table_get(&t, key);
			free(heap);
			if (!e) {
				diag_error(d, "vocabulary: out of memory");
				goto end;
			}
			e->count += dt->count[k];
			if (e->last_doc != i + 1) {
				e->docs++;
				e->last_doc = i + 1;
			}
		}
	}
	order = malloc((t.tok.count ? t.tok.count : 1) * sizeof(*order));
	if (!order) {
		diag_error(d, "vocabulary: out of memory");
		goto end;
	}
	for (size_t i = 0; i < t.tok.count; i++) {
		order[i].count = t.e[i].count;
		order[i].idx = i;
	}
	/* qsort is not stable, but the comparator breaks ties by entry (first-seen) order, so the
	 * result equals Keras' stable sort of word_counts by count, descending. */
	qsort(order, t.tok.count, sizeof(*order), cmp_rank);
	size_t keep = t.tok.count < num_words - 1 ? t.tok.count : num_words - 1;
	v->num_words = num_words;
	v->n_words = keep;
	v->n_distinct = t.tok.count;
	v->document_count = n_docs;
	v->lower = lower;
	v->word = calloc(keep ? keep : 1, sizeof(char *));
	v->count = calloc(keep ? keep : 1, sizeof(unsigned long));
	v->docs = calloc(keep ? keep : 1, sizeof(unsigned long));
	if (!v->word || !v->count || !v->docs) {
		diag_error(d, "vocabulary: out of memory");
		goto end;
	}
	for (size_t r = 0; r < keep; r++) {
		struct entry *e = &t.e[order[r].idx];
		v->word[r] = dup_lower(strset_get(&t.tok, order[r].idx), 0);
		if (!v->word[r]) {
			diag_error(d, "vocabulary: out of memory");
			goto end;
		}
		v->count[r] = e->count;
		v->docs[r] = e->docs;
	}
	if (vocab_index_build(v) < 0) {
		diag_error(d, "vocabulary: out of memory");
		goto end;
	}
	rc = 0;
end:
	free(order);
	table_release(&t);
	if (rc < 0)
		vocab_release(v);
	return rc;
}

int vocab_from_parts(struct vocab *v, size_t num_words, int lower, unsigned long document_count,
                     const char *const *words, const unsigned long *docs, size_t n, struct diag *d)
{
	vocab_release(v);
	if (num_words < 1 || n > num_words - 1)
		return diag_error(d, "vocabulary: %zu tokens do not fit num_words %zu", n,
		                  num_words);
	v->num_words = num_words;
	v->lower = lower;
	v->document_count = document_count;
	v->word = calloc(n ? n : 1, sizeof(char *));
	v->count = calloc(n ? n : 1, sizeof(unsigned long));
	v->docs = calloc(n ? n : 1, sizeof(unsigned long));
	if (!v->word || !v->count || !v->docs)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		if (!words[i] || !words[i][0]) {
			vocab_release(v);
			return diag_error(d, "vocabulary: empty token at index %zu", i + 1);
		}
		v->word[i] = dup_lower(words[i], 0);
		if (!v->word[i])
			goto oom;
		v->n_words = i + 1;
		v->docs[i] = docs ? docs[i] : 0;
	}
	v->n_distinct = n;
	if (vocab_index_build(v) < 0)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (vocab_index(v, words[i]) != i + 1) {
			vocab_release(v);
			return diag_error(d, "vocabulary: duplicate token '%s'", words[i]);
		}
	return 0;
oom:
	vocab_release(v);
	return diag_error(d, "vocabulary: out of memory");
}

size_t vocab_index(const struct vocab *v, const char *token)
{
	if (!v->lookup.count)
		return 0;
	char buf[128], *heap;
	const char *key = lowered(token, v->lower, buf, sizeof(buf), &heap);
	if (!key)
		return 0;
	size_t i = strset_find(&v->lookup, key, strlen(key));
	free(heap);
	return i == (size_t)-1 ? 0 : i + 1;
}

int vocab_transform(const struct vocab *v, const struct doc_tokens *const *docs, size_t n, int mode,
                    double *out, size_t stride, struct diag *d)
{
	size_t nw = v->num_words;
	if (nw == 0)
		return diag_error(d, "vocabulary: transform before fit");
	if (stride < nw)
		BUG("vocab_transform: stride %zu < num_words %zu", stride, nw);
	if (mode < VOCAB_BINARY || mode > VOCAB_TFIDF)
		return diag_error(d, "vocabulary: unknown mode %d", mode);
	if (mode == VOCAB_TFIDF && v->document_count == 0)
		return diag_error(d, "vocabulary: tfidf needs a fitted vocabulary");
	for (size_t i = 0; i < n; i++) {
		double *row = out + i * stride;
		for (size_t j = 0; j < nw; j++)
			row[j] = 0.0;
		const struct doc_tokens *dt = docs[i];
		double total = 0.0; /* len(seq): kept tokens only */
		for (size_t k = 0; dt && k < dt->n; k++) {
			size_t j = vocab_index(v, dt->tok[k]);
			if (!j)
				continue;
			row[j] += (double)dt->count[k];
			total += (double)dt->count[k];
		}
		for (size_t j = 1; j < nw && total > 0; j++) {
			double c = row[j];
			if (c <= 0)
				continue;
			switch (mode) {
			case VOCAB_BINARY:
				row[j] = 1.0;
				break;
			case VOCAB_COUNT:
				break;
			case VOCAB_FREQ:
				row[j] = c / total;
				break;
			case VOCAB_TFIDF:
				row[j] =
				    (1.0 + log(c)) * log(1.0 + (double)v->document_count /
				                                   (1.0 + (double)v->docs[j - 1]));
				break;
			}
		}
	}
	return 0;
}

const char *vocab_column_name(const struct vocab *v, size_t j, char *buf, size_t n)
{
	if (j >= 1 && j <= v->n_words) {
		int k = snprintf(buf, n, "text:%s", v->word[j - 1]);
		if (k >= 0 && (size_t)k >= n && n >= 4)
			memcpy(buf + n - 4, "...", 4);
	} else {
		snprintf(buf, n, "text:#%zu", j);
	}
	return buf;
}

void vocab_release(struct vocab *v)
{
	if (!v)
		return;
	for (size_t i = 0; v->word && i < v->n_words; i++)
		free(v->word[i]);
	free(v->word);
	free(v->count);
	free(v->docs);
	strset_release(&v->lookup);
	memset(v, 0, sizeof(*v));
}
