/* Unit tests for experiments/engine/calibrate (thresholds from out-of-fold scores, hand-computed
 * on small score lists with ties) and experiments/engine/extractrec (the comparison of a model's
 * extraction record with a run's). */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "core/base/toolkit.h"
#include "experiments/engine/calibrate.h"
#include "experiments/engine/extractrec.h"
#include "tests/harness.h"

/* Ten rows, 6 benign and 4 malicious, with a tie across classes at 0.7 and within the benign
 * class at 0.2 (the example of test_metrics.c). */
static const double s10[] = {0.9, 0.8, 0.7, 0.7, 0.6, 0.4, 0.3, 0.2, 0.2, 0.1};
static const int y10[] = {1, 0, 1, 0, 1, 0, 1, 0, 0, 0};

static struct calibrate_request fpr_req(double f)
{
	struct calibrate_request r;
	calibrate_request_default(&r);
	r.method = CALIBRATE_FPR;
	r.target_fpr = f;
	return r;
}

static void test_fpr(void)
{
	struct calibration c;
	struct diag d;
	struct calibrate_request r = fpr_req(0.2);
	double lo, hi;
	diag_init(&d);
	/* candidates (block tops): 0.9 flags nothing; 0.8 flags 0.9 (FP 0); 0.7 flags 0.9, 0.8
	 * (FP 1/6 <= 0.2); 0.6 flags 0.9 0.8 0.7 0.7 (FP 2/6 > 0.2): t = 0.7 */
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) == 0, "F = 0.2: calibrated (%s)",
	      diag_message(&d));
	CHECK_REL(c.threshold, 0.7, 0, "F = 0.2: threshold 0.7, the lowest with FPR <= F");
	CHECK_INT(c.cm.fp, 1, "F = 0.2: one benign flagged (0.8)");
	CHECK_INT(c.cm.tp, 1, "F = 0.2: one malicious flagged (0.9): the tie at 0.7 is not split");
	CHECK_INT(c.n_benign, 6, "6 benign rows");
	CHECK_INT(c.n_malicious, 4, "4 malicious rows");
	CHECK_REL(c.fpr, 1.0 / 6, 1e-15, "OOF FPR 1/6");
	CHECK_REL(c.recall, 0.25, 1e-15, "OOF recall 1/4");
	metrics_wilson(1, 6, CALIBRATE_Z95, &lo, &hi);
	CHECK(c.fpr_lo == lo && c.fpr_hi == hi && lo < c.fpr && c.fpr < hi,
	      "FPR interval: Wilson 1/6 [%g, %g]", c.fpr_lo, c.fpr_hi);
	metrics_wilson(1, 4, CALIBRATE_Z95, &lo, &hi);
	CHECK(c.recall_lo == lo && c.recall_hi == hi, "recall interval: Wilson 1/4");
	CHECK(c.few_benign && strstr(c.warning, "fewer than 3/F = 15"),
	      "6 benign < 3/0.2: warning '%s'", c.warning);
	CHECK_REL(c.roc_auc, 17.5 / 24.0, 1e-15, "OOF ROC-AUC recorded");
	CHECK(c.n_table == CALIBRATE_TABLE_N && c.table[0].target_fpr == 0.1 &&
	          c.table[0].threshold == 0.8 && c.table[0].recall == 0.25 && c.table[0].fpr == 0 &&
	          !c.table[0].unreachable,
	      "calibration table: at 0.1 (FP < 0.6 of 6) the threshold is 0.8, recall 1/4");

	r = fpr_req(0.5); /* 3/F = 6: six benign rows are enough */
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) == 0 && !c.few_benign &&
	          !c.warning[0],
	      "F = 0.5: no warning with 3/F benign rows");
	CHECK(c.cm.fp <= 3, "F = 0.5: at most 3 of 6 benign flagged (%zu)", c.cm.fp);

	r = fpr_req(0);
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) == 0, "F = 0 reachable here");
	CHECK(c.threshold == 0.8 && c.cm.fp == 0 && c.cm.tp == 1,
	      "F = 0: threshold 0.8 flags the 0.9 row only");
	CHECK(c.few_benign && strstr(c.warning, "target FPR of 0"), "F = 0: always a warning");
	diag_release(&d);
}

