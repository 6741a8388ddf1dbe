/* Extraction records of models (see extractrec.h). */
#include "experiments/engine/extractrec.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/apitable.h"
#include "core/analysis/domains.h"

#define SIDECAR_MAX_BYTES ((size_t)64 << 20)

/* ---- values ---- */

/* A parameter value of a record as text into buf: strings as they are, numbers so that they
 * read back to the same double (integers without exponent). */
static const char *value_text(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsString(v))
		snprintf(buf, n, "%s", v->valuestring);
	else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	         fabs(v->valuedouble) < 9e15)
		snprintf(buf, n, "%.0f", v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(buf, n, "%.17g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(buf, n, "%d", cJSON_IsTrue(v));
	else
		snprintf(buf, n, "(not a value)");
	return buf;
}

static int same_value(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble == b->valuedouble;
	return cJSON_Compare(a, b, 1);
}

/* Merge a copy of every item of object `from` into object `to`. -1 on out of memory. */
static int merge_items(cJSON *to, const cJSON *from)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, from)
	{
		cJSON *c = cJSON_Duplicate(it, 1);
		if (!c || !cJSON_AddItemToObject(to, it->string, c)) {
			cJSON_Delete(c);
			return -1;
		}
	}
	return 0;
}

/* ---- from an extraction sidecar ---- */

static cJSON *read_json_file(const char *path, int *missing, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t k;
	cJSON *j;
	*missing = 0;
	if (!f) {
		if (errno == ENOENT) {
			*missing = 1;
			return NULL;
		}
		diag_error(d, "cannot open '%s'", path);
		return NULL;
	}
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + k > SIDECAR_MAX_BYTES) {
			fclose(f);
			sbuf_release(&sb);
			diag_error(d, "'%s' is larger than %zu bytes", path, SIDECAR_MAX_BYTES);
			return NULL;
		}
		sbuf_add(&sb, buf, k);
	}
	fclose(f);
	j = cJSON_ParseWithLength(sb.buf ? sb.buf : "", sb.len);
	sbuf_release(&sb);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		diag_error(d, "'%s' is not a JSON object", path);
		return NULL;
	}
	return j;
}

/* 1 if a fixed column "SET.feature" belongs to set `name`. */
static int column_of_set(const char *col, const char *name)
{
	size_t nl = strlen(name);
	return !strncmp(col, name, nl) && col[nl] == '.';
}

static int add_hash(cJSON *to, const cJSON *hashes, const char *label, const char *path,
                    struct diag *d)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(hashes, label);
	if (!cJSON_IsString(h) || strlen(h->valuestring) != 64)
		return diag_error(d, "'%s' records no SHA-256 of data file '%s'", path, label);
	if (!cJSON_GetObjectItemCaseSensitive(to, label))
		cJSON_AddStringToObject(to, label, h->valuestring);
	return 0;
}

