/* The canonical package view (issue 10.3): shape, roles, view paths, universal newlines. */
#include "core/pkg/view.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/sbuf.h"

/* The view and what it owns (the public struct first, so a view pointer is this pointer). */
struct view_impl {
	struct pkgview v;
	char **owned; /* rewritten paths and converted texts */
	size_t n_owned, cap_owned;
};

static const char *const shape_names[PKG_SHAPE_COUNT] = {"sdist", "wheel", "installed", "dir"};

const char *pkg_shape_name(enum pkg_shape s)
{
	return (unsigned)s < PKG_SHAPE_COUNT ? shape_names[s] : "dir";
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n > k && !memcmp(s + n - k, suffix, k);
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int starts_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static int is_license_name(const char *base)
{
	return starts_ci(base, "license") || starts_ci(base, "licence") ||
	       starts_ci(base, "copying");
}

/* The length of the first component of `path` that names a metadata directory (ends in
 * ".egg-info" or ".dist-info" with a non-empty stem and is not the last component), counted
 * from the start of `path` up to the '/' after it; 0 if none. */
static size_t meta_dir_end(const char *path)
{
	const char *c = path;
	for (const char *s; (s = strchr(c, '/')); c = s + 1) {
		size_t n = (size_t)(s - c);
		if (ends_with(c, n, ".egg-info") || ends_with(c, n, ".dist-info"))
			return (size_t)(s - path) + 1;
	}
	return 0;
}

enum pkg_shape pkgview_shape(const struct package *p)
{
	size_t rl = strlen(p->root);
	int wheel = 0, sdist = 0;
	if (!strncmp(p->format, "deb", 3) ||
	    (rl >= 14 && (!strcmp(p->root + rl - 14, "dist-packages/") ||
	                  !strcmp(p->root + rl - 14, "site-packages/"))))
		return PKG_SHAPE_INSTALLED;
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		const char *path = f->path, *slash = strchr(path, '/');
		if (f->kind != PKGFS_FILE)
			continue;
		if (!slash) {
			if (!strcmp(path, "PKG-INFO"))
				sdist = 1;
			else if (ends_with(path, strlen(path), ".egg-info"))
				return PKG_SHAPE_INSTALLED; /* distutils' installed PKG-INFO */
			continue;
		}
		size_t n = (size_t)(slash - path);
		if (ends_with(path, n, ".dist-info") && !strchr(slash + 1, '/')) {
			if (!strcmp(slash + 1, "INSTALLER"))
				return PKG_SHAPE_INSTALLED;
			if (!strcmp(slash + 1, "WHEEL"))
				wheel = 1;
		}
		/* an egg-info directory at the root or one level down (src/NAME.egg-info/) */
		size_t m = meta_dir_end(path), depth = 0;
		for (size_t k = 0; k + 1 < m; k++)
			depth += path[k] == '/';
		if (m && ends_with(path, m - 1, ".egg-info") && depth <= 1)
			sdist = 1;
	}
	return wheel ? PKG_SHAPE_WHEEL : sdist ? PKG_SHAPE_SDIST : PKG_SHAPE_DIR;
}

/* Keep `s` (malloc'd) until the view is freed. 0, or -1 (then `s` is freed). */
static int own(struct view_impl *im, char *s)
{
	if (im->n_owned == im->cap_owned) {
		size_t c = im->cap_owned ? 2 * im->cap_owned : 16;
		char **o = realloc(im->owned, c * sizeof(*o));
		if (!o) {
			free(s);
			return -1;
		}
		im->owned = o;
		im->cap_owned = c;
	}
	im->owned[im->n_owned++] = s;
	return 0;
}

/* The text of a loaded member with universal newlines. 0 or -1 (out of memory). */
static int set_text(struct view_impl *im, struct pkgview_file *vf)
{
	const struct package_file *m = vf->member;
	if (!m->data) {
		vf->text = NULL;
		vf->len = m->size;
		return 0;
	}
	if (!memchr(m->data, '\r', m->size)) {
		vf->text = (const char *)m->data;
		vf->len = m->size;
		return 0;
	}
	struct sbuf sb = SBUF_INIT;
	if (package_read_text(m, &sb) < 0 || sbuf_addch(&sb, '\0') < 0) {
		sbuf_release(&sb);
		return -1;
	}
	vf->len = sb.len - 1;
	char *t = sbuf_detach(&sb, NULL);
	if (!t || own(im, t) < 0)
		return -1;
	vf->text = t;
	return 0;
}

