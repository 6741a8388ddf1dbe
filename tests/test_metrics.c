/* Unit tests for core/metrics: every value checked against a hand computation. */
#include <math.h>

#include "core/ml/metrics.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

/* Ten rows with ties across classes (0.7) and within a class (0.2). At threshold 0.5:
 * flagged 0.9 0.8 0.7 0.7 0.6 -> TP 3, FP 2, FN 1 (0.3), TN 4. */
static const double s10[] = {0.9, 0.8, 0.7, 0.7, 0.6, 0.4, 0.3, 0.2, 0.2, 0.1};
static const int y10[] = {1, 0, 1, 0, 1, 0, 1, 0, 0, 0};

static void test_hand_example(void)
{
	struct metrics m;
	metrics_compute(s10, y10, 10, 0.5, &m);
	CHECK_INT(m.cm.tp, 3, "tp");
	CHECK_INT(m.cm.fp, 2, "fp");
	CHECK_INT(m.cm.tn, 4, "tn");
	CHECK_INT(m.cm.fn, 1, "fn");
	CHECK_REL(m.p_mal, 0.6, 1e-15, "p_mal = 3/5");
	CHECK_REL(m.r_mal, 0.75, 1e-15, "r_mal = 3/4");
	CHECK_REL(m.f1_mal, 2.0 / 3.0, 1e-15, "f1_mal = 6/9");
	CHECK_REL(m.p_ben, 0.8, 1e-15, "p_ben = 4/5");
	CHECK_REL(m.r_ben, 2.0 / 3.0, 1e-15, "r_ben = 4/6");
	CHECK_REL(m.f1_ben, 8.0 / 11.0, 1e-15, "f1_ben = 8/11");
	CHECK_REL(m.p_macro, 0.7, 1e-15, "p_macro");
	CHECK_REL(m.r_macro, (0.75 + 2.0 / 3.0) / 2, 1e-15, "r_macro");
	CHECK_REL(m.f1_macro, 23.0 / 33.0, 1e-15, "f1_macro = 23/33");
	CHECK_REL(m.accuracy, 0.7, 1e-15, "accuracy");
	CHECK_REL(m.fpr, 1.0 / 3.0, 1e-15, "fpr = 2/6");
	/* Positives 0.9, 0.7, 0.6, 0.3 beat 6, 4 + 1/2 (tie), 4, 3 of 6 negatives. */
	CHECK_REL(m.roc_auc, 17.5 / 24.0, 1e-15, "roc_auc = 17.5/24 (tie counts 1/2)");
	/* AP: points at 0.9 (R .25, P 1), 0.7 (.5, .5), 0.6 (.75, .6), 0.3 (1, 4/7). */
	CHECK_REL(m.pr_auc, 187.0 / 280.0, 1e-15, "pr_auc = .25 + .125 + .15 + 1/7");
	CHECK_INT(m.n_undefined, 0, "nothing undefined");
	CHECK_INT(metrics_confusion(s10, y10, 10, 0.7).tp, 1,
	          "threshold is strict: 0.7 > 0.7 false");
}

static void test_names(void)
{
	struct metrics m;
	size_t k = 0;
	metrics_compute(s10, y10, 10, 0.5, &m);
	while (metric_names[k])
		k++;
	CHECK_INT(k, METRICS_N_NAMES, "metric_names has METRICS_N_NAMES entries");
	CHECK_STR(metric_names[0], "p_macro", "first name");
	CHECK_STR(metric_names[17], "n_undefined", "last name");
	CHECK(metrics_value(&m, 2) == m.f1_macro, "value 2 is f1_macro");
	CHECK(metrics_value(&m, 11) == m.roc_auc, "value 11 is roc_auc");
	CHECK(metrics_value(&m, 14) == 2.0, "value 14 is fp");
	CHECK(isnan(metrics_value(&m, 18)), "value past the end is NaN");
}

