/* Extraction directories in memory, feature-set names, and train/test matrix assembly. */
#include "core/ml/featdata.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/datafile.h"
#include "core/base/sbuf.h"

#define FEATURES_MAX_BYTES ((size_t)1 << 30)
#define TOKENS_MAX_LINE ((size_t)256 << 20)
#define SPEC_MAX_LEN 1024

static const char *const meta_cols[] = {"id",      "label",      "name",  "version",
                                        "cluster", "first_seen", "shape", NULL};

const char *featdata_normalise_name(const char *name, char *buf, size_t n)
{
	size_t o = 0;
	int in_sep = 0;
	if (!n)
		return buf;
	for (const char *p = name; *p && o + 1 < n; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (!in_sep)
				buf[o++] = '-';
			in_sep = 1;
			continue;
		}
		in_sep = 0;
		buf[o++] = (char)tolower((unsigned char)*p);
	}
	buf[o] = '\0';
	return buf;
}

/* ---- id index (sorted array, bsearch) ---- */

struct idrow {
	const char *id;
	size_t row;
};

static int cmp_idrow(const void *a, const void *b)
{
	return strcmp(((const struct idrow *)a)->id, ((const struct idrow *)b)->id);
}

static struct idrow *id_index(const struct dataset *ds)
{
	struct idrow *ix = malloc((ds->n ? ds->n : 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	for (size_t i = 0; i < ds->n; i++) {
		ix[i].id = ds->row_id[i];
		ix[i].row = i;
	}
	qsort(ix, ds->n, sizeof(*ix), cmp_idrow);
	return ix;
}

static size_t id_lookup(const struct idrow *ix, size_t n, const char *id)
{
	struct idrow key = {id, 0};
	const struct idrow *hit = bsearch(&key, ix, n, sizeof(*ix), cmp_idrow);
	return hit ? hit->row : (size_t)-1;
}

/* ---- documents ---- */

static int doc_copy(struct doc_tokens *dst, const struct doc_tokens *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return 0;
	dst->tok = calloc(src->n, sizeof(char *));
	dst->count = malloc(src->n * sizeof(unsigned long));
	if (!dst->tok || !dst->count)
		goto fail;
	dst->cap = src->n;
	for (size_t i = 0; i < src->n; i++) {
		size_t len = strlen(src->tok[i]) + 1;
		dst->tok[i] = malloc(len);
		if (!dst->tok[i])
			goto fail;
		memcpy(dst->tok[i], src->tok[i], len);
		dst->count[i] = src->count[i];
		dst->n = i + 1;
	}
	return 0;
fail:
	if (!dst->tok) {
		free(dst->count);
		dst->count = NULL;
	}
	doc_tokens_release(dst);
	return -1;
}

void featdata_free(struct featdata *fd)
{
	if (!fd)
		return;
	size_t n = fd->fixed ? fd->fixed->n : 0;
	for (size_t i = 0; fd->docs && i < n; i++)
		doc_tokens_release(&fd->docs[i]);
	free(fd->docs);
	for (size_t i = 0; fd->name && i < n; i++)
		free(fd->name[i]);
	free(fd->name);
	dataset_free(fd->fixed);
	free(fd);
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);
	if (c)
		memcpy(c, s, n);
	return c;
}

static int parse_label(const char *s, int *y)
{
	if (!strcmp(s, "malicious") || !strcmp(s, "1"))
		*y = 1;
	else if (!strcmp(s, "benign") || !strcmp(s, "0"))
		*y = 0;
	else
		return -1;
	return 0;
}

static int is_meta_col(const char *h)
{
	for (size_t i = 0; meta_cols[i]; i++)
		if (!strcmp(h, meta_cols[i]))
			return 1;
	return 0;
}

/* A fixed feature column: "family.feature" with a non-empty family. */
static int is_feature_col(const char *h)
{
	const char *dot = strchr(h, '.');
	return !is_meta_col(h) && dot && dot != h && dot[1];
}

static int load_tokens(struct featdata *fd, const char *path, struct diag *d)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT) {
			diag_warn(d, "'%s' not found: every document is empty", path);
			return 0;
		}
		return diag_error(d, "cannot open '%s': %s", path, strerror(errno));
	}
	struct idrow *ix = id_index(fd->fixed);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;
	if (!ix) {
		fclose(f);
		return diag_error(d, "out of memory");
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)len > TOKENS_MAX_LINE) {
			rc = diag_error(d, "'%s' line %zu: longer than %zu bytes", path, lineno,
			                TOKENS_MAX_LINE);
			break;
		}
		while (len > 0 && (line[len - 1] == '\n'))
			len--;
		if (len == 0)
			continue;
		char *id = NULL;
		struct doc_tokens dt = {0};
		struct diag pd;
		diag_init(&pd);
		if (doc_tokens_parse(line, (size_t)len, &id, &dt, &pd) < 0) {
			rc = diag_error(d, "'%s' line %zu: %s", path, lineno, diag_message(&pd));
			diag_release(&pd);
			break;
		}
		diag_release(&pd);
		size_t row = id_lookup(ix, fd->fixed->n, id);
		if (row == (size_t)-1) {
			diag_warn(d, "'%s' line %zu: id '%s' not in features.csv", path, lineno,
			          id);
			doc_tokens_release(&dt);
		} else if (fd->docs[row].n || fd->docs[row].tok) {
			doc_tokens_release(&dt);
			rc = diag_error(d, "'%s' line %zu: duplicate id '%s'", path, lineno, id);
			free(id);
			break;
		} else {
			fd->docs[row] = dt;
			fd->n_with_tokens++;
		}
		free(id);
	}
	if (!rc && ferror(f))
		rc = diag_error(d, "read error on '%s'", path);
	free(line);
	free(ix);
	fclose(f);
	if (!rc && datafile_sha256(path, fd->tokens_sha256) < 0)
		rc = diag_error(d, "cannot hash '%s'", path);
	return rc;
}

