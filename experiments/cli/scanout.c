/* Writers of `pyvet scan`: text blocks, JSON Lines and one SARIF 2.1.0 run (see scanout.h;
 * spec sections 8.5 and 8.6). */
#include "experiments/cli/scanout.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/apiscan.h"
#include "core/analysis/domains.h"
#include "core/pkg/pkginfo.h"
#include "core/pkg/view.h"
#include "core/base/escape.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"

/* The seven binary features of the paper (Table 2), in its order, and the value that raises
 * suspicion (D2: 1 = the condition in the name). */
static const struct {
	const char *col;
	double suspicious;
} seven[] = {
    {"meta.is_valid_homepage", 0}, {"meta.is_valid_author_email", 0}, {"code.has_install_cmd", 1},
    {"code.has_url", 1},           {"code.has_long_str", 1},          {"file.min_cfg", 1},
    {"file.is_license", 0},
};
#define N_SEVEN (sizeof(seven) / sizeof(seven[0]))

/* Evidence kinds: the evidence rule (exact, or a prefix ending in ':'), the SARIF rule id, the
 * feature column it supports, and the SARIF rule's description. */
static const struct kind {
	const char *rule;
	const char *sarif_id;
	const char *col;
	const char *desc;
} kinds[] = {
    {"url", "pyvet.suspicious-url", "code.has_url",
     "Suspicious URL or IP in code of the text document: insecure scheme, domain not in the "
     "popular-domain list, or public IP (paper Sec. 4.2 has_url; D15)"},
    {"long_str", "pyvet.long-string", "code.has_long_str",
     "Long whitespace-free run inside a string literal (paper Sec. 4.2 has_long_str; D16)"},
    {"install_cmd:", "pyvet.install-command", "code.has_install_cmd",
     "Install-time command pattern in setup code (paper Sec. 4.2 has_install_cmd; D14)"},
    {"homepage", "pyvet.invalid-homepage", "meta.is_valid_homepage",
     "Homepage missing, not https, or not on a popular domain (paper Sec. 4.2 "
     "is_valid_homepage; D6)"},
    {"author_email", "pyvet.invalid-author-email", "meta.is_valid_author_email",
     "Author e-mail missing, malformed, or not on a popular domain (paper Sec. 4.2 "
     "is_valid_author_email; D7)"},
    {"license", "pyvet.license-mismatch", "file.is_license",
     "Licence sources disagree (paper Sec. 4.2 is_license; D18)"},
    {"min_cfg", "pyvet.minimal-setup-cfg", "file.min_cfg",
     "setup.cfg absent or holding only [egg_info] tags (paper Sec. 4.2 min_cfg; D17)"},
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))
#define VERDICT_RULE "pyvet.malicious-package"
#define API_RULE_PREFIX "pyvet.suspicious-api."

static const struct kind *kind_of(const char *rule)
{
	for (size_t i = 0; rule && i < N_KINDS; i++) {
		size_t n = strlen(kinds[i].rule);
		if (kinds[i].rule[n - 1] == ':' ? !strncmp(rule, kinds[i].rule, n)
		                                : !strcmp(rule, kinds[i].rule))
			return &kinds[i];
	}
	return NULL;
}

void scan_report_release(struct scan_report *r)
{
	if (!r)
		return;
	extractrow_result_release(&r->er);
	evidence_list_release(&r->ev);
	free(r->mrow);
	free(r->attr);
	memset(r, 0, sizeof(*r));
}

double scan_report_fixed(const struct scan_config *c, const struct scan_report *r, const char *name)
{
	size_t col = 0, nl = strlen(name);
	if (!r->ok || !r->er.x)
		return NAN;
	for (size_t k = 0; k < c->x->n_sets; k++) {
		const struct featureset_type *t = c->x->sets[k]->type;
		size_t tl = strlen(t->name);
		for (size_t j = 0; j < t->n_features; j++, col++)
			if (nl > tl && !strncmp(name, t->name, tl) && name[tl] == '.' &&
			    !strcmp(name + tl + 1, t->feature_names[j]))
				return r->er.x[col];
	}
	return NAN;
}

