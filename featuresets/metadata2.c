/* Feature set `metadata2`: more of what the metadata file says (issue 11, item 3), read from
 * the parsed metadata of the analysis (a->info), never from the container.
 *
 * Columns (docs/features.md "metadata2" has the exact rules; NaN without a metadata file):
 *   version_0_0_x        the version starts with 0.0 ("0.0.1", "0.0", "0")
 *   version_major_ge_99  its first number is 99 or more (dependency-confusion probes)
 *   version_single       it is one number ("1", "7")
 *   summary_empty        no Summary
 *   summary_is_name      the Summary is the project name (separators and case ignored)
 *   description_len_log  ln(1 + bytes of the long description: the body, else Description)
 *   has_author           an Author or Maintainer field
 *   has_author_email     an Author-email or Maintainer-email field
 *   n_classifiers        Classifier fields
 *   n_requires           Requires-Dist (and Requires) fields
 *   name_typo            the normalised name is within Damerau-Levenshtein distance 2 of a
 *                        well-known name (distance 1 when the shorter of the two has fewer than
 *                        short_len characters; none below min_len) -- never the package's own,
 *                        and not when one name is the other plus two or more characters at
 *                        one end ("requests" / "txrequests": another project, not a typo)
 *   name_variant         it equals a well-known name other than its own after dropping
 *                        separators, dropping digits, or dropping a python-/py- prefix or a
 *                        -python/-py suffix
 * The well-known names are featuresets/data/known_names.txt (derived by
 * scripts/data/derive_known_names.py). */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/base/strset.h"

#define NAME_MAX_LEN 128 /* longer names are not compared */

enum {
	F_V000,
	F_V99,
	F_VSINGLE,
	F_SUMMARY_EMPTY,
	F_SUMMARY_NAME,
	F_DESC,
	F_AUTHOR,
	F_EMAIL,
	F_CLASSIFIERS,
	F_REQUIRES,
	F_TYPO,
	F_VARIANT,
	N_FEATURES
};

static const char *const m2_names[N_FEATURES] = {
    "version_0_0_x",   "version_major_ge_99", "version_single", "summary_empty",
    "summary_is_name", "description_len_log", "has_author",     "has_author_email",
    "n_classifiers",   "n_requires",          "name_typo",      "name_variant"};

/* Variant forms of a name, each mapped to the known names that have it. */
enum { V_NOSEP, V_NODIGIT, V_NOAFFIX, N_FORMS };

struct m2_state {
	char names_file[PARAM_STR_MAX];
	long max_distance;
	long short_len;
	long min_len;
	struct strset known;          /* normalised known names */
	size_t *len;                  /* per known name: its length */
	unsigned char (*hist)[40];    /* per known name: character counts (bag) */
	struct strset forms[N_FORMS]; /* variant form -> index ... */
	size_t *form_name[N_FORMS];   /* ... of the first known name with it */
	size_t *form_alt[N_FORMS];    /* ... of a second one, or (size_t)-1 */
};

