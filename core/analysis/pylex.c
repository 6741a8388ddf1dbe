/* pylex: a single-pass, bounded Python 2/3 tokenizer for hostile source (spec D8). */
#include "core/analysis/pylex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/*
 * How it works. The lexer keeps a stack of frames. The bottom frame is the file itself (code);
 * an f-string pushes a BODY frame over its body (literal text, scanned for '{'), and each
 * replacement field pushes a FIELD frame (code again, then optionally a format spec). Every frame
 * has an end bound: a field or a nested string can never run past the body of the f-string that
 * holds it, so a broken field cannot swallow the rest of the file, and each byte is scanned a
 * bounded number of times (once to find a string's end, once more per f-string level, and
 * f-string nesting is at most four deep because each level needs a different quote).
 */

enum { FR_TOP, FR_BODY, FR_FIELD };
enum { PH_EXPR, PH_SPEC };

struct pylex_frame {
	unsigned char kind;  /* FR_* */
	unsigned char phase; /* FIELD: PH_EXPR or PH_SPEC */
	unsigned char raw;   /* BODY: raw f-string (no escapes) */
	size_t end;          /* bound of this frame in the source */
	size_t resume;       /* BODY: offset after the closing quote */
	size_t resume_line;  /* BODY: line of the closing quote */
	size_t depth;        /* TOP, FIELD: open brackets */
};

/* Return codes of the internal scanners. */
enum { SC_AGAIN = 0, SC_TOKEN = 1, SC_END = 2, SC_FAIL = -1 };

void pylex_limits_default(struct pylex_limits *l)
{
	l->max_bytes = (size_t)16 << 20;
	l->max_tokens = 4000000;
	l->max_depth = 200;
	l->max_line_bytes = (size_t)1 << 20;
}

/* Record a limit error and make every later call fail; evaluates to -1. */
#define FAIL(lx, ...) ((lx)->failed = 1, diag_error((lx)->d, __VA_ARGS__))

static int push_frame(struct pylex *lx, unsigned char kind, size_t end)
{
	struct pylex_frame *f;

	if (kind != FR_TOP && lx->nesting + 1 > lx->lim.max_depth)
		return FAIL(lx, "nesting deeper than %zu at line %zu", lx->lim.max_depth, lx->line);
	if (lx->n_frames == lx->cap_frames) {
		size_t cap = lx->cap_frames ? 2 * lx->cap_frames : 8;
		struct pylex_frame *v = realloc(lx->frames, cap * sizeof(*v));
		if (!v) {
			lx->failed = 1;
			return diag_error(lx->d, "out of memory at line %zu", lx->line);
		}
		lx->frames = v;
		lx->cap_frames = cap;
	}
	f = &lx->frames[lx->n_frames++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->end = end;
	if (kind != FR_TOP)
		lx->nesting++;
	return 0;
}

static void pop_frame(struct pylex *lx)
{
	struct pylex_frame *f = &lx->frames[--lx->n_frames];

	lx->nesting -= 1 + f->depth;
}

int pylex_init(struct pylex *lx, const char *src, size_t len, const struct pylex_limits *lim,
               struct diag *d)
{
	memset(lx, 0, sizeof(*lx));
	if (lim)
		lx->lim = *lim;
	else
		pylex_limits_default(&lx->lim);
	lx->src = src ? src : "";
	lx->len = src ? len : 0;
	lx->line = 1;
	lx->d = d;
	if (len > lx->lim.max_bytes) {
		lx->failed = 1;
		return diag_error(d, "source of %zu bytes exceeds the limit of %zu", len,
		                  lx->lim.max_bytes);
	}
	if (lx->len >= 3 && !memcmp(lx->src, "\xEF\xBB\xBF", 3))
		lx->pos = 3;
	lx->nesting = 0;
	if (push_frame(lx, FR_TOP, lx->len) < 0)
		return -1;
	return 0;
}

void pylex_release(struct pylex *lx)
{
	if (!lx)
		return;
	free(lx->frames);
	free(lx->nbuf);
	lx->frames = NULL;
	lx->nbuf = NULL;
	lx->n_frames = lx->cap_frames = lx->nbuf_cap = 0;
}

/* Length of the line end starting at s[i] (LF, CRLF or a lone CR), 0 if none. */
static size_t eol_len(const char *s, size_t i, size_t end)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return (i + 1 < end && s[i + 1] == '\n') ? 2 : 1;
	return 0;
}

