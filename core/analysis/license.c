/* license: licence-family normalisation over a named pattern table (spec D18). */
#include "core/analysis/license.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"
#include "core/base/sbuf.h"

/* Largest table file accepted. */
#define TABLE_MAX ((size_t)1 << 20)
/* Phrases per pattern. */
#define PHRASES_MAX 4

struct license_row {
	char *family;
	enum license_kind kind;
	size_t n_phrases;
	char *phrase[PHRASES_MAX]; /* normalised: lower case, single spaces */
	size_t len[PHRASES_MAX];
};

struct license_table {
	struct license_row *rows;
	size_t n_rows;
	char sha256[65];
};

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Lower-case and collapse whitespace runs of s[0..n) into `out` (reset first), trimmed. '#' and
 * '*' count as whitespace: licence notices are often comment blocks ("# This library is ...",
 * " * Redistribution ...") and Markdown emphasis ("*either*"). */
static int normalise(const char *s, size_t n, struct sbuf *out)
{
	int pending = 0;
	sbuf_reset(out);
	if (sbuf_grow(out, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c) || c == '#' || c == '*') {
			pending = out->len > 0;
			continue;
		}
		if (pending)
			out->buf[out->len++] = ' ';
		pending = 0;
		out->buf[out->len++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	out->buf[out->len] = '\0';
	return 0;
}

void license_table_free(struct license_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rows; i++) {
		free(t->rows[i].family);
		for (size_t k = 0; k < t->rows[i].n_phrases; k++)
			free(t->rows[i].phrase[k]);
	}
	free(t->rows);
	free(t);
}

size_t license_table_rows(const struct license_table *t)
{
	return t ? t->n_rows : 0;
}

const char *license_table_sha256(const struct license_table *t)
{
	return t ? t->sha256 : "";
}

/* Split pattern `p` at " && " into normalised phrases of `row`. 0 or -1 (message on d). */
static int set_phrases(struct license_row *row, const char *p, size_t line, const char *name,
                       struct diag *d)
{
	struct sbuf nb = SBUF_INIT;
	const char *s = p;
	int ret = -1;
	for (;;) {
		const char *e = strstr(s, "&&");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (row->n_phrases == PHRASES_MAX) {
			diag_error(d, "licence table '%s' row %zu: more than %d phrases", name,
			           line, PHRASES_MAX);
			goto end;
		}
		if (normalise(s, n, &nb) < 0) {
			diag_error(d, "out of memory");
			goto end;
		}
		if (!nb.len) {
			diag_error(d, "licence table '%s' row %zu: empty phrase", name, line);
			goto end;
		}
		row->len[row->n_phrases] = nb.len;
		row->phrase[row->n_phrases++] = sbuf_detach(&nb, NULL);
		if (!row->phrase[row->n_phrases - 1]) {
			diag_error(d, "out of memory");
			goto end;
		}
		if (!e)
			break;
		s = e + 2;
	}
	ret = 0;
end:
	sbuf_release(&nb);
	return ret;
}

int license_table_parse(struct license_table **out, const char *buf, size_t len, const char *name,
                        struct diag *d)
{
	struct license_table *t = NULL;
	struct csv_table *csv = NULL;
	size_t off = 0, comment_lines = 0;
	long cf, ck, cp;
	int ret = -1;

