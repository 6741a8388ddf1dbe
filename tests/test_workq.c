/* Unit tests for core/base/workq: every item runs exactly once on a valid thread index, results
 * written per item do not depend on the thread count, items can be consumed in order while later
 * ones run, the done hook sees every item once, and the queue can be reused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/rng.h"
#include "core/base/workq.h"
#include "tests/harness.h"

struct sample {
	size_t n, n_threads;
	int *runs;        /* [n]: times item i ran */
	double *result;   /* [n]: a value derived from item i's own stream */
	int bad_thread;   /* a thread index out of range was seen */
	size_t *done_seq; /* [n]: n_done values seen by the hook, in call order */
	size_t n_hook;
	int hook_bad; /* n_done did not count up by one */
};

static void run_sample(void *arg, size_t item, size_t thread)
{
	struct sample *s = arg;
	gsl_rng *r = rng_alloc(rng_derive(7, item));
	double acc = 0;
	if (thread >= s->n_threads)
		s->bad_thread = 1;
	/* uneven work so that threads finish out of order */
	for (size_t k = 0; k < 200 + (item % 7) * 500; k++)
		acc += gsl_rng_uniform(r);
	rng_free(r);
	s->result[item] = acc;
	s->runs[item]++;
}

static void hook(void *arg, size_t item, size_t n_done)
{
	struct sample *s = arg;
	(void)item;
	if (n_done != s->n_hook + 1)
		s->hook_bad = 1;
	s->done_seq[s->n_hook++] = n_done;
}

static void sample_init(struct sample *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->runs = calloc(n, sizeof(int));
	s->result = calloc(n, sizeof(double));
	s->done_seq = calloc(n, sizeof(size_t));
}

static void sample_release(struct sample *s)
{
	free(s->runs);
	free(s->result);
	free(s->done_seq);
}

static int each_ran_once(const struct sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->runs[i] != 1)
			return 0;
	return 1;
}

static void thread_count_tests(void)
{
	const size_t n = 97;
	struct sample ref;
	sample_init(&ref, n);
	for (size_t jobs = 0; jobs <= 5; jobs++) {
		struct workq *q = workq_alloc(jobs);
		struct sample s;
		struct workq_stats st;
		size_t items = 0;
		sample_init(&s, n);
		if (!CHECK(q != NULL, "workq_alloc(%zu)", jobs))
			return;
		s.n_threads = workq_threads(q);
		CHECK(s.n_threads == (jobs < 2 ? 1 : jobs), "jobs=%zu: %zu thread indices", jobs,
		      s.n_threads);
		struct workq_job job = {n, run_sample, hook, &s};
		CHECK(workq_run(q, &job) == 0, "jobs=%zu: run", jobs);
		CHECK(each_ran_once(&s), "jobs=%zu: every item ran exactly once", jobs);
		CHECK(!s.bad_thread, "jobs=%zu: thread indices in range", jobs);
		CHECK(s.n_hook == n && !s.hook_bad, "jobs=%zu: the done hook counted 1..%zu", jobs,
		      n);
		if (jobs == 0)
			memcpy(ref.result, s.result, n * sizeof(double));
		else
			CHECK(!memcmp(ref.result, s.result, n * sizeof(double)),
			      "jobs=%zu: per-item results identical to jobs=0", jobs);
		for (size_t t = 0; t < s.n_threads; t++) {
			workq_stats(q, t, &st);
			items += st.items;
			if (st.busy_seconds < 0 || st.cpu_seconds < 0)
				items = (size_t)-1;
		}
		CHECK(items == n, "jobs=%zu: the threads' stats count %zu items", jobs, items);
		workq_stats(q, s.n_threads, &st);
		CHECK(st.items == 0, "stats of an index out of range are zero");
		workq_free(q);
		sample_release(&s);
	}
	sample_release(&ref);
}

static void in_order_tests(void)
{
	for (size_t jobs = 1; jobs <= 3; jobs += 2) {
		const size_t n = 40;
		struct workq *q = workq_alloc(jobs);
		struct sample s;
		int ok = 1;
		sample_init(&s, n);
		s.n_threads = workq_threads(q);
		struct workq_job job = {n, run_sample, NULL, &s};
		CHECK(workq_start(q, &job) == 0, "jobs=%zu: start", jobs);
		CHECK(workq_start(q, &job) == -1, "jobs=%zu: a second start while running fails",
		      jobs);
		for (size_t i = 0; i < n; i++) {
			workq_wait_item(q, i);
			ok &= s.runs[i] == 1;
		}
		CHECK(ok, "jobs=%zu: wait_item(i) returns after item i ran", jobs);
		workq_finish(q);
		CHECK(each_ran_once(&s), "jobs=%zu: nothing ran twice", jobs);
		/* reuse, including an empty job */
		struct workq_job empty = {0, run_sample, NULL, &s};
		CHECK(workq_run(q, &empty) == 0, "jobs=%zu: an empty job runs", jobs);
		memset(s.runs, 0, n * sizeof(int));
		CHECK(workq_run(q, &job) == 0 && each_ran_once(&s),
		      "jobs=%zu: the queue is reusable", jobs);
		workq_finish(q);
		CHECK(1, "finish without a running job is harmless");
		workq_free(q);
		sample_release(&s);
	}
	{
		/* freeing with a job still running finishes it first */
		struct workq *q = workq_alloc(2);
		struct sample s;
		sample_init(&s, 25);
		s.n_threads = workq_threads(q);
		struct workq_job job = {25, run_sample, NULL, &s};
		workq_start(q, &job);
		workq_free(q);
		CHECK(each_ran_once(&s), "workq_free() finishes a running job");
		sample_release(&s);
	}
	workq_free(NULL);
	CHECK(1, "workq_free(NULL) is harmless");
}

int main(void)
{
	thread_count_tests();
	in_order_tests();
	return harness_done();
}
