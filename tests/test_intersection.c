/* Unit tests for core/intersection: a hand-made four-set example. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/intersection.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

int main(void)
{
	/* 12 rows: 9 malicious, 3 benign. Columns: stack, mlp, svm, rf. */
	static const int v[12][4] = {
	    {1, 1, 1, 1}, /* mal: all4 */
	    {1, 1, 1, 1}, /* mal: all4 */
	    {0, 1, 1, 1}, /* mal: mlp_svm_rf (Ohm yes, stack no) */
	    {1, 0, 0, 0}, /* mal: stack_only */
	    {1, 1, 0, 1}, /* mal: stack_mlp_rf */
	    {0, 0, 1, 0}, /* mal: svm_only */
	    {0, 0, 0, 0}, /* mal: none */
	    {1, 1, 0, 0}, /* mal: stack_mlp */
	    {0, 0, 1, 1}, /* mal: svm_rf */
	    {1, 1, 1, 1}, /* ben: all4 (false positive everywhere) */
	    {0, 1, 0, 0}, /* ben: mlp_only */
	    {0, 0, 0, 0}, /* ben: none */
	};
	static const int y[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
	int cols[4][12];
	const int *verdict[4];
	struct intersection x;
	const char *name;
	size_t count, sum = 0;
	char buf[2048];
	FILE *f;

	toolkit_init();
	for (size_t m = 0; m < 4; m++) {
		for (size_t i = 0; i < 12; i++)
			cols[m][i] = v[i][m];
		verdict[m] = cols[m];
	}
	intersection_compute(&x, verdict, y, 12, 1);
	CHECK_INT(x.n, 9, "9 malicious rows");
	CHECK_INT(x.total[INTERSECTION_STACK], 5, "stacking detects 5");
	CHECK_INT(x.total[INTERSECTION_MLP], 5, "mlp detects 5");
	CHECK_INT(x.total[INTERSECTION_SVM], 5, "svm detects 5");
	CHECK_INT(x.total[INTERSECTION_RF], 5, "rf detects 5");
	CHECK_INT(x.region[15], 2, "all4 = 2");
	CHECK_INT(x.region[14], 1, "mlp_svm_rf = 1");
	CHECK_INT(x.region[1], 1, "stack_only = 1");
	CHECK_INT(x.region[11], 1, "stack_mlp_rf = 1");
	CHECK_INT(x.region[4], 1, "svm_only = 1");
	CHECK_INT(x.region[3], 1, "stack_mlp = 1");
	CHECK_INT(x.region[12], 1, "svm_rf = 1");
	CHECK_INT(x.region[0], 1, "none = 1");
	CHECK_INT(x.region[2] + x.region[5] + x.region[6] + x.region[7] + x.region[8] +
	              x.region[9] + x.region[10] + x.region[13],
	          0, "the other regions are empty");
	CHECK_INT(x.union_count, 8, "union = 8");
	CHECK_INT(x.ohm, 3, "Ohm rule SVM & RF & MLP = all4 + mlp_svm_rf = 3");
	for (unsigned m = 0; m < 16; m++)
		sum += x.region[m];
	CHECK_INT(sum, 9, "regions partition the malicious rows");
	CHECK_STR(intersection_region_name(6), "mlp_svm", "bit 1 + bit 2 = mlp_svm");
	CHECK_STR(intersection_region_name(13), "stack_svm_rf", "13 = stack_svm_rf");
	CHECK(intersection_region_name(16) == NULL, "mask 16 out of range");

	intersection_compute(&x, verdict, y, 12, 0);
	CHECK(x.n == 3 && x.total[INTERSECTION_MLP] == 2 && x.region[2] == 1 && x.ohm == 1 &&
	          x.region[0] == 1,
	      "benign side counts false positives");

	intersection_compute(&x, verdict, y, 12, 1);
	CHECK_INT(intersection_row(&x, 0, &name, &count), 0, "row 0");
	CHECK(!strcmp(name, "n") && count == 9, "row 0 is n");
	intersection_row(&x, 19, &name, &count);
	CHECK(!strcmp(name, "all4") && count == 2, "row 19 is all4");
	intersection_row(&x, 22, &name, &count);
	CHECK(!strcmp(name, "ohm_svm_rf_mlp") && count == 3, "last row is the Ohm count");
	CHECK_INT(intersection_row(&x, INTERSECTION_N_ROWS, &name, &count), -1, "row past the end");
	f = tmpfile();
	if (!CHECK(f != NULL, "tmpfile"))
		return harness_done();
	CHECK_INT(intersection_write_csv(f, "train", &x, 1), 0, "write csv");
	rewind(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	CHECK(!strncmp(buf, "split,region,count\ntrain,n,9\ntrain,total_stack,5\n", 48),
	      "csv header and first rows");
	CHECK(strstr(buf, "train,all4,2\ntrain,none,1\ntrain,union,8\ntrain,ohm_svm_rf_mlp,3\n") !=
	          NULL,
	      "csv tail rows");
	return harness_done();
}
