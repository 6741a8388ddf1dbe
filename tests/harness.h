/* Tiny TAP test harness for the C unit tests (Redis testhelp.h in spirit).
 *
 * Every check prints one TAP line ("ok 3 - description" / "not ok 4 - description"); a skip
 * prints "ok 5 - # SKIP reason" and counts as neither passed nor failed. harness_done() prints
 * the closing lines "N skipped" and "N passed, N failed" (tests/run.sh adds them up) and returns
 * the exit status.
 *
 * The shared folder (corpus and data of ../shared) is found through harness_shared_dir():
 * $PYVET_SHARED, else ../shared. Set PYVET_SHARED to a missing directory to run a test as on a
 * machine without it; tests on real packages then print a visible SKIP line.
 *
 * Every CHECK_* macro evaluates each of its arguments exactly once. */
#ifndef PYVET_HARNESS_H
#define PYVET_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int harness_passed, harness_failed, harness_skipped, harness_num;

/** Record one check; prints a TAP line. Returns `cond` so callers can bail out on failure. */
int harness_check(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** got == want; on failure also prints both values. Returns 1 if equal. */
int harness_check_int(long long got, long long want, const char *file, int line, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));
/** Strings equal (two NULLs are equal, NULL and a string are not); prints both on failure. */
int harness_check_str(const char *got, const char *want, const char *file, int line,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/** |got - want| <= rel * |want| (or <= rel when want == 0), GSL's gsl_test_rel spirit; a NaN
 *  on either side fails. Prints both values with 17 digits on failure. */
int harness_check_rel(double got, double want, double rel, const char *file, int line,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/** Print a skip line (counted in harness_skipped, not as passed). */
void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "N skipped" and "N passed, N failed"; return 0 if nothing failed, else 1. */
int harness_done(void);
/** The shared folder ($PYVET_SHARED, else ../shared) if it is a directory, else NULL. */
const char *harness_shared_dir(void);
/** The shared corpus directory ($PYVET_CORPUS if set, else <shared>/corpus), or NULL if it is
 *  not a directory. $PYVET_CORPUS naming a missing directory means "no corpus". */
const char *harness_corpus_dir(void);
/** "<shared>/<rel>" into buf if that file is readable, else NULL. */
const char *harness_shared_file(const char *rel, char *buf, size_t n);
/** Directory of the committed test fixtures ("tests/data", or $PYVET_TESTDATA). */
const char *harness_data_dir(void);

#define CHECK(cond, ...) harness_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(a, b, ...)                                                                       \
	((void)harness_check_int((long long)(a), (long long)(b), __FILE__, __LINE__, __VA_ARGS__))
#define CHECK_STR(a, b, ...) ((void)harness_check_str((a), (b), __FILE__, __LINE__, __VA_ARGS__))
#define CHECK_REL(x, expected, rel, ...)                                                           \
	((void)harness_check_rel((double)(x), (double)(expected), (double)(rel), __FILE__,         \
	                         __LINE__, __VA_ARGS__))
#define SKIP(...) harness_skip(__VA_ARGS__)
/* The same checks as statements (kept for the tests written with them). */
#define STR_IS(a, b, ...)                                                                          \
	do {                                                                                       \
		CHECK_STR(a, b, __VA_ARGS__);                                                      \
	} while (0)
#define INT_IS(a, b, ...)                                                                          \
	do {                                                                                       \
		CHECK_INT(a, b, __VA_ARGS__);                                                      \
	} while (0)

#endif
