/* `pyvet merge`: options and body (see merge.h). */
#include "experiments/run/merge.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/results.h"
#include "core/base/sbuf.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/resultcsv.h"
#include "experiments/run/cv.h"

#define MERGE_MAX_PARTS 100000
#define MERGE_CSV_MAX ((size_t)4 << 30) /* a cv part file read into memory */
#define MERGE_PATH_MAX 4096

#define O struct merge_opts
static const struct cli_option merge_options[] = {
    {CLI_STRING("out", O, out, "PATH", NULL,
                "the merged extraction folder, long CSV or out-of-fold file"),
     .flags = CLI_REQUIRED},
    {CLI_END}};
#undef O

static const char *const merge_synopsis[] = {"merge --out PATH PART...", NULL};

const struct cli_command merge_command = {
    .name = "merge",
    .synopsis = merge_synopsis,
    .about =
        "Join the parts of a sharded run into the files one run writes. PART is a folder of\n"
        "'pyvet extract --shard I/N', or a file of 'pyvet cv --cells I/N' (its --out long CSV,\n"
        "or its --oof file); give all N parts of one run, in any order. The kind is read from\n"
        "the parts' sidecars. The merged sidecar differs from one run's only in timings and\n"
        "provenance (merged_from lists the parts).\n",
    .options = merge_options,
    .args = "PART...",
    .args_noun = "part",
    .min_args = 1,
    .epilog = "Exit status: 0 merged; 2 the parts do not make one run (a shard missing or twice,\n"
              "different runs or cuts) or cannot be read; 4 write error.\n"};

/* One part as given. */
struct part {
	const char *path;          /* the folder or file given */
	char file[MERGE_PATH_MAX]; /* its data file (cv, oof) or folder (extract) */
	cJSON *sc;                 /* its sidecar (owned) */
	const cJSON *shard;        /* sc's "shard" */
	size_t index, count;
	char *buf; /* cv and oof: the file's bytes (owned) */
	size_t len;
};

static void parts_release(struct part *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		cJSON_Delete(p[i].sc);
		free(p[i].buf);
	}
	free(p);
}

/* A non-negative integer member of `o`, or -1 (stored in *v otherwise). */
static int json_size(const cJSON *o, const char *key, size_t *v)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > 9007199254740992.0)
		return -1;
	*v = (size_t)j->valuedouble;
	return 0;
}

