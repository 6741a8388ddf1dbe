/* Versioned model files: header JSON + the learner's own text (see trained_model.h). */
#include "experiments/engine/trained_model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"
#include "core/base/toolkit.h"

#define MODEL_MAX_HEADER ((size_t)256 << 20)

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA-256 of the sorted ids joined by '\n': identifies the training rows. */
static void ids_hash(const struct dataset *ds, char hex[65])
{
	struct digest dg;
	char **ids = malloc((ds->n ? ds->n : 1) * sizeof(char *));
	digest_init(&dg);
	if (ids) {
		memcpy(ids, ds->row_id, ds->n * sizeof(char *));
		qsort(ids, ds->n, sizeof(char *), cmp_cstr);
		for (size_t i = 0; i < ds->n; i++) {
			digest_update(&dg, ids[i], strlen(ids[i]));
			digest_update(&dg, "\n", 1);
		}
		free(ids);
	}
	digest_hex(&dg, hex);
}

int trained_model_write(const char *path, const struct cvrun_fit *fit, const char *set_name,
                        const struct featdata *fd_train, const struct vocab_params *vp,
                        int preprocess, const struct vocab_filter *filter, unsigned long seed)
{
	const struct learner *l = fit->learner;
	struct sbuf ps = SBUF_INIT;
	char hex[65], mode[32];
	struct csvio_out o;
	struct diag ld;
	if (!l->type->save)
		return err_report("learner '%s' cannot be saved (no save hook)", l->type->name);
	cJSON *h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "pyvet_version", PYVET_VERSION);
	cJSON_AddStringToObject(h, "git_commit", toolkit_build_commit());
	cJSON_AddStringToObject(h, "learner", l->type->name);
	learner_params_format(l, &ps);
	cJSON_AddStringToObject(h, "learner_params", sbuf_cstr(&ps));
	sbuf_release(&ps);
	cJSON_AddNumberToObject(h, "threshold", fit->threshold);
	cJSON_AddStringToObject(h, "set", set_name);
	cJSON *fx = cJSON_AddArrayToObject(h, "fixed_columns");
	for (size_t c = 0; c < fit->n_fixed; c++)
		cJSON_AddItemToArray(fx, cJSON_CreateString(fit->train->feature_name[c]));
	int text = fit->vocab.num_words > 0;
	cJSON_AddBoolToObject(h, "text", text);
	if (text) {
		cJSON *v = cJSON_AddObjectToObject(h, "vocab");
		cJSON_AddNumberToObject(v, "num_words", (double)fit->vocab.num_words);
		cJSON_AddStringToObject(
		    v, "mode",
		    params_enum_name("binary|count|freq|tfidf", vp->mode, mode, sizeof(mode)));
		cJSON_AddBoolToObject(v, "lower", fit->vocab.lower);
		cJSON_AddBoolToObject(v, "preprocess", preprocess);
		cJSON_AddStringToObject(v, "scope", vp->scope == VOCAB_SCOPE_ALL ? "all" : "fold");
		cJSON_AddNumberToObject(v, "document_count", (double)fit->vocab.document_count);
		cJSON *tk = cJSON_AddArrayToObject(v, "tokens");
		cJSON *dc = cJSON_AddArrayToObject(v, "docs");
		for (size_t j = 0; j < fit->vocab.n_words; j++) {
			cJSON_AddItemToArray(tk, cJSON_CreateString(fit->vocab.word[j]));
			cJSON_AddItemToArray(dc, cJSON_CreateNumber((double)fit->vocab.docs[j]));
		}
		if (preprocess && filter) {
			cJSON *wl = cJSON_AddObjectToObject(v, "word_lists");
			cJSON_AddStringToObject(wl, "python_keywords.txt", filter->sha256[0]);
			cJSON_AddStringToObject(wl, "stopwords_en.txt", filter->sha256[1]);
		}
	}
	cJSON *tr = cJSON_AddObjectToObject(h, "train");
	cJSON_AddNumberToObject(tr, "rows", (double)fit->train->n);
	cJSON_AddNumberToObject(tr, "malicious", (double)dataset_count_positive(fit->train));
	cJSON_AddStringToObject(tr, "features_sha256", fd_train->features_sha256);
	cJSON_AddStringToObject(tr, "tokens_sha256", fd_train->tokens_sha256);
	ids_hash(fit->train, hex);
	cJSON_AddStringToObject(tr, "ids_sha256", hex);
	cJSON_AddNumberToObject(h, "seed", (double)seed);
	cJSON_AddNumberToObject(h, "learner_seed", (double)fit->stream_seed);
	char *text_h = cJSON_PrintUnformatted(h);
	cJSON_Delete(h);
	if (!text_h)
		return err_report("out of memory writing '%s'", path);
	if (csvio_out_open(&o, path) < 0) {
		cJSON_free(text_h);
		return -1;
	}
	fprintf(o.f, "%s %d\n%s\n", MODEL_MAGIC, MODEL_VERSION, text_h);
	cJSON_free(text_h);
	diag_init(&ld);
	if (learner_save(l, o.f, &ld) < 0) {
		csvio_out_abort(&o);
		err_report("learner '%s': cannot save the model: %s", l->type->name,
		           diag_message(&ld));
		diag_release(&ld);
		return -1;
	}
	diag_release(&ld);
	return csvio_out_commit(&o);
}

