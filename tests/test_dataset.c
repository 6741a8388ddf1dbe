/* Unit tests for core/dataset: dataset_count_nonzero() (the non-finite check of the learners). */
#include <math.h>
#include <stdio.h>

#include "core/ml/dataset.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

int main(void)
{
	struct dataset *ds;
	size_t nnz = 99;
	toolkit_init();
	ds = dataset_alloc(3, 2);
	if (!CHECK(ds != NULL, "alloc 3 x 2"))
		return harness_done();
	INT_IS(dataset_count_nonzero(ds, &nnz), 0, "all zero: ok");
	INT_IS(nnz, 0, "all zero: no non-zero value");
	ds->X[1] = 2.5;
	ds->X[4] = -1e-300;
	INT_IS(dataset_count_nonzero(ds, &nnz), 0, "two values set: ok");
	INT_IS(nnz, 2, "two non-zero values (a tiny negative counts)");
	ds->X[5] = NAN;
	nnz = 99;
	INT_IS(dataset_count_nonzero(ds, &nnz), -1, "a NaN is rejected");
	INT_IS(nnz, 99, "*nnz untouched on failure");
	ds->X[5] = -INFINITY;
	INT_IS(dataset_count_nonzero(ds, &nnz), -1, "an infinity is rejected");
	dataset_free(ds);
	ds = dataset_alloc(0, 4);
	if (CHECK(ds != NULL, "alloc 0 x 4")) {
		INT_IS(dataset_count_nonzero(ds, &nnz), 0, "no rows: ok");
		INT_IS(nnz, 0, "no rows: nothing counted");
	}
	dataset_free(ds);
	return harness_done();
}
