/* deadline: a wall-time budget for one unit of work (a package), read on the monotonic clock.
 *
 * The package reader starts one per package (the `pkg.time_budget` parameter) and every loop that
 * can run long on hostile input checks it: the archive reader per decompressed block and per
 * member, the directory walker per entry, the analysis per file and per document line batch, the
 * feature sets where they loop. Once the budget is spent the package fails with "time budget of
 * N s exceeded while ..." and the batch goes on with the next package. A check costs one
 * clock_gettime(CLOCK_MONOTONIC) call (a vDSO call, tens of nanoseconds).
 *
 * Memory management: struct deadline is a plain value (no allocation). A NULL pointer and a
 * deadline started with a budget <= 0 never expire. */
#ifndef PYVET_DEADLINE_H
#define PYVET_DEADLINE_H

#include <time.h>

#include "core/base/err.h"

struct deadline {
	double budget;       /* seconds given to deadline_start(); <= 0: no deadline */
	struct timespec end; /* CLOCK_MONOTONIC time at which the budget is spent */
};

/** Start a budget of `seconds` from now (<= 0 or NaN: no deadline). */
void deadline_start(struct deadline *dl, double seconds);

/** 1 if `dl` is set and its budget is spent, else 0 (also for NULL). */
int deadline_expired(const struct deadline *dl);

/** 0 while the budget lasts; once it is spent, record "time budget of N s exceeded while
 *  <what>" on `d` (`what` formatted from fmt, e.g. "reading 'a/b.py'") and return -1. The
 *  message is only formatted when the budget is spent. `dl` may be NULL (never expires). */
int deadline_check(const struct deadline *dl, struct diag *d, const char *fmt, ...)
    PYVET_PRINTF(3, 4);

#endif
