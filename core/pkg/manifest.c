/* manifest: the corpus manifest CSV read with csvio and validated. */
#include "core/pkg/manifest.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"

#define MANIFEST_MAX_BYTES ((size_t)256 << 20) /* a manifest file */

/* Read the whole file (bounded); *len bytes plus a NUL. */
static char *read_file(const char *path, size_t *len, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, "'%s': %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap > MANIFEST_MAX_BYTES) {
				diag_error(d, "'%s': larger than %zu bytes", path,
				           MANIFEST_MAX_BYTES);
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - 1 - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				diag_error(d, "'%s': read error", path);
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	fclose(f);
	if (!buf) {
		if (!d || !d->error[0])
			diag_error(d, "'%s': out of memory", path);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *cell(const struct csv_table *t, size_t row, long col)
{
	return strdup(col >= 0 ? t->rows[row][col] : "");
}

/* An optional integer column: "" -> -1. */
static int cell_long(const struct csv_table *t, size_t row, long col, long *out)
{
	*out = -1;
	if (col < 0 || !t->rows[row][col][0])
		return 0;
	char *end;
	errno = 0;
	long v = strtol(t->rows[row][col], &end, 10);
	if (errno || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

int manifest_id_valid(const char *id)
{
	size_t n = 0;
	if (!((*id >= '0' && *id <= '9') || (*id >= 'A' && *id <= 'Z') ||
	      (*id >= 'a' && *id <= 'z')))
		return 0;
	for (; id[n]; n++) {
		char c = id[n];
		if (n >= MANIFEST_ID_MAX ||
		    !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Why relative manifest path `p` may not be joined to the corpus directory, or NULL if it may:
 * empty, absolute, too long, holding a control byte or a ".." component. */
static const char *path_problem(const char *p)
{
	size_t n = strlen(p);
	if (!n)
		return "empty path";
	if (p[0] == '/')
		return "absolute path";
	if (n > MANIFEST_PATH_MAX)
		return "path too long";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return "control character in path";
	for (const char *c = p; *c;) {
		size_t k = strcspn(c, "/");
		if (k == 2 && c[0] == '.' && c[1] == '.')
			return "'..' component in path";
		c += k;
		while (*c == '/')
			c++;
	}
	return NULL;
}

char *manifest_package_path(const struct manifest_row *r, const char *corpus,
                            const char *debian_dir, struct diag *d)
{
	static const char prefix[] = MANIFEST_DEBIAN_PREFIX;
	const char *rel = r->path, *why;
	if (debian_dir && !strncmp(rel, prefix, sizeof(prefix) - 1)) {
		corpus = debian_dir; /* a Debian-slice row of a mixed dataset */
		rel += sizeof(prefix) - 1;
	}
	why = path_problem(rel);
	char *root = NULL, *real = NULL, *joined = NULL;
	size_t nr, n;
	if (why) {
		diag_error(d, "manifest path '%s': %s (must stay inside the corpus directory)", rel,
		           why);
		return NULL;
	}
	if (!(root = realpath(corpus, NULL))) {
		diag_error(d, "corpus directory '%s': %s", corpus, strerror(errno));
		return NULL;
	}
	n = strlen(corpus) + 1 + strlen(rel) + 1;
	if (!(joined = malloc(n))) {
		diag_error(d, "out of memory");
		goto fail;
	}
	snprintf(joined, n, "%s/%s", corpus, rel);
	if (!(real = realpath(joined, NULL))) {
		diag_error(d, "'%s': %s", joined, strerror(errno));
		goto fail;
	}
	nr = strlen(root);
	/* inside: the corpus itself is not a package; "/" as corpus holds every path */
	if (!(strncmp(real, root, nr) == 0 && (real[nr] == '/' || (nr == 1 && real[1])))) {
		diag_error(d,
		           "manifest path '%s' leads outside the corpus directory '%s' (to '%s')",
		           rel, corpus, real);
		goto fail;
	}
	free(root);
	free(real);
	return joined;
fail:
	free(root);
	free(real);
	free(joined);
	return NULL;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int manifest_read(const char *path, struct manifest **out, struct diag *d)
{
	static const char *const names[] = {"id",           "label",    "name",   "version",
	                                    "path",         "format",   "source", "first_seen",
	                                    "cluster",      "kind",     "split",  "overlap",
	                                    "cluster_size", "top_rank", "bytes",  "dropped_files"};
	enum { N_COLS = 16, N_STR = 12 };
	long col[N_COLS];
	size_t len = 0;
	struct csv_table *t = NULL;
	struct manifest *m = NULL;
	*out = NULL;
	char *buf = read_file(path, &len, d);
	if (!buf)
		return -1;
	struct diag pd;
	diag_init(&pd);
	if (csvio_parse(buf, len, &t, &pd) < 0) {
		diag_error(d, "'%s': %s", path, diag_message(&pd));
		diag_release(&pd);
		free(buf);
		return -1;
	}
	diag_release(&pd);
	m = calloc(1, sizeof(*m));
	if (!m)
		goto oom;
	digest_buffer_hex(buf, len, m->sha256);
	free(buf);
	buf = NULL;
	for (int i = 0; i < N_COLS; i++)
		col[i] = csvio_column(t, names[i]);
	if (col[0] < 0 || col[1] < 0 || col[4] < 0) { /* reported as the file, line 1 */
		diag_error(d, "'%s': missing column '%s'", path,
		           col[0] < 0   ? "id"
		           : col[1] < 0 ? "label"
		                        : "path");
		goto fail;
	}
	m->rows = calloc(t->n_rows ? t->n_rows : 1, sizeof(*m->rows));
	if (!m->rows)
		goto oom;
	for (size_t i = 0; i < t->n_rows; i++) {
		struct manifest_row *r = &m->rows[i];
		char **s[N_STR] = {&r->id,      &r->label,  &r->name,   &r->version,
		                   &r->path,    &r->format, &r->source, &r->first_seen,
		                   &r->cluster, &r->kind,   &r->split,  &r->overlap};
		m->n = i + 1;
		for (int k = 0; k < N_STR; k++)
			if (!(*s[k] = cell(t, i, col[k])))
				goto oom;
		long *nums[4] = {&r->cluster_size, &r->top_rank, &r->bytes, &r->dropped_files};
		size_t line = t->line[i];
		for (int k = 0; k < 4; k++)
			if (cell_long(t, i, col[N_STR + k], nums[k]) < 0) {
				diag_error(d, "%s:%zu: bad %s '%s'", path, line, names[N_STR + k],
				           t->rows[i][col[N_STR + k]]);
				goto fail;
			}
		if (!strcmp(r->label, "malicious"))
			r->y = 1;
		else if (!strcmp(r->label, "benign"))
			r->y = 0;
		else {
			diag_error(d, "%s:%zu: label '%s' is not malicious or benign", path, line,
			           r->label);
			goto fail;
		}
		if (!r->id[0] || !r->path[0]) {
			diag_error(d, "%s:%zu: empty %s", path, line, r->id[0] ? "path" : "id");
			goto fail;
		}
		if (!manifest_id_valid(r->id)) {
			diag_error(d,
			           "%s:%zu: id '%s' is not 1 to %d characters of [0-9A-Za-z._-] "
			           "starting with a letter or digit",
			           path, line, r->id, MANIFEST_ID_MAX);
			goto fail;
		}
		const char *why = path_problem(r->path);
		if (why) {
			diag_error(d,
			           "%s:%zu: path '%s': %s (paths are relative to the corpus "
			           "directory and stay inside it)",
			           path, line, r->path, why);
			goto fail;
		}
	}
	if (m->n > 1) {
		char **ids = malloc(m->n * sizeof(*ids));
		if (!ids)
			goto oom;
		for (size_t i = 0; i < m->n; i++)
			ids[i] = m->rows[i].id;
		qsort(ids, m->n, sizeof(*ids), cmp_str_ptr);
		for (size_t i = 1; i < m->n; i++)
			if (!strcmp(ids[i - 1], ids[i])) {
				diag_error(d, "%s: duplicate id '%s'", path, ids[i]);
				free(ids);
				goto fail;
			}
		free(ids);
	}
	csvio_table_free(t);
	*out = m;
	return 0;
oom:
	diag_error(d, "'%s': out of memory", path);
fail:
	free(buf);
	csvio_table_free(t);
	manifest_free(m);
	return -1;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct manifest_row *r = &m->rows[i];
		char *s[] = {r->id,      r->label,  r->name,   r->version,
		             r->path,    r->format, r->source, r->first_seen,
		             r->cluster, r->kind,   r->split,  r->overlap};
		for (size_t k = 0; k < sizeof(s) / sizeof(*s); k++)
			free(s[k]);
	}
	free(m->rows);
	free(m);
}

int manifest_row_file(const struct manifest_row *r, const char *corpus, const char *debian_dir,
                      struct sbuf *out)
{
	static const char prefix[] = MANIFEST_DEBIAN_PREFIX;
	if (debian_dir && !strncmp(r->path, prefix, sizeof(prefix) - 1))
		return sbuf_addf(out, "%s/%s", debian_dir, r->path + sizeof(prefix) - 1);
	return sbuf_addf(out, "%s/%s", corpus, r->path);
}