static const struct param_spec m2_params[] = {
    {"names", PARAM_STRING, offsetof(struct m2_state, names_file), "", NULL,
     "well-known names (one per line, # comments): a path, or a featuresets/data name; empty = "
     "the shipped known_names.txt"},
    {"max_distance", PARAM_INT, offsetof(struct m2_state, max_distance), "2", "[1, 3]",
     "largest Damerau-Levenshtein distance of name_typo"},
    {"short_len", PARAM_INT, offsetof(struct m2_state, short_len), "6", "[1, 64]",
     "below this many characters (shorter of the two names) name_typo allows distance 1 only"},
    {"min_len", PARAM_INT, offsetof(struct m2_state, min_len), "4", "[1, 64]",
     "names shorter than this are never compared for name_typo"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const struct featureset_data m2_data[] = {{"known_names.txt", "names", "known_names.txt", 0},
                                                 {NULL, NULL, NULL, 0}};

/* ---- names ---- */

/* PEP 503: lower case, every run of '-', '_', '.' as one '-'. 0, or -1 if too long or empty. */
static int normalise(const char *in, char *out, size_t cap)
{
	size_t k = 0;
	int sep = 0;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == '-' || c == '_' || c == '.') {
			sep = 1;
			continue;
		}
		if (sep && k) {
			if (k + 1 >= cap)
				return -1;
			out[k++] = '-';
		}
		sep = 0;
		if (k + 1 >= cap)
			return -1;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[k] = '\0';
	return k ? 0 : -1;
}

/* Variant form f of normalised name n into out; 0, or -1 if it has none. */
static int form_of(int f, const char *n, char *out, size_t cap)
{
	static const char *const prefix[] = {"python-", "py-", NULL};
	static const char *const suffix[] = {"-python", "-py", NULL};
	size_t k = 0, len = strlen(n);
	char tmp[NAME_MAX_LEN + 1];
	switch (f) {
	case V_NOSEP:
		for (size_t i = 0; n[i] && k + 1 < cap; i++)
			if (n[i] != '-')
				out[k++] = n[i];
		break;
	case V_NODIGIT:
		for (size_t i = 0; n[i] && k + 1 < cap; i++)
			if (n[i] != '-' && !(n[i] >= '0' && n[i] <= '9'))
				out[k++] = n[i];
		break;
	case V_NOAFFIX:
		if (len >= sizeof(tmp))
			return -1;
		memcpy(tmp, n, len + 1);
		for (size_t i = 0; prefix[i]; i++)
			if (!strncmp(tmp, prefix[i], strlen(prefix[i]))) {
				memmove(tmp, tmp + strlen(prefix[i]), len - strlen(prefix[i]) + 1);
				len -= strlen(prefix[i]);
				break;
			}
		for (size_t i = 0; suffix[i]; i++) {
			size_t sl = strlen(suffix[i]);
			if (len > sl && !strcmp(tmp + len - sl, suffix[i])) {
				tmp[len - sl] = '\0';
				len -= sl;
				break;
			}
		}
		if (!strcmp(tmp, n))
			return -1; /* no affix */
		for (size_t i = 0; tmp[i] && k + 1 < cap; i++)
			if (tmp[i] != '-')
				out[k++] = tmp[i];
		break;
	}
	out[k] = '\0';
	return k ? 0 : -1;
}

static int sym(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return 26 + (c - '0');
	return 36 + (c == '-' ? 0 : c == '_' ? 1 : c == '.' ? 2 : 3);
}

static void histogram(const char *s, unsigned char h[40])
{
	memset(h, 0, 40);
	for (; *s; s++) {
		int k = sym((unsigned char)*s);
		if (h[k] < 255)
			h[k]++;
	}
}

/* Optimal-string-alignment distance of a and b, or max + 1 once it exceeds max. */
static size_t osa(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
	size_t d[3][NAME_MAX_LEN + 2], *p2 = d[0], *p1 = d[1], *cur = d[2];
	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		p1[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t row_min;
		cur[0] = i;
		row_min = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = p1[j - 1] + cost;
			if (p1[j] + 1 < v)
				v = p1[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    p2[j - 2] + 1 < v)
				v = p2[j - 2] + 1;
			cur[j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > max)
			return max + 1;
		{
			size_t *t = p2;
			p2 = p1;
			p1 = cur;
			cur = t;
		}
	}
	return p1[lb];
}

static int add_form(struct m2_state *s, int f, const char *form, size_t name)
{
	size_t idx;
	int added = strset_add(&s->forms[f], form, strlen(form), &idx);
	if (added < 0)
		return -1;
	if (added) {
		size_t *v = realloc(s->form_name[f], s->forms[f].count * sizeof(*v));
		size_t *w = realloc(s->form_alt[f], s->forms[f].count * sizeof(*w));
		if (v)
			s->form_name[f] = v;
		if (w)
			s->form_alt[f] = w;
		if (!v || !w)
			return -1;
		v[idx] = name;
		w[idx] = (size_t)-1;
	} else if (s->form_alt[f][idx] == (size_t)-1 && s->form_name[f][idx] != name) {
		s->form_alt[f][idx] = name;
	}
	return 0;
}

static int m2_load(void *vstate, const char *const *paths, struct diag *d)
{
	struct m2_state *s = vstate;
	FILE *f = fopen(paths[0], "r");
	char line[512], norm[NAME_MAX_LEN + 1], form[NAME_MAX_LEN + 1];
	size_t lineno = 0;
	if (!f)
		return diag_error(d, "cannot read '%s'", paths[0]);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n"), idx;
		int added;
		lineno++;
		if (lineno > 1000000) {
			fclose(f);
			return diag_error(d, "'%s': more than 1,000,000 lines", paths[0]);
		}
		line[n] = '\0';
		if (!n || line[0] == '#' || normalise(line, norm, sizeof(norm)) < 0)
			continue;
		added = strset_add(&s->known, norm, strlen(norm), &idx);
		if (added < 0)
			goto oom;
		if (!added)
			continue;
		{
			size_t *lv = realloc(s->len, s->known.count * sizeof(*lv));
			unsigned char(*hv)[40] = realloc(s->hist, s->known.count * sizeof(*hv));
			if (lv)
				s->len = lv;
			if (hv)
				s->hist = hv;
			if (!lv || !hv)
				goto oom;
			lv[idx] = strlen(norm);
			histogram(norm, hv[idx]);
		}
		for (int k = 0; k < N_FORMS; k++)
			if (form_of(k, norm, form, sizeof(form)) == 0 &&
			    add_form(s, k, form, idx) < 0)
				goto oom;
	}
	fclose(f);
	if (!s->known.count)
		return diag_error(d, "'%s': no names", paths[0]);
	return 0;
oom:
	fclose(f);
	return diag_error(d, "out of memory");
}

