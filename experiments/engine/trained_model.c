/* Versioned model files: header JSON + the learner's own text + a checksum line (see
 * trained_model.h and docs/model-format.md). */
#include "experiments/engine/trained_model.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"
#include "core/base/toolkit.h"
#include "core/ml/metrics.h"

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, z = *(const double *)b;
	return (x > z) - (x < z);
}

/* The most frequent value of column j of ds (the smaller one on a tie); tmp has ds->n slots. */
static double column_majority(const struct dataset *ds, size_t j, double *tmp)
{
	double best = 0;
	size_t best_n = 0;
	for (size_t i = 0; i < ds->n; i++)
		tmp[i] = ds->X[i * ds->d + j];
	qsort(tmp, ds->n, sizeof(double), cmp_double);
	for (size_t i = 0; i < ds->n;) {
		size_t k = i;
		while (k < ds->n && tmp[k] == tmp[i])
			k++;
		if (k - i > best_n) {
			best_n = k - i;
			best = tmp[i];
		}
		i = k;
	}
	return best;
}

static cJSON *majority_json(const struct dataset *ds)
{
	cJSON *a = cJSON_CreateArray();
	double *tmp = malloc((ds->n ? ds->n : 1) * sizeof(double));
	if (!a || !tmp) {
		cJSON_Delete(a);
		free(tmp);
		return NULL;
	}
	for (size_t j = 0; j < ds->d; j++) {
		cJSON *v = cJSON_CreateNumber(column_majority(ds, j, tmp));
		if (!v || !cJSON_AddItemToArray(a, v)) {
			cJSON_Delete(v);
			cJSON_Delete(a);
			free(tmp);
			return NULL;
		}
	}
	free(tmp);
	return a;
}

static cJSON *vocab_json(const struct cvrun_fit *fit, const struct trained_model_info *info)
{
	char mode[32];
	cJSON *v = cJSON_CreateObject(), *tk, *dc;
	if (!v)
		return NULL;
	cJSON_AddNumberToObject(v, "num_words", (double)fit->vocab.num_words);
	cJSON_AddStringToObject(
	    v, "mode",
	    params_enum_name("binary|count|freq|tfidf", info->vp->mode, mode, sizeof(mode)));
	cJSON_AddBoolToObject(v, "lower", fit->vocab.lower);
	cJSON_AddBoolToObject(v, "preprocess", info->preprocess);
	cJSON_AddStringToObject(v, "scope", info->vp->scope == VOCAB_SCOPE_ALL ? "all" : "fold");
	cJSON_AddNumberToObject(v, "document_count", (double)fit->vocab.document_count);
	tk = cJSON_AddArrayToObject(v, "tokens");
	dc = cJSON_AddArrayToObject(v, "docs");
	for (size_t j = 0; tk && dc && j < fit->vocab.n_words; j++) {
		cJSON_AddItemToArray(tk, cJSON_CreateString(fit->vocab.word[j]));
		cJSON_AddItemToArray(dc, cJSON_CreateNumber((double)fit->vocab.docs[j]));
	}
	if (info->preprocess && info->filter) {
		cJSON *wl = cJSON_AddObjectToObject(v, "word_lists");
		cJSON_AddStringToObject(wl, "python_keywords.txt", info->filter->sha256[0]);
		cJSON_AddStringToObject(wl, "stopwords_en.txt", info->filter->sha256[1]);
	}
	return v;
}

