/* Locating pyvet's data files -- the shipped tables of featuresets/data/ (API table, word lists,
 * licence and pattern tables), the popular-domain list and its compiled table -- without
 * looking at the working directory (a directory must not be able to change what pyvet reads).
 *
 * Search order for a data file NAME, first existing wins:
 *   1. $PYVET_DATA/NAME (when set);
 *   2. the installed data directory compiled in by `make install` (PREFIX/share/pyvet/NAME);
 *   3. next to the binary: BINDIR/../share/pyvet/NAME (a relocated installation);
 *   4. the source tree the binary was built in (only for binaries built there, not for the
 *      installed one): BUILD/data/NAME (files make generates: the compiled domain table) and
 *      SRCDIR/featuresets/data/NAME.
 * The popular-domain list is $PYVET_DOMAINS, else the data file "top-domains.csv", else (source
 * tree builds) the list make compiled the table from (DOMAINS_CSV of the Makefile, by default
 * ../shared/data/top-domains.csv).
 * The bundled default model (`pyvet scan` without --model) is the data file "default.model"
 * (installed by `make install`), else (source tree builds) SRCDIR/models/default.model. */
#ifndef PYVET_DATAFILE_H
#define PYVET_DATAFILE_H

#include <stddef.h>

/** Write the path of data file `name` into buf (size n). Returns buf, or NULL if the file is
 *  found nowhere (buf then holds the last candidate tried, for messages). */
const char *datafile_path(const char *name, char *buf, size_t n);

/** The default popular-domain list (see above). Returns buf or NULL if none exists. */
const char *datafile_domains_default(char *buf, size_t n);

/** The bundled default model (see above). Returns buf or NULL if none exists (buf then holds
 *  the last candidate tried). */
const char *datafile_model_default(char *buf, size_t n);

/** The directories searched, in order, one per line, into buf ("" if none): for messages and
 *  `pyvet --version`. Returns buf. */
const char *datafile_dirs(char *buf, size_t n);

/** SHA-256 of a file as 64 hex characters into hex[65]. 0 or -1. */
int datafile_sha256(const char *path, char hex[65]);

/* Most files hashed by datafile_dir_sha256(). */
#define DATAFILE_DIR_MAX 10000

/** SHA-256 of a directory's regular files (not recursive; names starting with '.' skipped):
 *  the digest of "NAME NUL SHA256-HEX LF" for each, in byte order of the names. 0, or -1 if
 *  the directory or a file cannot be read or it has more than DATAFILE_DIR_MAX files. */
int datafile_dir_sha256(const char *dir, char hex[65]);

#endif
