/* One analysis pass per package over its canonical view: metadata, API hits, URLs, string
 * literals and the text document (spec D3, D8, D9, D15, D16; issue 10.3). */
#include "core/analysis/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_STRINGS ((size_t)1000000)
#define DEFAULT_MAX_URLS ((size_t)100000)

void analysis_ctx_default(struct analysis_ctx *c)
{
	memset(c, 0, sizeof(*c));
	url_rules_default(&c->url_rules);
	pylex_limits_default(&c->lex_limits);
	pkginfo_limits_default(&c->pkginfo_limits);
	c->max_strings = DEFAULT_MAX_STRINGS;
	c->max_urls_per_file = DEFAULT_MAX_URLS;
}

/* Grow a vector of `elem` bytes to hold one more element. */
static int vec_reserve(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *p;
	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if (c > ((size_t)-1) / elem)
		return -1;
	p = realloc(*v, c * elem);
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

const char *analysis_file_text(const struct analysis *a, const struct pkgview_file *f, size_t *len)
{
	size_t i;
	if (!a || !a->view || !f || f < a->view->files || f >= a->view->files + a->view->n_files)
		return NULL;
	i = (size_t)(f - a->view->files);
	if (!a->scanned || !a->scanned[i])
		return NULL;
	if (len)
		*len = f->len;
	return f->text;
}

const struct pysum_file *analysis_file_stats(const struct analysis *a, const struct pkgview_file *f)
{
	if (!analysis_file_text(a, f, NULL) || !a->file_stats)
		return NULL;
	return &a->file_stats[f - a->view->files];
}

/* ---- per-file scan ---- */

struct str_ctx {
	struct analysis *a;
	const struct pkgview_file *file;
	const char *text;
	size_t strings_cap;
	size_t max_strings;
};

static int on_string(const struct pystr *s, void *vp)
{
	struct str_ctx *c = vp;
	struct analysis *a = c->a;
	struct file_string *fs;
	if (a->n_strings >= c->max_strings) {
		a->n_strings_dropped++;
		return 0;
	}
	if (vec_reserve((void **)&a->strings, &c->strings_cap, a->n_strings, sizeof(*a->strings)))
		return -2;
	fs = &a->strings[a->n_strings++];
	fs->file = c->file;
	fs->line = s->line;
	fs->end_line = s->end_line;
	fs->raw_off = (size_t)(s->raw - c->text);
	fs->raw_len = s->raw_len;
	fs->body_off = (size_t)(s->body - c->text);
	fs->body_len = s->body_len;
	fs->flags = s->flags;
	return 0;
}

struct caps {
	size_t hits, alias_hits, urls, strings;
};

static int append_hits(struct file_api_hit **dst, size_t *n, size_t *cap,
                       const struct pkgview_file *f, struct api_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		if (vec_reserve((void **)dst, cap, *n, sizeof(**dst))) {
			/* free what was not moved */
			for (size_t j = i; j < h->n; j++)
				free(h->v[j].full_name);
			free(h->v);
			h->v = NULL;
			h->n = h->cap = 0;
			return -1;
		}
		(*dst)[*n].file = f;
		(*dst)[*n].hit = h->v[i];
		(*n)++;
	}
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
	return 0;
}

/* One lexer pass over the file's text feeds every consumer: the API scanners of both modes
 * (when a table is loaded), the string literals and the structure summary. Returns 0, -1 for a
 * lexer limit (its reason on `d`; what was found so far is kept), -2 out of memory. */
static int lex_file(struct analysis *a, const struct pkgview_file *f, struct pysum_file *stats,
                    struct caps *cp, struct api_hits *packj, struct api_hits *aliases,
                    struct diag *d)
{
	const struct analysis_ctx *ctx = a->ctx;
	struct apiscan *sp = NULL, *sa = NULL;
	struct pysum_builder pb;
	struct str_ctx sc = {a, f, f->text, cp->strings,
	                     ctx->max_strings ? ctx->max_strings : DEFAULT_MAX_STRINGS};
	size_t before = a->n_strings_dropped;
	struct pylex lx;
	struct pytok tok;
	int rc = 0, r = 0, begun = 0;

