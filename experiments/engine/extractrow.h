/* extractrow: one package -> analysis, fixed feature row, document tokens and evidence; the
 * per-package work shared by `pyvet extract` and `pyvet scan` (spec D3, D9, D10, section 8.5).
 *
 * Use: extractrow_setup() (feature sets, parameters, analysis and tokenizer options), then
 * extractrow_load() (API table and popular-domain list), then extractrow_run() once per package
 * (thread-safe: the configuration is only read), then extractrow_release().
 *
 * Parameters (--param K=V): "SET.KEY=V" goes to the selected feature set SET; the keys of
 * extractrow_param_spec (url.*, domains.*, analysis.*) configure the analysis itself, those of
 * package_param_spec (pkg.*: reader limits and the per-package time budget) the reader. Nothing
 * here names a feature set: what a set needs (data files, the domain list, analysis and
 * tokenizer options, its evidence keys) is declared in its featureset_type.
 *
 * Memory management: struct extractrow and struct extractrow_result are caller-owned, released
 * with extractrow_release() / extractrow_result_release() (both safe on a zeroed struct). A
 * result owns its package and analysis; the analysis borrows the package and x->ctx, so a result
 * must be released before the extractrow. JSON helpers return new cJSON items owned by the
 * caller (or add them to the caller's object). */
#ifndef PYVET_EXTRACTROW_H
#define PYVET_EXTRACTROW_H

#include <stddef.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/pkg/package.h"
#include "core/base/params.h"
#include "core/ml/tokenize.h"
#include "featuresets/featureset.h"

#define EXTRACTROW_MAX_SETS 32

struct cJSON;

/* Analysis-level parameters (--param url.X=..., domains.X=..., analysis.X=...). */
struct extractrow_params {
	int url_insecure;
	int url_private_ip;
	long domains_top;
	int psl_private;
	long max_strings;
};

/** The parameter table of struct extractrow_params (for help texts and sidecars). */
extern const struct param_spec extractrow_param_spec[];

struct extractrow {
	struct featureset *sets[EXTRACTROW_MAX_SETS]; /* selected sets, registry order */
	size_t n_sets;
	size_t n_cols;  /* sum of the fixed sets' n_features */
	int doc_idx;    /* index into sets of the document set (its tokens: tokens.tsv), or -1 */
	unsigned needs; /* FEATURESET_NEEDS_* of the selected sets */
	struct extractrow_params xp;
	struct package_options po; /* pkg.* parameters; passwords NULL (= "infected") */
	struct analysis_ctx ctx;
	struct tokenize_options topt;
	struct api_table *apis;  /* owned, set by extractrow_load() */
	struct domains *dl;      /* owned, NULL when none was needed and none found */
	char domains_path[4096]; /* the list loaded, "" if none */
};

/** Select the feature sets of the comma-separated list `sets` (NULL: every registered set;
 *  registry order; at most one document set), route the parameters `params` (LF-separated
 * "KEY=VALUE" items, may be NULL), allocate the sets (which loads their data files) and let each
 * configure the analysis and tokenizer options. `x` must be zeroed. On error prints "pyvet: CMD:
 * <reason>" to stderr and returns -1 (call extractrow_release()). */
int extractrow_setup(struct extractrow *x, const char *cmd, const char *sets, const char *params);

/** Load the shipped API table and the popular-domain list (`domains_arg`, else $PYVET_DOMAINS or
 *  the shared default; an error when a selected set needs it and none is found). On error
 *  prints "pyvet: CMD: <reason>" and returns -1. */
int extractrow_load(struct extractrow *x, const char *cmd, const char *domains_arg);

/** Free the sets, the API table and the domain list. Safe on a zeroed struct. */
void extractrow_release(struct extractrow *x);

struct extractrow_result {
	struct package *pkg;  /* owned */
	struct analysis *a;   /* owned */
	double *x;            /* n_cols values (set order, then feature order) or NULL */
	struct doc_tokens dt; /* the document set's tokens (empty without one) */
	struct evidence_list ev[EXTRACTROW_MAX_SETS]; /* per selected set */
};

/** Read the package at `path` (file or directory; `po` may be NULL for x->po), analyse
 *  it, run every selected set (fixed rows into res->x, the text document into res->dt). `res`
 *  must be zeroed. 0, or -1 with the reason on `d` ("SET: reason" when a set fails); the
 *  partial result is then still released by extractrow_result_release(). */
int extractrow_run(const struct extractrow *x, const char *path, const struct package_options *po,
                   struct extractrow_result *res, struct diag *d);

/** Free and zero. Safe on a zeroed struct. */
void extractrow_result_release(struct extractrow_result *res);

/** evidence_json_add_string() (core/analysis/evidence.h), for the writers in experiments/. */
void extractrow_json_add_string(struct cJSON *o, const char *k, const char *v);

/** evidence_list_json() (core/analysis/evidence.h), for the writers in experiments/. */
struct cJSON *extractrow_evidence_json(const struct evidence_list *ev, size_t from, size_t to);

/** The package's evidence.jsonl object is completed with the selected sets' evidence `ev`
 *  (one list per set): first the keys written by sets with an evidence_json() hook, then each
 *  other fixed set's items, if any, as an array under the set's name. 0 or -1 (out of
 *  memory). */
int extractrow_evidence_sets_json(const struct extractrow *x, const struct evidence_list *ev,
                                  struct cJSON *obj);

#endif
