/* Train/test split rules for datasets/<name>/manifest.csv (see split.h). */
#include "experiments/engine/split.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/base/rng.h"

enum { STREAM_MALICIOUS_TRAIN = 1, STREAM_BENIGN = 2, STREAM_DEBIAN = 3 };

#define SPLIT_NAME_MAX 256

int split_options_for(const char *name, struct split_options *o)
{
	memset(o, 0, sizeof(*o));
	o->name = name;
	o->seed = 1;
	o->include_probes = 0;
	o->test_benign_share = 0.2;
	o->test_malicious_share = 0.2;
	if (!strcmp(name, "paper")) {
		o->n_train_malicious = 138; /* paper Sec. 4.1 */
		o->n_test_malicious = 143;  /* paper Sec. 4.1 */
		return 0;
	}
	if (!strcmp(name, "full") || !strcmp(name, "realistic"))
		return 0;
	return -1;
}

const char *split_assign_name(enum split_assign a)
{
	static const char *const names[SPLIT_N_ASSIGN] = {"train",
	                                                  "test",
	                                                  "excluded-probe",
	                                                  "excluded-undated",
	                                                  "excluded-boundary",
	                                                  "excluded-unused",
	                                                  "excluded-straddling",
	                                                  "excluded-overlap",
	                                                  "excluded-not-python"};
	return (unsigned)a < SPLIT_N_ASSIGN ? names[a] : "?";
}

const char *split_normalise_name(const char *name, char *buf, size_t n)
{
	size_t j = 0;
	int in_sep = 0;
	if (!n)
		return buf;
	for (const char *s = name; *s && j + 1 < n; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			if (!in_sep)
				buf[j++] = '-';
			in_sep = 1;
		} else {
			buf[j++] = (char)tolower((unsigned char)*s);
			in_sep = 0;
		}
	}
	buf[j] = '\0';
	return buf;
}

static int is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		if (!s[i])
			return 0;
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	}
	return s[sizeof(pat) - 1] == '\0';
}

/* One eligible row with its sort keys. */
struct key {
	size_t row;
	const char *date;
	const char *id;
	char norm[SPLIT_NAME_MAX];
};

static int cmp_newest_first(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(y->date, x->date);
	return c ? c : strcmp(x->id, y->id);
}

static int cmp_id(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	return strcmp(x->id, y->id);
}

