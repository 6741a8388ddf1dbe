/* package: one PyPI package read through pkgfs and normalised to one tree (spec D1). */
#include "core/pkg/package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/digest.h"
#include "core/pkg/pkgfs.h"

/* Defaults, chosen from the corpus with a wide margin (hostile input: malware archives up to
 * about 3 MB and 5,600 members, Debian-derived benign packages about 20 MB). */
#define PKG_MAX_INPUT_BYTES ((size_t)64 << 20)  /* 64 MiB archive file */
#define PKG_MAX_MEMBERS ((size_t)100000)        /* entries per archive level */
#define PKG_MAX_MEMBER_BYTES ((size_t)16 << 20) /* 16 MiB per loaded member */
#define PKG_MAX_TOTAL_BYTES ((size_t)256 << 20) /* 256 MiB loaded in total */
#define PKG_MAX_PATH_BYTES ((size_t)1024)       /* one member path */
#define PKG_MAX_DEPTH ((size_t)1)               /* one descent: zip>archive or deb>data.tar */
#define PKG_MAX_RATIO 200.0                     /* uncompressed / input bytes (above 1 MiB) */
#define PKG_MAX_DIR_ENTRIES ((size_t)200000)    /* directory inputs */
#define PKG_TEXT_CAP ((size_t)1 << 20)          /* generic text files loaded up to 1 MiB */

void pkg_limits_default(struct pkg_limits *l)
{
	l->max_input_bytes = PKG_MAX_INPUT_BYTES;
	l->max_members = PKG_MAX_MEMBERS;
	l->max_member_bytes = PKG_MAX_MEMBER_BYTES;
	l->max_total_bytes = PKG_MAX_TOTAL_BYTES;
	l->max_path_bytes = PKG_MAX_PATH_BYTES;
	l->max_depth = PKG_MAX_DEPTH;
	l->max_ratio = PKG_MAX_RATIO;
	l->max_dir_entries = PKG_MAX_DIR_ENTRIES;
}

static const char *const default_passwords[] = {"infected", NULL};

void package_options_default(struct package_options *o)
{
	o->passwords = NULL;
	pkg_limits_default(&o->limits);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Does `s` contain `needle` (ASCII case-insensitive)? */
static int contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return 1;
	return 0;
}

int package_want_member(const char *path, size_t declared_size)
{
	const char *b = base_name(path);
	static const char *const exact[] = {"PKG-INFO",       "METADATA",         "setup.cfg",
	                                    "pyproject.toml", "entry_points.txt", NULL};
	static const char *const prefix[] = {"README", NULL};
	/* Licence files are loaded whatever their spelling ("apache-2.0.LICENSE", "COPYING.txt",
	 * "LICENSES/MIT.txt" named by License-File headers): spec D18 reads them. */
	static const char *const anywhere[] = {"LICEN", "COPYING", NULL};
	static const char *const text[] = {".txt", ".cfg", ".toml", ".json",
	                                   ".md",  ".rst", ".in",   NULL};
	if (ends_with_ci(b, ".py"))
		return 1;
	for (int i = 0; exact[i]; i++)
		if (!strcmp(b, exact[i]))
			return 1;
	for (int i = 0; prefix[i]; i++)
		if (!strncasecmp(b, prefix[i], strlen(prefix[i])))
			return 1;
	for (int i = 0; anywhere[i]; i++)
		if (contains_ci(b, anywhere[i]))
			return 1;
	for (int i = 0; text[i]; i++)
		if (ends_with_ci(b, text[i]))
			return declared_size <= PKG_TEXT_CAP;
	return 0;
}

static int want_cb(const char *path, size_t declared_size, void *ctx)
{
	(void)ctx;
	return package_want_member(path, declared_size);
}

/* Is `comp` (n bytes) a package marker child? `is_dir`: the child is a directory. */
static int is_marker(const char *comp, size_t n, int is_dir)
{
	static const char *const files[] = {"PKG-INFO", "setup.py", "setup.cfg", "pyproject.toml",
	                                    NULL};
	if (is_dir)
		return (n > 9 && !memcmp(comp + n - 9, ".egg-info", 9)) ||
		       (n > 10 && !memcmp(comp + n - 10, ".dist-info", 10));
	for (int i = 0; files[i]; i++)
		if (strlen(files[i]) == n && !memcmp(comp, files[i], n))
			return 1;
	return 0;
}

/* Spec D1: descend while the directory holds exactly one entry which is a directory; stop at a
 * directory that holds a package marker. Returns the root prefix ("" or "a/b/") in `root`. */
