/* `pyvet extract`: read every package of a manifest, run the analysis and the feature sets, and
 * write features.csv, tokens.tsv, evidence.jsonl, errors.csv and the features.json sidecar
 * (spec D3, D9, D10; issue #3). Packages run on worker threads; outputs are written in manifest
 * order by the main thread, so the bytes do not depend on --jobs. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/analysis/analysis.h"
#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/digest.h"
#include "core/base/err.h"
#include "core/analysis/evidence.h"
#include "core/pkg/manifest.h"
#include "core/pkg/package.h"
#include "core/base/params.h"
#include "core/base/results.h"
#include "core/base/sbuf.h"
#include "core/ml/tokenize.h"
#include "core/base/toolkit.h"
#include "core/base/workq.h"
#include "experiments/engine/extractrow.h"
#include "experiments/commands.h"
#include "featuresets/featureset.h"

int cmd_extract(int argc, char **argv);

#define EX_MAX_JOBS 256
#define EX_MAX_SETS EXTRACTROW_MAX_SETS
#define EX_LIST_MAX 10000 /* api_hits / urls entries per package in evidence.jsonl */
#define EX_CACHE_FORMAT 2 /* bump when the output format of extract changes */

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
	const char *corpus, *debian_dir;
	struct extractrow x; /* sets, analysis context, API table, domain list */
	struct ex_result *res;
	int show_progress;
	double t0, last_progress;
};

static int ex_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet extract --manifest M.csv --out OUTDIR [--corpus DIR] [--jobs N]\n"
	    "                     [--featuresets a,b,...] [--domains FILE] [--param K=V]...\n"
	    "                     [--debian-dir D] [--reuse] [--quiet]\n\n"
	    "Read every package of manifest M (paths relative to DIR, default the manifest's\n"
	    "directory) in memory, analyse it once (spec D3) and compute the feature sets. Writes\n"
	    "into OUTDIR: features.csv (id,label,name,version,cluster,first_seen,shape, then one\n"
	    "column per feature named set.feature; shape = sdist|wheel|installed|dir, a label,\n"
	    "never a model input), tokens.tsv (per-package token counts of the text\n"
	    "document, 'id<TAB>token:count ...'), evidence.jsonl (one JSON object per package),\n"
	    "errors.csv (id,path,reason) and features.json (the sidecar, with the cache key).\n"
	    "Failed packages are listed in errors.csv only. Output bytes do not depend on "
	    "--jobs.\n\n"
	    "  --debian-dir D   the Debian slice: paths 'debian/...' (datasets/realistic) are\n"
	    "                   relative to D\n"
	    "  --featuresets L  comma-separated (default: every feature set listed below)\n"
	    "  --domains FILE   popular-domain list (default: $PYVET_DOMAINS, else "
	    "top-domains.csv\n"
	    "                   of the data directory; see pyvet(1) FILES)\n"
	    "  --param K=V      SET.KEY=V for a feature set SET listed below, or one of the\n"
	    "                   extract parameters below\n"
	    "  --jobs N         worker threads (default: online CPUs)\n"
	    "  --reuse          do nothing if OUTDIR/features.json has the same cache key\n"
	    "  --quiet          no progress line\n\n"
	    "Exit status: 0 all packages extracted, 3 some packages failed (listed in "
	    "errors.csv),\n"
	    "2 usage or configuration error (also a manifest id or path it refuses), 4 I/O error.\n"
	    "\nextract parameters:\n");
	{
		struct sbuf sb = SBUF_INIT;
		params_help(extractrow_param_spec, &sb);
		params_help(package_param_spec, &sb);
		fputs(sbuf_cstr(&sb), f);
		sbuf_release(&sb);
	}
	fprintf(f, "\nfeature sets and their parameters:\n");
	for (size_t i = 0; featureset_types[i]; i++) {
		struct sbuf sb = SBUF_INIT;
		const struct featureset_type *t = featureset_types[i];
		fprintf(f, "  %s: %s\n", t->name, t->summary);
		for (const struct featureset_data *df = t->data; df && df->label; df++) {
			fprintf(f, "  data file %s", df->label);
			if (df->param)
				fprintf(f, " (--param %s.%s)", t->name, df->param);
			fputc('\n', f);
		}
		params_help(t->params, &sb);
		fputs(sbuf_cstr(&sb), f);
		sbuf_release(&sb);
	}
	return f == stdout ? 0 : 2;
}

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
	const struct manifest_row *row = &r->m->rows[i];
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
		progress(n_done, r->m->n, r->t0, 0);
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