/* "warning" when the evidence supports a feature whose value raises suspicion, else "note".
 * Evidence whose rule is a column name ("behavior.decode_exec": the sets of issue 11 name their
 * evidence after the column it explains, and write it only for the values that count) is a
 * warning when that column is non-zero. */
static const char *evidence_level(const struct scan_config *c, const struct scan_report *r,
                                  const struct evidence *e)
{
	const struct kind *k = kind_of(e->rule);
	if (!k) {
		double v = e->rule && strchr(e->rule, '.') ? scan_report_fixed(c, r, e->rule)
		                                           : (double)NAN;
		return !isnan(v) && v != 0 ? "warning" : "note";
	}
	double v = scan_report_fixed(c, r, k->col);
	for (size_t i = 0; i < N_SEVEN; i++)
		if (!strcmp(seven[i].col, k->col))
			return v == seven[i].suspicious ? "warning" : "note";
	return "note";
}

static const char *pkg_field(const struct scan_report *r, const char *key)
{
	return r->ok && r->er.a && r->er.a->info ? pkginfo_get(r->er.a->info, key) : NULL;
}

static const char *verdict_word(const struct scan_report *r)
{
	if (!r->scored)
		return NULL;
	return r->malicious ? "malicious" : "benign";
}

/* ---------------------------------------------------------------------------------------- */
/* text                                                                                     */

static void text_value(FILE *f, double v)
{
	if (isnan(v))
		fputs("n/a", f);
	else
		fprintf(f, "%.17g", v);
}

/* Every string of the text format that comes from a package, the command line or the model
 * goes through put() or text_clip(): escaped (core/base/escape.h), so no package can add,
 * hide or reorder a line. */
static void put(FILE *f, const char *s)
{
	escape_fputs(s ? s : "", f);
}