static int auto_root(const struct pkgfs *fs, struct sbuf *root)
{
	for (;;) {
		const char *pre = sbuf_cstr(root);
		size_t plen = root->len;
		const char *child = NULL;
		size_t child_len = 0;
		int single = 1, child_dir = 0, marker = 0, any = 0;
		for (size_t i = 0; i < fs->n; i++) {
			const char *p = fs->members[i].path;
			if (strncmp(p, pre, plen) || !p[plen])
				continue;
			const char *c = p + plen, *s = strchr(c, '/');
			size_t n = s ? (size_t)(s - c) : strlen(c);
			int is_dir = s != NULL || fs->members[i].kind == PKGFS_DIR;
			if (is_marker(c, n, is_dir))
				marker = 1;
			if (!any) {
				any = 1;
				child = c;
				child_len = n;
				child_dir = is_dir;
			} else if (n != child_len || memcmp(c, child, n)) {
				single = 0;
			} else if (is_dir) {
				child_dir = 1;
			}
		}
		if (!any || marker || !single || !child_dir)
			return 0;
		if (sbuf_add(root, child, child_len) < 0 || sbuf_addch(root, '/') < 0)
			return -1;
	}
}

/* Byte-order comparison of two counted strings. */
static int prefix_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

/* .deb: the shallowest `dist-packages` directory (ties by byte order). */
static int deb_root(const struct pkgfs *fs, struct sbuf *root)
{
	const char *best = NULL;
	size_t best_len = 0, best_depth = (size_t)-1;
	for (size_t i = 0; i < fs->n; i++) {
		const char *p = fs->members[i].path;
		const char *q = p;
		size_t depth = 0;
		while (q) {
			const char *s = strchr(q, '/');
			size_t n = s ? (size_t)(s - q) : strlen(q);
			if (n == 13 && !memcmp(q, "dist-packages", 13) &&
			    (s || fs->members[i].kind == PKGFS_DIR)) {
				size_t len = (size_t)(q - p) + 13;
				if (depth < best_depth ||
				    (depth == best_depth &&
				     prefix_cmp(p, len, best, best_len) < 0)) {
					best = p;
					best_len = len;
					best_depth = depth;
				}
				break;
			}
			depth++;
			q = s ? s + 1 : NULL;
		}
	}
	if (!best)
		return auto_root(fs, root);
	if (sbuf_add(root, best, best_len) < 0 || sbuf_addch(root, '/') < 0)
		return -1;
	return 0;
}

static int path_depth(const char *p)
{
	int n = 0;
	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Spec D1 metadata choice: root PKG-INFO, else shallowest *.egg-info/PKG-INFO, else shallowest
 * *.dist-info/METADATA (files[] is sorted, so the first of the smallest depth wins ties). */
static const struct package_file *pick_metadata(const struct package *p)
{
	const struct package_file *f = package_find(p, "PKG-INFO");
	if (f && f->kind == PKG_FILE && f->data)
		return f;
	static const char *const dirs[] = {".egg-info/PKG-INFO", ".dist-info/METADATA"};
	for (int k = 0; k < 2; k++) {
		const struct package_file *best = NULL;
		int best_depth = 0;
		size_t sl = strlen(dirs[k]);
		for (size_t i = 0; i < p->n_files; i++) {
			const struct package_file *g = &p->files[i];
			const char *path = g->path;
			size_t n = strlen(path);
			if (g->kind != PKG_FILE || !g->data || n <= sl ||
			    strcmp(path + n - sl, dirs[k]))
				continue;
			/* the directory name must be a whole component with a non-empty stem */
			const char *dir_start = path + n - sl;
			if (dir_start == path || dir_start[-1] == '/')
				continue;
			int dep = path_depth(path);
			if (!best || dep < best_depth) {
				best = g;
				best_depth = dep;
			}
		}
		if (best)
			return best;
	}
	return NULL;
}

static int build(struct package *p, struct pkgfs *fs, struct diag *d)
{
	struct sbuf root = SBUF_INIT;
	int r = !strncmp(fs->format, "deb", 3) ? deb_root(fs, &root) : auto_root(fs, &root);
	if (r < 0) {
		sbuf_release(&root);
		return diag_error(d, "out of memory");
	}
	p->root = sbuf_detach(&root, NULL);
	if (!p->root)
		return diag_error(d, "out of memory");
	snprintf(p->format, sizeof(p->format), "%s", fs->format);
	size_t plen = strlen(p->root), n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->members[i].kind != PKGFS_DIR &&
		    !strncmp(fs->members[i].path, p->root, plen))
			n++;
	p->files = calloc(n ? n : 1, sizeof(*p->files));
	if (!p->files)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < fs->n; i++) {
		struct pkgfs_member *m = &fs->members[i];
		if (m->kind == PKGFS_DIR || strncmp(m->path, p->root, plen))
			continue;
		struct package_file *f = &p->files[p->n_files];
		char *path = strdup(m->path + plen);
		if (!path)
			return diag_error(d, "out of memory");
		f->path = path;
		f->kind = m->kind == PKGFS_FILE   ? PKG_FILE
		          : m->kind == PKGFS_LINK ? PKG_LINK
		                                  : PKG_OTHER;
		f->size = m->size;
		f->data = m->data;
		m->data = NULL;
		f->link_target = m->link_target;
		m->link_target = NULL;
		if (f->data) {
			size_t k = f->size < 8192 ? f->size : 8192;
			f->is_text = memchr(f->data, 0, k) == NULL;
		}
		p->n_files++;
	}
	p->n_skipped = fs->n_skipped;
	p->metadata = pick_metadata(p);
	return 0;
}

