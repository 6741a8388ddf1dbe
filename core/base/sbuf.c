/* Growable byte buffer with overflow-checked growth. */
#include "core/base/sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void sbuf_release(struct sbuf *sb)
{
	if (!sb)
		return;
	free(sb->buf);
	sbuf_init(sb);
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

int sbuf_grow(struct sbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;
	if (extra > SIZE_MAX - sb->len - 1)
		return -1;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(sb->buf, cap);
	if (!p)
		return -1;
	if (!sb->buf)
		p[0] = '\0';
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

int sbuf_add(struct sbuf *sb, const void *data, size_t n)
{
	if (sbuf_grow(sb, n) < 0)
		return -1;
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int sbuf_addstr(struct sbuf *sb, const char *s)
{
	return sbuf_add(sb, s, strlen(s));
}

int sbuf_addch(struct sbuf *sb, int c)
{
	char ch = (char)c;
	return sbuf_add(sb, &ch, 1);
}

int sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sbuf_grow(sb, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

void sbuf_setlen(struct sbuf *sb, size_t len)
{
	if (len > sb->len)
		BUG("sbuf_setlen beyond length");
	sb->len = len;
	if (sb->buf)
		sb->buf[len] = '\0';
}

const char *sbuf_cstr(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p;
	if (!sb->buf && sbuf_grow(sb, 0) < 0)
		return NULL;
	p = sb->buf;
	if (len)
		*len = sb->len;
	sbuf_init(sb);
	return p;
}

int sbuf_read_file(struct sbuf *sb, const char *path, size_t max, const char *what, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t k;
	int too_large = 0;
	if (!f)
		return diag_error(d, "cannot read %s '%s'", what, path);
	while (!too_large && (k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		too_large = k > max - (sb->len < max ? sb->len : max) || sbuf_add(sb, chunk, k) < 0;
	int bad = ferror(f);
	fclose(f);
	if (too_large)
		return diag_error(d, "%s '%s' is too large", what, path);
	if (bad)
		return diag_error(d, "cannot read %s '%s'", what, path);
	return 0;
}
