/* The per-package extraction shared by `pyvet extract` and `pyvet scan` (see extractrow.h):
 * feature-set selection and parameter routing, the analysis context, and package -> row. */
#include "experiments/engine/extractrow.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/apitable.h"
#include "core/base/datafile.h"
#include "core/analysis/domains.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"

const struct param_spec extractrow_param_spec[] = {
    {"url.insecure_is_suspicious", PARAM_BOOL, offsetof(struct extractrow_params, url_insecure),
     "1", NULL, "D15: http:// and ftp:// URLs are suspicious"},
    {"url.private_ip_is_suspicious", PARAM_BOOL, offsetof(struct extractrow_params, url_private_ip),
     "0", NULL, "D15: private and link-local IPs are suspicious"},
    {"domains.top", PARAM_INT, offsetof(struct extractrow_params, domains_top), "0", "[0, inf)",
     "D5: use the first N rows of the domain list (0 = all)"},
    {"domains.psl_private", PARAM_BOOL, offsetof(struct extractrow_params, psl_private), "1", NULL,
     "D5: use the private section of the Public Suffix List"},
    {"analysis.max_strings", PARAM_INT, offsetof(struct extractrow_params, max_strings), "1000000",
     "[1, inf)", "string literals kept per package (a bound)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

/* ---- configuration ---- */

int extractrow_setup(struct extractrow *x, const char *cmd, const char *sets, const char *params)
{
	const char *sel_names[EXTRACTROW_MAX_SETS];
	const struct featureset_type *types[EXTRACTROW_MAX_SETS];
	struct sbuf set_params[EXTRACTROW_MAX_SETS];
	size_t n_sel = 0;
	int rc = -1;
	struct diag d;

	x->doc_idx = -1;
	diag_init(&d);
	for (size_t i = 0; i < EXTRACTROW_MAX_SETS; i++)
		sbuf_init(&set_params[i]);

	/* the selected feature sets, in registry order */
	{
		char tmp[1024];
		char *save = NULL, *tok;
		snprintf(tmp, sizeof(tmp), "%s", sets ? sets : "");
		for (size_t i = 0; !sets && featureset_types[i] && n_sel < EXTRACTROW_MAX_SETS; i++)
			sel_names[n_sel++] = featureset_types[i]->name;
		for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const struct featureset_type *t = featureset_find(tok);
			if (!t) {
				err_report("%s: '%s': unknown feature set", cmd, tok);
				goto done;
			}
			if (n_sel < EXTRACTROW_MAX_SETS)
				sel_names[n_sel++] = t->name;
		}
	}
	if (!n_sel) {
		err_report("%s: no feature set selected", cmd);
		goto done;
	}
	for (size_t i = 0; featureset_types[i] && x->n_sets < EXTRACTROW_MAX_SETS; i++)
		for (size_t k = 0; k < n_sel; k++)
			if (!strcmp(featureset_types[i]->name, sel_names[k])) {
				types[x->n_sets++] = featureset_types[i];
				break;
			}

	/* route --param values */
	params_set_defaults(extractrow_param_spec, &x->xp, NULL);
	package_options_default(&x->po);
	{
		char *all = params ? strdup(params) : NULL, *save = NULL, *kv;
		if (params && !all) {
			err_report("%s: out of memory", cmd);
			goto done;
		}
		for (kv = all ? strtok_r(all, "\n", &save) : NULL; kv;
		     kv = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(kv, '='), *dot = strchr(kv, '.');
			size_t k;
			if (!eq || !dot || dot > eq) {
				err_report("%s: --param '%s': expected SET.KEY=VALUE", cmd, kv);
				free(all);
				goto done;
			}
			if (params_find(package_param_spec, (*eq = '\0', kv))) {
				if (params_set(package_param_spec, &x->po, kv, eq + 1, &d) < 0) {
					err_report("%s: --param: %s", cmd, diag_message(&d));
					free(all);
					goto done;
				}
				continue;
			}
			if (params_find(extractrow_param_spec, kv)) {
				if (params_set(extractrow_param_spec, &x->xp, kv, eq + 1, &d) < 0) {
					err_report("%s: --param: %s", cmd, diag_message(&d));
					free(all);
					goto done;
				}
				continue;
			}
			*eq = '=';
			for (k = 0; k < x->n_sets; k++) {
				const struct featureset_type *t = types[k];
				size_t nl = strlen(t->name);
				if (!strncmp(kv, t->name, nl) && kv[nl] == '.')
					break;
			}
			if (k == x->n_sets) {
				err_report("%s: --param '%s': no selected feature set or extract "
				           "parameter of that name",
				           cmd, kv);
				free(all);
				goto done;
			}
			if (set_params[k].len)
				sbuf_addch(&set_params[k], ',');
			sbuf_addstr(&set_params[k], strchr(kv, '.') + 1);
		}
		free(all);
	}
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset_type *t = types[k];
		char err[512];
		struct featureset *fs =
		    featureset_alloc(t, sbuf_cstr(&set_params[k]), err, sizeof(err));
		if (!fs) {
			err_report("%s: %s", cmd, err);
			/* the sets allocated so far stay in x->sets for extractrow_release() */
			x->n_sets = k;
			goto done;
		}
		x->sets[k] = fs;
		x->n_cols += fs->type->n_features; /* the instance's columns (featureset.h) */
		x->needs |= t->needs;
		if (!fs->type->n_features && t->document) {
			if (x->doc_idx >= 0) {
				err_report("%s: feature sets '%s' and '%s' both make the document; "
				           "select one",
				           cmd, x->sets[x->doc_idx]->type->name, t->name);
				x->n_sets = k + 1;
				goto done;
			}
			x->doc_idx = (int)k;
		}
	}

	/* shared context: the extract parameters, then what each set configures */
	analysis_ctx_default(&x->ctx);
	tokenize_options_default(&x->topt);
	x->ctx.url_rules.insecure_is_suspicious = x->xp.url_insecure;
	x->ctx.url_rules.private_ip_is_suspicious = x->xp.url_private_ip;
	x->ctx.max_strings = (size_t)x->xp.max_strings;
	for (size_t k = 0; k < x->n_sets; k++)
		if (x->sets[k]->type->configure)
			x->sets[k]->type->configure(x->sets[k]->state, &x->ctx, &x->topt);
	rc = 0;
done:
	for (size_t i = 0; i < EXTRACTROW_MAX_SETS; i++)
		sbuf_release(&set_params[i]);
	diag_release(&d);
	return rc;
}