static void fill_options(struct pkgfs_options *po, const struct package_options *o)
{
	struct package_options def;
	if (!o) {
		package_options_default(&def);
		o = &def;
	}
	po->passwords = o->passwords ? o->passwords : default_passwords;
	po->want = want_cb;
	po->want_ctx = NULL;
	po->limits.max_input_bytes = o->limits.max_input_bytes;
	po->limits.max_members = o->limits.max_members;
	po->limits.max_member_bytes = o->limits.max_member_bytes;
	po->limits.max_total_bytes = o->limits.max_total_bytes;
	po->limits.max_path_bytes = o->limits.max_path_bytes;
	po->limits.max_depth = o->limits.max_depth;
	po->limits.max_ratio = o->limits.max_ratio;
	po->limits.max_dir_entries = o->limits.max_dir_entries;
}

/* Shared tail of both open calls: fs (or the failure in `local`) becomes a package. */
static int finish_open(struct package **out, struct package *p, struct pkgfs *fs, int rc,
                       struct diag *local, const char *name, struct diag *d)
{
	if (rc == 0 && build(p, fs, local) == 0) {
		pkgfs_free(fs);
		p->diag = *local;
		*out = p;
		return 0;
	}
	diag_error(d, "'%s': %s", name, diag_message(local));
	diag_release(local);
	pkgfs_free(fs);
	package_free(p);
	return -1;
}

int package_open(struct package **out, const char *path, const struct package_options *o,
                 struct diag *d)
{
	struct pkgfs_options po;
	struct diag local;
	struct pkgfs *fs = NULL;
	*out = NULL;
	fill_options(&po, o);
	struct package *p = calloc(1, sizeof(*p));
	if (!p || !(p->input_path = strdup(path))) {
		free(p);
		return diag_error(d, "'%s': out of memory", path);
	}
	diag_init(&p->diag);
	diag_init(&local);
	int rc = pkgfs_open_file(&fs, path, &po, p->sha256, &local);
	return finish_open(out, p, fs, rc, &local, path, d);
}

int package_open_memory(struct package **out, const void *buf, size_t len, const char *name,
                        const struct package_options *o, struct diag *d)
{
	struct pkgfs_options po;
	struct diag local;
	struct pkgfs *fs = NULL;
	*out = NULL;
	fill_options(&po, o);
	if (!name)
		name = "<memory>";
	struct package *p = calloc(1, sizeof(*p));
	if (!p || !(p->input_path = strdup(name))) {
		free(p);
		return diag_error(d, "'%s': out of memory", name);
	}
	diag_init(&p->diag);
	diag_init(&local);
	digest_buffer_hex(buf, len, p->sha256);
	int rc = pkgfs_open_memory(&fs, buf, len, &po, &local);
	return finish_open(out, p, fs, rc, &local, name, d);
}

static int cmp_file_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct package_file *)elem)->path);
}

const struct package_file *package_find(const struct package *p, const char *path)
{
	if (!p || !p->n_files)
		return NULL;
	return bsearch(path, p->files, p->n_files, sizeof(*p->files), cmp_file_key);
}

int package_read_text(const struct package_file *f, struct sbuf *out)
{
	if (!f || !f->data)
		return -1;
	const unsigned char *s = f->data, *end = s + f->size;
	if (sbuf_grow(out, f->size) < 0)
		return -1;
	while (s < end) {
		const unsigned char *cr = memchr(s, '\r', (size_t)(end - s));
		if (!cr) {
			if (sbuf_add(out, s, (size_t)(end - s)) < 0)
				return -1;
			break;
		}
		if (sbuf_add(out, s, (size_t)(cr - s)) < 0 || sbuf_addch(out, '\n') < 0)
			return -1;
		s = cr + 1;
		if (s < end && *s == '\n')
			s++;
	}
	return 0;
}

int package_is_python(const struct package_file *f)
{
	return f && ends_with_ci(f->path, ".py");
}

void package_free(struct package *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_files; i++) {
		free((char *)p->files[i].path);
		free((unsigned char *)p->files[i].data);
		free((char *)p->files[i].link_target);
	}
	free(p->files);
	free(p->root);
	free(p->input_path);
	diag_release(&p->diag);
	free(p);
}