static const char *json_string(const cJSON *o, const char *key)
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
static int load_parts(const struct merge_opts *o, struct part **out, const char **kind)
{
	struct part *p = calloc(o->n_parts, sizeof(*p));
	struct diag d;
	diag_init(&d);
	*out = p;
	if (!p)
		return err_report("merge: out of memory");
	for (size_t i = 0; i < o->n_parts; i++) {
		struct stat st;
		char json[MERGE_PATH_MAX];
		const char *k;
		p[i].path = o->parts[i];
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
		k = json_string(p[i].shard, "kind");
		if (!k || json_size(p[i].shard, "index", &p[i].index) < 0 ||
		    json_size(p[i].shard, "count", &p[i].count) < 0 || p[i].count < 1 ||
		    p[i].index >= p[i].count)
			return err_report("merge: '%s': not a part of a sharded run (its sidecar "
			                  "'%s' has no \"shard\")",
			                  p[i].path, json);
		if (i == 0)
			*kind = json_string(p[0].shard, "kind");
		if (strcmp(k, *kind))
			return err_report("merge: '%s' is a %s part, '%s' a %s part", p[0].path,
			                  *kind, p[i].path, k);
		if (p[i].count != p[0].count)
			return err_report("merge: '%s' is a part of %zu, '%s' of %zu", p[0].path,
			                  p[0].count, p[i].path, p[i].count);
	}
	qsort(p, o->n_parts, sizeof(*p), cmp_part);
	for (size_t i = 0; i < o->n_parts; i++) {
		if (i && p[i].index == p[i - 1].index)
			return err_report("merge: shard %zu/%zu given twice: '%s' and '%s'",
			                  p[i].index, p[i].count, p[i - 1].path, p[i].path);
		if (p[i].index != i)
			return err_report("merge: shard %zu/%zu is missing", i, p[0].count);
	}
	if (o->n_parts != p[0].count)
		return err_report("merge: shard %zu/%zu is missing", o->n_parts, p[0].count);
	/* the shard objects, but for the index, must be the same: the same run cut the same way */
	for (size_t i = 1; i < o->n_parts; i++) {
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
static int same_members(const struct part *p, size_t n, const char *const *keys)
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
static cJSON *merged_sidecar(const struct part *p, size_t n)
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
static void sum_member(cJSON *j, const struct part *p, size_t n, const char *section,
                       const char *key)
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
static int write_sidecar(cJSON *j, const char *const *results, size_t n)
{
	struct sidecar *sc = sidecar_adopt(j);
	int rc = sc ? 0 : err_report("merge: out of memory");
	for (size_t i = 0; sc && i < n && rc == 0; i++)
		rc = sidecar_write(sc, results[i]);
	sidecar_free(sc);
	return rc;
}

/* ---- extract parts: contiguous blocks, concatenated ---- */

/* Append the file `path` to `out`. With `header`, its first line is the header: written from
 * the first part (want empty: it becomes `want`), else checked against `want` and skipped.
 * 0 or -1 (reported). */
static int append_file(FILE *out, const char *path, int header, struct sbuf *want)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t k;
	if (!f)
		return err_report("merge: '%s': %s", path, strerror(errno));
	if (header) {
		struct sbuf line = SBUF_INIT;
		int c;
		while ((c = fgetc(f)) != EOF && line.len < 1 << 20) {
			sbuf_addch(&line, c);
			if (c == '\n')
				break;
		}
		int first = !want->len, bad = 0;
		if (first) /* the header, once */
			bad = sbuf_addstr(want, sbuf_cstr(&line)) < 0 ||
			      fwrite(sbuf_cstr(&line), 1, line.len, out) != line.len;
		else if (strcmp(sbuf_cstr(want), sbuf_cstr(&line)))
			bad = 2;
		sbuf_release(&line);
		if (bad) {
			fclose(f);
			return bad == 2 ? err_report("merge: '%s': another header than the first "
			                             "part's",
			                             path)
			                : err_report("merge: write error");
		}
	}
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, k, out) != k) {
			fclose(f);
			return err_report("merge: write error");
		}
	if (ferror(f)) {
		fclose(f);
		return err_report("merge: '%s': read error", path);
	}
	fclose(f);
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[MERGE_PATH_MAX];
	size_t n = strlen(dir);
	if (n >= sizeof(buf))
		return err_report("merge: '%s': path too long", dir);
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++)
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return err_report("merge: cannot create '%s': %s", buf,
				                  strerror(errno));
			buf[i] = c;
		}
	return 0;
}