static void m2_release(void *vstate)
{
	struct m2_state *s = vstate;
	strset_release(&s->known);
	free(s->len);
	free(s->hist);
	for (int k = 0; k < N_FORMS; k++) {
		strset_release(&s->forms[k]);
		free(s->form_name[k]);
		free(s->form_alt[k]);
	}
	s->len = NULL;
	s->hist = NULL;
	memset(s->form_name, 0, sizeof(s->form_name));
	memset(s->form_alt, 0, sizeof(s->form_alt));
}

/* 1 if short[0..ns) is a prefix or a suffix of long[0..nl). */
static int is_affix(const char *shorter, size_t ns, const char *longer, size_t nl)
{
	return !memcmp(longer, shorter, ns) || !memcmp(longer + nl - ns, shorter, ns);
}

/* The closest known name other than `self` within the allowed distance: its index and distance,
 * or (size_t)-1. */
static size_t closest(const struct m2_state *s, const char *self, size_t *dist)
{
	size_t ls = strlen(self), best = (size_t)-1, bd = (size_t)-1;
	unsigned char h[40];
	if (ls < (size_t)s->min_len || ls > NAME_MAX_LEN)
		return best;
	histogram(self, h);
	for (size_t i = 0; i < s->known.count; i++) {
		size_t li = s->len[i], mn = li < ls ? li : ls, max, over = 0, under = 0, dd;
		const char *k;
		if (mn < (size_t)s->min_len)
			continue;
		max = mn < (size_t)s->short_len ? 1 : (size_t)s->max_distance;
		if ((li > ls ? li - ls : ls - li) > max)
			continue;
		/* bag distance, a lower bound of the edit distance */
		for (int c = 0; c < 40; c++) {
			if (s->hist[i][c] > h[c])
				over += (size_t)(s->hist[i][c] - h[c]);
			else
				under += (size_t)(h[c] - s->hist[i][c]);
		}
		if ((over > under ? over : under) > max)
			continue;
		k = strset_get(&s->known, i);
		if (!strcmp(k, self))
			continue; /* the package itself */
		if (li >= ls + 2 ? is_affix(self, ls, k, li)
		                 : ls >= li + 2 && is_affix(k, li, self, ls))
			continue; /* "requests" in "txrequests": another project's name, not a typo
			           */
		dd = osa(self, ls, k, li, max);
		if (dd >= 1 && dd <= max && dd < bd) {
			bd = dd;
			best = i;
		}
	}
	*dist = bd;
	return best;
}

