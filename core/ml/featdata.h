/* featdata: an extraction directory (features.csv + tokens.tsv written by `pyvet extract`) in
 * memory, feature-set names (featspec), and the per-split assembly of train/test matrices with a
 * vocabulary fitted on training rows only (spec D12, D13, section 5.1, 8.1).
 *
 * Extraction directory:
 *   features.csv  id,label,name,version,cluster,first_seen[,shape], then fixed feature columns
 *                 named "family.feature" (meta., code., file., apis., apis_alias., artifacts.);
 *                 an empty cell is NaN; label is malicious|benign (or 1|0). `shape` (the
 *                 package's shape, core/pkg/view.h) is a row label like `id`, never a column.
 *   tokens.tsv    one line per package with a document: id TAB token:count pairs (tokenize.h).
 *                 Rows of features.csv without a line get an empty document.
 * Row metadata: row_id = id, y = label, group = cluster or, when empty, the PEP 503 normalised
 * name (spec 8.2), date = first_seen.
 *
 * Feature-set names (featspec) -- grammar:
 *   spec    := part { '+' part } { '-' column }
 *   part    := 'T' | 'text'     the text vocabulary (core/ml/vocab.h), columns "text:<token>"
 *            | 'pre'            keyword and stop-word removal for T (D11); needs T
 *            | letters of M C F each at most once: M = "meta.", C = "code.", F = "file."
 *            | family           any other lower-case name: all columns "family." (e.g. artifacts,
 *                               apis, apis_alias, meta)
 *   column  := a full column name ("file.min_cfg") or a feature name ("min_cfg") that matches
 *              exactly one selected column; that column is dropped
 * The paper's eight combinations: M, C, F, T, MCF, T+pre, T+MCF, T+MCF+pre. Fixed columns keep
 * features.csv order and come first; vocabulary columns follow. A part that selects no column
 * of the extraction is an error, as is an unknown dropped column.
 *
 * NaN cells of selected fixed columns are written as 0 into the matrices (the learners need
 * numbers); featdata_build() counts them in *n_nan so drivers can report them.
 *
 * Memory management: featdata_load()/featdata_subset() return a struct owned by the caller
 * (featdata_free(), NULL-safe). struct featspec is caller-owned (featspec_release()).
 * featdata_build() hands the caller two new datasets and fills a caller-owned struct vocab. */
#ifndef PYVET_FEATDATA_H
#define PYVET_FEATDATA_H

#include <stddef.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"
#include "core/ml/tokenize.h"
#include "core/ml/vocab.h"

struct featdata {
	struct dataset *fixed;   /* n rows x all fixed columns; y, row_id, group, date set */
	struct doc_tokens *docs; /* n documents (empty when the package has no tokens line) */
	char **name;             /* n package names (may be "") */
	size_t n_with_tokens;    /* rows that had a tokens.tsv line */
	char features_sha256[65];
	char tokens_sha256[65]; /* "" when tokens.tsv is absent */
};

/** Load `dir`/features.csv and `dir`/tokens.tsv (optional: without it every document is empty
 *  and a warning is recorded). Bounds: features.csv <= 1 GiB, one tokens line <= 256 MiB.
 *  0 and *out, or -1 with the reason on `d`. */
int featdata_load(const char *dir, struct featdata **out, struct diag *d);

/** Rows idx[0..k-1] (in that order) as a new, independent featdata. NULL on out of memory. */
struct featdata *featdata_subset(const struct featdata *fd, const size_t *idx, size_t k);

/** Select and order rows by a manifest CSV (needs an `id` column; with split != NULL also a
 *  `split` column, and only rows whose split equals `split` are kept). Manifest ids missing from
 *  the extraction are skipped and counted in *n_missing (may be NULL) with a warning on `d`.
 *  0 and *out (a new featdata), or -1 with the reason on `d`. */
int featdata_select_manifest(const struct featdata *fd, const char *manifest_path,
                             const char *split, struct featdata **out, size_t *n_missing,
                             struct diag *d);

/** The row of package `id`, or (size_t)-1. Linear scan; for occasional lookups. */
size_t featdata_find(const struct featdata *fd, const char *id);

/** Free. NULL-safe. */
void featdata_free(struct featdata *fd);

/* A parsed feature-set name. */
struct featspec {
	char *name;    /* as given */
	int text;      /* T selected */
	int pre;       /* +pre given */
	char **prefix; /* fixed-column prefixes ("meta.", "artifacts.") */
	size_t n_prefix;
	char **drop; /* dropped columns as written */
	size_t n_drop;
};

/** Parse a set name (grammar above). 0, or -1 with the reason on `d` (fs is then released). */
int featspec_parse(const char *name, struct featspec *fs, struct diag *d);

/** The fixed columns of `fixed` selected by `fs`, in dataset order, as a malloc'd array the
 *  caller frees (*cols may be NULL when *n == 0). 0, or -1 with the reason on `d`. */
int featspec_columns(const struct featspec *fs, const struct dataset *fixed, size_t **cols,
                     size_t *n, struct diag *d);

/** Free. NULL-safe. */
void featspec_release(struct featspec *fs);

/** Assemble the matrices of one split: fixed columns of `fs`, then (if fs->text) the vocabulary
 *  columns of a vocabulary fitted on rows train_idx[0..n_train-1] in that order -- or, with
 *  vp->scope == VOCAB_SCOPE_ALL, on every row of fd in row order -- with keyword/stop-word
 *  removal when fs->pre or vp->preprocess (filter must then be non-NULL). Test rows never enter
 *  the fit under the default scope. *train_ds and *test_ds (NULL when test_idx is NULL) are new
 *  datasets; *vocab (may be NULL when not wanted) receives the fitted vocabulary (released first;
 *  left empty without T). *n_nan (may be NULL) receives the count of NaN cells written as 0.
 *  0, or -1 with the reason on `d`. */
int featdata_build(const struct featdata *fd, const struct featspec *fs,
                   const struct vocab_params *vp, const struct vocab_filter *filter,
                   const size_t *train_idx, size_t n_train, const size_t *test_idx, size_t n_test,
                   struct dataset **train_ds, struct dataset **test_ds, struct vocab *vocab,
                   size_t *n_nan, struct diag *d);

/** Build the matrix for rows idx[0..n-1] with an already fitted vocabulary (model files:
 *  `fixed_names` are the model's fixed columns, looked up by name in fd; `v` may be NULL when
 *  the model has no text part). A missing fixed column is an error. New dataset or NULL with
 *  the reason on `d`. */
struct dataset *featdata_apply(const struct featdata *fd, const char *const *fixed_names,
                               size_t n_fixed, const struct vocab *v, int mode, const size_t *idx,
                               size_t n, size_t *n_nan, struct diag *d);

/** PEP 503 normalisation of a project name into buf (lower-case; runs of '-', '_', '.' become
 *  one '-'). Returns buf. */
const char *featdata_normalise_name(const char *name, char *buf, size_t n);

#endif
