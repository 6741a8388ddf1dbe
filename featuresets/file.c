/* The `file` feature set: the two file features of Table 2 (paper.md sections 3.13-3.14,
 * spec D17-D18), read from the canonical package view (core/pkg/view.h).
 *
 *   file.min_cfg     1 if the root setup.cfg is absent (option, by shape: a wheel or an
 *                    installed package never ships one) or holds nothing but an [egg_info]
 *                    section with setuptools' tag keys ("Has minimum setup configuration",
 *                    Sec. 4.2; D17; docs/package-view.md)
 *   file.is_license  1 if at least license.min_sources of the three licence sources
 *                    (classifier, field, file) are present and all name the same family
 *                    ("Has mismatch license", Sec. 4.2; D18)
 *
 * Corpus rule (../shared/corpus/README.md, "Known label-leak risks"): nothing here reads the
 * container format, member mtimes, Metadata-Version or *.egg-info/SOURCES.txt, and the presence
 * of `License-File:` headers is never a feature; a file they name is only read as a licence
 * source. */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/analysis/license.h"
#include "core/pkg/package.h"
#include "core/pkg/pkginfo.h"
#include "core/pkg/view.h"

/* Licence file candidates examined per package. */
#define LICENSE_FILES_MAX 16
/* Longest setup.cfg line shown in evidence. */
#define CFG_SNIPPET_MAX 120

struct file_state {
	int min_cfg_absent;       /* 0 = "1", 1 = "0", 2 = "nan" */
	int min_cfg_absent_built; /* the same for wheels and installed packages */
	long license_min_sources;
	int license_level; /* 0 = family, 1 = exact */
	char license_table[PARAM_STR_MAX];
	struct license_table *table; /* read by file_load() */
};

