/* Classification metrics on (score, label) arrays: confusion, P/R/F1, AUCs, operating points. */
#include "core/ml/metrics.h"

#include <math.h>
#include <stdlib.h>

const char *const metric_names[] = {"p_macro", "r_macro", "f1_macro",    "p_mal",  "r_mal",
                                    "f1_mal",  "p_ben",   "r_ben",       "f1_ben", "accuracy",
                                    "fpr",     "roc_auc", "pr_auc",      "tp",     "fp",
                                    "tn",      "fn",      "n_undefined", NULL};

double metrics_value(const struct metrics *m, size_t i)
{
	switch (i) {
	case 0:
		return m->p_macro;
	case 1:
		return m->r_macro;
	case 2:
		return m->f1_macro;
	case 3:
		return m->p_mal;
	case 4:
		return m->r_mal;
	case 5:
		return m->f1_mal;
	case 6:
		return m->p_ben;
	case 7:
		return m->r_ben;
	case 8:
		return m->f1_ben;
	case 9:
		return m->accuracy;
	case 10:
		return m->fpr;
	case 11:
		return m->roc_auc;
	case 12:
		return m->pr_auc;
	case 13:
		return (double)m->cm.tp;
	case 14:
		return (double)m->cm.fp;
	case 15:
		return (double)m->cm.tn;
	case 16:
		return (double)m->cm.fn;
	case 17:
		return (double)m->n_undefined;
	default:
		return NAN;
	}
}

int metrics_tied(double a, double b)
{
	if (a == b)
		return 1;
	if (!isfinite(a) || !isfinite(b))
		return 0;
	return fabs(a - b) <= METRICS_TIE_TOL * fmax(fabs(a), fabs(b));
}

int metrics_flagged(double score, double t)
{
	return score > t && !metrics_tied(score, t);
}

struct confusion metrics_confusion(const double *score, const int *y, size_t n, double threshold)
{
	struct confusion c = {0, 0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		int pred = score[i] > threshold; /* NaN scores are never flagged */
		if (y[i])
			pred ? c.tp++ : c.fn++;
		else
			pred ? c.fp++ : c.tn++;
	}
	return c;
}

/* num/den, or 0 with *undef incremented when den == 0 (scikit-learn's zero_division=0). */
static double ratio_zero(size_t num, size_t den, int *undef)
{
	if (den == 0) {
		(*undef)++;
		return 0.0;
	}
	return (double)num / (double)den;
}

/* F1 = 2tp / (2tp + fp + fn), which equals the harmonic mean of P and R whenever both are
 * defined and is scikit-learn's formula (>= 1.3); 0 and counted when the denominator is 0. */
static double f1_zero(size_t tp, size_t fp, size_t fn, int *undef)
{
	return ratio_zero(2 * tp, 2 * tp + fp + fn, undef);
}

void metrics_compute(const double *score, const int *y, size_t n, double threshold,
                     struct metrics *m)
{
	struct confusion c = metrics_confusion(score, y, n, threshold);
	int u = 0;
	m->cm = c;
	m->p_mal = ratio_zero(c.tp, c.tp + c.fp, &u);
	m->r_mal = ratio_zero(c.tp, c.tp + c.fn, &u);
	m->f1_mal = f1_zero(c.tp, c.fp, c.fn, &u);
	m->p_ben = ratio_zero(c.tn, c.tn + c.fn, &u);
	m->r_ben = ratio_zero(c.tn, c.tn + c.fp, &u);
	m->f1_ben = f1_zero(c.tn, c.fn, c.fp, &u);
	m->n_undefined = u;
	m->p_macro = (m->p_mal + m->p_ben) / 2;
	m->r_macro = (m->r_mal + m->r_ben) / 2;
	m->f1_macro = (m->f1_mal + m->f1_ben) / 2;
	m->accuracy = n ? (double)(c.tp + c.tn) / (double)n : (double)NAN;
	m->fpr = (c.fp + c.tn) ? (double)c.fp / (double)(c.fp + c.tn) : (double)NAN;
	m->roc_auc = metrics_roc_auc(score, y, n);
	m->pr_auc = metrics_pr_auc(score, y, n);
}

struct scored {
	double s;
	int y;
};

static int cmp_scored_desc(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->s, z = ((const struct scored *)b)->s;
	return (x < z) - (x > z);
}

/* The end of the block of tied scores that starts at v[lo] in a descending array of k pairs:
 * consecutive scores within the tolerance belong to one block. */
static size_t block_end(const struct scored *v, size_t lo, size_t k)
{
	size_t hi = lo + 1;
	while (hi < k && metrics_tied(v[hi - 1].s, v[hi].s))
		hi++;
	return hi;
}

/* The (score, label) pairs sorted by decreasing score, or NULL (out of memory, n == 0, or a NaN
 * score: the ranking is then undefined). */
