/* patterns: named EREs compiled with TRE and matched per line through a counting character
 * source (see patterns.h). */
#include "core/analysis/patterns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tre/tre.h>

#include "core/base/sbuf.h"

/* Largest table file accepted. */
#define TABLE_MAX ((size_t)1 << 20)

struct pattern_table {
	size_t n;
	char *id[PATTERNS_MAX];
	regex_t re[PATTERNS_MAX];
	regex_t any; /* (p1)|(p2)|...: one pass tells whether any pattern matches */
	int has_any;
	struct sbuf src; /* the alternation being built */
};

void pattern_table_free(struct pattern_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->id[i]);
		tre_regfree(&t->re[i]);
	}
	if (t->has_any)
		tre_regfree(&t->any);
	sbuf_release(&t->src);
	free(t);
}

size_t pattern_table_size(const struct pattern_table *t)
{
	return t->n;
}

const char *pattern_table_id(const struct pattern_table *t, size_t i)
{
	return t->id[i];
}

/* 1 if the ERE `p` holds a back reference (a backslash followed by a digit 1-9). */
static int has_backref(const char *p)
{
	for (; *p; p++)
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return 1;
			if (!*++p)
				break;
		}
	return 0;
}

/* Compile one `id<TAB>pattern` line (NUL-terminated, no line end) into t. 0 or -1 on `d`. */
static int add_line(struct pattern_table *t, char *line, const char *name, size_t lineno,
                    struct diag *d)
{
	char *tab = strchr(line, '\t');
	int rc;
	if (!tab || tab == line || !tab[1] || t->n == PATTERNS_MAX)
		return diag_error(d, "'%s' line %zu: expected `id<TAB>pattern` (at most %d)", name,
		                  lineno, PATTERNS_MAX);
	*tab = '\0';
	if (has_backref(tab + 1))
		return diag_error(d,
		                  "'%s' line %zu: pattern '%.64s': back references are not "
		                  "supported (no linear-time matcher for them)",
		                  name, lineno, line);
	rc = tre_regcomp(&t->re[t->n], tab + 1, REG_EXTENDED);
	if (rc) {
		char rbuf[96];
		tre_regerror(rc, &t->re[t->n], rbuf, sizeof(rbuf));
		return diag_error(d, "'%s' line %zu: pattern '%.64s': %s", name, lineno, line,
		                  rbuf);
	}
	if (!(t->id[t->n] = strdup(line)) ||
	    sbuf_addf(&t->src, "%s(%s)", t->n ? "|" : "", tab + 1) < 0) {
		free(t->id[t->n]);
		tre_regfree(&t->re[t->n]);
		return diag_error(d, "out of memory");
	}
	t->n++;
	return 0;
}

int pattern_table_parse(struct pattern_table **out, const char *buf, size_t len, const char *name,
                        struct diag *d)
{
	struct pattern_table *t = calloc(1, sizeof(*t));
	char line[PATTERNS_LINE_MAX];
	size_t off = 0, lineno = 0;
	*out = NULL;
	if (!t)
		return diag_error(d, "out of memory");
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t e = nl ? (size_t)(nl - buf) : len, n = e - off;
		lineno++;
		while (n && buf[off + n - 1] == '\r')
			n--;
		if (n >= sizeof(line) || memchr(buf + off, '\0', n)) {
			diag_error(d, "'%s' line %zu: longer than %d bytes or holding a NUL", name,
			           lineno, PATTERNS_LINE_MAX - 1);
			goto fail;
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		off = nl ? e + 1 : len;
		if (!n || line[0] == '#')
			continue;
		if (add_line(t, line, name, lineno, d) < 0)
			goto fail;
	}
	if (!t->n) {
		diag_error(d, "'%s': no patterns", name);
		goto fail;
	}
	if (tre_regcomp(&t->any, sbuf_cstr(&t->src), REG_EXTENDED | REG_NOSUB)) {
		diag_error(d, "'%s': the patterns do not combine into one alternation", name);
		goto fail;
	}
	t->has_any = 1;
	sbuf_release(&t->src);
	*out = t;
	return 0;
fail:
	pattern_table_free(t);
	return -1;
}

int pattern_table_load(struct pattern_table **out, const char *path, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = SBUF_INIT;
	char chunk[8192];
	size_t k;
	int ret;
	*out = NULL;
	if (!f)
		return diag_error(d, "cannot read pattern table '%s'", path);
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + k > TABLE_MAX || sbuf_add(&b, chunk, k) < 0) {
			fclose(f);
			sbuf_release(&b);
			return diag_error(d, "pattern table '%s' is too large", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		sbuf_release(&b);
		return diag_error(d, "cannot read pattern table '%s'", path);
	}
	fclose(f);
	ret = pattern_table_parse(out, b.buf ? b.buf : "", b.len, path, d);
	sbuf_release(&b);
	return ret;
}

/* ---- matching: the line as a TRE character source that counts its reads ---- */

struct line_source {
	const unsigned char *s;
	size_t n, pos;
	size_t reads;
};

/* One byte per character (pyvet keeps LC_CTYPE "C", where the wide classes equal the narrow
 * ones on 0..255); returns 1 at the end of the line. */
static int next_char(tre_char_t *c, unsigned int *pos_add, void *ctx)
{
	struct line_source *ls = ctx;
	ls->reads++;
	*pos_add = 1;
	if (ls->pos >= ls->n) {
		*c = 0;
		return 1;
	}
	*c = ls->s[ls->pos++];
	return 0;
}

static void rewind_to(size_t pos, void *ctx)
{
	struct line_source *ls = ctx;
	ls->pos = pos < ls->n ? pos : ls->n;
}

/* Only back references compare substrings, and the table refuses them. */
static int compare(size_t a, size_t b, size_t len, void *ctx)
{
	const struct line_source *ls = ctx;
	if (a > ls->n || b > ls->n || len > ls->n - a || len > ls->n - b)
		return 1;
	return memcmp(ls->s + a, ls->s + b, len);
}

/* Run `re` over s[0..n): its tre_reguexec() code and match. */
static int run(const regex_t *re, const char *s, size_t n, regmatch_t *m, struct pattern_work *work)
{
	struct line_source ls = {(const unsigned char *)s, n, 0, 0};
	tre_str_source src = {next_char, rewind_to, compare, &ls};
	int rc = tre_reguexec(re, &src, 1, m, 0);
	if (work) {
		work->calls++;
		work->chars += ls.reads;
	}
	return rc;
}

int pattern_match_any(const struct pattern_table *t, const char *s, size_t n,
                      struct pattern_work *work)
{
	regmatch_t m[1];
	int rc = run(&t->any, s, n, m, work);
	return rc == REG_NOMATCH ? 0 : rc == REG_OK ? 1 : -1;
}

int pattern_match(const struct pattern_table *t, size_t i, const char *s, size_t n, size_t *so,
                  size_t *eo, struct pattern_work *work)
{
	regmatch_t m[1];
	int rc = run(&t->re[i], s, n, m, work);
	if (rc == REG_NOMATCH)
		return 0;
	if (rc != REG_OK || m[0].rm_so < 0 || m[0].rm_eo < m[0].rm_so || (size_t)m[0].rm_eo > n)
		return -1;
	*so = (size_t)m[0].rm_so;
	*eo = (size_t)m[0].rm_eo;
	return 1;
}
