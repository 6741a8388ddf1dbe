/* The parts of a sharded run and the merged sidecar (see mergepart.h). */
#include "experiments/run/mergepart.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/err.h"
#include "core/base/results.h"
#include "core/base/sbuf.h"

void mergepart_release(struct part *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		cJSON_Delete(p[i].sc);
		free(p[i].buf);
	}
	free(p);
}

/* A non-negative integer member of `o`, or -1 (stored in *v otherwise). */
int mergepart_size(const cJSON *o, const char *key, size_t *v)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 9007199254740992.0)
		return -1;
	*v = (size_t)j->valuedouble;
	return 0;
}

const char *mergepart_string(const cJSON *o, const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(j) ? j->valuestring : NULL;
}

static int cmp_part(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Read every part's sidecar and check that they are the N shards of one cut, sorted by index.
 * The kind ("extract", "cv", "cv-oof") into *kind. 0 or -1 (reported). */
int mergepart_load(const char *const *paths, size_t n_parts, struct part **out, const char **kind)
{
	struct part *p = calloc(n_parts, sizeof(*p));
	struct diag d;
	diag_init(&d);
	*out = p;
	if (!p)
		return err_report("merge: out of memory");
	for (size_t i = 0; i < n_parts; i++) {
		struct stat st;
		char json[MERGE_PATH_MAX];
		const char *k;
		p[i].path = paths[i];
		if (stat(p[i].path, &st) < 0)
			return err_report("merge: '%s': %s", p[i].path, strerror(errno));
		snprintf(p[i].file, sizeof(p[i].file), "%s", p[i].path);
		if (S_ISDIR(st.st_mode))
			snprintf(json, sizeof(json), "%s/features.json", p[i].path);
		else if (!sidecar_path_for(p[i].path, json, sizeof(json))[0])
			return err_report("merge: '%s': path too long", p[i].path);
		if (!(p[i].sc = sidecar_read(json, &d))) {
			err_report("merge: '%s': %s", p[i].path, diag_message(&d));
			diag_release(&d);
			return -1;
		}
		p[i].shard = cJSON_GetObjectItemCaseSensitive(p[i].sc, "shard");
		k = mergepart_string(p[i].shard, "kind");
		if (!k || mergepart_size(p[i].shard, "index", &p[i].index) < 0 ||
		    mergepart_size(p[i].shard, "count", &p[i].count) < 0 || p[i].count < 1 ||
		    p[i].index >= p[i].count)
			return err_report("merge: '%s': not a part of a sharded run (its sidecar "
			                  "'%s' has no \"shard\")",
			                  p[i].path, json);
		if (i == 0)
			*kind = mergepart_string(p[0].shard, "kind");
		if (strcmp(k, *kind))
			return err_report("merge: '%s' is a %s part, '%s' a %s part", p[0].path,
			                  *kind, p[i].path, k);
		if (p[i].count != p[0].count)
			return err_report("merge: '%s' is a part of %zu, '%s' of %zu", p[0].path,
			                  p[0].count, p[i].path, p[i].count);
	}
	qsort(p, n_parts, sizeof(*p), cmp_part);
	for (size_t i = 0; i < n_parts; i++) {
		if (i && p[i].index == p[i - 1].index)
			return err_report("merge: shard %zu/%zu given twice: '%s' and '%s'",
			                  p[i].index, p[i].count, p[i - 1].path, p[i].path);
		if (p[i].index != i)
			return err_report("merge: shard %zu/%zu is missing", i, p[0].count);
	}
	if (n_parts != p[0].count)
		return err_report("merge: shard %zu/%zu is missing", n_parts, p[0].count);
	/* the shard objects, but for the index, must be the same: the same run cut the same way */
	for (size_t i = 1; i < n_parts; i++) {
		cJSON *a = cJSON_Duplicate(p[0].shard, 1), *b = cJSON_Duplicate(p[i].shard, 1);
		int same;
		cJSON_DeleteItemFromObjectCaseSensitive(a, "index");
		cJSON_DeleteItemFromObjectCaseSensitive(b, "index");
		cJSON_DeleteItemFromObjectCaseSensitive(a, "first_row");
		cJSON_DeleteItemFromObjectCaseSensitive(b, "first_row");
		cJSON_DeleteItemFromObjectCaseSensitive(a, "rows");
		cJSON_DeleteItemFromObjectCaseSensitive(b, "rows");
		same = cJSON_Compare(a, b, 1);
		cJSON_Delete(a);
		cJSON_Delete(b);
		if (!same)
			return err_report("merge: '%s' and '%s' are parts of different runs (their "
			                  "\"shard\" objects differ)",
			                  p[0].path, p[i].path);
	}
	return 0;
}

/* The parts' sidecar members `keys` must be equal (the same inputs and parameters). */
int mergepart_same(const struct part *p, size_t n, const char *const *keys)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = 0; keys[k]; k++) {
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(p[0].sc, keys[k]),
			            *b = cJSON_GetObjectItemCaseSensitive(p[i].sc, keys[k]);
			if (!cJSON_Compare(a, b, 1) && (a || b))
				return err_report("merge: '%s' and '%s' differ in \"%s\": parts of "
				                  "different runs",
				                  p[0].path, p[i].path, keys[k]);
		}
	return 0;
}

