/* package: one PyPI package read through pkgfs and normalised to one tree (spec D1). */
#include "core/pkg/package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/digest.h"
#include "core/pkg/pkgfs.h"
#include "core/pkg/pkgfs_tree.h"

/* The `pkg.*` parameters. Defaults chosen from the corpus with a wide margin (hostile input:
 * malware archives up to about 3 MB and 5,600 members, Debian-derived benign packages up to
 * about 5 MB); see docs/decisions.md ("package reader limits"). */
#define OPT(f) offsetof(struct package_options, f)
const struct param_spec package_param_spec[] = {
    {"pkg.max_input_bytes", PARAM_SIZE, OPT(limits.max_input_bytes), "67108864", "[1, inf)",
     "the input file, 64 MiB (hard)"},
    {"pkg.max_members", PARAM_SIZE, OPT(limits.max_members), "100000", "[1, inf)",
     "members listed per archive level (hard)"},
    {"pkg.max_member_bytes", PARAM_SIZE, OPT(limits.max_member_bytes), "16777216", "[0, inf)",
     "one loaded member, 16 MiB (soft: listed, not loaded)"},
    {"pkg.max_total_bytes", PARAM_SIZE, OPT(limits.max_total_bytes), "268435456", "[0, inf)",
     "all loaded members, 256 MiB (soft: later members listed, not loaded)"},
    {"pkg.max_unpacked_bytes", PARAM_SIZE, OPT(limits.max_unpacked_bytes), "1073741824", "[0, inf)",
     "every decompressed byte, loaded or not, 1 GiB (hard; 0 = no limit)"},
    {"pkg.max_path_bytes", PARAM_SIZE, OPT(limits.max_path_bytes), "1024", "[1, 65536]",
     "one member path (soft)"},
    {"pkg.max_depth", PARAM_SIZE, OPT(limits.max_depth), "1", "[0, 8]",
     "nested archives below the input: storage zip > sdist, .deb > data.tar (hard)"},
    {"pkg.max_ratio", PARAM_DOUBLE, OPT(limits.max_ratio), "200", "[0, inf)",
     "decompressed / input bytes, above 1 MiB decompressed (hard; 0 = no limit)"},
    {"pkg.max_dir_entries", PARAM_SIZE, OPT(limits.max_dir_entries), "200000", "[1, inf)",
     "directory inputs: entries visited (hard)"},
    {"pkg.time_budget", PARAM_DOUBLE, OPT(time_budget), "10", "[0, inf)",
     "seconds per package for reading, analysis and features (hard; 0 = none)"},
    {NULL, 0, 0, NULL, NULL, NULL}};
#undef OPT

#define PKG_TEXT_CAP ((size_t)1 << 20) /* generic text files loaded up to 1 MiB */

static const char *const default_passwords[] = {"infected", NULL};

void package_options_default(struct package_options *o)
{
	memset(o, 0, sizeof(*o));
	if (params_set_defaults(package_param_spec, o, NULL) < 0)
		BUG("bad default in package_param_spec");
	o->passwords = NULL;
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
	static const char *const text[] = {".txt", ".cfg", ".toml", ".json", ".md",
	                                   ".rst", ".in",  ".pth",  NULL};
	if (ends_with_ci(b, ".py") || ends_with_ci(b, ".egg-info"))
		return 1;
	if (!strcmp(b, "copyright")) /* Debian's licence file (usr/share/doc/<package>/) */
		return declared_size <= PKG_TEXT_CAP;
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

/* Byte-order comparison of two counted strings. */
static int prefix_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

/* Where the single-directory descent stopped. */
enum descent_stop { STOP_EMPTY, STOP_MARKER, STOP_FILE, STOP_MANY };

/* Spec D1: descend while the directory holds exactly one entry which is a directory; stop at a
 * directory that holds a package marker. Appends the root prefix ("" or "a/b/") to `root`;
 * returns why it stopped, or -1 on out of memory. */
static int descend(const struct pkgfs *fs, struct sbuf *root)
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
		if (!any)
			return STOP_EMPTY;
		if (marker)
			return STOP_MARKER;
		if (!single)
			return STOP_MANY;
		if (!child_dir)
			return STOP_FILE;
		if (sbuf_add(root, child, child_len) < 0 || sbuf_addch(root, '/') < 0)
			return -1;
	}
}

