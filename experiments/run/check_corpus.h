/* check_corpus: the options and the body of `pyvet check-corpus` -- read every package of a
 * manifest in memory, parse its metadata file, and report what failed.
 *
 * Memory management: struct check_corpus_opts borrows every string. */
#ifndef PYVET_RUN_CHECK_CORPUS_H
#define PYVET_RUN_CHECK_CORPUS_H

#include "experiments/cli/parseopt.h"

struct check_corpus_opts {
	const char *manifest;   /* --manifest M */
	const char *corpus;     /* --corpus DIR */
	const char *debian_dir; /* --debian-dir D */
	size_t jobs;            /* --jobs N, 0: online CPUs */
	size_t every;           /* --every K */
};

/* The command line of `pyvet check-corpus`. */
extern const struct cli_command check_corpus_command;

/** Check and print the report on stdout. Returns an exit status: 0 every listed package was
 *  read, 2 a bad manifest, 3 some packages could not be read (listed), 4 write error. */
int check_corpus_run(const struct check_corpus_opts *o);

#endif
