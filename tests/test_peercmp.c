/* Unit tests for experiments/engine/peercmp on hand-made packages: verdict counts and Wilson
 * intervals, packages without a result, pyvet thresholds, rule ordering, packj agreement
 * (Spearman by hand) and the timing summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/base/csvio.h"
#include "core/base/toolkit.h"
#include "experiments/engine/peercmp.h"
#include "tests/harness.h"

#define N 7

static struct cmp_package pk[N];
static struct peer_count gd_counts[N][2], eq_counts[N][1], pj_counts[N][1];

/* Three malicious, four benign. bandit flags m0, m1 and b0; it failed on b3. pyvet scores
 * 0.9 0.6 0.2 | 0.7 0.1 0.1 0.3. GuardDog fires rule "r-common" on everything but b2, "r-mal"
 * on the malicious only. packj-equivalent vs packj alerts: (1,1) (2,3) (3,2) (4,4) (0,0) (0,1)
 * (5,5). */
static void build(void)
{
	static const double score[N] = {0.9, 0.6, 0.2, 0.7, 0.1, 0.1, 0.3};
	static const long eq[N] = {1, 2, 3, 4, 0, 0, 5}, pj[N] = {1, 3, 2, 4, 0, 1, 5};
	static char ids[N][8];
	for (int i = 0; i < N; i++) {
		struct cmp_package *p = &pk[i];
		snprintf(ids[i], sizeof(ids[i]), "%c%d", i < 3 ? 'm' : 'b', i < 3 ? i : i - 3);
		p->id = p->name = ids[i];
		p->version = "1";
		p->y = i < 3;
		p->label = p->y ? "malicious" : "benign";
		for (int t = 0; t < CMP_N_TOOLS; t++) {
			cmp_result_init(&p->r[t]);
			p->r[t].ran = p->r[t].ok = p->r[t].timed = 1;
			p->r[t].wall_s = 1 + i;
			p->r[t].cpu_s = 0.5 * (1 + i);
		}
		p->r[CMP_BANDIT].flag[0] = i == 0 || i == 1 || i == 3;
		if (i == 6) {
			p->r[CMP_BANDIT].ok = p->r[CMP_BANDIT].timed = 0;
			p->r[CMP_BANDIT].status = "bandit: timed out";
			p->r[CMP_BANDIT].timed_out = 1;
		}
		p->r[CMP_PYVET].score = score[i];
		size_t k = 0;
		if (i != 5) {
			snprintf(gd_counts[i][k].name, PEER_NAME_MAX, "r-common");
			gd_counts[i][k++].n = 2;
		}
		if (i < 3) {
			snprintf(gd_counts[i][k].name, PEER_NAME_MAX, "r-mal");
			gd_counts[i][k++].n = 1;
		}
		p->r[CMP_GUARDDOG].counts = gd_counts[i];
		p->r[CMP_GUARDDOG].n_counts = k;
		p->r[CMP_GUARDDOG].flag[0] = k > 0;
		p->r[CMP_PACKJ_EQUIV].alerts[0] = eq[i];
		p->r[CMP_PACKJ].alerts[0] = pj[i];
		p->r[CMP_PACKJ_EQUIV].alerts[1] = p->r[CMP_PACKJ].alerts[1] = 0;
		snprintf(eq_counts[i][0].name, PEER_NAME_MAX, "SOURCE_FILE");
		eq_counts[i][0].n = eq[i];
		snprintf(pj_counts[i][0].name, PEER_NAME_MAX, "SOURCE_FILE");
		pj_counts[i][0].n = pj[i];
		p->r[CMP_PACKJ_EQUIV].counts = eq_counts[i];
		p->r[CMP_PACKJ].counts = pj_counts[i];
		p->r[CMP_PACKJ_EQUIV].n_counts = p->r[CMP_PACKJ].n_counts = 1;
	}
}

