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

/** A new JSON object with the versions of pyvet and of every linked library, as the libraries
 *  report them at run time (gsl, libsvm, liblinear, cjson, libarchive, libpsl, openblas, nettle,
 *  libunistring; libcsv has no run-time version, its header's is given). Caller owns it. NULL on
 *  out of memory. `pyvet --version` prints it. */
struct cJSON *toolkit_versions_json(void);

/** The git commit this binary was built from ("<sha>", "<sha>-dirty" when the checkout had
 *  uncommitted changes, or "unknown" for a build outside a git checkout), recorded by make in
 *  $(BUILD)/gen/version.h (scripts/build/version.sh). pyvet never runs git: a directory's
 *  .git/config can make git run any program. Static storage; thread-safe. */
const char *toolkit_build_commit(void);

#endif
