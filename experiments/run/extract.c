/* `pyvet extract`: options and body (see extract.h). Packages run on worker threads; outputs
 * are written in manifest order by the calling thread, so the bytes do not depend on --jobs. */
#include "experiments/run/extract.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/digest.h"
#include "core/base/err.h"
#include "core/base/params.h"
#include "core/base/results.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "core/base/workq.h"
#include "core/ml/tokenize.h"
#include "core/pkg/manifest.h"
#include "core/pkg/package.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/engine/extractrow.h"
#include "featuresets/featureset.h"

#define EX_LIST_MAX 10000 /* api_hits / urls entries per package in evidence.jsonl */
#define EX_CACHE_FORMAT 2 /* bump when the output format of extract changes */

#define O struct extract_opts
static const struct cli_option extract_options[] = {
    {CLI_STRING("manifest", O, manifest, "M.csv", NULL,
                "the packages (a corpus or dataset manifest)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "OUTDIR", NULL, "the output folder"), .flags = CLI_REQUIRED},
    {CLI_STRING("corpus", O, corpus, "DIR", NULL,
                "folder the manifest paths are relative to (default: the manifest's folder)")},
    {CLI_STRING("debian-dir", O, debian_dir, "D", NULL,
                "the Debian slice: paths 'debian/...' (datasets/realistic) are relative to D")},
    {CLI_STRING("featuresets", O, featuresets, "L", NULL,
                "comma-separated (default: every feature set listed below)")},
    {CLI_STRING("domains", O, domains, "FILE", NULL,
                "popular-domain list (default: $PYVET_DOMAINS, else top-domains.csv of the data "
                "directory; see pyvet(1) FILES)")},
    {CLI_LIST("param", O, param, "K=V", NULL,
              "SET.KEY=V for a feature set SET listed below, or one of the extract parameters "
              "below")},
    {CLI_SIZE("jobs", O, jobs, "N", "0", "[0, 256]", "worker threads (0: online CPUs)")},
    {CLI_SHARD("shard", O, shard,
               "extract only part I of N of the manifest's rows (rows [I x n / N, (I + 1) x n / "
               "N)) into a part folder for 'pyvet merge'")},
    {CLI_FLAG("reuse", O, reuse, "do nothing if OUTDIR/features.json has the same cache key")},
    {CLI_FLAG("quiet", O, quiet, "no progress line"), .short_name = 'q'},
    {CLI_END}};
#undef O

static const char *const extract_synopsis[] = {
    "extract --manifest M.csv --out OUTDIR [--corpus DIR] [--jobs N]",
    "        [--featuresets a,b,...] [--domains FILE] [--param K=V]...",
    "        [--debian-dir D] [--shard I/N] [--reuse] [--quiet]", NULL};

static int extract_help_extra(struct sbuf *out)
{
	sbuf_addstr(out, "\nextract parameters:\n");
	params_help(extractrow_param_spec, out);
	params_help(package_param_spec, out);
	sbuf_addstr(out, "\nfeature sets and their parameters:\n");
	for (size_t i = 0; featureset_types[i]; i++) {
		const struct featureset_type *t = featureset_types[i];
		sbuf_addf(out, "  %s: %s\n", t->name, t->summary);
		for (const struct featureset_data *df = t->data; df && df->label; df++) {
			sbuf_addf(out, "  data file %s", df->label);
			if (df->param)
				sbuf_addf(out, " (--param %s.%s)", t->name, df->param);
			sbuf_addch(out, '\n');
		}
		params_help(t->params, out);
	}
	return 0;
}

const struct cli_command extract_command = {
    .name = "extract",
    .synopsis = extract_synopsis,
    .about =
        "Read every package of manifest M (paths relative to DIR, default the manifest's\n"
        "directory) in memory, analyse it once (spec D3) and compute the feature sets. Writes\n"
        "into OUTDIR: features.csv (id,label,name,version,cluster,first_seen,shape, then one\n"
        "column per feature named set.feature; shape = sdist|wheel|installed|dir, a label,\n"
        "never a model input), tokens.tsv (per-package token counts of the text\n"
        "document, 'id<TAB>token:count ...'), evidence.jsonl (one JSON object per package),\n"
        "errors.csv (id,path,reason) and features.json (the sidecar, with the cache key).\n"
        "Failed packages are listed in errors.csv only. Output bytes do not depend on --jobs.\n",
    .options = extract_options,
    .epilog = "With --shard I/N, OUTDIR is a part folder: 'pyvet merge --out DIR PART...' joins\n"
              "the N parts into the bytes one run writes.\n\n"
              "Exit status: 0 all packages extracted, 3 some packages failed (listed in "
              "errors.csv),\n"
              "2 usage or configuration error (also a manifest id or path it refuses), 4 I/O "
              "error.\n",
    .help_extra = extract_help_extra};

/* The outcome for one manifest row. */
struct ex_result {
	int ok;
	const char *shape; /* static: the package's shape (core/pkg/view.h) */
	char *error;
	double *x;
	struct doc_tokens dt;
	char *evidence; /* one compact JSON line, no LF */
};

struct ex_run {
	const struct manifest *m;
	size_t first, n_rows; /* the rows of this run: first .. first + n_rows - 1 (a shard) */
	const char *corpus, *debian_dir;
	struct extractrow x;   /* sets, analysis context, API table, domain list */
	struct ex_result *res; /* [n_rows] */
	int show_progress;
	double t0, last_progress;
};

/* ---- per-package work ---- */

/* Strings in evidence.jsonl are valid UTF-8 (invalid bytes become '?'). */
static void add_str(cJSON *o, const char *k, const char *v)
{
	extractrow_json_add_string(o, k, v);
}

static void add_warning(cJSON *arr, const char *w)
{
	cJSON *tmp = cJSON_CreateObject();
	cJSON *item;
	if (!tmp)
		return;
	add_str(tmp, "w", w);
	item = cJSON_DetachItemFromObjectCaseSensitive(tmp, "w");
	if (item && !cJSON_AddItemToArray(arr, item))
		cJSON_Delete(item);
	cJSON_Delete(tmp);
}

static char *build_evidence(const struct ex_run *r, const char *id, const struct analysis *a,
                            const struct package *pkg, struct evidence_list *evs)
{
	cJSON *o = cJSON_CreateObject(), *arr, *c;
	char *text;
	if (!o)
		return NULL;
	add_str(o, "id", id);
	add_str(o, "shape", pkg_shape_name(a->view->shape));
	arr = cJSON_AddArrayToObject(o, "api_hits");
	for (size_t i = 0; arr && i < a->n_hits && i < EX_LIST_MAX; i++) {
		const struct file_api_hit *h = &a->hits[i];
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(arr, e)) {
			cJSON_Delete(e);
			break;
		}
		add_str(e, "file", h->file->path);
		cJSON_AddNumberToObject(e, "line", (double)h->hit.line);
		cJSON_AddNumberToObject(e, "end_line", (double)h->hit.end_line);
		add_str(e, "api", h->hit.short_name ? h->hit.short_name : "");
		add_str(e, "full_name", h->hit.full_name ? h->hit.full_name : "");
		add_str(e, "category", h->hit.category ? h->hit.category : "");
	}
	arr = cJSON_AddArrayToObject(o, "urls");
	for (size_t i = 0; arr && i < a->n_urls && i < EX_LIST_MAX; i++) {
		const struct file_url *u = &a->urls[i];
		cJSON *e = cJSON_CreateObject();
		char why[128];
		if (!e || !cJSON_AddItemToArray(arr, e)) {
			cJSON_Delete(e);
			break;
		}
		add_str(e, "file", u->file->path);
		cJSON_AddNumberToObject(e, "line", (double)u->url.line);
		add_str(e, "url", u->url.text ? u->url.text : "");
		add_str(e, "host", u->url.host ? u->url.host : "");
		add_str(e, "verdict", u->url.suspicious ? "suspicious" : "ok");
		add_str(e, "reasons", url_reasons_string(u->url.reasons, why, sizeof(why)));
	}
	/* the feature sets' evidence */
	if (extractrow_evidence_sets_json(&r->x, evs, o) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	if (a->evidence.n) /* package-level facts: container oddities, cut metadata */
		cJSON_AddItemToObject(o, "package",
		                      extractrow_evidence_json(&a->evidence, 0, a->evidence.n));
	c = cJSON_AddObjectToObject(o, "counts");
	if (c) {
		cJSON_AddNumberToObject(c, "files", (double)pkg->n_files);
		cJSON_AddNumberToObject(c, "py_files", (double)a->n_py_files);
		cJSON_AddNumberToObject(c, "py_skipped", (double)a->n_py_skipped);
		cJSON_AddNumberToObject(c, "api_hits", (double)a->n_hits);
		cJSON_AddNumberToObject(c, "alias_hits", (double)a->n_alias_hits);
		cJSON_AddNumberToObject(c, "urls", (double)a->n_urls);
		cJSON_AddNumberToObject(c, "strings", (double)a->n_strings);
		cJSON_AddNumberToObject(c, "doc_lines", (double)a->n_doc_lines);
		cJSON_AddNumberToObject(c, "doc_bytes", (double)a->document.len);
	}
	arr = cJSON_AddArrayToObject(o, "warnings");
	for (int i = 0; arr && i < pkg->diag.n_warnings && i < DIAG_WARN_KEEP; i++)
		add_warning(arr, pkg->diag.warnings[i]);
	for (int i = 0; arr && i < a->diag.n_warnings && i < DIAG_WARN_KEEP; i++)
		add_warning(arr, a->diag.warnings[i]);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

static void process_one(struct ex_run *r, size_t i)
{
	struct ex_result *res = &r->res[i];
	const struct manifest_row *row = &r->m->rows[r->first + i];
	char *path = NULL;
	struct extractrow_result er;
	struct diag d;
	memset(&er, 0, sizeof(er));
	diag_init(&d);
	if (!(path = manifest_package_path(row, r->corpus, r->debian_dir, &d)))
		goto fail;
	if (extractrow_run(&r->x, path, NULL, &er, &d) < 0)
		goto fail;
	res->evidence = build_evidence(r, row->id, er.a, er.pkg, er.ev);
	if (!res->evidence) {
		diag_error(&d, "out of memory");
		goto fail;
	}
	/* keep the row and the tokens; the rest is released below */
	res->x = er.x;
	er.x = NULL;
	res->shape = pkg_shape_name(er.a->view->shape);
	res->dt = er.dt;
	memset(&er.dt, 0, sizeof(er.dt));
	res->ok = 1;
	goto out;
fail:
	res->ok = 0;
	res->error = strdup(diag_message(&d)[0] ? diag_message(&d) : "unknown error");
out:
	extractrow_result_release(&er);
	free(path);
	diag_release(&d);
}

static void process_item(void *arg, size_t item, size_t thread)
{
	(void)thread;
	process_one(arg, item);
}

static double now_seconds(void);
static void progress(size_t done, size_t total, double t0, int final);

/* After each package (serialised by the work queue): a progress line at most every 0.25 s. */
static void item_done(void *arg, size_t item, size_t n_done)
{
	struct ex_run *r = arg;
	double t = now_seconds();
	(void)item;
	if (r->show_progress && t - r->last_progress >= 0.25) {
		r->last_progress = t;
		progress(n_done, r->n_rows, r->t0, 0);
	}
}

/* ---- helpers ---- */

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);
	if (n >= sizeof(buf))
		return err_report("'%s': path too long", dir);
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return err_report("cannot create '%s': %s", buf, strerror(errno));
			buf[i] = c;
		}
	}
	return 0;
}

