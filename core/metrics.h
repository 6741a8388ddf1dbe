/* metrics: pure functions on (scores, labels): confusion matrix, per-class and macro
 * precision/recall/F1 (the paper reports macro), accuracy, FPR, ROC-AUC, PR-AUC, recall at a
 * fixed FPR (spec 5.3, D29, 8.7). Malicious (y = 1) is the positive class. Undefined ratios
 * (0/0) are NaN in the struct; the *_zero variants of P/R/F1 follow scikit-learn's
 * zero_division=0 convention used for the paper's tables, and `n_undefined` counts them. */
#ifndef PYVET_METRICS_H
#define PYVET_METRICS_H

#include <stddef.h>

struct confusion {
	size_t tp, fp, tn, fn;
};

struct metrics {
	struct confusion cm;
	double p_mal, r_mal, f1_mal;     /* malicious class; 0 where undefined (zero_division=0) */
	double p_ben, r_ben, f1_ben;     /* benign class */
	double p_macro, r_macro, f1_macro;
	double accuracy;
	double fpr;                      /* FP / (FP + TN); NaN if no benign rows */
	double roc_auc;                  /* NaN if a class is absent */
	double pr_auc;                   /* average precision; NaN if no positives */
	int n_undefined;                 /* P/R/F1 values that were 0/0 and set to 0 */
};

/** Confusion matrix of predictions `score > threshold` against y. */
struct confusion metrics_confusion(const double *score, const int *y, size_t n, double threshold);

/** Every metric at once. */
void metrics_compute(const double *score, const int *y, size_t n, double threshold,
		     struct metrics *m);

/** ROC-AUC with ties counted half (Mann-Whitney); NaN if a class is absent. */
double metrics_roc_auc(const double *score, const int *y, size_t n);

/** Average precision (scikit-learn's average_precision_score); NaN without positives. */
double metrics_pr_auc(const double *score, const int *y, size_t n);

/** The smallest threshold t such that the benign FPR of `score > t` is <= target_fpr; writes
 *  the achieved recall and FPR. Returns t (+inf if no benign rows ... see implementation). */
double metrics_threshold_at_fpr(const double *score, const int *y, size_t n, double target_fpr,
				double *recall, double *fpr);

/** Names and accessors for the long-format results writer: metric_names[] is NULL-terminated
 *  ("p_macro", "r_macro", "f1_macro", "p_mal", ..., "roc_auc", "pr_auc", "tp", "fp", "tn", "fn");
 *  metrics_value(m, i) returns the i-th value. */
extern const char *const metric_names[];
double metrics_value(const struct metrics *m, size_t i);

#endif
