/* TAP harness implementation shared by every tests/test_*.c program. */
#include "tests/harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

int harness_passed, harness_failed, harness_num;

int harness_check(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	harness_num++;
	printf("%s %d - ", cond ? "ok" : "not ok", harness_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
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

void harness_skip(const char *fmt, ...)
{
	va_list ap;
	harness_num++;
	harness_passed++;
	printf("ok %d - # SKIP ", harness_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int harness_done(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

const char *harness_corpus_dir(void)
{
	static const char *cands[] = {NULL, "../shared/corpus", NULL};
	struct stat st;
	cands[0] = getenv("PYVET_CORPUS");
	for (int i = 0; i < 2; i++)
		if (cands[i] && stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode))
			return cands[i];
	return NULL;
}

const char *harness_data_dir(void)
{
	const char *d = getenv("PYVET_TESTDATA");
	return d ? d : "tests/data";
}
