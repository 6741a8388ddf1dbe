/* struct package: one PyPI package read in memory and normalised to one tree (spec D1).
 *
 * Built on core/pkgfs (libarchive in memory; nothing is written to disk, links are never
 * followed, nothing is executed). package_open() detects the format by content, unwraps an
 * encrypted storage zip, strips the common root and wrapper folders, maps a .deb's
 * dist-packages directory to the root, and picks the metadata file (root PKG-INFO, else the
 * shallowest *.egg-info/PKG-INFO, else the shallowest *.dist-info/METADATA).
 *
 * Which members are loaded: by default every member that analysis may read (*.py, PKG-INFO and
 * METADATA files, setup.cfg, pyproject.toml, LICENSE*, LICENCE*, COPYING*, README*,
 * entry_points.txt, *.txt, *.cfg, *.toml, *.json, *.md, *.rst, *.in under a size cap); all other
 * members are listed with their declared size but not loaded.
 *
 * Memory management: package_open() returns a package that owns every path and buffer;
 * package_free() releases it (NULL-safe). Files and their data are borrowed for the package's
 * lifetime. */
#ifndef PYVET_PACKAGE_H
#define PYVET_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/sbuf.h"

/* Hard and soft limits (every size and count of hostile input is bounded). A member over a soft
 * limit is skipped and counted; a package over a hard limit fails with a clear reason. */
struct pkg_limits {
	size_t max_input_bytes;  /* the archive file itself (hard) */
	size_t max_members;      /* members listed (hard) */
	size_t max_member_bytes; /* one loaded member (soft: skipped, counted) */
	size_t max_total_bytes;  /* all loaded bytes (hard) */
	size_t max_path_bytes;   /* one member path (soft) */
	size_t max_depth;        /* nested archives below the input: zip in zip, .deb data (hard) */
	double max_ratio;        /* uncompressed/compressed bytes of the whole input (hard) */
	size_t max_dir_entries;  /* directory inputs: entries visited (hard) */
};

/** The documented defaults (also written to results sidecars). */
void pkg_limits_default(struct pkg_limits *l);

struct package_options {
	const char *const
	    *passwords; /* NULL-terminated candidate zip passwords; NULL = {"infected"} */
	struct pkg_limits limits;
};

/** Defaults: password "infected", pkg_limits_default(). */
void package_options_default(struct package_options *o);

enum package_file_kind { PKG_FILE = 0, PKG_DIR, PKG_LINK, PKG_OTHER };

struct package_file {
	const char *path; /* normalised, relative to the package root, '/'-separated */
	enum package_file_kind kind;
	size_t size;               /* bytes loaded, or the declared size when not loaded */
	const unsigned char *data; /* NULL when not loaded; else `size` bytes (+ a NUL after) */
	int is_text;               /* loaded and looks like text (no NUL in the first 8 KiB) */
	const char *link_target;   /* PKG_LINK only; never followed */
};

struct package {
	char *input_path; /* as given */
	char sha256[65];  /* of the input bytes (hex), "" for directory inputs */
	char format[64];  /* "tar.gz", "zip", "whl", "zip+zipcrypto>tar.gz", "deb>tar.xz", "dir" */
	char *root;       /* the stripped prefix ("pkg-1.0/"), "" if none */
	struct package_file *files; /* sorted by path (byte order); directories excluded */
	size_t n_files;
	const struct package_file *metadata; /* chosen PKG-INFO / METADATA, or NULL */
	size_t n_skipped; /* members skipped (unsafe path, over a soft limit, special) */
	struct diag diag; /* warnings about skipped members */
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
 *  (0 = unknown): *.py, PKG-INFO, METADATA, setup.cfg, pyproject.toml, entry_points.txt,
 *  LICENSE*, LICENCE*, COPYING*, README* always (up to max_member_bytes); *.txt, *.cfg, *.toml,
 *  *.json, *.md, *.rst, *.in when declared at most 1 MiB. Everything else is listed only. */
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
