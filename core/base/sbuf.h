/* sbuf: the one growable byte buffer and string builder of pyvet.
 *
 * The buffer is always NUL-terminated after a successful operation (the NUL is not counted in
 * `len`), so `sb.buf` can be used as a C string when the content has no NUL bytes. An empty,
 * never-grown buffer has buf == NULL; use sbuf_cstr() to get "" in that case.
 *
 * Memory management: struct sbuf is caller-owned. sbuf_init()/SBUF_INIT start it empty,
 * sbuf_release() frees the storage, sbuf_detach() hands the storage to the caller (you then own
 * it and free it with free(3)). Growth checks size arithmetic for overflow. */
#ifndef PYVET_SBUF_H
#define PYVET_SBUF_H

#include <stddef.h>
#include "core/base/err.h"

struct sbuf {
	char *buf;  /* NULL until the first growth */
	size_t len; /* bytes used, excluding the terminating NUL */
	size_t cap; /* bytes allocated */
};

#define SBUF_INIT                                                                                  \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/** Start an empty buffer (no allocation). */
void sbuf_init(struct sbuf *sb);
/** Free the storage and reset to empty. NULL-safe. */
void sbuf_release(struct sbuf *sb);
/** Keep the storage, set the length to 0. */
void sbuf_reset(struct sbuf *sb);
/** Make room for `extra` more bytes (plus the NUL). 0, or -1 on overflow or out of memory. */
int sbuf_grow(struct sbuf *sb, size_t extra);
/** Append `n` bytes. 0 or -1 (out of memory). */
int sbuf_add(struct sbuf *sb, const void *data, size_t n);
/** Append a C string. */
int sbuf_addstr(struct sbuf *sb, const char *s);
/** Append one byte. */
int sbuf_addch(struct sbuf *sb, int c);
/** Append printf-style formatted text. */
int sbuf_addf(struct sbuf *sb, const char *fmt, ...) PYVET_PRINTF(2, 3);
/** Shorten to `len` bytes (len <= sb->len). */
void sbuf_setlen(struct sbuf *sb, size_t len);
/** The content as a C string; "" for a never-grown buffer. Borrowed. */
const char *sbuf_cstr(const struct sbuf *sb);
/** Hand the storage to the caller (never NULL on success: an empty buffer yields a malloc'd "");
 *  the buffer is reset to empty. `len` may be NULL. Returns NULL on out of memory. */
char *sbuf_detach(struct sbuf *sb, size_t *len);
/** Append the whole file at `path`, refusing more than `max` bytes. `what` names the file in
 *  the message ("pattern table": "cannot read pattern table 'PATH'", "pattern table 'PATH' is
 *  too large"). 0, or -1 with the reason on `d` (the buffer then holds what was read). */
int sbuf_read_file(struct sbuf *sb, const char *path, size_t max, const char *what, struct diag *d);

#endif
