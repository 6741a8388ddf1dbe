/* Feature set `yara`: YARA rules (libyara) over every loaded file of the canonical package view
 * (its text, with universal newlines), one binary column per rule (issue 11, item 4).
 *
 * The rules are the `*.yar` and `*.yara` files of a directory, compiled once per run by load()
 * in file-name order into one namespace: the shipped featuresets/data/rules/ (pyvet's own rules,
 * each with a comment saying what it catches and why it is rare in benign code), or the
 * directory named by `--param yara.rules=DIR` (e.g. GuardDog's source-code rules). A rule that
 * does not compile, two rules of one name, or a directory without rules is a configuration
 * error naming the file and line. Private rules get no column; the others give a column
 * "yara.<rule>" in compile order, so the columns follow the rule files (featureset.h, "columns
 * from data"). Rule metadata (GuardDog's path_include, ...) is not interpreted: every rule
 * sees every loaded member.
 *
 * Time: a package's members are scanned with one scanner; before each member the package
 * deadline (a->deadline) is checked, and the scan of one member is bounded by yara's own
 * timeout (the smaller of `yara.timeout` and the budget left, at least 1 s). A scan that times
 * out fails the package with a clear message. Evidence: for each matching rule, the first member
 * and line where it matched and the matched bytes (or the rule name for a condition-only rule). */
#include "featuresets/featureset.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yara.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"

#define YARA_MAX_FILES 1000
#define YARA_MAX_RULES 4096

struct yara_state {
	char rules_dir[PARAM_STR_MAX];
	long timeout;
	int initialised; /* yr_initialize() succeeded */
	YR_RULES *rules;
	size_t n_rules; /* entries of rules->rules_table */
	long *column;   /* per rules_table entry: its column, or -1 (private) */
	char **names;   /* column names */
	size_t n_cols;
};

static const struct param_spec yara_params[] = {
    {"rules", PARAM_STRING, offsetof(struct yara_state, rules_dir), "", NULL,
     "directory of YARA rule files (*.yar, *.yara): a path, or a featuresets/data name; empty = "
     "the shipped rules/ (one column per non-private rule)"},
    {"timeout", PARAM_INT, offsetof(struct yara_state, timeout), "10", "[1, 3600]",
     "seconds one member's scan may take (yara's timeout; also capped by the package budget)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const struct featureset_data yara_data[] = {{"rules", "rules", "rules", FEATURESET_DATA_DIR},
                                                   {NULL, NULL, NULL, 0}};

/* ---- compiling ---- */

struct compile_msgs {
	struct diag *d;
	int errors;
};

static void on_compile(int level, const char *file, int line, const YR_RULE *rule,
                       const char *message, void *user)
{
	struct compile_msgs *m = user;
	(void)rule;
	if (level != YARA_ERROR_LEVEL_ERROR || m->errors++)
		return; /* warnings are ignored; the first error is reported */
	diag_error(m->d, "%s:%d: %s", file ? file : "?", line, message);
}

static int has_rule_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 4 && !strcmp(n + l - 4, ".yar")) || (l > 5 && !strcmp(n + l - 5, ".yara"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule files of `dir`, sorted by name (caller frees each and the array). */
static int list_rule_files(const char *dir, char ***out, size_t *n, struct diag *d)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t k = 0;
	*out = NULL;
	*n = 0;
	if (!dp)
		return diag_error(d, "cannot open the rules directory '%s'", dir);
	while ((e = readdir(dp))) {
		char **nv;
		if (e->d_name[0] == '.' || !has_rule_ext(e->d_name))
			continue;
		if (k == YARA_MAX_FILES) {
			closedir(dp);
			goto fail_too_many;
		}
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv || !(nv[k] = strdup(e->d_name))) {
			v = nv ? nv : v;
			closedir(dp);
			for (size_t i = 0; i < k; i++)
				free(v[i]);
			free(v);
			return diag_error(d, "out of memory");
		}
		v = nv;
		k++;
	}
	closedir(dp);
	if (!k)
		return diag_error(d, "no rule files (*.yar, *.yara) in '%s'", dir);
	qsort(v, k, sizeof(*v), cmp_str);
	*out = v;
	*n = k;
	return 0;
fail_too_many:
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return diag_error(d, "more than %d rule files in '%s'", YARA_MAX_FILES, dir);
}

