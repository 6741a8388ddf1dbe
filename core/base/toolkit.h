/* Process-wide setup of dependencies and the facts every results sidecar records.
 *
 * toolkit_init() must be called once by every main (pyvet.c, test programs) before any other
 * pyvet function: it turns GSL's aborting error handler off, silences libsvm's and liblinear's
 * printers, and forces the "C" numeric locale (cJSON and printf then use '.' as decimal point). */
#ifndef PYVET_TOOLKIT_H
#define PYVET_TOOLKIT_H

#define PYVET_VERSION "0.1.0"

struct cJSON;

/** Configure dependencies. Idempotent. */
void toolkit_init(void);

/** A new JSON object with the versions of pyvet and of every linked library (gsl, libsvm,
 *  liblinear, cJSON, libarchive, libpsl, openblas). Caller owns it. NULL on out of memory. */
struct cJSON *toolkit_versions_json(void);

/** The git commit of the working tree pyvet runs from ("<sha>" or "<sha>-dirty"), or "unknown".
 *  Looked up once (git rev-parse in the current directory) and cached; thread-safe after the
 *  first call from the main thread. Borrowed, static storage. */
const char *toolkit_git_commit(void);

#endif
