/* metrics: pure functions on (scores, labels): confusion matrix, per-class and macro
 * precision/recall/F1 (the paper reports macro), accuracy, FPR, ROC-AUC, PR-AUC, recall at a
 * fixed FPR (spec 5.3, D29, 8.7). Malicious (y = 1) is the positive class. Undefined ratios
 * (0/0) are NaN in the struct; the *_zero variants of P/R/F1 follow scikit-learn's
 * zero_division=0 convention used for the paper's tables, and `n_undefined` counts them.
 *
 * Ties: rankings (ROC-AUC, PR-AUC, curves) and score-derived thresholds treat two scores as tied
 * when they differ by at most METRICS_TIE_TOL * max(|a|, |b|) (metrics_tied()), not only when
 * they are equal: the last bits of a score depend on the machine (BLAS kernels, libm code paths
 * chosen by CPU), and 1e-12 relative is far above that noise (1e-16 per operation) and far below
 * any difference a model means. The tolerance is relative, so probabilities near 0 (1e-30 vs
 * 1e-20) keep their order; near 1 it is 1e-12 absolute, about the resolution of a double there.
 * Sorted scores fall into blocks of consecutive ties (a gap larger than the tolerance starts a new
 * block); a block is ranked, counted and flagged as a whole. The verdict rule of a learner (score >
 * 0.5 or > 0, metrics_confusion()) stays strict (D26). */
#ifndef PYVET_METRICS_H
#define PYVET_METRICS_H

#include <stddef.h>

/* Relative tolerance under which two scores are tied (see above). */
#define METRICS_TIE_TOL 1e-12

/** 1 if a and b are tied: equal, or both finite with |a - b| <= METRICS_TIE_TOL * max(|a|,
 *  |b|); 0 otherwise (NaN is tied with nothing, 0 only with 0). */
int metrics_tied(double a, double b);

/** The flag rule for a threshold derived from scores (metrics_threshold_at_fpr()): score > t
 *  and not tied with t. A NaN score is never flagged. */
int metrics_flagged(double score, double t);

struct confusion {
	size_t tp, fp, tn, fn;
};

struct metrics {
	struct confusion cm;
	double p_mal, r_mal, f1_mal; /* malicious class; 0 where undefined (zero_division=0) */
	double p_ben, r_ben, f1_ben; /* benign class */
	double p_macro, r_macro, f1_macro;
	double accuracy;
	double fpr;      /* FP / (FP + TN); NaN if no benign rows */
	double roc_auc;  /* NaN if a class is absent */
	double pr_auc;   /* average precision; NaN if no positives */
	int n_undefined; /* P/R/F1 values that were 0/0 and set to 0 */
};

/** Confusion matrix of predictions `score > threshold` against y (y != 0 is malicious; a NaN
 *  score is never flagged). */
struct confusion metrics_confusion(const double *score, const int *y, size_t n, double threshold);

/** Every metric at once. P/R/F1 per class use zero_division=0 (0/0 -> 0, counted in
 *  n_undefined); F1 = 2TP / (2TP + FP + FN) as scikit-learn; macro = mean of the two classes.
 *  accuracy is NaN when n == 0. Never fails. */
void metrics_compute(const double *score, const int *y, size_t n, double threshold,
                     struct metrics *m);

/** ROC-AUC with tied scores (metrics_tied(), blocks) counted half (Mann-Whitney U / (P N)),
 *  O(n log n); NaN if a class is absent, a score is NaN, or on out of memory. */
double metrics_roc_auc(const double *score, const int *y, size_t n);

/** Average precision as scikit-learn's average_precision_score: one point per block of tied
 *  scores (flag the block and every higher one), AP = sum over points of (R_k - R_{k-1}) P_k.
 *  NaN without positives, with a NaN score, or on out of memory. */
double metrics_pr_auc(const double *score, const int *y, size_t n);

/** Operating point at a fixed benign false-positive rate (spec 8.7). The candidate thresholds
 *  are the highest scores of the blocks of tied scores; a row is flagged iff
 *  metrics_flagged(score, t), so a block is flagged or not as a whole and scores that differ
 *  from t only by machine noise fall on the same side. Returns the lowest candidate t whose FPR
 *  FP / (FP + TN) is <= target_fpr (the highest score always qualifies for target_fpr >= 0, as
 *  it flags nothing) and writes the recall and FPR achieved at t. The lowest score is the
 *  lowest candidate, so rows at the minimum score are never flagged.
 *  Rows with a NaN score are never flagged and are not candidates, but count in the rates.
 *  Without benign rows (or n == 0), or without any admissible candidate (target_fpr < 0, every
 *  score NaN): returns +inf and writes NaN to *recall and *fpr. Without malicious rows: *recall
 *  is NaN. NaN target_fpr or out of memory: returns NaN with NaN rates. */
double metrics_threshold_at_fpr(const double *score, const int *y, size_t n, double target_fpr,
                                double *recall, double *fpr);

/** Wilson score interval for a proportion k/n at normal quantile z (1.959963984540054 for
 *  95 %): [lo, hi] = (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), p = k/n
 *  (Wilson 1927; the interval statsmodels' proportion_confint(method="wilson") gives). Returns
 *  p; n == 0 gives NaN for all three. */
double metrics_wilson(size_t k, size_t n, double z, double *lo, double *hi);

/** Names and accessors for the long-format results writer: metric_names[] is NULL-terminated
 *  ("p_macro", "r_macro", "f1_macro", "p_mal", ..., "roc_auc", "pr_auc", "tp", "fp", "tn", "fn",
 *  "n_undefined", METRICS_N_NAMES entries);
 *  metrics_value(m, i) returns the i-th value (NaN for i past the end). */
extern const char *const metric_names[];
#define METRICS_N_NAMES 18
double metrics_value(const struct metrics *m, size_t i);

#endif
