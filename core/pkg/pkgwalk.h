/* pkgwalk: a package directory read into a pkgfs tree (the directory half of pkgfs_open_file).
 *
 * lstat only: symbolic links are recorded with their targets and never followed, devices and
 * FIFOs are recorded as PKGFS_OTHER and never opened, regular files are opened with O_NOFOLLOW.
 * Bounded by limits.max_dir_entries (hard), DIR_MAX_DEPTH nested directories (hard), the member
 * and total byte limits (soft) and the options' deadline. */
#ifndef PYVET_PKGWALK_H
#define PYVET_PKGWALK_H

#include "core/base/err.h"
#include "core/pkg/pkgfs.h"

/** Walk the directory `path` into a new tree (format "dir"). 0 and *out (release with
 *  pkgfs_free()), or -1 with the reason on `d` (*out untouched). Warnings about skipped entries
 *  go to `d`. */
int pkgwalk_open(struct pkgfs **out, const char *path, const struct pkgfs_options *o,
                 struct diag *d);

#endif
