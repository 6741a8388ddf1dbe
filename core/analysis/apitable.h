/* apitable: the suspicious-API table of the packj-equivalent scan (spec D8, Appendix A): full
 * call names ("os.system") and their category, loaded from featuresets/data/python_apis.csv.
 *
 * The file has `full_name,category` rows without a header; lines starting with '#' are comments
 * (provenance). Categories are the 11 of Appendix A (api_categories[]); a name may appear once.
 *
 * Memory management: api_table_load() returns a table owned by the caller (api_table_free()).
 * Category strings are static (api_categories[]); lookups are read-only and thread-safe. */
#ifndef PYVET_APITABLE_H
#define PYVET_APITABLE_H

#include <stddef.h>

#include "core/base/err.h"

struct api_table;

/** Load the table at `path`. 0 and *out, or -1 with the reason on `d`. */
int api_table_load(struct api_table **out, const char *path, struct diag *d);
/** Free. NULL-safe. */
void api_table_free(struct api_table *t);
/** Number of entries. */
size_t api_table_size(const struct api_table *t);
/** SHA-256 (hex) of the file the table was loaded from. Borrowed. */
const char *api_table_sha256(const struct api_table *t);
/** The category of `full_name`, or NULL if not listed. Static. */
const char *api_table_category(const struct api_table *t, const char *full_name);
/** The same for the n bytes at `name` (not NUL-terminated). */
const char *api_table_category_n(const struct api_table *t, const char *name, size_t n);
/** packj's report heading for a category ("performs a process operation"), or NULL. */
const char *api_category_heading(const char *category);
/** The 11 categories in Appendix A order, NULL-terminated. */
extern const char *const api_categories[];

#endif
