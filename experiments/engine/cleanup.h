/* cleanup: what pyvet undoes when it is interrupted while external tools run: the private scratch
 * directories it created (experiments/engine/scratch.h) and the process groups of the tools it
 * started (experiments/engine/proc.h).
 *
 * cleanup_install() sets handlers for SIGINT, SIGTERM and SIGHUP (a signal the process ignores
 * stays ignored). On such a signal the handler first stops new creations (cleanup_begin() then
 * fails) and waits for those under way to register, then kills every registered process group,
 * deletes every registered directory with cleanup_rmtree(), restores the previous disposition
 * and raises the signal again, so pyvet still ends as the signal says (exit status 128 + n in a
 * shell). Nothing survives an interrupt that the handler could reach; only SIGKILL of pyvet
 * itself leaves a scratch directory behind (its name starts with "pyvet-peer-").
 *
 * State: a signal handler can only reach process-global state, so the registry is a fixed table
 * of CLEANUP_SLOTS directories and CLEANUP_SLOTS process groups (one per concurrent package job
 * is enough: at most 64 jobs), filled and read with C11 atomics and never with locks or malloc.
 * All functions are thread-safe; cleanup_rmtree() is also async-signal-safe.
 *
 * Memory management: the registry copies the paths it is given; nothing is allocated. */
#ifndef PYVET_CLEANUP_H
#define PYVET_CLEANUP_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#define CLEANUP_SLOTS 128
#define CLEANUP_PATH_MAX 1024

/** Install the handlers (idempotent; counted: each call needs one cleanup_uninstall()).
 *  0, or -1 when sigaction() fails (the reason on stderr). */
int cleanup_install(void);

/** Undo one cleanup_install(); the last one restores the previous dispositions. */
void cleanup_uninstall(void);

/** Begin creating something to register (a scratch directory, a child process): blocks the
 *  handled signals in the calling thread until cleanup_end(), and makes an interrupt wait until
 *  the registration is done, so nothing created in between escapes the handler. 0, or -1 when
 *  pyvet is being interrupted: then create nothing (and do not call cleanup_end()). */
int cleanup_begin(sigset_t *saved);

/** End what cleanup_begin() began (restores the signal mask saved there). */
void cleanup_end(const sigset_t *saved);

/** Register directory `path` (absolute, at most CLEANUP_PATH_MAX - 1 bytes) for deletion on a
 *  signal. The slot number, or -1 when the table is full or the path too long. */
int cleanup_add_dir(const char *path);

/** Forget directory slot `slot` (the caller deleted the directory or will). -1 is ignored. */
void cleanup_drop_dir(int slot);

/** Register process group `pgid` (> 0) to be killed on a signal. The slot, or -1 when full. */
int cleanup_add_group(pid_t pgid);

/** Forget process-group slot `slot`. -1 is ignored. */
void cleanup_drop_group(int slot);

/** Delete `path` and everything below it without following symbolic links (a link is removed,
 *  never its target), making directories writable where needed. Constant stack and descriptor
 *  use (it climbs back with ".."), no allocation: async-signal-safe. A missing `path` is not an
 *  error; "/" and "" are refused. 0, or -1 when something could not be removed (errno of the
 *  last failure). */
int cleanup_rmtree(const char *path);

#endif