	if (ctx->apis && (!(sp = apiscan_new(ctx->apis, APISCAN_PACKJ, packj)) ||
	                  !(sa = apiscan_new(ctx->apis, APISCAN_ALIASES, aliases)))) {
		rc = -2;
		goto out;
	}
	begun = 1;
	if (pysum_file_begin(&pb, &a->sum, f, f->text, f->len, sa, stats) < 0) {
		rc = -2;
		goto out;
	}
	if (pylex_init(&lx, f->text, f->len, &ctx->lex_limits, d) < 0) {
		pylex_release(&lx);
		rc = -1;
		goto out;
	}
	while ((r = pylex_next(&lx, &tok)) > 0) {
		size_t n0 = a->n_strings;
		if ((sp && apiscan_feed(sp, &tok) < 0) || (sa && apiscan_feed(sa, &tok) < 0) ||
		    pysum_feed(&pb, &tok) < 0) {
			rc = -2;
			break;
		}
		if (tok.type == PYTOK_STRING) {
			if (on_string(&tok.str, &sc) < 0) {
				rc = -2;
				break;
			}
			if (a->n_strings > n0) {
				struct file_string *fs = &a->strings[n0];
				pysum_position(&pb, &fs->stmt, &fs->call, &fs->arg, &fs->kwarg);
			}
		}
	}
	if (r < 0 && !rc)
		rc = -1;
	pylex_release(&lx);
out:
	cp->strings = sc.strings_cap;
	if (sp)
		apiscan_finish(sp);
	if (sa)
		apiscan_finish(sa);
	if (begun)
		pysum_file_end(&pb);
	apiscan_free(sp);
	apiscan_free(sa);
	if (a->n_strings_dropped && !before)
		diag_warn(&a->diag, "'%s': more than %zu string literals, the rest ignored",
		          f->path, sc.max_strings);
	return rc;
}

static int scan_file(struct analysis *a, const struct pkgview_file *f, struct caps *cp,
                     struct diag *d)
{
	const struct analysis_ctx *ctx = a->ctx;
	size_t fi = (size_t)(f - a->view->files);
	struct api_hits packj = {0}, aliases = {0};
	struct diag fd;
	int rc;

	a->scanned[fi] = 1;
	a->n_py_files++;

	diag_init(&fd);
	rc = lex_file(a, f, &a->file_stats[fi], cp, &packj, &aliases, &fd);
	if (rc == -1) {
		diag_warn(&a->diag, "'%s': %s", f->path, diag_message(&fd));
		a->n_py_skipped++;
	}
	if (rc == -2) {
		diag_release(&fd);
		api_hits_release(&packj);
		api_hits_release(&aliases);
		return diag_error(d, "out of memory");
	}
	if (append_hits(&a->hits, &a->n_hits, &cp->hits, f, &packj) < 0 ||
	    append_hits(&a->alias_hits, &a->n_alias_hits, &cp->alias_hits, f, &aliases) < 0) {
		api_hits_release(&aliases);
		goto oom;
	}
	{
		struct url_finds uf = {0};
		size_t max = ctx->max_urls_per_file ? ctx->max_urls_per_file : DEFAULT_MAX_URLS;
		if (urls_scan(ctx->domains, &ctx->url_rules, f->text, f->len, max, &uf, &fd) < 0) {
			url_finds_release(&uf);
			goto oom;
		}
		for (size_t i = 0; i < uf.n; i++) {
			if (vec_reserve((void **)&a->urls, &cp->urls, a->n_urls,
			                sizeof(*a->urls))) {
				/* release the finds not moved yet */
				for (size_t j = i; j < uf.n; j++) {
					free(uf.v[j].text);
					free(uf.v[j].host);
				}
				free(uf.v);
				goto oom;
			}
			a->urls[a->n_urls].file = f;
			a->urls[a->n_urls].url = uf.v[i];
			a->n_urls++;
		}
		free(uf.v);
	}
	diag_release(&fd);
	return 0;
oom:
	diag_release(&fd);
	return diag_error(d, "out of memory");
}

/* ---- package-level evidence ---- */

#define METADATA_CUTS_MAX 16 /* truncated metadata values listed one by one */