static struct scored *sorted_desc(const double *score, const int *y, size_t n)
{
	struct scored *v;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (isnan(score[i]))
			return NULL;
	v = malloc(n * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].s = score[i];
		v[i].y = y[i] != 0;
	}
	qsort(v, n, sizeof(*v), cmp_scored_desc);
	return v;
}

double metrics_roc_auc(const double *score, const int *y, size_t n)
{
	size_t n_pos = 0, n_neg, neg_below = 0;
	double wins = 0;
	struct scored *v;
	for (size_t i = 0; i < n; i++)
		n_pos += y[i] != 0;
	n_neg = n - n_pos;
	if (n_pos == 0 || n_neg == 0)
		return NAN;
	v = sorted_desc(score, y, n);
	if (!v)
		return NAN;
	/* Walk from the lowest score up, one block of tied scores at a time (blocks are cut at
	 * gaps above the tolerance, the same blocks as block_end() finds from the top): each
	 * positive beats every negative in a lower block and half of the negatives of its own. */
	for (size_t hi = n; hi > 0;) {
		size_t lo = hi - 1, p = 0, q = 0;
		while (lo > 0 && metrics_tied(v[lo - 1].s, v[lo].s))
			lo--;
		for (size_t i = lo; i < hi; i++)
			v[i].y ? p++ : q++;
		wins += (double)p * ((double)neg_below + 0.5 * (double)q);
		neg_below += q;
		hi = lo;
	}
	free(v);
	return wins / ((double)n_pos * (double)n_neg);
}

double metrics_pr_auc(const double *score, const int *y, size_t n)
{
	size_t n_pos = 0, tp = 0, fp = 0;
	double ap = 0, prev_recall = 0;
	struct scored *v;
	for (size_t i = 0; i < n; i++)
		n_pos += y[i] != 0;
	if (n_pos == 0)
		return NAN;
	v = sorted_desc(score, y, n);
	if (!v)
		return NAN;
	/* One point per block of tied scores, as precision_recall_curve per distinct score; AP is
	 * the step-wise sum of precision times the recall gained at that point. */
	for (size_t lo = 0; lo < n;) {
		size_t hi = block_end(v, lo, n);
		double recall;
		for (size_t i = lo; i < hi; i++)
			v[i].y ? tp++ : fp++;
		recall = (double)tp / (double)n_pos;
		ap += (recall - prev_recall) * ((double)tp / (double)(tp + fp));
		prev_recall = recall;
		lo = hi;
	}
	free(v);
	return ap;
}

double metrics_threshold_at_fpr(const double *score, const int *y, size_t n, double target_fpr,
                                double *recall, double *fpr)
{
	size_t n_pos = 0, n_neg = 0, k = 0, tp = 0, fp = 0, best_tp = 0, best_fp = 0;
	double best = INFINITY;
	int found = 0;
	struct scored *v;
	*recall = NAN;
	*fpr = NAN;
	for (size_t i = 0; i < n; i++)
		y[i] ? n_pos++ : n_neg++;
	if (n_neg == 0)
		return INFINITY;
	if (isnan(target_fpr))
		return NAN;
	/* Rows with a NaN score are never flagged (they stay in n_pos and n_neg) and are not
	 * candidate thresholds. */
	v = malloc(n * sizeof(*v));
	if (!v)
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (!isnan(score[i])) {
			v[k].s = score[i];
			v[k].y = y[i] != 0;
			k++;
		}
	qsort(v, k, sizeof(*v), cmp_scored_desc);
	/* Candidate t = the top score of each block of ties, highest first; at t = v[lo].s the
	 * flagged rows are exactly those of the blocks before lo. FP only grows as t decreases, so
	 * the last candidate within the target is the lowest admissible threshold. */
	for (size_t lo = 0; lo < k;) {
		size_t hi = block_end(v, lo, k);
		if ((double)fp / (double)n_neg > target_fpr)
			break;
		best = v[lo].s;
		found = 1;
		best_tp = tp;
		best_fp = fp;
		for (size_t i = lo; i < hi; i++)
			v[i].y ? tp++ : fp++;
		lo = hi;
	}
	free(v);
	if (!found)
		return INFINITY; /* no admissible candidate (target_fpr < 0, or every score is NaN)
		                  */
	*recall = n_pos ? (double)best_tp / (double)n_pos : (double)NAN;
	*fpr = (double)best_fp / (double)n_neg;
	return best;
}

double metrics_wilson(size_t k, size_t n, double z, double *lo, double *hi)
{
	if (!n || k > n) {
		*lo = *hi = NAN;
		return NAN;
	}
	double nn = (double)n, p = (double)k / nn, z2 = z * z;
	double denom = 1 + z2 / nn;
	double center = (p + z2 / (2 * nn)) / denom;
	double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
	/* At k = 0 and k = n the bounds are exactly 0 and 1; rounding would miss them. */
	*lo = k == 0 || center - half < 0 ? 0 : center - half;
	*hi = k == n || center + half > 1 ? 1 : center + half;
	return p;
}