static int is_ascii_ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Python keywords (3.11 list; async and await included). print and exec are names. */
static int is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
	    "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
	    "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
	    "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
	    "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",
	};
	size_t k;

	if (n < 2 || n > 8)
		return 0;
	for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		if (kw[k][0] == s[0] && strlen(kw[k]) == n && !memcmp(kw[k], s, n))
			return 1;
	return 0;
}

/* String prefix flags for an ASCII word of 1 or 2 letters, or -1 if it is no prefix. */
static int prefix_flags(const char *s, size_t n)
{
	unsigned fl = 0;
	size_t k;

	if (n < 1 || n > 2)
		return -1;
	for (k = 0; k < n; k++) {
		unsigned bit;
		switch (s[k] | 0x20) {
		case 'r':
			bit = PYSTR_RAW;
			break;
		case 'b':
			bit = PYSTR_BYTES;
			break;
		case 'f':
			bit = PYSTR_FSTRING;
			break;
		case 'u':
			bit = PYSTR_UNICODE;
			break;
		default:
			return -1;
		}
		if (fl & bit)
			return -1;
		fl |= bit;
	}
	/* Two letters: rb, br, rf, fr, and Python 2's ur. */
	if (n == 2 && !(fl & PYSTR_RAW))
		return -1;
	if (n == 2 && (fl & PYSTR_UNICODE) && (s[0] | 0x20) != 'u')
		return -1;
	return (int)fl;
}

static void tok_set(struct pylex *lx, struct pytok *t, enum pytok_type type, size_t off, size_t end,
                    size_t line)
{
	t->type = type;
	t->text = lx->src + off;
	t->len = end - off;
	t->off = off;
	t->end = end;
	t->line = line;
	t->end_line = lx->line;
	t->flags = 0;
}

/*
 * Scan a string literal whose prefix starts at `start` and whose opening quote is at `q`,
 * bounded by `end`. A backslash always skips the next character (also in raw strings, as
 * Python's tokenizer does when looking for the closing quote); a line end ends a single-quoted
 * string (unterminated), a triple-quoted one runs to the bound. Sets lx->pos and lx->line.
 */
static void scan_string(struct pylex *lx, struct pytok *t, size_t start, size_t q, size_t end,
                        unsigned flags)
{
	const char *s = lx->src;
	char quote = s[q];
	size_t line0 = lx->line, i, body, body_end, n;
	int triple = q + 2 < end && s[q + 1] == quote && s[q + 2] == quote;

	body = q + (triple ? 3 : 1);
	i = body;
	body_end = end;
	flags |= triple ? PYSTR_TRIPLE : 0;
	for (;;) {
		/* Fast skip over bytes that cannot end or escape anything. */
		while (i < end && s[i] != quote && s[i] != '\\' && s[i] != '\n' && s[i] != '\r')
			i++;
		if (i >= end) {
			flags |= PYSTR_UNTERMINATED;
			body_end = end;
			break;
		}
		if (s[i] == '\\') {
			i++;
			if (i < end) {
				n = eol_len(s, i, end);
				if (n)
					lx->line++;
				i += n ? n : 1;
			}
			continue;
		}
		n = eol_len(s, i, end);
		if (n) {
			if (!triple) {
				flags |= PYSTR_UNTERMINATED;
				body_end = i;
				break;
			}
			lx->line++;
			i += n;
			continue;
		}
		/* s[i] == quote */
		if (!triple) {
			body_end = i;
			i++;
			break;
		}
		if (i + 2 < end && s[i + 1] == quote && s[i + 2] == quote) {
			body_end = i;
			i += 3;
			break;
		}
		i++;
	}
	lx->pos = i;
	tok_set(lx, t, PYTOK_STRING, start, i, line0);
	t->str.line = line0;
	t->str.end_line = lx->line;
	t->str.raw = s + start;
	t->str.raw_len = i - start;
	t->str.body = s + body;
	t->str.body_len = body_end - body;
	t->str.flags = flags;
}