/* The role of member `m` (path relative to the root) and its view path; 1 if it is in the
 * view, 0 if hidden, -1 on out of memory. */
static int classify(struct view_impl *im, const struct package *p, const struct package_file *m,
                    struct pkgview_file *vf)
{
	const char *path = m->path, *base = base_name(path);
	size_t md = meta_dir_end(path);
	int root = !strchr(path, '/');
	vf->member = m;
	vf->path = path;
	vf->role = PKGVIEW_DATA;
	vf->is_python = ends_with_ci(base, ".py");
	if (m == p->metadata) {
		vf->role = PKGVIEW_METADATA;
		return 1;
	}
	if (md) {
		const char *rest = path + md;
		if (!strchr(rest, '/') && !strcmp(rest, "entry_points.txt"))
			vf->role = PKGVIEW_ENTRY_POINTS;
		else if (starts_ci(rest, "licenses/") ||
		         (!strchr(rest, '/') && is_license_name(rest)))
			vf->role = PKGVIEW_LICENSE;
		else
			return 0; /* bookkeeping */
		vf->is_python = 0;
		return 1;
	}
	if (m->kind == PKGFS_FILE && ends_with(base, strlen(base), ".egg-info"))
		return 0; /* another installed PKG-INFO */
	if (root && !strcmp(path, "PKG-INFO"))
		return 0; /* not chosen (not loaded) */
	if (root && m->kind == PKGFS_FILE &&
	    (!strcmp(path, "setup.py") || !strcmp(path, "setup.cfg") ||
	     !strcmp(path, "pyproject.toml"))) {
		vf->role = PKGVIEW_SETUP;
		return 1;
	}
	if (root && m->kind == PKGFS_FILE && is_license_name(path)) {
		vf->role = PKGVIEW_LICENSE;
		return 1;
	}
	if (vf->is_python)
		vf->role = PKGVIEW_MODULE;
	/* a wheel's NAME.data/purelib/ and NAME.data/platlib/ install into site-packages; its other
	 * NAME.data/KIND/ folders are shown as KIND/ */
	if (im->v.shape == PKG_SHAPE_WHEEL) {
		const char *slash = strchr(path, '/');
		if (slash && ends_with(path, (size_t)(slash - path), ".data") && slash[1]) {
			const char *kind = slash + 1, *rest = strchr(kind, '/');
			char *np;
			if (!rest)
				return 1;
			if ((rest - kind == 7 && !memcmp(kind, "purelib", 7)) ||
			    (rest - kind == 7 && !memcmp(kind, "platlib", 7)))
				np = strdup(rest + 1);
			else
				np = strdup(kind);
			if (!np || own(im, np) < 0)
				return -1;
			vf->path = np;
		}
	}
	return 1;
}

/* ---- Debian's machine-readable copyright format (DEP-5) ---- */

/* One field of a paragraph: `value` is the first line's text after "Key:", `body` the
 * continuation lines (raw, each starting with a blank). */
struct dep5_field {
	const char *value, *body;
	size_t value_len, body_len;
};

/* The end of the line starting at `s` (its LF or `end`). */
static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	return nl ? nl : end;
}

static int blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* Field `key` of the paragraph [p, pe) into *f; 1 if found. */
static int dep5_field(const char *p, const char *pe, const char *key, struct dep5_field *f)
{
	size_t kl = strlen(key);
	for (const char *s = p; s < pe;) {
		const char *e = line_end(s, pe);
		if (s[0] != ' ' && s[0] != '\t' && (size_t)(e - s) > kl &&
		    !strncasecmp(s, key, kl) && s[kl] == ':') {
			const char *v = s + kl + 1, *b = e < pe ? e + 1 : pe, *be = b;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (be < pe && (*be == ' ' || *be == '\t'))
				be = line_end(be, pe) < pe ? line_end(be, pe) + 1 : pe;
			f->value = v;
			f->value_len = (size_t)(e - v);
			while (f->value_len &&
			       (v[f->value_len - 1] == ' ' || v[f->value_len - 1] == '\t'))
				f->value_len--;
			f->body = b;
			f->body_len = (size_t)(be - b);
			return 1;
		}
		s = e < pe ? e + 1 : pe;
	}
	return 0;
}

