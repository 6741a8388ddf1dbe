/* license: normalisation of licence classifiers, fields and files to a licence family through a
 * named pattern table (spec D18, paper.md section 3.14).
 *
 * The table (featuresets/data/license_families.csv) has the columns family, kind, pattern;
 * lines starting with '#' before the header are comments (provenance). kind is `classifier`,
 * `field` or `file`. A pattern is one or more phrases joined by " && ". Text and patterns are
 * compared ASCII case-insensitively with every run of whitespace, '#' and '*' (comment and
 * Markdown markers) read as one space; a phrase
 * must start and end at a word boundary where its first/last character is a letter or digit.
 *
 * - A classifier ("License :: OSI Approved :: MIT License") takes the family of the first
 *   `classifier` row that matches, else of the first `field` row, else none.
 * - A field (`License`, `License-Expression`) takes the first matching `field` row, else the
 *   file rule below (fields sometimes hold the whole licence text).
 * - A file takes the `file` row whose first phrase occurs earliest in the text (ties: table
 *   order); each further phrase must follow the previous one within LICENSE_PHRASE_WINDOW
 *   bytes. Only the first LICENSE_TEXT_MAX bytes of a file are read.
 * Unrecognised text has no family (NULL).
 *
 * Memory management: license_table_load()/license_table_parse() return a table owned by the
 * caller (license_table_free()). Family names are borrowed from the table. Lookups are
 * read-only and thread-safe. */
#ifndef PYVET_LICENSE_H
#define PYVET_LICENSE_H

#include <stddef.h>

#include "core/base/err.h"

#define LICENSE_TEXT_MAX ((size_t)256 << 10)
#define LICENSE_PHRASE_WINDOW 2000

enum license_kind { LICENSE_CLASSIFIER = 0, LICENSE_FIELD, LICENSE_FILE };

struct license_table;

/** Load the table at `path`. 0 and *out, or -1 with the reason on `d`. */
int license_table_load(struct license_table **out, const char *path, struct diag *d);

/** The same from a buffer (`name` is used in messages). */
int license_table_parse(struct license_table **out, const char *buf, size_t len, const char *name,
                        struct diag *d);

/** Free. NULL-safe. */
void license_table_free(struct license_table *t);

/** Rows of the table. */
size_t license_table_rows(const struct license_table *t);

/** SHA-256 (hex) of the table's bytes. Borrowed. */
const char *license_table_sha256(const struct license_table *t);

/** The family of `len` bytes of `text` read as `kind`, or NULL if unrecognised. Borrowed. */
const char *license_family(const struct license_table *t, enum license_kind kind, const char *text,
                           size_t len);

/** license_family() that also adds the bytes it examined (normalisation, phrase searches and
 *  comparisons) to *work: a work measure for tests, linear in `len` for a given table. */
const char *license_family_work(const struct license_table *t, enum license_kind kind,
                                const char *text, size_t len, size_t *work);

/** Whether families `a` and `b` agree. With exact = 0 (license.level=family) a plain family
 *  agrees with its versions: "BSD" with "BSD-2" and "BSD-3", "GPL" with "GPL-2" and "GPL-3"
 *  (the rule: X agrees with any family X-...); with exact = 1 the names must be equal. */
int license_agree(const char *a, const char *b, int exact);

#endif
