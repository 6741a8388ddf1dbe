/* The worker-thread pool: one mutex, two condition variables, items taken by a shared counter. */
#include "core/base/workq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct workq_thread {
	struct workq *q;
	size_t index;
	struct workq_stats st; /* written by this thread only, inside run_item() */
};

struct workq {
	size_t n_threads; /* worker threads started; 0 = items run in the caller */
	pthread_t *th;
	struct workq_thread *ts; /* [max(n_threads, 1)] */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* to workers: a job started, or the queue is closing */
	pthread_cond_t done; /* to waiters: an item finished */
	struct workq_job job;
	int active, closing;
	size_t next, n_done;
	unsigned char *item_done; /* [job.n] */
};

static double seconds(clockid_t clk)
{
	struct timespec t;
	if (clock_gettime(clk, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void run_item(struct workq_thread *t, size_t item)
{
	double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
	t->q->job.run(t->q->job.arg, item, t->index);
	t->st.items++;
	t->st.busy_seconds += seconds(CLOCK_MONOTONIC) - w0;
	t->st.cpu_seconds += seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
}

/* Record that `item` finished; the caller holds the lock (or there are no threads). */
static void mark_done(struct workq *q, size_t item)
{
	q->item_done[item] = 1;
	q->n_done++;
	if (q->job.done)
		q->job.done(q->job.arg, item, q->n_done);
}

static void *worker(void *vp)
{
	struct workq_thread *t = vp;
	struct workq *q = t->q;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		size_t item;
		while (!q->closing && !(q->active && q->next < q->job.n))
			pthread_cond_wait(&q->wake, &q->lock);
		if (!(q->active && q->next < q->job.n))
			break; /* closing with nothing left */
		item = q->next++;
		pthread_mutex_unlock(&q->lock);
		run_item(t, item);
		pthread_mutex_lock(&q->lock);
		mark_done(q, item);
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct workq *workq_alloc(size_t jobs)
{
	struct workq *q = calloc(1, sizeof(*q));
	size_t want = jobs > WORKQ_MAX_THREADS ? WORKQ_MAX_THREADS : jobs;
	if (!q)
		return NULL;
	if (want < 2)
		want = 0;
	q->ts = calloc(want ? want : 1, sizeof(*q->ts));
	q->th = want ? calloc(want, sizeof(*q->th)) : NULL;
	if (!q->ts || (want && !q->th)) {
		free(q->ts);
		free(q->th);
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	pthread_cond_init(&q->done, NULL);
	for (size_t i = 0; i < (want ? want : 1); i++) {
		q->ts[i].q = q;
		q->ts[i].index = i;
	}
	for (size_t i = 0; i < want; i++) {
		if (pthread_create(&q->th[i], NULL, worker, &q->ts[i]) != 0)
			break; /* run with the threads we got */
		q->n_threads++;
	}
	if (q->n_threads == 1) {
		/* One thread is no better than the caller: stop it and run items in the caller. */
		pthread_mutex_lock(&q->lock);
		q->closing = 1;
		pthread_cond_broadcast(&q->wake);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->th[0], NULL);
		q->closing = 0;
		q->n_threads = 0;
	}
	return q;
}

size_t workq_threads(const struct workq *q)
{
	return q->n_threads ? q->n_threads : 1;
}

int workq_start(struct workq *q, const struct workq_job *job)
{
	unsigned char *flags;
	pthread_mutex_lock(&q->lock);
	if (q->active) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	pthread_mutex_unlock(&q->lock);
	flags = calloc(job->n ? job->n : 1, 1);
	if (!flags)
		return -1;
	pthread_mutex_lock(&q->lock);
	q->job = *job;
	q->item_done = flags;
	q->next = q->n_done = 0;
	q->active = 1;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* Caller mode: run the items that have not run yet, up to and including `last`. */
static void run_inline(struct workq *q, size_t last)
{
	while (q->next < q->job.n && q->next <= last) {
		size_t item = q->next++;
		run_item(&q->ts[0], item);
		mark_done(q, item);
	}
}

void workq_wait_item(struct workq *q, size_t item)
{
	if (!q->active || item >= q->job.n)
		return;
	if (!q->n_threads) {
		run_inline(q, item);
		return;
	}
	pthread_mutex_lock(&q->lock);
	while (!q->item_done[item])
		pthread_cond_wait(&q->done, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

void workq_finish(struct workq *q)
{
	if (!q->active)
		return;
	if (!q->n_threads) {
		if (q->job.n)
			run_inline(q, q->job.n - 1);
	} else {
		pthread_mutex_lock(&q->lock);
		while (q->n_done < q->job.n)
			pthread_cond_wait(&q->done, &q->lock);
		pthread_mutex_unlock(&q->lock);
	}
	pthread_mutex_lock(&q->lock);
	q->active = 0;
	free(q->item_done);
	q->item_done = NULL;
	memset(&q->job, 0, sizeof(q->job));
	pthread_mutex_unlock(&q->lock);
}

int workq_run(struct workq *q, const struct workq_job *job)
{
	if (workq_start(q, job) < 0)
		return -1;
	workq_finish(q);
	return 0;
}

void workq_stats(const struct workq *q, size_t thread, struct workq_stats *out)
{
	if (thread < workq_threads(q))
		*out = q->ts[thread].st;
	else
		memset(out, 0, sizeof(*out));
}

void workq_free(struct workq *q)
{
	if (!q)
		return;
	workq_finish(q);
	pthread_mutex_lock(&q->lock);
	q->closing = 1;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	for (size_t i = 0; i < q->n_threads; i++)
		pthread_join(q->th[i], NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	pthread_cond_destroy(&q->done);
	free(q->th);
	free(q->ts);
	free(q);
}
