/* reproduce: the options and the body of `pyvet reproduce` -- rerun the whole study into
 * results/ (issue #5): dataset splits, feature extraction, every CV cell, train -> test,
 * importance, baselines, descriptive statistics (figures and paper/report.md: scripts/report.sh,
 * run by `make reproduce`). Each step calls a command's body in process (experiments/run/:
 * split_run(), extract_run(), cv_run(), baseline_run(), descriptive_run()) with its options
 * struct, and records the step's outcome with the last message the body printed
 * (err_capture()). Resumable: finished steps are skipped (experiments/reproduce/repro.h); a
 * failing step is recorded and the others go on.
 *
 * Memory management: struct reproduce_opts borrows every string. */
#ifndef PYVET_REPRODUCE_H
#define PYVET_REPRODUCE_H

#include "experiments/cli/parseopt.h"

struct reproduce_opts {
	const char *corpus;          /* --corpus DIR */
	const char *out;             /* --out DIR */
	int quick;                   /* --quick */
	size_t jobs;                 /* --jobs N */
	unsigned long seed;          /* --seed S */
	int dataset;                 /* --dataset paper|full (0, 1) */
	int grouped_all;             /* --grouped-sets final|all (0, 1) */
	int force;                   /* --force */
	int no_bandit;               /* --no-bandit */
	int no_report;               /* --no-report (no effect) */
	const char *debian;          /* --debian DIR */
	const char *debian_manifest; /* --debian-manifest FILE */
};

/* The command line of `pyvet reproduce`. */
extern const struct cli_command reproduce_command;

/** Run every step. Returns an exit status: 0 every step done, 2 no corpus manifest (or a bad
 *  option), 4 some steps failed (OUT/reproduce_status.csv). */
int reproduce_run(const struct reproduce_opts *o);

#endif
