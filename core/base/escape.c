/* Escaping untrusted text for display: controls, bidi overrides and invalid UTF-8 made visible. */
#include "core/base/escape.h"

#include <stdint.h>
#include <string.h>
#include <unistr.h>

/* Bidirectional formatting characters and the Unicode line/paragraph separators. */
static int is_bidi_or_separator(ucs4_t c)
{
	return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* The escape of code point `c`, or of the invalid byte `byte` when c < 0, into e (8 bytes);
 * its length, or 0 when the character is kept as it is. */
static size_t escape_of(long c, unsigned char byte, char e[8])
{
	static const char hex[] = "0123456789abcdef";
	if (c < 0x20 || c == 0x7f) {
		unsigned char b = c < 0 ? byte : (unsigned char)c;
		const char *named = c < 0 ? NULL : strchr("\aa\bb\tt\nn\vv\ff\rr", b);
		if (named && b) { /* the C escapes: "\a" "a" "\b" "b" ... pairs */
			e[0] = '\\';
			e[1] = named[1];
			return 2;
		}
		e[0] = '\\';
		e[1] = 'x';
		e[2] = hex[b >> 4];
		e[3] = hex[b & 15];
		return 4;
	}
	if ((c >= 0x80 && c <= 0x9f) || is_bidi_or_separator((ucs4_t)c)) {
		e[0] = '\\';
		e[1] = 'u';
		e[2] = hex[(c >> 12) & 15];
		e[3] = hex[(c >> 8) & 15];
		e[4] = hex[(c >> 4) & 15];
		e[5] = hex[c & 15];
		return 6;
	}
	return 0;
}

/* The next unit of the `left` (>= 1) bytes at p: one printable ASCII byte, one valid UTF-8
 * character, or one invalid byte. Returns its length in bytes; *el is the length of its escape
 * in e, 0 when it is kept. In `json` mode C0 bytes are kept (JSON text has them only as
 * whitespace: its writer escaped those inside strings), DEL is \u007f and an invalid byte
 * \ufffd, so the result stays valid JSON with the same meaning. */
static size_t next_unit(const uint8_t *p, size_t left, int json, char e[8], size_t *el)
{
	ucs4_t uc;
	int len;
	*el = 0;
	if ((*p >= 0x20 && *p < 0x7f) || (json && *p < 0x20)) /* the common case */
		return 1;
	len = u8_mbtoucr(&uc, p, left);
	if (len <= 0) { /* invalid (-1) or truncated (-2): this one byte is escaped */
		if (json) {
			memcpy(e, "\\ufffd", 6);
			*el = 6;
		} else {
			*el = escape_of(-1, *p, e);
		}
		return 1;
	}
	if (json && uc == 0x7f) {
		memcpy(e, "\\u007f", 6);
		*el = 6;
	} else {
		*el = escape_of((long)uc, 0, e);
	}
	return (size_t)len;
}

/* Walk the n bytes at s, handing emit() the runs of kept bytes and the escapes, in order.
 * Returns -1 as soon as emit() does, else 0. */
typedef int (*emit_fn)(void *arg, const char *p, size_t n);

static int walk(const char *s, size_t n, int json, emit_fn emit, void *arg)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n, *run = p;
	char e[8];
	while (p < end) {
		size_t el, k = next_unit(p, (size_t)(end - p), json, e, &el);
		if (el) {
			if (p > run && emit(arg, (const char *)run, (size_t)(p - run)) < 0)
				return -1;
			if (emit(arg, e, el) < 0)
				return -1;
			run = p + k;
		}
		p += k;
	}
	if (p > run && emit(arg, (const char *)run, (size_t)(p - run)) < 0)
		return -1;
	return 0;
}

static int emit_sbuf(void *arg, const char *p, size_t n)
{
	return sbuf_add(arg, p, n);
}

static int emit_file(void *arg, const char *p, size_t n)
{
	return fwrite(p, 1, n, arg) == n ? 0 : -1;
}

int escape_add(struct sbuf *out, const char *s, size_t n)
{
	if (sbuf_grow(out, n) < 0)
		return -1;
	return walk(s, n, 0, emit_sbuf, out);
}

const char *escape_str(struct sbuf *tmp, const char *s)
{
	sbuf_reset(tmp);
	if (!s)
		s = "(null)";
	if (escape_add(tmp, s, strlen(s)) < 0)
		return "(out of memory)";
	return sbuf_cstr(tmp);
}

int escape_fputs(const char *s, FILE *f)
{
	return walk(s, strlen(s), 0, emit_file, f) < 0 ? EOF : 0;
}

int escape_json_fputs(const char *json, FILE *f)
{
	return walk(json, strlen(json), 1, emit_file, f) < 0 ? EOF : 0;
}

int escape_needed(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);
	char e[8];
	for (size_t i = 0; i < n;) {
		size_t el, k = next_unit(p + i, n - i, 0, e, &el);
		if (el)
			return 1;
		i += k;
	}
	return 0;
}
