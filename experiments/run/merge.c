/* `pyvet merge`: options, extract parts and the dispatch by kind (see merge.h). */
#include "experiments/run/merge.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/run/mergepart.h"

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
	const char *run_key = mergepart_string(p[0].shard, "cache_key");
	const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(p[0].sc, "outputs"), *f;
	size_t next = 0, total = 0, rows;
	char path[MERGE_PATH_MAX], results[MERGE_PATH_MAX];
	cJSON *j;
	if (!run_key || !cJSON_IsArray(outputs) ||
	    mergepart_size(p[0].shard, "manifest_rows", &total) < 0) {
		err_report("merge: '%s': a malformed part sidecar", p[0].path);
		return EXIT_USAGE;
	}
	if (mergepart_same(p, n, same) < 0)
		return EXIT_USAGE;
	for (size_t i = 0; i < n; i++) {
		size_t first;
		if (mergepart_size(p[i].shard, "first_row", &first) < 0 ||
		    mergepart_size(p[i].shard, "rows", &rows) < 0 || first != next) {
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
	if (!(j = mergepart_sidecar(p, n))) {
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
		mergepart_sum(j, p, n, "counts", counts[k]);
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
		if (mergepart_write_sidecar(j, r, 1) < 0)
			return EXIT_INTERNAL;
	}
	err_report("merge: %zu extract parts, %zu packages -> %s", n, total, o->out);
	return EXIT_OK;
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
	if (mergepart_load(o->parts, o->n_parts, &p, &kind) == 0) {
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
	mergepart_release(p, o->n_parts);
	return status;
}