/* ---- the merged sidecar ---- */

/* Start the merged sidecar from the first part's: no "shard", no wall_seconds (written last
 * again), "threads" of every part, "merged_from" listing the parts. NULL on out of memory. */
cJSON *mergepart_sidecar(const struct part *p, size_t n)
{
	cJSON *j = cJSON_Duplicate(p[0].sc, 1), *threads = cJSON_CreateArray(),
	      *from = cJSON_CreateArray();
	if (!j || !threads || !from) {
		cJSON_Delete(j);
		cJSON_Delete(threads);
		cJSON_Delete(from);
		return NULL;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(j, "shard");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "wall_seconds");
	for (size_t i = 0; i < n; i++) {
		const cJSON *t, *th = cJSON_GetObjectItemCaseSensitive(p[i].sc, "threads");
		cJSON *e = cJSON_CreateObject();
		cJSON_ArrayForEach(t, th) cJSON_AddItemToArray(threads, cJSON_Duplicate(t, 1));
		cJSON_AddStringToObject(e, "part", p[i].path);
		cJSON_AddNumberToObject(e, "index", (double)p[i].index);
		cJSON_AddItemToObject(
		    e, "command",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p[i].sc, "command"), 1));
		cJSON_AddItemToObject(
		    e, "host",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p[i].sc, "host"), 1));
		cJSON_AddItemToObject(
		    e, "started_utc",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p[i].sc, "started_utc"), 1));
		cJSON_AddItemToArray(from, e);
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "threads"))
		cJSON_ReplaceItemInObjectCaseSensitive(j, "threads", threads);
	else
		cJSON_Delete(threads);
	cJSON_AddItemToObject(j, "merged_from", from);
	return j;
}

/* Sum the number `key` of object `section` over the parts into the merged sidecar `j`. */
void mergepart_sum(cJSON *j, const struct part *p, size_t n, const char *section, const char *key)
{
	cJSON *dst = section ? cJSON_GetObjectItemCaseSensitive(j, section) : j;
	cJSON *item = cJSON_GetObjectItemCaseSensitive(dst, key);
	double sum = 0;
	if (!cJSON_IsNumber(item))
		return;
	for (size_t i = 0; i < n; i++) {
		const cJSON *src =
		    section ? cJSON_GetObjectItemCaseSensitive(p[i].sc, section) : p[i].sc;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, key);
		if (cJSON_IsNumber(v))
			sum += v->valuedouble;
	}
	cJSON_SetNumberValue(item, sum); /* in place: callers may be walking `dst` */
}

/* Write `j` (owned) as the sidecar of each of results[0..n-1]. 0 or -1. */
int mergepart_write_sidecar(cJSON *j, const char *const *results, size_t n)
{
	struct sidecar *sc = sidecar_adopt(j);
	int rc = sc ? 0 : err_report("merge: out of memory");
	for (size_t i = 0; sc && i < n && rc == 0; i++)
		rc = sidecar_write(sc, results[i]);
	sidecar_free(sc);
	return rc;
}

/* Read a part's data file into memory. 0 or -1 (reported). */
int mergepart_read(struct part *p)
{
	FILE *f = fopen(p->file, "rb");
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t k;
	if (!f)
		return err_report("merge: '%s': %s", p->file, strerror(errno));
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len <= MERGE_CSV_MAX)
		if (sbuf_add(&sb, buf, k) < 0)
			break;
	if (ferror(f) || k > 0) {
		fclose(f);
		sbuf_release(&sb);
		return err_report("merge: '%s': cannot read it (or larger than 4 GiB)", p->file);
	}
	fclose(f);
	p->buf = sbuf_detach(&sb, &p->len);
	return p->buf ? 0 : err_report("merge: out of memory");
}