int extractrec_from_sidecar(const char *dir, const char *const *fixed, size_t n_fixed, int text,
                            cJSON **out, struct diag *d)
{
	char path[4096];
	int missing, rc = -1, have_doc = 0;
	cJSON *sc, *rec = NULL, *sets, *params, *data;
	const cJSON *fsj, *opts, *hashes, *it, *ck;
	*out = NULL;
	snprintf(path, sizeof(path), "%s/features.json", dir);
	sc = read_json_file(path, &missing, d);
	if (!sc)
		return missing ? 0 : -1;
	fsj = cJSON_GetObjectItemCaseSensitive(sc, "featuresets");
	opts = cJSON_GetObjectItemCaseSensitive(sc, "options");
	hashes = cJSON_GetObjectItemCaseSensitive(sc, "hashes");
	if (!cJSON_IsArray(fsj) || !cJSON_IsObject(opts) || !cJSON_IsObject(hashes) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(opts, "extract")) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(opts, "pkg"))) {
		diag_error(
		    d,
		    "'%s' lacks featuresets, options.extract, options.pkg or hashes (written by "
		    "an older pyvet? extract again)",
		    path);
		goto end;
	}
	rec = cJSON_CreateObject();
	sets = cJSON_AddArrayToObject(rec, "featuresets");
	params = cJSON_AddObjectToObject(rec, "params");
	data = cJSON_AddObjectToObject(rec, "data_sha256");
	if (!sets || !params || !data)
		goto oom;
	if (add_hash(data, hashes, "python_apis.csv", path, d) < 0)
		goto end;
	cJSON_ArrayForEach(it, fsj)
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(it, "version");
		const cJSON *nf = cJSON_GetObjectItemCaseSensitive(it, "n_features");
		const cJSON *pj = cJSON_GetObjectItemCaseSensitive(it, "params");
		const struct featureset_type *t;
		int used = 0;
		cJSON *e;
		if (!cJSON_IsString(nm) || !cJSON_IsNumber(ver) || !cJSON_IsNumber(nf) ||
		    !cJSON_IsObject(pj)) {
			diag_error(d, "'%s': malformed featuresets entry", path);
			goto end;
		}
		for (size_t c = 0; c < n_fixed && !used; c++)
			used = column_of_set(fixed[c], nm->valuestring);
		t = featureset_find(nm->valuestring);
		if (text && !used && nf->valuedouble == 0 && t && t->document) {
			used = 1;
			have_doc = 1;
		}
		if (!used)
			continue;
		if (!t) {
			diag_error(d, "'%s': feature set '%s' is not known to this pyvet", path,
			           nm->valuestring);
			goto end;
		}
		e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(sets, e)) {
			cJSON_Delete(e);
			goto oom;
		}
		cJSON_AddStringToObject(e, "name", nm->valuestring);
		cJSON_AddNumberToObject(e, "version", ver->valuedouble);
		cJSON_AddItemToObject(e, "params", cJSON_Duplicate(pj, 1));
		if ((t->needs & FEATURESET_NEEDS_DOMAINS) &&
		    add_hash(data, hashes, "domains", path, d) < 0)
			goto end;
		for (const struct featureset_data *df = t->data; df && df->label; df++)
			if (add_hash(data, hashes, df->label, path, d) < 0)
				goto end;
	}
	for (size_t c = 0; c < n_fixed; c++) {
		int found = 0;
		cJSON_ArrayForEach(it, sets)
		{
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
			found |= column_of_set(fixed[c], nm->valuestring);
		}
		if (!found) {
			diag_error(d, "'%s' describes no feature set of column '%s'", path,
			           fixed[c]);
			goto end;
		}
	}
	if (text && !have_doc) {
		diag_error(d, "'%s' describes no document feature set for the vocabulary columns",
		           path);
		goto end;
	}
	if (merge_items(params, cJSON_GetObjectItemCaseSensitive(opts, "extract")) < 0 ||
	    merge_items(params, cJSON_GetObjectItemCaseSensitive(opts, "pkg")) < 0)
		goto oom;
	ck = cJSON_GetObjectItemCaseSensitive(sc, "cache_key");
	if (cJSON_IsString(ck))
		cJSON_AddStringToObject(rec, "cache_key", ck->valuestring);
	*out = rec;
	rec = NULL;
	rc = 0;
	goto end;
oom:
	diag_error(d, "out of memory");
end:
	cJSON_Delete(rec);
	cJSON_Delete(sc);
	return rc;
}

/* ---- from a configured extractrow ---- */

static const struct featureset *selected_set(const struct extractrow *x, const char *name)
{
	for (size_t k = 0; k < x->n_sets; k++)
		if (!strcmp(x->sets[k]->type->name, name))
			return x->sets[k];
	return NULL;
}