static int merge_extract(const struct merge_opts *o, struct part *p, size_t n)
{
	static const char *const same[] = {"featuresets", "hashes", "outputs", NULL};
	const char *run_key = json_string(p[0].shard, "cache_key");
	const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(p[0].sc, "outputs"), *f;
	size_t next = 0, total = 0, rows;
	char path[MERGE_PATH_MAX], results[MERGE_PATH_MAX];
	cJSON *j;
	if (!run_key || !cJSON_IsArray(outputs) ||
	    json_size(p[0].shard, "manifest_rows", &total) < 0) {
		err_report("merge: '%s': a malformed part sidecar", p[0].path);
		return EXIT_USAGE;
	}
	if (same_members(p, n, same) < 0)
		return EXIT_USAGE;
	for (size_t i = 0; i < n; i++) {
		size_t first;
		if (json_size(p[i].shard, "first_row", &first) < 0 ||
		    json_size(p[i].shard, "rows", &rows) < 0 || first != next) {
			err_report("merge: '%s': rows do not follow the previous part's",
			           p[i].path);
			return EXIT_USAGE;
		}
		next += rows;
	}
	if (next != total) {
		err_report("merge: the parts hold %zu of the manifest's %zu rows", next, total);
		return EXIT_USAGE;
	}
	if (mkdir_p(o->out) < 0)
		return EXIT_USAGE;
	cJSON_ArrayForEach(f, outputs)
	{
		struct csvio_out co;
		struct sbuf header = SBUF_INIT;
		size_t len = cJSON_IsString(f) ? strlen(f->valuestring) : 0;
		int has_header = len > 4 && !strcmp(f->valuestring + len - 4, ".csv");
		if (!len || strchr(f->valuestring, '/')) {
			err_report("merge: '%s': a bad output name", p[0].path);
			return EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "%s/%s", o->out, f->valuestring);
		if (csvio_out_open(&co, path) < 0)
			return EXIT_INTERNAL;
		for (size_t i = 0; i < n; i++) {
			char in[MERGE_PATH_MAX];
			snprintf(in, sizeof(in), "%s/%s", p[i].file, f->valuestring);
			if (append_file(co.f, in, has_header, &header) < 0) {
				sbuf_release(&header);
				csvio_out_abort(&co);
				return EXIT_INTERNAL;
			}
		}
		sbuf_release(&header);
		if (csvio_out_commit(&co) < 0)
			return EXIT_INTERNAL;
	}
	/* the sidecar of one run: its cache key, summed counts */
	if (!(j = merged_sidecar(p, n))) {
		err_report("merge: out of memory");
		return EXIT_INTERNAL;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(j, "cache_key", cJSON_CreateString(run_key));
	{
		char **argv = NULL;
		int argc = o->argc;
		cJSON *cmd;
		if (!o->argv &&
		    cli_format_argv(&merge_command, o, o->parts, o->n_parts, &argc, &argv) < 0) {
			cJSON_Delete(j);
			err_report("merge: out of memory");
			return EXIT_INTERNAL;
		}
		cmd =
		    cJSON_CreateStringArray((const char *const *)(o->argv ? o->argv : argv), argc);
		cli_argv_free(argv);
		cJSON_ReplaceItemInObjectCaseSensitive(j, "command", cmd);
	}
	static const char *const counts[] = {"packages", "ok", "failed", "extract_seconds"};
	for (size_t k = 0; k < 4; k++)
		sum_member(j, p, n, "counts", counts[k]);
	{
		cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "counts");
		const cJSON *pk = cJSON_GetObjectItemCaseSensitive(c, "packages"),
		            *sec = cJSON_GetObjectItemCaseSensitive(c, "extract_seconds");
		if (cJSON_IsNumber(pk) && cJSON_IsNumber(sec))
			cJSON_ReplaceItemInObjectCaseSensitive(
			    c, "packages_per_second",
			    cJSON_CreateNumber(
			        sec->valuedouble > 0 ? pk->valuedouble / sec->valuedouble : 0));
	}
	snprintf(results, sizeof(results), "%s/features.csv", o->out);
	{
		const char *r[] = {results};
		if (write_sidecar(j, r, 1) < 0)
			return EXIT_INTERNAL;
	}
	err_report("merge: %zu extract parts, %zu packages -> %s", n, total, o->out);
	return EXIT_OK;
}

/* ---- cv parts: CSV records ---- */

/* One record of a CSV buffer: bytes [off, off + len), its LF included. */
struct rec {
	size_t off, len;
};

/* Split a buffer into records (each ends after an LF outside double quotes). An array the
 * caller frees, *n records; NULL on out of memory. */
static struct rec *split_records(const char *buf, size_t len, size_t *n)
{
	size_t cap = 1024, k = 0, start = 0;
	int quoted = 0;
	struct rec *r = malloc(cap * sizeof(*r));
	for (size_t i = 0; r && i < len; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		if ((buf[i] != '\n' || quoted) && i + 1 < len)
			continue;
		if (k == cap) {
			struct rec *nr = realloc(r, 2 * cap * sizeof(*r));
			if (!nr) {
				free(r);
				return NULL;
			}
			r = nr;
			cap *= 2;
		}
		r[k++] = (struct rec){start, i + 1 - start};
		start = i + 1;
	}
	*n = k;
	return r;
}

/* The first `max` fields of a record (RFC 4180: "" in a quoted field is one quote) into `sb`,
 * NUL-separated; f[i] point into sb. The number of fields read. */
static size_t record_fields(const char *p, size_t len, struct sbuf *sb, const char **f, size_t max)
{
	size_t at[64], n = 0, i = 0;
	int quoted = 0;
	sbuf_reset(sb);
	if (max > 64)
		max = 64;
	at[n++] = 0;
	for (; i < len; i++) {
		char c = p[i];
		if (quoted) {
			if (c == '"' && i + 1 < len && p[i + 1] == '"')
				sbuf_addch(sb, p[++i]);
			else if (c == '"')
				quoted = 0;
			else
				sbuf_addch(sb, c);
		} else if (c == '"') {
			quoted = 1;
		} else if (c == ',' || c == '\n') {
			sbuf_addch(sb, '\0');
			if (c == '\n' || n == max)
				break;
			at[n++] = sb->len;
		} else {
			sbuf_addch(sb, c);
		}
	}
	if (i == len)
		sbuf_addch(sb, '\0');
	for (size_t k = 0; k < n; k++)
		f[k] = sb->buf + at[k];
	return n;
}

