/* domains: the popular-domain list and registrable-domain matching (spec D5).
 *
 * The list is a file (`rank,domain` CSV with a header, or one domain per line); its first
 * `top` rows are used (0 = all). Hosts and list entries are lower-cased, a trailing dot dropped,
 * and reduced to their registrable domain with libpsl's built-in Public Suffix List (private
 * section included unless psl_private = 0), then looked up. IP literals never match. No DNS.
 *
 * The parse of 250,000 rows costs ~0.2 s; `make` compiles the default list into a table
 * (core/analysis/domaintable.h) that domains_load() maps instead when it matches.
 *
 * Memory management: domains_load() returns a list owned by the caller (domains_free()).
 * Lookups are read-only and thread-safe. */
#ifndef PYVET_DOMAINS_H
#define PYVET_DOMAINS_H

#include <stddef.h>

#include "core/base/err.h"

struct domains;

#define DOMAINS_TABLE_NAME "top-domains.pvdt" /* the compiled table, in the data directory */

/** Load the list at `path`. The file is read and hashed; when the compiled table
 *  DOMAINS_TABLE_NAME (found by datafile_path()) was built from a file with the same SHA-256,
 *  with the same top and psl_private and by the same libpsl PSL, the table is mapped instead
 *  of parsing the rows (the same decisions, far faster; $PYVET_NO_DOMAIN_TABLE set in the
 *  environment forces the parse, for benchmarks). 0 and *out, or -1 with the reason on `d`. */
int domains_load(struct domains **out, const char *path, size_t top, int psl_private,
                 struct diag *d);

/** The same, always parsing the rows (never a table). */
int domains_load_list(struct domains **out, const char *path, size_t top, int psl_private,
                      struct diag *d);

/** 1 if `dl` was read from the compiled table, else 0. */
int domains_uses_table(const struct domains *dl);

/** Write the compiled table of a parsed list `dl` (loaded with domains_load_list() and `top`)
 *  to `path`. 0, or -1 with the reason on `d`. Used by make (scripts/build/mkdomaintable.c). */
int domains_write_table(const struct domains *dl, const char *path, size_t top, struct diag *d);
/** Free. NULL-safe. */
void domains_free(struct domains *dl);
/** Distinct registrable domains in the set. */
size_t domains_count(const struct domains *dl);
/** Rows read from the file. */
size_t domains_rows(const struct domains *dl);
/** Rows dropped because their entry is itself a public suffix (`github.io` with the private
 *  section, `co.uk`). */
size_t domains_dropped_suffix(const struct domains *dl);
/** Rows dropped as malformed (empty, characters outside letters, digits, '-', '_', '.', or an IP
 *  literal). */
size_t domains_dropped_invalid(const struct domains *dl);
/** The psl_private setting the list was loaded with (1 for NULL). */
int domains_psl_private(const struct domains *dl);
/** SHA-256 (hex) of the list file. Borrowed. */
const char *domains_sha256(const struct domains *dl);

/** The registrable domain of `host` into buf (size n), lower-cased; returns buf, or NULL when
 *  `host` is empty, an IP literal, or itself a public suffix. */
const char *domains_registrable(const struct domains *dl, const char *host, char *buf, size_t n);

/** 1 if `host` (a hostname, any case, optional trailing dot) reduces to a listed registrable
 *  domain, else 0. */
int domains_match(const struct domains *dl, const char *host);

#endif