/* At most `n` bytes of `s` (cut before a partial UTF-8 character), escaped; "..." if cut. */
static void text_clip(FILE *f, const char *s, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	size_t len = s ? strlen(s) : 0, k = len;
	if (k > n) {
		k = n;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	if (escape_add(&sb, s ? s : "", k) == 0)
		fputs(sbuf_cstr(&sb), f);
	sbuf_release(&sb);
	if (len > k)
		fputs("...", f);
}

static void text_evidence_line(FILE *f, const struct evidence *e, const char *level)
{
	fprintf(f, "    %-7s ", level);
	put(f, e->file ? e->file : "(package)");
	if (e->line)
		fprintf(f, ":%zu", e->line);
	fputs("  ", f);
	put(f, e->rule);
	if (e->snippet) {
		fputs("  ", f);
		text_clip(f, e->snippet, 100);
	}
	if (e->detail) {
		fputs("  [", f);
		text_clip(f, e->detail, 120);
		fputc(']', f);
	}
	fputc('\n', f);
}

int scanout_text(FILE *f, const struct scan_config *c, const struct scan_report *r)
{
	const char *name = pkg_field(r, "Name"), *version = pkg_field(r, "Version");
	put(f, r->input);
	fputs(": ", f);
	if (!r->ok) {
		fputs("ERROR could not be analysed: ", f);
		put(f, r->error);
		fputs("\n\n", f);
		return ferror(f) ? -1 : 0;
	}
	if (r->scored) {
		fprintf(f, "%s (score %.6g, threshold %.6g; model %s, set ",
		        r->malicious ? "MALICIOUS" : "benign", r->score, r->threshold,
		        c->m->learner->type->name);
		put(f, c->m->set);
		fputs(")\n", f);
	} else {
		fputs("no verdict (no --model: features and evidence only)\n", f);
	}
	fputs("  package    ", f);
	put(f, name ? name : "(no name)");
	fputc(' ', f);
	put(f, version ? version : "(no version)");
	fprintf(f, " (%s, %s, root '", r->er.pkg->format, pkg_shape_name(r->er.a->view->shape));
	put(f, r->er.pkg->root);
	fprintf(f, "'%s%s)\n", r->er.pkg->sha256[0] ? ", sha256 " : "", r->er.pkg->sha256);
	fputs("  features  ", f);
	for (size_t i = 0; i < N_SEVEN; i++) {
		fprintf(f, " %s=", strchr(seven[i].col, '.') + 1);
		text_value(f, scan_report_fixed(c, r, seven[i].col));
	}
	fputc('\n', f);
	if (c->m && c->m->text && r->mrow) {
		size_t n = 0;
		for (size_t j = 1; j < c->m->vocab.num_words; j++)
			n += r->mrow[c->m->n_fixed + j] != 0;
		fprintf(f, "  tokens     %zu of the model's %zu vocabulary tokens present", n,
		        c->m->vocab.n_words);
		for (size_t j = 1, shown = 0; j <= c->m->vocab.n_words && shown < 20; j++)
			if (r->mrow[c->m->n_fixed + j] != 0) {
				fputs(shown++ ? " " : ": ", f);
				put(f, c->m->vocab.word[j - 1]);
			}
		if (n > 20)
			fputs(" ...", f);
		fputc('\n', f);
	}
	{
		size_t n_warn = 0, shown = 0;
		for (size_t i = 0; i < r->ev.n; i++)
			n_warn += !strcmp(evidence_level(c, r, &r->ev.v[i]), "warning");
		fprintf(f, "  evidence   %zu items (%zu warnings)%s\n", r->ev.n, n_warn,
		        r->ev.n > c->text_evidence_max ? ", warnings first:" : "");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < r->ev.n && shown < c->text_evidence_max; i++) {
				const char *lv = evidence_level(c, r, &r->ev.v[i]);
				if ((pass == 0) != !strcmp(lv, "warning"))
					continue;
				text_evidence_line(f, &r->ev.v[i], lv);
				shown++;
			}
		if (r->n_api_total > r->n_api_listed)
			fprintf(f, "    (%zu API hits, first %zu listed)\n", r->n_api_total,
			        r->n_api_listed);
	}
	if (r->scored) {
		fprintf(
		    f, "  attribution (local explanation by occlusion, not causal; baseline: %s)\n",
		    c->baseline);
		fprintf(f,
		        "             %zu features differ from the baseline; %zu listed (largest "
		        "|score change| first, zero changes omitted)%s\n",
		        r->n_differing, r->n_attr, r->n_attr ? ":" : "");
		for (size_t i = 0; i < r->n_attr; i++) {
			const struct scan_attr *a = &r->attr[i];
			fprintf(f, "    %+.6f  ", a->delta);
			put(f, c->col_name[a->col]);
			fprintf(f, " = %.6g (baseline %.6g -> score %.6g)\n", a->value, a->majority,
			        a->score_at_majority);
		}
	}
	{
		const struct diag *pd = &r->er.pkg->diag, *ad = &r->er.a->diag;
		if (pd->n_warnings + ad->n_warnings)
			fprintf(f, "  warnings   %d (see --format json)\n",
			        pd->n_warnings + ad->n_warnings);
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* JSON                                                                                     */

static void add_num(cJSON *o, const char *k, double v)
{
	if (isnan(v) || isinf(v))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, v);
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		extractrow_json_add_string(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_warnings(cJSON *arr, const struct diag *d)
{
	for (int i = 0; d && i < d->n_warnings && i < DIAG_WARN_KEEP; i++) {
		cJSON *tmp = cJSON_CreateObject(), *it;
		if (!tmp)
			return;
		extractrow_json_add_string(tmp, "w", d->warnings[i]);
		it = cJSON_DetachItemFromObjectCaseSensitive(tmp, "w");
		if (it && !cJSON_AddItemToArray(arr, it))
			cJSON_Delete(it);
		cJSON_Delete(tmp);
	}
}

static cJSON *model_json(const struct scan_config *c)
{
	const cJSON *h = c->m->header;
	cJSON *o = cJSON_CreateObject(), *fs;
	const cJSON *it;
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "id", c->model_sha256);
	extractrow_json_add_string(o, "path", c->model_path);
	cJSON_AddStringToObject(o, "learner", c->m->learner->type->name);
	it = cJSON_GetObjectItemCaseSensitive(h, "learner_params");
	cJSON_AddStringToObject(o, "learner_params", cJSON_IsString(it) ? it->valuestring : "");
	cJSON_AddStringToObject(o, "feature_set", c->m->set);
	add_num(o, "threshold", c->m->threshold);
	it = cJSON_GetObjectItemCaseSensitive(h, "pyvet_version");
	add_str_or_null(o, "pyvet_version", cJSON_IsString(it) ? it->valuestring : NULL);
	it = cJSON_GetObjectItemCaseSensitive(h, "git_commit");
	add_str_or_null(o, "git_commit", cJSON_IsString(it) ? it->valuestring : NULL);
	it = cJSON_GetObjectItemCaseSensitive(h, "train");
	if (cJSON_IsObject(it))
		cJSON_AddItemToObject(o, "training", cJSON_Duplicate(it, 1));
	else
		cJSON_AddNullToObject(o, "training");
	if (c->m->calibration)
		cJSON_AddItemToObject(o, "calibration", cJSON_Duplicate(c->m->calibration, 1));
	else
		cJSON_AddNullToObject(o, "calibration");
	/* 1 when the model recorded its extraction and this scan was checked against it */
	cJSON_AddBoolToObject(o, "extraction_checked", c->m->extraction != NULL);
	/* the feature-set versions and data tables of this scan */
	fs = cJSON_AddArrayToObject(o, "featuresets");
	for (size_t k = 0; fs && k < c->x->n_sets; k++) {
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(fs, e)) {
			cJSON_Delete(e);
			break;
		}
		cJSON_AddStringToObject(e, "name", c->x->sets[k]->type->name);
		cJSON_AddNumberToObject(e, "version", c->x->sets[k]->type->version);
	}
	add_str_or_null(o, "domains_sha256", c->x->dl ? domains_sha256(c->x->dl) : NULL);
	add_str_or_null(o, "api_table_sha256", c->x->apis ? api_table_sha256(c->x->apis) : NULL);
	return o;
}

static cJSON *features_json(const struct scan_config *c, const struct scan_report *r)
{
	cJSON *o = cJSON_CreateObject(), *b, *other, *voc;
	if (!o)
		return NULL;
	b = cJSON_AddObjectToObject(o, "binary");
	for (size_t i = 0; b && i < N_SEVEN; i++)
		add_num(b, seven[i].col, scan_report_fixed(c, r, seven[i].col));
	other = cJSON_AddObjectToObject(o, "other_columns");
	for (size_t j = 0; other && c->m && r->mrow && j < c->m->n_fixed; j++) {
		size_t i;
		for (i = 0; i < N_SEVEN && strcmp(seven[i].col, c->m->fixed[j]); i++)
			;
		if (i == N_SEVEN)
			add_num(other, c->m->fixed[j], r->mrow[j]);
	}
	cJSON_AddNumberToObject(o, "document_tokens", (double)r->er.dt.n);
	if (c->m && c->m->text && r->mrow) {
		voc = cJSON_AddArrayToObject(o, "vocabulary");
		for (size_t j = 1; voc && j <= c->m->vocab.n_words; j++) {
			double v = r->mrow[c->m->n_fixed + j];
			cJSON *e;
			if (v == 0)
				continue;
			e = cJSON_CreateObject();
			if (!e || !cJSON_AddItemToArray(voc, e)) {
				cJSON_Delete(e);
				break;
			}
			extractrow_json_add_string(e, "token", c->m->vocab.word[j - 1]);
			add_num(e, "value", v);
		}
	} else {
		cJSON_AddNullToObject(o, "vocabulary");
	}
	return o;
}

static cJSON *explanation_json(const struct scan_config *c, const struct scan_report *r)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "method", "occlusion");
	cJSON_AddStringToObject(
	    o, "scope", "local explanation of this model's score for this package; not causal");
	cJSON_AddStringToObject(o, "baseline", c->baseline);
	cJSON_AddBoolToObject(o, "baseline_from_model", c->baseline_from_model);
	add_num(o, "score", r->score);
	cJSON_AddNumberToObject(o, "features_differing", (double)r->n_differing);
	cJSON_AddNumberToObject(o, "top_k", (double)c->top_k);
	arr = cJSON_AddArrayToObject(o, "attributions");
	for (size_t i = 0; arr && i < r->n_attr; i++) {
		const struct scan_attr *a = &r->attr[i];
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(arr, e)) {
			cJSON_Delete(e);
			break;
		}
		extractrow_json_add_string(e, "feature", c->col_name[a->col]);
		add_num(e, "value", a->value);
		add_num(e, "baseline", a->majority);
		add_num(e, "score_at_baseline", a->score_at_majority);
		add_num(e, "delta", a->delta);
	}
	return o;
}

