/* apitable: the suspicious-API table loader and its category names (see apitable.h). */
#include "core/analysis/apitable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"
#include "core/base/sbuf.h"
#include "core/base/strset.h"

/* Appendix A's table order, with packj's report headings. */
const char *const api_categories[] = {
    "SOURCE_FILE",          "SINK_FILE",
    "SINK_NETWORK",         "SOURCE_NETWORK",
    "SINK_CODE_GENERATION", "SINK_PROCESS_OPERATION",
    "SOURCE_OBFUSCATION",   "SOURCE_SETTINGS",
    "SINK_UNCLASSIFIED",    "SOURCE_ACCOUNT",
    "SOURCE_USER_INPUT",    NULL,
};

static const char *const api_headings[] = {
    "reads files and dirs",
    "writes to files and dirs",
    "sends data over the network",
    "fetches data over the network",
    "generates new code at runtime",
    "performs a process operation",
    "reads hidden code",
    "reads system settings or environment variables",
    "modifies system settings or environment variables",
    "modifies system settings or environment variables",
    "reads user input",
};

const char *api_category_heading(const char *category)
{
	size_t k;

	if (!category)
		return NULL;
	for (k = 0; api_categories[k]; k++)
		if (!strcmp(api_categories[k], category))
			return api_headings[k];
	return NULL;
}

static const char *category_static(const char *category)
{
	size_t k;

	for (k = 0; api_categories[k]; k++)
		if (!strcmp(api_categories[k], category))
			return api_categories[k];
	return NULL;
}

struct api_table {
	struct strset names;   /* full names, index = row order */
	const char **category; /* names.count entries, static strings of api_categories[] */
	size_t cap;
	char sha256[65];
};

#define API_TABLE_MAX_BYTES ((size_t)16 << 20)

int api_table_load(struct api_table **out, const char *path, struct diag *d)
{
	struct api_table *t = NULL;
	struct sbuf raw = SBUF_INIT, csv = SBUF_INIT;
	struct csv_table *ct = NULL;
	FILE *f;
	size_t i, r;
	int ret = -1;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return diag_error(d, "cannot open api table '%s'", path);
	for (;;) {
		char buf[65536];
		size_t n = fread(buf, 1, sizeof(buf), f);
		if (n && sbuf_add(&raw, buf, n) < 0) {
			diag_error(d, "out of memory reading '%s'", path);
			goto end_close;
		}
		if (raw.len > API_TABLE_MAX_BYTES) {
			diag_error(d, "api table '%s' exceeds %zu bytes", path,
			           API_TABLE_MAX_BYTES);
			goto end_close;
		}
		if (n < sizeof(buf))
			break;
	}
	if (ferror(f)) {
		diag_error(d, "cannot read api table '%s'", path);
		goto end_close;
	}
	fclose(f);
	f = NULL;

	/* Comment lines become empty lines (csvio skips them), under a header row. */
	if (sbuf_addstr(&csv, "full_name,category\n") < 0)
		goto end_oom;
	for (i = 0; i < raw.len;) {
		const char *nl = memchr(raw.buf + i, '\n', raw.len - i);
		size_t e = nl ? (size_t)(nl - raw.buf) + 1 : raw.len;
		if (raw.buf[i] != '#') {
			if (sbuf_add(&csv, raw.buf + i, e - i) < 0)
				goto end_oom;
		} else if (sbuf_addch(&csv, '\n') < 0) {
			goto end_oom;
		}
		i = e;
	}
	if (csvio_parse(csv.buf, csv.len, &ct, d) < 0) {
		diag_error(d, "api table '%s': %s", path, diag_message(d));
		goto end;
	}
	if (ct->n_cols != 2) {
		diag_error(d, "api table '%s' must have 2 columns, not %zu", path, ct->n_cols);
		goto end;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto end_oom;
	for (r = 0; r < ct->n_rows; r++) {
		const char *name = ct->rows[r][0], *cat = category_static(ct->rows[r][1]);
		int k;
		if (!*name) {
			diag_error(d, "api table '%s': empty name in row %zu", path, r + 1);
			goto end;
		}
		if (!cat) {
			diag_error(d, "api table '%s': unknown category '%s' for '%s'", path,
			           ct->rows[r][1], name);
			goto end;
		}
		if (t->names.count == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 1024;
			const char **v = realloc(t->category, cap * sizeof(*v));
			if (!v)
				goto end_oom;
			t->category = v;
			t->cap = cap;
		}
		k = strset_add(&t->names, name, strlen(name), NULL);
		if (k < 0)
			goto end_oom;
		if (k == 0) {
			diag_error(d, "api table '%s': duplicate api '%s'", path, name);
			goto end;
		}
		t->category[t->names.count - 1] = cat;
	}
	digest_buffer_hex(raw.buf ? raw.buf : "", raw.len, t->sha256);
	*out = t;
	t = NULL;
	ret = 0;
	goto end;
end_oom:
	diag_error(d, "out of memory loading api table '%s'", path);
	goto end;
end_close:
	fclose(f);
end:
	api_table_free(t);
	csvio_table_free(ct);
	sbuf_release(&raw);
	sbuf_release(&csv);
	return ret;
}

void api_table_free(struct api_table *t)
{
	if (!t)
		return;
	strset_release(&t->names);
	free(t->category);
	free(t);
}

size_t api_table_size(const struct api_table *t)
{
	return t->names.count;
}

const char *api_table_sha256(const struct api_table *t)
{
	return t->sha256;
}

const char *api_table_category_n(const struct api_table *t, const char *name, size_t n)
{
	size_t i = strset_find(&t->names, name, n);

	return i == (size_t)-1 ? NULL : t->category[i];
}

const char *api_table_category(const struct api_table *t, const char *full_name)
{
	return api_table_category_n(t, full_name, strlen(full_name));
}
