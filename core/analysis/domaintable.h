/* domaintable: a popular-domain list compiled by `make` (scripts/build/mkdomaintable.c) into a
 * file that pyvet maps into memory, so that a one-package `scan` does not parse and reduce
 * 250,000 list rows with libpsl at every start (issue 12.6).
 *
 * The file holds the registrable domains that core/analysis/domains.c computed from one list
 * file with one setting, and the facts that make them valid: the list file's SHA-256, libpsl's
 * built-in PSL SHA-1, psl_private, top and the row counts. domains_load() uses a table only when
 * all of them equal those of the list it is asked to load (the list is hashed at every load),
 * so the table changes speed, never a decision (tests/test_domains.c compares both paths).
 *
 * Format (native byte order; the header records it): a 256-byte header (magic "PYVETDT1",
 * format version, byte-order mark, the facts above, slot count, pool length), then n_slots
 * 64-bit slots (0 = empty, else (hash >> 32) << 32 | (pool offset + 1); FNV-1a 64 of
 * strset_hash(), linear probing, at most half full), then the pool of NUL-terminated strings.
 * domaintable_open() checks the magic, version, byte order, sizes and the pool's final NUL;
 * every lookup checks the offset of the slots it reads, so a damaged file never makes pyvet
 * read outside the mapping (it can only give wrong answers, and its header must still match).
 *
 * Memory management: domaintable_open() returns a handle owning the mapping
 * (domaintable_close(), NULL-safe). Lookups are read-only and thread-safe. */
#ifndef PYVET_DOMAINTABLE_H
#define PYVET_DOMAINTABLE_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/strset.h"

#define DOMAINTABLE_FORMAT 1

/* What a table was built from and what it holds. */
struct domaintable_info {
	char source_sha256[65];           /* SHA-256 (hex) of the list file */
	char psl_sha1[41];                /* psl_builtin_sha1sum() of the libpsl that reduced it */
	int psl_private;                  /* the PSL sections used (domains.h) */
	size_t top;                       /* rows used (0 = all) */
	size_t rows, n_suffix, n_invalid; /* as domains_rows() etc. */
	size_t count;                     /* distinct registrable domains */
};

struct domaintable;

/** Write the strings of `set` with `info` as a table file at `path` (via path.tmp and rename).
 *  0, or -1 with the reason on `d`. */
int domaintable_write(const char *path, const struct domaintable_info *info,
                      const struct strset *set, struct diag *d);

/** Map and check the table file at `path`. 0 and *out, or -1 with the reason on `d`. */
int domaintable_open(struct domaintable **out, const char *path, struct diag *d);

/** The facts recorded in the table. Borrowed. */
const struct domaintable_info *domaintable_info(const struct domaintable *t);

/** 1 if s[0..len) is in the table, else 0. */
int domaintable_has(const struct domaintable *t, const char *s, size_t len);

/** Unmap and free. NULL-safe. */
void domaintable_close(struct domaintable *t);

#endif
