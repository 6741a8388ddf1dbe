/* Registered feature sets, one line each (see "Adding a feature set" in featuresets/featureset.h). */