static cJSON *header_json(const struct cvrun_fit *fit, const struct trained_model_info *info)
{
	const struct learner *l = fit->learner;
	struct sbuf ps = SBUF_INIT;
	struct calibration own;
	const struct calibration *cal = info->cal;
	char hex[65];
	cJSON *h = cJSON_CreateObject(), *tr;
	if (!h)
		return NULL;
	if (!cal) {
		calibrate_learner_default(fit->threshold, &own);
		cal = &own;
	}
	cJSON_AddNumberToObject(h, "format", MODEL_VERSION);
	cJSON_AddStringToObject(h, "pyvet_version", PYVET_VERSION);
	cJSON_AddStringToObject(h, "git_commit", toolkit_build_commit());
	cJSON_AddStringToObject(h, "learner", l->type->name);
	learner_params_format(l, &ps);
	cJSON_AddStringToObject(h, "learner_params", sbuf_cstr(&ps));
	sbuf_release(&ps);
	cJSON_AddNumberToObject(h, "threshold", cal->threshold);
	cJSON_AddItemToObject(h, "calibration", calibration_json(cal));
	cJSON_AddStringToObject(h, "set", info->set_name);
	cJSON *fx = cJSON_AddArrayToObject(h, "fixed_columns");
	for (size_t c = 0; fx && c < fit->n_fixed; c++)
		cJSON_AddItemToArray(fx, cJSON_CreateString(fit->train->feature_name[c]));
	int text = fit->vocab.num_words > 0;
	cJSON_AddBoolToObject(h, "text", text);
	if (text)
		cJSON_AddItemToObject(h, "vocab", vocab_json(fit, info));
	cJSON_AddItemToObject(h, "majority", majority_json(fit->train));
	if (info->extraction)
		cJSON_AddItemToObject(h, "extraction", cJSON_Duplicate(info->extraction, 1));
	else
		cJSON_AddNullToObject(h, "extraction");
	tr = cJSON_AddObjectToObject(h, "train");
	if (tr) {
		cJSON_AddNumberToObject(tr, "rows", (double)fit->train->n);
		cJSON_AddNumberToObject(tr, "malicious",
		                        (double)dataset_count_positive(fit->train));
		cJSON_AddStringToObject(tr, "features_sha256", info->fd_train->features_sha256);
		cJSON_AddStringToObject(tr, "tokens_sha256", info->fd_train->tokens_sha256);
		ids_hash(fit->train, hex);
		cJSON_AddStringToObject(tr, "ids_sha256", hex);
	}
	cJSON_AddNumberToObject(h, "seed", (double)info->seed);
	cJSON_AddNumberToObject(h, "learner_seed", (double)fit->stream_seed);
	return h;
}

int trained_model_write(const char *path, const struct cvrun_fit *fit,
                        const struct trained_model_info *info)
{
	const struct learner *l = fit->learner;
	char *body = NULL, *text_h = NULL, hex[65];
	size_t body_len = 0;
	struct csvio_out o;
	struct diag ld;
	FILE *mf;
	cJSON *h;
	int rc = -1;
	if (!l->type->save)
		return err_report("learner '%s' cannot be saved (no save hook)", l->type->name);
	if (!(h = header_json(fit, info)) || !(text_h = cJSON_PrintUnformatted(h))) {
		cJSON_Delete(h);
		return err_report("out of memory writing '%s'", path);
	}
	cJSON_Delete(h);
	/* the body in memory first: its checksum goes on the last line */
	if (!(mf = open_memstream(&body, &body_len))) {
		cJSON_free(text_h);
		return err_report("out of memory writing '%s'", path);
	}
	fprintf(mf, "%s %d\n%s\n", MODEL_MAGIC, MODEL_VERSION, text_h);
	cJSON_free(text_h);
	diag_init(&ld);
	if (learner_save(l, mf, &ld) < 0) {
		fclose(mf);
		err_report("learner '%s': cannot save the model: %s", l->type->name,
		           diag_message(&ld));
		goto end;
	}
	if (fclose(mf) != 0) {
		err_report("out of memory writing '%s'", path);
		goto end;
	}
	if (body_len && body[body_len - 1] != '\n') {
		err_report("learner '%s' did not end its model with a line break", l->type->name);
		goto end;
	}
	digest_buffer_hex(body, body_len, hex);
	if (csvio_out_open(&o, path) < 0)
		goto end;
	if (fwrite(body, 1, body_len, o.f) != body_len ||
	    fprintf(o.f, "%s %s\n", MODEL_TRAILER, hex) < 0) {
		csvio_out_abort(&o);
		err_report("cannot write '%s'", path);
		goto end;
	}
	rc = csvio_out_commit(&o);
end:
	diag_release(&ld);
	free(body);
	return rc;
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

/* The whole file into *buf (NUL-terminated), refusing files larger than MODEL_MAX_BYTES before
 * reading them. 0 or -1 (message printed). */
static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t k;
	*buf = NULL;
	*len = 0;
	if (!f)
		return err_report("cannot open model '%s'", path);
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_report("'%s': not a regular file", path);
	}
	if ((unsigned long long)st.st_size > MODEL_MAX_BYTES) {
		fclose(f);
		return err_report("'%s': %lld bytes, more than a model file may have (%zu)", path,
		                  (long long)st.st_size, MODEL_MAX_BYTES);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		fclose(f);
		return err_report("'%s': out of memory", path);
	}
	/* read at most the size fstat gave (+1 to see a file that grew meanwhile) */
	k = fread(*buf, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || k > (size_t)st.st_size) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return err_report("'%s': read error or file changed while read", path);
	}
	fclose(f);
	(*buf)[k] = '\0';
	*len = k;
	return 0;
}

