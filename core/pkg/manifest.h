/* manifest: the corpus manifest CSV (../shared/corpus/manifest.csv format, read with csvio over
 * libcsv): id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,
 * top_rank,bytes,dropped_files, plus an optional `split` column (datasets/<name>/manifest.csv)
 * and an optional `overlap` column (the Debian slice, datasets/debian/manifest.csv).
 *
 * Paths: a row's `path` is relative to the corpus folder, except in a dataset that mixes the
 * corpus and the Debian slice (datasets/realistic): there a path beginning with "debian/" is
 * relative to the Debian slice folder (see manifest_row_file()).
 *
 * Memory management: manifest_read() returns a manifest owning every string; manifest_free()
 * releases it (NULL-safe). */
#ifndef PYVET_MANIFEST_H
#define PYVET_MANIFEST_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/sbuf.h"

/* The path prefix of the Debian slice's rows in a mixed dataset (datasets/README.md, "Paths"). */
#define MANIFEST_DEBIAN_PREFIX "debian/"

struct manifest_row {
	char *id, *label, *name, *version, *path, *format, *source, *first_seen, *cluster, *kind;
	char *split;        /* "train", "test", ... or "" when the column is absent */
	char *overlap;      /* "corpus", "none", ... or "" when the column is absent */
	long cluster_size;  /* -1 if empty */
	long top_rank;      /* -1 if empty */
	long bytes;         /* -1 if empty */
	long dropped_files; /* -1 if empty */
	int y;              /* 1 = malicious, 0 = benign */
};

struct manifest {
	struct manifest_row *rows;
	size_t n;
	char sha256[65]; /* of the manifest file */
};

#define MANIFEST_ID_MAX 128    /* bytes of an id */
#define MANIFEST_PATH_MAX 1024 /* bytes of a package path */

/** Read and validate a manifest: required columns present; label is malicious|benign; ids
 *  unique and manifest_id_valid() (ids name rows of tokens.tsv, features.csv and scores.csv,
 *  so a TAB, LF or comma in one would break them); paths relative, without a ".." component or
 *  a control character, at most MANIFEST_PATH_MAX bytes. 0 and *out, or -1 with the reason on
 *  `d` as "FILE:LINE: ...". */
int manifest_read(const char *path, struct manifest **out, struct diag *d);

/** 1 if `id` is 1 to MANIFEST_ID_MAX characters of [0-9A-Za-z._-] starting with a letter or
 *  digit (so also never a spreadsheet formula or an option), else 0. */
int manifest_id_valid(const char *id);

/** The path to open for row `r`: its file as manifest_row_file() names it ("<corpus>/<path>",
 *  or "<debian_dir>/<path without debian/>"), after checking that the path is relative, has no
 *  ".." component and that its real path (symbolic links resolved) lies inside the real path
 *  of the folder it is relative to. The one way to open a manifest path (check-corpus, extract,
 *  baseline, and reproduce through them). malloc'd (caller frees), or NULL with the reason on
 *  `d` (also when the file does not exist). The check and the later open are two steps: a
 *  corpus folder that someone changes in between is not defended. */
char *manifest_package_path(const struct manifest_row *r, const char *corpus,
                            const char *debian_dir, struct diag *d);

/** Free. NULL-safe. */
void manifest_free(struct manifest *m);

/** Append the file of row `r` to `out`: "<corpus>/<path>", or, when `debian_dir` is non-NULL and
 *  the path begins with MANIFEST_DEBIAN_PREFIX, "<debian_dir>/<path without the prefix>" (so a
 *  mixed dataset reads the corpus and the Debian slice from their own folders; without
 *  `debian_dir` such a path stays relative to the corpus). 0, or -1 (out of memory). */
int manifest_row_file(const struct manifest_row *r, const char *corpus, const char *debian_dir,
                      struct sbuf *out);

#endif
