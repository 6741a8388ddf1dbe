/* descriptive: the options and the body of `pyvet descriptive` -- the share of each binary
 * feature per label next to the paper's stated prevalences (paper Sec. 4.2, 5.2; spec 2.4), and
 * the Pearson correlation of the seven binary features of the paper (spec D19), from an extract
 * output directory; optionally restricted to one split of a dataset manifest (D19: the training
 * data).
 *
 * Memory management: struct descriptive_opts borrows every string. */
#ifndef PYVET_RUN_DESCRIPTIVE_H
#define PYVET_RUN_DESCRIPTIVE_H

#include "experiments/cli/parseopt.h"

struct descriptive_opts {
	const char *features; /* --features DIR */
	const char *out;      /* --out FILE: the prevalence table */
	const char *targets;  /* --targets FILE, NULL: paper/targets.csv if readable */
	const char *corr;     /* --corr FILE, NULL: feature_correlation.csv next to --out */
	const char *manifest; /* --manifest FILE */
	const char *split;    /* --split NAME */
	/* The command line for the sidecars; NULL: the equivalent one (cli_sidecar_new()). */
	int argc;
	char *const *argv;
};

/* The command line of `pyvet descriptive`. */
extern const struct cli_command descriptive_command;

/** Write both tables. Returns an exit status: 0 written, 2 an unreadable input, 4 write
 *  error. */
int descriptive_run(const struct descriptive_opts *o);

#endif