/* Format 2: verify the checksum line; *body_len is the length before it. 0 or -1. */
static int verify_trailer(const char *path, const char *buf, size_t len, size_t *body_len)
{
	size_t tl = strlen(MODEL_TRAILER), start;
	char hex[65];
	if (len < tl + 66 || buf[len - 1] != '\n')
		return err_report("'%s': truncated model file (no checksum line at the end)", path);
	start = len - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (len - start != tl + 66 || strncmp(buf + start, MODEL_TRAILER, tl) ||
	    buf[start + tl] != ' ')
		return err_report("'%s': truncated model file (no checksum line at the end)", path);
	digest_buffer_hex(buf, start, hex);
	if (strncmp(hex, buf + start + tl + 1, 64))
		return err_report(
		    "'%s': corrupted model file: the SHA-256 of its content is %.12s..., "
		    "its checksum line says %.12s...",
		    path, hex, buf + start + tl + 1);
	*body_len = start;
	return 0;
}

/* The first line: magic and format version. 0 or -1. */
static int parse_magic(const char *path, const char *buf, size_t len, int *version)
{
	const char *nl = memchr(buf, '\n', len < 64 ? len : 64);
	char line[65], magic[32];
	int n = 0;
	if (!nl)
		return err_report("'%s': not a pyvet model file", path);
	memcpy(line, buf, (size_t)(nl - buf));
	line[nl - buf] = '\0';
	if (sscanf(line, "%31s %d%n", magic, version, &n) != 2 || strcmp(magic, MODEL_MAGIC) ||
	    line[n] != '\0')
		return err_report("'%s': not a pyvet model file", path);
	if (*version > MODEL_VERSION)
		return err_report("'%s': model format %d was written by a newer pyvet; this pyvet "
		                  "(%s) reads formats %d to %d: upgrade pyvet or retrain the model",
		                  path, *version, PYVET_VERSION, MODEL_VERSION_MIN, MODEL_VERSION);
	if (*version < MODEL_VERSION_MIN)
		return err_report("'%s': model format %d is not one this pyvet reads (%d to %d)",
		                  path, *version, MODEL_VERSION_MIN, MODEL_VERSION);
	return 0;
}

