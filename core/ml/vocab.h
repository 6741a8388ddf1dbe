/* vocab: the Keras Tokenizer vocabulary fit and texts_to_matrix vectorisation (spec Appendix B,
 * decisions D10-D13), on per-document token counts (core/ml/tokenize.h).
 *
 * Fit (Keras fit_on_texts): documents are visited in the given order, and within a document the
 * tokens in first-occurrence order, which reproduces Keras' ordered word_counts exactly.
 * word_docs counts the documents holding a token. Tokens are sorted by total count, descending,
 * with a stable sort (ties keep first-seen order); the token of rank k gets index k (from 1).
 * Index 0 is reserved and never assigned. Only the tokens of index 1 .. num_words-1 are kept:
 * they are the only ones texts_to_matrix can use.
 *
 * Preprocessing (D11): with a filter (struct vocab_filter), a token is removed, before the fit
 * and before vectorising, if its ASCII lower-cased form equals a list entry lower-cased.
 * Lower-casing (text.lower): when `lower` is set, tokens are ASCII lower-cased before use; tokens
 * extracted with text.lower=1 are already lower-case, so this only matters for token files made
 * with text.lower=0 (lowering them here merges "Popen" and "popen" exactly as Keras would).
 *
 * Transform (sequences_to_matrix): num_words columns; column 0 is always 0; for a document with
 * c_j occurrences of the token with index j (kept tokens only):
 *   binary: 1;  count: c_j;  freq: c_j / (sum of c over kept tokens);
 *   tfidf: (1 + ln c_j) * ln(1 + document_count / (1 + index_docs[j])), natural logarithms,
 *          document_count and index_docs of the fit corpus.
 * Column names (D13): "text:<token>" for j >= 1, "text:#0" for column 0 and "text:#<j>" for
 * unused columns when the fit corpus has fewer than num_words-1 distinct tokens.
 *
 * The vocabulary is fitted on training rows only (D12); callers choose the rows.
 *
 * Memory management: struct vocab and struct vocab_filter are caller-owned; vocab_release() and
 * vocab_filter_release() free what the fit / load allocated (NULL-safe). Documents passed in are
 * borrowed and never kept. */
#ifndef PYVET_VOCAB_H
#define PYVET_VOCAB_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/strset.h"
#include "core/base/params.h"
#include "core/ml/tokenize.h"

enum vocab_mode { VOCAB_BINARY = 0, VOCAB_COUNT, VOCAB_FREQ, VOCAB_TFIDF };
enum vocab_scope { VOCAB_SCOPE_FOLD = 0, VOCAB_SCOPE_ALL };

/* The text.* knobs of the vectoriser (text.lower/preprocess also documented in tokenize.h). */
struct vocab_params {
	long num_words; /* text.num_words: columns produced (500) */
	int mode;       /* text.mode: enum vocab_mode (binary) */
	int lower;      /* text.lower: ASCII lower-case tokens before fitting (1) */
	int preprocess; /* text.preprocess: drop keywords and stop words (0; set names "+pre") */
	int scope;      /* text.vocab_scope: enum vocab_scope (fold) */
};

/** The parameter table of struct vocab_params, names without the "text." prefix. */
extern const struct param_spec vocab_param_specs[];

/** Defaults of vocab_param_specs into *p. */
void vocab_params_default(struct vocab_params *p);

/* A set of words removed by preprocessing, stored lower-cased and sorted. */
struct vocab_filter {
	char **word;
	size_t n;
	char sha256[2][65]; /* hashes of the files loaded ("" if unused) */
};

/** Load one word-list file (one word per line; '#' lines and blank lines ignored; at most
 *  100,000 words of at most 256 bytes) and add its words to `f` (which may already hold words).
 *  The file's SHA-256 goes into the first free sha256 slot. 0, or -1 with the reason on `d`. */
int vocab_filter_add_file(struct vocab_filter *f, const char *path, struct diag *d);

/** Load the shipped lists featuresets/data/python_keywords.txt and stopwords_en.txt (found with
 *  datafile_path()) into an empty `f`. 0, or -1 with the reason on `d`. */
int vocab_filter_load_default(struct vocab_filter *f, struct diag *d);

/** Add one word (lower-cased copy). 0 or -1 (out of memory). Keeps the set sorted. */
int vocab_filter_add(struct vocab_filter *f, const char *word);

/** 1 if the ASCII lower-cased `token` is in the set. */
int vocab_filter_has(const struct vocab_filter *f, const char *token);

/** Free. NULL-safe. */
void vocab_filter_release(struct vocab_filter *f);

struct vocab {
	size_t num_words;             /* columns produced by vocab_transform() */
	size_t n_words;               /* kept tokens (<= num_words - 1), indices 1..n_words */
	char **word;                  /* word[j-1] = token of index j (owned) */
	unsigned long *count;         /* total count of each kept token in the fit corpus */
	unsigned long *docs;          /* index_docs: fit documents holding each kept token */
	unsigned long document_count; /* fit documents */
	size_t n_distinct;            /* distinct tokens seen in the fit (before the cut-off) */
	int lower;                    /* tokens are lower-cased before lookup */
	struct strset lookup;         /* private: word[] for vocab_index() */
};

/** Fit on docs[0..n_docs-1] (fit order = array order; a NULL entry is an empty document).
 *  num_words >= 1 columns (num_words - 1 tokens kept); filter may be NULL. `v` must be
 *  zero-initialised or released. Bounds: at most 50,000,000 distinct tokens. 0, or -1 with
 *  the reason on `d`. */
int vocab_fit(const struct doc_tokens *const *docs, size_t n_docs, size_t num_words, int lower,
              const struct vocab_filter *filter, struct vocab *v, struct diag *d);

/** Rebuild a fitted vocabulary from saved parts (model files): tokens words[0..n-1] in index
 *  order with their document counts, document_count, num_words (n <= num_words - 1). `v` must
 *  be zero-initialised or released. 0 or -1. */
int vocab_from_parts(struct vocab *v, size_t num_words, int lower, unsigned long document_count,
                     const char *const *words, const unsigned long *docs, size_t n, struct diag *d);

/** The index (1..n_words) of `token` (lower-cased first if v->lower), or 0 if not kept. */
size_t vocab_index(const struct vocab *v, const char *token);

/** Vectorise docs[0..n-1] (NULL = empty document) into rows of `out`: row i starts at
 *  out + i * stride and receives num_words values (stride >= num_words). 0, or -1 on a bad
 *  mode (tfidf with an unfitted vocabulary) with the reason on `d`. */
int vocab_transform(const struct vocab *v, const struct doc_tokens *const *docs, size_t n, int mode,
                    double *out, size_t stride, struct diag *d);

/** Column name of column j (0 <= j < num_words) into buf (size n): "text:<token>", "text:#0",
 *  "text:#<j>". Returns buf (truncated names end with "..." only if n is too small). */
const char *vocab_column_name(const struct vocab *v, size_t j, char *buf, size_t n);

/** Free. NULL-safe; leaves `v` zeroed. */
void vocab_release(struct vocab *v);

#endif