int featdata_load(const char *dir, struct featdata **out, struct diag *d)
{
	struct csv_table *t = NULL;
	struct featdata *fd = NULL;
	size_t *fcol = NULL, nf = 0;
	char path[4096];
	int rc = -1;
	*out = NULL;
	snprintf(path, sizeof(path), "%s/features.csv", dir);
	if (csvio_read(path, FEATURES_MAX_BYTES, &t, d) < 0)
		return -1;
	long c_id = csvio_column(t, "id"), c_label = csvio_column(t, "label");
	long c_name = csvio_column(t, "name"), c_cluster = csvio_column(t, "cluster");
	long c_date = csvio_column(t, "first_seen");
	if (c_id < 0 || c_label < 0) {
		diag_error(d, "'%s': needs columns 'id' and 'label'", path);
		goto end;
	}
	fcol = malloc((t->n_cols ? t->n_cols : 1) * sizeof(*fcol));
	fd = calloc(1, sizeof(*fd));
	if (!fcol || !fd)
		goto oom;
	for (size_t j = 0; j < t->n_cols; j++)
		if (is_feature_col(t->header[j]))
			fcol[nf++] = j;
	fd->fixed = dataset_alloc(t->n_rows, nf);
	fd->docs = calloc(t->n_rows ? t->n_rows : 1, sizeof(*fd->docs));
	fd->name = calloc(t->n_rows ? t->n_rows : 1, sizeof(char *));
	if (!fd->fixed || !fd->docs || !fd->name)
		goto oom;
	for (size_t j = 0; j < nf; j++)
		if (dataset_set_string(&fd->fixed->feature_name[j], t->header[fcol[j]]) < 0)
			goto oom;
	for (size_t i = 0; i < t->n_rows; i++) {
		char **r = t->rows[i];
		char gbuf[512];
		if (!r[c_id][0]) {
			diag_error(d, "'%s' row %zu: empty id", path, i + 2);
			goto end;
		}
		if (parse_label(r[c_label], &fd->fixed->y[i]) < 0) {
			diag_error(d, "'%s' row %zu: bad label '%s'", path, i + 2, r[c_label]);
			goto end;
		}
		const char *name = c_name >= 0 ? r[c_name] : "";
		const char *group = c_cluster >= 0 ? r[c_cluster] : "";
		if (!group[0])
			group =
			    featdata_normalise_name(name[0] ? name : r[c_id], gbuf, sizeof(gbuf));
		if (dataset_set_string(&fd->fixed->row_id[i], r[c_id]) < 0 ||
		    dataset_set_string(&fd->fixed->group[i], group) < 0 ||
		    dataset_set_string(&fd->fixed->date[i], c_date >= 0 ? r[c_date] : "") < 0 ||
		    !(fd->name[i] = xstrdup(name)))
			goto oom;
		for (size_t j = 0; j < nf; j++) {
			double v;
			if (csvio_parse_double(r[fcol[j]], &v) < 0) {
				diag_error(d, "'%s' row %zu: column '%s': not a number '%s'", path,
				           i + 2, t->header[fcol[j]], r[fcol[j]]);
				goto end;
			}
			fd->fixed->X[i * nf + j] = v;
		}
	}
	{
		/* duplicate ids would make manifests and token lines ambiguous */
		struct idrow *ix = id_index(fd->fixed);
		if (!ix)
			goto oom;
		for (size_t i = 1; i < fd->fixed->n; i++)
			if (!strcmp(ix[i - 1].id, ix[i].id)) {
				diag_error(d, "'%s': duplicate id '%s'", path, ix[i].id);
				free(ix);
				goto end;
			}
		free(ix);
	}
	if (datafile_sha256(path, fd->features_sha256) < 0) {
		diag_error(d, "cannot hash '%s'", path);
		goto end;
	}
	snprintf(path, sizeof(path), "%s/tokens.tsv", dir);
	if (load_tokens(fd, path, d) < 0)
		goto end;
	*out = fd;
	fd = NULL;
	rc = 0;
	goto end;
oom:
	diag_error(d, "out of memory loading '%s'", dir);
end:
	free(fcol);
	csvio_table_free(t);
	featdata_free(fd);
	return rc;
}