static void test_zero_division(void)
{
	static const double s0[] = {0.1, 0.2, 0.3};
	static const int y1[] = {1, 0, 0}, y0[] = {0, 0, 0};
	struct metrics m;
	/* Nothing flagged: P_mal 0/0. */
	metrics_compute(s0, y1, 3, 0.5, &m);
	CHECK(m.p_mal == 0 && m.r_mal == 0 && m.f1_mal == 0, "no flags: malicious P/R/F1 are 0");
	CHECK_REL(m.p_ben, 2.0 / 3.0, 1e-15, "p_ben = 2/3");
	CHECK_REL(m.f1_ben, 0.8, 1e-15, "f1_ben = 4/5");
	CHECK_INT(m.n_undefined, 1, "only P_mal undefined");
	CHECK_REL(m.roc_auc, 0.0, 1e-15, "positive ranked last: auc 0");
	CHECK_REL(m.pr_auc, 1.0 / 3.0, 1e-15, "AP = 1/3");
	/* One class only, all correct: every malicious P/R/F1 undefined. */
	metrics_compute(s0, y0, 3, 0.5, &m);
	CHECK_INT(m.n_undefined, 3, "no positives: P, R, F1 of malicious undefined");
	CHECK(m.f1_ben == 1 && m.f1_macro == 0.5, "benign F1 1, macro 0.5");
	CHECK(isnan(m.roc_auc) && isnan(m.pr_auc), "auc NaN without positives");
	CHECK(m.fpr == 0, "fpr 0");
	/* Empty input. */
	metrics_compute(NULL, NULL, 0, 0.5, &m);
	CHECK_INT(m.n_undefined, 6, "empty: six undefined values");
	CHECK(isnan(m.accuracy) && isnan(m.fpr), "empty: accuracy and fpr NaN");
	/* No benign rows: FPR undefined. */
	metrics_compute(s0, (const int[]){1, 1, 1}, 3, 0.15, &m);
	CHECK(isnan(m.fpr) && isnan(m.roc_auc), "no benign: fpr and auc NaN");
	CHECK_REL(m.pr_auc, 1.0, 1e-15, "all positive: AP 1");
}

static void test_auc_ties(void)
{
	static const double flat[] = {0.5, 0.5, 0.5, 0.5};
	static const int y[] = {1, 0, 1, 0};
	static const double nanv[] = {0.5, NAN, 0.1, 0.2};
	CHECK_REL(metrics_roc_auc(flat, y, 4), 0.5, 1e-15, "all tied: auc 1/2");
	CHECK_REL(metrics_pr_auc(flat, y, 4), 0.5, 1e-15, "all tied: AP = prevalence");
	CHECK_REL(metrics_roc_auc((const double[]){2, 1, 1, 0}, (const int[]){1, 1, 0, 0}, 4),
	          0.875, 1e-15, "one tie pair: (2 + 1.5) / 4");
	CHECK(isnan(metrics_roc_auc(nanv, y, 4)), "NaN score: auc NaN");
	CHECK(isnan(metrics_pr_auc(nanv, y, 4)), "NaN score: AP NaN");
}