static cJSON *report_json(const struct scan_config *c, const struct scan_report *r)
{
	cJSON *o = cJSON_CreateObject(), *p, *arr;
	const struct package *pkg = r->ok ? r->er.pkg : NULL;
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "schema_version", SCANOUT_SCHEMA_VERSION);
	p = cJSON_AddObjectToObject(o, "package");
	if (p) {
		add_str_or_null(p, "name", pkg_field(r, "Name"));
		add_str_or_null(p, "version", pkg_field(r, "Version"));
		extractrow_json_add_string(p, "input", r->input);
		add_str_or_null(p, "sha256", pkg && pkg->sha256[0] ? pkg->sha256 : NULL);
		add_str_or_null(p, "format", pkg ? pkg->format : NULL);
		add_str_or_null(p, "root", pkg ? pkg->root : NULL);
		add_str_or_null(p, "shape",
		                pkg && r->er.a ? pkg_shape_name(r->er.a->view->shape) : NULL);
	}
	cJSON_AddStringToObject(o, "status", r->ok ? "ok" : "error");
	add_str_or_null(o, "verdict", verdict_word(r));
	add_num(o, "score", r->scored ? r->score : (double)NAN);
	add_num(o, "threshold", c->m ? c->m->threshold : (double)NAN);
	if (c->m)
		cJSON_AddItemToObject(o, "model", model_json(c));
	else
		cJSON_AddNullToObject(o, "model");
	if (r->ok)
		cJSON_AddItemToObject(o, "features", features_json(c, r));
	else
		cJSON_AddNullToObject(o, "features");
	cJSON_AddItemToObject(o, "evidence", extractrow_evidence_json(&r->ev, 0, r->ev.n));
	if (r->scored)
		cJSON_AddItemToObject(o, "explanation", explanation_json(c, r));
	else
		cJSON_AddNullToObject(o, "explanation");
	arr = cJSON_AddArrayToObject(o, "errors");
	if (arr && !r->ok) {
		cJSON *tmp = cJSON_CreateObject(), *it;
		if (tmp) {
			extractrow_json_add_string(tmp, "e", r->error);
			it = cJSON_DetachItemFromObjectCaseSensitive(tmp, "e");
			if (it && !cJSON_AddItemToArray(arr, it))
				cJSON_Delete(it);
			cJSON_Delete(tmp);
		}
	}
	arr = cJSON_AddArrayToObject(o, "warnings");
	if (arr && r->ok) {
		add_warnings(arr, &r->er.pkg->diag);
		add_warnings(arr, &r->er.a->diag);
		if (r->n_api_total > r->n_api_listed) {
			char msg[128];
			snprintf(msg, sizeof(msg), "%zu API hits, first %zu listed as evidence",
			         r->n_api_total, r->n_api_listed);
			cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
		}
	}
	return o;
}

