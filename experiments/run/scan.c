/* `pyvet scan`: options and body (see scan.h). */
#include "experiments/run/scan.h"

#include <cblas.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/scanout.h"
#include "experiments/engine/extractrec.h"
#include "experiments/engine/extractrow.h"
#include "experiments/engine/trained_model.h"

#define SCAN_MAX_PASSWORDS 16

/* Scan-level parameters (--param scan.KEY=VALUE). */
struct scan_params {
	long api_evidence_max;
	long text_evidence_max;
	long occlusion_batch;
};

static const struct param_spec scan_param_spec[] = {
    {"api_evidence_max", PARAM_INT, offsetof(struct scan_params, api_evidence_max), "200",
     "[0, inf)", "suspicious-API hits listed as evidence per package (the rest are counted)"},
    {"text_evidence_max", PARAM_INT, offsetof(struct scan_params, text_evidence_max), "20",
     "[0, inf)", "evidence lines printed per package by --format text (warnings first)"},
    {"occlusion_batch", PARAM_INT, offsetof(struct scan_params, occlusion_batch), "64",
     "[1, 65536]",
     "rows scored per learner call when computing the occlusion attribution (a memory bound)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

enum scan_format { FMT_TEXT, FMT_JSON, FMT_SARIF };

#define O struct scan_opts
static const struct cli_option scan_options[] = {
    {CLI_STRING("model", O, model, "MODEL", NULL,
                "model file of 'pyvet train' (default: default.model of the data directory, or "
                "models/default.model of the source tree)")},
    {CLI_FLAG("no-model", O, no_model, "no verdict: features and evidence only")},
    {CLI_ENUM("format", O, format, "text", "text|json|sarif",
              "text; json: JSON Lines, one object per package and line; sarif: SARIF 2.1.0, one "
              "run for the whole batch")},
    {CLI_SIZE("top", O, top, "K", "10", "[0, 1000000]", "attributions listed per package")},
    {CLI_LIST("password", O, password, "P", "[0, 16]", "zip password to try (default: infected)")},
    {CLI_STRING("domains", O, domains, "FILE", NULL,
                "popular-domain list (default: $PYVET_DOMAINS, else top-domains.csv of the data "
                "directory; see pyvet(1) FILES)")},
    {CLI_LIST("param", O, param, "K=V", NULL,
              "extraction parameters as for 'pyvet extract' (SET.KEY=V, url.*, domains.*, "
              "analysis.*, pkg.*; those the model records are set from it, and only "
              "pkg.time_budget may differ), or scan.KEY=V below")},
    {CLI_STRING("out", O, out, "FILE", NULL,
                "write the report to FILE (default: standard output)")},
    {CLI_END}};
#undef O

static const char *const scan_synopsis[] = {
    "scan [--model MODEL | --no-model] [--format text|json|sarif] [--top K]",
    "     [--password P]... [--domains FILE] [--param K=V]... [--out FILE]", "     PKG...", NULL};

static int scan_help_extra(struct sbuf *out)
{
	sbuf_addstr(out, "\nscan parameters:\n");
	params_help(scan_param_spec, out);
	sbuf_addstr(out, "\npackage reader parameters (pkg.*):\n");
	return params_help(package_param_spec, out);
}

const struct cli_command scan_command = {
    .name = "scan",
    .synopsis = scan_synopsis,
    .about =
        "Vet packages before install. Each PKG (sdist tar.gz/bz2/xz, zip, wheel, ZipCrypto zip,\n"
        "nested archive, .deb, or a directory) is read in memory -- nothing is unpacked or\n"
        "executed -- analysed once, and described by the seven binary features, the vocabulary\n"
        "tokens and the evidence behind them (file, line, rule, snippet). The package is\n"
        "scored by the model (--model, else the bundled default model); the verdict is\n"
        "malicious iff score > threshold (D26; a calibrated threshold also never flags a score\n"
        "tied with it), and the score is explained by occlusion: each feature that differs\n"
        "from the training baseline is set to it and the score change is listed (top K).\n"
        "The model's extraction parameters and data-file hashes are applied and checked: a\n"
        "--param that differs from the model's value, or a data file (domain list, API\n"
        "table, pattern tables) whose SHA-256 differs, is an error (docs/model-format.md).\n",
    .options = scan_options,
    .args = "PKG...",
    .args_noun = "package",
    .min_args = 1,
    .epilog = "Exit status: 0 no package judged malicious; 1 at least one malicious verdict; 2 "
              "usage\nor configuration error (also an --out that cannot be created); 3 at least "
              "one package\ncould not be analysed and none was malicious; 4 the report could not "
              "be written.\nA batch always finishes. Names and paths from packages are shown "
              "escaped in text\n(\\n, \\x1b, \\u202e).\n",
    .help_extra = scan_help_extra};

/* ---- the model side ---- */

struct scan_model {
	struct trained_model m;
	int loaded;
	size_t *fixed_map; /* model fixed column j -> column of the extraction row */
	char **col_name;   /* n_cols names */
	double *baseline;  /* n_cols values */
	size_t n_cols;
	int baseline_from_model;
};

static void scan_model_release(struct scan_model *sm)
{
	for (size_t j = 0; sm->col_name && j < sm->n_cols; j++)
		free(sm->col_name[j]);
	free(sm->col_name);
	free(sm->fixed_map);
	free(sm->baseline);
	if (sm->loaded)
		trained_model_release(&sm->m);
	memset(sm, 0, sizeof(*sm));
}

/* Column `name` ("set.feature") of the extraction row, or (size_t)-1. */
static size_t row_column(const struct extractrow *x, const char *name)
{
	size_t col = 0;
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset_type *t = x->sets[k]->type;
		size_t tl = strlen(t->name);
		for (size_t j = 0; j < t->n_features; j++, col++)
			if (!strncmp(name, t->name, tl) && name[tl] == '.' &&
			    !strcmp(name + tl + 1, t->feature_names[j]))
				return col;
	}
	return (size_t)-1;
}

/* Map the (read) model's fixed columns onto the extraction row and set the occlusion baseline.
 * 0 or -1 (message printed). */
static int scan_model_map(struct scan_model *sm, const char *path, const struct extractrow *x)
{
	struct trained_model *m = &sm->m;
	char nbuf[1024];
	if (m->text && x->doc_idx < 0)
		return err_report("scan: model '%s' has vocabulary columns but no document feature "
		                  "set is selected",
		                  path);
	sm->n_cols = m->n_fixed + (m->text ? m->vocab.num_words : 0);
	sm->fixed_map = calloc(m->n_fixed ? m->n_fixed : 1, sizeof(size_t));
	sm->col_name = calloc(sm->n_cols ? sm->n_cols : 1, sizeof(char *));
	sm->baseline = calloc(sm->n_cols ? sm->n_cols : 1, sizeof(double));
	if (!sm->fixed_map || !sm->col_name || !sm->baseline)
		return err_report("scan: out of memory");
	for (size_t j = 0; j < m->n_fixed; j++) {
		sm->fixed_map[j] = row_column(x, m->fixed[j]);
		if (sm->fixed_map[j] == (size_t)-1)
			return err_report("scan: column '%s' of model '%s' is not computed by any "
			                  "registered feature set",
			                  m->fixed[j], path);
		if (!(sm->col_name[j] = strdup(m->fixed[j])))
			return err_report("scan: out of memory");
	}
	for (size_t j = 0; m->text && j < m->vocab.num_words; j++)
		if (!(sm->col_name[m->n_fixed + j] =
		          strdup(vocab_column_name(&m->vocab, j, nbuf, sizeof(nbuf)))))
			return err_report("scan: out of memory");
	/* the baseline: the training majority values the model records (format 2, one number per
	 * matrix column; trained_model_read() checked them); else (format 1) 0 for every fixed
	 * column and, for vocabulary columns, the majority presence over the training documents
	 * (exact for binary mode) */
	if (m->majority) {
		const cJSON *it;
		size_t j = 0;
		cJSON_ArrayForEach(it, m->majority)
		{
			sm->baseline[j++] = it->valuedouble;
		}
		sm->baseline_from_model = 1;
	} else {
		for (size_t j = 1; m->text && j <= m->vocab.n_words; j++) {
			int present = 2 * m->vocab.docs[j - 1] > m->vocab.document_count;
			sm->baseline[m->n_fixed + j] =
			    present && m->mode == VOCAB_BINARY ? 1.0 : 0.0;
		}
	}
	return 0;
}

/* The extraction the model was trained on, applied and checked: `params` receives the model's
 * recorded parameters followed by the user's `user` items (so a user value overrides and is
 * then caught by scan_model_check()). 0 or -1 (message printed). */
static int scan_model_params(const struct scan_model *sm, const char *path, const char *user,
                             struct sbuf *params)
{
	struct diag d;
	diag_init(&d);
	if (sm->m.extraction && extractrec_params(sm->m.extraction, params, &d) < 0) {
		err_report("scan: model '%s': %s", path, diag_message(&d));
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	if (sm->loaded && !sm->m.extraction)
		err_report("scan: warning: model '%s' records no extraction (format %d%s): its "
		           "parameters and data files cannot be applied or checked; the --param "
		           "values given are used as they are",
		           path, sm->m.version,
		           sm->m.version >= 2 ? ", trained on an extraction without features.json"
		                              : "");
	if (user && *user) {
		if (params->len)
			sbuf_addch(params, '\n');
		sbuf_addstr(params, user);
	}
	return 0;
}

/* After extractrow_load(): the run's parameters, feature-set versions and data files against
 * the model's record. 0 or -1 (message printed). */
static int scan_model_check(const struct scan_model *sm, const char *path,
                            const struct extractrow *x, const char *user)
{
	struct diag d;
	cJSON *have;
	int rc = 0;
	if (!sm->m.extraction)
		return 0;
	diag_init(&d);
	have = extractrec_from_extractrow(x, sm->m.extraction, &d);
	if (!have || extractrec_compare(sm->m.extraction, have, user, "this scan", &d) < 0) {
		err_report("scan: model '%s': %s", path, diag_message(&d));
		rc = -1;
	}
	cJSON_Delete(have);
	diag_release(&d);
	return rc;
}

/* Score rows[0..n) (each n_cols values) with the model. 0 or -1 with the reason on `d`. */
static int score_rows(const struct scan_model *sm, const double *rows, size_t n, double *out,
                      struct diag *d)
{
	struct dataset *ds = dataset_alloc(n, sm->n_cols);
	int rc;
	if (!ds)
		return diag_error(d, "out of memory");
	if (n && sm->n_cols)
		memcpy(ds->X, rows, n * sm->n_cols * sizeof(double));
	struct diag ld;
	diag_init(&ld);
	rc = learner_score(sm->m.learner, ds, out, &ld);
	if (rc < 0)
		diag_error(d, "learner '%s': %s", sm->m.learner->type->name, diag_message(&ld));
	diag_release(&ld);
	dataset_free(ds);
	return rc;
}

static int cmp_attr(const void *pa, const void *pb)
{
	const struct scan_attr *a = pa, *b = pb;
	double x = fabs(a->delta), y = fabs(b->delta);
	if (x != y)
		return x > y ? -1 : 1;
	return a->col < b->col ? -1 : a->col > b->col;
}

/* The model row, score and occlusion attribution of an extracted package. 0 or -1 on `d`. */
static int score_package(const struct scan_model *sm, const struct scan_params *sp, size_t top_k,
                         struct scan_report *r, struct diag *d)
{
	const struct trained_model *m = &sm->m;
	size_t nc = sm->n_cols, batch = (size_t)sp->occlusion_batch, *diff = NULL, n_diff = 0;
	double *rows = NULL, *scores = NULL;
	int rc = -1;
	if (!(r->mrow = calloc(nc ? nc : 1, sizeof(double))))
		return diag_error(d, "out of memory");
	for (size_t j = 0; j < m->n_fixed; j++) {
		double v = r->er.x[sm->fixed_map[j]];
		r->mrow[j] = isnan(v) ? 0.0 : v; /* as the training matrices (core/ml/featdata.h) */
	}
	if (m->text) {
		const struct doc_tokens *docs[1] = {&r->er.dt};
		if (vocab_transform(&m->vocab, docs, 1, m->mode, r->mrow + m->n_fixed, nc, d) < 0)
			return -1;
	}
	if (score_rows(sm, r->mrow, 1, &r->score, d) < 0)
		return -1;
	r->threshold = m->threshold;
	r->malicious = trained_model_flags(m, r->score);
	r->scored = 1;

	/* occlusion: one scoring per column that differs from the baseline */
	diff = malloc((nc ? nc : 1) * sizeof(size_t));
	rows = malloc(batch * (nc ? nc : 1) * sizeof(double));
	scores = malloc(batch * sizeof(double));
	if (!diff || !rows || !scores) {
		diag_error(d, "out of memory");
		goto done;
	}
	for (size_t j = 0; j < nc; j++)
		if (r->mrow[j] != sm->baseline[j])
			diff[n_diff++] = j;
	r->n_differing = n_diff;
	r->attr = calloc(n_diff ? n_diff : 1, sizeof(*r->attr));
	if (!r->attr) {
		diag_error(d, "out of memory");
		goto done;
	}
	for (size_t s = 0; s < n_diff; s += batch) {
		size_t nb = n_diff - s < batch ? n_diff - s : batch;
		for (size_t i = 0; i < nb; i++) {
			memcpy(rows + i * nc, r->mrow, nc * sizeof(double));
			rows[i * nc + diff[s + i]] = sm->baseline[diff[s + i]];
		}
		if (score_rows(sm, rows, nb, scores, d) < 0)
			goto done;
		for (size_t i = 0; i < nb; i++) {
			struct scan_attr *a = &r->attr[s + i];
			a->col = diff[s + i];
			a->value = r->mrow[a->col];
			a->majority = sm->baseline[a->col];
			a->score_at_majority = scores[i];
			a->delta = r->score - scores[i];
		}
	}
	qsort(r->attr, n_diff, sizeof(*r->attr), cmp_attr);
	/* list the top_k changes; columns whose occlusion does not move the score are counted in
	 * n_differing but not listed */
	while (r->n_attr < n_diff && r->n_attr < top_k && r->attr[r->n_attr].delta != 0)
		r->n_attr++;
	rc = 0;
done:
	free(diff);
	free(rows);
	free(scores);
	return rc;
}

/* ---- evidence ---- */

/* A cursor over one file's analysed text, to fetch lines in increasing order. */
struct line_cursor {
	const struct pkgview_file *file;
	const char *text;
	size_t len, off, line; /* text + off is the start of line `line` */
};

static const char *cursor_line(struct line_cursor *c, const struct analysis *a,
                               const struct pkgview_file *f, size_t line, size_t *n)
{
	if (c->file != f || line < c->line) {
		c->file = f;
		c->text = analysis_file_text(a, f, &c->len);
		c->off = 0;
		c->line = 1;
	}
	if (!c->text)
		return NULL;
	while (c->line < line && c->off < c->len) {
		const char *nl = memchr(c->text + c->off, '\n', c->len - c->off);
		if (!nl)
			return NULL;
		c->off = (size_t)(nl - c->text) + 1;
		c->line++;
	}
	if (c->line != line)
		return NULL;
	{
		const char *s = c->text + c->off, *e = memchr(s, '\n', c->len - c->off);
		size_t k = e ? (size_t)(e - s) : c->len - c->off;
		while (k && (*s == ' ' || *s == '\t')) /* strip the indentation */
			s++, k--;
		*n = k;
		return s;
	}
}

/* All evidence of one package: the fixed sets' items in set order, then the API hits (packj
 * mode, spec D8) with the source line as snippet. 0 or -1 (out of memory). */
static int collect_evidence(const struct extractrow *x, const struct scan_params *sp,
                            struct scan_report *r)
{
	const struct analysis *a = r->er.a;
	struct line_cursor cur;
	memset(&cur, 0, sizeof(cur));
	for (size_t i = 0; i < a->evidence.n; i++) { /* package-level facts first */
		const struct evidence *e = &a->evidence.v[i];
		if (evidence_add(&r->ev, e->rule, e->file, e->line, e->end_line, e->snippet,
		                 e->snippet ? strlen(e->snippet) : 0, e->detail) < 0)
			return -1;
	}
	for (size_t k = 0; k < x->n_sets; k++)
		for (size_t i = 0; i < r->er.ev[k].n; i++) {
			const struct evidence *e = &r->er.ev[k].v[i];
			if (evidence_add(&r->ev, e->rule, e->file, e->line, e->end_line, e->snippet,
			                 e->snippet ? strlen(e->snippet) : 0, e->detail) < 0)
				return -1;
		}
	r->n_api_total = a->n_hits;
	for (size_t i = 0; i < a->n_hits && i < (size_t)sp->api_evidence_max; i++) {
		const struct file_api_hit *h = &a->hits[i];
		char rule[160], detail[300];
		size_t n = 0;
		const char *src = cursor_line(&cur, a, h->file, h->hit.line, &n);
		snprintf(rule, sizeof(rule), "api:%s", h->hit.category ? h->hit.category : "");
		snprintf(detail, sizeof(detail), "%s", h->hit.full_name ? h->hit.full_name : "");
		if (evidence_add(&r->ev, rule, h->file->path, h->hit.line, h->hit.end_line, src, n,
		                 detail) < 0)
			return -1;
		r->n_api_listed++;
	}
	return 0;
}

/* Route the --param values: scan.KEY=V to the scan table, the rest (one per line) to the
 * extraction. 0, or -1 (reported). */
static int route_params(const struct scan_opts *o, struct scan_params *sp, struct sbuf *xparams)
{
	struct diag d;
	diag_init(&d);
	for (size_t i = 0; i < o->param.n; i++) {
		const char *v = o->param.v[i];
		if (!strncmp(v, "scan.", 5)) {
			const char *eq = strchr(v, '=');
			char key[128];
			if (!eq || (size_t)(eq - v - 5) >= sizeof(key)) {
				err_report("scan: --param '%s': expected scan.KEY=VALUE", v);
				return -1;
			}
			snprintf(key, sizeof(key), "%.*s", (int)(eq - v - 5), v + 5);
			if (params_set(scan_param_spec, sp, key, eq + 1, &d) < 0) {
				err_report("scan: --param: %s", diag_message(&d));
				diag_release(&d);
				return -1;
			}
			continue;
		}
		if (!strchr(v, '=') || !strchr(v, '.'))
			return err_report("scan: --param '%s': expected SET.KEY=VALUE", v);
		if (xparams->len)
			sbuf_addch(xparams, '\n');
		sbuf_addstr(xparams, v);
	}
	diag_release(&d);
	return 0;
}

int scan_run(const struct scan_opts *o)
{
	const char *passwords[SCAN_MAX_PASSWORDS + 1] = {NULL};
	const char *model_path = o->model;
	char default_model[4096];
	size_t n_bad = 0, n_mal = 0;
	struct sbuf xparams = SBUF_INIT, allparams = SBUF_INIT;
	struct scan_params sp;
	struct extractrow x;
	struct scan_model sm;
	struct scan_config cfg;
	struct package_options po;
	struct scanout_sarif *sarif = NULL;
	struct csvio_out out = {0};
	FILE *f = stdout;
	struct diag d;
	int status = EXIT_USAGE;

	memset(&x, 0, sizeof(x));
	memset(&sm, 0, sizeof(sm));
	memset(&cfg, 0, sizeof(cfg));
	diag_init(&d);
	params_set_defaults(scan_param_spec, &sp, NULL);
	if (o->password.n > SCAN_MAX_PASSWORDS) {
		err_report("scan: at most %d --password options", SCAN_MAX_PASSWORDS);
		goto end;
	}
	if (route_params(o, &sp, &xparams) < 0)
		goto end;
	if (model_path && o->no_model) {
		status = cli_error(&scan_command, "--model and --no-model exclude each other");
		goto end;
	}
	if (!model_path && !o->no_model) {
		model_path = datafile_model_default(default_model, sizeof(default_model));
		if (!model_path) {
			err_report(
			    "scan: no model given and no bundled default model found (the data "
			    "file default.model, or models/default.model of the source tree; "
			    "'pyvet --version' lists the data directories): pass --model MODEL, "
			    "or --no-model for features and evidence only");
			goto end;
		}
	}

	/* configuration: everything is checked before the first package is read */
	if (model_path) {
		if (trained_model_read(model_path, &sm.m) < 0)
			goto end;
		sm.loaded = 1;
	}
	if (scan_model_params(&sm, model_path, sbuf_cstr(&xparams), &allparams) < 0)
		goto end;
	if (extractrow_setup(&x, "scan", NULL, allparams.len ? sbuf_cstr(&allparams) : NULL) < 0)
		goto end;
	if (model_path && scan_model_map(&sm, model_path, &x) < 0)
		goto end;
	if (extractrow_load(&x, "scan", o->domains) < 0)
		goto end;
	if (model_path && scan_model_check(&sm, model_path, &x, sbuf_cstr(&xparams)) < 0)
		goto end;
	po = x.po; /* the pkg.* parameters */
	if (o->password.n) {
		memcpy(passwords, o->password.v, o->password.n * sizeof(*passwords));
		po.passwords = passwords;
	}
	cfg.x = &x;
	cfg.top_k = o->top;
	cfg.text_evidence_max = (size_t)sp.text_evidence_max;
	if (model_path) {
		cfg.m = &sm.m;
		cfg.model_path = model_path;
		cfg.col_name = sm.col_name;
		cfg.n_model_cols = sm.n_cols;
		cfg.baseline_from_model = sm.baseline_from_model;
		cfg.baseline =
		    sm.baseline_from_model
		        ? "training majority values recorded in the model header"
		        : "fallback (the model header has no training majority values): 0 "
		          "for fixed columns; vocabulary columns at their majority "
		          "presence over the training documents";
		if (datafile_sha256(model_path, cfg.model_sha256) < 0) {
			err_report("scan: cannot hash model '%s'", model_path);
			goto end;
		}
		openblas_set_num_threads(1); /* the same sums as 'pyvet predict' */
	}
	if (o->out) {
		if (csvio_out_open(&out, o->out) < 0)
			goto end;
		f = out.f;
	}
	if (o->format == FMT_SARIF && !(sarif = scanout_sarif_alloc(&cfg))) {
		err_report("scan: out of memory");
		goto end;
	}

	/* the batch: every package is reported, a failure never stops it */
	for (size_t i = 0; i < o->n_pkgs; i++) {
		struct scan_report r;
		int wrc = 0;
		memset(&r, 0, sizeof(r));
		r.input = o->pkgs[i];
		r.index = i + 1;
		diag_release(&d);
		diag_init(&d);
		r.ok = extractrow_run(&x, o->pkgs[i], &po, &r.er, &d) == 0;
		if (r.ok && collect_evidence(&x, &sp, &r) < 0) {
			diag_error(&d, "out of memory collecting evidence");
			r.ok = 0;
		}
		if (r.ok && model_path && score_package(&sm, &sp, o->top, &r, &d) < 0)
			r.ok = 0;
		if (!r.ok) {
			snprintf(r.error, sizeof(r.error), "%s",
			         diag_message(&d)[0] ? diag_message(&d) : "unknown error");
			n_bad++;
			r.scored = 0;
		} else if (r.scored && r.malicious) {
			n_mal++;
		}
		if (o->format == FMT_TEXT)
			wrc = scanout_text(f, &cfg, &r);
		else if (o->format == FMT_JSON)
			wrc = scanout_json(f, &cfg, &r);
		else
			wrc = scanout_sarif_add(sarif, &r);
		if (!r.ok && strstr(r.error, r.input))
			err_report("scan: %s", r.error); /* escaped, as every message */
		else if (!r.ok)
			err_report("scan: '%s': %s", r.input, r.error);
		scan_report_release(&r);
		if (wrc < 0) {
			err_report("scan: cannot write the report");
			status = EXIT_INTERNAL;
			goto end;
		}
	}
	status = EXIT_INTERNAL;
	if (sarif && scanout_sarif_write(f, sarif) < 0) {
		err_report("scan: cannot write the report");
		goto end;
	}
	if (o->out) {
		int crc = csvio_out_commit(&out);
		out.f = NULL;
		if (crc < 0)
			goto end;
	} else if (fflush(stdout) || ferror(stdout)) {
		err_report("scan: cannot write to standard output");
		goto end;
	}
	status = n_mal ? EXIT_MALICIOUS : n_bad ? EXIT_UNREADABLE : EXIT_OK;
	goto end;
end:
	if (out.f)
		csvio_out_abort(&out);
	scanout_sarif_free(sarif);
	scan_model_release(&sm);
	extractrow_release(&x);
	sbuf_release(&xparams);
	sbuf_release(&allparams);
	diag_release(&d);
	return status;
}
