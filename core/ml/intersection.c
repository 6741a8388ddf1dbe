/* Four-set Venn counts of detections (Fig. 4) and the SVM ∩ RF ∩ MLP rule of Ohm et al. */
#include "core/ml/intersection.h"

#include <string.h>

#include "core/base/csvio.h"

const char *const intersection_model_names[INTERSECTION_N_MODELS] = {"stack", "mlp", "svm", "rf"};

static const char *const region_names[INTERSECTION_N_REGIONS] = {
    "none",    "stack_only",    "mlp_only",   "stack_mlp", "svm_only", "stack_svm",
    "mlp_svm", "stack_mlp_svm", "rf_only",    "stack_rf",  "mlp_rf",   "stack_mlp_rf",
    "svm_rf",  "stack_svm_rf",  "mlp_svm_rf", "all4"};

static const char *const total_names[INTERSECTION_N_MODELS] = {"total_stack", "total_mlp",
                                                               "total_svm", "total_rf"};

const char *intersection_region_name(unsigned mask)
{
	return mask < INTERSECTION_N_REGIONS ? region_names[mask] : NULL;
}

void intersection_compute(struct intersection *out, const int *const verdict[INTERSECTION_N_MODELS],
                          const int *y, size_t n, int label)
{
	const unsigned ohm_mask =
	    (1u << INTERSECTION_MLP) | (1u << INTERSECTION_SVM) | (1u << INTERSECTION_RF);
	memset(out, 0, sizeof(*out));
	out->label = label;
	for (size_t i = 0; i < n; i++) {
		unsigned mask = 0;
		if ((y[i] != 0) != (label != 0))
			continue;
		out->n++;
		for (unsigned m = 0; m < INTERSECTION_N_MODELS; m++)
			if (verdict[m][i]) {
				mask |= 1u << m;
				out->total[m]++;
			}
		out->region[mask]++;
		out->union_count += mask != 0;
		out->ohm += (mask & ohm_mask) == ohm_mask;
	}
}

int intersection_row(const struct intersection *x, size_t i, const char **name, size_t *count)
{
	if (i == 0) {
		*name = "n";
		*count = x->n;
	} else if (i <= INTERSECTION_N_MODELS) {
		*name = total_names[i - 1];
		*count = x->total[i - 1];
	} else if (i < INTERSECTION_N_MODELS + INTERSECTION_N_REGIONS) {
		unsigned mask = (unsigned)(i - INTERSECTION_N_MODELS); /* 1..15 */
		*name = region_names[mask];
		*count = x->region[mask];
	} else if (i == INTERSECTION_N_MODELS + INTERSECTION_N_REGIONS) {
		*name = "none";
		*count = x->region[0];
	} else if (i == INTERSECTION_N_MODELS + INTERSECTION_N_REGIONS + 1) {
		*name = "union";
		*count = x->union_count;
	} else if (i == INTERSECTION_N_MODELS + INTERSECTION_N_REGIONS + 2) {
		*name = "ohm_svm_rf_mlp";
		*count = x->ohm;
	} else {
		return -1;
	}
	return 0;
}

int intersection_write_csv(FILE *f, const char *split, const struct intersection *x, int header)
{
	if (header && fputs("split,region,count\n", f) < 0)
		return -1;
	for (size_t i = 0; i < INTERSECTION_N_ROWS; i++) {
		const char *name;
		size_t count;
		intersection_row(x, i, &name, &count);
		if (csvio_write_field(f, split) < 0 || fprintf(f, ",%s,%zu\n", name, count) < 0)
			return -1;
	}
	return 0;
}