/* An identifier starting at i; returns its end (== i if s[i] starts none). */
static size_t scan_name(const char *s, size_t i, size_t end, int *nonascii)
{
	while (i < end) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (!is_ascii_ident(c))
				break;
			i++;
		} else {
			ucs4_t uc;
			int n = u8_mbtoucr(&uc, (const uint8_t *)s + i, end - i);
			if (n <= 0 || !uc_is_property_xid_continue(uc))
				break;
			*nonascii = 1;
			i += (size_t)n;
		}
	}
	return i;
}

static void normalise_name(struct pylex *lx, struct pytok *t)
{
	size_t n = lx->nbuf_cap;
	uint8_t *r = u8_normalize(UNINORM_NFKC, (const uint8_t *)t->text, t->len, lx->nbuf, &n);

	if (!r)
		return; /* out of memory: keep the raw text */
	if (r != lx->nbuf) {
		free(lx->nbuf);
		lx->nbuf = r;
		lx->nbuf_cap = n;
	}
	t->text = (const char *)r;
	t->len = n;
}

/* A numeric literal starting at i (a digit, or '.' and a digit); returns its end. Decimal
 * literals take digits, '_', '.', an exponent with sign, and the suffixes j/J and (Python 2)
 * l/L; 0x/0o/0b literals take hex digits and '_' (and l/L). So `1if x` gives 1, if, x. */
static size_t scan_number(const char *s, size_t i, size_t end)
{
	size_t j = i;

	if (s[i] == '0' && i + 1 < end && strchr("xXoObB", s[i + 1]) && s[i + 1]) {
		j = i + 2;
		while (j < end && (isxdigit((unsigned char)s[j]) || s[j] == '_'))
			j++;
	} else {
		while (j < end) {
			unsigned char d = (unsigned char)s[j];
			if (is_digit(d) || d == '_' || d == '.') {
				j++;
			} else if ((d | 0x20) == 'e' && j + 1 < end &&
			           (is_digit((unsigned char)s[j + 1]) ||
			            ((s[j + 1] == '+' || s[j + 1] == '-') && j + 2 < end &&
			             is_digit((unsigned char)s[j + 2])))) {
				j += 2;
			} else {
				break;
			}
		}
		if (j < end && (s[j] | 0x20) == 'j')
			j++;
	}
	if (j < end && (s[j] | 0x20) == 'l')
		j++;
	return j;
}

