/* Registered learners, one line each (see "Adding a learner" in learners/learner.h). */
