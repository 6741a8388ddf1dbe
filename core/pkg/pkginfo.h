/* PKG-INFO / METADATA parser (RFC 822 style headers; spec D4).
 *
 * `Key: value` lines; a line starting with space or tab continues the previous value (joined
 * with '\n', leading whitespace of the continuation kept as in the file minus the first
 * character for 8-space-indented description continuations is NOT done: the raw continuation
 * text after its first whitespace character is appended); the header block ends at the first
 * empty line and the rest is the body (the long description). Keys compare ASCII
 * case-insensitively. CRLF is tolerated. Values are bytes: invalid UTF-8 is kept unchanged.
 * The placeholder `UNKNOWN` and empty values count as absent for the getters below.
 *
 * The limits are soft (issue 10 item 7: a limit never makes a benign package unreadable): a
 * value longer than max_line_bytes is cut there (the field says so), fields after max_fields
 * are counted and ignored, bytes after max_bytes are not parsed. The caller reports what was
 * cut (the analysis turns it into package evidence).
 *
 * Memory management: pkginfo_parse() returns a struct owning every string; pkginfo_free()
 * releases it (NULL-safe). Values returned by the getters are borrowed. */
#ifndef PYVET_PKGINFO_H
#define PYVET_PKGINFO_H

#include <stddef.h>

#include "core/base/err.h"

struct pkginfo_limits {
	size_t max_line_bytes; /* one header value incl. continuations (spec D4: 64 KiB; soft) */
	size_t max_fields;     /* header fields (soft) */
	size_t max_bytes;      /* bytes of the file parsed (soft) */
};

/** Defaults: 64 KiB per header line, 10,000 fields, 16 MiB per file. */
void pkginfo_limits_default(struct pkginfo_limits *l);

struct pkginfo_field {
	char *key;       /* as written */
	char *value;     /* raw bytes, NUL-terminated; continuation lines joined with '\n' */
	size_t line;     /* 1-based line of the key in the file */
	int truncated;   /* value cut at max_line_bytes */
	size_t full_len; /* bytes of the value before any cut */
};

struct pkginfo {
	struct pkginfo_field *fields; /* in file order, repeats kept */
	size_t n_fields;
	char *body; /* text after the blank line ("" if none) */
	size_t body_len;
	size_t n_truncated;   /* fields whose value was cut */
	size_t n_dropped;     /* header fields after max_fields, ignored */
	size_t ignored_bytes; /* bytes after max_bytes, not parsed */
};

/** Parse `len` bytes. 0 and *out, or -1 with a reason on `d` (out of memory only: the limits
 *  are soft). `lim` may be NULL for the defaults. */
int pkginfo_parse(const char *buf, size_t len, const struct pkginfo_limits *lim,
                  struct pkginfo **out, struct diag *d);

/** First present value of `key` (case-insensitive), skipping empty and "UNKNOWN" values; NULL
 *  if none. */
const char *pkginfo_get(const struct pkginfo *pi, const char *key);

/** Iterate the present values of `key`: pass prev = NULL first, then the previous result.
 *  Returns the next field or NULL. Skips empty and "UNKNOWN" values. */
const struct pkginfo_field *pkginfo_next(const struct pkginfo *pi, const char *key,
                                         const struct pkginfo_field *prev);

/** Remove every field named `key` (case-insensitive), keeping the others in order. Returns the
 *  number removed (0 for pi NULL). */
size_t pkginfo_drop(struct pkginfo *pi, const char *key);

/** Free. NULL-safe. */
void pkginfo_free(struct pkginfo *pi);

#endif