static const struct param_spec file_params[] = {
    {"min_cfg.absent", PARAM_ENUM, offsetof(struct file_state, min_cfg_absent), "1", "1|0|nan",
     "value of min_cfg when an sdist or a source tree has no root setup.cfg (D17)"},
    {"min_cfg.absent_built", PARAM_ENUM, offsetof(struct file_state, min_cfg_absent_built), "0",
     "1|0|nan",
     "value of min_cfg when a wheel or an installed package has no root setup.cfg (built "
     "packages never ship one; docs/package-view.md)"},
    {"license.min_sources", PARAM_INT, offsetof(struct file_state, license_min_sources), "2",
     "[1, 3]", "licence sources (classifier, field, file) that must be present, 1..3 (D18)"},
    {"license.level", PARAM_ENUM, offsetof(struct file_state, license_level), "family",
     "family|exact",
     "family: a plain BSD/GPL agrees with its versions; exact: family names must be equal (D18)"},
    {"license.table", PARAM_STRING, offsetof(struct file_state, license_table),
     "license_families.csv", NULL,
     "licence family table: a shipped featuresets/data name or a path (D18)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const char *const file_feature_names[] = {"min_cfg", "is_license"};

static const struct featureset_data file_data[] = {
    {"license_families.csv", "license.table", "license_families.csv", 0}, {NULL, NULL, NULL, 0}};

static int file_load(void *state, const char *const *paths, struct diag *d)
{
	struct file_state *s = state;
	return license_table_load(&s->table, paths[0], d);
}

static void file_release(void *state)
{
	struct file_state *s = state;
	license_table_free(s->table);
	s->table = NULL;
}

static void add_ev(struct evidence_list *ev, const char *rule, const char *file, size_t line,
                   const char *snippet, size_t snippet_len, const char *detail, int *oom)
{
	if (ev && evidence_add(ev, rule, file, line, line, snippet, snippet_len, detail) < 0)
		*oom = 1;
}

/* ---- min_cfg (D17) ---- */

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Trimmed copy of s[0..n) into buf (size bn), lower-cased and with '-' read as '_' when
 * `key` (setuptools reads option names so). */
static void trimmed(const char *s, size_t n, char *buf, size_t bn, int key)
{
	size_t k = 0;
	while (n && is_blank((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && is_blank((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < n && k + 1 < bn; i++) {
		char c = s[i];
		if (key && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (key && c == '-')
			c = '_';
		buf[k++] = c;
	}
	buf[k] = '\0';
}

/* Parse setup.cfg text as INI (configparser rules: '#'/';' comment lines, [section],
 * key = value or key: value, indented continuation lines). 1 if minimal, 0 if not with the
 * first offending line in *bad_line / why. */
static int cfg_minimal(const char *t, size_t n, size_t *bad_line, const char **bad, size_t *bad_len,
                       char *why, size_t wn)
{
	static const char *const tags[] = {"tag_build", "tag_date", "tag_svn_revision", NULL};
	size_t pos = 0, line = 0;
	int in_section = 0, have_key = 0;
	char name[256];
	if (n >= 3 && !memcmp(t, "\xef\xbb\xbf", 3))
		pos = 3; /* UTF-8 byte order mark */
	while (pos < n) {
		const char *s = t + pos, *nl = memchr(s, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - s) : n - pos, i = 0;
		pos += len + (nl ? 1 : 0);
		line++;
		while (i < len && (is_blank((unsigned char)s[i]) || s[i] == '\r'))
			i++;
		if (i == len || s[i] == '#' || s[i] == ';')
			continue; /* blank or comment */
		*bad_line = line;
		*bad = s;
		*bad_len = len;
		if (i > 0 && have_key)
			continue; /* continuation of the previous value */
		if (s[i] == '[') {
			const char *close = memchr(s + i, ']', len - i);
			if (!close) {
				snprintf(why, wn, "unparsable section header");
				return 0;
			}
			trimmed(s + i + 1, (size_t)(close - s) - i - 1, name, sizeof(name), 0);
			if (strcmp(name, "egg_info")) {
				snprintf(why, wn, "section [%s]", name);
				return 0;
			}
			in_section = 1;
			have_key = 0;
			continue;
		}
		{
			size_t k = i;
			while (k < len && s[k] != '=' && s[k] != ':')
				k++;
			if (k == len) {
				snprintf(why, wn, "line is neither a section, a key nor a comment");
				return 0;
			}
			if (!in_section) {
				snprintf(why, wn, "key before any section");
				return 0;
			}
			trimmed(s + i, k - i, name, sizeof(name), 1);
			size_t j;
			for (j = 0; tags[j]; j++)
				if (!strcmp(name, tags[j]))
					break;
			if (!tags[j]) {
				snprintf(why, wn, "key '%s' in [egg_info]", name);
				return 0;
			}
			have_key = 1;
		}
	}
	return 1;
}

static double min_cfg_feature(const struct file_state *s, const struct analysis *a,
                              struct evidence_list *ev, int *oom)
{
	const struct pkgview_file *f = a->setup_cfg;
	size_t bad_line = 0, bad_len = 0;
	const char *bad = NULL;
	char why[300];
	int minimal;
	if (!f) {
		static const double absent[] = {1, 0, NAN};
		static const char *const what[] = {"minimal", "not minimal", "not applicable"};
		enum pkg_shape shape = a->view->shape;
		int built = shape == PKG_SHAPE_WHEEL || shape == PKG_SHAPE_INSTALLED;
		int v = built ? s->min_cfg_absent_built : s->min_cfg_absent;
		snprintf(why, sizeof(why), "no root setup.cfg (%s): %s (min_cfg.%s=%s)",
		         pkg_shape_name(shape), what[v], built ? "absent_built" : "absent",
		         v == 0   ? "1"
		         : v == 1 ? "0"
		                  : "nan");
		add_ev(ev, "min_cfg", NULL, 0, NULL, 0, why, oom);
		return absent[v];
	}
	if (!f->text) {
		add_ev(ev, "min_cfg", f->path, 0, NULL, 0,
		       "setup.cfg not loaded (over the size cap): not minimal", oom);
		return 0;
	}
	minimal = cfg_minimal(f->text, f->len, &bad_line, &bad, &bad_len, why, sizeof(why));
	if (minimal)
		add_ev(ev, "min_cfg", f->path, 0, NULL, 0,
		       bad ? "only [egg_info] tag keys: minimal" : "no sections or keys: minimal",
		       oom);
	else
		add_ev(ev, "min_cfg", f->path, bad_line, bad,
		       bad_len > CFG_SNIPPET_MAX ? CFG_SNIPPET_MAX : bad_len, why, oom);
	return minimal;
}

/* ---- is_license (D18) ---- */

static int has_prefix_ci(const char *s, const char *p)
{
	return !strncasecmp(s, p, strlen(p));
}

/* `v` is "License :: OSI Approved" (nothing more specific), whitespace-insensitively. */
static int is_bare_osi(const char *v)
{
	static const char want[] = "license::osiapproved";
	size_t k = 0;
	for (; *v; v++) {
		char c = *v;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (k >= sizeof(want) - 1 || want[k] != c)
			return 0;
		k++;
	}
	return k == sizeof(want) - 1;
}

static int starts_license_classifier(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (!has_prefix_ci(v, "license"))
		return 0;
	v += 7;
	while (*v == ' ' || *v == '\t')
		v++;
	return v[0] == ':' && v[1] == ':';
}

/* Add `f` to the candidate list unless present or full. */
static void add_candidate(const struct pkgview_file **c, size_t *n, const struct pkgview_file *f)
{
	if (!f || f->member->kind != PKGFS_FILE || *n >= LICENSE_FILES_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (c[i] == f)
			return;
	c[(*n)++] = f;
}

/* Resolve a License-File value in the view: as a path from the root, then next to the metadata
 * file and in its licenses/ folder (wheels and Metadata 2.4 keep them there). */
static const struct pkgview_file *resolve_license_file(const struct analysis *a, const char *v)
{
	const struct pkgview_file *f = pkgview_find(a->view, v);
	const char *mp = a->view->metadata ? a->view->metadata->path : NULL;
	const char *slash = mp ? strrchr(mp, '/') : NULL;
	char buf[1024];
	if (f || !slash)
		return f;
	if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - mp), mp, v) < sizeof(buf) &&
	    (f = pkgview_find(a->view, buf)))
		return f;
	if ((size_t)snprintf(buf, sizeof(buf), "%.*s/licenses/%s", (int)(slash - mp), mp, v) <
	    sizeof(buf))
		f = pkgview_find(a->view, buf);
	return f;
}

static double is_license_feature(const struct file_state *s, const struct analysis *a,
                                 struct evidence_list *ev, int *oom)
{
	const char *fam[3] = {NULL, NULL, NULL};
	static const char *const src_name[3] = {"classifier", "field", "file"};
	const char *mp = a->view->metadata ? a->view->metadata->path : NULL;
	const struct pkginfo_field *f = NULL;
	const struct pkgview_file *cand[LICENSE_FILES_MAX];
	size_t n_cand = 0, present = 0;
	char detail[256];
	int agree = 1;

	if (a->info) {
		/* classifier: the first License :: classifier more specific than OSI Approved */
		while ((f = pkginfo_next(a->info, "Classifier", f))) {
			if (!starts_license_classifier(f->value) || is_bare_osi(f->value))
				continue;
			fam[0] = license_family(s->table, LICENSE_CLASSIFIER, f->value,
			                        strlen(f->value));
			snprintf(detail, sizeof(detail), "classifier: %s",
			         fam[0] ? fam[0] : "unrecognised");
			add_ev(ev, "license", mp, f->line, f->value, strlen(f->value), detail, oom);
			break;
		}
		/* field: License-Expression, then License */
		static const char *const keys[] = {"License-Expression", "License"};
		for (int k = 0; k < 2 && !fam[1]; k++) {
			if (!(f = pkginfo_next(a->info, keys[k], NULL)))
				continue;
			fam[1] =
			    license_family(s->table, LICENSE_FIELD, f->value, strlen(f->value));
			snprintf(detail, sizeof(detail), "field %s: %s", keys[k],
			         fam[1] ? fam[1] : "unrecognised");
			add_ev(ev, "license", mp, f->line, f->value, strlen(f->value), detail, oom);
		}
		/* files named by License-File headers (only as licence sources) */
		f = NULL;
		while ((f = pkginfo_next(a->info, "License-File", f)) && n_cand < LICENSE_FILES_MAX)
			add_candidate(cand, &n_cand, resolve_license_file(a, f->value));
	}
	/* the view's licence texts: root files, metadata-directory files, installed copyright */
	for (size_t i = 0; i < a->view->n_licenses && n_cand < LICENSE_FILES_MAX; i++)
		add_candidate(cand, &n_cand, a->view->licenses[i]);
	for (size_t i = 0; i < n_cand && !fam[2]; i++) {
		const struct pkgview_file *lf = cand[i];
		size_t sl = 0;
		if (!lf->text) {
			add_ev(ev, "license", lf->path, 0, NULL, 0, "file: not loaded", oom);
			continue;
		}
		fam[2] = license_family(s->table, LICENSE_FILE, lf->text, lf->len);
		while (sl < lf->len && sl < 80 && lf->text[sl] != '\n')
			sl++;
		snprintf(detail, sizeof(detail), "file: %s", fam[2] ? fam[2] : "unrecognised");
		add_ev(ev, "license", lf->path, fam[2] ? 1 : 0, lf->text, sl, detail, oom);
	}

	for (int i = 0; i < 3; i++) {
		if (!fam[i])
			continue;
		present++;
		for (int j = 0; j < i; j++)
			if (fam[j] && !license_agree(fam[i], fam[j], s->license_level == 1))
				agree = 0;
	}
	{
		size_t k = 0;
		int w;
		w = snprintf(detail, sizeof(detail), "%zu of 3 sources (", present);
		k = w > 0 ? (size_t)w : 0;
		for (int i = 0; i < 3 && k < sizeof(detail); i++) {
			w = snprintf(detail + k, sizeof(detail) - k, "%s%s=%s", i ? ", " : "",
			             src_name[i], fam[i] ? fam[i] : "-");
			k += w > 0 ? (size_t)w : 0;
		}
		if (k < sizeof(detail))
			snprintf(detail + k, sizeof(detail) - k, "): %s",
			         present < (size_t)s->license_min_sources ? "too few sources"
			         : agree                                  ? "consistent"
			                                                  : "mismatch");
		add_ev(ev, "license", NULL, 0, NULL, 0, detail, oom);
	}
	return present >= (size_t)s->license_min_sources && agree;
}

static int file_extract(const void *state, const struct analysis *a, double *out,
                        struct evidence_list *ev, struct diag *d)
{
	const struct file_state *s = state;
	int oom = 0;
	if (!s->table)
		return diag_error(d, "file: licence table not loaded");
	out[0] = min_cfg_feature(s, a, ev, &oom);
	out[1] = is_license_feature(s, a, ev, &oom);
	if (oom)
		return diag_error(d, "file: out of memory");
	return 0;
}

const struct featureset_type fs_file = {
    .name = "file",
    .summary = "file features: minimal setup.cfg, consistent licence (paper Sec. 4.2; D17, D18)",
    .version = 2,
    .state_size = sizeof(struct file_state),
    .params = file_params,
    .check = NULL,
    .data = file_data,
    .load = file_load,
    .n_features = 2,
    .feature_names = file_feature_names,
    .extract = file_extract,
    .document = NULL,
    .release = file_release,
};
