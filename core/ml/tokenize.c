/* Keras-compatible text_to_word_sequence and per-document token counts (spec Appendix B, D10). */
#include "core/ml/tokenize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/strset.h"

/* Separators: Keras' default filters  !"#$%&()*+,-./:;<=>?@[\\]^_`{|}~  plus TAB and LF, and the
 * split character ' '. NUL also separates: a NUL byte cannot live in a NUL-terminated token
 * (documented deviation; Python would keep it inside the token). */
static const unsigned char sep_table[256] = {
    [0] = 1,   ['\t'] = 1, ['\n'] = 1, [' '] = 1, ['!'] = 1, ['"'] = 1,  ['#'] = 1,
    ['$'] = 1, ['%'] = 1,  ['&'] = 1,  ['('] = 1, [')'] = 1, ['*'] = 1,  ['+'] = 1,
    [','] = 1, ['-'] = 1,  ['.'] = 1,  ['/'] = 1, [':'] = 1, [';'] = 1,  ['<'] = 1,
    ['='] = 1, ['>'] = 1,  ['?'] = 1,  ['@'] = 1, ['['] = 1, ['\\'] = 1, [']'] = 1,
    ['^'] = 1, ['_'] = 1,  ['`'] = 1,  ['{'] = 1, ['|'] = 1, ['}'] = 1,  ['~'] = 1};

void tokenize_options_default(struct tokenize_options *o)
{
	o->lower = 1;
	o->keras_raw_cr = 0;
	o->max_tokens = 0;
}

/* The distinct tokens of dt are indexed by a strset `m` holding the same tokens in the same
 * order: index i of m is dt->tok[i]. Fills m from the tokens already in dt. */
static int tokmap_init(struct strset *m, const struct doc_tokens *dt)
{
	for (size_t i = 0; i < dt->n; i++)
		if (strset_add(m, dt->tok[i], strlen(dt->tok[i]), NULL) < 0)
			return -1;
	return 0;
}

static int dt_push(struct doc_tokens *dt, const char *t, size_t n, unsigned long count)
{
	char *copy;
	if (dt->n == dt->cap) {
		size_t cap = dt->cap ? dt->cap * 2 : 64;
		char **tok = realloc(dt->tok, cap * sizeof(*tok));
		unsigned long *cnt;
		if (!tok)
			return -1;
		dt->tok = tok;
		cnt = realloc(dt->count, cap * sizeof(*cnt));
		if (!cnt)
			return -1;
		dt->count = cnt;
		dt->cap = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, t, n);
	copy[n] = '\0';
	dt->tok[dt->n] = copy;
	dt->count[dt->n] = count;
	dt->n++;
	return 0;
}

/* Add `count` occurrences of token t[0..n) to dt through map m. */
static int add_token(struct doc_tokens *dt, struct strset *m, const char *t, size_t n,
                     unsigned long count)
{
	size_t i;
	int rc = strset_add(m, t, n, &i);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		dt->count[i] += count;
		return 0;
	}
	if (dt_push(dt, t, n, count) < 0)
		return -1;
	return 0;
}

