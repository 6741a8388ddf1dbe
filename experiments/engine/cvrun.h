/* cvrun: the evaluation engine -- repeated (stratified or grouped) k-fold cross-validation of
 * several learners on several feature sets, and a train -> test fit (spec D29-D31, 8.1, 8.2).
 * `pyvet cv`, `pyvet train` and the reproduce experiments are thin drivers over it.
 *
 * Protocol:
 * - Repeat r (0-based) draws its fold assignment from rng_alloc(rng_derive(seed, r)); every
 *   learner and every feature set of a run share these folds, so results are paired (D29).
 * - For each (set, repeat, fold) the training and held-out matrices are assembled once, for
 *   every learner, by featdata_build(): fixed columns of the set, then a vocabulary fitted on
 *   the training rows only (text.vocab_scope=fold, D12). Every learner is then fitted on the
 *   training matrix with its own stream cvrun_cell_seed(seed, r, f, learner name) and scores
 *   the held-out rows; metrics_compute() gives the fold's metrics at the learner's threshold
 *   (D26).
 * - The learners of one (set, repeat, fold) form a cell (struct learner_cell): plain learners
 *   are fitted first, then composite ones (stack), whose final base models are the cell's
 *   learners of those types when these have their defaults -- not fitted a second time -- and
 *   otherwise fitted with the seed the cell gives that type, so a stack's result does not
 *   depend on which other learners the run has.
 * - A failing cell (a learner error, a build error) is recorded with its message and every
 *   other cell finishes. Out-of-fold scores are kept per (set, learner, repeat): in repeat 0
 *   every row is scored exactly once (the D30 training tallies).
 * - Work items (set, repeat, fold) run on the work queue (core/base/workq.h) with `jobs`
 *   threads. Each item writes only its own slots, and every random draw comes from a stream
 *   named by the cell, so the results are identical for any `jobs`. OpenBLAS is kept
 * single-threaded while the engine runs (openblas_set_num_threads(1)), for speed with threads and
 * for bit-identical sums.
 *
 * Memory management: struct cvrun_result and struct cvrun_fit are caller-owned and filled by
 * cvrun_run() / cvrun_train_test(); cvrun_result_release() and cvrun_fit_release() free them
 * (NULL-safe). Inputs (featdata, featspecs, learner list, options, filter) are borrowed. */
#ifndef PYVET_CVRUN_H
#define PYVET_CVRUN_H

#include <stddef.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"
#include "core/base/workq.h"
#include "core/ml/featdata.h"
#include "core/ml/metrics.h"
#include "core/ml/vocab.h"
#include "learners/learner.h"

enum cvrun_kind { CVRUN_STRATIFIED = 0, CVRUN_GROUPED };

/* One learner of a run. */
struct cvrun_learner {
	const struct learner_type *type;
	const char *params; /* "k=v,..." for learner_alloc(), NULL or "" for the defaults */
};

struct cvrun_options {
	size_t folds;                      /* cv.folds (10) */
	size_t repeats;                    /* cv.repeats (10) */
	unsigned long seed;                /* run seed */
	int kind;                          /* enum cvrun_kind */
	size_t jobs;                       /* worker threads (0 or 1 = the calling thread) */
	struct vocab_params vp;            /* text.* */
	const struct vocab_filter *filter; /* word lists for "+pre" sets; NULL if none needed */
	int verbose;                       /* progress lines on stderr */
	/* Sharding (`pyvet cv --cells I/N`): with n_shards > 1 only the work items k with
	 * k mod n_shards == shard run, k = (set * repeats + repeat) * folds + fold; the cells of
	 * the other items are marked `skipped`. The folds are those of the whole run. */
	size_t shard, n_shards;
};

/** Defaults: 10 folds, 10 repeats, seed 1, stratified, 1 job, vocab_params_default(), no
 *  sharding. */
void cvrun_options_default(struct cvrun_options *o);

/** "stratified"/"grouped" -> enum cvrun_kind, or -1; and the name of a kind. */
int cvrun_kind_parse(const char *s);
const char *cvrun_kind_name(int kind);

/* The repeat and fold of a train -> test fit in cvrun_cell_seed(). */
#define CVRUN_TRAIN_TEST ((size_t)-1)

/** The seed of the learner named `learner_name` in cell (repeat, fold) of a run with seed
 *  `run_seed`: rng_derive(run_seed, h) where h is the 64-bit FNV-1a hash of the string
 *  "cell/<repeat>/<fold>/<name>" (decimal numbers) started from the offset basis
 *  1469598103934665603 -- the standard basis with its last digit lost, kept because every
 *  result depends on it. The learner is fitted with rng_alloc() of this seed. Train -> test fits
 *  use repeat = fold = CVRUN_TRAIN_TEST (printed as 18446744073709551615). This is the only
 *  place the engine derives a learner's stream. */
unsigned long cvrun_cell_seed(unsigned long run_seed, size_t repeat, size_t fold,
                              const char *learner_name);

/* The result of one (set, learner, repeat, fold) cell. */
struct cvrun_cell {
	int ok;                   /* 1 if fitted and scored */
	int skipped;              /* not run: another shard's cell (then !ok, not a failure) */
	char error[DIAG_MSG_MAX]; /* the failure message when !ok */
	struct metrics m;         /* valid when ok */
	size_t n_train, n_test;   /* rows */
	double seconds;           /* wall time of fit + score (not deterministic; never in CSVs) */
};

