/* pylex: a Python 2/3 tokenizer in C, robust to broken code (spec D8; style.md core/pylex).
 *
 * It recognises comments, string literals with any prefix (r, b, u, f, rb, br, fr, rf, in any
 * case), single- and triple-quoted, f-strings (the expressions inside replacement fields are
 * tokenised too, recursively, with nesting bounded), names (identifiers; non-ASCII identifiers
 * are NFKC-normalised with libunistring as Python does, PEP 3131), numbers, operators and
 * brackets, backslash continuation lines, and physical line numbers. Unterminated strings end at
 * the end of the line (single-quoted) or of the file (triple-quoted) and are flagged.
 *
 * This header's stable contract for other modules is pylex_each_string(); the token-level API is
 * used by core/apiscan.
 *
 * Memory management: tokens point into the caller's source buffer or into the lexer's own
 * storage (normalised identifiers), valid until the next call / pylex_release(). */
#ifndef PYVET_PYLEX_H
#define PYVET_PYLEX_H

#include <stddef.h>

#include "err.h"

struct pylex_limits {
	size_t max_bytes;       /* source size */
	size_t max_tokens;      /* tokens per file */
	size_t max_depth;       /* bracket / f-string nesting */
	size_t max_line_bytes;  /* informational cap for snippets; long lines are still lexed */
};

/** Defaults: 16 MiB source, 4,000,000 tokens, depth 200, 1 MiB line. */
void pylex_limits_default(struct pylex_limits *l);

enum pystr_flags {
	PYSTR_BYTES = 1 << 0,
	PYSTR_RAW = 1 << 1,
	PYSTR_FSTRING = 1 << 2,
	PYSTR_TRIPLE = 1 << 3,
	PYSTR_UNTERMINATED = 1 << 4,
	PYSTR_UNICODE = 1 << 5,
};

/* One string literal as written in the source. */
struct pystr {
	size_t line, end_line;   /* 1-based physical lines of the opening and closing quote */
	const char *raw;         /* prefix + quotes + body, into the source buffer */
	size_t raw_len;
	const char *body;        /* between the quotes, before escape processing */
	size_t body_len;
	unsigned flags;          /* enum pystr_flags */
};

/** Call `cb` for every string literal of `src` in source order, including string literals
 *  nested inside f-string replacement fields (reported after their enclosing f-string). A
 *  non-zero return from `cb` stops the scan and is returned. -1 with a reason on `d` when a
 *  limit is exceeded. `lim` may be NULL for the defaults. */
int pylex_each_string(const char *src, size_t len, const struct pylex_limits *lim,
		      int (*cb)(const struct pystr *s, void *ctx), void *ctx, struct diag *d);

#endif
