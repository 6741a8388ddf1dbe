/* meta: the options and the body of `pyvet meta PKG` -- the package's metadata file parsed
 * (spec D4), printed as JSON.
 *
 * Memory management: struct meta_opts borrows every string. */
#ifndef PYVET_RUN_META_H
#define PYVET_RUN_META_H

#include "experiments/cli/parseopt.h"

struct meta_opts {
	struct cli_list password; /* --password P */
	const char *pkg;          /* PKG */
};

/* The command line of `pyvet meta`. */
extern const struct cli_command meta_command;

/** Print the JSON on stdout. Returns an exit status: 0 printed, 3 the package or its metadata
 *  cannot be read or parsed, 4 write error. */
int meta_run(const struct meta_opts *o);

#endif