/* A known name other than `self` sharing a variant form with it, or (size_t)-1; the form in
 * *which. */
static size_t variant(const struct m2_state *s, const char *self, int *which)
{
	char form[NAME_MAX_LEN + 1];
	for (int f = 0; f < N_FORMS; f++) {
		size_t idx;
		if (form_of(f, self, form, sizeof(form)) < 0)
			continue;
		/* one side is the plain no-separator form: "requests2" ~ "requests", "jinja" ~
		 * "jinja2", "py-yaml" ~ "pyyaml", "dateutil" ~ "python-dateutil" */
		for (int g = 0; g < N_FORMS; g++) {
			size_t cand[2];
			if (f != V_NOSEP && g != V_NOSEP)
				continue;
			idx = strset_find(&s->forms[g], form, strlen(form));
			if (idx == (size_t)-1)
				continue;
			cand[0] = s->form_name[g][idx];
			cand[1] = s->form_alt[g][idx];
			for (int k = 0; k < 2; k++)
				if (cand[k] != (size_t)-1 &&
				    strcmp(strset_get(&s->known, cand[k]), self)) {
					*which = f;
					return cand[k];
				}
		}
	}
	return (size_t)-1;
}

/* ---- versions ---- */

static void versions(const char *v, double *out)
{
	long major = -1;
	size_t parts = 1;
	char *end;
	if (!v) {
		out[F_V000] = out[F_V99] = out[F_VSINGLE] = NAN;
		return;
	}
	while (*v == ' ' || *v == 'v' || *v == 'V')
		v++;
	if (*v >= '0' && *v <= '9')
		major = strtol(v, &end, 10);
	else
		end = (char *)v;
	for (const char *p = v; *p; p++)
		parts += *p == '.';
	out[F_V000] = !strncmp(v, "0.0", 3) && (v[3] == '\0' || v[3] == '.') ? 1
	              : !strcmp(v, "0")                                      ? 1
	                                                                     : 0;
	out[F_V99] = major >= 99;
	out[F_VSINGLE] = major >= 0 && *end == '\0' && parts == 1;
}

/* Summary equal to the name: compare both with separators dropped, case folded. */
static int same_text(const char *a, const char *b)
{
	char x[NAME_MAX_LEN + 1], y[NAME_MAX_LEN + 1];
	if (strlen(a) > NAME_MAX_LEN || strlen(b) > NAME_MAX_LEN)
		return 0;
	if (normalise(a, x, sizeof(x)) < 0 || normalise(b, y, sizeof(y)) < 0)
		return 0;
	for (char *p = x; *p; p++)
		if (*p == ' ')
			*p = '-';
	for (char *p = y; *p; p++)
		if (*p == ' ')
			*p = '-';
	return !strcmp(x, y);
}

static size_t count_fields(const struct pkginfo *pi, const char *key)
{
	size_t n = 0;
	for (const struct pkginfo_field *f = NULL; (f = pkginfo_next(pi, key, f));)
		n++;
	return n;
}