cJSON *extractrec_from_extractrow(const struct extractrow *x, const cJSON *model_rec,
                                  struct diag *d)
{
	cJSON *rec = cJSON_CreateObject(), *sets, *params, *data, *paths, *pj;
	const cJSON *it;
	if (!rec)
		goto oom;
	sets = cJSON_AddArrayToObject(rec, "featuresets");
	params = cJSON_AddObjectToObject(rec, "params");
	data = cJSON_AddObjectToObject(rec, "data_sha256");
	paths = cJSON_AddObjectToObject(rec, "data_path");
	if (!sets || !params || !data || !paths)
		goto oom;
	if (x->apis)
		cJSON_AddStringToObject(data, "python_apis.csv", api_table_sha256(x->apis));
	if (x->dl) {
		cJSON_AddStringToObject(data, "domains", domains_sha256(x->dl));
		cJSON_AddStringToObject(paths, "domains", x->domains_path);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(model_rec, "featuresets"))
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		const struct featureset *fs;
		cJSON *e;
		if (!cJSON_IsString(nm)) {
			diag_error(d,
			           "malformed feature-set entry in the model's extraction record");
			goto fail;
		}
		if (!(fs = selected_set(x, nm->valuestring))) {
			diag_error(d, "feature set '%s' of the model is not selected",
			           nm->valuestring);
			goto fail;
		}
		e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(sets, e)) {
			cJSON_Delete(e);
			goto oom;
		}
		cJSON_AddStringToObject(e, "name", fs->type->name);
		cJSON_AddNumberToObject(e, "version", fs->type->version);
		cJSON_AddItemToObject(e, "params", params_to_json(fs->type->params, fs->state));
		for (size_t i = 0; i < fs->n_data; i++) {
			cJSON_AddStringToObject(data, fs->data[i].label, fs->data[i].sha256);
			cJSON_AddStringToObject(paths, fs->data[i].label, fs->data[i].path);
		}
	}
	if (!(pj = params_to_json(extractrow_param_spec, &x->xp)) || merge_items(params, pj) < 0) {
		cJSON_Delete(pj);
		goto oom;
	}
	cJSON_Delete(pj);
	if (!(pj = params_to_json(package_param_spec, &x->po)) || merge_items(params, pj) < 0) {
		cJSON_Delete(pj);
		goto oom;
	}
	cJSON_Delete(pj);
	return rec;
oom:
	diag_error(d, "out of memory");
fail:
	cJSON_Delete(rec);
	return NULL;
}

/* ---- parameters for extractrow_setup() ---- */

static int add_param(struct sbuf *out, const char *set, const char *key, const cJSON *v,
                     struct diag *d)
{
	char val[PARAM_STR_MAX + 64];
	if (!cJSON_IsString(v) && !cJSON_IsNumber(v) && !cJSON_IsBool(v))
		return diag_error(d, "the model records a non-scalar value for parameter '%s%s%s'",
		                  set ? set : "", set ? "." : "", key);
	value_text(v, val, sizeof(val));
	if (strpbrk(val, ",\n\r") || strpbrk(key, ",=\n\r"))
		return diag_error(d,
		                  "parameter '%s%s%s' of the model has a value that cannot be "
		                  "passed ('%s')",
		                  set ? set : "", set ? "." : "", key, val);
	if (out->len)
		sbuf_addch(out, '\n');
	if (set)
		sbuf_addf(out, "%s.", set);
	sbuf_addf(out, "%s=%s", key, val);
	return 0;
}

int extractrec_params(const cJSON *rec, struct sbuf *out, struct diag *d)
{
	const cJSON *sets = cJSON_GetObjectItemCaseSensitive(rec, "featuresets");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(rec, "params"), *it, *p;
	if (!cJSON_IsArray(sets) || !cJSON_IsObject(params))
		return diag_error(d, "the model's extraction record lacks featuresets or params");
	cJSON_ArrayForEach(it, sets)
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *pj = cJSON_GetObjectItemCaseSensitive(it, "params");
		if (!cJSON_IsString(nm) || !cJSON_IsObject(pj))
			return diag_error(d,
			                  "malformed feature-set entry in the model's extraction "
			                  "record");
		if (!featureset_find(nm->valuestring))
			return diag_error(d,
			                  "the model reads feature set '%s', which this pyvet does "
			                  "not have",
			                  nm->valuestring);
		cJSON_ArrayForEach(p, pj)
		{
			if (add_param(out, nm->valuestring, p->string, p, d) < 0)
				return -1;
		}
	}
	cJSON_ArrayForEach(p, params)
	{
		if (add_param(out, NULL, p->string, p, d) < 0)
			return -1;
	}
	return 0;
}

/* ---- comparison ---- */

/* The value of KEY in LF-separated "KEY=VALUE" items, or NULL (the last one wins, as in
 * extractrow_setup()). */
static const char *user_value(const char *user_params, const char *key, char *buf, size_t n)
{
	const char *p = user_params, *found = NULL;
	size_t kl = strlen(key), fl = 0;
	while (p && *p) {
		size_t len = strcspn(p, "\n");
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			found = p + kl + 1;
			fl = len - kl - 1;
		}
		p += len;
		if (*p)
			p++;
	}
	if (!found)
		return NULL;
	snprintf(buf, n, "%.*s", (int)fl, found);
	return buf;
}

