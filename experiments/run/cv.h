/* cv: the options and the body of `pyvet cv` -- repeated k-fold cross-validation of learners x
 * feature sets on an extraction (spec D29, D30, 8.1, 8.2), or a train -> test fit (--test, D31),
 * written as the long results CSV (experiments/engine/resultcsv.h), its summary and JSON
 * sidecars, optionally the fold assignment and the out-of-fold scores.
 *
 * Sharding (--cells I/N): the work items of the grid -- (set, repeat, fold), numbered
 * (set * repeats + repeat) * folds + fold, each fitting every learner -- are dealt out round
 * robin: shard I runs the items k with k mod N = I. A shard writes part files that `pyvet merge`
 * (experiments/run/merge.h) joins into the bytes of one run:
 *   --out FILE     the long CSV rows of its cells only, in the order of one run; no summary;
 *                  its sidecar records "shard" {index, count, sets, learners, repeats, folds}
 *   --oof FILE     every row of the one-run file, the scores of its cells only (the others
 *                  empty, as an unscored row is)
 *   --write-folds  the whole fold assignment: every shard writes the one-run bytes
 * --cells is not for --test.
 *
 * Memory management: struct cv_opts borrows every string. */
#ifndef PYVET_RUN_CV_H
#define PYVET_RUN_CV_H

#include "experiments/cli/parseopt.h"

struct cv_opts {
	const char *features;   /* --features DIR */
	const char *sets;       /* --set NAME[,NAME...] */
	const char *learners;   /* --learner NAME[,...] */
	size_t folds, repeats;  /* --folds K, --repeats R */
	unsigned long seed;     /* --seed S */
	int group;              /* --group none|cluster: enum cvrun_kind */
	struct cli_list param;  /* --param KEY=VALUE */
	const char *out;        /* --out FILE: the long CSV */
	size_t jobs;            /* --jobs N */
	const char *manifest;   /* --manifest M */
	const char *split;      /* --split S */
	const char *folds_out;  /* --write-folds FILE */
	const char *oof_out;    /* --oof FILE */
	const char *test_split; /* --test S: train -> test instead of CV */
	const char *scores_out; /* --scores FILE (with --test) */
	struct cli_shard cells; /* --cells I/N */
	int quiet;              /* --quiet: no progress and no summary table */
	/* The command line for the sidecars; NULL: the equivalent one (cli_sidecar_new()). */
	int argc;
	char *const *argv;
};

/* The command line of `pyvet cv`. */
extern const struct cli_command cv_command;

/** Run. Returns an exit status: 0 every cell done; 2 bad options or an unreadable extraction
 *  or manifest; 4 some cells failed (rows metric=error; the others are written) or a write
 *  error. */
int cv_run(const struct cv_opts *o);

/** "results/cv.csv" -> "results/cv.summary.csv" (the summary next to a long CSV) into buf. */
void cv_summary_path(const char *out, char *buf, size_t n);

#endif
