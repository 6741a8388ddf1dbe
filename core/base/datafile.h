/* Locating pyvet's shipped data files (featuresets/data/: API table, word lists, licence and
 * pattern tables) and the popular-domain list, whatever directory pyvet is started from.
 *
 * Search order for a shipped file NAME: $PYVET_DATA_DIR/NAME, then featuresets/data/NAME next
 * to the executable (./pyvet) or one level up (build-asan/pyvet), then ./featuresets/data/NAME. */
#ifndef PYVET_DATAFILE_H
#define PYVET_DATAFILE_H

#include <stddef.h>

/** Write the path of shipped data file `name` into buf (size n). Returns buf, or NULL if the
 *  file is found nowhere (buf then holds the last candidate tried, for messages). */
const char *datafile_path(const char *name, char *buf, size_t n);

/** The default popular-domain list: $PYVET_DOMAINS, then ../shared/data/top-domains.csv and
 *  datasets/top-domains.csv relative to the current directory and to the executable's
 *  directory. Returns buf or NULL if none exists. */
const char *datafile_domains_default(char *buf, size_t n);

/** SHA-256 of a file as 64 hex characters into hex[65]. 0 or -1. */
int datafile_sha256(const char *path, char hex[65]);

#endif