int scanout_json(FILE *f, const struct scan_config *c, const struct scan_report *r)
{
	cJSON *o = report_json(c, r);
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	int rc = -1;
	cJSON_Delete(o);
	if (text) {
		escape_json_fputs(text, f); /* bidi and C1 characters as \u escapes */
		fputc('\n', f);
		rc = ferror(f) ? -1 : 0;
		cJSON_free(text);
	}
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* SARIF                                                                                    */

struct scanout_sarif {
	const struct scan_config *c;
	cJSON *root, *rules, *results, *bases, *notes;
	int failed;
};

/* Percent-encode `s` into `out` as a URI path: unreserved characters and '/' stay. */
static void uri_encode(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
		    *p == '/')
			sbuf_addch(out, (char)*p);
		else
			sbuf_addf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static cJSON *text_obj(const char *s)
{
	cJSON *o = cJSON_CreateObject();
	if (o)
		extractrow_json_add_string(o, "text", s);
	return o;
}

static void add_rule(struct scanout_sarif *s, const char *id, const char *desc, const char *level)
{
	cJSON *it, *r, *cfg;
	cJSON_ArrayForEach(it, s->rules)
	{
		const cJSON *idj = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(idj) && !strcmp(idj->valuestring, id))
			return;
	}
	r = cJSON_CreateObject();
	if (!r || !cJSON_AddItemToArray(s->rules, r)) {
		cJSON_Delete(r);
		return;
	}
	extractrow_json_add_string(r, "id", id);
	cJSON_AddItemToObject(r, "shortDescription", text_obj(desc));
	cfg = cJSON_AddObjectToObject(r, "defaultConfiguration");
	if (cfg)
		cJSON_AddStringToObject(cfg, "level", level);
}

