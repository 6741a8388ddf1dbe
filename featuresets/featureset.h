/* One feature family = one file and one line of featuresets/list.h.
 *
 * Adding a feature set
 * --------------------
 * 1. Create featuresets/NAME.c defining `const struct featureset_type fs_NAME`
 *    (static functions, a static feature_names[] array, a parameter table). Cite the paper
 *    section and the spec decision each feature implements.
 * 2. Add `FEATURESET(NAME)` to featuresets/list.h.
 * Columns are named "NAME.feature" everywhere (vocabulary columns "text:<token>"), so ablations
 * select columns by prefix. `pyvet extract --featuresets` and the cache key pick it up by name.
 *
 * Memory management: featureset_alloc() returns an instance owning its resolved parameters;
 * featureset_free() releases it. extract()/document() only read the analysis. */
#ifndef PYVET_FEATURESET_H
#define PYVET_FEATURESET_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/params.h"
#include "core/base/sbuf.h"

struct analysis;
struct evidence_list;

struct featureset_type {
	const char *name;    /* "meta", "code", "file", "text", "apis", "artifacts" */
	const char *summary; /* one line */
	unsigned version;    /* bump when a definition changes; part of the cache key */
	size_t state_size;
	const struct param_spec *params;
	const char *(*check)(const void *state);

	/* Fixed-width sets: n_features > 0 and extract() fills out[0..n_features-1]
	 * (NaN = not applicable) and may append the evidence behind each value to `ev`. */
	size_t n_features;
	const char *const *feature_names; /* without the "NAME." prefix, stable order */
	int (*extract)(const void *state, const struct analysis *a, double *out,
	               struct evidence_list *ev, struct diag *d);

	/* Text sets: n_features == 0 and document() appends the package's document. */
	int (*document)(const void *state, const struct analysis *a, struct sbuf *doc,
	                struct diag *d);

	void (*release)(void *state);
};

struct featureset {
	const struct featureset_type *type;
	void *state;
};

/** An instance with defaults, then "k=v,..." applied and check() run. NULL with a message in
 *  err_buf on error. */
struct featureset *featureset_alloc(const struct featureset_type *t, const char *param_string,
                                    char *err_buf, size_t err_n);
/** Free. NULL-safe. */
void featureset_free(struct featureset *fs);
/** The registered type named `name`, or NULL. */
const struct featureset_type *featureset_find(const char *name);
/** All registered feature sets, NULL-terminated (featuresets/list.h order). */
extern const struct featureset_type *const featureset_types[];

#endif