/* Read a part's data file into memory. 0 or -1 (reported). */
static int read_part(struct part *p)
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

/* The grid of a cv part: set and learner names, repeats, folds. */
struct grid {
	const cJSON *sets, *learners;
	size_t n_sets, n_learners, repeats, folds, n_shards;
};

static int grid_of(const struct part *p, struct grid *g)
{
	g->sets = cJSON_GetObjectItemCaseSensitive(p->shard, "sets");
	g->learners = cJSON_GetObjectItemCaseSensitive(p->shard, "learners");
	g->n_sets = (size_t)cJSON_GetArraySize(g->sets);
	g->n_learners = (size_t)cJSON_GetArraySize(g->learners);
	g->n_shards = p->count;
	if (!cJSON_IsArray(g->sets) || !cJSON_IsArray(g->learners) || !g->n_sets ||
	    !g->n_learners || json_size(p->shard, "repeats", &g->repeats) < 0 ||
	    json_size(p->shard, "folds", &g->folds) < 0 || !g->repeats || !g->folds)
		return err_report("merge: '%s': a malformed \"shard\" object", p->path);
	return 0;
}

/* Index of `name` in the string array `a`, or -1. */
static long name_index(const cJSON *a, const char *name)
{
	long i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
	{
		if (cJSON_IsString(e) && !strcmp(e->valuestring, name))
			return i;
		i++;
	}
	return -1;
}

/* A decimal index below `lim` from a field, or -1. */
static long field_index(const char *s, size_t lim)
{
	char *end;
	unsigned long v;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	return *end || v >= lim ? -1 : (long)v;
}

/* The part (shard index) that runs cell (set s, repeat r, fold f): cvrun's item order. */
static size_t owner(const struct grid *g, size_t s, size_t r, size_t f)
{
	return ((s * g->repeats + r) * g->folds + f) % g->n_shards;
}

struct entry {
	size_t cell, part, seq;
	struct rec rec;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every record of every part as (cell, part, order); checks the header, that each record is a
 * cell of the grid ending in LF, and that the part owns the cell. NULL (reported) or the
 * entries, *n_out of them. */
static struct entry *cv_entries(const struct part *p, size_t n, const struct grid *g, size_t *n_out)
{
	static const char header[] = "set,learner,cv,repeat,fold,metric,value,status\n";
	struct sbuf sb = SBUF_INIT;
	struct entry *e = NULL;
	struct rec *r = NULL;
	size_t ne = 0, cap = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		free(r);
		if (!(r = split_records(p[i].buf, p[i].len, &nr))) {
			err_report("merge: out of memory");
			goto fail;
		}
		if (!nr || r[0].len != sizeof(header) - 1 || memcmp(p[i].buf, header, r[0].len)) {
			err_report("merge: '%s': not a long results CSV", p[i].path);
			goto fail;
		}
		for (size_t k = 1; k < nr; k++) {
			const char *f[8], *raw = p[i].buf + r[k].off;
			long s, l, rp, fo;
			if (raw[r[k].len - 1] != '\n' ||
			    record_fields(raw, r[k].len, &sb, f, 8) < 8 ||
			    (s = name_index(g->sets, f[0])) < 0 ||
			    (l = name_index(g->learners, f[1])) < 0 ||
			    (rp = field_index(f[3], g->repeats)) < 0 ||
			    (fo = field_index(f[4], g->folds)) < 0) {
				err_report("merge: '%s': record %zu is not a cell of the grid",
				           p[i].path, k + 1);
				goto fail;
			}
			if (owner(g, (size_t)s, (size_t)rp, (size_t)fo) != p[i].index) {
				err_report("merge: '%s': cell %s/%s/%ld/%ld belongs to shard %zu",
				           p[i].path, f[0], f[1], rp, fo,
				           owner(g, (size_t)s, (size_t)rp, (size_t)fo));
				goto fail;
			}
			if (ne == cap) {
				struct entry *ng;
				cap = cap ? 2 * cap : 4096;
				if (!(ng = realloc(e, cap * sizeof(*e)))) {
					err_report("merge: out of memory");
					goto fail;
				}
				e = ng;
			}
			e[ne].cell =
			    (((size_t)s * g->n_learners + (size_t)l) * g->repeats + (size_t)rp) *
			        g->folds +
			    (size_t)fo;
			e[ne].part = i;
			e[ne].seq = k;
			e[ne].rec = r[k];
			ne++;
		}
	}
	free(r);
	sbuf_release(&sb);
	*n_out = ne;
	return e;
fail:
	free(r);
	free(e);
	sbuf_release(&sb);
	return NULL;
}

