/* intersection: per-package verdicts of the four models of Fig. 4 (Stacking, MLP, SVM, RF) ->
 * set totals, the 15 regions of the four-set Venn diagram, the union, the packages no model
 * detects, and the SVM ∩ RF ∩ MLP rule of Ohm et al. (spec 5.7, D33).
 *
 * Regions are exclusive and indexed by a bitmask of the models that detect the package:
 * bit 0 = Stacking, bit 1 = MLP, bit 2 = SVM, bit 3 = RF. Stable names (intersection_region_name):
 *   1 stack_only   2 mlp_only      3 stack_mlp      4 svm_only      5 stack_svm
 *   6 mlp_svm      7 stack_mlp_svm 8 rf_only        9 stack_rf     10 mlp_rf
 *  11 stack_mlp_rf 12 svm_rf      13 stack_svm_rf  14 mlp_svm_rf   15 all4
 * and region 0 = "none" (detected by no model). "stack_mlp" means Stacking and MLP but neither
 * SVM nor RF.
 *
 * Memory management: struct intersection is a plain value; nothing is allocated. */
#ifndef PYVET_INTERSECTION_H
#define PYVET_INTERSECTION_H

#include <stddef.h>
#include <stdio.h>

enum intersection_model { INTERSECTION_STACK, INTERSECTION_MLP, INTERSECTION_SVM, INTERSECTION_RF };

#define INTERSECTION_N_MODELS 4
#define INTERSECTION_N_REGIONS 16 /* 15 non-empty Venn regions + region 0 ("none") */

struct intersection {
	int label;                             /* the class counted: 1 malicious, 0 benign */
	size_t n;                              /* rows of that class */
	size_t total[INTERSECTION_N_MODELS];   /* flagged by each model (set totals) */
	size_t region[INTERSECTION_N_REGIONS]; /* exclusive regions by bitmask; [0] = none */
	size_t union_count;                    /* flagged by at least one model */
	size_t ohm;                            /* flagged by SVM, RF and MLP (Ohm et al.) */
};

/** Model short names in bit order: "stack", "mlp", "svm", "rf". */
extern const char *const intersection_model_names[INTERSECTION_N_MODELS];

/** The stable name of region `mask` (0..15), see above; NULL when out of range. */
const char *intersection_region_name(unsigned mask);

/** Count the rows with y == label (label 1: detected malicious packages, true positives;
 *  label 0: benign packages flagged, false positives). verdict[m][i] != 0 means model m flags row
 *  i, models in enum order (Stacking, MLP, SVM, RF). Never fails. */
void intersection_compute(struct intersection *out, const int *const verdict[INTERSECTION_N_MODELS],
                          const int *y, size_t n, int label);

/** Number of (name, count) rows of intersection_row(): n, the 4 totals ("total_stack", ...),
 *  the 15 regions, "none", "union", "ohm_svm_rf_mlp". */
#define INTERSECTION_N_ROWS 23

/** Row i (< INTERSECTION_N_ROWS) as a name and a count, in the order listed above. 0, or -1
 *  when i is out of range. */
int intersection_row(const struct intersection *x, size_t i, const char **name, size_t *count);

/** Write every row as "split,region,count" lines ("train,all4,73"), preceded by the header
 *  "split,region,count" if `header` is nonzero. 0 or -1 (write error). */
int intersection_write_csv(FILE *f, const char *split, const struct intersection *x, int header);

#endif
