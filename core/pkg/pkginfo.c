/* pkginfo: PKG-INFO / METADATA header parser (spec D4). */
#include "core/pkg/pkginfo.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/sbuf.h"

#define PKGINFO_MAX_LINE_BYTES ((size_t)64 << 10) /* spec D4: 64 KiB per header line */
#define PKGINFO_MAX_FIELDS ((size_t)10000)
#define PKGINFO_MAX_BYTES ((size_t)16 << 20)

void pkginfo_limits_default(struct pkginfo_limits *l)
{
	l->max_line_bytes = PKGINFO_MAX_LINE_BYTES;
	l->max_fields = PKGINFO_MAX_FIELDS;
	l->max_bytes = PKGINFO_MAX_BYTES;
}

/* A header line as Python's email parser sees one: "Key:" where the key is printable ASCII
 * without ':' or space. Returns the key length, or 0 if the line is not a header. */
static size_t header_key_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ':') {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e)
			return 0;
		i++;
	}
	return i < n && i > 0 ? i : 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

static int push_field(struct pkginfo *pi, size_t *cap, const char *key, size_t kn, size_t line)
{
	if (pi->n_fields == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct pkginfo_field *nf = realloc(pi->fields, nc * sizeof(*nf));
		if (!nf)
			return -1;
		pi->fields = nf;
		*cap = nc;
	}
	struct pkginfo_field *f = &pi->fields[pi->n_fields];
	memset(f, 0, sizeof(*f));
	f->key = dup_n(key, kn);
	f->line = line;
	if (!f->key)
		return -1;
	pi->n_fields++;
	return 0;
}

/* Strip trailing spaces and tabs. */
static size_t rtrim(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* Append up to the room left under `max` bytes of s[0..n) to the value; `f` records what was
 * cut. */
static int add_capped(struct sbuf *val, const char *s, size_t n, size_t max,
                      struct pkginfo_field *f)
{
	size_t room = val->len < max ? max - val->len : 0;
	f->full_len += n;
	if (n > room) {
		f->truncated = 1;
		n = room;
	}
	return sbuf_add(val, s, n);
}

int pkginfo_parse(const char *buf, size_t len, const struct pkginfo_limits *lim,
                  struct pkginfo **out, struct diag *d)
{
	struct pkginfo_limits def;
	struct sbuf val = SBUF_INIT;
	size_t cap = 0, line = 0, pos = 0;
	*out = NULL;
	if (!lim) {
		pkginfo_limits_default(&def);
		lim = &def;
	}
	struct pkginfo *pi = calloc(1, sizeof(*pi));
	if (!pi)
		return diag_error(d, "out of memory");
	if (len > lim->max_bytes) {
		pi->ignored_bytes = len - lim->max_bytes;
		len = lim->max_bytes;
	}
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		pos = 3; /* UTF-8 byte order mark */
	size_t body_start = len;
	struct pkginfo_field *open = NULL; /* the field whose value is being collected */
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		size_t next = pos + n + (nl ? 1 : 0);
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n == 0) {
			body_start = next;
			break;
		}
		if (s[0] == ' ' || s[0] == '\t') {
			/* a continuation (of a dropped field or of none: ignored) */
			if (open && (add_capped(&val, "\n", 1, lim->max_line_bytes, open) < 0 ||
			             add_capped(&val, s + 1, rtrim(s + 1, n - 1),
			                        lim->max_line_bytes, open) < 0))
				goto oom;
			pos = next;
			continue;
		}
		size_t kn = header_key_len(s, n);
		if (!kn) {
			/* not a header: the body starts here (Python's email parser does the same)
			 */
			body_start = pos;
			break;
		}
		if (open) {
			if (!(open->value = sbuf_detach(&val, NULL)))
				goto oom;
			open = NULL;
		}
		pos = next;
		if (pi->n_fields >= lim->max_fields) {
			pi->n_dropped++;
			continue;
		}
		if (push_field(pi, &cap, s, kn, line) < 0)
			goto oom;
		open = &pi->fields[pi->n_fields - 1];
		size_t v = kn + 1;
		while (v < n && (s[v] == ' ' || s[v] == '\t'))
			v++;
		sbuf_reset(&val);
		if (add_capped(&val, s + v, rtrim(s + v, n - v), lim->max_line_bytes, open) < 0)
			goto oom;
	}
	if (open && !(open->value = sbuf_detach(&val, NULL)))
		goto oom;
	for (size_t i = 0; i < pi->n_fields; i++)
		pi->n_truncated += (size_t)pi->fields[i].truncated;
	sbuf_release(&val);
	pi->body_len = body_start < len ? len - body_start : 0;
	pi->body = dup_n(buf + (body_start < len ? body_start : len), pi->body_len);
	if (!pi->body)
		goto oom;
	*out = pi;
	return 0;
oom:
	diag_error(d, "out of memory");
	sbuf_release(&val);
	pkginfo_free(pi);
	return -1;
}

static int present(const struct pkginfo_field *f, const char *key)
{
	return !strcasecmp(f->key, key) && f->value && f->value[0] && strcmp(f->value, "UNKNOWN");
}

const char *pkginfo_get(const struct pkginfo *pi, const char *key)
{
	const struct pkginfo_field *f = pkginfo_next(pi, key, NULL);
	return f ? f->value : NULL;
}

const struct pkginfo_field *pkginfo_next(const struct pkginfo *pi, const char *key,
                                         const struct pkginfo_field *prev)
{
	if (!pi)
		return NULL;
	size_t i = prev ? (size_t)(prev - pi->fields) + 1 : 0;
	for (; i < pi->n_fields; i++)
		if (present(&pi->fields[i], key))
			return &pi->fields[i];
	return NULL;
}

size_t pkginfo_drop(struct pkginfo *pi, const char *key)
{
	size_t w = 0, n;
	if (!pi)
		return 0;
	for (size_t i = 0; i < pi->n_fields; i++) {
		if (!strcasecmp(pi->fields[i].key, key)) {
			if (pi->fields[i].truncated)
				pi->n_truncated--;
			free(pi->fields[i].key);
			free(pi->fields[i].value);
			continue;
		}
		pi->fields[w++] = pi->fields[i];
	}
	n = pi->n_fields - w;
	pi->n_fields = w;
	return n;
}

void pkginfo_free(struct pkginfo *pi)
{
	if (!pi)
		return;
	for (size_t i = 0; i < pi->n_fields; i++) {
		free(pi->fields[i].key);
		free(pi->fields[i].value);
	}
	free(pi->fields);
	free(pi->body);
	free(pi);
}
