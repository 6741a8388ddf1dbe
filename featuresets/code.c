/* Feature set `code`: has_install_cmd, has_url, has_long_str on the text document
 * (paper Sec. 4.2, Table 2 "Code"; spec D3, D14, D15, D16). */
#include "featuresets/featureset.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/analysis/patterns.h"

enum { LS_LITERAL_TOKEN = 0, LS_LITERAL = 1, LS_TOKEN = 2 };

struct code_state {
	int long_str_mode;
	long long_str_threshold;
	char install_patterns[PARAM_STR_MAX];
	long install_max_line;
	long evidence_max;
	struct pattern_table *pt; /* filled by code_load() */
};

static const struct param_spec code_params[] = {
    {"long_str.mode", PARAM_ENUM, offsetof(struct code_state, long_str_mode), "literal-token",
     "literal-token|literal|token",
     "D16: a whitespace-free non-URL run inside a literal, the whole literal, or any run of the "
     "document"},
    {"long_str.threshold", PARAM_INT, offsetof(struct code_state, long_str_threshold), "40",
     "[0, inf)",
     "D16: a string is long when it has strictly more characters (code points) than this"},
    {"install_patterns", PARAM_STRING, offsetof(struct code_state, install_patterns), "", NULL,
     "D14: pattern table (`id<TAB>ERE` lines): a path, or a featuresets/data name; empty = the "
     "shipped install_patterns.txt"},
    {"install_max_line", PARAM_INT, offsetof(struct code_state, install_max_line), "1048576",
     "[64, inf)", "bytes of one document line matched against the install patterns (a bound)"},
    {"evidence_max", PARAM_INT, offsetof(struct code_state, evidence_max), "100", "[0, inf)",
     "evidence items kept per feature and package"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const char *const code_names[] = {"has_install_cmd", "has_url", "has_long_str"};

/* memmem(3) is a GNU extension; this is the portable equivalent. */
static const char *find_bytes(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn > hn)
		return NULL;
	for (const char *p = h, *end = h + hn - nn; p <= end; p++) {
		p = memchr(p, n[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, n, nn))
			return p;
	}
	return NULL;
}

static const struct featureset_data code_data[] = {
    {"install_patterns.txt", "install_patterns", "install_patterns.txt", 0}, {NULL, NULL, NULL, 0}};

static int code_load(void *vstate, const char *const *paths, struct diag *d)
{
	struct code_state *s = vstate;
	return pattern_table_load(&s->pt, paths[0], d);
}

static void code_release(void *vstate)
{
	struct code_state *s = vstate;
	pattern_table_free(s->pt);
	s->pt = NULL;
}

/* ---- has_install_cmd (D14) ---- */

static int install_cmd(const struct code_state *s, const struct analysis *a,
                       struct evidence_list *ev, struct diag *d)
{
	const char *doc = sbuf_cstr(&a->document);
	size_t len = a->document.len, i = 0, k = 0, kept = 0;
	int found = 0;
	while (i <= len && k < a->n_doc_lines) {
		const char *nl = i < len ? memchr(doc + i, '\n', len - i) : NULL;
		size_t end = nl ? (size_t)(nl - doc) : len, n = end - i;
		if (n > (size_t)s->install_max_line) {
			diag_warn(
			    d, "document line of '%s' line %zu: only the first %ld bytes matched",
			    a->doc_lines[k].file->path, a->doc_lines[k].line, s->install_max_line);
			n = (size_t)s->install_max_line;
		}
		int any = n ? pattern_match_any(s->pt, doc + i, n, NULL) : 0;
		if (any < 0)
			return diag_error(d, "out of memory matching install patterns");
		for (size_t p = 0; any && p < pattern_table_size(s->pt); p++) {
			const char *id = pattern_table_id(s->pt, p);
			char rule[128];
			size_t so, eo;
			int m = pattern_match(s->pt, p, doc + i, n, &so, &eo, NULL);
			if (m < 0)
				return diag_error(d, "out of memory matching install patterns");
			if (!m)
				continue;
			found = 1;
			if (kept >= (size_t)s->evidence_max)
				break;
			snprintf(rule, sizeof(rule), "install_cmd:%s", id);
			if (evidence_add(ev, rule, a->doc_lines[k].file->path, a->doc_lines[k].line,
			                 a->doc_lines[k].line, doc + i + so, eo - so, id) < 0)
				return diag_error(d, "out of memory");
			kept++;
		}
		if (!nl)
			break;
		i = end + 1;
		k++;
	}
	return found;
}

/* ---- has_url (D15) ---- */

static int has_url(const struct code_state *s, const struct analysis *a, struct evidence_list *ev,
                   struct diag *d)
{
	int found = 0;
	size_t kept = 0;
	for (size_t i = 0; i < a->n_urls; i++) {
		const struct file_url *u = &a->urls[i];
		char why[128];
		if (!u->url.suspicious || !analysis_doc_has_line(a, u->file, u->url.line))
			continue;
		found = 1;
		if (kept >= (size_t)s->evidence_max)
			break;
		url_reasons_string(u->url.reasons, why, sizeof(why));
		if (evidence_add(ev, "url", u->file->path, u->url.line, u->url.line, u->url.text,
		                 strlen(u->url.text), why) < 0)
			return diag_error(d, "out of memory");
		kept++;
	}
	return found;
}

/* ---- has_long_str (D16) ---- */

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Characters = UTF-8 code points (bytes that are not continuation bytes). */
static size_t n_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static int is_url_run(const char *s, size_t n)
{
	return find_bytes(s, n, "://", 3) != NULL;
}

#define LONG_STR_SNIPPET 80

static int long_str_add(const struct code_state *s, struct evidence_list *ev, size_t *kept,
                        const char *file, size_t line, const char *run, size_t n, const char *why,
                        struct diag *d)
{
	char detail[64];
	if (*kept >= (size_t)s->evidence_max)
		return 0;
	snprintf(detail, sizeof(detail), "%s, %zu chars", why, n_chars(run, n));
	if (evidence_add(ev, "long_str", file, line, line, run,
	                 n < LONG_STR_SNIPPET ? n : LONG_STR_SNIPPET, detail) < 0)
		return diag_error(d, "out of memory");
	(*kept)++;
	return 0;
}

static int long_str_literals(const struct code_state *s, const struct analysis *a,
                             struct evidence_list *ev, struct diag *d)
{
	size_t thr = (size_t)s->long_str_threshold, kept = 0;
	int found = 0;
	for (size_t i = 0; i < a->n_strings; i++) {
		const struct file_string *fs = &a->strings[i];
		const char *text = analysis_file_text(a, fs->file, NULL);
		const char *body;
		if (!text)
			continue;
		body = text + fs->body_off;
		if (s->long_str_mode == LS_LITERAL) {
			/* the whole literal body; counted if its opening line is in the document */
			if (fs->body_len > thr && n_chars(body, fs->body_len) > thr &&
			    analysis_doc_has_line(a, fs->file, fs->line)) {
				found = 1;
				if (long_str_add(s, ev, &kept, fs->file->path, fs->line, body,
				                 fs->body_len, "literal", d) < 0)
					return -1;
				if (kept >= (size_t)s->evidence_max)
					return 1;
			}
			continue;
		}
		/* literal-token: whitespace-free runs inside the body, each on its own line */
		if (fs->body_len <= thr)
			continue;
		{
			size_t j = 0, line = fs->line;
			while (j < fs->body_len) {
				size_t st;
				while (j < fs->body_len && is_space((unsigned char)body[j])) {
					if (body[j] == '\n')
						line++;
					j++;
				}
				st = j;
				while (j < fs->body_len && !is_space((unsigned char)body[j]))
					j++;
				if (j - st > thr && n_chars(body + st, j - st) > thr &&
				    !is_url_run(body + st, j - st) &&
				    analysis_doc_has_line(a, fs->file, line)) {
					found = 1;
					if (long_str_add(s, ev, &kept, fs->file->path, line,
					                 body + st, j - st, "run in literal",
					                 d) < 0)
						return -1;
					if (kept >= (size_t)s->evidence_max)
						return 1;
				}
			}
		}
	}
	return found;
}

static int long_str_tokens(const struct code_state *s, const struct analysis *a,
                           struct evidence_list *ev, struct diag *d)
{
	const char *doc = sbuf_cstr(&a->document);
	size_t len = a->document.len, thr = (size_t)s->long_str_threshold, j = 0, k = 0, kept = 0;
	int found = 0;
	while (j < len) {
		size_t st;
		while (j < len && is_space((unsigned char)doc[j])) {
			if (doc[j] == '\n')
				k++;
			j++;
		}
		st = j;
		while (j < len && !is_space((unsigned char)doc[j]))
			j++;
		if (j - st > thr && n_chars(doc + st, j - st) > thr && k < a->n_doc_lines) {
			found = 1;
			if (long_str_add(s, ev, &kept, a->doc_lines[k].file->path,
			                 a->doc_lines[k].line, doc + st, j - st, "run in document",
			                 d) < 0)
				return -1;
			if (kept >= (size_t)s->evidence_max)
				return 1;
		}
	}
	return found;
}

static int code_extract(const void *vstate, const struct analysis *a, double *out,
                        struct evidence_list *ev, struct diag *d)
{
	const struct code_state *s = vstate;
	int v;
	if (!s->pt)
		return diag_error(d, "code: pattern table not loaded");
	if ((v = install_cmd(s, a, ev, d)) < 0)
		return -1;
	out[0] = v;
	if ((v = has_url(s, a, ev, d)) < 0)
		return -1;
	out[1] = v;
	v = s->long_str_mode == LS_TOKEN ? long_str_tokens(s, a, ev, d)
	                                 : long_str_literals(s, a, ev, d);
	if (v < 0)
		return -1;
	out[2] = v;
	return 0;
}

/* evidence.jsonl keys of their own (schema of issue #3): install_cmd [{file, line, pattern,
 * snippet}] and long_strings [{file, line, snippet}], always present. */
static int code_evidence_json(const void *vstate, const struct evidence_list *ev, cJSON *o)
{
	cJSON *ic = cJSON_AddArrayToObject(o, "install_cmd");
	cJSON *ls = cJSON_AddArrayToObject(o, "long_strings");
	(void)vstate;
	if (!ic || !ls)
		return -1;
	for (size_t i = 0; i < ev->n; i++) {
		const struct evidence *e = &ev->v[i];
		int is_ic = e->rule && !strncmp(e->rule, "install_cmd:", 12);
		cJSON *x;
		if (!is_ic && !(e->rule && !strcmp(e->rule, "long_str")))
			continue;
		x = cJSON_CreateObject();
		if (!x || !cJSON_AddItemToArray(is_ic ? ic : ls, x)) {
			cJSON_Delete(x);
			return -1;
		}
		evidence_json_add_string(x, "file", e->file ? e->file : "");
		cJSON_AddNumberToObject(x, "line", (double)e->line);
		if (is_ic)
			evidence_json_add_string(x, "pattern", e->rule + 12);
		evidence_json_add_string(x, "snippet", e->snippet ? e->snippet : "");
	}
	return 0;
}

const struct featureset_type fs_code = {
    .name = "code",
    .summary = "has_install_cmd, has_url, has_long_str on the text document (D14-D16)",
    .version = 1,
    .state_size = sizeof(struct code_state),
    .params = code_params,
    .check = NULL,
    .data = code_data,
    .load = code_load,
    .needs = FEATURESET_NEEDS_DOMAINS, /* has_url's verdict (D15) */
    .n_features = 3,
    .feature_names = code_names,
    .extract = code_extract,
    .document = NULL,
    .evidence_json = code_evidence_json,
    .release = code_release,
};