	*out = NULL;
	/* leading comment lines (provenance) */
	while (off < len && buf[off] == '#') {
		const char *nl = memchr(buf + off, '\n', len - off);
		off = nl ? (size_t)(nl - buf) + 1 : len;
		comment_lines++;
	}
	if (csvio_parse(buf + off, len - off, &csv, d) < 0) {
		diag_error(d, "licence table '%s': %s", name, diag_message(d));
		goto end;
	}
	cf = csvio_column(csv, "family");
	ck = csvio_column(csv, "kind");
	cp = csvio_column(csv, "pattern");
	if (cf < 0 || ck < 0 || cp < 0) {
		diag_error(d, "licence table '%s' lacks a family, kind or pattern column", name);
		goto end;
	}
	if (!(t = calloc(1, sizeof(*t))) ||
	    !(t->rows = calloc(csv->n_rows ? csv->n_rows : 1, sizeof(*t->rows)))) {
		diag_error(d, "out of memory");
		goto end;
	}
	digest_buffer_hex(buf, len, t->sha256);
	for (size_t i = 0; i < csv->n_rows; i++) {
		struct license_row *row = &t->rows[t->n_rows];
		const char *kind = csv->rows[i][ck];
		size_t line = comment_lines + i + 2;
		if (!strcmp(kind, "classifier"))
			row->kind = LICENSE_CLASSIFIER;
		else if (!strcmp(kind, "field"))
			row->kind = LICENSE_FIELD;
		else if (!strcmp(kind, "file"))
			row->kind = LICENSE_FILE;
		else {
			diag_error(d, "licence table '%s' row %zu: unknown kind '%s'", name, line,
			           kind);
			goto end;
		}
		if (!*csv->rows[i][cf]) {
			diag_error(d, "licence table '%s' row %zu: empty family", name, line);
			goto end;
		}
		if (!(row->family = strdup(csv->rows[i][cf]))) {
			diag_error(d, "out of memory");
			goto end;
		}
		t->n_rows++;
		if (set_phrases(row, csv->rows[i][cp], line, name, d) < 0)
			goto end;
	}
	if (!t->n_rows) {
		diag_error(d, "licence table '%s' has no rows", name);
		goto end;
	}
	*out = t;
	t = NULL;
	ret = 0;
end:
	csvio_table_free(csv);
	license_table_free(t);
	return ret;
}

int license_table_load(struct license_table **out, const char *path, struct diag *d)
{
	struct sbuf b = SBUF_INIT;
	int ret;
	*out = NULL;
	if (sbuf_read_file(&b, path, TABLE_MAX, "licence table", d) < 0)
		ret = -1;
	else
		ret = license_table_parse(out, sbuf_cstr(&b), b.len, path, d);
	sbuf_release(&b);
	return ret;
}

/* The first occurrence of phrase p (length pl) in t[from..n) at word boundaries, or (size_t)-1.
 * Adds the bytes it examined to *work. */
static size_t find_phrase(const char *t, size_t n, size_t from, const char *p, size_t pl,
                          size_t *work)
{
	int want_left = is_alnum((unsigned char)p[0]),
	    want_right = is_alnum((unsigned char)p[pl - 1]);
	while (from + pl <= n) {
		const char *hit = memchr(t + from, p[0], n - from - pl + 1);
		size_t at;
		if (!hit) {
			*work += n - from - pl + 1;
			return (size_t)-1;
		}
		at = (size_t)(hit - t);
		*work += at - from + pl;
		if (!memcmp(t + at, p, pl) &&
		    (!want_left || at == 0 || !is_alnum((unsigned char)t[at - 1])) &&
		    (!want_right || at + pl == n || !is_alnum((unsigned char)t[at + pl])))
			return at;
		from = at + 1;
	}
	return (size_t)-1;
}

/* Earliest position at which every phrase of `row` matches in order (each within the window
 * after the previous one), or (size_t)-1. Linear: the search start of every phrase only moves
 * forward from one start of the first phrase to the next, so each later phrase's last
 * occurrence found is remembered and reused while it lies at or after the new search start (it
 * is then also the first occurrence from there); a later phrase missing from the rest of the
 * text ends the search, and a start too far before the next occurrence of the second phrase is
 * skipped. */
