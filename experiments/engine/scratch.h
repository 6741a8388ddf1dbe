/* scratch: private, short-lived directories for the peer tools (packj, GuardDog), which need a
 * package on disk. pyvet itself never unpacks a package to disk; this module exists only so that
 * `pyvet baseline --peer` can hand a package to a separate program, which parses it.
 *
 * Rules (issue 13): the base folder is --scratch, else $TMPDIR, else /dev/shm when it is a
 * writable tmpfs, else /tmp, and never inside the repository or the output folder. Each package
 * gets a fresh directory BASE/pyvet-peer-<pid>-XXXXXX created by mkdtemp() (mode 0700),
 * registered with experiments/engine/cleanup.h so that SIGINT/SIGTERM/SIGHUP delete it, and
 * deleted by scratch_remove() after the package, also on errors. Files are written below it
 * relative to a directory descriptor, component by component (O_NOFOLLOW, O_EXCL, mode 0600;
 * directories 0700): only regular files that pyvet's reader loaded, only relative paths without
 * "." or ".." components, never a link. Sizes are those the reader already bounded
 * (core/pkg/package.h limits).
 *
 * Memory management: struct scratch is caller-owned and allocation-free; scratch_remove()
 * closes its descriptor and deletes the directory. */
#ifndef PYVET_SCRATCH_H
#define PYVET_SCRATCH_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/pkg/package.h"

#define SCRATCH_PATH_MAX 1024

struct scratch {
	char path[SCRATCH_PATH_MAX]; /* absolute path of the directory */
	int fd;                      /* descriptor of the directory (close-on-exec), -1 if none */
	int slot;                    /* cleanup registry slot, -1 if none */
};

/** Choose and resolve the base folder into buf (size n): `want` when not NULL, else $TMPDIR
 *  when set, else /dev/shm when it is a writable tmpfs, else /tmp. `forbidden` is a
 *  NULL-terminated list of folders the base must not be inside (the repository, the output
 *  folder; entries that do not exist are ignored). *is_tmpfs (may be NULL) says whether the base
 *  is on a tmpfs. 0, or -1 with the reason on `d`. */
int scratch_base(const char *want, const char *const *forbidden, char *buf, size_t n, int *is_tmpfs,
                 struct diag *d);

/** Create a fresh private directory under `base` and register it for deletion on a signal.
 *  0, or -1 with the reason on `d` (s->fd = -1 then). */
int scratch_create(struct scratch *s, const char *base, struct diag *d);

/** The absolute path of `rel` inside the scratch directory into buf ("" rel: the directory
 *  itself). Returns buf, or NULL when it does not fit. */
const char *scratch_path(const struct scratch *s, const char *rel, char *buf, size_t n);

/** Create directory `rel` (and its missing parents), mode 0700. 0 or -1 with the reason. */
int scratch_mkdir(const struct scratch *s, const char *rel, struct diag *d);

/** Write `len` bytes as the new regular file `rel` (parents created). The path must be relative,
 *  '/'-separated, without empty, "." or ".." components or control characters, and the file must
 *  not exist. 0 or -1 with the reason on `d`. */
int scratch_write(const struct scratch *s, const char *rel, const void *data, size_t len,
                  struct diag *d);

struct scratch_stats {
	size_t written;     /* files written */
	size_t bytes;       /* bytes written */
	size_t not_loaded;  /* regular members the reader listed but did not load (over a limit) */
	size_t not_regular; /* links, devices, FIFOs: never written */
	size_t refused;     /* paths refused or clashing (a file where a directory is needed) */
};

/** Write every loaded regular file of `p` below directory `rel` ("" = the scratch directory),
 *  at its package path. Members that cannot be written are counted in *st and skipped; the
 *  call fails only when nothing at all could be written or on an I/O error other than a
 *  refused path. 0 or -1 with the reason on `d`. */
int scratch_unpack(const struct scratch *s, const char *rel, const struct package *p,
                   struct scratch_stats *st, struct diag *d);

/** Delete the directory and everything in it (cleanup_rmtree()) and unregister it. Safe on a
 *  struct whose creation failed. 0, or -1 with the reason on `d` when something stayed. */
int scratch_remove(struct scratch *s, struct diag *d);

#endif