int cmd_extract(int argc, char **argv)
{
	const char *manifest_path = NULL, *corpus = NULL, *debian_dir = NULL, *outdir = NULL,
	           *sets_arg = NULL;
	const char *domains_arg = NULL;
	struct sbuf ex_kv = SBUF_INIT, key = SBUF_INIT, corpus_buf = SBUF_INIT;
	struct ex_run r;
	struct manifest *m = NULL;
	const struct api_table *apis;
	const struct domains *dl;
	struct sidecar *sc = NULL;
	struct diag d;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = cpus > 0 ? (size_t)cpus : 1, n_failed = 0;
	int reuse = 0, quiet = 0, rc = EXIT_USAGE, show_progress;
	char path[4096], cache_key[65], buf[4096];
	cJSON *hashes = NULL, *fsj = NULL;
	struct workq *q = NULL;
	struct workq_job job;
	struct workq_stats *threads = NULL;
	size_t n_threads = 0;
	double t0;
	struct csvio_out o_feat = {0}, o_tok = {0}, o_ev = {0}, o_err = {0};

	memset(&r, 0, sizeof(r));
	diag_init(&d);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			rc = ex_usage(stdout);
			goto done;
		} else if (!strcmp(a, "--reuse")) {
			reuse = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (i + 1 < argc && (!strcmp(a, "--manifest") || !strcmp(a, "--corpus") ||
		                            !strcmp(a, "--debian-dir") || !strcmp(a, "--out") ||
		                            !strcmp(a, "--jobs") || !strcmp(a, "--featuresets") ||
		                            !strcmp(a, "--domains") || !strcmp(a, "--param"))) {
			const char *v = argv[++i];
			if (!strcmp(a, "--manifest"))
				manifest_path = v;
			else if (!strcmp(a, "--corpus"))
				corpus = v;
			else if (!strcmp(a, "--debian-dir"))
				debian_dir = v;
			else if (!strcmp(a, "--out"))
				outdir = v;
			else if (!strcmp(a, "--featuresets"))
				sets_arg = v;
			else if (!strcmp(a, "--domains"))
				domains_arg = v;
			else if (!strcmp(a, "--jobs")) {
				char *end;
				long j = strtol(v, &end, 10);
				if (*end || j < 1) {
					fprintf(stderr,
					        "pyvet: extract: --jobs '%s': expected a positive "
					        "integer\n",
					        v);
					goto done;
				}
				jobs = (size_t)j;
			} else {
				/* --param: stored for routing once the sets are known */
				if (!strchr(v, '=') || !strchr(v, '.')) {
					fprintf(stderr,
					        "pyvet: extract: --param '%s': expected "
					        "SET.KEY=VALUE\n",
					        v);
					goto done;
				}
				if (ex_kv.len)
					sbuf_addch(&ex_kv, '\n');
				sbuf_addstr(&ex_kv, v);
			}
		} else {
			err_report("extract: '%s': unknown option or missing value", a);
			ex_usage(stderr);
			goto done;
		}
	}
	if (!manifest_path || !outdir) {
		err_report("extract: --manifest and --out are required");
		ex_usage(stderr);
		goto done;
	}
	if (jobs > EX_MAX_JOBS)
		jobs = EX_MAX_JOBS;

	/* the selected feature sets, their parameters and the analysis options */
	if (extractrow_setup(&r.x, "extract", sets_arg, ex_kv.len ? sbuf_cstr(&ex_kv) : NULL) < 0)
		goto done;
	if (manifest_read(manifest_path, &m, &d) < 0) {
		err_report("extract: %s", diag_message(&d));
		goto done;
	}
	if (!corpus) {
		const char *slash = strrchr(manifest_path, '/');
		if (slash)
			sbuf_add(&corpus_buf, manifest_path, (size_t)(slash - manifest_path));
		else
			sbuf_addch(&corpus_buf, '.');
		corpus = sbuf_cstr(&corpus_buf);
	}
	if (extractrow_load(&r.x, "extract", domains_arg) < 0)
		goto done;
	apis = r.x.apis;
	dl = r.x.dl;

	/* the sidecar and the cache key */
	sc = sidecar_new(argc, argv);
	hashes = cJSON_CreateObject();
	fsj = cJSON_CreateArray();
	if (!sc || !hashes || !fsj) {
		err_report("extract: out of memory");
		rc = EXIT_INTERNAL;
		goto done;
	}
	sbuf_addf(&key, "pyvet-extract format=%d version=%s\nmanifest=%s\n", EX_CACHE_FORMAT,
	          PYVET_VERSION, m->sha256);
	cJSON_AddStringToObject(hashes, "manifest", m->sha256);
	cJSON_AddStringToObject(hashes, "python_apis.csv", api_table_sha256(apis));
	sbuf_addf(&key, "python_apis.csv=%s\n", api_table_sha256(apis));
	if (dl) {
		cJSON_AddStringToObject(hashes, "domains", domains_sha256(dl));
		sbuf_addf(&key, "domains=%s\n", domains_sha256(dl));
	} else {
		sbuf_addstr(&key, "domains=none\n");
	}
	hash_datafile("python_keywords.txt", shipped("python_keywords.txt", buf, sizeof(buf)), &key,
	              hashes);
	hash_datafile("stopwords_en.txt", shipped("stopwords_en.txt", buf, sizeof(buf)), &key,
	              hashes);
	for (size_t k = 0; k < r.x.n_sets; k++) {
		const struct featureset *fs = r.x.sets[k];
		struct sbuf pf = SBUF_INIT;
		cJSON *e = cJSON_CreateObject();
		params_format(fs->type->params, fs->state, &pf);
		sbuf_addf(&key, "set=%s v%u %s\n", fs->type->name, fs->type->version,
		          sbuf_cstr(&pf));
		sbuf_release(&pf);
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
	{
		struct sbuf pf = SBUF_INIT;
		params_format(extractrow_param_spec, &r.x.xp, &pf);
		sbuf_addf(&key, "extract %s\n", sbuf_cstr(&pf));
		sbuf_reset(&pf);
		params_format(package_param_spec, &r.x.po, &pf);
		sbuf_addf(&key, "pkg %s\n", sbuf_cstr(&pf));
		sbuf_release(&pf);
	}
	digest_buffer_hex(key.buf, key.len, cache_key);

	if (mkdir_p(outdir) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/features.json", outdir);
	if (reuse) {
		char *old = read_cache_key(path);
		int same = old && !strcmp(old, cache_key);
		free(old);
		if (same) {
			if (!quiet)
				fprintf(stderr, "extract: '%s' is up to date (cache key %.12s)\n",
				        outdir, cache_key);
			rc = EXIT_OK;
			goto done;
		}
	}

	/* open outputs */
	snprintf(path, sizeof(path), "%s/features.csv", outdir);
	if (csvio_out_open(&o_feat, path) < 0)
		goto io_fail;
	snprintf(path, sizeof(path), "%s/tokens.tsv", outdir);
	if (r.x.doc_idx >= 0 && csvio_out_open(&o_tok, path) < 0)
		goto io_fail;
	snprintf(path, sizeof(path), "%s/evidence.jsonl", outdir);
	if (csvio_out_open(&o_ev, path) < 0)
		goto io_fail;
	snprintf(path, sizeof(path), "%s/errors.csv", outdir);
	if (csvio_out_open(&o_err, path) < 0)
		goto io_fail;
	fputs("id,label,name,version,cluster,first_seen,shape", o_feat.f);
	for (size_t k = 0; k < r.x.n_sets; k++)
		for (size_t j = 0; j < r.x.sets[k]->type->n_features; j++)
			fprintf(o_feat.f, ",%s.%s", r.x.sets[k]->type->name,
			        r.x.sets[k]->type->feature_names[j]);
	fputc('\n', o_feat.f);
	fputs("id,path,reason\n", o_err.f);

	/* run */
	r.m = m;
	r.corpus = corpus;
	r.debian_dir = debian_dir;
	r.res = calloc(m->n ? m->n : 1, sizeof(*r.res));
	if (!r.res) {
		err_report("extract: out of memory");
		goto io_fail;
	}
	t0 = now_seconds();
	r.t0 = t0;
	r.show_progress = show_progress = !quiet && isatty(2);
	q = workq_alloc(jobs > m->n && m->n ? m->n : jobs);
	job = (struct workq_job){m->n, process_item, item_done, &r};
	if (!q || workq_start(q, &job) < 0) {
		err_report("extract: out of memory");
		goto io_fail;
	}
	/* Write the results in manifest order while later packages are still being read. */
	for (size_t i = 0; i < m->n; i++) {
		struct ex_result *res = &r.res[i];
		const struct manifest_row *row = &m->rows[i];
		workq_wait_item(q, i);
		if (res->ok) {
			const char *cells[7] = {row->id,      row->label,   row->name,
			                        row->version, row->cluster, row->first_seen,
			                        res->shape};
			for (size_t c = 0; c < 7; c++) {
				if (c)
					fputc(',', o_feat.f);
				csvio_write_field(o_feat.f, cells[c] ? cells[c] : "");
			}
			for (size_t c = 0; c < r.x.n_cols; c++) {
				fputc(',', o_feat.f);
				csvio_write_double(o_feat.f, res->x[c]);
			}
			fputc('\n', o_feat.f);
			if (o_tok.f)
				doc_tokens_write(o_tok.f, row->id, &res->dt);
			fputs(res->evidence, o_ev.f);
			fputc('\n', o_ev.f);
		} else {
			const char *cells[3] = {row->id, row->path, res->error ? res->error : ""};
			csvio_write_row(o_err.f, cells, 3);
			n_failed++;
		}
		free(res->x);
		free(res->error);
		free(res->evidence);
		doc_tokens_release(&res->dt);
		res->x = NULL;
		res->error = res->evidence = NULL;
	}
	workq_finish(q);
	n_threads = workq_threads(q);
	threads = calloc(n_threads, sizeof(*threads));
	for (size_t t = 0; threads && t < n_threads; t++)
		workq_stats(q, t, &threads[t]);
	workq_free(q);
	q = NULL;
	if (show_progress)
		progress(m->n, m->n, t0, 1);
	if (csvio_out_commit(&o_feat) < 0 || (o_tok.f && csvio_out_commit(&o_tok) < 0) ||
	    csvio_out_commit(&o_ev) < 0 || csvio_out_commit(&o_err) < 0) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	{
		double wall = now_seconds() - t0;
		cJSON *counts = cJSON_CreateObject(), *opts = cJSON_CreateObject(), *dj;
		cJSON_AddNumberToObject(counts, "packages", (double)m->n);
		cJSON_AddNumberToObject(counts, "ok", (double)(m->n - n_failed));
		cJSON_AddNumberToObject(counts, "failed", (double)n_failed);
		cJSON_AddNumberToObject(counts, "columns", (double)r.x.n_cols);
		cJSON_AddNumberToObject(counts, "extract_seconds", wall);
		cJSON_AddNumberToObject(counts, "packages_per_second",
		                        wall > 0 ? (double)m->n / wall : 0);
		cJSON_AddNumberToObject(counts, "jobs", (double)n_threads);
		cJSON_AddStringToObject(opts, "manifest", manifest_path);
		cJSON_AddStringToObject(opts, "corpus", corpus);
		cJSON_AddItemToObject(opts, "extract",
		                      params_to_json(extractrow_param_spec, &r.x.xp));
		cJSON_AddItemToObject(opts, "pkg", params_to_json(package_param_spec, &r.x.po));
		if (dl) {
			dj = cJSON_AddObjectToObject(opts, "domains");
			cJSON_AddStringToObject(dj, "path", r.x.domains_path);
			cJSON_AddNumberToObject(dj, "rows", (double)domains_rows(dl));
			cJSON_AddNumberToObject(dj, "registrable_domains",
			                        (double)domains_count(dl));
			cJSON_AddNumberToObject(dj, "dropped_suffix",
			                        (double)domains_dropped_suffix(dl));
			cJSON_AddNumberToObject(dj, "dropped_invalid",
			                        (double)domains_dropped_invalid(dl));
		}
		sidecar_set_string(sc, "cache_key", cache_key);
		sidecar_set_json(sc, "featuresets", fsj);
		fsj = NULL;
		sidecar_set_json(sc, "options", opts);
		sidecar_set_json(sc, "counts", counts);
		if (threads)
			sidecar_set_threads(sc, threads, n_threads);
		sidecar_set_json(
		    sc, "outputs",
		    cJSON_CreateStringArray((const char *const[]){"features.csv", "tokens.tsv",
		                                                  "evidence.jsonl", "errors.csv"},
		                            r.x.doc_idx >= 0 ? 4 : 3));
		{
			cJSON *h;
			cJSON_ArrayForEach(h, hashes)
			    sidecar_add_hash(sc, h->string, h->valuestring);
		}
		snprintf(path, sizeof(path), "%s/features.csv", outdir);
		if (sidecar_write(sc, path) < 0) {
			rc = EXIT_INTERNAL;
			goto done;
		}
		if (!quiet)
			fprintf(
			    stderr,
			    "extract: %zu packages, %zu failed, %.1f s, %.1f packages/s -> %s\n",
			    m->n, n_failed, wall, wall > 0 ? (double)m->n / wall : 0, outdir);
	}
	rc = n_failed ? EXIT_UNREADABLE : EXIT_OK;
	goto done;
io_fail:
	rc = EXIT_INTERNAL;
	csvio_out_abort(&o_feat);
	csvio_out_abort(&o_tok);
	csvio_out_abort(&o_ev);
	csvio_out_abort(&o_err);
done:
	workq_free(q); /* finishes the items still running after an output error */
	free(threads);
	if (r.res) {
		for (size_t i = 0; m && i < m->n; i++) {
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
	sbuf_release(&ex_kv);
	sbuf_release(&key);
	sbuf_release(&corpus_buf);
	diag_release(&d);
	return rc;
}