static int param_differs(const char *key, const cJSON *w, const cJSON *h, const char *user_params,
                         const char *where, struct diag *d)
{
	char wb[PARAM_STR_MAX + 64], hb[PARAM_STR_MAX + 64], ub[PARAM_STR_MAX + 64];
	const char *u = user_value(user_params, key, ub, sizeof(ub));
	if (!h)
		return diag_error(d, "parameter '%s' of the model ('%s') is unknown to %s", key,
		                  value_text(w, wb, sizeof(wb)), where);
	if (u)
		return diag_error(
		    d,
		    "--param %s=%s conflicts with the model, whose training extraction "
		    "used %s='%s': drop the --param or retrain",
		    key, u, key, value_text(w, wb, sizeof(wb)));
	return diag_error(d, "parameter '%s' is '%s' in %s and '%s' in the model", key,
	                  value_text(h, hb, sizeof(hb)), where, value_text(w, wb, sizeof(wb)));
}

int extractrec_compare(const cJSON *want, const cJSON *have, const char *user_params,
                       const char *where, struct diag *d)
{
	const cJSON *it, *p;
	const cJSON *hsets = cJSON_GetObjectItemCaseSensitive(have, "featuresets");
	const cJSON *hparams = cJSON_GetObjectItemCaseSensitive(have, "params");
	const cJSON *hdata = cJSON_GetObjectItemCaseSensitive(have, "data_sha256");
	const cJSON *hpaths = cJSON_GetObjectItemCaseSensitive(have, "data_path");
	char key[512];
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(want, "featuresets"))
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name"), *hs = NULL, *q;
		const cJSON *wv = cJSON_GetObjectItemCaseSensitive(it, "version"), *hv;
		if (!cJSON_IsString(nm))
			return diag_error(d,
			                  "malformed feature-set entry in the model's extraction "
			                  "record");
		cJSON_ArrayForEach(q, hsets)
		{
			const cJSON *hn = cJSON_GetObjectItemCaseSensitive(q, "name");
			if (cJSON_IsString(hn) && !strcmp(hn->valuestring, nm->valuestring))
				hs = q;
		}
		if (!hs)
			return diag_error(d, "feature set '%s' of the model is not computed by %s",
			                  nm->valuestring, where);
		hv = cJSON_GetObjectItemCaseSensitive(hs, "version");
		if (!cJSON_IsNumber(wv) || !cJSON_IsNumber(hv) ||
		    wv->valuedouble != hv->valuedouble)
			return diag_error(
			    d,
			    "feature set '%s' is version %g in %s and version %g in the "
			    "model: its definition changed; retrain the model",
			    nm->valuestring, cJSON_IsNumber(hv) ? hv->valuedouble : -1, where,
			    cJSON_IsNumber(wv) ? wv->valuedouble : -1);
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(it, "params"))
		{
			const cJSON *h = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(hs, "params"), p->string);
			if (h && same_value(p, h))
				continue;
			snprintf(key, sizeof(key), "%s.%s", nm->valuestring, p->string);
			return param_differs(key, p, h, user_params, where, d);
		}
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(want, "params"))
	{
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(hparams, p->string);
		if (!strcmp(p->string, EXTRACTREC_EXEMPT) || (h && same_value(p, h)))
			continue;
		return param_differs(p->string, p, h, user_params, where, d);
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(want, "data_sha256"))
	{
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(hdata, p->string);
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(hpaths, p->string);
		if (!cJSON_IsString(p))
			return diag_error(d, "malformed data hash '%s' in the model", p->string);
		if (!cJSON_IsString(h))
			return diag_error(
			    d,
			    "data file '%s': the model was trained with SHA-256 %s; %s "
			    "loaded none",
			    p->string, p->valuestring, where);
		if (strcmp(h->valuestring, p->valuestring))
			return diag_error(d,
			                  "data file '%s'%s%s%s has SHA-256 %s in %s and %s in the "
			                  "model: the features would differ from the training ones",
			                  p->string, cJSON_IsString(path) ? " ('" : "",
			                  cJSON_IsString(path) ? path->valuestring : "",
			                  cJSON_IsString(path) ? "')" : "", h->valuestring, where,
			                  p->valuestring);
	}
	return 0;
}