int extractrow_load(struct extractrow *x, const char *cmd, const char *domains_arg)
{
	char path[4096], buf[4096];
	const char *dp;
	struct diag d;
	int rc = -1;
	diag_init(&d);
	if (!datafile_path("python_apis.csv", path, sizeof(path))) {
		err_report("%s: shipped data file '%s' not found", cmd, path);
		goto done;
	}
	if (api_table_load(&x->apis, path, &d) < 0) {
		err_report("%s: %s", cmd, diag_message(&d));
		goto done;
	}
	x->ctx.apis = x->apis;
	dp = domains_arg ? domains_arg : datafile_domains_default(buf, sizeof(buf));
	if (!dp && (x->needs & FEATURESET_NEEDS_DOMAINS)) {
		struct sbuf who = SBUF_INIT;
		for (size_t k = 0; k < x->n_sets; k++)
			if (x->sets[k]->type->needs & FEATURESET_NEEDS_DOMAINS)
				sbuf_addf(&who, "%s%s", who.len ? ", " : "",
				          x->sets[k]->type->name);
		err_report("%s: no popular-domain list found (spec D5): pass --domains FILE or set "
		           "PYVET_DOMAINS; the feature sets %s need it",
		           cmd, sbuf_cstr(&who));
		sbuf_release(&who);
		goto done;
	}
	if (dp && domains_load(&x->dl, dp, (size_t)x->xp.domains_top, x->xp.psl_private, &d) < 0) {
		err_report("%s: %s", cmd, diag_message(&d));
		goto done;
	}
	if (dp)
		snprintf(x->domains_path, sizeof(x->domains_path), "%s", dp);
	x->ctx.domains = x->dl;
	rc = 0;
done:
	diag_release(&d);
	return rc;
}