struct cvrun_result {
	size_t n_sets, n_learners, repeats, folds, n; /* n = rows of the featdata */
	struct cvrun_cell *cell; /* [((s * n_learners + l) * repeats + r) * folds + f] */
	double *oof;         /* [((s * n_learners + l) * repeats + r) * n + i], NaN if unscored */
	int *fold;           /* [r * n + i]: fold of row i in repeat r */
	size_t *class_count; /* [(r * folds + f) * 2 + c]: held-out rows of class c (0 benign) */
	double wall_seconds;
	int n_failed; /* cells with !ok that were run (not skipped) */
	/* Per worker thread: items (set, repeat, fold) run and time spent in them (not
	 * deterministic; sidecars and benchmarks only). */
	struct workq_stats *thread_stats;
	size_t n_threads;
};

/** Run the protocol on every row of `fd`: sets[0..n_sets-1] x learners[0..n_learners-1]. Every
 *  learner is allocated once up front to validate its parameters. -1 (with the reason on `d`)
 *  only for errors that stop the whole run (bad options or parameters, fold assignment failure,
 *  out of memory); failed cells are reported in the result. 0 on completion. */
int cvrun_run(const struct featdata *fd, const struct featspec *sets, size_t n_sets,
              const struct cvrun_learner *learners, size_t n_learners,
              const struct cvrun_options *o, struct cvrun_result *res, struct diag *d);

/** Accessors into a result. */
struct cvrun_cell *cvrun_cell_at(const struct cvrun_result *res, size_t s, size_t l, size_t r,
                                 size_t f);
double *cvrun_oof_at(const struct cvrun_result *res, size_t s, size_t l, size_t r);

/** Free. NULL-safe. */
void cvrun_result_release(struct cvrun_result *res);

/* A model fitted on training rows and scored on test rows (D31). */
struct cvrun_fit {
	struct learner *learner;   /* fitted (owned) */
	struct vocab vocab;        /* fitted on the training rows (empty without T) */
	struct dataset *train;     /* training matrix (owned): for importance and explanations */
	struct dataset *test;      /* test matrix (owned), NULL without test rows */
	size_t n_fixed;            /* the first n_fixed columns are fixed features, then text */
	double *score;             /* test scores [test->n] (owned), NULL without test rows */
	double threshold;          /* learner_threshold() */
	struct metrics m;          /* of the test rows; valid when test && test->n > 0 */
	unsigned long stream_seed; /* the seed the learner was fitted with */
};

/** Fit the vocabulary and `learner` on rows train_idx[0..n_train-1] of fd with the columns of
 *  `fs`, and score rows test_idx[0..n_test-1] (test_idx may be NULL). The vocabulary is fitted
 *  on the training rows only, under either text.vocab_scope: with `all` the training rows are
 *  all the rows it may see (in row order, as train_idx lists them), never the test rows even
 *  when fd holds them (spec D12). The learner's RNG is
 *  cvrun_cell_seed(o->seed, CVRUN_TRAIN_TEST, CVRUN_TRAIN_TEST, name). 0, or -1 with the reason on
 * `d` (`out` is then released). */
int cvrun_train_test(const struct featdata *fd, const struct featspec *fs,
                     const struct cvrun_learner *learner, const struct cvrun_options *o,
                     const size_t *train_idx, size_t n_train, const size_t *test_idx, size_t n_test,
                     struct cvrun_fit *out, struct diag *d);

/** Free. NULL-safe. */
void cvrun_fit_release(struct cvrun_fit *f);

/* One learner of cvrun_train_test_many(). */
struct cvrun_tt_fit {
	int ok;                    /* 1 if fitted (and scored) */
	char error[DIAG_MSG_MAX];  /* the failure message when !ok */
	struct learner *learner;   /* fitted, owned by the struct cvrun_tt; NULL when !ok */
	double *score;             /* test scores [test->n], NULL without test rows or when !ok */
	double threshold;          /* learner_threshold() */
	struct metrics m;          /* of the test rows; valid when ok && test && test->n > 0 */
	unsigned long stream_seed; /* the seed the learner was fitted with */
	double seconds;            /* fit + score (not deterministic) */
};

/* Several learners fitted on the same training rows and scored on the same test rows. */
struct cvrun_tt {
	struct vocab vocab;    /* fitted once on the training rows (empty without T) */
	struct dataset *train; /* training matrix */
	struct dataset *test;  /* test matrix, NULL without test rows */
	size_t n_fixed;        /* the first n_fixed columns are fixed features, then text */
	size_t n_learners;
	struct cvrun_tt_fit *fit;         /* [n_learners], in the order given */
	struct workq_stats *thread_stats; /* per work-queue thread (timings only) */
	size_t n_threads;
};

/** cvrun_train_test() for learners[0..n_learners-1] at once: the vocabulary and the matrices are
 *  built once, the learners run as items of a work queue with o->jobs threads, and a composite
 *  learner (stack) takes its final base models from the other learners of the call that have
 *  their defaults (struct learner_cell; the same models it would fit itself with those seeds).
 *  A learner that fails is recorded in its fit[] entry and the others finish. 0, or -1 with the
 *  reason on `d` for errors of the whole call (bad parameters, features, out of memory); `out`
 *  is then released. Release `out` with cvrun_tt_release(). */
int cvrun_train_test_many(const struct featdata *fd, const struct featspec *fs,
                          const struct cvrun_learner *learners, size_t n_learners,
                          const struct cvrun_options *o, const size_t *train_idx, size_t n_train,
                          const size_t *test_idx, size_t n_test, struct cvrun_tt *out,
                          struct diag *d);

/** Free (composite learners before the learners they borrow). NULL-safe. */
void cvrun_tt_release(struct cvrun_tt *tt);

#endif