/* The reader's notes on the container, as evidence. */
static int add_package_notes(struct analysis *a)
{
	const struct package *pkg = a->pkg;
	char rule[64], detail[96];
	for (size_t i = 0; i < pkg->n_notes; i++) {
		const struct package_note *n = &pkg->notes[i];
		snprintf(rule, sizeof(rule), "package:%s", n->rule);
		if (evidence_add(&a->evidence, rule, n->path, 0, 0, NULL, 0, n->detail) < 0)
			return -1;
	}
	if (pkg->n_notes_dropped) {
		snprintf(detail, sizeof(detail), "%zu more notes not listed", pkg->n_notes_dropped);
		if (evidence_add(&a->evidence, "package:notes_dropped", NULL, 0, 0, NULL, 0,
		                 detail) < 0)
			return -1;
	}
	return 0;
}

/* What the metadata parser cut at its soft limits (issue 10 item 7), as evidence and
 * warnings. */
static int add_metadata_cuts(struct analysis *a)
{
	const struct pkginfo *pi = a->info;
	const char *path = a->view->metadata->path;
	const struct pkginfo_limits *l = &a->ctx->pkginfo_limits;
	char detail[160];
	size_t listed = 0;
	for (size_t i = 0; i < pi->n_fields && listed < METADATA_CUTS_MAX; i++) {
		const struct pkginfo_field *f = &pi->fields[i];
		if (!f->truncated)
			continue;
		snprintf(detail, sizeof(detail), "value of %zu bytes cut at %zu bytes", f->full_len,
		         l->max_line_bytes);
		diag_warn(&a->diag, "'%s': line %zu: header '%.60s': %s", path, f->line, f->key,
		          detail);
		if (evidence_add(&a->evidence, "package:metadata_truncated", path, f->line, f->line,
		                 f->key, strlen(f->key), detail) < 0)
			return -1;
		listed++;
	}
	if (pi->n_truncated > listed) {
		snprintf(detail, sizeof(detail), "%zu more values cut at %zu bytes",
		         pi->n_truncated - listed, l->max_line_bytes);
		if (evidence_add(&a->evidence, "package:metadata_truncated", path, 0, 0, NULL, 0,
		                 detail) < 0)
			return -1;
	}
	if (pi->n_dropped) {
		snprintf(detail, sizeof(detail), "%zu header fields after the first %zu ignored",
		         pi->n_dropped, l->max_fields);
		diag_warn(&a->diag, "'%s': %s", path, detail);
		if (evidence_add(&a->evidence, "package:metadata_fields_dropped", path, 0, 0, NULL,
		                 0, detail) < 0)
			return -1;
	}
	if (pi->ignored_bytes) {
		snprintf(detail, sizeof(detail), "%zu bytes after the first %zu not parsed",
		         pi->ignored_bytes, l->max_bytes);
		diag_warn(&a->diag, "'%s': %s", path, detail);
		if (evidence_add(&a->evidence, "package:metadata_bytes_ignored", path, 0, 0, NULL,
		                 0, detail) < 0)
			return -1;
	}
	return 0;
}

/* ---- document assembly (spec D9) ---- */

struct line_ref {
	size_t file_idx; /* index into view->files */
	size_t line;
};

static int cmp_line_ref(const void *x, const void *y)
{
	const struct line_ref *p = x, *q = y;
	if (p->file_idx != q->file_idx)
		return p->file_idx < q->file_idx ? -1 : 1;
	if (p->line != q->line)
		return p->line < q->line ? -1 : 1;
	return 0;
}

/* Append one document line with its origin. */
static int doc_add_line(struct analysis *a, size_t *cap, const struct pkgview_file *f, size_t line,
                        const char *s, size_t n)
{
	if (vec_reserve((void **)&a->doc_lines, cap, a->n_doc_lines, sizeof(*a->doc_lines)))
		return -1;
	if (a->n_doc_lines && sbuf_addch(&a->document, '\n') < 0)
		return -1;
	if (sbuf_add(&a->document, s, n) < 0)
		return -1;
	a->doc_lines[a->n_doc_lines].file = f;
	a->doc_lines[a->n_doc_lines].line = line;
	a->n_doc_lines++;
	return 0;
}

/* Every line of text (a final LF does not start another line). */
static int doc_add_all(struct analysis *a, size_t *cap, const struct pkgview_file *f,
                       const char *text, size_t len)
{
	size_t line = 1, i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (doc_add_line(a, cap, f, line, text + i, end - i) < 0)
			return -1;
		line++;
		i = end + 1;
	}
	return 0;
}