int doc_tokens_from_text(struct doc_tokens *dt, const char *text, size_t len,
                         const struct tokenize_options *o, struct diag *d)
{
	struct tokenize_options def;
	struct strset m = STRSET_INIT;
	size_t max_tokens, seen = 0, i = 0;
	char small[256];
	char *buf = small;
	size_t bufcap = sizeof(small);
	int rc = 0;

	if (!o) {
		tokenize_options_default(&def);
		o = &def;
	}
	max_tokens = o->max_tokens ? o->max_tokens : 10000000;
	for (size_t k = 0; k < dt->n; k++)
		seen += dt->count[k];
	if (tokmap_init(&m, dt) < 0) {
		strset_release(&m);
		return diag_error(d, "out of memory");
	}

	while (i < len) {
		size_t start, n;
		/* skip separators; '\r' separates unless keras_raw_cr (CRLF and lone CR -> LF) */
		while (i < len &&
		       (sep_table[(unsigned char)text[i]] || (text[i] == '\r' && !o->keras_raw_cr)))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !sep_table[(unsigned char)text[i]] &&
		       !(text[i] == '\r' && !o->keras_raw_cr))
			i++;
		n = i - start;
		if (++seen > max_tokens) {
			rc = diag_error(d, "document has more than %zu tokens", max_tokens);
			break;
		}
		if (n > bufcap) {
			char *nb;
			size_t cap = bufcap;
			while (cap < n)
				cap *= 2;
			nb = buf == small ? malloc(cap) : realloc(buf, cap);
			if (!nb) {
				rc = diag_error(d, "out of memory");
				break;
			}
			buf = nb;
			bufcap = cap;
		}
		memcpy(buf, text + start, n);
		if (o->lower)
			for (size_t k = 0; k < n; k++)
				if (buf[k] >= 'A' && buf[k] <= 'Z')
					buf[k] = (char)(buf[k] - 'A' + 'a');
		if (add_token(dt, &m, buf, n, 1) < 0) {
			rc = diag_error(d, "out of memory");
			break;
		}
	}
	if (buf != small)
		free(buf);
	strset_release(&m);
	return rc;
}

void doc_tokens_release(struct doc_tokens *dt)
{
	if (!dt)
		return;
	for (size_t i = 0; i < dt->n; i++)
		free(dt->tok[i]);
	free(dt->tok);
	free(dt->count);
	dt->tok = NULL;
	dt->count = NULL;
	dt->n = dt->cap = 0;
}

int doc_tokens_write(FILE *f, const char *id, const struct doc_tokens *dt)
{
	/* the id ends at the first TAB and the line at LF: an id holding either (or CR, or
	 * nothing) would corrupt the whole file for `train`; manifest_read() refuses such ids */
	if (!*id || strpbrk(id, "\t\n\r"))
		return -1;
	if (fputs(id, f) == EOF || fputc('\t', f) == EOF)
		return -1;
	for (size_t i = 0; i < dt->n; i++)
		if (fprintf(f, "%s%s:%lu", i ? " " : "", dt->tok[i], dt->count[i]) < 0)
			return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int doc_tokens_parse(const char *line, size_t len, char **id, struct doc_tokens *dt, struct diag *d)
{
	const char *tab = memchr(line, '\t', len);
	const char *p, *end = line + len;
	struct strset m = STRSET_INIT;
	*id = NULL;
	if (!tab)
		return diag_error(d, "token line without a tab");
	if (tab == line)
		return diag_error(d, "token line with an empty id");
	*id = malloc((size_t)(tab - line) + 1);
	if (!*id)
		return diag_error(d, "out of memory");
	memcpy(*id, line, (size_t)(tab - line));
	(*id)[tab - line] = '\0';
	if (tokmap_init(&m, dt) < 0)
		goto oom;
	p = tab + 1;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *pe = sp ? sp : end;
		const char *colon = NULL;
		unsigned long count = 0;
		for (const char *q = pe; q > p; q--)
			if (q[-1] == ':') {
				colon = q - 1;
				break;
			}
		if (!colon || colon == p || colon + 1 == pe)
			goto bad;
		for (const char *q = colon + 1; q < pe; q++) {
			if (*q < '0' || *q > '9' || count > (unsigned long)-1 / 10 - 1)
				goto bad;
			count = count * 10 + (unsigned long)(*q - '0');
		}
		if (!count)
			goto bad;
		if (add_token(dt, &m, p, (size_t)(colon - p), count) < 0)
			goto oom;
		p = sp ? sp + 1 : end;
	}
	strset_release(&m);
	return 0;
oom:
	strset_release(&m);
	free(*id);
	*id = NULL;
	doc_tokens_release(dt);
	return diag_error(d, "out of memory");
bad:
	strset_release(&m);
	free(*id);
	*id = NULL;
	doc_tokens_release(dt);
	return diag_error(d, "malformed token pair in token line");
}
