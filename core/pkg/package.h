/* struct package: one PyPI package read in memory and normalised to one tree (spec D1).
 *
 * Built on core/pkg/pkgfs (libarchive in memory; nothing is written to disk, links are never
 * followed, nothing is executed). package_open() detects the format by content, unwraps an
 * encrypted storage zip, chooses the package root (below), maps a .deb's dist-packages
 * directory to the root, and picks the metadata file (root PKG-INFO, else the shallowest
 * *.egg-info/PKG-INFO, else the shallowest *.dist-info/METADATA, else the shallowest *.egg-info
 * regular file, which is how distutils installs PKG-INFO).
 *
 * The root: descend from the archive root while the directory holds exactly one entry, which
 * is a directory, and no package marker (PKG-INFO, setup.py, setup.cfg, pyproject.toml,
 * *.egg-info/, *.dist-info/) (spec D1). Where that stops at a directory with several entries
 * but no marker (an sdist directory next to an extra top-level member such as `C:\x.py`, which
 * would otherwise hide PKG-INFO and setup.py from every feature), the root is the shallowest
 * directory that holds a marker (ties: the one with more members, then byte order). Members
 * outside the root are left out of the tree and reported as notes, as are drive-letter and
 * backslash paths.
 *
 * A .deb's root is its shallowest `dist-packages` directory, else its shallowest
 * `site-packages` directory, else the rule above; its `usr/share/doc/<package>/copyright` files
 * are kept beside the tree as `aux` members (the licence text of the installed shape; the
 * canonical view, core/pkg/view.h, reads them). Nothing else outside the root is kept.
 *
 * Garbage is not a package: an archive with no Python file (*.py, *.pyc, *.pyd, *.pth, a compiled
 * extension module: *.so named `*.cpython-*`, `*.abi3.*` or `*.pypy*`, or any *.so below a
 * dist-packages/site-packages root), no metadata file or metadata directory (*.egg-info,
 * *.dist-info) and no setup file (setup.py, setup.cfg, pyproject.toml) anywhere fails with "not
 * a Python package".
 *
 * Which members are loaded: by default every member that analysis may read (*.py, PKG-INFO and
 * METADATA files, an installed *.egg-info file, setup.cfg, pyproject.toml, LICENSE*, LICENCE*,
 * COPYING*, README*, entry_points.txt, and *.txt, *.cfg, *.toml, *.json, *.md, *.rst, *.in, *.pth
 * and Debian `copyright` files under a size cap); all other members are listed with their declared
 * size but not loaded.
 *
 * Limits and time: struct pkgfs_limits (pkgfs.h) plus a per-package time budget, set through
 * the `pkg.*` parameter table package_param_spec (`--param pkg.KEY=V` of `extract` and `scan`,
 * written to the features.json sidecar). The budget starts when package_open() is called and
 * covers everything done with the package afterwards: the analysis and the feature sets check
 * `deadline` in their loops.
 *
 * Memory management: package_open() returns a package that owns every path and buffer;
 * package_free() releases it (NULL-safe). Files, notes and their data are borrowed for the
 * package's lifetime. */
#ifndef PYVET_PACKAGE_H
#define PYVET_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/deadline.h"
#include "core/base/err.h"
#include "core/base/params.h"
#include "core/base/sbuf.h"
#include "core/pkg/pkgfs.h"

struct package_options {
	const char *const
	    *passwords; /* NULL-terminated candidate zip passwords; NULL = {"infected"} */
	struct pkgfs_limits limits;
	double time_budget; /* seconds for the whole package (read, analysis, features); <= 0:
	                     * none */
	int load_all;       /* 1: load every regular member (within the limits), not only those
	                     * package_want_member() selects */
	int keep_archive;   /* 1: keep the innermost archive's bytes in package.archive */
};

/** The `pkg.*` parameters over struct package_options (every limit and the time budget; the
 *  passwords are not a parameter). Defaults, documentation and names in package.c. */
extern const struct param_spec package_param_spec[];

/** Defaults: password "infected", every limit and the budget at package_param_spec's
 *  defaults, load_all = keep_archive = 0. */
