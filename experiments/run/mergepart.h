/* mergepart: the parts of a sharded run as `pyvet merge` reads them (experiments/run/merge.h):
 * each part's sidecar and "shard" object, the checks that N parts make one run, and the merged
 * sidecar; merge_cv() and merge_oof() (merge_cv.c) join cv parts.
 *
 * Memory management: mergepart_load() returns an array the caller frees with
 * mergepart_release(); a part owns its sidecar and its file's bytes. JSON built here is owned by
 * the caller until handed to mergepart_write_sidecar(). */
#ifndef PYVET_MERGEPART_H
#define PYVET_MERGEPART_H

#include <stddef.h>

#include "core/base/sbuf.h"
#include "experiments/run/merge.h"

#define MERGE_MAX_PARTS 100000
#define MERGE_CSV_MAX ((size_t)4 << 30) /* a cv part file read into memory */
#define MERGE_PATH_MAX 4096

struct cJSON;

/* One part as given. */
struct part {
	const char *path;          /* the folder or file given */
	char file[MERGE_PATH_MAX]; /* its data file (cv, oof) or folder (extract) */
	struct cJSON *sc;          /* its sidecar (owned) */
	const struct cJSON *shard; /* sc's "shard" */
	size_t index, count;
	char *buf; /* cv and oof: the file's bytes (owned) */
	size_t len;
};

/** Read the sidecar of each of paths[0..n_parts-1] (a folder: its features.json; a file: its
 *  sidecar) and check that they are the N shards of one cut: a "shard" object of the same kind
 *  and count in each, every index once, the shard objects equal but for index, first_row and
 *  rows. *out sorted by shard index, *kind the parts' kind (borrowed from them). 0, or -1
 *  (reported; *out may still need mergepart_release()). */
int mergepart_load(const char *const *paths, size_t n_parts, struct part **out, const char **kind);

/** Free the parts. NULL-safe. */
void mergepart_release(struct part *p, size_t n);

/** The non-negative integer `key` of JSON object `o` into *v; 0, or -1 when absent or not one. */
int mergepart_size(const struct cJSON *o, const char *key, size_t *v);

/** The string `key` of `o` (borrowed), or NULL. */
const char *mergepart_string(const struct cJSON *o, const char *key);

/** The sidecar members keys[] (NULL-terminated) are equal in every part (the same inputs and
 *  parameters). 0, or -1 (reported: parts of different runs). */
int mergepart_same(const struct part *p, size_t n, const char *const *keys);

/** The merged sidecar, from the first part's: no "shard", no wall_seconds (written last again),
 *  "threads" of every part, "merged_from" listing the parts. NULL on out of memory. */
struct cJSON *mergepart_sidecar(const struct part *p, size_t n);

/** Set the number `key` of object `section` (NULL: the top level) of the merged sidecar `j` to
 *  its sum over the parts, in place. */
void mergepart_sum(struct cJSON *j, const struct part *p, size_t n, const char *section,
                   const char *key);

/** Write `j` (owned) as the sidecar of each of results[0..n-1]. 0 or -1 (reported). */
int mergepart_write_sidecar(struct cJSON *j, const char *const *results, size_t n);

/** Read a part's data file (p->file) into p->buf (at most MERGE_CSV_MAX). 0 or -1 (reported). */
int mergepart_read(struct part *p);

/** Join cv long-CSV parts into o->out (+ summary and sidecars); cv --oof parts into o->out. An
 *  exit status (merge.h). */
int merge_cv(const struct merge_opts *o, struct part *p, size_t n);
int merge_oof(const struct merge_opts *o, struct part *p, size_t n);

#endif