/* "SET/LEARNER/repeat/fold" of cell number c into buf. */
static const char *cell_name(const struct grid *g, size_t c, char *buf, size_t n)
{
	size_t f = c % g->folds, r = (c / g->folds) % g->repeats,
	       l = (c / (g->folds * g->repeats)) % g->n_learners,
	       s = c / (g->folds * g->repeats * g->n_learners);
	snprintf(buf, n, "%s/%s/%zu/%zu", cJSON_GetArrayItem(g->sets, (int)s)->valuestring,
	         cJSON_GetArrayItem(g->learners, (int)l)->valuestring, r, f);
	return buf;
}

/* The merged sidecar's "cells" in grid order, each from the part that ran it. */
static cJSON *merged_cells(const struct part *p, const struct grid *g)
{
	cJSON *cells = cJSON_CreateObject();
	size_t n_cells = g->n_sets * g->n_learners * g->repeats * g->folds;
	char name[1024];
	for (size_t c = 0; cells && c < n_cells; c++) {
		size_t f = c % g->folds, r = (c / g->folds) % g->repeats,
		       s = c / (g->folds * g->repeats * g->n_learners);
		const cJSON *src =
		    cJSON_GetObjectItemCaseSensitive(p[owner(g, s, r, f)].sc, "cells");
		const char *st = json_string(src, cell_name(g, c, name, sizeof(name)));
		cJSON_AddStringToObject(cells, name, st ? st : "missing in its part's sidecar");
	}
	return cells;
}