static const char *cell(const struct csv_table *t, size_t r, const char *col)
{
	long c = csvio_column(t, col);
	return c >= 0 && r < t->n_rows ? t->rows[r][c] : "?";
}

/* The row whose columns k1 and k2 equal v1 and v2, or -1. */
static long find(const struct csv_table *t, const char *k1, const char *v1, const char *k2,
                 const char *v2)
{
	for (size_t r = 0; t && r < t->n_rows; r++)
		if (!strcmp(cell(t, r, k1), v1) && !strcmp(cell(t, r, k2), v2))
			return (long)r;
	return -1;
}

static double num(const struct csv_table *t, long r, const char *col)
{
	double v = NAN;
	if (r >= 0)
		csvio_parse_double(cell(t, (size_t)r, col), &v);
	return v;
}

int main(void)
{
	char dir[] = "/tmp/pyvet-test-peercmp.XXXXXX", path[256];
	struct csv_table *t = NULL;
	struct diag d;
	toolkit_init();
	diag_init(&d);
	if (!mkdtemp(dir))
		return 1;
	build();

	struct cmp_threshold thr[] = {{0.5, NAN}, {0.15, 0.01}};
	snprintf(path, sizeof(path), "%s/v.csv", dir);
	CHECK(cmp_write_verdicts(path, "demo", pk, N, "stack", thr, 2) == 0, "verdicts written");
	CHECK(csvio_read(path, 0, &t, &d) == 0, "verdicts read back");
	long r = find(t, "tool", "bandit", "rule", "any_high");
	CHECK(num(t, r, "n_malicious") == 3 && num(t, r, "tp") == 2 && num(t, r, "n_benign") == 3 &&
	          num(t, r, "fp") == 1 && num(t, r, "n_error") == 1,
	      "bandit: 2/3 malicious, 1/3 benign, the failed package left out");
	CHECK_REL(num(t, r, "recall_lo"), 0.2076596008020477, 1e-12,
	          "bandit: Wilson lower bound of 2/3");
	CHECK_REL(num(t, r, "recall_hi"), 0.9385080552796037, 1e-12,
	          "bandit: Wilson upper bound of 2/3");
	r = find(t, "tool", "pyvet", "threshold", "0.5");
	CHECK(num(t, r, "tp") == 2 && num(t, r, "fp") == 1 && isnan(num(t, r, "target_fpr")),
	      "pyvet at 0.5: 2 malicious, 1 benign flagged");
	r = find(t, "tool", "pyvet", "threshold", "0.14999999999999999");
	CHECK(num(t, r, "tp") == 3 && num(t, r, "fp") == 2 && num(t, r, "target_fpr") == 0.01,
	      "pyvet at 0.15: 3 malicious, 2 benign flagged");
	CHECK(find(t, "tool", "guarddog", "rule", "label_high_risk") >= 0,
	      "guarddog: one row per rule");
	csvio_table_free(t);
	t = NULL;

	snprintf(path, sizeof(path), "%s/r.csv", dir);
	CHECK(cmp_write_rules(path, pk, N) == 0 && csvio_read(path, 0, &t, &d) == 0,
	      "rules written");
	r = find(t, "tool", "guarddog", "rule", "r-common");
	CHECK(num(t, r, "benign_fired") == 3 && num(t, r, "n_benign") == 4 &&
	          num(t, r, "malicious_findings") == 6,
	      "r-common: fired on 3 of 4 benign, 6 malicious findings");
	CHECK(r >= 0 && r < find(t, "tool", "guarddog", "rule", "r-mal"),
	      "the rule firing on more benign packages comes first");
	csvio_table_free(t);
	t = NULL;

	/* Spearman of (1,2,3,4,0,0,5) and (1,3,2,4,0,1,5), average ranks: x ranks
	 * 3,4,5,6,1.5,1.5,7; y ranks 2.5,5,4,6,1,2.5,7; rho = Pearson of the ranks. */
	double xr[] = {3, 4, 5, 6, 1.5, 1.5, 7}, yr[] = {2.5, 5, 4, 6, 1, 2.5, 7};
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	for (int i = 0; i < N; i++) {
		mx += xr[i] / N;
		my += yr[i] / N;
	}
	for (int i = 0; i < N; i++) {
		sxy += (xr[i] - mx) * (yr[i] - my);
		sxx += (xr[i] - mx) * (xr[i] - mx);
		syy += (yr[i] - my) * (yr[i] - my);
	}
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	CHECK(cmp_write_packj_agreement(path, pk, N) == 0 && csvio_read(path, 0, &t, &d) == 0,
	      "agreement written");
	r = find(t, "scope", "package", "category", "all");
	CHECK_REL(num(t, r, "spearman"), sxy / sqrt(sxx * syy), 1e-12, "spearman by hand");
	CHECK(num(t, r, "agree_any") == 6 && num(t, r, "real_only") == 1 && num(t, r, "both") == 5,
	      "any-alert agreement: 6 of 7 (one real-only)");
	r = find(t, "scope", "setup", "category", "all");
	CHECK(r >= 0 && !strcmp(cell(t, (size_t)r, "spearman"), "") &&
	          num(t, r, "agree_any_share") == 1,
	      "setup scope: all zero, rho undefined (empty), agreement 1");
	r = find(t, "scope", "package", "category", "SOURCE_FILE");
	CHECK_REL(num(t, r, "spearman"), sxy / sqrt(sxx * syy), 1e-12, "per-category row");
	csvio_table_free(t);
	t = NULL;

	snprintf(path, sizeof(path), "%s/p.csv", dir);
	CHECK(cmp_write_packages(path, pk, N) == 0 && csvio_read(path, 0, &t, &d) == 0,
	      "packages written");
	INT_IS(t ? t->n_rows : 0, N * CMP_N_TOOLS, "one row per package and tool");
	r = find(t, "id", "b3", "tool", "bandit");
	CHECK(r >= 0 && !strcmp(cell(t, (size_t)r, "status"), "bandit: timed out") &&
	          !strcmp(cell(t, (size_t)r, "flagged"), ""),
	      "failed package: status kept, no verdict");
	csvio_table_free(t);

	snprintf(path, sizeof(path), "%s/c.csv", dir);
	CHECK(cmp_write_counts(path, pk, N) == 0 && csvio_read(path, 0, &t, &d) == 0,
	      "counts written");
	r = find(t, "id", "m0", "name", "r-mal");
	CHECK(r >= 0 && !strcmp(cell(t, (size_t)r, "tool"), "guarddog") && num(t, r, "count") == 1,
	      "counts: m0's r-mal finding");
	CHECK(find(t, "id", "b1", "tool", "packj_equiv") < 0, "counts: zero counts left out");
	csvio_table_free(t);

	cJSON *tj = cmp_timing_json(pk, N);
	const cJSON *b = cJSON_GetArrayItem(tj, CMP_BANDIT);
	CHECK(b && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(b, "tool")), "bandit"),
	      "timing: bandit first");
	CHECK(cJSON_GetObjectItem(b, "n_timed")->valuedouble == 6 &&
	          cJSON_GetObjectItem(b, "n_timed_out")->valuedouble == 1,
	      "timing: 6 timed, 1 timed out");
	/* wall times 1..6: median 3.5, p95 = 5 + 0.75 = 5.75 (numpy linear); cpu half of it. */
	CHECK_REL(cJSON_GetObjectItem(b, "wall_median_s")->valuedouble, 3.5, 1e-12, "median");
	CHECK_REL(cJSON_GetObjectItem(b, "wall_p95_s")->valuedouble, 5.75, 1e-12, "p95");
	CHECK_REL(cJSON_GetObjectItem(b, "packages_per_cpu_second")->valuedouble, 6 / 10.5, 1e-12,
	          "packages per CPU second");
	cJSON_Delete(tj);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	diag_release(&d);
	return harness_done();
}
