/* cart: the CART tree core shared by the decision tree (dt) and the random forest (rf).
 *
 * Binary classification trees grown as scikit-learn 1.2's DecisionTreeClassifier with
 * splitter='best', criterion='gini', min_samples_leaf=1 (spec D20, D21):
 * - a node becomes a leaf when it is pure, has fewer than min_samples_split distinct samples, has
 *   reached max_depth, or no feature is non-constant on it;
 * - otherwise features are drawn without replacement in a random order (Fisher-Yates on the fit
 *   RNG) and evaluated until max_features non-constant features have been seen (constant features
 *   do not count: scikit-learn's soft limit; with min_samples_leaf=1 every non-constant feature
 *   has a valid split); the split minimising the weighted Gini impurity of the children wins,
 *   first found on ties, even when it does not lower the impurity (min_impurity_decrease=0);
 * - thresholds sit at midpoints between consecutive distinct values, `x <= t` goes left;
 * - samples carry weights (bootstrap counts times class weights); zero-weight rows are dropped;
 * - a leaf stores the weighted proportion of class 1.
 * Columns whose training values are all 0 or 1 are scanned by counting (O(rows) per node and
 * feature); other columns are sorted per node.
 *
 * Memory management: struct cart_tree is caller-owned; cart_fit() fills it, cart_release() frees
 * its arrays (NULL-safe, idempotent). A fitted tree keeps no pointer into the training data. */
#ifndef PYVET_CART_H
#define PYVET_CART_H

#include <gsl/gsl_rng.h>
#include <stdio.h>

#include "core/ml/dataset.h"
#include "core/base/err.h"

struct cart_params {
	long max_depth;         /* 0 = unlimited */
	long min_samples_split; /* >= 2 */
	size_t max_features;    /* features evaluated per node; 0 or >= d means all */
};

struct cart_node {
	int feature;      /* split column, or -1 for a leaf */
	int left, right;  /* child node indices (internal nodes only) */
	double threshold; /* x[feature] <= threshold goes left */
	double value;     /* leaf: weighted proportion of class 1 */
};

struct cart_tree {
	size_t d; /* number of input columns */
	size_t n_nodes, cap;
	struct cart_node *nodes; /* nodes[0] is the root */
};

/* The training matrix prepared once for many trees: column-major copies of X (doubles, and
 * bytes for the 0/1 columns), the labels and per-column flags. */
struct cart_data {
	size_t n, d;
	double *Xc;            /* d*n, Xc[j*n + i] */
	unsigned char *Xb;     /* d*n, Xb[j*n + i] = (Xc[j*n + i] != 0) for binary columns */
	unsigned char *binary; /* d flags: every training value of column j is 0 or 1 */
	int *y;                /* n labels 0/1 */
};

/** Prepare `train` for cart_fit(). 0, or -1 with a message on `d` (out of memory, NaN). */
int cart_data_init(struct cart_data *cd, const struct dataset *train, struct diag *d);

/** Free the arrays of `cd`. NULL-safe. */
void cart_data_release(struct cart_data *cd);

/** Grow `t` on the rows of `cd` with weights w[i] (NULL: all 1; rows with w[i] == 0 are
 *  ignored). Random choices use `r`. 0, or -1 with a message on `d` (out of memory, no rows
 *  with positive weight). */
int cart_fit(struct cart_tree *t, const struct cart_data *cd, const double *w,
             const struct cart_params *p, const gsl_rng *r, struct diag *d);

/** The leaf value (proportion of class 1) reached by row `x` (t->d values). */
double cart_predict_row(const struct cart_tree *t, const double *x);

/** Depth of the tree (a lone leaf has depth 0). */
size_t cart_depth(const struct cart_tree *t);

/** Free the node array and reset to empty. NULL-safe. */
void cart_release(struct cart_tree *t);

/** Write the tree as text ("nodes N" then one line per node, doubles as %a). 0 or -1. */
int cart_save(const struct cart_tree *t, FILE *f);

/** Read a tree written by cart_save() for inputs of `d` columns; validates every index.
 *  0, or -1 with a message on `dg`. */
int cart_load(struct cart_tree *t, FILE *f, size_t d, struct diag *dg);

#endif