void trained_model_release(struct trained_model *m)
{
	if (!m)
		return;
	learner_free(m->learner);
	free(m->set);
	for (size_t i = 0; i < m->n_fixed; i++)
		free(m->fixed[i]);
	free(m->fixed);
	vocab_release(&m->vocab);
	cJSON_Delete(m->header);
	memset(m, 0, sizeof(*m));
}

static char *dup_json_string(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(it))
		return NULL;
	size_t n = strlen(it->valuestring) + 1;
	char *c = malloc(n);
	if (c)
		memcpy(c, it->valuestring, n);
	return c;
}

static int read_vocab(struct trained_model *m, const cJSON *v, const char *path)
{
	const cJSON *nw = cJSON_GetObjectItemCaseSensitive(v, "num_words");
	const cJSON *dc = cJSON_GetObjectItemCaseSensitive(v, "document_count");
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(v, "tokens");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(v, "docs");
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(v, "mode");
	const cJSON *lo = cJSON_GetObjectItemCaseSensitive(v, "lower");
	if (!cJSON_IsNumber(nw) || !cJSON_IsNumber(dc) || !cJSON_IsArray(tk) ||
	    !cJSON_IsArray(ds) || !cJSON_IsString(md) ||
	    cJSON_GetArraySize(tk) != cJSON_GetArraySize(ds) || nw->valuedouble < 1 ||
	    nw->valuedouble > 1e7 || dc->valuedouble < 0)
		return err_report("'%s': malformed vocabulary in the header", path);
	static const char *const modes[] = {"binary", "count", "freq", "tfidf"};
	m->mode = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(md->valuestring, modes[i]))
			m->mode = i;
	if (m->mode < 0)
		return err_report("'%s': unknown vocabulary mode '%s'", path, md->valuestring);
	size_t n = (size_t)cJSON_GetArraySize(tk), i = 0;
	const char **words = calloc(n ? n : 1, sizeof(char *));
	unsigned long *docs = calloc(n ? n : 1, sizeof(unsigned long));
	const cJSON *a, *b = ds->child;
	int rc = -1;
	if (!words || !docs) {
		err_report("out of memory");
		goto end;
	}
	cJSON_ArrayForEach(a, tk)
	{
		if (!cJSON_IsString(a) || !cJSON_IsNumber(b) || b->valuedouble < 0) {
			err_report("'%s': malformed vocabulary token %zu", path, i + 1);
			goto end;
		}
		words[i] = a->valuestring;
		docs[i++] = (unsigned long)b->valuedouble;
		b = b->next;
	}
	struct diag d;
	diag_init(&d);
	if (vocab_from_parts(&m->vocab, (size_t)nw->valuedouble, cJSON_IsTrue(lo),
	                     (unsigned long)dc->valuedouble, words, docs, n, &d) < 0) {
		err_report("'%s': %s", path, diag_message(&d));
		diag_release(&d);
		goto end;
	}
	diag_release(&d);
	rc = 0;