/* Does a Files: value list the pattern "*" (every file: the upstream work)? */
static int files_all(const struct dep5_field *f)
{
	const char *s = f->value, *e = f->value + f->value_len;
	while (s < e) {
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		const char *t = s;
		while (t < e && *t != ' ' && *t != '\t')
			t++;
		if (t - s == 1 && *s == '*')
			return 1;
		s = t;
	}
	return 0;
}

/* Append the continuation lines of a field with their first blank removed and " ." read as an
 * empty line. */
static int dep5_body(struct sbuf *out, const struct dep5_field *f)
{
	const char *s = f->body, *end = f->body + f->body_len;
	while (s < end) {
		const char *e = line_end(s, end), *t = s + 1;
		if (!(e - t == 1 && *t == '.') && sbuf_add(out, t, (size_t)(e - t)) < 0)
			return -1;
		if (sbuf_addch(out, '\n') < 0)
			return -1;
		s = e < end ? e + 1 : end;
	}
	return 0;
}

/* Skip blank lines from *p; the next paragraph is then [*p, *pe). 0 at the end of the text. */
static int next_paragraph(const char **p, const char **pe, const char *end)
{
	const char *s = *p;
	while (s < end && blank_line(s, line_end(s, end)))
		s = line_end(s, end) < end ? line_end(s, end) + 1 : end;
	if (s >= end)
		return 0;
	*p = s;
	while (s < end && !blank_line(s, line_end(s, end)))
		s = line_end(s, end) < end ? line_end(s, end) + 1 : end;
	*pe = s;
	return 1;
}

/* Is the first line a DEP-5 "Format: .../copyright-format/1.0/" (or ".../dep5...") line? */
static int is_dep5(const char *text, const char *end)
{
	const char *e = line_end(text, end);
	if (e - text < 7 || strncasecmp(text, "Format:", 7))
		return 0;
	for (const char *s = text; s < e; s++)
		if (((size_t)(e - s) >= 16 && !strncasecmp(s, "copyright-format", 16)) ||
		    ((size_t)(e - s) >= 4 && !strncasecmp(s, "dep5", 4)))
			return 1;
	return 0;
}

/* The upstream licence of a DEP-5 copyright file: the License field of the first "Files: *"
 * paragraph -- its short name and text or, with a short name only, the text of the stand-alone
 * License paragraph of that name. The rest of such a file licenses other files (the packaging,
 * vendored code), and its earliest licence text would otherwise be read as the project's. 1 and
 * the licence appended to `out`; 0 if the file is not DEP-5 or has no "Files: *" paragraph; -1
 * on out of memory. */
static int dep5_upstream_license(const char *text, size_t len, struct sbuf *out)
{
	const char *end = text + len, *p, *pe = text;
	struct dep5_field lic, f;
	int found = 0;
	if (!is_dep5(text, end))
		return 0;
	for (p = text; !found && next_paragraph(&p, &pe, end); p = pe)
		found = dep5_field(p, pe, "Files", &f) && files_all(&f) &&
		        dep5_field(p, pe, "License", &lic);
	if (!found)
		return 0;
	if (sbuf_add(out, lic.value, lic.value_len) < 0 || sbuf_addch(out, '\n') < 0)
		return -1;
	if (lic.body_len)
		return dep5_body(out, &lic) < 0 ? -1 : 1;
	for (p = text; next_paragraph(&p, &pe, end); p = pe)
		if (!dep5_field(p, pe, "Files", &f) && dep5_field(p, pe, "License", &f) &&
		    f.value_len == lic.value_len && !strncasecmp(f.value, lic.value, lic.value_len))
			return dep5_body(out, &f) < 0 ? -1 : 1;
	return 1;
}

/* An installed package's copyright file in DEP-5 format: its text becomes the upstream
 * licence (dep5_upstream_license()). 0 or -1 (out of memory). */
static int upstream_license_text(struct view_impl *im, struct pkgview_file *vf)
{
	struct sbuf sb = SBUF_INIT;
	int r;
	if (!vf->text || (r = dep5_upstream_license(vf->text, vf->len, &sb)) == 0) {
		sbuf_release(&sb);
		return 0;
	}
	if (r < 0 || sbuf_addch(&sb, '\0') < 0) {
		sbuf_release(&sb);
		return -1;
	}
	vf->len = sb.len - 1;
	char *t = sbuf_detach(&sb, NULL);
	if (!t || own(im, t) < 0)
		return -1;
	vf->text = t;
	return 0;
}

