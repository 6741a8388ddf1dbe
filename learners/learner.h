/* The one interface every classifier implements (a GSL-style type table: learner_type).
 *
 * Adding a learner
 * ----------------
 * 1. Create learners/NAME.c defining `const struct learner_type learner_NAME`, with every
 *    function static, a parameter table, and a comment stating the objective, the defaults, the
 *    stopping rule and the scikit-learn behaviour it reproduces.
 * 2. Add `LEARNER(NAME)` to learners/list.h.
 * That is all: the Makefile compiles every .c file in learners/, and tests/test_learners.c runs
 * every registered learner through the contract tests.
 *
 * Scores: score() writes one number per row; for LEARNER_PROBABILISTIC learners it is
 * P(malicious) and the verdict threshold is 0.5, otherwise it is a decision value with threshold
 * 0. A row is malicious iff score > threshold, strictly (spec D26).
 *
 * Errors, one convention for every call that can fail (learner_alloc, learner_load, learner_fit,
 * learner_score, learner_predict, learner_save): the last argument is a caller-owned
 * `struct diag *d` (may be NULL); on failure the function records one message on it ("NAME:
 * what went wrong") and returns -1 or NULL. Nothing is recorded on the learner itself, so a
 * fitted learner can be scored by several threads, each with its own diag. A training set with
 * one class only or no rows is an error. The type hooks follow the same rule (check() returns
 * its message instead, like LIBLINEAR's check_parameter()).
 *
 * Memory management: learner_alloc() returns an object that owns its state; learner_free()
 * releases it. fit() copies what it needs from `train` and keeps no pointer into it; score()
 * never modifies the state, so one fitted learner may be scored from several threads. */
#ifndef PYVET_LEARNER_H
#define PYVET_LEARNER_H

#include <gsl/gsl_rng.h>
#include <stdio.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"
#include "core/base/params.h"

struct learner;
struct learner_type;

/* The cell a learner is fitted in: the learners fitted by the same caller on exactly the same
 * training rows, and the seed the caller gives each type there (experiments/engine/cvrun.c).
 * A composite learner (stack) takes its final base models from the cell instead of fitting them
 * again, and fits the ones the cell lacks with the cell's seed for that type, so its result is
 * the same whether the cell shares a model or not. */
struct learner_cell {
	/* Always sets *seed to the cell's seed for type `t`; returns the learner of type `t` with
	 * its default parameters already fitted on the same rows with that seed, or NULL. May
	 * block until that learner is fitted. */
	const struct learner *(*peer)(const struct learner_cell *c, const struct learner_type *t,
	                              unsigned long *seed);
	void *arg;
};

enum learner_flags {
	LEARNER_PROBABILISTIC = 1 << 0, /* score() is P(malicious); threshold 0.5, else 0 */
	LEARNER_INTERNAL = 1 << 1,      /* building block (not offered by `pyvet cv` lists) */
};

struct learner_type {
	const char *name;                /* "rf", "stack", ...: the names of learners/list.h */
	const char *summary;             /* one line for --help */
	size_t state_size;               /* allocated zeroed by learner_alloc() */
	const struct param_spec *params; /* {0}-terminated; values live in the state */
	unsigned flags;
	/* NULL if the resolved parameters are valid, else a message (cf. check_parameter). */
	const char *(*check)(const void *state);
	/* Fit on `train`. 0 on success, -1 after diag_error(d, ...). */
	int (*fit)(void *state, const struct dataset *train, const gsl_rng *r, struct diag *d);
	/* Optional, composite learners only: fit() within a cell (see struct learner_cell). The
	 * fitted state may point to the cell's peers, which must outlive it. */
	int (*fit_cell)(void *state, const struct dataset *train, const gsl_rng *r,
	                const struct learner_cell *cell, struct diag *d);
	/* One score per row of `x` into out[0..x->n-1]; must not modify state. 0 or -1. */
	int (*score)(const void *state, const struct dataset *x, double *out, struct diag *d);
	/* Release what fit() allocated (the state block itself is freed by learner_free()). */
	void (*release)(void *state);
	/* Optional: write the fitted model as text (0, or -1 on a write error) / read it back
	 * (pyvet train/predict). */
	int (*save)(const void *state, FILE *f);
	int (*load)(void *state, FILE *f, struct diag *d);
};

struct learner {
	const struct learner_type *type;
	void *state;
	int fitted;
};

/** A learner of type `t` with defaults, then `param_string` ("trees=12,max_depth=5"; NULL or ""
 *  for none) applied and check() run. NULL on error ("NAME: message" on `d`). */
struct learner *learner_alloc(const struct learner_type *t, const char *param_string,
                              struct diag *d);
/** Fit; resets any previous fit. 0, or -1 with the reason on `d` (the learner is then
 *  unfitted). */
int learner_fit(struct learner *l, const struct dataset *train, const gsl_rng *r, struct diag *d);
/** learner_fit() within a cell: a composite learner (one with a fit_cell hook) may use the
 *  cell's fitted peers -- by pointer: free or refit `l` before them -- and its seeds; any other
 *  learner, or cell == NULL, is plain learner_fit(). */
int learner_fit_cell(struct learner *l, const struct dataset *train, const gsl_rng *r,
                     const struct learner_cell *cell, struct diag *d);
/** 1 if learners of type t can use a cell (they have a fit_cell hook). */
int learner_type_uses_cell(const struct learner_type *t);
/** 1 if `l` has the default parameters of its type (then it can serve as a cell's peer). */
int learner_has_defaults(const struct learner *l);
/** Scores for every row of x into out[x->n]. 0, or -1 (not fitted, wrong width, out of memory)
 *  with the reason on `d`. */
int learner_score(const struct learner *l, const struct dataset *x, double *out, struct diag *d);
/** The verdict threshold: 0.5 for probabilistic learners, else 0. */
double learner_threshold(const struct learner *l);
/** Verdicts: label[i] = score > threshold. 0, or -1 with the reason on `d`. */
int learner_predict(const struct learner *l, const struct dataset *x, int *label, struct diag *d);
/** Resolved parameters as "k=v,..." appended to out. */
int learner_params_format(const struct learner *l, struct sbuf *out);
/** Free the learner. NULL-safe. */
void learner_free(struct learner *l);
/** The registered type named `name`, or NULL. Also accepts the aliases "bnb" (nb) and
 *  "stacking" (stack). */
const struct learner_type *learner_find(const char *name);
/** Write a fitted learner as text: a header line "pyvet-learner 1 NAME PARAMS" (resolved
 *  parameters), the type's save() output, and a line "end NAME". Doubles are written so that they
 *  read back exactly. 0, or -1 (not fitted, no save hook, write error) with the reason on `d`. */
int learner_save(const struct learner *l, FILE *f, struct diag *d);
/** Read a learner written by learner_save() from the current position of `f`: a fitted learner
 *  that gives the same scores, owned by the caller (learner_free()). NULL on error, with the
 *  reason on `d`. Sizes read from the file are bounded. */
struct learner *learner_load(FILE *f, struct diag *d);
/** All registered learner types, NULL-terminated (learners/list.h order). */
extern const struct learner_type *const learner_types[];

#endif
