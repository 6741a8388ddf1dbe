/* split: the options and the body of `pyvet split` -- derive datasets/<name>/manifest.csv
 * (+ counts.csv, README.md) from a corpus manifest with the rules of experiments/engine/split.h.
 *
 * Memory management: struct split_opts borrows every string. */
#ifndef PYVET_RUN_SPLIT_H
#define PYVET_RUN_SPLIT_H

#include "experiments/cli/parseopt.h"

enum split_dataset { SPLIT_PAPER = 0, SPLIT_FULL, SPLIT_REALISTIC };

struct split_opts {
	const char *manifest;        /* --manifest CSV: the corpus manifest */
	int name;                    /* --name: enum split_dataset */
	const char *out;             /* --out DIR/manifest.csv */
	const char *debian;          /* --debian DEBIAN.csv (realistic only) */
	unsigned long seed;          /* --seed S */
	int probes;                  /* --probes 0|1 */
	long n_train_malicious;      /* --n-malicious-train N, -1: the dataset's */
	long n_test_malicious;       /* --test-malicious M, -1: the dataset's */
	double test_malicious_share; /* --test-malicious-share Q */
	double test_benign_share;    /* --test-benign-share B */
};

/* The command line of `pyvet split`. */
extern const struct cli_command split_command;

/** Split and write. Returns an exit status: 0 written, 2 bad options or a manifest that is
 *  unreadable or cannot be split, 4 write error. */
int split_run(const struct split_opts *o);

#endif