struct featdata *featdata_subset(const struct featdata *fd, const size_t *idx, size_t k)
{
	struct featdata *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fixed = dataset_subset(fd->fixed, idx, k);
	if (!s->fixed) {
		free(s);
		return NULL;
	}
	s->docs = calloc(k ? k : 1, sizeof(*s->docs));
	s->name = calloc(k ? k : 1, sizeof(char *));
	if (!s->docs || !s->name)
		goto fail;
	for (size_t i = 0; i < k; i++) {
		if (doc_copy(&s->docs[i], &fd->docs[idx[i]]) < 0 ||
		    !(s->name[i] = xstrdup(fd->name[idx[i]])))
			goto fail;
		if (fd->docs[idx[i]].n)
			s->n_with_tokens++;
	}
	memcpy(s->features_sha256, fd->features_sha256, sizeof(s->features_sha256));
	memcpy(s->tokens_sha256, fd->tokens_sha256, sizeof(s->tokens_sha256));
	return s;
fail:
	featdata_free(s);
	return NULL;
}

size_t featdata_find(const struct featdata *fd, const char *id)
{
	for (size_t i = 0; i < fd->fixed->n; i++)
		if (!strcmp(fd->fixed->row_id[i], id))
			return i;
	return (size_t)-1;
}

int featdata_select_manifest(const struct featdata *fd, const char *manifest_path,
                             const char *split, struct featdata **out, size_t *n_missing,
                             struct diag *d)
{
	struct csv_table *t = NULL;
	struct idrow *ix = NULL;
	size_t *idx = NULL, k = 0, missing = 0;
	int rc = -1;
	*out = NULL;
	if (csvio_read(manifest_path, 0, &t, d) < 0)
		return -1;
	long c_id = csvio_column(t, "id"), c_split = csvio_column(t, "split");
	if (c_id < 0) {
		diag_error(d, "manifest '%s': no 'id' column", manifest_path);
		goto end;
	}
	if (split && c_split < 0) {
		diag_error(d, "manifest '%s': no 'split' column", manifest_path);
		goto end;
	}
	ix = id_index(fd->fixed);
	idx = malloc((t->n_rows ? t->n_rows : 1) * sizeof(*idx));
	if (!ix || !idx) {
		diag_error(d, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		if (split && strcmp(t->rows[i][c_split], split))
			continue;
		size_t row = id_lookup(ix, fd->fixed->n, t->rows[i][c_id]);
		if (row == (size_t)-1) {
			missing++;
			continue;
		}
		idx[k++] = row;
	}
	if (missing)
		diag_warn(d, "manifest '%s': %zu selected ids are not in the extraction",
		          manifest_path, missing);
	if (n_missing)
		*n_missing = missing;
	*out = featdata_subset(fd, idx, k);
	if (!*out) {
		diag_error(d, "out of memory");
		goto end;
	}
	rc = 0;
end:
	free(idx);
	free(ix);
	csvio_table_free(t);
	return rc;
}

/* ---- feature-set names ---- */

void featspec_release(struct featspec *fs)
{
	if (!fs)
		return;
	free(fs->name);
	for (size_t i = 0; i < fs->n_prefix; i++)
		free(fs->prefix[i]);
	free(fs->prefix);
	for (size_t i = 0; i < fs->n_drop; i++)
		free(fs->drop[i]);
	free(fs->drop);
	memset(fs, 0, sizeof(*fs));
}

static int push_str(char ***arr, size_t *n, const char *s, size_t len)
{
	char **na = realloc(*arr, (*n + 1) * sizeof(char *));
	if (!na)
		return -1;
	*arr = na;
	na[*n] = malloc(len + 1);
	if (!na[*n])
		return -1;
	memcpy(na[*n], s, len);
	na[*n][len] = '\0';
	(*n)++;
	return 0;
}

static int add_prefix(struct featspec *fs, const char *family)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s.", family);
	for (size_t i = 0; i < fs->n_prefix; i++)
		if (!strcmp(fs->prefix[i], buf))
			return 0;
	return push_str(&fs->prefix, &fs->n_prefix, buf, strlen(buf));
}

