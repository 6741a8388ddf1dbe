/* predict: the options and the body of `pyvet predict` -- score the packages of an extraction
 * with a model file written by `pyvet train` (experiments/engine/trained_model.h); one row per
 * package with its score and verdict. The extraction must be the one the model expects: its
 * features.json is checked against the model's extraction record
 * (experiments/engine/extractrec.h).
 *
 * Memory management: struct predict_opts borrows every string. */
#ifndef PYVET_RUN_PREDICT_H
#define PYVET_RUN_PREDICT_H

#include "experiments/cli/parseopt.h"

struct predict_opts {
	const char *model;     /* --model MODEL */
	const char *features;  /* --features DIR */
	const char *out;       /* --out FILE, NULL: standard output */
	const char *manifest;  /* --manifest M: rows (with --split) */
	const char *split;     /* --split S */
	int fail_on_malicious; /* --fail-on-malicious: exit 1 on a malicious verdict */
};

/* The command line of `pyvet predict`. */
extern const struct cli_command predict_command;

/** Score and write id,label,score,threshold,verdict. Returns an exit status: 0 done (nothing
 *  judged malicious with --fail-on-malicious), 1 a malicious verdict with --fail-on-malicious,
 *  2 an unreadable model, extraction or manifest or an extraction that differs from the
 *  model's, 4 a scoring or write error. */
int predict_run(const struct predict_opts *o);

#endif
