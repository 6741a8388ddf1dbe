/* Tiny TAP test harness for the C unit tests (style.md 2.14; Redis testhelp.h in spirit).
 *
 * Every check prints one TAP line ("ok 3 - description" / "not ok 4 - description"), and
 * harness_done() prints the closing "N passed, N failed" line and returns the exit status.
 * harness_corpus_dir() finds ../shared/corpus (or $PYVET_CORPUS) for tests on real packages;
 * when absent, such tests call SKIP() which prints a visible "ok N - # SKIP ..." line. */
#ifndef PYVET_HARNESS_H
#define PYVET_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int harness_passed, harness_failed, harness_num;

/** Record one check; prints a TAP line. Returns `cond` so callers can bail out on failure. */
int harness_check(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Print a skip line (counts as passed). */
void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "N passed, N failed"; return 0 if nothing failed, else 1. */
int harness_done(void);
/** The shared corpus directory, or NULL if it is not there. */
const char *harness_corpus_dir(void);
/** Directory of the committed test fixtures ("tests/data", or $PYVET_TESTDATA). */
const char *harness_data_dir(void);

#define CHECK(cond, ...) harness_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(a, b, ...)                                                                       \
	((void)(harness_check((long long)(a) == (long long)(b), __FILE__, __LINE__,                \
	                      __VA_ARGS__) ||                                                      \
	        fprintf(stdout, "#   got %lld, expected %lld\n", (long long)(a), (long long)(b))))
#define CHECK_STR(a, b, ...)                                                                       \
	((void)(harness_check(!strcmp((a), (b)), __FILE__, __LINE__, __VA_ARGS__) ||               \
	        fprintf(stdout, "#   got '%s', expected '%s'\n", (a), (b))))
/* |x - expected| <= rel * |expected| (or <= rel when expected == 0), GSL's gsl_test_rel spirit. */
#define CHECK_REL(x, expected, rel, ...)                                                           \
	(void)(harness_check(fabs((double)(x) - (double)(expected)) <=                             \
	                         ((expected) == 0 ? (rel) : (rel)*fabs((double)(expected))),       \
	                     __FILE__, __LINE__, __VA_ARGS__) ||                                   \
	       fprintf(stdout, "#   got %.17g, expected %.17g\n", (double)(x),                     \
	               (double)(expected)))
#define SKIP(...) harness_skip(__VA_ARGS__)
/* CHECK_STR / CHECK_INT as statements that evaluate each argument once. */
#define STR_IS(a, b, ...)                                                                          \
	do {                                                                                       \
		const char *got_ = (a), *want_ = (b);                                              \
		if (!CHECK(!strcmp(got_, want_), __VA_ARGS__))                                     \
			printf("#   got '%s', expected '%s'\n", got_, want_);                      \
	} while (0)
#define INT_IS(a, b, ...)                                                                          \
	do {                                                                                       \
		long long got_ = (long long)(a), want_ = (long long)(b);                           \
		if (!CHECK(got_ == want_, __VA_ARGS__))                                            \
			printf("#   got %lld, expected %lld\n", got_, want_);                      \
	} while (0)

#endif