/* The lines refs[0..n) (ascending, distinct, same file) of text; refs past the end are ignored. */
static int doc_add_some(struct analysis *a, size_t *cap, const struct pkgview_file *f,
                        const char *text, size_t len, const struct line_ref *refs, size_t n)
{
	size_t line = 1, i = 0, k = 0;
	while (i < len && k < n) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		while (k < n && refs[k].line < line)
			k++;
		if (k < n && refs[k].line == line) {
			if (doc_add_line(a, cap, f, line, text + i, end - i) < 0)
				return -1;
			k++;
		}
		line++;
		i = end + 1;
	}
	return 0;
}

static int is_full_file(const struct analysis *a, const struct pkgview_file *f, int has_susp_url)
{
	const struct analysis_ctx *ctx = a->ctx;
	if (ctx->text_setup_scope_all && !strcmp(base_name(f->path), "setup.py"))
		return 1;
	if (ctx->text_url_scope_file && has_susp_url)
		return 1;
	return 0;
}

static int build_document(struct analysis *a, struct diag *d)
{
	const struct pkgview *view = a->view;
	const struct analysis_ctx *ctx = a->ctx;
	struct line_ref *refs = NULL;
	size_t n_refs = 0, cap_refs = 0, doc_cap = 0;
	unsigned char *susp = NULL; /* per view file: holds a suspicious URL */
	size_t r = 0;
	int rc = -1;

	if (view->n_files && !(susp = calloc(view->n_files, 1)))
		goto oom;
	/* (b) API lines of files other than the root setup.py */
	for (size_t i = 0; i < a->n_hits; i++) {
		const struct file_api_hit *h = &a->hits[i];
		size_t last;
		if (h->file == a->setup_py)
			continue;
		last = ctx->text_api_span_call && h->hit.end_line > h->hit.line ? h->hit.end_line
		                                                                : h->hit.line;
		for (size_t l = h->hit.line; l <= last; l++) {
			if (vec_reserve((void **)&refs, &cap_refs, n_refs, sizeof(*refs)))
				goto oom;
			refs[n_refs].file_idx = (size_t)(h->file - view->files);
			refs[n_refs].line = l;
			n_refs++;
		}
	}
	/* (c) lines holding a suspicious URL or IP */
	for (size_t i = 0; i < a->n_urls; i++) {
		const struct file_url *u = &a->urls[i];
		if (u->file == a->setup_py || !u->url.suspicious)
			continue;
		susp[u->file - view->files] = 1;
		if (vec_reserve((void **)&refs, &cap_refs, n_refs, sizeof(*refs)))
			goto oom;
		refs[n_refs].file_idx = (size_t)(u->file - view->files);
		refs[n_refs].line = u->url.line;
		n_refs++;
	}
	if (n_refs)
		qsort(refs, n_refs, sizeof(*refs), cmp_line_ref);
	{
		size_t w = 0;
		for (size_t i = 0; i < n_refs; i++)
			if (!w || cmp_line_ref(&refs[w - 1], &refs[i]))
				refs[w++] = refs[i];
		n_refs = w;
	}

	/* (a) the root setup.py in full */
	if (a->setup_py) {
		size_t len;
		const char *text = analysis_file_text(a, a->setup_py, &len);
		if (text && doc_add_all(a, &doc_cap, a->setup_py, text, len) < 0)
			goto oom;
	}
	a->n_doc_head = a->n_doc_lines;

	/* then every other contributing file in path order */
	for (size_t fi = 0; fi < view->n_files; fi++) {
		const struct pkgview_file *f = &view->files[fi];
		size_t r0 = r, len = 0;
		const char *text;
		while (r < n_refs && refs[r].file_idx == fi)
			r++;
		if (f == a->setup_py)
			continue;
		if (deadline_check(a->deadline, d, "building the document ('%s')", f->path) < 0)
			goto out;
		if (ctx->text_include_entry_points && f->role == PKGVIEW_ENTRY_POINTS && f->text) {
			if (doc_add_all(a, &doc_cap, f, f->text, f->len) < 0)
				goto oom;
			continue;
		}
		text = analysis_file_text(a, f, &len);
		if (!text)
			continue;
		if (is_full_file(a, f, susp[fi])) {
			if (doc_add_all(a, &doc_cap, f, text, len) < 0)
				goto oom;
		} else if (r > r0) {
			if (doc_add_some(a, &doc_cap, f, text, len, refs + r0, r - r0) < 0)
				goto oom;
		}
	}
	rc = 0;
	goto out;
oom:
	rc = diag_error(d, "out of memory");
out:
	free(refs);
	free(susp);
	return rc;
}