static size_t match_row(const struct license_row *row, const char *t, size_t n, size_t *work)
{
	size_t from = 0, tries = 0, k;
	size_t seen_from[PHRASES_MAX], seen_at[PHRASES_MAX]; /* last search of phrase k */
	for (k = 0; k < PHRASES_MAX; k++)
		seen_from[k] = (size_t)-1;
	while (tries++ < 100000) {
		size_t at = find_phrase(t, n, from, row->phrase[0], row->len[0], work), end;
		if (at == (size_t)-1)
			return at;
		end = at + row->len[0];
		from = at + 1;
		for (k = 1; k < row->n_phrases; k++) {
			size_t nx;
			if (seen_from[k] != (size_t)-1 && end >= seen_from[k] &&
			    seen_at[k] >= end) {
				nx = seen_at[k];
			} else {
				nx = find_phrase(t, n, end, row->phrase[k], row->len[k], work);
				seen_from[k] = end;
				seen_at[k] = nx;
			}
			if (nx == (size_t)-1)
				return nx; /* no later start can find it either */
			if (nx - end > LICENSE_PHRASE_WINDOW) {
				if (k == 1 && nx - LICENSE_PHRASE_WINDOW - row->len[0] > from)
					from = nx - LICENSE_PHRASE_WINDOW - row->len[0];
				break;
			}
			end = nx + row->len[k];
		}
		if (k == row->n_phrases)
			return at;
	}
	return (size_t)-1;
}

static const char *first_row(const struct license_table *t, enum license_kind kind, const char *s,
                             size_t n, size_t *work)
{
	for (size_t i = 0; i < t->n_rows; i++)
		if (t->rows[i].kind == kind && match_row(&t->rows[i], s, n, work) != (size_t)-1)
			return t->rows[i].family;
	return NULL;
}

static const char *earliest_row(const struct license_table *t, enum license_kind kind,
                                const char *s, size_t n, size_t *work)
{
	const char *best = NULL;
	size_t best_at = (size_t)-1;
	for (size_t i = 0; i < t->n_rows; i++) {
		size_t at;
		if (t->rows[i].kind != kind)
			continue;
		at = match_row(&t->rows[i], s, n, work);
		if (at != (size_t)-1 && (best == NULL || at < best_at)) {
			best = t->rows[i].family;
			best_at = at;
		}
	}
	return best;
}

const char *license_family_work(const struct license_table *t, enum license_kind kind,
                                const char *text, size_t len, size_t *work)
{
	struct sbuf nb = SBUF_INIT;
	const char *fam = NULL;
	if (!t || !text)
		return NULL;
	if (len > LICENSE_TEXT_MAX)
		len = LICENSE_TEXT_MAX;
	*work += len;
	if (normalise(text, len, &nb) < 0 || !nb.len)
		goto end;
	switch (kind) {
	case LICENSE_CLASSIFIER:
		fam = first_row(t, LICENSE_CLASSIFIER, nb.buf, nb.len, work);
		if (!fam)
			fam = first_row(t, LICENSE_FIELD, nb.buf, nb.len, work);
		break;
	case LICENSE_FIELD:
		fam = first_row(t, LICENSE_FIELD, nb.buf, nb.len, work);
		if (!fam)
			fam = earliest_row(t, LICENSE_FILE, nb.buf, nb.len, work);
		break;
	case LICENSE_FILE:
		fam = earliest_row(t, LICENSE_FILE, nb.buf, nb.len, work);
		break;
	}
end:
	sbuf_release(&nb);
	return fam;
}

const char *license_family(const struct license_table *t, enum license_kind kind, const char *text,
                           size_t len)
{
	size_t work = 0;
	return license_family_work(t, kind, text, len, &work);
}

/* `plain` is a plain family and `v` one of its versions ("BSD", "BSD-3"). */
static int plain_of(const char *plain, const char *v)
{
	size_t n = strlen(plain);
	return !strchr(plain, '-') && !strncmp(plain, v, n) && v[n] == '-';
}

int license_agree(const char *a, const char *b, int exact)
{
	if (!a || !b)
		return 0;
	if (!strcmp(a, b))
		return 1;
	return !exact && (plain_of(a, b) || plain_of(b, a));
}
