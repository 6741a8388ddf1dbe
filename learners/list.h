/* Registered learners, one line each (see "Adding a learner" in learners/learner.h). */
LEARNER(dt)
LEARNER(rf)
LEARNER(svm)
LEARNER(linsvm)
LEARNER(mlp)
LEARNER(nb)
LEARNER(logreg)
LEARNER(stack)