int analysis_doc_has_line(const struct analysis *a, const struct pkgview_file *f, size_t line)
{
	size_t lo, hi;
	if (f == a->setup_py && a->setup_py)
		return line >= 1 && line <= a->n_doc_head;
	lo = a->n_doc_head;
	hi = a->n_doc_lines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct doc_line *m = &a->doc_lines[mid];
		if (m->file == f && m->line == line)
			return 1;
		if (m->file < f || (m->file == f && m->line < line))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int analysis_run(const struct package *pkg, const struct analysis_ctx *ctx, struct analysis **out,
                 struct diag *d)
{
	struct analysis *a;
	struct caps cp = {0};
	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return diag_error(d, "out of memory");
	a->pkg = pkg;
	a->ctx = ctx;
	a->deadline = &pkg->deadline;
	diag_init(&a->diag);
	sbuf_init(&a->document);
	if (add_package_notes(a) < 0) {
		analysis_free(a);
		return diag_error(d, "out of memory");
	}

	if (pkgview_build(pkg, &a->view, d) < 0 ||
	    !(a->scanned = calloc(a->view->n_files ? a->view->n_files : 1, 1)) ||
	    !(a->file_stats =
	          calloc(a->view->n_files ? a->view->n_files : 1, sizeof(*a->file_stats)))) {
		analysis_free(a);
		return diag_error(d, "out of memory");
	}
	if (a->view->metadata && a->view->metadata->text) {
		const struct pkgview_file *mf = a->view->metadata;
		struct diag md;
		diag_init(&md);
		if (pkginfo_parse(mf->text, mf->len, &ctx->pkginfo_limits, &a->info, &md) < 0) {
			/* spec D4: a malformed metadata file is an error for the package */
			diag_error(d, "'%s': %s", mf->path, diag_message(&md));
			diag_release(&md);
			analysis_free(a);
			return -1;
		}
		diag_release(&md);
		/* packaging facts, not the project's: never visible to features (issue 10.3) */
		pkginfo_drop(a->info, "Metadata-Version");
		pkginfo_drop(a->info, "Dynamic");
		if (add_metadata_cuts(a) < 0) {
			analysis_free(a);
			return diag_error(d, "out of memory");
		}
	}
	a->setup_py = a->view->setup_py;
	a->setup_cfg = a->view->setup_cfg;

	for (size_t i = 0; i < a->view->n_files; i++) {
		const struct pkgview_file *f = &a->view->files[i];
		if (f->member->kind != PKGFS_FILE || !f->is_python)
			continue;
		if (!f->text) {
			a->n_py_skipped++;
			diag_warn(&a->diag, "'%s': not loaded, not analysed", f->path);
			continue;
		}
		if (deadline_check(a->deadline, d, "analysing '%s'", f->path) < 0 ||
		    scan_file(a, f, &cp, d) < 0) {
			analysis_free(a);
			return -1;
		}
	}
	if (a->setup_py && !analysis_file_text(a, a->setup_py, NULL))
		diag_warn(&a->diag, "'setup.py': not loaded, not in the document");
	if (build_document(a, d) < 0) {
		analysis_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	pkginfo_free(a->info);
	for (size_t i = 0; i < a->n_hits; i++)
		free(a->hits[i].hit.full_name);
	free(a->hits);
	for (size_t i = 0; i < a->n_alias_hits; i++)
		free(a->alias_hits[i].hit.full_name);
	free(a->alias_hits);
	for (size_t i = 0; i < a->n_urls; i++) {
		free(a->urls[i].url.text);
		free(a->urls[i].url.host);
	}
	free(a->urls);
	free(a->strings);
	free(a->scanned);
	free(a->file_stats);
	pysum_release(&a->sum);
	pkgview_free(a->view);
	sbuf_release(&a->document);
	free(a->doc_lines);
	evidence_list_release(&a->evidence);
	diag_release(&a->diag);
	free(a);
}
