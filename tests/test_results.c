/* Unit tests for core/results (JSON sidecar) and core/resultcsv (long CSV and summary). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "experiments/engine/resultcsv.h"
#include "core/base/results.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static char dir[] = "/tmp/pyvet-test-results-XXXXXX";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (s)
		s[fread(s, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return s;
}

static void test_path_for(void)
{
	char buf[64];
	CHECK_STR(sidecar_path_for("results/table4.csv", buf, sizeof(buf)), "results/table4.json",
	          "extension replaced");
	CHECK_STR(sidecar_path_for("a.d/noext", buf, sizeof(buf)), "a.d/noext.json",
	          "no extension: appended");
	CHECK_STR(sidecar_path_for(".hidden", buf, sizeof(buf)), ".hidden.json",
	          "leading dot is not an extension");
	CHECK_STR(sidecar_path_for("x.tar.gz", buf, sizeof(buf)), "x.tar.json", "last dot only");
	CHECK_STR(sidecar_path_for("abcdef.csv", buf, 8), "", "too long: empty");
}

static void test_sidecar(void)
{
	char a0[] = "pyvet", a1[] = "cv", a2[] = "--seed", a3[] = "7";
	char *argv[] = {a0, a1, a2, a3, NULL};
	char csv[256], json[256];
	struct sidecar *s = sidecar_new(4, argv);
	cJSON *root, *item;
	char *text;
	const char *keys[] = {"schema_version", "pyvet_version", "command",     "git_commit",
	                      "versions",       "host",          "started_utc", "seed",
	                      "hashes",         "cells",         "params",      "note",
	                      "wall_seconds"};
	size_t k = 0;
	int order_ok = 1;
	if (!CHECK(s != NULL, "sidecar_new"))
		return;
	snprintf(csv, sizeof(csv), "%s/table.csv", dir);
	sidecar_set_seed(s, 12345);
	CHECK_INT(sidecar_set_json(s, "params", cJSON_CreateObject()), 0, "set params");
	CHECK_INT(sidecar_set_string(s, "note", "first"), 0, "set string");
	CHECK_INT(sidecar_set_string(s, "note", "second"), 0, "replace string");
	CHECK_INT(sidecar_add_hash(s, "manifest.csv", "ab12"), 0, "add hash");
	CHECK_INT(sidecar_add_cell(s, "rf/fold0", "ok"), 0, "add cell");
	CHECK_INT(sidecar_add_cell(s, "svm/fold0", "svm: training set has a single class"), 0,
	          "add failed cell");
	CHECK_INT(sidecar_write(s, csv), 0, "sidecar_write");
	sidecar_free(s);
	sidecar_free(NULL);
	snprintf(json, sizeof(json), "%s/table.json", dir);
	CHECK(access(json, F_OK) == 0, "table.json exists");
	text = slurp(json);
	root = text ? cJSON_Parse(text) : NULL;
	if (!CHECK(root != NULL, "sidecar parses back as JSON")) {
		free(text);
		return;
	}
	CHECK(strchr(text, '\n') != NULL && strstr(text, "\t\"seed\"") != NULL, "pretty-printed");
	cJSON_ArrayForEach(item, root)
	{
		if (k >= sizeof(keys) / sizeof(keys[0]) || strcmp(item->string, keys[k]))
			order_ok = 0;
		k++;
	}
	CHECK(order_ok && k == sizeof(keys) / sizeof(keys[0]), "keys in insertion order");
	item = cJSON_GetObjectItemCaseSensitive(root, "seed");
	CHECK(cJSON_IsNumber(item) && item->valuedouble == 12345, "seed recorded");
	item = cJSON_GetObjectItemCaseSensitive(root, "command");
	CHECK(cJSON_GetArraySize(item) == 4 &&
	          !strcmp(cJSON_GetArrayItem(item, 3)->valuestring, "7"),
	      "argv array");
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "git_commit")), "git commit");
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(
	          cJSON_GetObjectItemCaseSensitive(root, "versions"), "gsl")),
	      "library versions");
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(
	          cJSON_GetObjectItemCaseSensitive(root, "host"), "sysname")),
	      "host");
	item = cJSON_GetObjectItemCaseSensitive(root, "started_utc");
	CHECK(cJSON_IsString(item) && strlen(item->valuestring) == 20 &&
	          item->valuestring[19] == 'Z',
	      "start time is ISO 8601 UTC");
	CHECK_STR(cJSON_GetObjectItemCaseSensitive(root, "note")->valuestring, "second",
	          "replaced value");
	CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "cells"),
	                                           "svm/fold0")
	              ->valuestring,
	          "svm: training set has a single class", "cell status");
	CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "hashes"),
	                                           "manifest.csv")
	              ->valuestring,
	          "ab12", "hash");
	item = cJSON_GetObjectItemCaseSensitive(root, "wall_seconds");
	CHECK(cJSON_IsNumber(item) && item->valuedouble >= 0, "wall_seconds");
	snprintf(csv, sizeof(csv), "%s/table.json.tmp", dir);
	CHECK(access(csv, F_OK) != 0, "no temporary file left");
	cJSON_Delete(root);
	free(text);
	unlink(json);
}

static void test_resultcsv(void)
{
	struct resultcsv rc;
	struct metrics m;
	struct csv_table *t = NULL;
	struct diag d;
	char path[256], sum[256];
	const double f1[] = {0.5, 0.75, 0.875};
	double v;
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/long.csv", dir);
	snprintf(sum, sizeof(sum), "%s/summary.csv", dir);
	CHECK_INT(resultcsv_open(&rc, path), 0, "open");
	memset(&m, 0, sizeof(m));
	for (int fold = 0; fold < 3; fold++) {
		m.f1_macro = f1[fold];
		m.roc_auc = fold == 1 ? (double)NAN : 0.25 * fold;
		m.cm.tp = (size_t)fold;
		CHECK_INT(resultcsv_add_metrics(&rc, "T+MCF+pre", "rf", "stratified", 0, fold, &m),
		          0, "add metrics fold %d", fold);
	}
	resultcsv_add_error(&rc, "T+MCF+pre", "svm", "stratified", 0, 0,
	                    "svm: 'fold 0' has one class, \"benign\"");
	resultcsv_add_value(&rc, "T+MCF+pre", "rf", "test", -1, -1, "recall_at_fpr_0.01", 0.5);
	CHECK_INT(rc.n_rows, 3 * METRICS_N_NAMES + 2, "rows counted");
	CHECK_INT(resultcsv_commit(&rc), 0, "commit");

	CHECK_INT(csvio_read(path, 0, &t, &d), 0, "long csv reads back");
	if (!t)
		return;
	CHECK_INT(t->n_cols, 8, "8 columns");
	CHECK_STR(t->header[7], "status", "last column is status");
	CHECK_INT(t->n_rows, 3 * METRICS_N_NAMES + 2, "row count");
	CHECK_STR(t->rows[2][5], "f1_macro", "third metric row");
	CHECK_STR(t->rows[METRICS_N_NAMES + 2][6], "0.75", "value written with %%.17g");
	CHECK_STR(t->rows[METRICS_N_NAMES + 11][6], "", "NaN is an empty cell");
	CHECK_STR(t->rows[3 * METRICS_N_NAMES][7], "svm: 'fold 0' has one class, \"benign\"",
	          "error message survives quoting");
	CHECK_STR(t->rows[3 * METRICS_N_NAMES][5], "error", "error metric");
	CHECK_STR(t->rows[3 * METRICS_N_NAMES + 1][3], "", "negative repeat is empty");
	csvio_table_free(t);
	t = NULL;

	CHECK_INT(resultcsv_summary(path, sum, &d), 0, "summary");
	CHECK_INT(csvio_read(sum, 0, &t, &d), 0, "summary reads back");
	if (!t)
		return;
	CHECK_INT(t->n_rows, METRICS_N_NAMES + 1, "one row per (set, learner, cv, metric)");
	CHECK_STR(t->rows[2][3], "f1_macro", "order of first appearance");
	csvio_parse_double(t->rows[2][4], &v);
	CHECK_REL(v, 2.125 / 3, 1e-15, "mean f1_macro");
	csvio_parse_double(t->rows[2][5], &v);
	/* deviations -0.2083, 0.0417, 0.1667: sum of squares 0.0729167, / 2 */
	CHECK_REL(
	    v,
	    sqrt((pow(0.5 - 2.125 / 3, 2) + pow(0.75 - 2.125 / 3, 2) + pow(0.875 - 2.125 / 3, 2)) /
	         2),
	    1e-14, "sample sd f1_macro");
	CHECK_STR(t->rows[2][6], "3", "n = 3");
	CHECK_STR(t->rows[11][3], "roc_auc", "roc_auc row");
	CHECK_STR(t->rows[11][4], "0.25", "NaN folds left out of the mean");
	CHECK_STR(t->rows[11][6], "2", "n counts defined values");
	CHECK_STR(t->rows[13][3], "tp", "tp row");
	CHECK_STR(t->rows[13][4], "1", "mean tp");
	CHECK_STR(t->rows[METRICS_N_NAMES][2], "test", "the test cell");
	CHECK_STR(t->rows[METRICS_N_NAMES][5], "", "sd empty for n = 1");
	csvio_table_free(t);
	CHECK_INT(resultcsv_summary("/nonexistent/x.csv", sum, &d), -1, "missing input fails");
	unlink(path);
	unlink(sum);
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	if (!mkdtemp(dir)) {
		SKIP("cannot create a temporary directory");
		return harness_done();
	}
	test_path_for();
	test_sidecar();
	test_resultcsv();
	rmdir(dir);
	return harness_done();
}
