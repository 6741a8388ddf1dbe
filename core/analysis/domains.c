/* domains: the popular-domain list as a hash set of registrable domains, matched through the
 * Public Suffix List of libpsl (spec D5, paper.md section 3.4). */
#include "core/analysis/domains.h"

#include <csv.h>
#include <fcntl.h>
#include <libpsl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/analysis/domaintable.h"
#include "core/base/datafile.h"
#include "core/base/digest.h"
#include "core/base/sbuf.h"
#include "core/base/strset.h"

/* Longest host name (RFC 1035: 253 characters plus an optional trailing dot) and label. */
#define HOST_MAX 253
#define LABEL_MAX 63
/* The list file may not be larger than this (the 1M Alexa CSV is about 23 MB). */
#define DOMAINS_FILE_MAX ((size_t)512 << 20)

struct domains {
	int psl_private;           /* 1: ICANN and private PSL sections, 0: ICANN only */
	struct strset set;         /* the distinct registrable domains (when parsed) */
	struct domaintable *table; /* or the compiled table holding them (domaintable.h) */
	size_t rows;               /* data rows read (at most `top`) */
	size_t n_suffix;           /* entries dropped because they are themselves public suffixes */
	size_t n_invalid; /* entries dropped as malformed (empty, bad characters, IP literal) */
	char sha256[65];
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Lower-case `host` into buf, drop one trailing dot and check the syntax: labels of letters,
 * digits, '-' and '_' (the list holds a few '_' names), 1..63 bytes each, 253 in all.
 * Returns the length, 0 when the host is malformed, or -1 when it is an IP literal (the
 * last label is all digits, or it holds ':'). */
static long host_normalise(const char *host, char *buf, size_t n)
{
	size_t len = strlen(host), i, label = 0;
	int all_digits = 1;
	if (len && host[len - 1] == '.')
		len--;
	if (!len || len > HOST_MAX || len + 1 > n)
		return memchr(host, ':', len) ? -1 : 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == ':')
			return -1;
		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
			all_digits = 1;
		} else if ((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_') {
			if (++label > LABEL_MAX)
				return 0;
			if (!is_digit(c))
				all_digits = 0;
		} else {
			return 0;
		}
		buf[i] = (char)c;
	}
	buf[len] = '\0';
	if (all_digits)
		return -1;
	return (long)len;
}

/* The registrable domain of the normalised host `h`: the walk of libpsl's
 * psl_registrable_domain() (step right while the rest is not a public suffix), with the PSL
 * sections chosen by `psl_private`. A pointer into `h`, or NULL if `h` is a public suffix. */
static const char *registrable_of(const char *h, int psl_private)
{
	const psl_ctx_t *psl = psl_builtin();
	int type = psl_private ? PSL_TYPE_ANY : PSL_TYPE_ICANN;
	const char *regdom = NULL, *p;
	if (!psl)
		return NULL;
	while (!psl_is_public_suffix2(psl, h, type)) {
		if (!(p = strchr(h, '.')))
			break;
		regdom = h;
		h = p + 1;
	}
	return regdom;
}

/* Shared by domains_registrable() and the loader: 1 and the registrable domain in buf,
 * 0 if it is a public suffix, -1 if malformed, -2 if an IP literal. */
static int reduce(int psl_private, const char *host, char *buf, size_t n)
{
	char tmp[HOST_MAX + 2];
	long len = host_normalise(host, tmp, sizeof(tmp));
	const char *r;
	size_t rl;
	if (len < 0)
		return -2;
	if (len == 0)
		return -1;
	if (!(r = registrable_of(tmp, psl_private)))
		return 0;
	rl = strlen(r);
	if (rl + 1 > n)
		return -1;
	memcpy(buf, r, rl + 1);
	return 1;
}

const char *domains_registrable(const struct domains *dl, const char *host, char *buf, size_t n)
{
	if (!host || !buf || !n)
		return NULL;
	return reduce(dl ? dl->psl_private : 1, host, buf, n) == 1 ? buf : NULL;
}

int domains_match(const struct domains *dl, const char *host)
{
	char buf[HOST_MAX + 2];
	if (!dl || !domains_count(dl) || !host)
		return 0;
	if (reduce(dl->psl_private, host, buf, sizeof(buf)) != 1)
		return 0;
	if (dl->table)
		return domaintable_has(dl->table, buf, strlen(buf));
	return strset_find(&dl->set, buf, strlen(buf)) != (size_t)-1;
}

/* ---- loading ---- */

