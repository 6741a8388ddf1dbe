/* workq: the one pool of worker threads behind every parallel loop of pyvet -- cross-validation
 * cells, extraction batches, permutation-importance repeats, corpus checks, baseline packages.
 *
 * A job is `n` items numbered 0..n-1 and a function run(arg, item, thread). Items are handed out
 * in index order (one shared counter) to whichever thread is free; `thread` in
 * [0, workq_threads()) names the thread running the item, for per-thread scratch space only.
 *
 * Determinism contract (what makes output independent of the thread count and the schedule):
 * - run() writes its results into a slot owned by its item (result[item], a row of a table),
 *   never into a shared accumulator whose final value depends on the order of completion;
 * - every random draw of an item comes from a stream derived from the item's identity, e.g.
 *   rng_alloc(rng_derive(seed, stream_of(item))) (core/base/rng.h), never from a generator
 *   shared between items or owned by a thread;
 * - whatever is reduced over items (sums, counts, output files) is reduced by the caller after
 *   the job, or in item order through workq_wait_item().
 * The callers document their streams: experiments/engine/cvrun.h (cells), importance.h
 * (column x repeat), experiments/run/baseline.c (the sample), experiments/run/extract.c (no
 * randomness).
 *
 * Dependencies: run() may call workq_wait_item() for an item with a lower number than its own.
 * Items are handed out in index order, so that item has started on some thread (or finished)
 * and the wait ends; in caller mode it has already run.
 *
 * Threads: workq_alloc(jobs) with jobs >= 2 starts that many threads, which sleep between jobs;
 * with jobs <= 1 no thread is started and the items run in the calling thread, in index order,
 * inside workq_run(), workq_wait_item() and workq_finish() (thread index 0). If the system
 * refuses to start threads, the queue runs with those it got (or in the caller).
 *
 * Timing: each thread adds the wall time and the CPU time it spends inside run() to its own
 * struct workq_stats, so a benchmark can show that no thread waits while work is left
 * (workq_stats()). Timings never enter result files other than as timings.
 *
 * Memory management: workq_alloc() returns a queue owned by the caller; workq_free() finishes a
 * job left running, stops the threads and frees it (NULL-safe). The job's `arg` is borrowed. */
#ifndef PYVET_WORKQ_H
#define PYVET_WORKQ_H

#include <stddef.h>

#define WORKQ_MAX_THREADS 256

struct workq;

struct workq_job {
	size_t n; /* items 0..n-1 */
	/* Run one item on thread `thread`. Must not fail the queue: record errors in the item's
	 * slot. Called concurrently for different items. */
	void (*run)(void *arg, size_t item, size_t thread);
	/* Optional: called after each item, serialised under the queue's lock, in completion order
	 * (which depends on the schedule: use it for progress lines, not for results). n_done
	 * counts the items finished so far, this one included. */
	void (*done)(void *arg, size_t item, size_t n_done);
	void *arg;
};

/* Time spent inside run() by one thread, summed over the queue's lifetime. */
struct workq_stats {
	size_t items;        /* items run */
	double busy_seconds; /* wall time inside run() */
	double cpu_seconds;  /* CPU time of the thread inside run() */
};

/** A queue with `jobs` threads (jobs <= 1: none, items run in the caller; at most
 *  WORKQ_MAX_THREADS). NULL on out of memory. */
struct workq *workq_alloc(size_t jobs);

/** The number of thread indices run() can see: the threads started, or 1 when items run in
 *  the caller. */
size_t workq_threads(const struct workq *q);

/** Start `job` (copied) and return without waiting when there are threads (in caller mode,
 *  nothing runs until workq_wait_item() or workq_finish()). 0, or -1 if a job is already
 *  running or on out of memory (nothing is started then). */
int workq_start(struct workq *q, const struct workq_job *job);

/** Block until item `item` (< n) of the running job has finished; in caller mode, run the items
 *  up to `item` that have not run yet. Lets a caller consume results in item order while later
 *  items are still running. */
void workq_wait_item(struct workq *q, size_t item);

/** Block until every item of the running job has finished (in caller mode: run them), then end
 *  the job so that another can start. Harmless without a running job. */
void workq_finish(struct workq *q);

/** workq_start() + workq_finish(). 0, or -1 as workq_start(). */
int workq_run(struct workq *q, const struct workq_job *job);

/** Thread `thread`'s totals into *out (zeros for an index out of range). Exact once no job is
 *  running. */
void workq_stats(const struct workq *q, size_t thread, struct workq_stats *out);

/** Finish a running job, stop the threads, free. NULL-safe. */
void workq_free(struct workq *q);

#endif