struct scanout_sarif *scanout_sarif_alloc(const struct scan_config *c)
{
	struct scanout_sarif *s = calloc(1, sizeof(*s));
	cJSON *runs, *run, *tool, *drv, *inv;
	if (!s)
		return NULL;
	s->c = c;
	s->root = cJSON_CreateObject();
	if (!s->root)
		goto oom;
	cJSON_AddStringToObject(s->root, "$schema",
	                        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/"
	                        "sarif-schema-2.1.0.json");
	cJSON_AddStringToObject(s->root, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(s->root, "runs");
	run = cJSON_CreateObject();
	if (!runs || !run || !cJSON_AddItemToArray(runs, run)) {
		cJSON_Delete(run);
		goto oom;
	}
	tool = cJSON_AddObjectToObject(run, "tool");
	drv = tool ? cJSON_AddObjectToObject(tool, "driver") : NULL;
	if (!drv)
		goto oom;
	cJSON_AddStringToObject(drv, "name", "pyvet");
	cJSON_AddStringToObject(drv, "version", PYVET_VERSION);
	cJSON_AddStringToObject(drv, "semanticVersion", PYVET_VERSION);
	s->rules = cJSON_AddArrayToObject(drv, "rules");
	s->bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
	inv = cJSON_AddArrayToObject(run, "invocations");
	{
		cJSON *i0 = cJSON_CreateObject();
		if (!inv || !i0 || !cJSON_AddItemToArray(inv, i0)) {
			cJSON_Delete(i0);
			goto oom;
		}
		s->notes = cJSON_AddArrayToObject(i0, "toolExecutionNotifications");
	}
	s->results = cJSON_AddArrayToObject(run, "results");
	if (!s->rules || !s->bases || !s->notes || !s->results)
		goto oom;
	for (size_t i = 0; i < N_KINDS; i++)
		add_rule(s, kinds[i].sarif_id, kinds[i].desc, "warning");
	add_rule(
	    s, VERDICT_RULE,
	    c->m ? "The model judged the package malicious (score above the threshold, D26)"
	         : "The model judged the package malicious (not used: scan ran without a model)",
	    "error");
	if (c->m) {
		cJSON *props = cJSON_AddObjectToObject(run, "properties");
		if (props)
			cJSON_AddItemToObject(props, "model", model_json(c));
	}
	return s;
oom:
	scanout_sarif_free(s);
	return NULL;
}

void scanout_sarif_free(struct scanout_sarif *s)
{
	if (!s)
		return;
	cJSON_Delete(s->root);
	free(s);
}

/* A physical location: member `file` (relative to the package root) at `line` (>= 1). */
static cJSON *location(const struct scan_report *r, const char *base, const char *file, size_t line,
                       size_t end_line, const char *snippet)
{
	cJSON *locs = cJSON_CreateArray(), *loc = cJSON_CreateObject(), *pl, *al, *rg;
	struct sbuf uri = SBUF_INIT;
	if (!locs || !loc || !cJSON_AddItemToArray(locs, loc)) {
		cJSON_Delete(loc);
		cJSON_Delete(locs);
		return NULL;
	}
	pl = cJSON_AddObjectToObject(loc, "physicalLocation");
	al = pl ? cJSON_AddObjectToObject(pl, "artifactLocation") : NULL;
	if (!al)
		return locs;
	{
		/* the member behind the view path: a wheel's purelib/ prefix comes back, and an
		 * installed package's /usr/share/doc/... licence is a path of the archive */
		const struct pkgview_file *vf = r->er.a ? pkgview_find(r->er.a->view, file) : NULL;
		if (vf && vf->path[0] == '/') {
			uri_encode(&uri, vf->member->path);
		} else {
			uri_encode(&uri, r->er.pkg->root);
			uri_encode(&uri, vf ? vf->member->path : file);
		}
	}
	cJSON_AddStringToObject(al, "uri", sbuf_cstr(&uri));
	cJSON_AddStringToObject(al, "uriBaseId", base);
	sbuf_release(&uri);
	rg = cJSON_AddObjectToObject(pl, "region");
	if (rg) {
		if (line < 1)
			line = 1;
		if (end_line < line)
			end_line = line;
		cJSON_AddNumberToObject(rg, "startLine", (double)line);
		cJSON_AddNumberToObject(rg, "endLine", (double)end_line);
		if (snippet) {
			cJSON *sn = cJSON_AddObjectToObject(rg, "snippet");
			if (sn)
				extractrow_json_add_string(sn, "text", snippet);
		}
	}
	return locs;
}

/* The member a package-level finding is located on: the metadata file, else the root setup.py,
 * else the first member; NULL for an empty package. */
static const char *anchor_file(const struct scan_report *r)
{
	if (r->er.pkg->metadata)
		return r->er.pkg->metadata->path;
	if (r->er.a && r->er.a->setup_py)
		return r->er.a->setup_py->path;
	return r->er.pkg->n_files ? r->er.pkg->files[0].path : NULL;
}

static int add_result(struct scanout_sarif *s, const struct scan_report *r, const char *base,
                      const char *rule_id, const char *level, const char *message, const char *file,
                      size_t line, size_t end_line, const char *snippet, cJSON *props)
{
	cJSON *res = cJSON_CreateObject(), *locs;
	if (!res || !cJSON_AddItemToArray(s->results, res)) {
		cJSON_Delete(res);
		cJSON_Delete(props);
		return -1;
	}
	extractrow_json_add_string(res, "ruleId", rule_id);
	cJSON_AddStringToObject(res, "level", level);
	cJSON_AddItemToObject(res, "message", text_obj(message));
	if (file && (locs = location(r, base, file, line, end_line, snippet)))
		cJSON_AddItemToObject(res, "locations", locs);
	if (props)
		cJSON_AddItemToObject(res, "properties", props);
	return 0;
}

static cJSON *result_props(const struct scan_report *r, const struct evidence *e)
{
	cJSON *p = cJSON_CreateObject();
	if (!p)
		return NULL;
	extractrow_json_add_string(p, "package", r->input);
	if (r->ok && r->er.a)
		cJSON_AddStringToObject(p, "shape", pkg_shape_name(r->er.a->view->shape));
	if (e) {
		extractrow_json_add_string(p, "rule", e->rule);
		add_str_or_null(p, "detail", e->detail);
	}
	return p;
}

int scanout_sarif_add(struct scanout_sarif *s, const struct scan_report *r)
{
	const struct scan_config *c = s->c;
	char base[32];
	struct sbuf uri = SBUF_INIT, msg = SBUF_INIT;
	const char *anchor;
	int rc = 0;
	if (!r->ok) {
		cJSON *n = cJSON_CreateObject();
		s->failed = 1;
		if (!n || !cJSON_AddItemToArray(s->notes, n)) {
			cJSON_Delete(n);
			return -1;
		}
		cJSON_AddStringToObject(n, "level", "error");
		sbuf_addf(&msg, "'%s' could not be analysed: %s", r->input, r->error);
		cJSON_AddItemToObject(n, "message", text_obj(sbuf_cstr(&msg)));
		sbuf_release(&msg);
		return 0;
	}
	snprintf(base, sizeof(base), "PKG%zu", r->index);
	{
		/* the input as an absolute file:// URI ending in '/' */
		char *abs = realpath(r->input, NULL);
		cJSON *b = cJSON_CreateObject(), *d;
		const char *p = abs ? abs : r->input;
		sbuf_addstr(&uri, "file://");
		uri_encode(&uri, p);
		if (!uri.len || uri.buf[uri.len - 1] != '/')
			sbuf_addch(&uri, '/');
		free(abs);
		if (!b || !cJSON_AddItemToObject(s->bases, base, b)) {
			cJSON_Delete(b);
			sbuf_release(&uri);
			return -1;
		}
		cJSON_AddStringToObject(b, "uri", sbuf_cstr(&uri));
		sbuf_release(&uri);
		sbuf_addf(&msg, "package input '%s' (%s); result URIs are member paths inside it",
		          r->input, r->er.pkg->format);
		d = text_obj(sbuf_cstr(&msg));
		if (d)
			cJSON_AddItemToObject(b, "description", d);
		sbuf_reset(&msg);
	}
	anchor = anchor_file(r);
	for (size_t i = 0; i < r->ev.n && rc == 0; i++) {
		const struct evidence *e = &r->ev.v[i];
		const struct kind *k = kind_of(e->rule);
		char rid[160];
		const char *file = e->file ? e->file : anchor;
		if (k) {
			snprintf(rid, sizeof(rid), "%s", k->sarif_id);
		} else if (e->rule && !strncmp(e->rule, "api:", 4)) {
			char desc[200];
			snprintf(rid, sizeof(rid), API_RULE_PREFIX "%s", e->rule + 4);
			snprintf(desc, sizeof(desc),
			         "Call of a suspicious API of category %s (packj list, paper "
			         "Listing 2; D8)",
			         e->rule + 4);
			add_rule(s, rid, desc, "note");
		} else {
			snprintf(rid, sizeof(rid), "pyvet.evidence.%s",
			         e->rule ? e->rule : "unknown");
			add_rule(s, rid, "Other pyvet evidence", "note");
		}
		sbuf_reset(&msg);
		sbuf_addf(&msg, "%s", e->rule ? e->rule : "evidence");
		if (e->snippet)
			sbuf_addf(&msg, ": %.200s", e->snippet);
		if (e->detail)
			sbuf_addf(&msg, " (%s)", e->detail);
		rc = add_result(s, r, base, rid, evidence_level(c, r, e), sbuf_cstr(&msg), file,
		                e->line, e->end_line, e->snippet, result_props(r, e));
	}
	if (rc == 0 && r->scored && r->malicious) {
		const char *name = pkg_field(r, "Name"), *version = pkg_field(r, "Version");
		cJSON *p = result_props(r, NULL);
		sbuf_reset(&msg);
		sbuf_addf(&msg,
		          "package '%s %s' judged malicious: score %.6g > threshold %.6g "
		          "(model %s, feature set %s)",
		          name ? name : "?", version ? version : "?", r->score, r->threshold,
		          c->m->learner->type->name, c->m->set);
		if (p) {
			cJSON_AddNumberToObject(p, "score", r->score);
			cJSON_AddNumberToObject(p, "threshold", r->threshold);
		}
		rc = add_result(s, r, base, VERDICT_RULE, "error", sbuf_cstr(&msg), anchor, 1, 1,
		                NULL, p);
	}
	sbuf_release(&msg);
	return rc;
}

int scanout_sarif_write(FILE *f, struct scanout_sarif *s)
{
	cJSON *inv = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s->root, "runs"), 0),
	        "invocations"),
	    0);
	char *text;
	if (inv)
		cJSON_AddBoolToObject(inv, "executionSuccessful", !s->failed);
	text = cJSON_Print(s->root);
	if (!text)
		return -1;
	escape_json_fputs(text, f);
	fputc('\n', f);
	cJSON_free(text);
	return ferror(f) ? -1 : 0;
}