static void test_threshold_at_fpr(void)
{
	double r, f, t;
	t = metrics_threshold_at_fpr(s10, y10, 10, 0.0, &r, &f);
	CHECK(t == 0.8 && r == 0.25 && f == 0, "fpr 0: t = 0.8, only 0.9 flagged");
	t = metrics_threshold_at_fpr(s10, y10, 10, 0.2, &r, &f);
	CHECK(t == 0.7 && r == 0.25, "fpr 0.2: t = 0.7, the tied malicious 0.7 is not flagged");
	CHECK_REL(f, 1.0 / 6.0, 1e-15, "fpr 0.2: achieved 1/6");
	t = metrics_threshold_at_fpr(s10, y10, 10, 0.34, &r, &f);
	CHECK(t == 0.4 && r == 0.75, "fpr 0.34: t = 0.4, recall 3/4");
	CHECK_REL(f, 1.0 / 3.0, 1e-15, "fpr 0.34: achieved 2/6");
	t = metrics_threshold_at_fpr(s10, y10, 10, 1.0, &r, &f);
	CHECK(t == 0.1 && r == 1, "fpr 1: lowest distinct score");
	CHECK_REL(f, 5.0 / 6.0, 1e-15, "fpr 1: the 0.1 benign row is never flagged");
	t = metrics_threshold_at_fpr(s10, (const int[]){1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 10, 0.01, &r,
	                             &f);
	CHECK(isinf(t) && t > 0 && isnan(r) && isnan(f), "no benign rows: +inf and NaN rates");
	t = metrics_threshold_at_fpr(s10, y10, 10, -0.5, &r, &f);
	CHECK(isinf(t) && isnan(r), "negative target: +inf");
	t = metrics_threshold_at_fpr(s10, (const int[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10, 0.1, &r,
	                             &f);
	CHECK(t == 0.8 && isnan(r) && f == 0.1,
	      "no positives: recall NaN, t = 0.8 flags one of 10");
}

/* Scores that differ only by machine noise (here 1e-13 relative, ten times the noise of one
 * double operation chain) rank, count and threshold identically (issue 15.11). The scores hold
 * exact ties across and within classes; distinct values are at least 1e-6 apart. */
static void test_noise_robustness(void)
{
	enum { N = 400 };
	static double s[N], p[N], t[N], tp_[N];
	static int y[N];
	int differs = 0, same_flags = 1;
	unsigned long u = 12345;
	for (int scale = 0; scale < 2; scale++) {
		for (size_t i = 0; i < N; i++) {
			u = u * 6364136223846793005UL + 1442695040888963407UL;
			/* 60 distinct levels: probabilities in (0, 1) or decision values in (-5, 5)
			 */
			double level = (double)((u >> 33) % 60) / 60.0 + 1.0 / 120.0;
			s[i] = scale ? 10 * level - 5 : level;
			y[i] = ((u >> 20) % 3) == 0 || level > 0.8;
			/* relative perturbation in [-1e-13, 1e-13], different for every row */
			double delta = ((double)((u >> 11) % 2001) - 1000.0) * 1e-16;
			p[i] = s[i] * (1 + delta);
			differs |= p[i] != s[i];
			t[i] = s[(i * 7) % N];
			tp_[i] = t[i] * (1 - delta);
		}
		const char *what = scale ? "decision values" : "probabilities";
		CHECK(differs, "%s: the perturbation changes the scores", what);
		CHECK(metrics_roc_auc(s, y, N) == metrics_roc_auc(p, y, N),
		      "%s: ROC-AUC identical under 1e-13 noise (%.17g)", what,
		      metrics_roc_auc(s, y, N));
		CHECK(metrics_pr_auc(s, y, N) == metrics_pr_auc(p, y, N),
		      "%s: PR-AUC identical under 1e-13 noise", what);
		for (int k = 0; k < 4; k++) {
			double target = (double[]){0.1, 0.05, 0.01, 0}[k];
			double r1, f1, r2, f2;
			double t1 = metrics_threshold_at_fpr(s, y, N, target, &r1, &f1);
			double t2 = metrics_threshold_at_fpr(p, y, N, target, &r2, &f2);
			CHECK(r1 == r2 && f1 == f2 && metrics_tied(t1, t2),
			      "%s, target FPR %g: same recall, FPR and (tied) threshold", what,
			      target);
			for (size_t i = 0; i < N; i++)
				same_flags &=
				    metrics_flagged(t[i], t1) == metrics_flagged(tp_[i], t2);
		}
		CHECK(same_flags,
		      "%s: other noisy scores are flagged alike at the noisy thresholds", what);
	}
	CHECK(metrics_tied(0.5, 0.5 + 4e-13) && !metrics_tied(0.5, 0.5 + 4e-12),
	      "tied within 1e-12, not beyond");
	CHECK(metrics_tied(1e6, 1e6 + 1e-7) && !metrics_tied(1e6, 1e6 + 1e-5),
	      "the tolerance is relative above 1");
	CHECK(metrics_tied(1e-30, 1e-30 * (1 + 1e-13)) && !metrics_tied(1e-30, 1e-20) &&
	          !metrics_tied(0, 1e-300),
	      "and below 1: tiny probabilities keep their order, 0 ties only 0");
	CHECK(!metrics_tied(NAN, NAN) && metrics_tied(INFINITY, INFINITY) &&
	          !metrics_tied(INFINITY, 1e308),
	      "NaN ties nothing; infinities only themselves");
	CHECK(!metrics_flagged(0.7 + 1e-14, 0.7) && metrics_flagged(0.71, 0.7) &&
	          !metrics_flagged(NAN, 0.7),
	      "a score tied with the threshold is not flagged");
}

/* Wilson intervals against statsmodels' proportion_confint(k, n, method="wilson") values. */
static void test_wilson(void)
{
	double lo, hi, z = 1.959963984540054;
	CHECK_REL(metrics_wilson(8, 10, z, &lo, &hi), 0.8, 1e-15, "wilson 8/10: p");
	CHECK_REL(lo, 0.49016247153664183, 1e-12, "wilson 8/10: lower bound");
	CHECK_REL(hi, 0.9433178485456247, 1e-12, "wilson 8/10: upper bound");
	metrics_wilson(0, 20, z, &lo, &hi);
	CHECK(lo == 0, "wilson 0/20: lower bound 0");
	CHECK_REL(hi, 0.16112515805281938, 1e-12, "wilson 0/20: upper bound");
	metrics_wilson(3, 188, z, &lo, &hi);
	CHECK_REL(lo, 0.005441558415519205, 1e-10, "wilson 3/188: lower bound");
	CHECK_REL(hi, 0.04585839979576874, 1e-10, "wilson 3/188: upper bound");
	metrics_wilson(143, 143, z, &lo, &hi);
	CHECK(hi == 1 && lo > 0.97, "wilson 143/143: upper bound 1");
	CHECK(isnan(metrics_wilson(0, 0, z, &lo, &hi)) && isnan(lo) && isnan(hi),
	      "wilson 0/0: NaN");
}

int main(void)
{
	toolkit_init();
	test_wilson();
	test_hand_example();
	test_names();
	test_zero_division();
	test_auc_ties();
	test_threshold_at_fpr();
	test_noise_robustness();
	return harness_done();
}