/* Append "name=sha\n" of a shipped data file to the key text and the hashes object. */
static void hash_datafile(const char *label, const char *path, struct sbuf *key, cJSON *hashes)
{
	char hex[65] = "missing";
	if (path && datafile_sha256(path, hex) < 0)
		snprintf(hex, sizeof(hex), "unreadable");
	sbuf_addf(key, "%s=%s\n", label, hex);
	cJSON_AddStringToObject(hashes, label, hex);
}

static const char *shipped(const char *name, char *buf, size_t n)
{
	return datafile_path(name, buf, n);
}

static char *read_cache_key(const char *sidecar_path)
{
	FILE *f = fopen(sidecar_path, "rb");
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t k;
	cJSON *j, *key;
	char *out = NULL;
	if (!f)
		return NULL;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (64u << 20))
		sbuf_add(&sb, buf, k);
	fclose(f);
	j = cJSON_Parse(sbuf_cstr(&sb));
	sbuf_release(&sb);
	key = j ? cJSON_GetObjectItemCaseSensitive(j, "cache_key") : NULL;
	if (cJSON_IsString(key))
		out = strdup(key->valuestring);
	cJSON_Delete(j);
	return out;
}

static void progress(size_t done, size_t total, double t0, int final)
{
	double el = now_seconds() - t0, rate = el > 0 ? (double)done / el : 0;
	double eta = rate > 0 ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\rextract: %zu/%zu packages, %.1f packages/s, ETA %.0f s   ", done, total,
	        rate, eta);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The cache key of the run and the sidecar's "hashes" and "featuresets": every input that
 * shapes the output bytes (format, version, manifest, data files, parameters). */