/* Members whose path starts with `pre` (plen bytes): fs->members is sorted, so they are one run,
 * found with two binary searches. */
static size_t count_prefixed(const struct pkgfs *fs, const char *pre, size_t plen)
{
	size_t lo = 0, hi = fs->n, first;
	while (lo < hi) { /* the first member >= pre */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(fs->members[mid].path, pre, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	hi = fs->n;
	while (lo < hi) { /* the first member after the run */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(fs->members[mid].path, pre, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - first;
}

/* Below the prefix `root` (where the descent stopped at several entries and no marker), the
 * shallowest directory holding a marker: ties go to the one with more members, then to byte
 * order. Replaces `root` with it and returns 1, or returns 0 (none; `root` unchanged), or -1
 * on out of memory. */
static int marker_root(const struct pkgfs *fs, struct sbuf *root)
{
	const char *pre = sbuf_cstr(root);
	size_t plen = root->len, best_depth = (size_t)-1, best_len = 0, best_count = 0;
	size_t last_len = 0;
	const char *best = NULL, *last = NULL;
	for (size_t i = 0; i < fs->n; i++) {
		const char *p = fs->members[i].path;
		if (strncmp(p, pre, plen) || !p[plen])
			continue;
		const char *c = p + plen;
		size_t depth = 0;
		while (*c && depth <= best_depth) {
			const char *s = strchr(c, '/');
			size_t n = s ? (size_t)(s - c) : strlen(c);
			int is_dir = s != NULL || fs->members[i].kind == PKGFS_DIR;
			if (depth > 0 && is_marker(c, n, is_dir)) {
				/* the directory p[0 .. c) holds a marker; its members are one run
				 * of the sorted list, so it is weighed once */
				size_t len = (size_t)(c - p);
				if (!last || len != last_len || memcmp(p, last, len)) {
					size_t cnt = count_prefixed(fs, p, len);
					last = p;
					last_len = len;
					if (depth < best_depth ||
					    (depth == best_depth &&
					     (cnt > best_count ||
					      (cnt == best_count &&
					       prefix_cmp(p, len, best, best_len) < 0)))) {
						best = p;
						best_len = len;
						best_depth = depth;
						best_count = cnt;
					}
				}
				break;
			}
			if (!s)
				break;
			c = s + 1;
			depth++;
		}
	}
	if (!best)
		return 0;
	struct sbuf nr = SBUF_INIT;
	if (sbuf_add(&nr, best, best_len) < 0) {
		sbuf_release(&nr);
		return -1;
	}
	sbuf_release(root);
	*root = nr;
	return 1;
}

/* The package root: the spec's descent, then the marker rule when the descent stopped at
 * several entries without a marker. */
static int auto_root(const struct pkgfs *fs, struct sbuf *root)
{
	int stop = descend(fs, root);
	if (stop < 0)
		return -1;
	if (stop == STOP_MANY && marker_root(fs, root) < 0)
		return -1;
	return 0;
}

/* Of the directories named `name` that hold a regular file, the shallowest (ties: the one
 * holding more regular files, then byte order), into `root` as "a/b/name/"; an empty one (or
 * one holding only links, as a package that points into another) is passed over. 1 if found,
 * 0 if not, -1 on out of memory. fs->members is sorted, so the members below one such directory
 * are one run. */
static int named_dir_root(const struct pkgfs *fs, const char *name, struct sbuf *root)
{
	const char *best = NULL, *cur = NULL;
	size_t best_len = 0, best_depth = (size_t)-1, best_count = 0, nl = strlen(name);
	size_t cur_len = 0, cur_depth = 0, cur_count = 0;
	for (size_t i = 0; i <= fs->n; i++) {
		const char *p = i < fs->n ? fs->members[i].path : NULL;
		size_t len = 0, depth = 0;
		if (p && fs->members[i].kind == PKGFS_FILE) {
			for (const char *q = p, *s; (s = strchr(q, '/')); q = s + 1, depth++)
				if ((size_t)(s - q) == nl && !memcmp(q, name, nl)) {
					len = (size_t)(q - p) + nl;
					break;
				}
		}
		if (cur && len == cur_len && !memcmp(p, cur, len)) {
			cur_count++;
			continue;
		}
		if (p && !len)
			continue;
		if (cur && (cur_depth < best_depth ||
		            (cur_depth == best_depth &&
		             (cur_count > best_count ||
		              (cur_count == best_count &&
		               prefix_cmp(cur, cur_len, best, best_len) < 0))))) {
			best = cur;
			best_len = cur_len;
			best_depth = cur_depth;
			best_count = cur_count;
		}
		cur = p;
		cur_len = len;
		cur_depth = depth;
		cur_count = 1;
	}
	if (!best)
		return 0;
	if (sbuf_add(root, best, best_len) < 0 || sbuf_addch(root, '/') < 0)
		return -1;
	return 1;
}

/* .deb: the shallowest `dist-packages` directory, else the shallowest `site-packages`, else the
 * rule of any archive. */
static int deb_root(const struct pkgfs *fs, struct sbuf *root)
{
	static const char *const names[] = {"dist-packages", "site-packages"};
	for (int i = 0; i < 2; i++) {
		int r = named_dir_root(fs, names[i], root);
		if (r)
			return r < 0 ? -1 : 0;
	}
	return auto_root(fs, root);
}

static int path_depth(const char *p)
{
	int n = 0;
	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Spec D1 metadata choice: root PKG-INFO, else shallowest *.egg-info/PKG-INFO, else shallowest
 * *.dist-info/METADATA, else the shallowest *.egg-info regular file (distutils' installed
 * PKG-INFO) (files[] is sorted, so the first of the smallest depth wins ties). */
static const struct package_file *pick_metadata(const struct package *p)
{
	const struct package_file *f = package_find(p, "PKG-INFO");
	if (f && f->kind == PKGFS_FILE && f->data)
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
			if (g->kind != PKGFS_FILE || !g->data || n <= sl ||
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
	{
		const struct package_file *best = NULL;
		int best_depth = 0;
		for (size_t i = 0; i < p->n_files; i++) {
			const struct package_file *g = &p->files[i];
			const char *b = base_name(g->path);
			size_t n = strlen(b);
			if (g->kind != PKGFS_FILE || !g->data || n <= 9 ||
			    strcmp(b + n - 9, ".egg-info"))
				continue;
			int dep = path_depth(g->path);
			if (!best || dep < best_depth) {
				best = g;
				best_depth = dep;
			}
		}
		return best;
	}
}

/* Record a note about member `path` (also as a warning on `d`). 0 or -1 (out of memory). */
static int add_note(struct package *p, struct diag *d, const char *rule, const char *path,
                    const char *detail)
{
	char mp[PKGFS_MSG_PATH_MAX + 4];
	diag_warn(d, "'%s': %s", pkgfs_msg_path(path, mp), detail);
	if (p->n_notes == PACKAGE_NOTES_MAX) {
		p->n_notes_dropped++;
		return 0;
	}
	if (!p->notes && !(p->notes = calloc(PACKAGE_NOTES_MAX, sizeof(*p->notes))))
		return -1;
	struct package_note *n = &p->notes[p->n_notes];
	n->rule = rule;
	n->path = strdup(path);
	n->detail = strdup(detail);
	if (!n->path || !n->detail) {
		free(n->path);
		free(n->detail);
		return -1;
	}
	p->n_notes++;
	return 0;
}

/* Is the first component of `path` a DOS drive ("C:")? */
static int drive_path(const char *path)
{
	unsigned char c = (unsigned char)path[0];
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) && path[1] == ':' &&
	       (path[2] == '/' || path[2] == '\\' || path[2] == '\0');
}

/* Notes on the container: members outside the root, drive-letter and backslash paths. */
static int note_oddities(struct package *p, const struct pkgfs *fs, struct diag *d)
{
	size_t plen = strlen(p->root);
	char detail[PKGFS_MSG_PATH_MAX + 96], mp[PKGFS_MSG_PATH_MAX + 4];
	for (size_t i = 0; i < fs->n; i++) {
		const struct pkgfs_member *m = &fs->members[i];
		if (m->kind == PKGFS_DIR)
			continue;
		if (strncmp(m->path, p->root, plen)) {
			p->n_outside_root++;
			snprintf(detail, sizeof(detail),
			         "outside the package root '%s': not analysed",
			         pkgfs_msg_path(p->root, mp));
			if (add_note(p, d, "outside_root", m->path, detail) < 0)
				return -1;
		}
		if (drive_path(m->path) &&
		    add_note(p, d, "drive_path", m->path,
		             "path starts with a drive letter (a Windows path)") < 0)
			return -1;
		if (strchr(m->path, '\\') &&
		    add_note(p, d, "backslash_path", m->path,
		             "path contains a backslash (a Windows separator)") < 0)
			return -1;
	}
	return 0;
}

/* Does a component of `path` before its last end in `suffix` (a metadata directory)? */
static int in_dir_ending(const char *path, const char *suffix)
{
	size_t k = strlen(suffix);
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/'))
		if ((size_t)(s - path) > k && !memcmp(s - k, suffix, k) && s - k > path &&
		    s[-k - 1] != '/')
			return 1;
	return 0;
}

/* Is `path` (below the root) Python content on its own: source, bytecode, a path-configuration
 * file, a compiled extension module, a setup file or part of a metadata directory?
 * `site_root`: the root is a dist-packages/site-packages directory, where any *.so is an
 * extension module. */
static int is_python_member(const char *path, int site_root)
{
	static const char *const suffixes[] = {".py", ".pyc", ".pyd", ".pth", ".egg-info", NULL};
	static const char *const setup[] = {"setup.py", "setup.cfg", "pyproject.toml", NULL};
	const char *b = base_name(path);
	for (int i = 0; suffixes[i]; i++)
		if (ends_with_ci(b, suffixes[i]))
			return 1;
	for (int i = 0; setup[i]; i++)
		if (!strcmp(b, setup[i]))
			return 1;
	if (ends_with_ci(b, ".so") &&
	    (site_root || strstr(b, ".cpython-") || strstr(b, ".abi3.") || strstr(b, ".pypy")))
		return 1;
	return in_dir_ending(path, ".egg-info") || in_dir_ending(path, ".dist-info");
}

/* Garbage is not a package: is there Python content (is_python_member()) or a metadata file? */
static int looks_like_python(const struct package *p)
{
	size_t rl = strlen(p->root);
	int site_root = (rl >= 14 && !strcmp(p->root + rl - 14, "dist-packages/")) ||
	                (rl >= 14 && !strcmp(p->root + rl - 14, "site-packages/"));
	if (p->metadata)
		return 1;
	for (size_t i = 0; i < p->n_files; i++)
		if (is_python_member(p->files[i].path, site_root))
			return 1;
	return 0;
}

#define PACKAGE_AUX_MAX 8 /* copyright files kept per .deb */

/* Is `path` "usr/share/doc/<one component>/copyright"? */
static int is_deb_copyright(const char *path)
{
	const char *pkg = path + 14, *s;
	if (strncmp(path, "usr/share/doc/", 14) || !(s = strchr(pkg, '/')) || s == pkg)
		return 0;
	return !strcmp(s, "/copyright");
}

/* A .deb's licence files outside the root, moved from `fs` into p->aux. 0 or -1 (message). */
static int keep_aux(struct package *p, struct pkgfs *fs, struct diag *d)
{
	size_t plen = strlen(p->root);
	for (size_t i = 0; i < fs->n && p->n_aux < PACKAGE_AUX_MAX; i++) {
		struct pkgfs_member *m = &fs->members[i];
		if (m->kind != PKGFS_FILE || !strncmp(m->path, p->root, plen) ||
		    !is_deb_copyright(m->path))
			continue;
		if (!p->aux && !(p->aux = calloc(PACKAGE_AUX_MAX, sizeof(*p->aux))))
			return diag_error(d, "out of memory");
		struct package_file *f = &p->aux[p->n_aux];
		if (!(f->path = strdup(m->path)))
			return diag_error(d, "out of memory");
		f->kind = m->kind;
		f->size = m->size;
		f->data = m->data;
		m->data = NULL;
		if (f->data) {
			size_t k = f->size < 8192 ? f->size : 8192;
			f->is_text = memchr(f->data, 0, k) == NULL;
		}
		p->n_aux++;
	}
	return 0;
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
	if (!p->root && !(p->root = strdup("")))
		return diag_error(d, "out of memory");
	snprintf(p->format, sizeof(p->format), "%s", fs->format);
	p->unpacked_bytes = fs->unpacked_bytes;
	/* a .deb keeps only its dist-packages tree: the rest is not an oddity */
	if (strncmp(fs->format, "deb", 3) && note_oddities(p, fs, d) < 0)
		return diag_error(d, "out of memory");
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
		f->kind = m->kind;
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
	p->archive = fs->archive;
	p->archive_len = fs->archive_len;
	fs->archive = NULL;
	if (!strncmp(fs->format, "deb", 3) && keep_aux(p, fs, d) < 0)
		return -1;
	p->metadata = pick_metadata(p);
	if (!looks_like_python(p))
		return diag_error(d,
		                  "not a Python package: no Python source, bytecode or extension "
		                  "module, no metadata and no setup file (%zu file%s)",
		                  p->n_files, p->n_files == 1 ? "" : "s");
	return 0;
}

/* The reader's options for package `p`: its limits, its deadline, the default passwords. */
static void fill_options(struct pkgfs_options *po, const struct package_options *o,
                         struct package *p)
{
	struct package_options def;
	if (!o) {
		package_options_default(&def);
		o = &def;
	}
	memset(po, 0, sizeof(*po));
	po->passwords = o->passwords ? o->passwords : default_passwords;
	po->want = o->load_all ? NULL : want_cb;
	po->keep_archive = o->keep_archive;
	po->limits = o->limits;
	deadline_start(&p->deadline, o->time_budget);
	po->deadline = &p->deadline;
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

/* A new, empty package named `name`, or NULL (message on d). */
static struct package *package_new(const char *name, struct diag *d)
{
	struct package *p = calloc(1, sizeof(*p));
	if (!p || !(p->input_path = strdup(name))) {
		free(p);
		diag_error(d, "'%s': out of memory", name);
		return NULL;
	}
	diag_init(&p->diag);
	return p;
}

int package_open(struct package **out, const char *path, const struct package_options *o,
                 struct diag *d)
{
	struct pkgfs_options po;
	struct diag local;
	struct pkgfs *fs = NULL;
	*out = NULL;
	struct package *p = package_new(path, d);
	if (!p)
		return -1;
	fill_options(&po, o, p);
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
	if (!name)
		name = "<memory>";
	struct package *p = package_new(name, d);
	if (!p)
		return -1;
	fill_options(&po, o, p);
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
	for (size_t i = 0; i < p->n_aux; i++) {
		free((char *)p->aux[i].path);
		free((unsigned char *)p->aux[i].data);
	}
	free(p->aux);
	for (size_t i = 0; i < p->n_notes; i++) {
		free(p->notes[i].path);
		free(p->notes[i].detail);
	}
	free(p->notes);
	free(p->archive);
	free(p->root);
	free(p->input_path);
	diag_release(&p->diag);
	free(p);
}
