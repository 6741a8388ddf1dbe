/* ls: the options and the body of `pyvet ls PKG` -- list a package's normalised files as pyvet
 * reads them (in memory).
 *
 * Memory management: struct ls_opts borrows every string. */
#ifndef PYVET_RUN_LS_H
#define PYVET_RUN_LS_H

#include "experiments/cli/parseopt.h"

struct ls_opts {
	struct cli_list password; /* --password P */
	const char *pkg;          /* PKG: an archive or a directory */
};

/* The command line of `pyvet ls`. */
extern const struct cli_command ls_command;

/** List on stdout. Returns an exit status: 0 listed, 3 the package cannot be read, 4 write
 *  error. */
int ls_run(const struct ls_opts *o);

#endif