void package_options_default(struct package_options *o);

struct package_file {
	const char *path;          /* normalised, relative to the package root, '/'-separated */
	enum pkgfs_kind kind;      /* PKGFS_FILE, PKGFS_LINK or PKGFS_OTHER (never PKGFS_DIR) */
	size_t size;               /* bytes loaded, or the declared size when not loaded */
	const unsigned char *data; /* NULL when not loaded; else `size` bytes (+ a NUL after) */
	int is_text;               /* loaded and looks like text (no NUL in the first 8 KiB) */
	const char *link_target;   /* PKGFS_LINK only; never followed */
};

/* A fact about the container worth reporting with the package's evidence; not an error. */
struct package_note {
	const char *rule; /* static: "outside_root", "drive_path", "backslash_path" */
	char *path;       /* the member's path in the archive (normalised), or NULL */
	char *detail;     /* one line */
};

#define PACKAGE_NOTES_MAX 16 /* notes kept per package; n_notes_dropped counts the rest */

struct package {
	char *input_path; /* as given */
	char sha256[65];  /* of the input bytes (hex), "" for directory inputs */
	char format[64];  /* "tar.gz", "zip", "whl", "zip+zipcrypto>tar.gz", "deb>tar.xz", "dir" */
	char *root;       /* the stripped prefix ("pkg-1.0/"), "" if none */
	struct package_file *files; /* sorted by path (byte order); directories excluded */
	size_t n_files;
	const struct package_file *metadata; /* chosen PKG-INFO / METADATA, or NULL */
	struct package_file *aux;            /* members outside the root kept for the view (a .deb's
	                                      * usr/share/doc/<package>/copyright; path = the member's
	                                      * normalised path in the archive), sorted by path */
	size_t n_aux;
	size_t n_skipped;           /* members skipped (unsafe path, over a soft limit, special) */
	size_t n_outside_root;      /* members left out because they are outside the root */
	size_t unpacked_bytes;      /* bytes decompressed while reading (pkgfs) */
	struct package_note *notes; /* container oddities, in path order */
	size_t n_notes;
	size_t n_notes_dropped; /* notes over PACKAGE_NOTES_MAX */
	/* With options.keep_archive: the archive the files were read from without its storage
	 * wrappers (the sdist inside an encrypted zip; a .deb's data.tar.*), NULL for directories.
	 * Its format is the last component of `format`. Owned. */
	unsigned char *archive;
	size_t archive_len;
	struct deadline deadline; /* the package's time budget, started by package_open() */
	struct diag diag;         /* warnings about skipped members and notes */
};

/** Read the package at `path` (a file of any supported format, or a directory).
 *  0 and *out set on success; -1 with the reason on `d` on failure (*out NULL).
 *  `o` may be NULL for the defaults. */
int package_open(struct package **out, const char *path, const struct package_options *o,
                 struct diag *d);

/** The same from bytes already in memory (`name` is used in messages only). */
int package_open_memory(struct package **out, const void *buf, size_t len, const char *name,
                        const struct package_options *o, struct diag *d);

/** Whether the default reader loads a member with this normalised path and declared size
 *  (0 = unknown): *.py, PKG-INFO, METADATA, *.egg-info, setup.cfg, pyproject.toml,
 *  entry_points.txt, LICENSE*, LICENCE*, COPYING*, README* always (up to max_member_bytes);
 *  *.txt, *.cfg, *.toml, *.json, *.md, *.rst, *.in, *.pth and files named `copyright` when declared
 * at most 1 MiB. Everything else is listed only. */
int package_want_member(const char *path, size_t declared_size);

/** The file at normalised path `path`, or NULL. */
const struct package_file *package_find(const struct package *p, const char *path);

/** Append a loaded file's text to `out` with CRLF and lone CR converted to LF. -1 if not loaded. */
int package_read_text(const struct package_file *f, struct sbuf *out);

/** Whether `f` is a Python source file (name ends in ".py", ASCII case-insensitive). */
int package_is_python(const struct package_file *f);

/** Free the package. NULL-safe. */
void package_free(struct package *p);

#endif