static int read_header(struct trained_model *m, const char *path)
{
	const cJSON *h = m->header, *it;
	const cJSON *fx = cJSON_GetObjectItemCaseSensitive(h, "fixed_columns");
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(h, "threshold");
	m->set = dup_json_string(h, "set");
	if (!m->set || !cJSON_IsArray(fx) || !cJSON_IsNumber(th) || !isfinite(th->valuedouble))
		return err_report("'%s': header lacks set, fixed_columns or threshold", path);
	if (cJSON_GetArraySize(fx) > 1000000)
		return err_report("'%s': header lists too many fixed columns", path);
	m->threshold = th->valuedouble;
	m->fixed = calloc((size_t)cJSON_GetArraySize(fx) + 1, sizeof(char *));
	if (!m->fixed)
		return err_report("'%s': out of memory", path);
	cJSON_ArrayForEach(it, fx)
	{
		if (!cJSON_IsString(it))
			return err_report("'%s': bad fixed column", path);
		if (!(m->fixed[m->n_fixed] = strdup(it->valuestring)))
			return err_report("'%s': out of memory", path);
		m->n_fixed++;
	}
	m->text = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "text"));
	if (m->text && read_vocab(m, cJSON_GetObjectItemCaseSensitive(h, "vocab"), path) < 0)
		return -1;
	m->rule = MODEL_RULE_STRICT;
	if (m->version >= 2) {
		const cJSON *cal = cJSON_GetObjectItemCaseSensitive(h, "calibration");
		const cJSON *meth = cJSON_GetObjectItemCaseSensitive(cal, "method");
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(h, "extraction");
		const cJSON *maj = cJSON_GetObjectItemCaseSensitive(h, "majority");
		size_t n_cols = m->n_fixed + (m->text ? m->vocab.num_words : 0);
		if (!cJSON_IsObject(cal) || !cJSON_IsString(meth))
			return err_report("'%s': header lacks the threshold's calibration record",
			                  path);
		if (!strcmp(meth->valuestring, "fpr") || !strcmp(meth->valuestring, "fixed"))
			m->rule = MODEL_RULE_TIES;
		else if (strcmp(meth->valuestring, "learner"))
			return err_report("'%s': unknown calibration method '%s'", path,
			                  meth->valuestring);
		m->calibration = cal;
		if (cJSON_IsObject(ex))
			m->extraction = ex;
		else if (ex && !cJSON_IsNull(ex))
			return err_report("'%s': malformed extraction record", path);
		if (cJSON_IsArray(maj)) {
			if ((size_t)cJSON_GetArraySize(maj) != n_cols)
				return err_report("'%s': %d majority values for %zu columns", path,
				                  cJSON_GetArraySize(maj), n_cols);
			cJSON_ArrayForEach(it, maj)
			{
				if (!cJSON_IsNumber(it))
					return err_report("'%s': non-numeric majority value", path);
			}
			m->majority = maj;
		}
	}
	return 0;
}

int trained_model_read(const char *path, struct trained_model *m)
{
	char *buf = NULL, *nl;
	size_t len, body_len, off;
	int rc = -1, version = 0;
	struct diag ld;
	FILE *lf = NULL;
	memset(m, 0, sizeof(*m));
	diag_init(&ld);
	if (slurp(path, &buf, &len) < 0)
		return -1;
	if (parse_magic(path, buf, len, &version) < 0)
		goto end;
	m->version = version;
	body_len = len;
	if (version >= 2 && verify_trailer(path, buf, len, &body_len) < 0)
		goto end;
	off = (size_t)((char *)memchr(buf, '\n', len) - buf) + 1;
	nl = memchr(buf + off, '\n', body_len - off);
	if (!nl) {
		err_report("'%s': truncated model file (no header line)", path);
		goto end;
	}
	m->header = cJSON_ParseWithLength(buf + off, (size_t)(nl - (buf + off)));
	if (!cJSON_IsObject(m->header)) {
		err_report("'%s': header is not a JSON object", path);
		goto end;
	}
	if (read_header(m, path) < 0)
		goto end;
	off = (size_t)(nl - buf) + 1;
	if (off >= body_len || !(lf = fmemopen(buf + off, body_len - off, "r"))) {
		err_report("'%s': truncated model file (no learner section)", path);
		goto end;
	}
	m->learner = learner_load(lf, &ld);
	if (!m->learner) {
		err_report("'%s': %s", path, diag_message(&ld));
		goto end;
	}
	const cJSON *ln = cJSON_GetObjectItemCaseSensitive(m->header, "learner");
	if (!cJSON_IsString(ln) || strcmp(ln->valuestring, m->learner->type->name)) {
		err_report("'%s': header and learner section disagree on the learner", path);
		goto end;
	}
	if (version < 2) /* format 1: the learner's own threshold */
		m->threshold = learner_threshold(m->learner);
	rc = 0;
end:
	if (lf)
		fclose(lf);
	diag_release(&ld);
	free(buf);
	if (rc < 0)
		trained_model_release(m);
	return rc;
}

int trained_model_flags(const struct trained_model *m, double score)
{
	if (isnan(score))
		return 0;
	return m->rule == MODEL_RULE_TIES ? metrics_flagged(score, m->threshold)
	                                  : score > m->threshold;
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
