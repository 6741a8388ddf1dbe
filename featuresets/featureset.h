/* The feature-set contract: one feature family = one file and one line of featuresets/list.h. A set
 * declares everything a driver needs -- its columns or document, its parameters, the data files it
 * reads, the analysis options it sets and the evidence it writes -- so that no driver
 * (extractrow.c, experiments/run/extract.c, experiments/run/scan.c) ever names a set.
 *
 * Adding a feature set
 * --------------------
 * 1. Create featuresets/NAME.c defining `const struct featureset_type fs_NAME` (static
 *    functions, a static feature_names[] array, a parameter table with ranges). Cite the paper
 *    section or the spec decision each feature implements.
 * 2. Add `FEATURESET(NAME)` to featuresets/list.h.
 * That is all: `pyvet extract --featuresets NAME`, `--param NAME.KEY=V`, `--help`, the cache
 * key, the sidecar and `pyvet scan` pick it up through this table. In the type:
 *  - fixed columns: n_features > 0, feature_names[], extract() (NaN = not applicable); a
 *    document set instead sets document() (at most one such set is selected at a time);
 *  - parameters: a param_spec table; numeric ranges go in the table (core/base/params.h), so
 *    check() only holds rules between parameters (NULL if none);
 *  - data files: list them in data[] (a file, or a directory with FEATURESET_DATA_DIR) and read
 *    them in load(), which gets the resolved paths; each is hashed into the cache key and the
 *    sidecar's hashes as "label". A file is located by featureset_data_path(): the value of
 *    its `param` if set and not empty, else its `shipped` name; a value with a '/' is a path, a
 *    bare name a data file found as the shipped ones are (core/base/datafile.h: $PYVET_DATA,
 *    the installed data directory, the source tree's featuresets/data/; a new data file in
 *    featuresets/data/ is installed by `make install` with the others);
 *  - analysis needs: FEATURESET_NEEDS_DOMAINS in `needs` if the popular-domain list must be
 *    loaded; configure() copies parameters that shape the shared analysis pass or the
 *    tokenizer into the run's analysis_ctx / tokenize_options (see text.c);
 *  - evidence: items appended to `ev` by extract() go to evidence.jsonl under the set's name
 *    (and to `pyvet scan`); evidence_json() instead writes them as keys of its own (code.c).
 *  - columns from data: a set whose columns depend on its data files (yara: one per rule)
 *    leaves n_features 0 in its type and sets columns(); featureset_alloc() then gives the
 *    instance its own copy of the type with n_features and feature_names from columns(), so
 *    drivers always read the columns of an instance (fs->type), never of the registry type.
 * Columns are named "NAME.feature" everywhere (vocabulary columns "text:<token>"), so ablations
 * select columns by prefix. Bump `version` when a definition changes (it is in the cache key).
 *
 * Memory management: featureset_alloc() returns an instance owning its resolved parameters,
 * data-file paths and whatever load() put in the state; featureset_free() releases it (calling
 * release()). extract()/document() only read the state and the analysis, so one instance serves
 * every thread of a run. */
#ifndef PYVET_FEATURESET_H
#define PYVET_FEATURESET_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/params.h"
#include "core/base/sbuf.h"

struct analysis;
struct analysis_ctx;
struct evidence_list;
struct tokenize_options;
struct cJSON;

#define FEATURESET_MAX_DATA 8
#define FEATURESET_PATH_MAX 4096

/* featureset_data.flags */
#define FEATURESET_DATA_DIR 1u /* a directory: its regular files are hashed in name order */

/* One data file (or directory) a set reads. */
struct featureset_data {
	const char *label; /* key in the cache key and the sidecar's hashes, e.g. the file name */
	const char *param; /* the set's PARAM_STRING parameter that may name another one, or NULL */
	const char
	    *shipped;   /* default when `param` is NULL or empty: a name in featuresets/data/ */
	unsigned flags; /* FEATURESET_DATA_* */
};

