/* pkgarg: the `PKG [--password P]...` command line shared by `pyvet ls` and `pyvet meta`, and the
 * opening of PKG in memory.
 *
 * Memory management: on success the caller owns a->pkg (package_free()); a->input is borrowed
 * from argv. */
#ifndef PYVET_PKGARG_H
#define PYVET_PKGARG_H

#include <stdio.h>

#include "core/pkg/package.h"

#define PKGARG_MAX_PASSWORDS 16

struct pkgarg {
	const char *input;   /* the PKG argument */
	struct package *pkg; /* the package read from it, or NULL */
};

/** Parse argv (argv[0] is the subcommand) as `PKG [--password P]...` (at most
 *  PKGARG_MAX_PASSWORDS passwords; none = the reader's default) and open PKG with
 *  package_open(). `--help`/`-h` calls usage(stdout). `cmd` names the subcommand in messages
 *  ("pyvet: CMD: ..." on stderr). Returns 0 with a->pkg set; otherwise a->pkg is NULL and the
 *  return value is the exit status (experiments/commands.h): usage(stdout)'s after --help, 2
 *  for a usage error, 3 when the package cannot be read (the reason printed, escaped). */
int pkgarg_open(struct pkgarg *a, const char *cmd, int argc, char **argv, int (*usage)(FILE *));

#endif
