/* manifest: the corpus manifest CSV read with csvio and validated. */
#include "core/pkg/manifest.h"

#include <errno.h>
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
	if (col[0] < 0 || col[1] < 0 || col[4] < 0) {
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
		for (int k = 0; k < 4; k++)
			if (cell_long(t, i, col[N_STR + k], nums[k]) < 0) {
				diag_error(d, "'%s': row %zu: bad %s '%s'", path, i + 1,
				           names[N_STR + k], t->rows[i][col[N_STR + k]]);
				goto fail;
			}
		if (!strcmp(r->label, "malicious"))
			r->y = 1;
		else if (!strcmp(r->label, "benign"))
			r->y = 0;
		else {
			diag_error(d, "'%s': row %zu: label '%s' is not malicious or benign", path,
			           i + 1, r->label);
			goto fail;
		}
		if (!r->id[0] || !r->path[0]) {
			diag_error(d, "'%s': row %zu: empty %s", path, i + 1,
			           r->id[0] ? "path" : "id");
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
				diag_error(d, "'%s': duplicate id '%s'", path, ids[i]);
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
