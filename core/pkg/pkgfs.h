/* pkgfs: a package archive (or directory) read into memory; nothing is written to disk.
 *
 * The only module that includes <archive.h> (the hostile-input boundary). Formats: tar, zip and ar,
 * with the gzip, bzip2, xz and zstd filters, detected from content by libarchive's bidding.
 * ZipCrypto zips are opened with the caller's passwords. A zip whose single regular member is
 * itself an archive is unwrapped, and a Debian .deb (ar) is replaced by its data.tar.*; each
 * such step is one level of nesting, bounded by limits.max_depth. Links are recorded with their
 * targets and never followed; devices and FIFOs are recorded as PKGFS_OTHER and ignored.
 * Directories are walked by core/pkg/pkgwalk.c.
 *
 * Bounded in size and in time (issue 8): every byte that comes out of a decompressor counts
 * against max_unpacked_bytes and max_ratio as it comes, whether the member is loaded, too large
 * to load, or only listed, at every nesting level; members the analysis does not want are read
 * through and dropped wherever skipping them would decompress them anyway (any compressed
 * level, and every zip level, whose entries may have no size), and skipped only where skipping
 * is free (tar and ar without a filter). The options' deadline is checked per block and per
 * member. The reader therefore stops within one block of a limit. A zip's first entry is loaded
 * even when want() says no, in case it is the zip's only entry and an archive (a storage zip),
 * and dropped as soon as a second entry appears or when it turns out not to be an archive.
 *
 * Memory management: pkgfs_open_*() returns a tree that owns every path and every loaded
 * member buffer; release it with pkgfs_free() (NULL-safe). Members are borrowed for the tree's
 * lifetime. Warnings about skipped members go to the diag passed to the open call. */
#ifndef PYVET_PKGFS_H
#define PYVET_PKGFS_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

struct deadline;

/* Limits. A soft limit skips a member with a warning (counted in n_skipped); a hard limit fails
 * the open call with a one-line reason. The defaults and the `pkg.*` parameters that set them
 * are in package.h. */
struct pkgfs_limits {
	size_t max_input_bytes;    /* the input file (hard) */
	size_t max_members;        /* entries listed per archive level (hard) */
	size_t max_member_bytes;   /* one loaded member (soft: listed, not loaded) */
	size_t max_total_bytes;    /* all loaded bytes, all levels (soft: later members listed,
	                            * not loaded) */
	size_t max_unpacked_bytes; /* every decompressed byte, loaded or not, all levels (hard;
	                            * 0 = no limit) */
	size_t max_path_bytes;     /* one member path (soft) */
	size_t max_depth;          /* nesting levels below the input (hard) */
	double max_ratio;          /* decompressed bytes / input bytes, checked above
	                            * PKGFS_RATIO_FLOOR (hard; 0 = no limit) */
	size_t max_dir_entries;    /* directory inputs: entries visited (hard) */
};

/* Below this many uncompressed bytes the ratio limit is not applied (tiny inputs are fine). */
#define PKGFS_RATIO_FLOOR ((size_t)1 << 20)

enum pkgfs_kind { PKGFS_FILE = 0, PKGFS_DIR, PKGFS_LINK, PKGFS_OTHER };

struct pkgfs_member {
	char *path;          /* normalised: relative, '/'-separated, no "." or ".." parts */
	unsigned char *data; /* NULL when not loaded; else `size` bytes plus a NUL */
	size_t size;         /* bytes loaded, or the declared size when not loaded */
	enum pkgfs_kind kind;
	char *link_target; /* PKGFS_LINK only (symbolic or hard link); never followed */
	int hardlink;      /* PKGFS_LINK: 1 for a hard link, 0 for a symbolic link */
	int64_t mtime;     /* seconds since the epoch, as stored (0 if unset) */
};

/* Whether to load a member: its normalised path and declared size (0 if unknown). */
typedef int (*pkgfs_want_fn)(const char *path, size_t declared_size, void *ctx);

struct pkgfs_options {
	const char *const *passwords; /* NULL-terminated; NULL = no passwords */
	pkgfs_want_fn want;           /* NULL = load every regular member */
	void *want_ctx;
	int keep_archive; /* 1: keep a copy of the innermost archive's bytes (struct pkgfs.archive)
	                   */
	struct pkgfs_limits limits;
	const struct deadline *deadline; /* borrowed; NULL = no time budget */
};

struct pkgfs {
	struct pkgfs_member *members; /* sorted by path (byte order), one entry per path */
	size_t n;
	char format[64];  /* "tar.gz", "zip", "whl", "zip+zipcrypto>tar.gz", "deb>tar.xz", "dir" */
	size_t n_skipped; /* members skipped (unsafe path, over a soft limit, duplicate) */
	size_t loaded_bytes;   /* bytes loaded in total */
	size_t unpacked_bytes; /* bytes decompressed in total (loaded or read through), plus the
	                        * declared sizes of members skipped unread */
	/* With options.keep_archive: the bytes of the archive whose members these are, i.e. the
	 * input without its storage wrappers (the sdist inside an encrypted zip, a .deb's
	 * data.tar.*); NULL for directories or without the option. Owned. */
	unsigned char *archive;
	size_t archive_len;
};

/** Read the file at `path` (bounded by limits.max_input_bytes) and open it as an archive, or
 *  walk it when it is a directory (pkgwalk_open(): lstat only, links recorded, never followed).
 *  When `sha256` is not NULL it receives the hex SHA-256 of the file ("" for a directory).
 *  0 and *out, or -1 with the reason on `d` (*out NULL). */
int pkgfs_open_file(struct pkgfs **out, const char *path, const struct pkgfs_options *o,
                    char sha256[65], struct diag *d);

/** Open `len` bytes as an archive. The buffer is only read during the call. 0 or -1 as above. */
int pkgfs_open_memory(struct pkgfs **out, const void *buf, size_t len,
                      const struct pkgfs_options *o, struct diag *d);

/** The member at normalised path `path`, or NULL (binary search). */
const struct pkgfs_member *pkgfs_find(const struct pkgfs *fs, const char *path);

/** The format string, e.g. "zip+zipcrypto>tar.gz". Borrowed. */
const char *pkgfs_format(const struct pkgfs *fs);

/** Normalise an archive member path into `out` (size `cap`): strip leading "./" and "/" parts
 *  of the form "." and empty components, drop a trailing '/'. Returns 0 and the normalised path
 *  ("" for the archive root itself), or -1 with a static reason ("absolute path", "'..'
 *  component", "control character", "path too long"). */
int pkgfs_normalise_path(const char *in, char *out, size_t cap, size_t max_path_bytes,
                         const char **reason);

/** Free. NULL-safe. */
void pkgfs_free(struct pkgfs *fs);

#endif