static size_t op_len(const char *s, size_t i, size_t end)
{
	static const char *const op3[] = {"**=", "//=", ">>=", "<<=", "..."};
	static const char *const op2[] = {
	    "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", "+=",
	    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", ":=", "<>"};
	size_t k, avail = end - i;

	if (avail >= 3)
		for (k = 0; k < 5; k++)
			if (!memcmp(s + i, op3[k], 3))
				return 3;
	if (avail >= 2)
		for (k = 0; k < sizeof(op2) / sizeof(op2[0]); k++)
			if (s[i] == op2[k][0] && s[i + 1] == op2[k][1])
				return 2;
	if (strchr("()[]{}+-*/%&|^~<>=.,:;@!`", s[i]) && s[i])
		return 1;
	return 0;
}

/* Literal text of an f-string body: find the next replacement field or the end. */
static int scan_body(struct pylex *lx, struct pylex_frame *f, struct pytok *t)
{
	const char *s = lx->src;
	size_t i = lx->pos, end = f->end, n;

	while (i < end) {
		char c = s[i];
		if (c == '{') {
			if (i + 1 < end && s[i + 1] == '{') {
				i += 2;
				continue;
			}
			lx->pos = i + 1;
			if (push_frame(lx, FR_FIELD, end) < 0)
				return SC_FAIL;
			tok_set(lx, t, PYTOK_FSTART, i, i + 1, lx->line);
			return SC_TOKEN;
		}
		if (c == '\\' && !f->raw && i + 1 < end) {
			if (s[i + 1] == 'N' && i + 2 < end && s[i + 2] == '{') {
				/* \N{NAME}: an escape, not a field */
				const char *close = memchr(s + i + 3, '}', end - (i + 3));
				i = close ? (size_t)(close - s) + 1 : end;
				continue;
			}
			if (s[i + 1] == '\\') {
				i += 2;
				continue;
			}
			i++;
			continue;
		}
		n = eol_len(s, i, end);
		if (n) {
			lx->line++;
			i += n;
			continue;
		}
		i++;
	}
	lx->pos = f->resume;
	lx->line = f->resume_line;
	pop_frame(lx);
	return SC_AGAIN;
}

/* Format spec of a field: literal text up to '}' (end of the field) or '{' (nested field). */
static int scan_spec(struct pylex *lx, struct pylex_frame *f, struct pytok *t)
{
	const char *s = lx->src;
	size_t i = lx->pos, end = f->end, n;

	while (i < end) {
		if (s[i] == '{') {
			lx->pos = i + 1;
			if (push_frame(lx, FR_FIELD, end) < 0)
				return SC_FAIL;
			tok_set(lx, t, PYTOK_FSTART, i, i + 1, lx->line);
			return SC_TOKEN;
		}
		if (s[i] == '}') {
			lx->pos = i + 1;
			pop_frame(lx);
			tok_set(lx, t, PYTOK_FEND, i, i + 1, lx->line);
			return SC_TOKEN;
		}
		n = eol_len(s, i, end);
		if (n) {
			lx->line++;
			i += n;
			continue;
		}
		i++;
	}
	lx->pos = end;
	pop_frame(lx);
	tok_set(lx, t, PYTOK_FEND, end, end, lx->line);
	return SC_TOKEN;
}

/* Code: the file itself or the expression of a replacement field. */
static int scan_code(struct pylex *lx, struct pylex_frame *f, struct pytok *t)
{
	const char *s = lx->src;
	size_t i = lx->pos, end = f->end, n, j;
	int top = f->kind == FR_TOP;
	unsigned char c;

	while (i < end) {
		c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\f') {
			i++;
		} else if (c == '#') {
			while (i < end && s[i] != '\n' && s[i] != '\r')
				i++;
		} else if ((n = eol_len(s, i, end))) {
			if (top && f->depth == 0 && lx->line_has_tokens) {
				tok_set(lx, t, PYTOK_NEWLINE, i, i + n, lx->line);
				lx->line++;
				lx->pos = i + n;
				lx->line_has_tokens = 0;
				return SC_TOKEN;
			}
			lx->line++;
			i += n;
		} else if (c == '\\' && i + 1 < end && (n = eol_len(s, i + 1, end))) {
			lx->line++;
			i += 1 + n;
		} else {
			break;
		}
	}
	if (i >= end) {
		lx->pos = end;
		if (top) {
			if (lx->line_has_tokens) {
				lx->line_has_tokens = 0;
				tok_set(lx, t, PYTOK_NEWLINE, end, end, lx->line);
				return SC_TOKEN;
			}
			tok_set(lx, t, PYTOK_END, end, end, lx->line);
			return SC_END;
		}
		pop_frame(lx);
		tok_set(lx, t, PYTOK_FEND, end, end, lx->line);
		return SC_TOKEN;
	}
	c = (unsigned char)s[i];
	if (!top && f->depth == 0) {
		if (c == '}') {
			lx->pos = i + 1;
			pop_frame(lx);
			tok_set(lx, t, PYTOK_FEND, i, i + 1, lx->line);
			return SC_TOKEN;
		}
		if (c == '!' && !(i + 1 < end && s[i + 1] == '=')) {
			/* conversion !r, !s, !a */
			i++;
			while (i < end && is_ascii_ident((unsigned char)s[i]))
				i++;
			lx->pos = i;
			return SC_AGAIN;
		}
		if (c == ':') {
			f->phase = PH_SPEC;
			lx->pos = i + 1;
			return SC_AGAIN;
		}
	}
	lx->line_has_tokens = 1;
	/* names and string prefixes */
	if (c >= 0x80 || c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
		int nonascii = 0, pf;
		j = scan_name(s, i, end, &nonascii);
		if (j > i) {
			if (!nonascii && j < end && (s[j] == '\'' || s[j] == '"') &&
			    (pf = prefix_flags(s + i, j - i)) >= 0) {
				scan_string(lx, t, i, j, end, (unsigned)pf);
				goto string_done;
			}
			lx->pos = j;
			tok_set(lx, t, PYTOK_NAME, i, j, lx->line);
			if (nonascii) {
				t->flags = PYTOK_NONASCII;
				normalise_name(lx, t);
			} else if (is_keyword(t->text, t->len)) {
				t->flags = PYTOK_KEYWORD;
			}
			return SC_TOKEN;
		}
		/* a non-ASCII character that is no identifier character, or invalid UTF-8 */
		{
			ucs4_t uc;
			int m = u8_mbtoucr(&uc, (const uint8_t *)s + i, end - i);
			j = i + (m > 0 ? (size_t)m : 1);
		}
		lx->pos = j;
		tok_set(lx, t, PYTOK_ERROR, i, j, lx->line);
		return SC_TOKEN;
	}
	if (c == '\'' || c == '"') {
		scan_string(lx, t, i, i, end, 0);
		goto string_done;
	}
	if (is_digit(c) || (c == '.' && i + 1 < end && is_digit((unsigned char)s[i + 1]))) {
		j = scan_number(s, i, end);
		lx->pos = j;
		tok_set(lx, t, PYTOK_NUMBER, i, j, lx->line);
		return SC_TOKEN;
	}
	n = op_len(s, i, end);
	if (!n) {
		lx->pos = i + 1;
		tok_set(lx, t, PYTOK_ERROR, i, i + 1, lx->line);
		return SC_TOKEN;
	}
	lx->pos = i + n;
	tok_set(lx, t, PYTOK_OP, i, i + n, lx->line);
	if (n == 1 && (c == '(' || c == '[' || c == '{')) {
		if (lx->nesting + 1 > lx->lim.max_depth)
			return FAIL(lx, "nesting deeper than %zu at line %zu", lx->lim.max_depth,
			            lx->line);
		f->depth++;
		lx->nesting++;
	} else if (n == 1 && (c == ')' || c == ']' || c == '}')) {
		if (f->depth > 0) {
			f->depth--;
			lx->nesting--;
		}
	}
	return SC_TOKEN;

string_done:
	if (t->str.flags & PYSTR_FSTRING) {
		/* Tokenise the fields next: push the body; resume after the closing quote. */
		size_t resume = lx->pos, resume_line = lx->line;
		struct pylex_frame *b;
		if (push_frame(lx, FR_BODY, (size_t)(t->str.body - s) + t->str.body_len) < 0)
			return SC_FAIL;
		b = &lx->frames[lx->n_frames - 1];
		b->raw = (t->str.flags & PYSTR_RAW) != 0;
		b->resume = resume;
		b->resume_line = resume_line;
		lx->pos = (size_t)(t->str.body - s);
		lx->line = t->str.line;
	}
	return SC_TOKEN;
}

