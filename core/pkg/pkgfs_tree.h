/* pkgfs_tree: the member list of a pkgfs tree while it is being collected (internal to core/pkg:
 * shared by the archive reader pkgfs.c and the directory walker pkgwalk.c).
 *
 * Memory management: struct pkgfs_builder is caller-owned (zero it to start); pushed members
 * are owned by it until pkgfs_builder_release(), or until the caller moves `m` into a struct
 * pkgfs. Messages go to the diag passed in. */
#ifndef PYVET_PKGFS_TREE_H
#define PYVET_PKGFS_TREE_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/pkg/pkgfs.h"

#define PKGFS_MSG_PATH_MAX 120     /* member paths quoted in messages are cut to this many bytes */
#define PKGFS_LINK_TARGET_MAX 4096 /* link targets are cut to this many bytes */

struct pkgfs_builder {
	struct pkgfs_member *m;
	size_t n, cap;
	size_t n_skipped; /* members skipped so far (unsafe path, soft limit, duplicate) */
};

/** Append `m` (moved in: the builder owns its strings afterwards). 0, or -1 on out of memory
 *  (then `m` is still the caller's). */
int pkgfs_builder_push(struct pkgfs_builder *b, struct pkgfs_member *m);

/** Sort the members by path (byte order) and keep the last copy of each path (a warning per
 *  dropped file copy, counted in n_skipped). 0, or -1 on out of memory (message on `d`). */
int pkgfs_builder_finish(struct pkgfs_builder *b, struct diag *d);

/** Free every member and the array; zero the builder. */
void pkgfs_builder_release(struct pkgfs_builder *b);

/** Free one member's strings and buffer and zero it. */
void pkgfs_member_release(struct pkgfs_member *m);

/** `s` made safe for a one-line message in `out`: control bytes become '?', paths longer than
 *  PKGFS_MSG_PATH_MAX bytes are cut with "...". Returns out. */
const char *pkgfs_msg_path(const char *s, char out[PKGFS_MSG_PATH_MAX + 4]);

/** A copy of at most `max` bytes of `s`, or NULL on out of memory. */
char *pkgfs_strndup(const char *s, size_t max);

#endif