static int merge_cv(const struct merge_opts *o, struct part *p, size_t n)
{
	static const char *const same[] = {"seed",    "features",          "manifest",   "split",
	                                   "command", "vocab_scope",       "parameters", "hashes",
	                                   "data",    "fold_class_counts", NULL};
	struct grid g;
	struct entry *e = NULL;
	struct csvio_out co;
	struct diag d;
	size_t ne = 0, n_cells, next = 0;
	char spath[MERGE_PATH_MAX], name[1024];
	int status = EXIT_USAGE;
	cJSON *j, *secs;
	diag_init(&d);
	if (grid_of(&p[0], &g) < 0 || same_members(p, n, same) < 0)
		goto end;
	for (size_t i = 0; i < n; i++)
		if (read_part(&p[i]) < 0)
			goto end;
	if (!(e = cv_entries(p, n, &g, &ne)))
		goto end;
	qsort(e, ne, sizeof(*e), cmp_entry);
	n_cells = g.n_sets * g.n_learners * g.repeats * g.folds;
	for (size_t k = 0; k < ne; k++) { /* every cell, in the part that owns it */
		if (e[k].cell == next)
			next++;
		else if (e[k].cell > next)
			break;
	}
	if (next != n_cells) {
		err_report("merge: cell %s is in no part", cell_name(&g, next, name, sizeof(name)));
		goto end;
	}
	status = EXIT_INTERNAL;
	if (protocli_mkdir_parent(o->out) < 0 || csvio_out_open(&co, o->out) < 0)
		goto end;
	fputs("set,learner,cv,repeat,fold,metric,value,status\n", co.f);
	for (size_t k = 0; k < ne; k++)
		fwrite(p[e[k].part].buf + e[k].rec.off, 1, e[k].rec.len, co.f);
	if (csvio_out_commit(&co) < 0)
		goto end;
	cv_summary_path(o->out, spath, sizeof(spath));
	if (resultcsv_summary(o->out, spath, &d) < 0) {
		err_report("merge: summary: %s", diag_message(&d));
		goto end;
	}
	if (!(j = merged_sidecar(p, n))) {
		err_report("merge: out of memory");
		goto end;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(j, "cells", merged_cells(p, &g));
	secs = cJSON_GetObjectItemCaseSensitive(j, "cell_seconds");
	for (cJSON *c = secs ? secs->child : NULL; c; c = c->next)
		sum_member(j, p, n, "cell_seconds", c->string);
	sum_member(j, p, n, NULL, "failed_cells");
	{
		const char *r[] = {o->out, spath};
		if (write_sidecar(j, r, 2) < 0)
			goto end;
	}
	err_report("merge: %zu cv parts, %zu cells -> %s and %s", n, n_cells, o->out, spath);
	status = EXIT_OK;
end:
	free(e);
	diag_release(&d);
	return status;
}

/* ---- cv --oof parts: the same rows in every part, each taken from its cell's part ---- */

static int merge_oof(const struct merge_opts *o, struct part *p, size_t n)
{
	static const char header[] = "set,learner,repeat,id,label,fold,score\n";
	struct grid g;
	struct rec **r = calloc(n, sizeof(*r));
	size_t nr = 0, n0 = 0;
	struct sbuf sb = SBUF_INIT;
	struct csvio_out co = {0};
	int status = EXIT_USAGE;
	if (!r || grid_of(&p[0], &g) < 0)
		goto end;
	for (size_t i = 0; i < n; i++) {
		if (read_part(&p[i]) < 0)
			goto end;
		if (!(r[i] = split_records(p[i].buf, p[i].len, &nr))) {
			err_report("merge: out of memory");
			goto end;
		}
		if (!i)
			n0 = nr;
		if (!nr || r[i][0].len != sizeof(header) - 1 ||
		    memcmp(p[i].buf, header, sizeof(header) - 1) || nr != n0) {
			err_report("merge: '%s': not an out-of-fold file of the same rows as '%s'",
			           p[i].path, p[0].path);
			goto end;
		}
	}
	status = EXIT_INTERNAL;
	if (protocli_mkdir_parent(o->out) < 0 || csvio_out_open(&co, o->out) < 0)
		goto end;
	fputs(header, co.f);
	for (size_t k = 1; k < n0; k++) {
		const char *f[7], *raw = p[0].buf + r[0][k].off;
		size_t own = 0, keep;
		long s, rp, fo;
		/* every part: the same record up to the score (the last field) */
		for (keep = r[0][k].len; keep > 0 && raw[keep - 1] != ','; keep--)
			;
		for (size_t i = 1; i < n; i++)
			if (r[i][k].len < keep || memcmp(p[i].buf + r[i][k].off, raw, keep)) {
				err_report("merge: '%s' and '%s' differ in row %zu", p[0].path,
				           p[i].path, k + 1);
				status = EXIT_USAGE;
				goto end;
			}
		if (record_fields(raw, r[0][k].len, &sb, f, 7) == 7 &&
		    (s = name_index(g.sets, f[0])) >= 0 &&
		    (rp = field_index(f[2], g.repeats)) >= 0 &&
		    (fo = field_index(f[5], g.folds)) >= 0)
			own = owner(&g, (size_t)s, (size_t)rp, (size_t)fo);
		fwrite(p[own].buf + r[own][k].off, 1, r[own][k].len, co.f);
	}
	if (csvio_out_commit(&co) < 0)
		goto end;
	err_report("merge: %zu out-of-fold parts, %zu rows -> %s", n, n0 - 1, o->out);
	status = EXIT_OK;
end:
	if (co.f)
		csvio_out_abort(&co);
	for (size_t i = 0; r && i < n; i++)
		free(r[i]);
	free(r);
	sbuf_release(&sb);
	return status;
}

int merge_run(const struct merge_opts *o)
{
	struct part *p = NULL;
	const char *kind = NULL;
	int status = EXIT_USAGE;
	if (o->n_parts > MERGE_MAX_PARTS) {
		err_report("merge: more than %d parts", MERGE_MAX_PARTS);
		return EXIT_USAGE;
	}
	if (load_parts(o, &p, &kind) == 0) {
		if (!strcmp(kind, "extract"))
			status = merge_extract(o, p, o->n_parts);
		else if (!strcmp(kind, "cv"))
			status = merge_cv(o, p, o->n_parts);
		else if (!strcmp(kind, "cv-oof"))
			status = merge_oof(o, p, o->n_parts);
		else
			err_report("merge: '%s': parts of kind '%s' cannot be merged", p[0].path,
			           kind);
	}
	parts_release(p, o->n_parts);
	return status;
}
