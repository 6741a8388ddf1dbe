/* importance: permutation importance of any fitted learner under a chosen scorer (spec 5.6, D32).
 *
 * For column j and repeat k, column j of a copy of `x` is permuted with an independent stream
 * rng_derive(seed, j * n_repeats + k) (gsl_ran_shuffle of the row order), the copy is scored
 * with learner_score() and the chosen metric is computed against x->y. The importance of j is
 * baseline - mean over k of the permuted score, and its sd is the population standard
 * deviation of the n_repeats importances (numpy's np.std, as scikit-learn's
 * permutation_importance reports). Each (column j, repeat k) is one item of the work queue
 * (core/base/workq.h) writing its own slot; the streams do not depend on the thread count, so 1
 * and n threads give identical results.
 *
 * Memory management: the caller provides mean[x->d] and sd[x->d]; nothing is retained. */
#ifndef PYVET_IMPORTANCE_H
#define PYVET_IMPORTANCE_H

#include <stddef.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"
#include "learners/learner.h"

enum importance_scoring {
	IMPORTANCE_ACCURACY, /* fraction of correct verdicts (score > learner_threshold()) */
	IMPORTANCE_MACRO_F1, /* macro F1 with zero_division = 0 */
	IMPORTANCE_ROC_AUC,  /* ROC-AUC of the raw scores (NaN if x has one class) */
};

/** "accuracy", "macro_f1", "roc_auc" -> the enum, or -1 if unknown (the imp.scoring names). */
int importance_scoring_parse(const char *name);

/** The name of a scoring. */
const char *importance_scoring_name(enum importance_scoring s);

/** The score of `l` on `x` under `scoring` into *out. 0, or -1 with the learner's message on
 *  `d`. */
int importance_score(const struct learner *l, const struct dataset *x,
                     enum importance_scoring scoring, double *out, struct diag *d);

/** Permutation importance of every column of `x` for the fitted learner `l`, whose score() is
 *  called concurrently (learner.h allows it). n_repeats >= 1; n_threads 0 or 1 = the calling
 *  thread only, more = a work queue of that many threads (capped at x->d * n_repeats), each
 *  owning a copy of the matrix. Writes mean[j], sd[j] for j < x->d and the unpermuted score to
 * *baseline (may be NULL). 0, or -1 with the reason on `d` (x->n == 0, n_repeats == 0, not fitted,
 * a scoring failure, out of memory). Cost: x->d * n_repeats scorings of x. */
int importance_permutation(const struct learner *l, const struct dataset *x,
                           enum importance_scoring scoring, size_t n_repeats, unsigned long seed,
                           size_t n_threads, double *mean, double *sd, double *baseline,
                           struct diag *d);

#endif