/* featureset_type.needs */
#define FEATURESET_NEEDS_DOMAINS 1u /* the popular-domain list (spec D5) must be loaded */

struct featureset_type {
	const char *name;    /* "meta", "code", ... : the column prefix and the --param prefix */
	const char *summary; /* one line */
	unsigned version;    /* bump when a definition changes; part of the cache key */
	size_t state_size;
	const struct param_spec *params;
	/* Rules between parameters (ranges are in `params`): a message, or NULL if valid. */
	const char *(*check)(const void *state);

	/* Data files, terminated by an entry with label == NULL; NULL: none. */
	const struct featureset_data *data;
	/* Read them (paths[i] belongs to data[i]) into the state, once per run, after check().
	 * 0, or -1 with the reason on `d`. NULL: nothing to read. */
	int (*load)(void *state, const char *const *paths, struct diag *d);

	/* What the shared analysis must provide (FEATURESET_NEEDS_*). */
	unsigned needs;
	/* Copy the parameters that shape the analysis pass or the tokenizer into `ctx` / `topt`
	 * (only the fields this set owns). NULL: none. */
	void (*configure)(const void *state, struct analysis_ctx *ctx,
	                  struct tokenize_options *topt);

	/* Fixed-width sets: n_features > 0 and extract() fills out[0..n_features-1]
	 * (NaN = not applicable) and may append the evidence behind each value to `ev`. */
	size_t n_features;
	const char *const *feature_names; /* without the "NAME." prefix, stable order */
	int (*extract)(const void *state, const struct analysis *a, double *out,
	               struct evidence_list *ev, struct diag *d);
	/* Columns that come from the data (see "columns from data" above): called once after
	 * load(); the names (owned by the state, valid until release()) and their number in *n
	 * (at least 1). NULL: n_features and feature_names. */
	const char *const *(*columns)(const void *state, size_t *n);

	/* Document sets: n_features == 0 and document() appends the package's document, which the
	 * driver tokenizes with the run's tokenize_options. */
	int (*document)(const void *state, const struct analysis *a, struct sbuf *doc,
	                struct diag *d);

	/* evidence.jsonl: add this set's evidence `ev` to the package object `obj` as keys of its
	 * own (written before the other sets' keys). 0 or -1 (out of memory). NULL: the items go
	 * under the set's name when there are any. */
	int (*evidence_json)(const void *state, const struct evidence_list *ev, struct cJSON *obj);

	void (*release)(void *state);
};

/* A data file as located and hashed for one instance. */
struct featureset_file {
	const char *label; /* borrowed from the type */
	char path[FEATURESET_PATH_MAX];
	char sha256[65];
};

struct featureset {
	const struct featureset_type *type; /* the registered type, or own_type */
	struct featureset_type *own_type;   /* a copy with the instance's columns (columns()) */
	void *state;
	struct featureset_file data[FEATURESET_MAX_DATA]; /* type->data order */
	size_t n_data;
};

/** An instance: defaults, then "k=v,..." applied (range-checked), check() run, the data files
 *  located, hashed and handed to load(), and for a set with columns() its columns read. NULL
 *  with a message in err_buf on error. */
struct featureset *featureset_alloc(const struct featureset_type *t, const char *param_string,
                                    char *err_buf, size_t err_n);
/** Free. NULL-safe. */
void featureset_free(struct featureset *fs);
/** The registered type named `name`, or NULL. */
const struct featureset_type *featureset_find(const char *name);
/** All registered feature sets, NULL-terminated (featuresets/list.h order). */
extern const struct featureset_type *const featureset_types[];

/** Locate data file `df` of a set whose resolved parameters are `state` (see "data files"
 *  above) into buf (size n). Returns buf, or NULL if it does not exist (buf then holds the
 *  last candidate, for messages). */
const char *featureset_data_path(const struct featureset_type *t, const struct featureset_data *df,
                                 const void *state, char *buf, size_t n);

#endif
