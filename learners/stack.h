/* stack: helpers of the stacking learner (learners/stack.c) that tests check directly. */
#ifndef PYVET_STACK_H
#define PYVET_STACK_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/** scikit-learn 1.2's StratifiedKFold(k)._make_test_folds for labels y[0..n-1] (any ints):
 *  classes numbered by first appearance; the per-fold class counts come from dealing the
 *  class-sorted labels round-robin to the folds; within each class, rows in data order get fold 0
 *  for the first allocation[0] rows, fold 1 for the next allocation[1], and so on. With `r`
 *  non-NULL each class's fold list is shuffled with `r` (shuffle=True; the stream differs from
 *  numpy's). fold[i] in [0, k). 0, or -1 if k < 2, n == 0, there are more than two classes or
 *  every class has fewer than k rows (scikit-learn's ValueError). */
int stack_inner_folds(const int *y, size_t n, size_t k, const gsl_rng *r, int *fold);

#endif
