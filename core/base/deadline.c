/* deadline: wall-time budgets on the monotonic clock (see deadline.h). */
#include "core/base/deadline.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void deadline_start(struct deadline *dl, double seconds)
{
	memset(dl, 0, sizeof(*dl));
	if (!(seconds > 0))
		return;
	dl->budget = seconds;
	clock_gettime(CLOCK_MONOTONIC, &dl->end);
	/* budgets beyond a year are as good as none; this also keeps the sum in range */
	if (seconds > 365.0 * 86400.0)
		seconds = 365.0 * 86400.0;
	double whole = floor(seconds);
	long nsec = dl->end.tv_nsec + (long)((seconds - whole) * 1e9);
	dl->end.tv_sec += (time_t)whole + nsec / 1000000000L;
	dl->end.tv_nsec = nsec % 1000000000L;
}

int deadline_expired(const struct deadline *dl)
{
	struct timespec now;
	if (!dl || !(dl->budget > 0))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > dl->end.tv_sec ||
	       (now.tv_sec == dl->end.tv_sec && now.tv_nsec >= dl->end.tv_nsec);
}

int deadline_check(const struct deadline *dl, struct diag *d, const char *fmt, ...)
{
	char what[DIAG_MSG_MAX];
	va_list ap;
	if (!deadline_expired(dl))
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return diag_error(d, "time budget of %g s exceeded while %s", dl->budget, what);
}