void extractrow_release(struct extractrow *x)
{
	if (!x)
		return;
	for (size_t k = 0; k < x->n_sets; k++)
		featureset_free(x->sets[k]);
	domains_free(x->dl);
	api_table_free(x->apis);
	memset(x, 0, sizeof(*x));
}

/* ---- per-package work ---- */

/* Prefix the current error of `d` with the feature set's name. */
static int set_failed(const struct featureset *fs, struct diag *d)
{
	char msg[DIAG_MSG_MAX];
	snprintf(msg, sizeof(msg), "%s", diag_message(d));
	return diag_error(d, "%s: %s", fs->type->name, msg);
}

int extractrow_run(const struct extractrow *x, const char *path, const struct package_options *po,
                   struct extractrow_result *res, struct diag *d)
{
	struct sbuf doc = SBUF_INIT;
	size_t col = 0;
	int rc = -1;
	if (package_open(&res->pkg, path, po ? po : &x->po, d) < 0)
		goto done;
	if (analysis_run(res->pkg, &x->ctx, &res->a, d) < 0)
		goto done;
	if (x->n_cols && !(res->x = calloc(x->n_cols, sizeof(double)))) {
		diag_error(d, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset *fs = x->sets[k];
		if (deadline_check(res->a->deadline, d, "computing feature set '%s'",
		                   fs->type->name) < 0)
			goto done;
		if (fs->type->n_features) {
			if (fs->type->extract(fs->state, res->a, res->x + col, &res->ev[k], d) <
			    0) {
				set_failed(fs, d);
				goto done;
			}
			col += fs->type->n_features;
		} else if (fs->type->document) {
			sbuf_reset(&doc);
			if (fs->type->document(fs->state, res->a, &doc, d) < 0 ||
			    doc_tokens_from_text(&res->dt, sbuf_cstr(&doc), doc.len, &x->topt, d) <
			        0) {
				set_failed(fs, d);
				goto done;
			}
		}
	}
	rc = 0;
done:
	sbuf_release(&doc);
	return rc;
}

void extractrow_result_release(struct extractrow_result *res)
{
	if (!res)
		return;
	for (size_t k = 0; k < EXTRACTROW_MAX_SETS; k++)
		evidence_list_release(&res->ev[k]);
	doc_tokens_release(&res->dt);
	free(res->x);
	analysis_free(res->a);
	package_free(res->pkg);
	memset(res, 0, sizeof(*res));
}

/* ---- JSON helpers ---- */

void extractrow_json_add_string(cJSON *o, const char *k, const char *v)
{
	evidence_json_add_string(o, k, v);
}

cJSON *extractrow_evidence_json(const struct evidence_list *ev, size_t from, size_t to)
{
	return evidence_list_json(ev, from, to);
}

int extractrow_evidence_sets_json(const struct extractrow *x, const struct evidence_list *ev,
                                  cJSON *obj)
{
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset *fs = x->sets[k];
		if (fs->type->evidence_json && fs->type->evidence_json(fs->state, &ev[k], obj) < 0)
			return -1;
	}
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset *fs = x->sets[k];
		cJSON *arr;
		if (fs->type->evidence_json || !fs->type->n_features || !ev[k].n)
			continue;
		arr = evidence_list_json(&ev[k], 0, ev[k].n);
		if (!arr || !cJSON_AddItemToObject(obj, fs->type->name, arr)) {
			cJSON_Delete(arr);
			return -1;
		}
	}
	return 0;
}