static void test_ties_and_unreachable(void)
{
	/* the top block is a malicious 0.9 and a benign 0.9 * (1 + 1e-13): tied (1e-12 relative) */
	static const double s[] = {0.9, 0.9 * (1 + 1e-13), 0.5, 0.4, 0.3, 0.2, 0.1};
	static const int y[] = {1, 0, 1, 0, 0, 0, 0};
	struct calibration c;
	struct diag d;
	struct calibrate_request r = fpr_req(0.1);
	diag_init(&d);
	CHECK(calibrate_from_scores(s, y, 7, &r, &c, &d) < 0 && c.unreachable,
	      "F = 0.1 with a benign row tied at the top: unreachable");
	CHECK(strstr(diag_message(&d), "unreachable") && strstr(diag_message(&d), "0.2"),
	      "the message names the least FPR that flags anything (1/5): %s", diag_message(&d));
	diag_release(&d);
	diag_init(&d);
	r = fpr_req(0.25);
	CHECK(calibrate_from_scores(s, y, 7, &r, &c, &d) == 0 && c.table[0].unreachable &&
	          isnan(c.table[0].threshold) && c.table[0].fpr == 0 && c.table[0].recall == 0,
	      "calibration table: the 0.1 row is marked unreachable, no threshold");
	diag_release(&d);
	diag_init(&d);
	r = fpr_req(0.2);
	/* flagging the tied top block costs FP 1/5 = 0.2; the next block (0.5) is free; the one
	 * after (0.4, benign) is not: t = 0.4 */
	CHECK(calibrate_from_scores(s, y, 7, &r, &c, &d) == 0 && c.threshold == 0.4 &&
	          c.cm.tp == 2 && c.cm.fp == 1,
	      "F = 0.2: the tied top block is flagged as a whole, t = 0.4 (TP 2, FP 1)");
	diag_release(&d);
}

static void test_fixed_and_errors(void)
{
	struct calibration c;
	struct calibrate_request r;
	struct diag d;
	static const double nan_s[] = {0.9, NAN, 0.1};
	static const int nan_y[] = {1, 0, 0};
	static const int one_class[] = {0, 0, 0};
	calibrate_request_default(&r);
	diag_init(&d);
	r.method = CALIBRATE_FIXED;
	r.threshold = 0.65;
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) == 0 && c.threshold == 0.65 &&
	          c.cm.tp == 2 && c.cm.fp == 2 && !c.few_benign,
	      "--threshold 0.65: OOF TP 2, FP 2 recorded, no F warning");
	r.threshold = 0.7 * (1 + 1e-14);
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) == 0 && c.cm.tp == 1 && c.cm.fp == 1,
	      "a threshold within 1e-12 of the 0.7 scores does not flag them");
	r.threshold = NAN;
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) < 0, "NaN threshold refused");
	r = fpr_req(1);
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) < 0, "F = 1 refused");
	r = fpr_req(0.1);
	CHECK(calibrate_from_scores(nan_s, nan_y, 3, &r, &c, &d) < 0 &&
	          strstr(diag_message(&d), "no out-of-fold score"),
	      "a row without an OOF score is an error");
	CHECK(calibrate_from_scores(s10, one_class, 3, &r, &c, &d) < 0,
	      "one class only is an error");
	calibrate_request_default(&r);
	CHECK(calibrate_from_scores(s10, y10, 10, &r, &c, &d) < 0, "no method: error");
	diag_release(&d);
}

