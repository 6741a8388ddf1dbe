/* pkgview: the canonical package view (issue 10.3; docs/package-view.md).
 *
 * The same logical package whatever the container: every feature set except `artifacts` reads a
 * package through this view, never through struct package. pkgview_build() takes a package as
 * the reader left it (core/pkg/package.h) and keeps
 *  - the package's shape, decided from content (pkgview_shape());
 *  - the chosen metadata file (package.h's rule: root PKG-INFO, *.egg-info/PKG-INFO,
 *    *.dist-info/METADATA, an installed *.egg-info file);
 *  - the setup files at the package root (setup.py, setup.cfg, pyproject.toml) if present;
 *  - the licence texts wherever the shape keeps them: root LICENSE*, LICENCE*, COPYING*,
 *    *.dist-info/licenses/ and *.dist-info/LICENSE* (any metadata directory), and an installed
 *    package's /usr/share/doc/<package>/copyright (in Debian's machine-readable format, DEP-5,
 *    only the licence of its "Files: *" paragraph: the rest licenses the packaging and vendored
 *    files);
 *  - every other member below the package root: Python modules and data files.
 * Hidden (no view file): the bookkeeping of metadata directories (RECORD, WHEEL, SOURCES.txt,
 * top_level.txt, dependency_links.txt, requires.txt, not-zip-safe, INSTALLER, REQUESTED,
 * direct_url.json, a second metadata file, ...) and everything outside the package root but the
 * licence text (a .deb's changelogs, scripts, other documentation). Container format, root depth
 * and line-ending style are not visible: view paths are relative to the package root (a wheel's
 * NAME.data/purelib/ and NAME.data/platlib/ prefixes removed), and every loaded member's text is
 * given with universal newlines (CRLF and lone CR read as LF), whatever its kind.
 *
 * Memory management: pkgview_build() returns a view that owns its arrays, the view paths it
 * rewrote and the texts it converted; members (`member`), the other paths and unconverted texts
 * are borrowed from the package, which must outlive the view. pkgview_free() releases it
 * (NULL-safe). */
#ifndef PYVET_VIEW_H
#define PYVET_VIEW_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/pkg/package.h"

/* How the package is laid out, decided from content (never from the file name). */
enum pkg_shape {
	PKG_SHAPE_SDIST = 0, /* a root PKG-INFO or a *.egg-info/ directory below the root */
	PKG_SHAPE_WHEEL,     /* a root *.dist-info/WHEEL (and no installer record) */
	PKG_SHAPE_INSTALLED, /* a .deb, a dist-packages/site-packages root, a root *.egg-info file,
	                      * or a root *.dist-info/INSTALLER */
	PKG_SHAPE_DIR        /* anything else (a source tree, a hand-made archive) */
};
#define PKG_SHAPE_COUNT 4

/* What a view file is to the package. */
enum pkgview_role {
	PKGVIEW_MODULE = 0,   /* Python source (*.py) that is not a root setup file */
	PKGVIEW_SETUP,        /* root setup.py, setup.cfg or pyproject.toml */
	PKGVIEW_METADATA,     /* the chosen metadata file */
	PKGVIEW_ENTRY_POINTS, /* entry_points.txt of a metadata directory */
	PKGVIEW_LICENSE,      /* a licence text (see above for where) */
	PKGVIEW_DATA          /* any other member below the root (data, docs, tests' files, compiled
	                       * modules, bytecode) */
};

struct pkgview_file {
	const char *path; /* view path, '/'-separated, relative to the package root; an installed
	                   * package's licence text outside the root keeps its absolute install
	                   * path ("/usr/share/doc/python3-x/copyright") */
	const struct package_file *member; /* the container member (borrowed) */
	enum pkgview_role role;
	int is_python;    /* the name ends in ".py" (modules and setup.py) */
	const char *text; /* loaded members: the bytes with universal newlines, NUL-terminated;
	                   * NULL when the member was not loaded (listed only) */
	size_t len;       /* bytes of `text` (so a CRLF file has the size of its LF copy); the
	                   * member's declared size when text is NULL */
};

struct pkgview {
	enum pkg_shape shape;
	struct pkgview_file *files; /* sorted by view path (byte order) */
	size_t n_files;
	const struct pkgview_file *metadata;  /* or NULL */
	const struct pkgview_file *setup_py;  /* root setup.py (a regular file) or NULL */
	const struct pkgview_file *setup_cfg; /* root setup.cfg or NULL */
	const struct pkgview_file *pyproject; /* root pyproject.toml or NULL */
	const struct pkgview_file **licenses; /* licence texts in search order: root files, then
	                                       * metadata-directory files, then the installed
	                                       * copyright (each group in view-path order) */
	size_t n_licenses;
	size_t n_modules;     /* role PKGVIEW_MODULE */
	size_t n_hidden;      /* package members hidden as bookkeeping */
	size_t bytes_visible; /* sum of the view files' `len` */
};

/** The shape of `p`, from its content (see enum pkg_shape; a .deb is always installed). */
enum pkg_shape pkgview_shape(const struct package *p);

/** "sdist", "wheel", "installed" or "dir". */
const char *pkg_shape_name(enum pkg_shape s);

/** Build the view of `p` (which must outlive it). 0 and *out, or -1 with the reason on `d` (out of
 *  memory only). */
int pkgview_build(const struct package *p, struct pkgview **out, struct diag *d);

/** The view file at view path `path`, or NULL (binary search). */
const struct pkgview_file *pkgview_find(const struct pkgview *v, const char *path);

/** Free. NULL-safe. */
void pkgview_free(struct pkgview *v);

#endif