end:
	free(words);
	free(docs);
	return rc;
}

int trained_model_read(const char *path, struct trained_model *m)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1, version = 0;
	char magic[32];
	memset(m, 0, sizeof(*m));
	if (!f)
		return err_report("cannot open model '%s'", path);
	if ((len = getline(&line, &cap, f)) < 0 || sscanf(line, "%31s %d", magic, &version) != 2 ||
	    strcmp(magic, MODEL_MAGIC)) {
		err_report("'%s': not a pyvet model file", path);
		goto end;
	}
	if (version != MODEL_VERSION) {
		err_report("'%s': model format %d, this pyvet reads %d", path, version,
		           MODEL_VERSION);
		goto end;
	}
	if ((len = getline(&line, &cap, f)) < 0 || (size_t)len > MODEL_MAX_HEADER) {
		err_report("'%s': missing or oversized header", path);
		goto end;
	}
	m->header = cJSON_ParseWithLength(line, (size_t)len);
	if (!cJSON_IsObject(m->header)) {
		err_report("'%s': header is not JSON", path);
		goto end;
	}
	const cJSON *h = m->header;
	m->set = dup_json_string(h, "set");
	const cJSON *fx = cJSON_GetObjectItemCaseSensitive(h, "fixed_columns"), *it;
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(h, "threshold");
	if (!m->set || !cJSON_IsArray(fx) || !cJSON_IsNumber(th)) {
		err_report("'%s': header lacks set, fixed_columns or threshold", path);
		goto end;
	}
	m->threshold = th->valuedouble;
	m->fixed = calloc((size_t)cJSON_GetArraySize(fx) + 1, sizeof(char *));
	if (!m->fixed)
		goto end;
	cJSON_ArrayForEach(it, fx)
	{
		if (!cJSON_IsString(it)) {
			err_report("'%s': bad fixed column", path);
			goto end;
		}
		size_t sl = strlen(it->valuestring) + 1;
		m->fixed[m->n_fixed] = malloc(sl);
		if (!m->fixed[m->n_fixed])
			goto end;
		memcpy(m->fixed[m->n_fixed++], it->valuestring, sl);
	}
	m->text = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "text"));
	if (m->text && read_vocab(m, cJSON_GetObjectItemCaseSensitive(h, "vocab"), path) < 0)
		goto end;
	struct diag ld;
	diag_init(&ld);
	m->learner = learner_load(f, &ld);
	if (!m->learner) {
		err_report("'%s': %s", path, diag_message(&ld));
		diag_release(&ld);
		goto end;
	}
	diag_release(&ld);
	const cJSON *ln = cJSON_GetObjectItemCaseSensitive(h, "learner");
	if (!cJSON_IsString(ln) || strcmp(ln->valuestring, m->learner->type->name)) {
		err_report("'%s': header and learner section disagree on the learner", path);
		goto end;
	}
	rc = 0;
end:
	free(line);
	fclose(f);
	if (rc < 0)
		trained_model_release(m);
	return rc;
}

struct dataset *trained_model_matrix(const struct trained_model *m, const struct featdata *fd,
                                     const size_t *idx, size_t n)
{
	struct diag d;
	diag_init(&d);
	struct dataset *ds = featdata_apply(fd, (const char *const *)m->fixed, m->n_fixed,
	                                    m->text ? &m->vocab : NULL, m->mode, idx, n, NULL, &d);
	if (!ds)
		err_report("%s", diag_message(&d));
	diag_release(&d);
	return ds;
}