static void test_json(void)
{
	struct calibration c;
	struct calibrate_request r = fpr_req(0.2);
	struct diag d;
	diag_init(&d);
	calibrate_from_scores(s10, y10, 10, &r, &c, &d);
	cJSON *j = calibration_json(&c);
	char *t = cJSON_PrintUnformatted(j);
	CHECK(t && strstr(t, "\"method\":\"fpr\"") && strstr(t, "\"target_fpr\":0.2") &&
	          strstr(t, "\"folds\":10") && strstr(t, "\"benign\":6") && strstr(t, "\"fp\":1") &&
	          strstr(t, "\"fpr_ci95\":[") && strstr(t, "\"recall_ci95\":[") &&
	          strstr(t, "\"warnings\":[\""),
	      "calibration JSON: method, F, k, counts, OOF rates with intervals, warnings");
	cJSON_free(t);
	cJSON_Delete(j);
	calibrate_learner_default(0.5, &c);
	j = calibration_json(&c);
	t = cJSON_PrintUnformatted(j);
	CHECK(t && strstr(t, "\"method\":\"learner\"") && !strstr(t, "oof"),
	      "the learner's threshold: no OOF record");
	cJSON_free(t);
	cJSON_Delete(j);
	diag_release(&d);
}

/* A run's record with the long_str.threshold, pkg.time_budget and API-table hash to fill in. */
#define HAVE_T                                                                                     \
	"{\"featuresets\":[{\"name\":\"code\",\"version\":1,\"params\":{\"long_str.threshold\":%"  \
	"s,"                                                                                       \
	"\"long_str.mode\":\"literal-token\"}}],\"params\":{\"url.insecure_is_suspicious\":1,"     \
	"\"pkg.time_budget\":%s},\"data_sha256\":{\"python_apis.csv\":\"%s\"},"                    \
	"\"data_path\":{\"python_apis.csv\":\"/x/apis.csv\"}}"

static void test_compare(void)
{
	const char *want_t =
	    "{\"featuresets\":[{\"name\":\"code\",\"version\":1,\"params\":{\"long_str.threshold\":"
	    "40,\"long_str.mode\":\"literal-token\"}}],\"params\":{\"url.insecure_is_suspicious\":"
	    "1,"
	    "\"pkg.time_budget\":10},\"data_sha256\":{\"python_apis.csv\":\"aa\"}}";
	char buf[1024];
	struct diag d;
	cJSON *want = cJSON_Parse(want_t), *have;
	diag_init(&d);
	snprintf(buf, sizeof(buf), HAVE_T, "40", "30", "aa");
	have = cJSON_Parse(buf);
	CHECK(extractrec_compare(want, have, NULL, "this scan", &d) == 0,
	      "same record (another pkg.time_budget: exempt): agree (%s)", diag_message(&d));
	cJSON_Delete(have);
	snprintf(buf, sizeof(buf), HAVE_T, "60", "10", "aa");
	have = cJSON_Parse(buf);
	CHECK(extractrec_compare(want, have, "code.long_str.threshold=60", "this scan", &d) < 0 &&
	          strstr(diag_message(&d), "--param code.long_str.threshold=60") &&
	          strstr(diag_message(&d), "code.long_str.threshold='40'"),
	      "a conflicting --param names both values: %s", diag_message(&d));
	diag_release(&d);
	diag_init(&d);
	CHECK(extractrec_compare(want, have, NULL, "this scan", &d) < 0 &&
	          strstr(diag_message(&d), "'60' in this scan and '40' in the model"),
	      "without --param: both values named: %s", diag_message(&d));
	cJSON_Delete(have);
	diag_release(&d);
	diag_init(&d);
	snprintf(buf, sizeof(buf), HAVE_T, "40", "10", "bb");
	have = cJSON_Parse(buf);
	CHECK(extractrec_compare(want, have, NULL, "this scan", &d) < 0 &&
	          strstr(diag_message(&d), "python_apis.csv") &&
	          strstr(diag_message(&d), "/x/apis.csv") && strstr(diag_message(&d), "bb") &&
	          strstr(diag_message(&d), "aa"),
	      "a data file with another SHA-256: path and both hashes named: %s", diag_message(&d));
	cJSON_Delete(have);
	cJSON_Delete(want);
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	test_fpr();
	test_ties_and_unreachable();
	test_fixed_and_errors();
	test_json();
	test_compare();
	return harness_done();
}
