/* csvio: CSV tables in and out, over libcsv (reading) with pyvet's output rules (writing):
 * "%.17g" doubles in the C locale, NaN as an empty cell, RFC 4180 quoting, and files written to
 * "path.tmp" and rename()d into place on commit.
 *
 * Memory management: csvio_read() returns a table owning every string; csvio_table_free()
 * releases it (NULL-safe). struct csvio_out owns its FILE and temporary path until
 * csvio_out_commit() or csvio_out_abort(). */
#ifndef PYVET_CSVIO_H
#define PYVET_CSVIO_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/err.h"

struct csv_table {
	size_t n_cols;
	size_t n_rows; /* data rows, header excluded */
	char **header; /* n_cols names */
	char ***rows;  /* rows[i][j], NUL-terminated strings ("" for an empty cell) */
	size_t *line;  /* line[i]: the 1-based line of the file where row i starts */
};

/** Read a CSV file whose first row is a header. Every data row must have n_cols fields
 *  (a row of any other width is an error naming its line); blank lines are skipped. Messages
 *  name the line ("line 7: ...").
 *  `max_bytes` bounds the file size (0 = 1 GiB). 0 and *out, or -1 with the reason on `d`. */
int csvio_read(const char *path, size_t max_bytes, struct csv_table **out, struct diag *d);

/** csvio_read() for a data table that starts with comment lines (provenance): leading lines
 *  whose first byte is '#' are ignored; line numbers in messages and `line` stay those of the
 *  file. */
int csvio_read_commented(const char *path, size_t max_bytes, struct csv_table **out,
                         struct diag *d);

/** The same from a buffer. */
int csvio_parse(const char *buf, size_t len, struct csv_table **out, struct diag *d);

/** Free a table. NULL-safe. */
void csvio_table_free(struct csv_table *t);

/** Index of the column named `name`, or -1. */
long csvio_column(const struct csv_table *t, const char *name);

/* An output file being written; becomes visible at `path` only on commit. */
struct csvio_out {
	FILE *f;
	char *path;
	char *tmp;
};

/** Open "path.tmp" for writing (parent directories must exist). 0 or -1 (err_report). */
int csvio_out_open(struct csvio_out *o, const char *path);
/** Flush, check for write errors, close and rename into place. 0 or -1. Always releases `o`. */
int csvio_out_commit(struct csvio_out *o);
/** Close and delete the temporary file. NULL-safe on a never-opened `o` (f == NULL). */
void csvio_out_abort(struct csvio_out *o);

/** Write one text field, quoted when it holds ',', '"', CR or LF (no separator written). A
 *  field csvio_formula_like() flags is written with a leading "'" (OWASP's defence against
 *  spreadsheet formula injection: `=HYPERLINK(...)` in a package name shows as text). */
int csvio_write_field(FILE *f, const char *s);
/** 1 if text `s` starts with '=', '+', '-', '@', TAB or CR and is not a number as pyvet writes
 *  them ("-0.25", "+1e-05", "-inf"): a spreadsheet would evaluate it. */
int csvio_formula_like(const char *s);
/** Write `n` fields separated by ',' and a final '\n'. */
int csvio_write_row(FILE *f, const char *const *fields, size_t n);
/** Write a double as "%.17g" (NaN: nothing, so the cell is empty; +-Inf: "inf"/"-inf"). */
int csvio_write_double(FILE *f, double v);
/** Parse a cell written by csvio_write_double(): "" -> NaN. 0 or -1 if not a number. */
int csvio_parse_double(const char *s, double *v);

#endif