static int cmp_norm(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->norm, y->norm);
	return c ? c : strcmp(x->id, y->id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int in_sorted(char **v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

static size_t round_share(double share, size_t n)
{
	double v = floor(share * (double)n + 0.5);
	if (v < 0)
		return 0;
	return v > (double)n ? n : (size_t)v;
}

/* Group keys of row `r`: "c:<cluster or normalised name>" and "n:<normalised name>". */
static int group_keys(const struct manifest_row *r, char *k1, char *k2, size_t n)
{
	char norm[SPLIT_NAME_MAX];
	split_normalise_name(r->name ? r->name : "", norm, sizeof(norm));
	int a = snprintf(k1, n, "c:%s", r->cluster && r->cluster[0] ? r->cluster : norm);
	int b = snprintf(k2, n, "n:%s", norm);
	return (a < 0 || b < 0) ? -1 : 0;
}

int split_assign_corpus(const struct manifest *m, const struct split_options *o,
                        struct split_result *r, struct diag *d)
{
	int ret = -1;
	struct key *mal = NULL, *ben = NULL, *cand = NULL;
	char **test_keys = NULL;
	size_t n_mal = 0, n_ben = 0, n_cand = 0, n_keys = 0;
	gsl_rng *rng = NULL;

	memset(r, 0, sizeof(*r));
	if (o->test_benign_share < 0 || o->test_benign_share > 1 || o->test_malicious_share < 0 ||
	    o->test_malicious_share > 1)
		return diag_error(d, "split shares must lie in [0, 1]");
	r->n = m->n;
	r->assign = calloc(m->n ? m->n : 1, sizeof(*r->assign));
	mal = calloc(m->n ? m->n : 1, sizeof(*mal));
	ben = calloc(m->n ? m->n : 1, sizeof(*ben));
	cand = calloc(m->n ? m->n : 1, sizeof(*cand));
	test_keys = calloc(2 * (m->n ? m->n : 1), sizeof(*test_keys));
	if (!r->assign || !mal || !ben || !cand || !test_keys) {
		diag_error(d, "out of memory in split");
		goto end;
	}

	/* Eligibility. */
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_row *row = &m->rows[i];
		struct key *k;
		if (row->y == 1) {
			if (!o->include_probes && row->kind && !strcmp(row->kind, "probe")) {
				r->assign[i] = SPLIT_EX_PROBE;
				continue;
			}
			if (!row->first_seen || !is_date(row->first_seen)) {
				r->assign[i] = SPLIT_EX_UNDATED;
				continue;
			}
			k = &mal[n_mal++];
		} else {
			k = &ben[n_ben++];
		}
		k->row = i;
		k->date = row->first_seen ? row->first_seen : "";
		k->id = row->id;
		split_normalise_name(row->name ? row->name : "", k->norm, sizeof(k->norm));
		r->assign[i] = SPLIT_TRAIN;
	}

	/* Requested malicious counts, scaled down when the corpus is too small. */
	size_t want_test =
	    o->n_test_malicious ? o->n_test_malicious : round_share(o->test_malicious_share, n_mal);
	size_t want_train = o->n_train_malicious;
	if (want_train && want_train + want_test > n_mal) {
		size_t t = (size_t)floor((double)n_mal * (double)want_test /
		                         (double)(want_train + want_test));
		want_train = n_mal - t;
		want_test = t;
		r->scaled = 1;
	} else if (want_test > n_mal) {
		want_test = n_mal;
		r->scaled = 1;
	}
	r->n_train_malicious_req = want_train;
	r->n_test_malicious_req = want_test;

	/* Malicious test: the latest-dated rows; cutoff = oldest test date. */
	qsort(mal, n_mal, sizeof(*mal), cmp_newest_first);
	for (size_t i = 0; i < n_mal; i++)
		r->assign[mal[i].row] = i < want_test ? SPLIT_TEST : SPLIT_TRAIN;
	if (want_test) {
		snprintf(r->cutoff, sizeof(r->cutoff), "%s", mal[want_test - 1].date);
		for (size_t i = want_test; i < n_mal; i++)
			if (strcmp(mal[i].date, r->cutoff) >= 0)
				r->assign[mal[i].row] = SPLIT_EX_BOUNDARY;
	}

	/* Benign: seeded shuffle of the name-sorted rows, the first share is test. */
	qsort(ben, n_ben, sizeof(*ben), cmp_norm);
	if (!(rng = rng_alloc(rng_derive(o->seed, STREAM_BENIGN)))) {
		diag_error(d, "out of memory in split");
		goto end;
	}
	if (n_ben > 1) /* gsl_ran_shuffle() does not take 0 elements */
		gsl_ran_shuffle(rng, ben, n_ben, sizeof(*ben));
	size_t ben_test = round_share(o->test_benign_share, n_ben);
	for (size_t i = 0; i < n_ben; i++)
		r->assign[ben[i].row] = i < ben_test ? SPLIT_TEST : SPLIT_TRAIN;
	rng_free(rng);
	rng = NULL;

	/* Groups never straddle: drop train rows that share a group key with a test row. */
	for (size_t i = 0; i < m->n; i++) {
		char k1[SPLIT_NAME_MAX + 8], k2[SPLIT_NAME_MAX + 8];
		if (r->assign[i] != SPLIT_TEST)
			continue;
		if (group_keys(&m->rows[i], k1, k2, sizeof(k1)) < 0 ||
		    !(test_keys[n_keys++] = strdup(k1)) || !(test_keys[n_keys++] = strdup(k2))) {
			diag_error(d, "out of memory in split");
			goto end;
		}
	}
	qsort(test_keys, n_keys, sizeof(*test_keys), cmp_str);
	for (size_t i = 0; i < m->n; i++) {
		char k1[SPLIT_NAME_MAX + 8], k2[SPLIT_NAME_MAX + 8];
		if (r->assign[i] != SPLIT_TRAIN)
			continue;
		if (group_keys(&m->rows[i], k1, k2, sizeof(k1)) < 0) {
			diag_error(d, "out of memory in split");
			goto end;
		}
		if (in_sorted(test_keys, n_keys, k1) || in_sorted(test_keys, n_keys, k2))
			r->assign[i] = SPLIT_EX_STRADDLING;
	}

	/* Malicious train: a seeded sample of the older rows when a count is requested. */
	for (size_t i = 0; i < n_mal; i++)
		if (r->assign[mal[i].row] == SPLIT_TRAIN)
			cand[n_cand++] = mal[i];
	if (want_train && want_train < n_cand) {
		qsort(cand, n_cand, sizeof(*cand), cmp_id);
		if (!(rng = rng_alloc(rng_derive(o->seed, STREAM_MALICIOUS_TRAIN)))) {
			diag_error(d, "out of memory in split");
			goto end;
		}
		gsl_ran_shuffle(rng, cand, n_cand, sizeof(*cand));
		for (size_t i = want_train; i < n_cand; i++)
			r->assign[cand[i].row] = SPLIT_EX_UNUSED;
		rng_free(rng);
		rng = NULL;
	}
	ret = 0;
end:
	rng_free(rng);
	for (size_t i = 0; test_keys && i < n_keys; i++)
		free(test_keys[i]);
	free(test_keys);
	free(mal);
	free(ben);
	free(cand);
	if (ret < 0)
		split_result_release(r);
	return ret;
}

/* A group key and the Debian row it belongs to (components of split_assign_debian()). */
struct key_row {
	char *key;
	size_t row;
};

static int cmp_key_row(const void *a, const void *b)
{
	const struct key_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/* The sorted group keys of every row of `m` into *out (2 per row, owned). */
static int all_group_keys(const struct manifest *m, char ***out, size_t *n)
{
	char **k = calloc(2 * (m->n ? m->n : 1), sizeof(*k));
	*out = k;
	*n = 0;
	if (!k)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		char k1[SPLIT_NAME_MAX + 8], k2[SPLIT_NAME_MAX + 8];
		if (group_keys(&m->rows[i], k1, k2, sizeof(k1)) < 0 || !(k[(*n)++] = strdup(k1)) ||
		    !(k[(*n)++] = strdup(k2)))
			return -1;
	}
	qsort(k, *n, sizeof(*k), cmp_str);
	return 0;
}

int split_assign_debian(const struct manifest *corpus, const struct manifest *deb,
                        const struct split_options *o, struct split_result *r, struct diag *d)
{
	int ret = -1;
	char **ckeys = NULL;
	size_t n_ckeys = 0, n_el = 0, n_kr = 0, n_comp = 0;
	struct key *el = NULL;
	struct key_row *kr = NULL;
	size_t *parent = NULL, *comp = NULL, *comp_size = NULL;
	gsl_rng *rng = NULL;

	memset(r, 0, sizeof(*r));
	if (o->test_benign_share < 0 || o->test_benign_share > 1)
		return diag_error(d, "split shares must lie in [0, 1]");
	size_t cap = deb->n ? deb->n : 1;
	r->n = deb->n;
	r->assign = calloc(cap, sizeof(*r->assign));
	el = calloc(cap, sizeof(*el));
	kr = calloc(2 * cap, sizeof(*kr));
	parent = calloc(cap, sizeof(*parent));
	comp = calloc(cap, sizeof(*comp));
	comp_size = calloc(cap, sizeof(*comp_size));
	if (!r->assign || !el || !kr || !parent || !comp || !comp_size ||
	    all_group_keys(corpus, &ckeys, &n_ckeys) < 0) {
		diag_error(d, "out of memory in split");
		goto end;
	}

	/* Overlap with the corpus; the group keys of the eligible rows. */
	for (size_t i = 0; i < deb->n; i++) {
		const struct manifest_row *row = &deb->rows[i];
		char k1[SPLIT_NAME_MAX + 8], k2[SPLIT_NAME_MAX + 8];
		if (row->y != 0) {
			diag_error(d, "Debian manifest row %zu ('%s'): not benign", i + 1, row->id);
			goto end;
		}
		parent[i] = i;
		if (o->n_not_python && bsearch(&row->id, o->not_python, o->n_not_python,
		                               sizeof(*o->not_python), cmp_str)) {
			r->assign[i] = SPLIT_EX_NOT_PYTHON;
			continue;
		}
		if (group_keys(row, k1, k2, sizeof(k1)) < 0) {
			diag_error(d, "out of memory in split");
			goto end;
		}
		if (!strcmp(row->overlap, "corpus") || in_sorted(ckeys, n_ckeys, k1) ||
		    in_sorted(ckeys, n_ckeys, k2)) {
			r->assign[i] = SPLIT_EX_OVERLAP;
			continue;
		}
		r->assign[i] = SPLIT_TRAIN;
		el[n_el].row = i;
		el[n_el].id = row->id;
		split_normalise_name(row->name ? row->name : "", el[n_el].norm, sizeof(el->norm));
		n_el++;
		kr[n_kr++] = (struct key_row){strdup(k1), i};
		kr[n_kr++] = (struct key_row){strdup(k2), i};
		if (!kr[n_kr - 2].key || !kr[n_kr - 1].key) {
			diag_error(d, "out of memory in split");
			goto end;
		}
	}

	/* Components: rows sharing a key are joined. */
	qsort(kr, n_kr, sizeof(*kr), cmp_key_row);
	for (size_t j = 1; j < n_kr; j++)
		if (!strcmp(kr[j - 1].key, kr[j].key)) {
			size_t a = uf_find(parent, kr[j - 1].row), b = uf_find(parent, kr[j].row);
			if (a != b)
				parent[a > b ? a : b] = a < b ? a : b;
		}

	/* Components in the order of their first row by (normalised name, id); seeded shuffle. */
	qsort(el, n_el, sizeof(*el), cmp_norm);
	for (size_t j = 0; j < n_el; j++) {
		size_t root = uf_find(parent, el[j].row);
		if (!comp_size[root]++)
			comp[n_comp++] = root;
	}
	if (!(rng = rng_alloc(rng_derive(o->seed, STREAM_DEBIAN)))) {
		diag_error(d, "out of memory in split");
		goto end;
	}
	if (n_comp > 1) /* gsl_ran_shuffle() does not take 0 elements */
		gsl_ran_shuffle(rng, comp, n_comp, sizeof(*comp));
	size_t target = round_share(o->test_benign_share, n_el), n_test = 0;
	for (size_t c = 0; c < n_comp; c++) {
		if (n_test >= target)
			break;
		n_test += comp_size[comp[c]];
		comp_size[comp[c]] = 0; /* marks a test component */
	}
	for (size_t j = 0; j < n_el; j++)
		if (!comp_size[uf_find(parent, el[j].row)])
			r->assign[el[j].row] = SPLIT_TEST;
	ret = 0;
end:
	rng_free(rng);
	for (size_t j = 0; ckeys && j < n_ckeys; j++)
		free(ckeys[j]);
	free(ckeys);
	for (size_t j = 0; kr && j < n_kr; j++)
		free(kr[j].key);
	free(kr);
	free(el);
	free(parent);
	free(comp);
	free(comp_size);
	if (ret < 0)
		split_result_release(r);
	return ret;
}

void split_result_release(struct split_result *r)
{
	if (!r)
		return;
	free(r->assign);
	r->assign = NULL;
	r->n = 0;
}
