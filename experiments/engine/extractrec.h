/* extractrec: the extraction record of a model -- everything `pyvet scan` and `pyvet predict` need
 * to compute a model's feature columns exactly as its training extraction did (issue 12 item 2;
 * docs/model-format.md "extraction").
 *
 * A record is a JSON object:
 *   featuresets  [{name, version, params {KEY: value}}]: the feature sets whose columns the
 *                model reads (the prefix of each fixed column "SET.feature", and the document
 *                set when it has vocabulary columns), in registry order, with every resolved
 *                parameter of each (as `pyvet extract` records them in features.json);
 *   params       {KEY: value}: every resolved analysis (url.*, domains.*, analysis.*) and reader
 *                (pkg.*) parameter of the extraction;
 *   data_sha256  {LABEL: hex}: the SHA-256 of each data file those columns depend on: the API
 *                table "python_apis.csv" (always), the popular-domain list "domains" (when a
 *                recorded set needs it, FEATURESET_NEEDS_DOMAINS) and each recorded set's own
 *                data files (featureset_type.data[], by label);
 *   cache_key    the extraction's cache key (informational; never compared).
 * A record is built from an extraction directory's sidecar (features.json) by `pyvet train`, and
 * from a configured extractrow by `pyvet scan`; extractrec_compare() then names the first
 * difference. Values are compared after resolution (both sides come from params_to_json()), so
 * "true" and "1" are the same value. One parameter is exempt: pkg.time_budget (the seconds a
 * package may take decide whether it is analysed, never a feature value; a slower machine may
 * need more).
 *
 * Memory management: functions returning cJSON * hand the caller a new object (cJSON_Delete);
 * inputs are borrowed. Errors: -1 or NULL with the reason on `d`. */
#ifndef PYVET_EXTRACTREC_H
#define PYVET_EXTRACTREC_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "experiments/engine/extractrow.h"

struct cJSON;

/* Parameters whose value may differ between the model and the run (see above). */
#define EXTRACTREC_EXEMPT "pkg.time_budget"

/** The record of the extraction in directory `dir` (its features.json) for a model whose fixed
 *  columns are fixed[0..n_fixed-1] and that has vocabulary columns when `text`. 0 with *out a new
 *  record, 0 with *out == NULL when `dir` has no features.json (a hand-made extraction), or -1
 *  on a malformed sidecar or one that does not describe a set, parameter group or data file the
 *  model reads. */
int extractrec_from_sidecar(const char *dir, const char *const *fixed, size_t n_fixed, int text,
                            struct cJSON **out, struct diag *d);

/** The record of a configured and loaded extractrow for the feature sets named in `model_rec`
 *  (each must be selected in `x`). NULL on error. */
struct cJSON *extractrec_from_extractrow(const struct extractrow *x, const struct cJSON *model_rec,
                                         struct diag *d);

/** Append the parameters of `rec` as LF-separated "KEY=VALUE" items for extractrow_setup()
 *  ("SET.KEY=V" for set parameters) to `out`. -1 if the record is malformed, names a feature set
 *  this pyvet does not have, or holds a value that cannot be passed (a ',' or a line break). */
int extractrec_params(const struct cJSON *rec, struct sbuf *out, struct diag *d);

/** Compare the model's record `want` with this run's `have`: feature-set versions and
 *  parameters, analysis and reader parameters (except EXTRACTREC_EXEMPT), data-file hashes. 0 if
 *  they agree; -1 with a message naming the first difference and both values otherwise.
 *  `user_params` (LF-separated "KEY=VALUE", may be NULL) are the --param items of the command
 *  line: a differing key among them is reported as a conflict with that --param. `where` names
 *  the other side in messages ("this scan", "the extraction 'DIR'"). */
int extractrec_compare(const struct cJSON *want, const struct cJSON *have, const char *user_params,
                       const char *where, struct diag *d);

#endif
