/* tokenize: Keras-compatible tokenizer and per-document token counts (spec Appendix B, D10).
 * The vocabulary fit and vectorisation live in core/ml/vocab.h.
 *
 * Tokenising (text_to_word_sequence): optional ASCII lower-casing; every byte of the Keras
 * default filter set  !"#$%&()*+,-./:;<=>?@[\]^_`{|}~  plus TAB and LF becomes a space; CRLF and
 * lone CR become LF first unless keras_raw_cr; split on ' ' and drop empty tokens. The single
 * quote is kept, '_' splits. Tokens are byte strings.
 *
 * Per-package token counts (struct doc_tokens) keep tokens in first-occurrence order within the
 * document, which is enough to reproduce Keras' fit (stable sort by total count, ties by first
 * occurrence over documents in fit order) exactly.
 *
 * Memory management: struct doc_tokens is caller-owned (doc_tokens_release()). */
#ifndef PYVET_TOKENIZE_H
#define PYVET_TOKENIZE_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/err.h"

struct tokenize_options {
	int lower;         /* text.lower (default 1), ASCII only */
	int keras_raw_cr;  /* text.keras_raw_cr (default 0): keep '\r' glued to tokens */
	size_t max_tokens; /* per document (0 = 10,000,000); exceeding it is an error */
};

void tokenize_options_default(struct tokenize_options *o);

struct doc_tokens {
	size_t n;             /* distinct tokens */
	char **tok;           /* n NUL-terminated tokens, first-occurrence order (owned) */
	unsigned long *count; /* n occurrence counts */
	size_t cap;
};

/** Tokenise `text` and append its distinct tokens and counts to `dt` (which must be empty or
 *  hold tokens of the same document). 0, or -1 with a reason on `d`. */
int doc_tokens_from_text(struct doc_tokens *dt, const char *text, size_t len,
                         const struct tokenize_options *o, struct diag *d);

/** Free and reset. NULL-safe. */
void doc_tokens_release(struct doc_tokens *dt);

/** Write one token-file line: `id`, TAB, then space-separated `token:count` pairs in
 *  first-occurrence order, then LF. Tokens never contain ' ', ':', TAB or LF (all are Keras
 *  filter characters). 0, or -1 on a write error or an empty id or one holding TAB, LF or CR
 *  (nothing written). */
int doc_tokens_write(FILE *f, const char *id, const struct doc_tokens *dt);

/** Parse one line written by doc_tokens_write() (without the trailing LF) into *id (malloc'd,
 *  caller frees) and `dt` (empty on entry). 0, or -1 with a reason on `d`. */
int doc_tokens_parse(const char *line, size_t len, char **id, struct doc_tokens *dt,
                     struct diag *d);

#endif
