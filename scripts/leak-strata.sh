#!/usr/bin/env bash
# The leak check per shape stratum (issue 10.4): can a learner that sees only packaging separate
# benign from malicious packages *within one shape*? Raw `artifacts` (the container) against the
# view's `residual` (core/pkg/view.h), with the paper's MCF beside them for scale, on the
# training rows of a dataset (never its test split), stratified CV.
#
# usage: scripts/leak-strata.sh EXTRACTION MANIFEST OUTDIR
#   EXTRACTION  `pyvet extract` of MANIFEST with every set (features.csv has `shape`)
#   MANIFEST    a dataset manifest with `kind` and `split` (datasets/realistic/manifest.csv)
#   OUTDIR      one stratum manifest and one `pyvet cv` result per stratum, and leak-strata.csv:
#               stratum,n_benign,n_malicious,set,learner,f1_macro_mean,f1_macro_sd
#   env: PYVET (./pyvet), FOLDS (5), REPEATS (2), SEED (1), JOBS (2), LEARNERS (rf,logreg),
#        SETS (artifacts,residual,MCF)
# Strata (benign side / malicious side, training rows only):
#   installed-vs-wheel    Debian packages (shape installed)   / malware of shape wheel
#   popular-vs-sdist      popular hybrid projects              / malware of shape sdist
#   realsdist-vs-sdist    real PyPI sdists (kind sdist)        / malware of shape sdist
#   overall               every benign training row            / every malicious training row
set -eu
FEAT=${1:?usage: $0 EXTRACTION MANIFEST OUTDIR}
MANIFEST=${2:?usage: $0 EXTRACTION MANIFEST OUTDIR}
OUT=${3:?usage: $0 EXTRACTION MANIFEST OUTDIR}
PYVET=${PYVET:-./pyvet}
FOLDS=${FOLDS:-5}
REPEATS=${REPEATS:-2}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
LEARNERS=${LEARNERS:-rf,logreg}
SETS=${SETS:-artifacts,residual,MCF}
mkdir -p "$OUT"

/usr/bin/python3 - "$FEAT/features.csv" "$MANIFEST" "$OUT" <<'PY'
import csv, sys
feat, manifest, out = sys.argv[1:4]
shape = {r["id"]: r["shape"] for r in csv.DictReader(open(feat, newline=""))}
rows = [r for r in csv.DictReader(open(manifest, newline=""))
        if r["split"] == "train" and r["id"] in shape]
strata = {
    "installed-vs-wheel": (lambda r: r["kind"] == "debian" and shape[r["id"]] == "installed",
                           lambda r: shape[r["id"]] == "wheel"),
    "popular-vs-sdist": (lambda r: r["kind"] == "popular", lambda r: shape[r["id"]] == "sdist"),
    "realsdist-vs-sdist": (lambda r: r["kind"] == "sdist", lambda r: shape[r["id"]] == "sdist"),
    "overall": (lambda r: True, lambda r: True),
}
for name, (ben, mal) in strata.items():
    with open("%s/%s.manifest.csv" % (out, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "label", "split"])
        for r in rows:
            if (r["label"] == "benign" and ben(r)) or (r["label"] == "malicious" and mal(r)):
                w.writerow([r["id"], r["label"], "train"])
PY

echo "stratum,n_benign,n_malicious,set,learner,f1_macro_mean,f1_macro_sd" >"$OUT/leak-strata.csv"
for S in installed-vs-wheel popular-vs-sdist realsdist-vs-sdist overall; do
	M="$OUT/$S.manifest.csv"
	nb=$(grep -c ',benign,' "$M" || true)
	nm=$(grep -c ',malicious,' "$M" || true)
	"$PYVET" cv --features "$FEAT" --manifest "$M" --split train --set "$SETS" \
		--learner "$LEARNERS" --folds "$FOLDS" --repeats "$REPEATS" --seed "$SEED" \
		--jobs "$JOBS" --quiet --out "$OUT/$S.cv.csv"
	# the summary: set,learner,cv,metric,mean,sd,n
	awk -F, -v s="$S" -v nb="$nb" -v nm="$nm" '$4 == "f1_macro" {
		printf "%s,%d,%d,%s,%s,%.4f,%.4f\n", s, nb, nm, $1, $2, $5, $6
	}' "$OUT/$S.cv.summary.csv" >>"$OUT/leak-strata.csv"
done
# the sidecar: what was run on what
/usr/bin/python3 - "$OUT/leak-strata.json" "$FEAT" "$MANIFEST" "$("$PYVET" --version | sed -n 's/^commit //p')" \
	"$FOLDS" "$REPEATS" "$SEED" "$LEARNERS" "$SETS" <<'PY'
import hashlib, json, sys
out, feat, manifest, commit, folds, repeats, seed, learners, sets = sys.argv[1:10]
def sha(p):
    return hashlib.sha256(open(p, "rb").read()).hexdigest()
json.dump({"output": "leak-strata.csv", "script": "scripts/leak-strata.sh", "pyvet_commit": commit,
           "inputs": {"features.csv": sha(feat + "/features.csv"), "manifest": manifest,
                      "manifest_sha256": sha(manifest)},
           "options": {"cv": "stratified", "folds": int(folds), "repeats": int(repeats),
                       "seed": int(seed), "learners": learners, "sets": sets,
                       "rows": "split=train of the manifest"}},
          open(out, "w"), indent=1)
PY
column -s, -t "$OUT/leak-strata.csv"
