/* manifest: the corpus manifest CSV (../shared/corpus/manifest.csv format, read with csvio over
 * libcsv): id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,
 * top_rank,bytes,dropped_files, plus an optional `split` column (datasets/<name>/manifest.csv).
 *
 * Memory management: manifest_read() returns a manifest owning every string; manifest_free()
 * releases it (NULL-safe). */
#ifndef PYVET_MANIFEST_H
#define PYVET_MANIFEST_H

#include <stddef.h>

#include "core/base/err.h"

struct manifest_row {
	char *id, *label, *name, *version, *path, *format, *source, *first_seen, *cluster, *kind;
	char *split;        /* "train", "test", ... or "" when the column is absent */
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

#endif
