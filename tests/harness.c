/* TAP harness implementation shared by every tests/test_*.c program. */
#include "tests/harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int harness_passed, harness_failed, harness_skipped, harness_num;

static int vcheck(int cond, const char *file, int line, const char *fmt, va_list ap)
{
	harness_num++;
	printf("%s %d - ", cond ? "ok" : "not ok", harness_num);
	vprintf(fmt, ap);
	printf("\n");
	if (cond) {
		harness_passed++;
	} else {
		harness_failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

int harness_check(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cond = vcheck(cond, file, line, fmt, ap);
	va_end(ap);
	return cond;
}

int harness_check_int(long long got, long long want, const char *file, int line, const char *fmt,
                      ...)
{
	va_list ap;
	int ok;
	va_start(ap, fmt);
	ok = vcheck(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   got %lld, expected %lld\n", got, want);
	return ok;
}

int harness_check_str(const char *got, const char *want, const char *file, int line,
                      const char *fmt, ...)
{
	va_list ap;
	int ok;
	va_start(ap, fmt);
	ok = vcheck(got && want ? !strcmp(got, want) : got == want, file, line, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   got '%s', expected '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	return ok;
}

int harness_check_rel(double got, double want, double rel, const char *file, int line,
                      const char *fmt, ...)
{
	va_list ap;
	int ok;
	double tol = want == 0 ? rel : rel * fabs(want);
	va_start(ap, fmt);
	ok = vcheck(fabs(got - want) <= tol, file, line, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   got %.17g, expected %.17g\n", got, want);
	return ok;
}

void harness_skip(const char *fmt, ...)
{
	va_list ap;
	harness_num++;
	harness_skipped++;
	printf("ok %d - # SKIP ", harness_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int harness_done(void)
{
	printf("%d skipped\n", harness_skipped);
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

static int is_dir(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *harness_shared_dir(void)
{
	const char *s = getenv("PYVET_SHARED");
	if (!s || !*s)
		s = "../shared";
	return is_dir(s) ? s : NULL;
}

const char *harness_corpus_dir(void)
{
	static char buf[4096];
	const char *env = getenv("PYVET_CORPUS"), *shared;
	if (env && *env)
		return is_dir(env) ? env : NULL;
	shared = harness_shared_dir();
	if (!shared)
		return NULL;
	snprintf(buf, sizeof(buf), "%s/corpus", shared);
	return is_dir(buf) ? buf : NULL;
}

const char *harness_shared_file(const char *rel, char *buf, size_t n)
{
	const char *shared = harness_shared_dir();
	if (!shared || (size_t)snprintf(buf, n, "%s/%s", shared, rel) >= n)
		return NULL;
	return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *harness_data_dir(void)
{
	const char *d = getenv("PYVET_TESTDATA");
	return d ? d : "tests/data";
}