static void cache_key(const struct ex_run *r, char key_hex[65], cJSON *hashes, cJSON *fsj)
{
	struct sbuf key = SBUF_INIT, pf = SBUF_INIT;
	char buf[4096];
	sbuf_addf(&key, "pyvet-extract format=%d version=%s\nmanifest=%s\n", EX_CACHE_FORMAT,
	          PYVET_VERSION, r->m->sha256);
	cJSON_AddStringToObject(hashes, "manifest", r->m->sha256);
	cJSON_AddStringToObject(hashes, "python_apis.csv", api_table_sha256(r->x.apis));
	sbuf_addf(&key, "python_apis.csv=%s\n", api_table_sha256(r->x.apis));
	if (r->x.dl) {
		cJSON_AddStringToObject(hashes, "domains", domains_sha256(r->x.dl));
		sbuf_addf(&key, "domains=%s\n", domains_sha256(r->x.dl));
	} else {
		sbuf_addstr(&key, "domains=none\n");
	}
	hash_datafile("python_keywords.txt", shipped("python_keywords.txt", buf, sizeof(buf)), &key,
	              hashes);
	hash_datafile("stopwords_en.txt", shipped("stopwords_en.txt", buf, sizeof(buf)), &key,
	              hashes);
	for (size_t k = 0; k < r->x.n_sets; k++) {
		const struct featureset *fs = r->x.sets[k];
		cJSON *e = cJSON_CreateObject();
		sbuf_reset(&pf);
		params_format(fs->type->params, fs->state, &pf);
		sbuf_addf(&key, "set=%s v%u %s\n", fs->type->name, fs->type->version,
		          sbuf_cstr(&pf));
		cJSON_AddStringToObject(e, "name", fs->type->name);
		cJSON_AddNumberToObject(e, "version", fs->type->version);
		cJSON_AddNumberToObject(e, "n_features", (double)fs->type->n_features);
		cJSON_AddItemToObject(e, "params", params_to_json(fs->type->params, fs->state));
		cJSON_AddItemToArray(fsj, e);
		/* the data files it read */
		for (size_t i = 0; i < fs->n_data; i++) {
			sbuf_addf(&key, "%s=%s\n", fs->data[i].label, fs->data[i].sha256);
			cJSON_AddStringToObject(hashes, fs->data[i].label, fs->data[i].sha256);
		}
	}
	sbuf_reset(&pf);
	params_format(extractrow_param_spec, &r->x.xp, &pf);
	sbuf_addf(&key, "extract %s\n", sbuf_cstr(&pf));
	sbuf_reset(&pf);
	params_format(package_param_spec, &r->x.po, &pf);
	sbuf_addf(&key, "pkg %s\n", sbuf_cstr(&pf));
	digest_buffer_hex(key.buf, key.len, key_hex);
	sbuf_release(&pf);
	sbuf_release(&key);
}

