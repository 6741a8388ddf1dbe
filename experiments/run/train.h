/* train: the options and the body of `pyvet train` -- fit the vocabulary and one learner on
 * every (selected) row of an extraction and write a model file (spec D31; the format is in
 * experiments/engine/trained_model.h and docs/model-format.md), with its verdict threshold
 * (the learner's, or calibrated on out-of-fold scores: experiments/engine/calibrate.h) and the
 * record of the extraction it was trained on (experiments/engine/extractrec.h).
 *
 * Memory management: struct train_opts borrows every string (argv, the table's defaults). */
#ifndef PYVET_RUN_TRAIN_H
#define PYVET_RUN_TRAIN_H

#include "experiments/cli/parseopt.h"

struct train_opts {
	const char *features;  /* --features DIR: the extraction */
	const char *set;       /* --set NAME: one feature set */
	const char *learner;   /* --learner NAME: one learner */
	const char *out;       /* --out MODEL */
	const char *manifest;  /* --manifest M: training rows (with --split) */
	const char *split;     /* --split S */
	unsigned long seed;    /* --seed S */
	struct cli_list param; /* --param KEY=VALUE: text.*, <learner>.* */
	const char *fpr;       /* --fpr F: calibrate the threshold to FPR <= F (or NULL) */
	const char *threshold; /* --threshold T: a fixed threshold (or NULL; not with --fpr) */
	size_t folds;          /* --folds K: out-of-fold scores for the calibration */
	size_t jobs;           /* --jobs N: threads of the out-of-fold fits */
};

/* The command line of `pyvet train` (options, defaults, help). */
extern const struct cli_command train_command;

/** Fit and write the model. Returns an exit status (experiments/cli/exitstatus.h): 0 written,
 *  2 bad options, an unreadable extraction or manifest or an unreachable --fpr, 4 the fit or the
 * write failed. */
int train_run(const struct train_opts *o);

#endif