static int valid_family(const char *s, size_t len)
{
	if (!len || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

int featspec_parse(const char *name, struct featspec *fs, struct diag *d)
{
	memset(fs, 0, sizeof(*fs));
	size_t len = strlen(name);
	if (!len)
		return diag_error(d, "empty feature-set name");
	if (len > SPEC_MAX_LEN)
		return diag_error(d, "feature-set name longer than %d bytes", SPEC_MAX_LEN);
	if (!(fs->name = xstrdup(name)))
		return diag_error(d, "out of memory");
	/* parts up to the first '-', then dropped columns */
	const char *p = name, *end = name + len;
	const char *minus = strchr(name, '-');
	const char *parts_end = minus ? minus : end;
	while (p < parts_end) {
		const char *plus = memchr(p, '+', (size_t)(parts_end - p));
		const char *pe = plus ? plus : parts_end;
		size_t pl = (size_t)(pe - p);
		char part[SPEC_MAX_LEN + 1];
		memcpy(part, p, pl);
		part[pl] = '\0';
		if (!pl) {
			diag_error(d, "feature set '%s': empty part", name);
			goto fail;
		}
		if (!strcmp(part, "T") || !strcmp(part, "text")) {
			fs->text = 1;
		} else if (!strcmp(part, "pre")) {
			fs->pre = 1;
		} else if (strspn(part, "MCF") == pl) {
			int seen[3] = {0, 0, 0};
			for (size_t i = 0; i < pl; i++) {
				int k = part[i] == 'M' ? 0 : part[i] == 'C' ? 1 : 2;
				if (seen[k]++) {
					diag_error(d, "feature set '%s': '%c' given twice", name,
					           part[i]);
					goto fail;
				}
				if (add_prefix(fs, k == 0 ? "meta" : k == 1 ? "code" : "file") < 0)
					goto oom;
			}
		} else if (valid_family(part, pl)) {
			if (add_prefix(fs, part) < 0)
				goto oom;
		} else {
			diag_error(
			    d,
			    "feature set '%s': unknown part '%s' (expected T, pre, letters of "
			    "MCF or a lower-case family name)",
			    name, part);
			goto fail;
		}
		p = plus ? plus + 1 : parts_end;
		if (plus && p == parts_end) {
			diag_error(d, "feature set '%s': trailing '+'", name);
			goto fail;
		}
	}
	if (fs->pre && !fs->text) {
		diag_error(d, "feature set '%s': 'pre' needs the text part T", name);
		goto fail;
	}
	if (!fs->text && !fs->n_prefix) {
		diag_error(d, "feature set '%s': selects nothing", name);
		goto fail;
	}
	while (minus && minus < end) {
		const char *q = minus + 1;
		const char *next = strchr(q, '-');
		const char *qe = next ? next : end;
		if (qe == q) {
			diag_error(d, "feature set '%s': empty dropped column", name);
			goto fail;
		}
		if (push_str(&fs->drop, &fs->n_drop, q, (size_t)(qe - q)) < 0)
			goto oom;
		minus = next;
	}
	return 0;
oom:
	diag_error(d, "out of memory");
fail:
	featspec_release(fs);
	return -1;
}

int featspec_columns(const struct featspec *fs, const struct dataset *fixed, size_t **cols,
                     size_t *n, struct diag *d)
{
	size_t k = 0;
	*cols = NULL;
	*n = 0;
	if (!fs->n_prefix) {
		if (fs->n_drop)
			return diag_error(
			    d, "feature set '%s': drops '%s' but selects no fixed column", fs->name,
			    fs->drop[0]);
		return 0;
	}
	char *sel = calloc(fixed->d ? fixed->d : 1, 1);
	if (!sel)
		return diag_error(d, "out of memory");
	for (size_t p = 0; p < fs->n_prefix; p++) {
		size_t pl = strlen(fs->prefix[p]), hits = 0;
		for (size_t j = 0; j < fixed->d; j++)
			if (!strncmp(fixed->feature_name[j], fs->prefix[p], pl)) {
				sel[j] = 1;
				hits++;
			}
		if (!hits) {
			free(sel);
			return diag_error(d, "feature set '%s': no column starts with '%s'",
			                  fs->name, fs->prefix[p]);
		}
	}
	for (size_t q = 0; q < fs->n_drop; q++) {
		size_t hit = (size_t)-1, hits = 0;
		for (size_t j = 0; j < fixed->d; j++) {
			if (!sel[j])
				continue;
			const char *nm = fixed->feature_name[j], *dot = strchr(nm, '.');
			if (!strcmp(nm, fs->drop[q]) || (dot && !strcmp(dot + 1, fs->drop[q]))) {
				hit = j;
				hits++;
			}
		}
		if (hits != 1) {
			free(sel);
			return diag_error(
			    d,
			    "feature set '%s': dropped column '%s' matches %zu selected "
			    "columns",
			    fs->name, fs->drop[q], hits);
		}
		sel[hit] = 0;
	}
	for (size_t j = 0; j < fixed->d; j++)
		k += (size_t)sel[j];
	if (k) {
		*cols = malloc(k * sizeof(size_t));
		if (!*cols) {
			free(sel);
			return diag_error(d, "out of memory");
		}
		k = 0;
		for (size_t j = 0; j < fixed->d; j++)
			if (sel[j])
				(*cols)[k++] = j;
	}
	free(sel);
	*n = k;
	if (!k && !fs->text)
		return diag_error(d, "feature set '%s': no column left", fs->name);
	return 0;
}

/* ---- matrix assembly ---- */

static struct dataset *assemble(const struct featdata *fd, const size_t *cols, size_t n_cols,
                                const struct vocab *v, int mode, const size_t *idx, size_t n,
                                size_t *n_nan, struct diag *d)
{
	size_t nw = v ? v->num_words : 0;
	struct dataset *ds = dataset_alloc(n, n_cols + nw);
	const struct doc_tokens **docs = NULL;
	const struct dataset *fx = fd->fixed;
	char nbuf[1024];
	if (!ds)
		goto oom;
	for (size_t c = 0; c < n_cols; c++)
		if (dataset_set_string(&ds->feature_name[c], fx->feature_name[cols[c]]) < 0)
			goto oom;
	for (size_t j = 0; j < nw; j++)
		if (dataset_set_string(&ds->feature_name[n_cols + j],
		                       vocab_column_name(v, j, nbuf, sizeof(nbuf))) < 0)
			goto oom;
	for (size_t i = 0; i < n; i++) {
		size_t r = idx[i];
		if (r >= fx->n)
			BUG("featdata: row %zu out of range", r);
		ds->y[i] = fx->y[r];
		if (dataset_set_string(&ds->row_id[i], fx->row_id[r]) < 0 ||
		    dataset_set_string(&ds->group[i], fx->group[r]) < 0 ||
		    dataset_set_string(&ds->date[i], fx->date[r]) < 0)
			goto oom;
		double *row = ds->X + i * ds->d;
		for (size_t c = 0; c < n_cols; c++) {
			double x = fx->X[r * fx->d + cols[c]];
			if (isnan(x)) {
				x = 0.0;
				if (n_nan)
					(*n_nan)++;
			}
			row[c] = x;
		}
	}
	if (nw && n) {
		docs = malloc(n * sizeof(*docs));
		if (!docs)
			goto oom;
		for (size_t i = 0; i < n; i++)
			docs[i] = &fd->docs[idx[i]];
		if (vocab_transform(v, docs, n, mode, ds->X + n_cols, ds->d, d) < 0)
			goto fail;
	}
	free(docs);
	return ds;
oom:
	diag_error(d, "out of memory assembling features");
fail:
	free(docs);
	dataset_free(ds);
	return NULL;
}

int featdata_build(const struct featdata *fd, const struct featspec *fs,
                   const struct vocab_params *vp, const struct vocab_filter *filter,
                   const size_t *train_idx, size_t n_train, const size_t *test_idx, size_t n_test,
                   struct dataset **train_ds, struct dataset **test_ds, struct vocab *vocab,
                   size_t *n_nan, struct diag *d)
{
	size_t *cols = NULL, n_cols = 0;
	struct vocab local = {0}, *v = vocab ? vocab : &local;
	const struct doc_tokens **fit = NULL;
	int rc = -1;
	*train_ds = NULL;
	if (test_ds)
		*test_ds = NULL;
	if (n_nan)
		*n_nan = 0;
	vocab_release(v);
	if (featspec_columns(fs, fd->fixed, &cols, &n_cols, d) < 0)
		return -1;
	if (fs->text) {
		int pre = fs->pre || vp->preprocess;
		if (pre && (!filter || !filter->n)) {
			diag_error(d, "feature set '%s': preprocessing needs the word lists",
			           fs->name);
			goto end;
		}
		if (vp->num_words < 1) {
			diag_error(d, "text.num_words must be at least 1");
			goto end;
		}
		int all = vp->scope == VOCAB_SCOPE_ALL;
		size_t nf = all ? fd->fixed->n : n_train;
		fit = malloc((nf ? nf : 1) * sizeof(*fit));
		if (!fit) {
			diag_error(d, "out of memory");
			goto end;
		}
		for (size_t i = 0; i < nf; i++)
			fit[i] = &fd->docs[all ? i : train_idx[i]];
		if (vocab_fit(fit, nf, (size_t)vp->num_words, vp->lower, pre ? filter : NULL, v,
		              d) < 0)
			goto end;
	}
	*train_ds =
	    assemble(fd, cols, n_cols, fs->text ? v : NULL, vp->mode, train_idx, n_train, n_nan, d);
	if (!*train_ds)
		goto end;
	if (test_ds && test_idx) {
		*test_ds = assemble(fd, cols, n_cols, fs->text ? v : NULL, vp->mode, test_idx,
		                    n_test, n_nan, d);
		if (!*test_ds)
			goto end;
	}
	rc = 0;
end:
	if (rc < 0) {
		dataset_free(*train_ds);
		*train_ds = NULL;
		vocab_release(v);
	}
	vocab_release(&local);
	free(fit);
	free(cols);
	return rc;
}

struct dataset *featdata_apply(const struct featdata *fd, const char *const *fixed_names,
                               size_t n_fixed, const struct vocab *v, int mode, const size_t *idx,
                               size_t n, size_t *n_nan, struct diag *d)
{
	size_t *cols = malloc((n_fixed ? n_fixed : 1) * sizeof(size_t));
	if (!cols) {
		diag_error(d, "out of memory");
		return NULL;
	}
	for (size_t c = 0; c < n_fixed; c++) {
		cols[c] = dataset_column_index(fd->fixed, fixed_names[c]);
		if (cols[c] == (size_t)-1) {
			diag_error(d, "column '%s' of the model is not in the extraction",
			           fixed_names[c]);
			free(cols);
			return NULL;
		}
	}
	if (n_nan)
		*n_nan = 0;
	struct dataset *ds = assemble(fd, cols, n_fixed, v, mode, idx, n, n_nan, d);
	free(cols);
	return ds;
}
