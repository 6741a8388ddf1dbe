/* `pyvet merge` of cv parts: long-CSV rows ordered by cell, out-of-fold rows each from its
 * cell's part (see merge.h, mergepart.h). */
#include "experiments/run/mergepart.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/resultcsv.h"
#include "experiments/run/cv.h"

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
	    !g->n_learners || mergepart_size(p->shard, "repeats", &g->repeats) < 0 ||
	    mergepart_size(p->shard, "folds", &g->folds) < 0 || !g->repeats || !g->folds)
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
		const char *st = mergepart_string(src, cell_name(g, c, name, sizeof(name)));
		cJSON_AddStringToObject(cells, name, st ? st : "missing in its part's sidecar");
	}
	return cells;
}

/* The parts' "parameters" are equal but for cv.jobs (threads do not change results). 0, or -1
 * (reported). */
static int same_parameters(const struct part *p, size_t n)
{
	cJSON *first = NULL;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		cJSON *j =
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p[i].sc, "parameters"), 1);
		cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "cv"),
		                                        "jobs");
		if (i && (first || j) && !cJSON_Compare(first, j, 1))
			rc = err_report("merge: '%s' and '%s' differ in \"parameters\": parts of "
			                "different runs",
			                p[0].path, p[i].path);
		if (i)
			cJSON_Delete(j);
		else
			first = j;
	}
	cJSON_Delete(first);
	return rc;
}

int merge_cv(const struct merge_opts *o, struct part *p, size_t n)
{
	/* the same data and protocol; paths may differ between machines, threads too */
	static const char *const same[] = {"seed",   "split", "command",           "vocab_scope",
	                                   "hashes", "data",  "fold_class_counts", NULL};
	struct grid g;
	struct entry *e = NULL;
	struct csvio_out co;
	struct diag d;
	size_t ne = 0, n_cells, next = 0;
	char spath[MERGE_PATH_MAX], name[1024];
	int status = EXIT_USAGE;
	cJSON *j, *secs;
	diag_init(&d);
	if (grid_of(&p[0], &g) < 0 || mergepart_same(p, n, same) < 0 || same_parameters(p, n) < 0)
		goto end;
	for (size_t i = 0; i < n; i++)
		if (mergepart_read(&p[i]) < 0)
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
	if (!(j = mergepart_sidecar(p, n))) {
		err_report("merge: out of memory");
		goto end;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(j, "cells", merged_cells(p, &g));
	secs = cJSON_GetObjectItemCaseSensitive(j, "cell_seconds");
	for (cJSON *c = secs ? secs->child : NULL; c; c = c->next)
		mergepart_sum(j, p, n, "cell_seconds", c->string);
	mergepart_sum(j, p, n, NULL, "failed_cells");
	{
		const char *r[] = {o->out, spath};
		if (mergepart_write_sidecar(j, r, 2) < 0)
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

int merge_oof(const struct merge_opts *o, struct part *p, size_t n)
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
		if (mergepart_read(&p[i]) < 0)
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