static int yara_load(void *vstate, const char *const *paths, struct diag *d)
{
	struct yara_state *s = vstate;
	struct compile_msgs msgs = {d, 0};
	YR_COMPILER *c = NULL;
	char **files = NULL, path[4096];
	size_t n_files = 0;
	const YR_RULE *rule;
	int rc = -1;

	if (yr_initialize() != ERROR_SUCCESS)
		return diag_error(d, "libyara could not be initialised");
	s->initialised = 1;
	if (list_rule_files(paths[0], &files, &n_files, d) < 0)
		return -1;
	if (yr_compiler_create(&c) != ERROR_SUCCESS) {
		diag_error(d, "out of memory");
		goto out;
	}
	yr_compiler_set_callback(c, on_compile, &msgs);
	for (size_t i = 0; i < n_files; i++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", paths[0], files[i]);
		if (!(f = fopen(path, "r"))) {
			diag_error(d, "cannot read rule file '%s'", path);
			goto out;
		}
		yr_compiler_add_file(c, f, NULL, path);
		fclose(f);
		if (msgs.errors)
			goto out; /* the message is on d */
	}
	if (yr_compiler_get_rules(c, &s->rules) != ERROR_SUCCESS) {
		diag_error(d, "out of memory compiling the rules");
		goto out;
	}
	yr_rules_foreach(s->rules, rule) s->n_rules++;
	if (s->n_rules > YARA_MAX_RULES) {
		diag_error(d, "more than %d rules in '%s'", YARA_MAX_RULES, paths[0]);
		goto out;
	}
	s->column = malloc((s->n_rules ? s->n_rules : 1) * sizeof(*s->column));
	s->names = calloc(s->n_rules ? s->n_rules : 1, sizeof(*s->names));
	if (!s->column || !s->names) {
		diag_error(d, "out of memory");
		goto out;
	}
	{
		size_t i = 0;
		yr_rules_foreach(s->rules, rule)
		{
			s->column[i] = -1;
			if (!RULE_IS_PRIVATE(rule)) {
				if (!(s->names[s->n_cols] = strdup(rule->identifier))) {
					diag_error(d, "out of memory");
					goto out;
				}
				s->column[i] = (long)s->n_cols++;
			}
			i++;
		}
	}
	if (!s->n_cols) {
		diag_error(d, "no public rules in '%s'", paths[0]);
		goto out;
	}
	rc = 0;
out:
	if (c)
		yr_compiler_destroy(c);
	for (size_t i = 0; i < n_files; i++)
		free(files[i]);
	free(files);
	return rc;
}

static const char *const *yara_columns(const void *vstate, size_t *n)
{
	const struct yara_state *s = vstate;
	*n = s->n_cols;
	return (const char *const *)s->names;
}

static void yara_release(void *vstate)
{
	struct yara_state *s = vstate;
	if (s->rules)
		yr_rules_destroy(s->rules);
	for (size_t i = 0; i < s->n_cols; i++)
		free(s->names[i]);
	free(s->names);
	free(s->column);
	if (s->initialised)
		yr_finalize();
	s->rules = NULL;
	s->names = NULL;
	s->column = NULL;
	s->n_cols = 0;
	s->initialised = 0;
}

/* ---- scanning ---- */

struct scan_ctx {
	const struct yara_state *s;
	const struct pkgview_file *f;
	double *out;
	struct evidence_list *ev;
	int oom;
};

/* 1-based line of byte `off` of a file's text. */
static size_t line_of(const char *data, size_t size, size_t off)
{
	size_t line = 1;
	const char *p = data, *end = data + (off < size ? off : size);
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		line++;
		p++;
	}
	return line;
}