static int cmp_view_file(const void *x, const void *y)
{
	const struct pkgview_file *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	/* equal view paths (a wheel's purelib copy of a root member): the member order decides */
	return (a->member > b->member) - (a->member < b->member);
}

static int cmp_path_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pkgview_file *)elem)->path);
}

const struct pkgview_file *pkgview_find(const struct pkgview *v, const char *path)
{
	if (!v || !v->n_files)
		return NULL;
	return bsearch(path, v->files, v->n_files, sizeof(*v->files), cmp_path_key);
}

/* Licence files in search order: root, metadata directories, installed copyright. */
static int collect_licenses(struct pkgview *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n_files; i++)
		n += v->files[i].role == PKGVIEW_LICENSE;
	if (!n)
		return 0;
	if (!(v->licenses = calloc(n, sizeof(*v->licenses))))
		return -1;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < v->n_files; i++) {
			const struct pkgview_file *f = &v->files[i];
			int group = f->path[0] == '/' ? 2 : strchr(f->path, '/') ? 1 : 0;
			if (f->role == PKGVIEW_LICENSE && group == pass)
				v->licenses[v->n_licenses++] = f;
		}
	return 0;
}

int pkgview_build(const struct package *p, struct pkgview **out, struct diag *d)
{
	struct view_impl *im = calloc(1, sizeof(*im));
	struct pkgview *v;
	size_t n = 0;
	*out = NULL;
	if (!im)
		return diag_error(d, "out of memory");
	v = &im->v;
	v->shape = pkgview_shape(p);
	if (!(v->files = calloc(p->n_files + p->n_aux + 1, sizeof(*v->files))))
		goto oom;
	for (size_t i = 0; i < p->n_files; i++) {
		int r = classify(im, p, &p->files[i], &v->files[n]);
		if (r < 0)
			goto oom;
		if (r)
			n++;
		else
			v->n_hidden++;
	}
	/* an installed package's licence text outside the root, under its install path */
	for (size_t i = 0; i < p->n_aux && v->shape == PKG_SHAPE_INSTALLED; i++) {
		struct pkgview_file *vf = &v->files[n];
		struct sbuf sb = SBUF_INIT;
		char *np;
		if (sbuf_addch(&sb, '/') < 0 || sbuf_addstr(&sb, p->aux[i].path) < 0 ||
		    !(np = sbuf_detach(&sb, NULL)) || own(im, np) < 0) {
			sbuf_release(&sb);
			goto oom;
		}
		vf->member = &p->aux[i];
		vf->path = np;
		vf->role = PKGVIEW_LICENSE;
		n++;
	}
	qsort(v->files, n, sizeof(*v->files), cmp_view_file);
	/* one file per view path */
	{
		size_t w = 0;
		for (size_t i = 0; i < n; i++) {
			if (w && !strcmp(v->files[w - 1].path, v->files[i].path)) {
				v->n_hidden++;
				continue;
			}
			v->files[w++] = v->files[i];
		}
		v->n_files = w;
	}
	for (size_t i = 0; i < v->n_files; i++) {
		struct pkgview_file *f = &v->files[i];
		if (set_text(im, f) < 0 || (f->path[0] == '/' && f->role == PKGVIEW_LICENSE &&
		                            upstream_license_text(im, f) < 0))
			goto oom;
		v->bytes_visible += f->len;
		switch (f->role) {
		case PKGVIEW_METADATA:
			v->metadata = f;
			break;
		case PKGVIEW_SETUP:
			if (!strcmp(f->path, "setup.py"))
				v->setup_py = f;
			else if (!strcmp(f->path, "setup.cfg"))
				v->setup_cfg = f;
			else
				v->pyproject = f;
			break;
		case PKGVIEW_MODULE:
			v->n_modules++;
			break;
		default:
			break;
		}
	}
	if (collect_licenses(v) < 0)
		goto oom;
	*out = v;
	return 0;
oom:
	pkgview_free(v);
	return diag_error(d, "out of memory");
}

void pkgview_free(struct pkgview *v)
{
	struct view_impl *im = (struct view_impl *)v;
	if (!v)
		return;
	for (size_t i = 0; i < im->n_owned; i++)
		free(im->owned[i]);
	free(im->owned);
	free(v->files);
	free(v->licenses);
	free(im);
}
