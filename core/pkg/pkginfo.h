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
 * Memory management: pkginfo_parse() returns a struct owning every string; pkginfo_free()
 * releases it (NULL-safe). Values returned by the getters are borrowed. */
#ifndef PYVET_PKGINFO_H
#define PYVET_PKGINFO_H

#include <stddef.h>

#include "core/base/err.h"

struct pkginfo_limits {
	size_t max_line_bytes; /* one header line incl. continuations (spec D4: 64 KiB) */
	size_t max_fields;     /* header fields */
	size_t max_bytes;      /* whole file */
};

/** Defaults: 64 KiB per header line, 10,000 fields, 16 MiB per file. */
void pkginfo_limits_default(struct pkginfo_limits *l);

struct pkginfo_field {
	char *key;   /* as written */
	char *value; /* raw bytes, NUL-terminated; continuation lines joined with '\n' */
	size_t line; /* 1-based line of the key in the file */
};

struct pkginfo {
	struct pkginfo_field *fields; /* in file order, repeats kept */
	size_t n_fields;
	char *body; /* text after the blank line ("" if none) */
	size_t body_len;
};

/** Parse `len` bytes. 0 and *out, or -1 with a reason on `d` (a header line over the limit,
 *  too many fields, out of memory). `lim` may be NULL for the defaults. */
int pkginfo_parse(const char *buf, size_t len, const struct pkginfo_limits *lim,
                  struct pkginfo **out, struct diag *d);

/** First present value of `key` (case-insensitive), skipping empty and "UNKNOWN" values; NULL
 *  if none. */
const char *pkginfo_get(const struct pkginfo *pi, const char *key);

/** Iterate the present values of `key`: pass prev = NULL first, then the previous result.
 *  Returns the next field or NULL. Skips empty and "UNKNOWN" values. */
const struct pkginfo_field *pkginfo_next(const struct pkginfo *pi, const char *key,
                                         const struct pkginfo_field *prev);

/** Free. NULL-safe. */
void pkginfo_free(struct pkginfo *pi);

#endif
