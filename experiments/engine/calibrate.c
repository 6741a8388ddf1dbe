/* Verdict thresholds from out-of-fold scores (see calibrate.h). */
#include "experiments/engine/calibrate.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double calibrate_table_fpr[CALIBRATE_TABLE_N] = {0.1, 0.05, 0.01, 0.005, 0.001};

void calibrate_request_default(struct calibrate_request *req)
{
	memset(req, 0, sizeof(*req));
	req->method = CALIBRATE_LEARNER;
	req->target_fpr = NAN;
	req->threshold = NAN;
	req->folds = 10;
	req->seed = 1;
}

const char *calibrate_method_name(int method)
{
	switch (method) {
	case CALIBRATE_FPR:
		return "fpr";
	case CALIBRATE_FIXED:
		return "fixed";
	default:
		return "learner";
	}
}

struct scored {
	double s;
	int y;
};

static int cmp_desc(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->s, z = ((const struct scored *)b)->s;
	return (x < z) - (x > z);
}

/* The benign FPR of flagging only the top block of tied scores (consecutive ties from the top,
 * as metrics_threshold_at_fpr() cuts them): the least FPR of a threshold that flags anything.
 * NaN on out of memory. */
static double top_block_fpr(const double *oof, const int *y, size_t n, size_t n_benign)
{
	struct scored *v = malloc((n ? n : 1) * sizeof(*v));
	size_t hi = 1, fp = 0;
	if (!v)
		return NAN;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct scored){oof[i], y[i]};
	qsort(v, n, sizeof(*v), cmp_desc);
	while (hi < n && metrics_tied(v[hi - 1].s, v[hi].s))
		hi++;
	for (size_t i = 0; i < hi; i++)
		fp += !v[i].y;
	free(v);
	return (double)fp / (double)n_benign;
}

int calibrate_from_scores(const double *oof, const int *y, size_t n,
                          const struct calibrate_request *req, struct calibration *out,
                          struct diag *d)
{
	double t;
	memset(out, 0, sizeof(*out));
	out->method = req->method;
	out->target_fpr = NAN;
	out->folds = req->folds;
	out->seed = req->seed;
	for (size_t i = 0; i < n; i++) {
		if (isnan(oof[i]))
			return diag_error(d, "row %zu has no out-of-fold score", i + 1);
		if (y[i])
			out->n_malicious++;
		else
			out->n_benign++;
	}
	if (!out->n_benign || !out->n_malicious)
		return diag_error(d,
		                  "calibration needs benign and malicious rows (%zu benign, %zu "
		                  "malicious)",
		                  out->n_benign, out->n_malicious);
	if (req->method == CALIBRATE_FPR) {
		double recall, fpr, f = req->target_fpr;
		if (!(f >= 0 && f < 1))
			return diag_error(d, "target FPR %g is not in [0, 1)", f);
		t = metrics_threshold_at_fpr(oof, y, n, f, &recall, &fpr);
		if (isnan(t))
			return diag_error(d, "out of memory");
		out->target_fpr = f;
	} else if (req->method == CALIBRATE_FIXED) {
		t = req->threshold;
		if (!isfinite(t))
			return diag_error(d, "threshold %g is not a finite number", t);
	} else {
		return diag_error(d, "no calibration method requested");
	}
	out->threshold = t;
	for (size_t i = 0; i < n; i++) {
		int flag = metrics_flagged(oof[i], t);
		if (y[i])
			flag ? out->cm.tp++ : out->cm.fn++;
		else
			flag ? out->cm.fp++ : out->cm.tn++;
	}
	if (req->method == CALIBRATE_FPR && !out->cm.tp && !out->cm.fp) {
		double min_fpr = top_block_fpr(oof, y, n, out->n_benign);
		out->unreachable = 1;
		return diag_error(d,
		                  "target FPR %g is unreachable on the out-of-fold scores: every "
		                  "threshold that flags a package flags more benign ones (flagging "
		                  "only the highest-scored block gives FPR %.6g of %zu benign); "
		                  "ask for --fpr %.6g or more",
		                  req->target_fpr, min_fpr, out->n_benign, min_fpr);
	}
	for (size_t k = 0; k < CALIBRATE_TABLE_N; k++) {
		struct calibrate_point *p = &out->table[out->n_table++];
		double rec, fpr;
		size_t tp = 0, fp = 0;
		p->target_fpr = calibrate_table_fpr[k];
		p->threshold = metrics_threshold_at_fpr(oof, y, n, p->target_fpr, &rec, &fpr);
		for (size_t i = 0; i < n; i++)
			if (metrics_flagged(oof[i], p->threshold))
				y[i] ? tp++ : fp++;
		p->unreachable = !tp && !fp;
		if (p->unreachable)
			p->threshold = NAN;
		p->fpr = metrics_wilson(fp, out->n_benign, CALIBRATE_Z95, &p->fpr_lo, &p->fpr_hi);
		p->recall = metrics_wilson(tp, out->n_malicious, CALIBRATE_Z95, &p->recall_lo,
		                           &p->recall_hi);
	}
	out->fpr =
	    metrics_wilson(out->cm.fp, out->n_benign, CALIBRATE_Z95, &out->fpr_lo, &out->fpr_hi);
	out->recall = metrics_wilson(out->cm.tp, out->n_malicious, CALIBRATE_Z95, &out->recall_lo,
	                             &out->recall_hi);
	out->roc_auc = metrics_roc_auc(oof, y, n);
	if (req->method == CALIBRATE_FPR &&
	    (req->target_fpr == 0 || (double)out->n_benign < 3.0 / req->target_fpr)) {
		out->few_benign = 1;
		if (req->target_fpr == 0)
			snprintf(out->warning, sizeof(out->warning),
			         "no benign count supports a target FPR of 0: the out-of-fold FPR "
			         "only says no benign package of %zu was flagged",
			         out->n_benign);
		else
			snprintf(
			    out->warning, sizeof(out->warning),
			    "%zu benign packages are too few to support a target FPR of %g "
			    "(fewer than 3/F = %.0f): the out-of-fold FPR rests on fewer than 3 "
			    "expected false positives",
			    out->n_benign, req->target_fpr, ceil(3.0 / req->target_fpr));
	}
	return 0;
}