static int on_scan(YR_SCAN_CONTEXT *context, int message, void *message_data, void *user)
{
	struct scan_ctx *c = user;
	const YR_RULE *rule = message_data;
	const YR_STRING *str;
	size_t idx;
	long col;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	idx = (size_t)(rule - c->s->rules->rules_table);
	col = idx < c->s->n_rules ? c->s->column[idx] : -1;
	if (col < 0 || c->out[col] != 0)
		return CALLBACK_CONTINUE; /* the first member that matches gives the evidence */
	c->out[col] = 1;
	{
		char rid[160];
		size_t line = 0;
		const uint8_t *snip = NULL;
		size_t sn = 0;
		yr_rule_strings_foreach(rule, str)
		{
			/* libyara 4.2 allocates matches unaligned in its notebook: each one is
			 * copied out before it is read (yr_string_matches_foreach would read
			 * through a misaligned YR_MATCH *). */
			const void *at = context->matches[str->idx].head;
			while (at) {
				YR_MATCH m;
				memcpy(&m, at, sizeof(m));
				at = m.next;
				if (m.is_private)
					continue;
				line = line_of(c->f->text, c->f->len, (size_t)(m.base + m.offset));
				snip = m.data;
				sn = (size_t)m.data_length;
				break;
			}
			if (snip)
				break;
		}
		snprintf(rid, sizeof(rid), "yara.%s", rule->identifier);
		if (evidence_add(c->ev, rid, c->f->path, line, line, (const char *)snip, sn,
		                 rule->identifier) < 0)
			c->oom = 1;
	}
	return CALLBACK_CONTINUE;
}

/* Whole seconds left of the package's budget (rounded up), or `cap` when there is none. */
static int seconds_left(const struct deadline *dl, long cap)
{
	struct timespec now;
	double left;
	if (!dl || !(dl->budget > 0))
		return (int)cap;
	clock_gettime(CLOCK_MONOTONIC, &now);
	left =
	    (double)(dl->end.tv_sec - now.tv_sec) + (double)(dl->end.tv_nsec - now.tv_nsec) / 1e9;
	if (left < 1)
		return 1;
	return left < (double)cap ? (int)left + 1 : (int)cap;
}

static int yara_extract(const void *vstate, const struct analysis *a, double *out,
                        struct evidence_list *ev, struct diag *d)
{
	const struct yara_state *s = vstate;
	struct scan_ctx c = {s, NULL, out, ev, 0};
	YR_SCANNER *sc = NULL;
	const struct pkgview *v = a->view;
	int rc = 0;
	for (size_t k = 0; k < s->n_cols; k++)
		out[k] = 0;
	if (!s->rules)
		return diag_error(d, "yara: rules not loaded");
	if (yr_scanner_create(s->rules, &sc) != ERROR_SUCCESS)
		return diag_error(d, "out of memory");
	yr_scanner_set_callback(sc, on_scan, &c);
	yr_scanner_set_flags(sc, SCAN_FLAGS_FAST_MODE);
	for (size_t i = 0; i < v->n_files && !rc; i++) {
		const struct pkgview_file *f = &v->files[i];
		int r;
		if (f->member->kind != PKGFS_FILE || !f->text || !f->len)
			continue;
		if (deadline_check(a->deadline, d, "scanning '%s' with YARA rules", f->path) < 0) {
			rc = -1;
			break;
		}
		c.f = f;
		yr_scanner_set_timeout(sc, seconds_left(a->deadline, s->timeout));
		r = yr_scanner_scan_mem(sc, (const uint8_t *)f->text, f->len);
		if (r == ERROR_SCAN_TIMEOUT)
			rc = diag_error(d, "YARA scan of '%s' took longer than its time limit",
			                f->path);
		else if (r != ERROR_SUCCESS)
			rc = diag_error(d, "YARA scan of '%s' failed (libyara error %d)", f->path,
			                r);
		else if (c.oom)
			rc = diag_error(d, "out of memory");
	}
	yr_scanner_destroy(sc);
	return rc;
}

const struct featureset_type fs_yara = {
    .name = "yara",
    .summary = "YARA rules (libyara) over every loaded member, one binary column per rule "
               "(issue 11)",
    .version = 1,
    .state_size = sizeof(struct yara_state),
    .params = yara_params,
    .check = NULL,
    .data = yara_data,
    .load = yara_load,
    .n_features = 0, /* one per rule: columns() */
    .feature_names = NULL,
    .extract = yara_extract,
    .columns = yara_columns,
    .document = NULL,
    .release = yara_release,
};
