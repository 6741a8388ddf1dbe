/* pkgarg: the opening of the one package (`PKG [--password P]...`) of `pyvet ls` and `pyvet meta`
 * in memory, with the reader's warnings on stderr.
 *
 * Memory management: on success the caller owns *pkg (package_free()). */
#ifndef PYVET_PKGARG_H
#define PYVET_PKGARG_H

#include "core/pkg/package.h"
#include "experiments/cli/parseopt.h"

#define PKGARG_MAX_PASSWORDS 16

/** Open `input` with package_open(), trying passwords->v[0..n-1] for a ZipCrypto zip (none:
 *  the reader's default; at most PKGARG_MAX_PASSWORDS). Returns 0 with *pkg set; otherwise
 *  *pkg is NULL and the return value is the exit status (experiments/cli/exitstatus.h): 3 when
 *  the package cannot be read (the reason printed, escaped), 2 for too many passwords. */
int pkgarg_open(const char *input, const struct cli_list *passwords, struct package **pkg);

#endif