int calibrate_run(const struct featdata *fd, const struct featspec *fs,
                  const struct cvrun_learner *learner, const struct cvrun_options *o,
                  const struct calibrate_request *req, struct calibration *out, struct diag *d)
{
	struct cvrun_options co = *o;
	struct cvrun_result res;
	int rc = -1;
	if (req->folds < 2)
		return diag_error(d, "calibration needs at least 2 folds (got %zu)", req->folds);
	co.folds = req->folds;
	co.repeats = 1;
	co.kind = CVRUN_STRATIFIED;
	co.seed = req->seed;
	memset(&res, 0, sizeof(res));
	if (cvrun_run(fd, fs, 1, learner, 1, &co, &res, d) < 0)
		return -1;
	if (res.n_failed) {
		for (size_t f = 0; f < res.folds; f++) {
			const struct cvrun_cell *c = cvrun_cell_at(&res, 0, 0, 0, f);
			if (!c->ok) {
				diag_error(d, "calibration fold %zu failed: %s", f + 1, c->error);
				break;
			}
		}
		goto end;
	}
	rc = calibrate_from_scores(cvrun_oof_at(&res, 0, 0, 0), fd->fixed->y, fd->fixed->n, req,
	                           out, d);
end:
	cvrun_result_release(&res);
	return rc;
}

void calibrate_learner_default(double threshold, struct calibration *out)
{
	memset(out, 0, sizeof(*out));
	out->method = CALIBRATE_LEARNER;
	out->target_fpr = NAN;
	out->threshold = threshold;
}

static void add_num_or_null(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_interval(cJSON *o, const char *k, double lo, double hi)
{
	cJSON *a = cJSON_AddArrayToObject(o, k);
	if (!a)
		return;
	cJSON_AddItemToArray(a, isfinite(lo) ? cJSON_CreateNumber(lo) : cJSON_CreateNull());
	cJSON_AddItemToArray(a, isfinite(hi) ? cJSON_CreateNumber(hi) : cJSON_CreateNull());
}

cJSON *calibration_json(const struct calibration *c)
{
	cJSON *o = cJSON_CreateObject(), *oof, *w, *tab;
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "method", calibrate_method_name(c->method));
	cJSON_AddNumberToObject(o, "threshold", c->threshold);
	if (c->method == CALIBRATE_LEARNER) {
		cJSON_AddStringToObject(o, "flag_rule", "score > threshold (D26)");
		return o;
	}
	cJSON_AddStringToObject(o, "flag_rule",
	                        "score > threshold and not tied with it (1e-12 relative)");
	add_num_or_null(o, "target_fpr", c->target_fpr);
	cJSON_AddStringToObject(o, "scores", "out-of-fold");
	cJSON_AddStringToObject(o, "fold_kind", "stratified");
	cJSON_AddNumberToObject(o, "folds", (double)c->folds);
	cJSON_AddNumberToObject(o, "repeats", 1);
	cJSON_AddNumberToObject(o, "seed", (double)c->seed);
	cJSON_AddNumberToObject(o, "benign", (double)c->n_benign);
	cJSON_AddNumberToObject(o, "malicious", (double)c->n_malicious);
	oof = cJSON_AddObjectToObject(o, "oof");
	if (oof) {
		cJSON_AddNumberToObject(oof, "tp", (double)c->cm.tp);
		cJSON_AddNumberToObject(oof, "fp", (double)c->cm.fp);
		cJSON_AddNumberToObject(oof, "tn", (double)c->cm.tn);
		cJSON_AddNumberToObject(oof, "fn", (double)c->cm.fn);
		add_num_or_null(oof, "fpr", c->fpr);
		add_interval(oof, "fpr_ci95", c->fpr_lo, c->fpr_hi);
		add_num_or_null(oof, "recall", c->recall);
		add_interval(oof, "recall_ci95", c->recall_lo, c->recall_hi);
		add_num_or_null(oof, "roc_auc", c->roc_auc);
	}
	cJSON_AddStringToObject(o, "ci_method", "Wilson score interval, 95 %");
	tab = cJSON_AddArrayToObject(o, "oof_table");
	for (size_t k = 0; tab && k < c->n_table; k++) {
		const struct calibrate_point *p = &c->table[k];
		cJSON *r = cJSON_CreateObject();
		if (!r || !cJSON_AddItemToArray(tab, r)) {
			cJSON_Delete(r);
			break;
		}
		cJSON_AddNumberToObject(r, "target_fpr", p->target_fpr);
		cJSON_AddBoolToObject(r, "unreachable", p->unreachable);
		add_num_or_null(r, "threshold", p->threshold);
		add_num_or_null(r, "fpr", p->fpr);
		add_interval(r, "fpr_ci95", p->fpr_lo, p->fpr_hi);
		add_num_or_null(r, "recall", p->recall);
		add_interval(r, "recall_ci95", p->recall_lo, p->recall_hi);
	}
	w = cJSON_AddArrayToObject(o, "warnings");
	if (w && c->warning[0])
		cJSON_AddItemToArray(w, cJSON_CreateString(c->warning));
	return o;
}
