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

/** Read and validate a manifest (required columns present, label is malicious|benign, id and
 *  path non-empty, ids unique). 0 and *out, or -1 with the reason (file and line) on `d`. */
int manifest_read(const char *path, struct manifest **out, struct diag *d);

/** Free. NULL-safe. */
void manifest_free(struct manifest *m);

/** Append the file of row `r` to `out`: "<corpus>/<path>", or, when `debian_dir` is non-NULL and
 *  the path begins with MANIFEST_DEBIAN_PREFIX, "<debian_dir>/<path without the prefix>" (so a
 *  mixed dataset reads the corpus and the Debian slice from their own folders; without
 *  `debian_dir` such a path stays relative to the corpus). 0, or -1 (out of memory). */
int manifest_row_file(const struct manifest_row *r, const char *corpus, const char *debian_dir,
                      struct sbuf *out);

#endif
