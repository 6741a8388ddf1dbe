/* Error reporting: err_report() for generic code, struct diag for messages kept on a handle.
 *
 * Conventions: functions return 0 on success and -1 on failure (or NULL),
 * and the failure site writes one line, lower case, no final full stop, subject in quotes.
 * Only pyvet.c, experiments/ and tests may call die(). BUG() is for programmer errors and is
 * never compiled out.
 *
 * Memory management: struct diag is caller-owned; diag_init() sets it up, diag_release() frees
 * the warnings it collected. Messages returned by diag_message() are borrowed from the handle. */
#ifndef PYVET_ERR_H
#define PYVET_ERR_H

#include <stddef.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define PYVET_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PYVET_NORETURN __attribute__((noreturn))
#define UNUSED __attribute__((unused))
#else
#define PYVET_PRINTF(f, a)
#define PYVET_NORETURN
#define UNUSED
#endif

/** Print "pyvet: <message>" to stderr and return -1, so call sites read `return err_report(...)`.
 *  The formatted message is escaped (core/base/escape.h), so it may quote untrusted strings. */
int err_report(const char *fmt, ...) PYVET_PRINTF(1, 2);

/** Also keep every message err_report() prints from the calling thread as the error of `d`
 *  (the latest one wins), until the capture is replaced; returns the capture it replaces, for
 *  the caller to restore: `old = err_capture(&d); ...; err_capture(old);`. NULL ends it. The
 *  messages are still printed. For in-process callers of whole commands (`pyvet reproduce`
 *  records a failing step's message in its status file), as Git's set_error_routine(). */
struct diag *err_capture(struct diag *d);

/** Print "pyvet: <message>" (escaped, as err_report()) to stderr and exit(4), the
 *  internal-error status (experiments/commands.h). For out of memory in mains, experiments and
 *  tests only. */
PYVET_NORETURN void die(const char *fmt, ...) PYVET_PRINTF(1, 2);

/** Programmer error: print file, line and message, then abort(). */
PYVET_NORETURN void bug_fl(const char *file, int line, const char *fmt, ...) PYVET_PRINTF(3, 4);
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

#define DIAG_MSG_MAX 512
#define DIAG_WARN_KEEP 16

/* Messages attached to one unit of work (a package, an experiment cell). */
struct diag {
	char error[DIAG_MSG_MAX];       /* last error, "" if none */
	int n_errors;                   /* errors recorded */
	int n_warnings;                 /* warnings recorded (all, also those not kept) */
	char *warnings[DIAG_WARN_KEEP]; /* first DIAG_WARN_KEEP warnings, owned */
};

/** Initialise an empty diag. */
void diag_init(struct diag *d);

/** Free the kept warnings and reset to empty. NULL-safe. */
void diag_release(struct diag *d);

/** Record an error message on `d` (replacing the previous one) and return -1. `d` may be NULL,
 *  in which case the message is dropped. */
int diag_error(struct diag *d, const char *fmt, ...) PYVET_PRINTF(2, 3);

/** Record a warning (counted; the first DIAG_WARN_KEEP are kept). `d` may be NULL. */
void diag_warn(struct diag *d, const char *fmt, ...) PYVET_PRINTF(2, 3);

/** The last error message, or "" if none. Borrowed from `d`. */
const char *diag_message(const struct diag *d);

#endif
