/* protocli: command-line plumbing shared by `pyvet cv`, `pyvet train` and `pyvet predict` (and
 * usable by experiment drivers): loading an extraction with an optional split manifest, lists of
 * feature-set and learner names, and routing of `--param key=value` options.
 *
 * Parameter keys:
 *   text.<k>        vocabulary parameters (core/ml/vocab.h: num_words, mode, lower, preprocess,
 *                   vocab_scope)
 *   cv.<k>          folds, repeats, seed, kind (stratified|grouped)
 *   <learner>.<k>   a parameter of a selected learner (learners/<learner>.c), passed to
 *                   learner_alloc() as "k=v"; a key for a learner that is not selected is an
 *                   error
 *
 * Memory management: struct protocli is caller-owned; protocli_release() frees everything it
 * allocated. Errors are reported with err_report() and returned as -1 (the commands exit). */
#ifndef PYVET_PROTOCLI_H
#define PYVET_PROTOCLI_H

#include <stddef.h>

#include "experiments/engine/cvrun.h"
#include "core/ml/featdata.h"
#include "core/base/sbuf.h"

struct protocli {
	struct cvrun_options o;
	struct featspec *sets;
	size_t n_sets;
	struct cvrun_learner *learners;
	size_t n_learners;
	struct sbuf *lparams;       /* per learner: "k=v,..." (learners[i].params points into it) */
	struct vocab_filter filter; /* loaded when a set needs preprocessing */
	int filter_loaded;
};

/** Start with cvrun_options_default(). */
void protocli_init(struct protocli *pc);

/** Parse a comma-separated list of feature-set names. 0 or -1. */
int protocli_sets(struct protocli *pc, const char *list);

/** Parse a comma-separated list of learner names ("paper" = the paper's six: dt, rf, svm, mlp,
 *  nb, stack; "all" = every registered learner not flagged LEARNER_INTERNAL). 0 or -1. */
int protocli_learners(struct protocli *pc, const char *list);

/** Apply one "key=value" (call after protocli_learners()). 0 or -1. */
int protocli_param(struct protocli *pc, const char *kv);

/** Finish: load the word lists if any set needs them, and finalise learner parameter strings.
 *  0 or -1. */
int protocli_finish(struct protocli *pc);

/** The whole setup from option values: protocli_sets(sets), protocli_learners(learners),
 *  protocli_param() of params[0..n_params-1], protocli_finish(). 0 or -1 (reported). */
int protocli_setup(struct protocli *pc, const char *sets, const char *learners,
                   const char *const *params, size_t n_params);

/** Free. NULL-safe. */
void protocli_release(struct protocli *pc);

/** Load an extraction directory and, with `manifest`, select/order rows by it (only rows whose
 *  split is `split` when split != NULL). Warnings go to stderr. *out or -1. */
int protocli_load(const char *dir, const char *manifest, const char *split, struct featdata **out);

/** mkdir -p of the directory part of `path`. 0 or -1. */
int protocli_mkdir_parent(const char *path);

#endif
