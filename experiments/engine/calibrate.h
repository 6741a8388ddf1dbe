/* calibrate: the verdict threshold of a model and its provenance, from out-of-fold scores on the
 * training rows (`pyvet train --fpr F` / `--threshold T`; issue 12 item 1).
 *
 * Protocol: one repeat of stratified k-fold cross-validation of the learner on the training rows
 * (cvrun_run(): the folds of repeat 0 of a `pyvet cv` run with the same seed and k, the
 * vocabulary fitted per fold), so every training row gets exactly one out-of-fold (OOF) score.
 *  - --fpr F: the threshold is metrics_threshold_at_fpr() of the OOF scores, the lowest score
 *    whose benign OOF FPR is <= F; candidates are blocks of tied scores (core/ml/metrics.h,
 *    1e-12 relative), so a threshold never splits tied scores. If that threshold flags no row
 *    -- every block that could be flagged has more benign rows than F allows -- F is
 *    unreachable: an error naming the smallest FPR that flags anything, never a silent
 *    "flag nothing" threshold.
 *  - --threshold T: T as given; the OOF rates at T are recorded the same way.
 * A row is flagged iff metrics_flagged(score, t): score > t and not tied with t. The OOF FPR and
 * recall at t carry 95 % Wilson score intervals (metrics_wilson()). A warning is recorded when
 * the benign rows are too few to support F: fewer than 3/F (then fewer than 3 false positives
 * are expected at F, so the OOF FPR says little about F). The calibration table records, from
 * the same OOF scores, the operating point at each standard target (calibrate_table_fpr[]).
 * The final model is fitted on every training row by the caller (cvrun_train_test()); its
 * scores are not the OOF models' scores, which is the usual cost of k-fold calibration
 * (docs/model-format.md).
 *
 * Memory management: struct calibration is a plain value (no pointers); calibration_json()
 * returns a new cJSON object owned by the caller. */
#ifndef PYVET_CALIBRATE_H
#define PYVET_CALIBRATE_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/ml/featdata.h"
#include "core/ml/metrics.h"
#include "experiments/engine/cvrun.h"

/* The 0.975 quantile of the standard normal distribution: two-sided 95 % intervals. */
#define CALIBRATE_Z95 1.959963984540054

enum calibrate_method {
	CALIBRATE_LEARNER = 0, /* the learner's own threshold (0.5 or 0), no OOF run */
	CALIBRATE_FPR,         /* the lowest OOF threshold with benign FPR <= target_fpr */
	CALIBRATE_FIXED        /* a threshold given by the user, OOF rates recorded */
};

struct calibrate_request {
	int method;         /* enum calibrate_method */
	double target_fpr;  /* CALIBRATE_FPR: F in [0, 1) */
	double threshold;   /* CALIBRATE_FIXED: T (finite) */
	size_t folds;       /* k >= 2 (default 10) */
	unsigned long seed; /* the run seed: folds of repeat 0 as in `pyvet cv` */
};

/* The standard targets of the calibration table (the rates of operating_points.csv, and 0.5 %). */
#define CALIBRATE_TABLE_N 5
extern const double calibrate_table_fpr[CALIBRATE_TABLE_N];

/* One row of the calibration table: the operating point the OOF scores give at a target FPR. */
struct calibrate_point {
	double target_fpr;
	int unreachable;  /* 1: no threshold flags anything at this target */
	double threshold; /* NaN when unreachable */
	double fpr, fpr_lo, fpr_hi, recall, recall_lo, recall_hi;
};

struct calibration {
	int method;        /* enum calibrate_method */
	double target_fpr; /* NaN unless CALIBRATE_FPR */
	double threshold;  /* the verdict threshold */
	size_t folds;      /* 0 for CALIBRATE_LEARNER */
	unsigned long seed;
	size_t n_benign, n_malicious;        /* training rows */
	struct confusion cm;                 /* OOF confusion at the threshold */
	double fpr, fpr_lo, fpr_hi;          /* OOF benign FPR and its 95 % Wilson interval */
	double recall, recall_lo, recall_hi; /* OOF malicious recall and its interval */
	double roc_auc;                      /* of the OOF scores (threshold-free context) */
	int few_benign;                      /* 1: n_benign < 3 / target_fpr (see above) */
	int unreachable;   /* set when calibrate_from_scores() failed for an unreachable F */
	char warning[256]; /* "" or the warning text */
	/* the same OOF scores at the standard targets calibrate_table_fpr[] (methods fpr, fixed) */
	struct calibrate_point table[CALIBRATE_TABLE_N];
	size_t n_table;
};

/** A request with the defaults: CALIBRATE_LEARNER, 10 folds, seed 1. */
void calibrate_request_default(struct calibrate_request *req);

/** Calibrate from OOF scores oof[0..n-1] of rows labelled y[] (1 malicious). A NaN score is an
 *  error (a row without an OOF score). 0 and *out, or -1 with the reason on `d`: no benign or no
 *  malicious row, a bad request (F outside [0, 1), T not finite), or F unreachable (the message
 *  names the smallest FPR that flags anything). CALIBRATE_LEARNER is refused (nothing to
 *  compute from scores). */
int calibrate_from_scores(const double *oof, const int *y, size_t n,
                          const struct calibrate_request *req, struct calibration *out,
                          struct diag *d);

/** Run the OOF cross-validation of `learner` on every row of `fd` with the columns of `fs`
 *  (options `o`: vocabulary parameters, word lists, jobs; its folds, repeats, kind and seed are
 *  replaced by the request's k, 1, stratified and seed) and calibrate_from_scores(). 0 or -1
 *  with the reason on `d` (also when a fold fails). */
int calibrate_run(const struct featdata *fd, const struct featspec *fs,
                  const struct cvrun_learner *learner, const struct cvrun_options *o,
                  const struct calibrate_request *req, struct calibration *out, struct diag *d);

/** The learner's own threshold as a calibration record (method CALIBRATE_LEARNER). */
void calibrate_learner_default(double threshold, struct calibration *out);

/** The "calibration" object of the model header (docs/model-format.md). NULL on out of memory. */
struct cJSON *calibration_json(const struct calibration *c);

/** The method's name in the model header: "learner", "fpr" or "fixed". */
const char *calibrate_method_name(int method);

#endif