struct load_state {
	struct domains *dl;
	size_t top;
	size_t row;      /* physical rows seen, header included */
	size_t field;    /* field index within the current row */
	long domain_col; /* column of the domain: -1 = not decided yet */
	int header_checked;
	int done; /* `top` rows read */
	int oom;
	struct sbuf f0, f1; /* first two fields of the row */
};

static void add_entry(struct load_state *st, const char *s)
{
	char buf[HOST_MAX + 2];
	int rc;
	st->dl->rows++;
	rc = reduce(st->dl->psl_private, s, buf, sizeof(buf));
	if (rc == 0)
		st->dl->n_suffix++;
	else if (rc < 0)
		st->dl->n_invalid++;
	else if (strset_add(&st->dl->set, buf, strlen(buf), NULL) < 0)
		st->oom = 1;
	if (st->top && st->dl->rows >= st->top)
		st->done = 1;
}

static int all_digits_str(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!is_digit((unsigned char)*s))
			return 0;
	return 1;
}

static void on_field(void *data, size_t len, void *arg)
{
	struct load_state *st = arg;
	if (st->done || st->oom)
		return;
	if (st->field == 0) {
		sbuf_reset(&st->f0);
		if (sbuf_add(&st->f0, data, len) < 0)
			st->oom = 1;
	} else if (st->field == 1) {
		sbuf_reset(&st->f1);
		if (sbuf_add(&st->f1, data, len) < 0)
			st->oom = 1;
	}
	st->field++;
}

/* Decide the layout from the first row: a header ("rank,domain"; "domain,..." puts the domain
 * first), a headerless "rank,domain" row (Alexa's own file), or one domain per line. */
static void first_row(struct load_state *st)
{
	const char *f0 = sbuf_cstr(&st->f0), *f1 = sbuf_cstr(&st->f1);
	st->header_checked = 1;
	if (st->field >= 2 && all_digits_str(f0)) {
		st->domain_col = 1;
		add_entry(st, f1);
	} else if (st->field >= 2) {
		/* a header: the domain is the second column unless the first is named "domain" */
		st->domain_col = 1;
		if (!strcmp(f0, "domain"))
			st->domain_col = 0;
	} else {
		st->domain_col = 0;
		if (strcmp(f0, "domain"))
			add_entry(st, f0);
	}
}

static void on_row(int c, void *arg)
{
	struct load_state *st = arg;
	(void)c;
	if (st->done || st->oom) {
		st->field = 0;
		return;
	}
	st->row++;
	if (!st->header_checked) {
		first_row(st);
	} else if (st->field == 0) {
		/* blank line */
	} else if (st->domain_col == 0) {
		add_entry(st, sbuf_cstr(&st->f0));
	} else if (st->field > (size_t)st->domain_col) {
		add_entry(st, sbuf_cstr(&st->f1));
	} else {
		st->dl->rows++;
		st->dl->n_invalid++;
		if (st->top && st->dl->rows >= st->top)
			st->done = 1;
	}
	st->field = 0;
}

/* A list file mapped read-only (an empty file has buf "" and no mapping). */
struct mapped {
	const char *buf;
	size_t len;
	void *map;
};

/* Map the whole file (bounded). 0 or -1 with `d` set. */
static int map_file(const char *path, struct mapped *m, struct diag *d)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	m->buf = "";
	m->len = 0;
	m->map = NULL;
	if (fd < 0)
		return diag_error(d, "cannot open domain list '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_error(d, "domain list '%s' is not a regular file", path);
	}
	if ((size_t)st.st_size > DOMAINS_FILE_MAX) {
		close(fd);
		return diag_error(d, "domain list '%s' is larger than %zu bytes", path,
		                  DOMAINS_FILE_MAX);
	}
	if (st.st_size > 0) {
		m->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->map == MAP_FAILED) {
			m->map = NULL;
			close(fd);
			return diag_error(d, "cannot read domain list '%s'", path);
		}
		m->buf = m->map;
		m->len = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static void unmap_file(struct mapped *m)
{
	if (m->map)
		munmap(m->map, m->len);
	m->map = NULL;
}

/* Use the compiled table (DOMAINS_TABLE_NAME in the data directory) if it was built from a
 * file with this content and with these settings by this PSL. 1 if taken, 0 if not. */
