/* linmodel: the linear decision function w.x + b shared by the svm (libsvm) and linsvm
 * (liblinear) learners: scoring and the saved form (d, then d + 1 weights in "%a"). Not a
 * registered learner.
 *
 * Memory management: struct linmodel is embedded in the learner state (zeroed by the registry);
 * its weights are allocated by the learner's fit or by linmodel_load() and freed by
 * linmodel_release() (idempotent). */
#ifndef PYVET_LINMODEL_H
#define PYVET_LINMODEL_H

#include <stdio.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"

struct linmodel {
	size_t d;
	double *w; /* d weights, then the bias (intercept) at w[d] */
};

/** out[i] = w.x_i + b for every row of `x` (summed in column order, the bias last). Returns 0,
 *  or -1 with a message prefixed by `who` on `dg` when the column count differs from m->d. */
int linmodel_score(const struct linmodel *m, const char *who, const struct dataset *x, double *out,
                   struct diag *dg);

/** Write "d D" and the d + 1 weights, one "%a" per line. Returns 0, or -1 on a stream error. */
int linmodel_save(const struct linmodel *m, FILE *f);

/** Read what linmodel_save() wrote into `m` (its weights allocated here; on failure they may be
 *  partly read and are freed by linmodel_release()). Returns 0, or -1 with a message prefixed by
 *  `who` on `dg`. */
int linmodel_load(struct linmodel *m, const char *who, FILE *f, struct diag *dg);

/** Free the weights and clear the pointer. */
void linmodel_release(struct linmodel *m);

#endif