int pylex_next(struct pylex *lx, struct pytok *t)
{
	for (;;) {
		struct pylex_frame *f;
		int r;
		if (lx->failed || !lx->n_frames) {
			tok_set(lx, t, PYTOK_END, lx->pos, lx->pos, lx->line);
			return -1;
		}
		f = &lx->frames[lx->n_frames - 1];
		if (f->kind == FR_BODY)
			r = scan_body(lx, f, t);
		else if (f->kind == FR_FIELD && f->phase == PH_SPEC)
			r = scan_spec(lx, f, t);
		else
			r = scan_code(lx, f, t);
		if (r == SC_AGAIN)
			continue;
		if (r == SC_FAIL) {
			lx->failed = 1;
			return -1;
		}
		if (r == SC_END)
			return 0;
		if (++lx->n_tokens > lx->lim.max_tokens)
			return FAIL(lx, "more than %zu tokens (at line %zu)", lx->lim.max_tokens,
			            lx->line);
		return 1;
	}
}

int pylex_each_string(const char *src, size_t len, const struct pylex_limits *lim,
                      int (*cb)(const struct pystr *s, void *ctx), void *ctx, struct diag *d)
{
	struct pylex lx;
	struct pytok t;
	int r = 0;

	if (pylex_init(&lx, src, len, lim, d) < 0) {
		pylex_release(&lx);
		return -1;
	}
	for (;;) {
		int k = pylex_next(&lx, &t);
		if (k < 0) {
			r = -1;
			break;
		}
		if (k == 0)
			break;
		if (t.type == PYTOK_STRING) {
			r = cb(&t.str, ctx);
			if (r)
				break;
		}
	}
	pylex_release(&lx);
	return r;
}
