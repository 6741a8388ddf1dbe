/* pylex: a Python 2/3 tokenizer in C, robust to broken code (spec D8).
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

#include "core/base/err.h"

struct pylex_limits {
	size_t max_bytes;      /* source size */
	size_t max_tokens;     /* tokens per file */
	size_t max_depth;      /* bracket / f-string nesting */
	size_t max_line_bytes; /* informational cap for snippets; long lines are still lexed */
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
	size_t line, end_line; /* 1-based physical lines of the opening and closing quote */
	const char *raw;       /* prefix + quotes + body, into the source buffer */
	size_t raw_len;
	const char *body; /* between the quotes, before escape processing */
	size_t body_len;
	unsigned flags; /* enum pystr_flags */
};

/** Call `cb` for every string literal of `src` in source order, including string literals
 *  nested inside f-string replacement fields (reported after their enclosing f-string). A
 *  non-zero return from `cb` stops the scan and is returned. -1 with a reason on `d` when a
 *  limit is exceeded. `lim` may be NULL for the defaults. */
int pylex_each_string(const char *src, size_t len, const struct pylex_limits *lim,
                      int (*cb)(const struct pystr *s, void *ctx), void *ctx, struct diag *d);

/* ---- Token-level API (used by core/apiscan) ---- */

enum pytok_type {
	PYTOK_END = 0, /* end of input */
	PYTOK_NAME,    /* identifier or keyword; `text` is NFKC-normalised */
	PYTOK_NUMBER,  /* numeric literal (Python 2 forms such as 10L and 0777 included) */
	PYTOK_STRING,  /* one string literal; `str` describes it */
	PYTOK_OP,      /* operator, delimiter or bracket (longest match, "..." included) */
	PYTOK_NEWLINE, /* end of a logical line: a line end outside brackets and f-string fields */
	PYTOK_FSTART,  /* an f-string replacement field starts: expression tokens follow */
	PYTOK_FEND,    /* that field ends ('}', or the end of the f-string if unclosed) */
	PYTOK_ERROR,   /* a character that starts no token: '$', '?', a stray '\', a non-ASCII
	                * non-identifier character, a non-UTF-8 byte; lexing goes on after it */
};

enum pytok_flags {
	PYTOK_KEYWORD = 1 << 0,  /* NAME: an ASCII Python keyword (py3 list plus async/await;
	                          * print and exec are names, as in Python 3) */
	PYTOK_NONASCII = 1 << 1, /* NAME: had non-ASCII characters and was NFKC-normalised */
};

/* One token. `text` points into the source, except for NONASCII names, whose normalised text
 * lives in the lexer and is valid until the next pylex_next() call. */
struct pytok {
	enum pytok_type type;
	const char *text;
	size_t len;
	size_t off, end;       /* byte range [off, end) of the token in the source */
	size_t line, end_line; /* 1-based physical lines of the first and last byte */
	unsigned flags;        /* enum pytok_flags */
	struct pystr str;      /* PYTOK_STRING only */
};

/* Lexer state (caller-owned; fields are private to pylex.c). */
struct pylex_frame;
struct pylex {
	const char *src;
	size_t len, pos, line;
	struct pylex_limits lim;
	struct diag *d;
	size_t n_tokens;
	size_t nesting;             /* open brackets plus open f-string levels, all contexts */
	struct pylex_frame *frames; /* context stack: top level, f-string bodies, fields */
	size_t n_frames, cap_frames;
	int line_has_tokens; /* a token was emitted on the current logical line */
	int failed;
	unsigned char *nbuf; /* storage for normalised identifiers */
	size_t nbuf_cap;
};

/** Start lexing `src` (len bytes; need not be NUL-terminated; must outlive the lexer). `lim`
 *  may be NULL for the defaults; limit messages go to `d` (may be NULL). 0, or -1 with a reason
 *  on `d` if the source exceeds max_bytes (pylex_release() is still safe to call). A UTF-8 BOM
 *  at the start is skipped. */
int pylex_init(struct pylex *lx, const char *src, size_t len, const struct pylex_limits *lim,
               struct diag *d);

/** Next token into *t: 1 for a token, 0 at the end (t->type == PYTOK_END), -1 with a reason
 *  on `d` when max_tokens or max_depth is exceeded (every later call returns -1 too).
 *  Tokens come in source order; the tokens of an f-string's replacement fields follow the
 *  f-string's own PYTOK_STRING token, each field enclosed in PYTOK_FSTART ... PYTOK_FEND.
 *  f-strings are delimited as before Python 3.12 (the first unescaped matching quote ends
 *  them), then their fields are tokenised within those bounds. */
int pylex_next(struct pylex *lx, struct pytok *t);

/** Free the lexer's storage. NULL-safe; safe after a failed pylex_init(). */
void pylex_release(struct pylex *lx);

#endif