static int m2_extract(const void *vstate, const struct analysis *a, double *out,
                      struct evidence_list *ev, struct diag *d)
{
	const struct m2_state *s = vstate;
	const struct pkginfo *pi = a->info;
	const struct pkgview_file *mf = a->view ? a->view->metadata : NULL;
	const char *mp = mf ? mf->path : NULL, *name, *summary, *desc;
	char norm[NAME_MAX_LEN + 1];
	int oom = 0;
	for (size_t k = 0; k < N_FEATURES; k++)
		out[k] = NAN;
	if (!pi)
		return 0;
	name = pkginfo_get(pi, "Name");
	summary = pkginfo_get(pi, "Summary");
	versions(pkginfo_get(pi, "Version"), out);
	out[F_SUMMARY_EMPTY] = !summary;
	out[F_SUMMARY_NAME] = summary && name && same_text(summary, name);
	desc = pi->body_len ? pi->body : pkginfo_get(pi, "Description");
	out[F_DESC] = log1p(pi->body_len ? (double)pi->body_len : desc ? (double)strlen(desc) : 0);
	out[F_AUTHOR] = pkginfo_get(pi, "Author") || pkginfo_get(pi, "Maintainer");
	out[F_EMAIL] = pkginfo_get(pi, "Author-email") || pkginfo_get(pi, "Maintainer-email");
	out[F_CLASSIFIERS] = (double)count_fields(pi, "Classifier");
	out[F_REQUIRES] =
	    (double)(count_fields(pi, "Requires-Dist") + count_fields(pi, "Requires"));
	if (out[F_V000] == 1 || out[F_V99] == 1 || out[F_VSINGLE] == 1) {
		const char *v = pkginfo_get(pi, "Version");
		int col = out[F_V000] == 1 ? F_V000 : out[F_V99] == 1 ? F_V99 : F_VSINGLE;
		if (evidence_add(ev,
		                 col == F_V000  ? "metadata2.version_0_0_x"
		                 : col == F_V99 ? "metadata2.version_major_ge_99"
		                                : "metadata2.version_single",
		                 mp, 0, 0, v, strlen(v), "Version") < 0)
			oom = 1;
	}
	if (out[F_SUMMARY_NAME] == 1 && evidence_add(ev, "metadata2.summary_is_name", mp, 0, 0,
	                                             summary, strlen(summary), "Summary") < 0)
		oom = 1;
	out[F_TYPO] = out[F_VARIANT] = 0;
	if (name && strlen(name) <= NAME_MAX_LEN && normalise(name, norm, sizeof(norm)) == 0) {
		size_t dist, i = closest(s, norm, &dist);
		int which = 0;
		char why[NAME_MAX_LEN + 64];
		if (i != (size_t)-1) {
			const char *k = strset_get(&s->known, i);
			out[F_TYPO] = 1;
			snprintf(why, sizeof(why), "distance %zu from '%s'", dist, k);
			if (evidence_add(ev, "metadata2.name_typo", mp, 0, 0, name, strlen(name),
			                 why) < 0)
				oom = 1;
		}
		i = variant(s, norm, &which);
		if (i != (size_t)-1) {
			static const char *const form_word[] = {"separators", "digits", "affix"};
			out[F_VARIANT] = 1;
			snprintf(why, sizeof(why), "'%s' without %s", strset_get(&s->known, i),
			         form_word[which]);
			if (evidence_add(ev, "metadata2.name_variant", mp, 0, 0, name, strlen(name),
			                 why) < 0)
				oom = 1;
		}
	}
	if (oom)
		return diag_error(d, "out of memory");
	return 0;
}

const struct featureset_type fs_metadata2 = {
    .name = "metadata2",
    .summary = "version patterns, summary, description, author, classifiers, requirements, "
               "names close to well-known projects (issue 11)",
    .version = 1,
    .state_size = sizeof(struct m2_state),
    .params = m2_params,
    .check = NULL,
    .data = m2_data,
    .load = m2_load,
    .n_features = N_FEATURES,
    .feature_names = m2_names,
    .extract = m2_extract,
    .document = NULL,
    .release = m2_release,
};