/* The four output files of a run, open until committed. */
struct ex_out {
	struct csvio_out feat, tok, ev, err;
};

static void ex_out_abort(struct ex_out *o)
{
	csvio_out_abort(&o->feat);
	csvio_out_abort(&o->tok);
	csvio_out_abort(&o->ev);
	csvio_out_abort(&o->err);
}

/* Open the outputs in `outdir` and write the headers. 0 or -1 (reported). */
static int ex_out_open(struct ex_out *o, const char *outdir, const struct extractrow *x)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/features.csv", outdir);
	if (csvio_out_open(&o->feat, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/tokens.tsv", outdir);
	if (x->doc_idx >= 0 && csvio_out_open(&o->tok, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/evidence.jsonl", outdir);
	if (csvio_out_open(&o->ev, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/errors.csv", outdir);
	if (csvio_out_open(&o->err, path) < 0)
		return -1;
	fputs("id,label,name,version,cluster,first_seen,shape", o->feat.f);
	for (size_t k = 0; k < x->n_sets; k++)
		for (size_t j = 0; j < x->sets[k]->type->n_features; j++)
			fprintf(o->feat.f, ",%s.%s", x->sets[k]->type->name,
			        x->sets[k]->type->feature_names[j]);
	fputc('\n', o->feat.f);
	fputs("id,path,reason\n", o->err.f);
	return 0;
}

/* Write the outcome of row i of the run (manifest row first + i) and free it. */
static void write_row(struct ex_run *r, size_t i, struct ex_out *o, size_t *n_failed)
{
	struct ex_result *res = &r->res[i];
	const struct manifest_row *row = &r->m->rows[r->first + i];
	if (res->ok) {
		const char *cells[7] = {row->id,      row->label,      row->name, row->version,
		                        row->cluster, row->first_seen, res->shape};
		for (size_t c = 0; c < 7; c++) {
			if (c)
				fputc(',', o->feat.f);
			csvio_write_field(o->feat.f, cells[c] ? cells[c] : "");
		}
		for (size_t c = 0; c < r->x.n_cols; c++) {
			fputc(',', o->feat.f);
			csvio_write_double(o->feat.f, res->x[c]);
		}
		fputc('\n', o->feat.f);
		if (o->tok.f)
			doc_tokens_write(o->tok.f, row->id, &res->dt);
		fputs(res->evidence, o->ev.f);
		fputc('\n', o->ev.f);
	} else {
		const char *cells[3] = {row->id, row->path, res->error ? res->error : ""};
		csvio_write_row(o->err.f, cells, 3);
		(*n_failed)++;
	}
	free(res->x);
	free(res->error);
	free(res->evidence);
	doc_tokens_release(&res->dt);
	res->x = NULL;
	res->error = res->evidence = NULL;
}

/* Run the packages on `jobs` threads and write their rows in manifest order while later
 * packages are still being read. The per-thread figures into *threads (caller frees). 0, or -1
 * on out of memory (reported). */
static int ex_run_rows(struct ex_run *r, size_t jobs, struct ex_out *o, size_t *n_failed,
                       struct workq_stats **threads, size_t *n_threads)
{
	struct workq *q = workq_alloc(jobs > r->n_rows && r->n_rows ? r->n_rows : jobs);
	struct workq_job job = {r->n_rows, process_item, item_done, r};
	if (!q || workq_start(q, &job) < 0) {
		workq_free(q);
		return err_report("extract: out of memory");
	}
	for (size_t i = 0; i < r->n_rows; i++) {
		workq_wait_item(q, i);
		write_row(r, i, o, n_failed);
	}
	workq_finish(q);
	*n_threads = workq_threads(q);
	*threads = calloc(*n_threads, sizeof(**threads));
	for (size_t t = 0; *threads && t < *n_threads; t++)
		workq_stats(q, t, &(*threads)[t]);
	workq_free(q);
	return 0;
}

/* The sidecar's "options". */
static cJSON *options_json(const struct extract_opts *o, const struct ex_run *r)
{
	cJSON *opts = cJSON_CreateObject(), *dj;
	const struct domains *dl = r->x.dl;
	cJSON_AddStringToObject(opts, "manifest", o->manifest);
	cJSON_AddStringToObject(opts, "corpus", r->corpus);
	cJSON_AddItemToObject(opts, "extract", params_to_json(extractrow_param_spec, &r->x.xp));
	cJSON_AddItemToObject(opts, "pkg", params_to_json(package_param_spec, &r->x.po));
	if (dl) {
		dj = cJSON_AddObjectToObject(opts, "domains");
		cJSON_AddStringToObject(dj, "path", r->x.domains_path);
		cJSON_AddNumberToObject(dj, "rows", (double)domains_rows(dl));
		cJSON_AddNumberToObject(dj, "registrable_domains", (double)domains_count(dl));
		cJSON_AddNumberToObject(dj, "dropped_suffix", (double)domains_dropped_suffix(dl));
		cJSON_AddNumberToObject(dj, "dropped_invalid", (double)domains_dropped_invalid(dl));
	}
	return opts;
}

/* The "shard" object of a part's sidecar (what `pyvet merge` checks and orders by). */
static cJSON *shard_json(const struct extract_opts *o, const struct ex_run *r, const char *run_key)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "kind", "extract");
	cJSON_AddNumberToObject(j, "index", (double)o->shard.index);
	cJSON_AddNumberToObject(j, "count", (double)o->shard.count);
	cJSON_AddNumberToObject(j, "first_row", (double)r->first);
	cJSON_AddNumberToObject(j, "rows", (double)r->n_rows);
	cJSON_AddNumberToObject(j, "manifest_rows", (double)r->m->n);
	cJSON_AddStringToObject(j, "cache_key", run_key);
	return j;
}

/* Read the manifest, the feature sets and the data files: everything the run needs before
 * the first package. An exit status: EXIT_OK, or the one to return (reported). */
static int ex_prepare(struct ex_run *r, const struct extract_opts *o, struct manifest **m,
                      struct sbuf *corpus_buf)
{
	struct sbuf kv = SBUF_INIT;
	struct diag d;
	int rc = EXIT_USAGE;
	diag_init(&d);
	/* --param: SET.KEY=VALUE, routed once the sets are known */
	for (size_t i = 0; i < o->param.n; i++) {
		const char *v = o->param.v[i];
		if (!strchr(v, '=') || !strchr(v, '.')) {
			err_report("extract: --param '%s': expected SET.KEY=VALUE", v);
			goto end;
		}
		if (kv.len)
			sbuf_addch(&kv, '\n');
		sbuf_addstr(&kv, v);
	}
	if (extractrow_setup(&r->x, "extract", o->featuresets, kv.len ? sbuf_cstr(&kv) : NULL) < 0)
		goto end;
	if (manifest_read(o->manifest, m, &d) < 0) {
		err_report("extract: %s", diag_message(&d));
		goto end;
	}
	r->corpus = o->corpus;
	if (!r->corpus) {
		const char *slash = strrchr(o->manifest, '/');
		if (slash)
			sbuf_add(corpus_buf, o->manifest, (size_t)(slash - o->manifest));
		else
			sbuf_addch(corpus_buf, '.');
		r->corpus = sbuf_cstr(corpus_buf);
	}
	if (extractrow_load(&r->x, "extract", o->domains) < 0)
		goto end;
	r->m = *m;
	r->debian_dir = o->debian_dir;
	/* this run's rows: all, or the shard's block */
	r->first = (*m)->n * o->shard.index / o->shard.count;
	r->n_rows = (*m)->n * (o->shard.index + 1) / o->shard.count - r->first;
	rc = EXIT_OK;
end:
	sbuf_release(&kv);
	diag_release(&d);
	return rc;
}

static size_t online_cpus(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 0 ? (size_t)cpus : 1;
}

int extract_run(const struct extract_opts *o)
{
	struct sbuf corpus_buf = SBUF_INIT;
	struct ex_run r;
	struct ex_out out;
	struct manifest *m = NULL;
	struct sidecar *sc = NULL;
	struct workq_stats *threads = NULL;
	size_t n_threads = 0, n_failed = 0, jobs = o->jobs ? o->jobs : online_cpus();
	int rc, part = o->shard.count > 1;
	char path[4096], run_key[65], key[65];
	cJSON *hashes = cJSON_CreateObject(), *fsj = cJSON_CreateArray();
	double t0, wall;

	memset(&r, 0, sizeof(r));
	memset(&out, 0, sizeof(out));
	if ((rc = ex_prepare(&r, o, &m, &corpus_buf)) != EXIT_OK)
		goto done;
	rc = EXIT_INTERNAL;
	sc = cli_sidecar_new(&extract_command, o, o->argc, o->argv, NULL, 0);
	if (!sc || !hashes || !fsj) {
		err_report("extract: out of memory");
		goto done;
	}
	cache_key(&r, run_key, hashes, fsj);
	snprintf(key, sizeof(key), "%s", run_key);
	if (part) { /* a part's own key: the run's and the shard */
		char text[128];
		int len = snprintf(text, sizeof(text), "%s shard %zu/%zu", run_key, o->shard.index,
		                   o->shard.count);
		digest_buffer_hex(text, (size_t)len, key);
	}
	if (mkdir_p(o->out) < 0) {
		rc = EXIT_USAGE;
		goto done;
	}
	snprintf(path, sizeof(path), "%s/features.json", o->out);
	if (o->reuse) {
		char *old = read_cache_key(path);
		int same = old && !strcmp(old, key);
		free(old);
		if (same) {
			if (!o->quiet)
				fprintf(stderr, "extract: '%s' is up to date (cache key %.12s)\n",
				        o->out, key);
			rc = EXIT_OK;
			goto done;
		}
	}
	if (ex_out_open(&out, o->out, &r.x) < 0)
		goto io_fail;
	r.res = calloc(r.n_rows ? r.n_rows : 1, sizeof(*r.res));
	if (!r.res) {
		err_report("extract: out of memory");
		goto io_fail;
	}
	t0 = now_seconds();
	r.t0 = t0;
	r.show_progress = !o->quiet && isatty(2);
	if (ex_run_rows(&r, jobs, &out, &n_failed, &threads, &n_threads) < 0)
		goto io_fail;
	if (r.show_progress)
		progress(r.n_rows, r.n_rows, t0, 1);
	if (csvio_out_commit(&out.feat) < 0 || (out.tok.f && csvio_out_commit(&out.tok) < 0) ||
	    csvio_out_commit(&out.ev) < 0 || csvio_out_commit(&out.err) < 0)
		goto io_fail;
	wall = now_seconds() - t0;
	{
		cJSON *counts = cJSON_CreateObject(), *h;
		cJSON_AddNumberToObject(counts, "packages", (double)r.n_rows);
		cJSON_AddNumberToObject(counts, "ok", (double)(r.n_rows - n_failed));
		cJSON_AddNumberToObject(counts, "failed", (double)n_failed);
		cJSON_AddNumberToObject(counts, "columns", (double)r.x.n_cols);
		cJSON_AddNumberToObject(counts, "extract_seconds", wall);
		cJSON_AddNumberToObject(counts, "packages_per_second",
		                        wall > 0 ? (double)r.n_rows / wall : 0);
		cJSON_AddNumberToObject(counts, "jobs", (double)n_threads);
		sidecar_set_string(sc, "cache_key", key);
		sidecar_set_json(sc, "featuresets", fsj);
		fsj = NULL;
		sidecar_set_json(sc, "options", options_json(o, &r));
		sidecar_set_json(sc, "counts", counts);
		if (threads)
			sidecar_set_threads(sc, threads, n_threads);
		sidecar_set_json(
		    sc, "outputs",
		    cJSON_CreateStringArray((const char *const[]){"features.csv", "tokens.tsv",
		                                                  "evidence.jsonl", "errors.csv"},
		                            r.x.doc_idx >= 0 ? 4 : 3));
		if (part)
			sidecar_set_json(sc, "shard", shard_json(o, &r, run_key));
		cJSON_ArrayForEach(h, hashes) sidecar_add_hash(sc, h->string, h->valuestring);
		snprintf(path, sizeof(path), "%s/features.csv", o->out);
		if (sidecar_write(sc, path) < 0)
			goto done;
	}
	if (!o->quiet)
		fprintf(stderr,
		        "extract: %zu packages%s, %zu failed, %.1f s, %.1f packages/s -> %s\n",
		        r.n_rows, part ? " (a shard)" : "", n_failed, wall,
		        wall > 0 ? (double)r.n_rows / wall : 0, o->out);
	rc = n_failed ? EXIT_UNREADABLE : EXIT_OK;
	goto done;
io_fail:
	rc = EXIT_INTERNAL;
	ex_out_abort(&out);
done:
	free(threads);
	if (r.res) {
		for (size_t i = 0; i < r.n_rows; i++) {
			free(r.res[i].x);
			free(r.res[i].error);
			free(r.res[i].evidence);
			doc_tokens_release(&r.res[i].dt);
		}
		free(r.res);
	}
	cJSON_Delete(hashes);
	cJSON_Delete(fsj);
	sidecar_free(sc);
	extractrow_release(&r.x);
	manifest_free(m);
	sbuf_release(&corpus_buf);
	return rc;
}