static int try_table(struct domains *dl, size_t top)
{
	char path[4096];
	struct domaintable *t = NULL;
	const struct domaintable_info *ti;
	const char *psl_sha1 = psl_builtin_sha1sum();
	if (getenv("PYVET_NO_DOMAIN_TABLE") || !psl_sha1 ||
	    !datafile_path(DOMAINS_TABLE_NAME, path, sizeof(path)) ||
	    domaintable_open(&t, path, NULL) < 0)
		return 0;
	ti = domaintable_info(t);
	if (strcmp(ti->source_sha256, dl->sha256) || strcmp(ti->psl_sha1, psl_sha1) ||
	    ti->psl_private != dl->psl_private || ti->top != top || !ti->count) {
		domaintable_close(t);
		return 0;
	}
	dl->table = t;
	dl->rows = ti->rows;
	dl->n_suffix = ti->n_suffix;
	dl->n_invalid = ti->n_invalid;
	return 1;
}

/* Load the list at `path`: hash it, then take the compiled table or parse the rows. */
static int load(struct domains **out, const char *path, size_t top, int psl_private, int use_table,
                struct diag *d)
{
	struct mapped file = {"", 0, NULL};
	struct domains *dl = NULL;
	struct load_state st;
	struct csv_parser p;
	int ret = -1;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	if (!psl_builtin())
		return diag_error(d, "libpsl has no built-in public suffix list");
	if (map_file(path, &file, d) < 0)
		goto end;
	if (!(dl = calloc(1, sizeof(*dl)))) {
		diag_error(d, "out of memory");
		goto end;
	}
	dl->psl_private = psl_private ? 1 : 0;
	digest_buffer_hex(file.buf, file.len, dl->sha256);
	if (use_table && try_table(dl, top)) {
		*out = dl;
		dl = NULL;
		ret = 0;
		goto end;
	}

	st.dl = dl;
	st.top = top;
	st.domain_col = -1;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		diag_error(d, "out of memory");
		goto end;
	}
	if (csv_parse(&p, file.buf, file.len, on_field, on_row, &st) != file.len ||
	    csv_fini(&p, on_field, on_row, &st) != 0) {
		diag_error(d, "domain list '%s': %s", path, csv_strerror(csv_error(&p)));
		csv_free(&p);
		goto end;
	}
	csv_free(&p);
	if (st.oom) {
		diag_error(d, "out of memory loading domain list '%s'", path);
		goto end;
	}
	if (!dl->set.count) {
		diag_error(d, "domain list '%s' holds no usable domain", path);
		goto end;
	}
	*out = dl;
	dl = NULL;
	ret = 0;
end:
	sbuf_release(&st.f0);
	sbuf_release(&st.f1);
	unmap_file(&file);
	domains_free(dl);
	return ret;
}

int domains_load(struct domains **out, const char *path, size_t top, int psl_private,
                 struct diag *d)
{
	return load(out, path, top, psl_private, 1, d);
}

int domains_load_list(struct domains **out, const char *path, size_t top, int psl_private,
                      struct diag *d)
{
	return load(out, path, top, psl_private, 0, d);
}

int domains_uses_table(const struct domains *dl)
{
	return dl && dl->table;
}

int domains_write_table(const struct domains *dl, const char *path, size_t top, struct diag *d)
{
	struct domaintable_info ti;
	const char *psl_sha1 = psl_builtin_sha1sum();
	if (!dl || dl->table)
		return diag_error(d,
		                  "domain table: the list must be parsed, not read from a table");
	if (!psl_sha1 || strlen(psl_sha1) != 40)
		return diag_error(d, "domain table: libpsl gives no SHA-1 of its built-in list");
	memset(&ti, 0, sizeof(ti));
	memcpy(ti.source_sha256, dl->sha256, sizeof(ti.source_sha256));
	memcpy(ti.psl_sha1, psl_sha1, 41);
	ti.psl_private = dl->psl_private;
	ti.top = top;
	ti.rows = dl->rows;
	ti.n_suffix = dl->n_suffix;
	ti.n_invalid = dl->n_invalid;
	ti.count = dl->set.count;
	return domaintable_write(path, &ti, &dl->set, d);
}

void domains_free(struct domains *dl)
{
	if (!dl)
		return;
	strset_release(&dl->set);
	domaintable_close(dl->table);
	free(dl);
}

size_t domains_count(const struct domains *dl)
{
	if (!dl)
		return 0;
	return dl->table ? domaintable_info(dl->table)->count : dl->set.count;
}

size_t domains_rows(const struct domains *dl)
{
	return dl ? dl->rows : 0;
}

size_t domains_dropped_suffix(const struct domains *dl)
{
	return dl ? dl->n_suffix : 0;
}

size_t domains_dropped_invalid(const struct domains *dl)
{
	return dl ? dl->n_invalid : 0;
}

int domains_psl_private(const struct domains *dl)
{
	return dl ? dl->psl_private : 1;
}

const char *domains_sha256(const struct domains *dl)
{
	return dl ? dl->sha256 : "";
}
