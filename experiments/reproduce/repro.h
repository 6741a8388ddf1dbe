/* repro: shared state and helpers of `pyvet reproduce` and its experiment drivers (issue #5):
 * step bookkeeping with resume, and readers for the out-of-fold and test score files that `pyvet
 * cv` writes.
 *
 * Resume: a step whose marker RESULTS/.steps/<step>.ok exists is skipped (delete the marker or
 * use --force to redo it). Every step's outcome (ok, skipped, or its error) is appended to
 * RESULTS/reproduce_status.csv; a failing step never stops the others, only those that need its
 * output.
 *
 * Memory management: struct repro is caller-owned (repro_release()). struct repro_scores owns
 * its arrays (repro_scores_release()). */
#ifndef PYVET_REPRO_H
#define PYVET_REPRO_H

#include <stdio.h>
#include <stddef.h>

#include "core/base/err.h"

#define REPRO_PATH_MAX 1024

struct repro {
	const char *out;                    /* results folder */
	const char *corpus;                 /* corpus folder (manifest paths are relative to it) */
	char manifest[REPRO_PATH_MAX];      /* dataset manifest with the split column */
	char full_manifest[REPRO_PATH_MAX]; /* the `full` dataset (temporal experiment) */
	char features[REPRO_PATH_MAX];      /* extraction folder */
	const char *final_set;              /* "T+MCF+pre" */
	/* The Debian slice (issue #10): debian_dir is NULL unless every package of debian_manifest
	 * is in it (repro_debian_check()); the Debian steps run only then, on realistic_manifest
	 * (the `realistic` dataset) and realistic_features (its extraction, --debian-dir). */
	const char *debian_dir;
	const char *debian_manifest;             /* datasets/debian/manifest.csv */
	char realistic_manifest[REPRO_PATH_MAX]; /* "" until split */
	char realistic_features[REPRO_PATH_MAX]; /* "" until extracted */
	/* The peer tools (issue 13): peers_on is set by repro_peers_check() when ../shared/peers
	 * is there and `make peers` ran; the peer steps use no_bandit and the dataset's name. */
	int peers_on, no_bandit;
	const char *dataset; /* "paper" or "full" */
	unsigned long seed;
	size_t jobs, folds, repeats, imp_repeats;
	int quick, force;
	int grouped_all; /* --grouped-sets all: grouped CV of all 8 sets */
	FILE *status;    /* reproduce_status.csv */
	size_t n_failed;
};

/** Path "<out>/<name>" into buf. Returns buf. */
const char *repro_path(const struct repro *r, const char *name, char *buf, size_t n);

/** 1 if step `step` finished in an earlier run (and --force is off). */
int repro_done(const struct repro *r, const char *step);

/** Record the outcome of `step` (rc 0 = ok, writes the marker) with its wall time and message;
 *  progress line on stderr. Returns rc. */
int repro_record(struct repro *r, const char *step, int rc, double seconds, const char *msg);

/** Record `step` as skipped (status "skipped", no marker, not a failure) with the reason `msg`,
 *  printed on stderr as "pyvet: reproduce: STEP: skipped: MSG". */
void repro_skip(struct repro *r, const char *step, const char *msg);

/** Whether the Debian slice can be used: r->debian_dir is set and every file listed in
 *  r->debian_manifest is in it. If not, r->debian_dir is set to NULL and the step
 *  "debian_slice" is recorded as skipped with a line saying how to fetch the slice. 1 or 0. */
int repro_debian_check(struct repro *r);

/** Monotonic seconds. */
double repro_now(void);

/* Scores of one learner on one set of rows (out-of-fold repeat 0, or test). */
struct repro_scores {
	size_t n;
	char **id; /* owned */
	int *y;
	double *score;
	double threshold; /* the learner's verdict threshold */
};

/** Out-of-fold scores (`pyvet cv --oof`: set,learner,repeat,id,label,fold,score) of `learner`
 *  in `repeat`. 0, or -1 with the reason on `d` (no such rows is an error). */
int repro_load_oof(const char *path, const char *learner, int repeat, struct repro_scores *s,
                   struct diag *d);

/** Test scores (`pyvet cv --test ... --scores`: set,learner,id,label,score,threshold,verdict) of
 *  `learner`. 0 or -1. */
int repro_load_test(const char *path, const char *learner, struct repro_scores *s, struct diag *d);

/** Free. NULL-safe. */
void repro_scores_release(struct repro_scores *s);

/** The verdict threshold of learner `name` (0.5 for probabilistic learners, else 0). */
double repro_threshold(const char *name);

/* The drivers; each returns 0 or -1 with the reason on `d`. */
int repro_tables(struct repro *r, struct diag *d);           /* table3/4, grouped_cv, leak_check */
int repro_train_test(struct repro *r, struct diag *d);       /* table5_train_test, temporal */
int repro_intersection(struct repro *r, struct diag *d);     /* fig4_intersection */
int repro_hard_negatives(struct repro *r, struct diag *d);   /* hard_negatives */
int repro_operating_points(struct repro *r, struct diag *d); /* operating_points, roc_, pr_ */
int repro_importance(struct repro *r, struct diag *d);       /* fig2_importance */

/** Whether the peer tools can run: `peers_dir` (../shared/peers) exists and `env_file`
 *  (build/peers/env, written by `make peers`) is usable. Sets r->peers_on; if not, records the
 *  step "peers" as skipped with the reason. 1 or 0. */
int repro_peers_check(struct repro *r, const char *peers_dir, const char *env_file);

/* The peer steps (repro_peers.c), each a baseline_run() with --peer bandit,packj,guarddog (in
 * process, experiments/run/baseline.h): peers_test on every package of the dataset's test split,
 * with pyvet's test scores and operating points, into RESULTS/peers/; peers_debian on the Debian
 * slice's test packages of the `realistic` dataset, scored by a model trained on the dataset's
 * training split (extract_run(), cv_run() --test), into RESULTS/peers_debian/ (needs the slice).
 * 0, or -1 with the reason on `d`. */
int repro_peers(struct repro *r, struct diag *d);
int repro_peers_debian(struct repro *r, struct diag *d);

#endif
