/* Registered feature sets, one line each (see "Adding a feature set" in featuresets/featureset.h).
 */
FEATURESET(meta)
FEATURESET(code)
FEATURESET(file)
FEATURESET(text)
FEATURESET(apis)
FEATURESET(apis_alias)
FEATURESET(artifacts)
FEATURESET(residual)
FEATURESET(behavior)
FEATURESET(obfuscation)
FEATURESET(metadata2)
FEATURESET(yara)
