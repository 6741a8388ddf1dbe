#!/usr/bin/env bash
# pyvet baseline --peer: fake peer programs (written here) that hang, crash or print garbage are
# timed out or reported per package and never stop the batch; the scratch directories are gone
# after every run, also after SIGINT to pyvet (and the hanging peer with them); peers that are
# not set up are skipped with a visible line; the real packj and GuardDog when `make peers` ran
# and the corpus is there.
. "$(dirname "$0")/lib.sh"
if [ ! -x /usr/bin/python3 ]; then
	skip "peers: /usr/bin/python3 not available for the fake peers"
	finish; exit
fi
# The fake peers run on a mini corpus built here from tests/data/demo-1.0 (1 benign, 2
# "malicious" copies), so they need neither ../shared nor its domain list.
[ -n "$SHARED_DOMAINS" ] || export PYVET_DOMAINS=$PWD/tests/data/top-domains-mini.csv
MINI=$TMP/mini
mkdir -p "$MINI/benign" "$MINI/malicious"
tar -czf "$MINI/benign/demo-1.0.tar.gz" -C tests/data demo-1.0
cp "$MINI/benign/demo-1.0.tar.gz" "$MINI/malicious/m1.tar.gz"
cp "$MINI/benign/demo-1.0.tar.gz" "$MINI/malicious/m2.tar.gz"
{
	echo "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files,split"
	echo "b0,benign,demo,1.0,benign/demo-1.0.tar.gz,tar.gz,,,,,popular,,,,test"
	echo "m1,malicious,demo,1.1,malicious/m1.tar.gz,tar.gz,,,,,malware,,,,test"
	echo "m2,malicious,demo,1.2,malicious/m2.tar.gz,tar.gz,,,,,malware,,,,test"
} >"$MINI/manifest.csv"
M=$MINI/manifest.csv
S=$TMP/scratch
mkdir -p "$S" "$TMP/fake"
scratch_empty() { [ -z "$(ls -A "$S")" ]; }

# Fake launchers. packj's behaviour is chosen by the file $TMP/fake/mode; GuardDog's prints
# garbage; pkginfo2meta.py works.
cat >"$TMP/fake/packj_static.py" <<EOF
import json, os, sys, time
mode = open('$TMP/fake/mode').read().strip()
if mode == 'hang':
    open('$TMP/fake/hung.pid', 'w').write(str(os.getpid()))
    time.sleep(600)
if mode == 'crash':
    os.abort()
for d in sys.argv[1:]:
    print(json.dumps({'api_sites_total': len(os.listdir(d)), 'api_sites_by_perm': {},
                      'n_api_alert_types': 0, 'static_risk_items': 0, 'risks': {}}))
EOF
printf 'import sys\nsys.stdout.write("\\x1b[2J<html>not json")\n' >"$TMP/fake/guarddog_offline.py"
printf 'import json\nprint(json.dumps({"info": {}}))\n' >"$TMP/fake/pkginfo2meta.py"
cat >"$TMP/env" <<EOF
PACKJ_SRC=$TMP
GUARDDOG_SRC=$TMP
PEER_PYDEPS=$TMP
PEERS_DIR=$TMP/fake
EOF
base() { $PYVET baseline --manifest "$M" --corpus "$MINI" --n-benign 1 --n-malicious 2 --seed 3 \
	--jobs 2 --no-bandit --peers-env "$TMP/env" --scratch "$S" "$@"; }

echo hang >"$TMP/fake/mode"
start=$(date +%s)
base --peer packj --peer-timeout 2 --out "$TMP/hang/fig3_alerts.csv" 2>"$TMP/err.hang"
rc=$?
secs=$(( $(date +%s) - start ))
check "hanging peer: the batch finishes with exit 0 (got $rc)" test $rc -eq 0
check "hanging peer: bounded by the time limit (${secs} s)" test "$secs" -lt 60
check "hanging peer: every packj row says timed out" test \
	"$(grep -c ',packj,package,.*timed out' "$TMP/hang/fig3_alerts.csv")" -eq 3
check "hanging peer: 3 timeouts in the sidecar" grep -Eq '"packj_timeouts":[[:space:]]*3,' "$TMP/hang/fig3_alerts.json"
check "hanging peer: the hung process is gone" test -z "$(pgrep -f "$TMP/fake/[p]ackj_static.py")"
check "hanging peer: scratch base empty" scratch_empty

echo crash >"$TMP/fake/mode"
base --peer packj,guarddog --out "$TMP/crash/fig3_alerts.csv" 2>"$TMP/err.crash"
check "crash + garbage: exit 0 ($?)" test -s "$TMP/crash/peers_packages.csv"
check "crashing packj reported per package" test \
	"$(grep -c ',packj,1,0,.*killed by signal 6' "$TMP/crash/peers_packages.csv")" -eq 3
check "garbage from guarddog reported, escaped" test \
	"$(grep -c ',guarddog,1,0,.*not JSON: .\\x1b\[2J<html>not json' "$TMP/crash/peers_packages.csv")" -eq 3
check "no raw escape byte in any output" test -z "$(grep -l $'\x1b' "$TMP/crash/"* "$TMP/err.crash")"
check "crash: scratch base empty" scratch_empty

echo ok >"$TMP/fake/mode"
base --peer packj --out "$TMP/ok/fig3_alerts.csv" 2>"$TMP/err.ok"
check "working fake: packj rows ok" test "$(grep -c ',packj,package,.*,ok$' "$TMP/ok/fig3_alerts.csv")" -eq 3
check "working fake: verdict table has packj" grep -q '^test,packj,any_static_risk,' "$TMP/ok/peers_verdicts.csv"
check "working fake: timing in the sidecar" grep -q '"packages_per_cpu_second"' "$TMP/ok/peers_verdicts.json"
check "working fake: scratch base empty" scratch_empty

# SIGINT while a peer hangs: pyvet ends by the signal, the scratch dir and the peer are gone.
echo hang >"$TMP/fake/mode"
rm -f "$TMP/fake/hung.pid"
# A background job of a script ignores SIGINT unless job control is on (bash).
set -m
base --peer packj --peer-timeout 300 --jobs 1 --out "$TMP/int/fig3_alerts.csv" 2>"$TMP/err.int" &
pid=$!
set +m
for _ in $(seq 1 200); do [ -s "$TMP/fake/hung.pid" ] && break; sleep 0.1; done
check "SIGINT: a scratch directory exists while the peer runs" test -n "$(ls -A "$S")"
kill -INT -- -$pid   # the process group, as a terminal's Ctrl-C does
wait $pid
rc=$?
check "SIGINT: pyvet ended by SIGINT (status $rc)" test $rc -eq 130
check "SIGINT: scratch base empty" scratch_empty
hung=$(cat "$TMP/fake/hung.pid" 2>/dev/null)
gone=1
for _ in $(seq 1 50); do
	if [ -n "$hung" ] && kill -0 "$hung" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$hung/status" 2>/dev/null; then
		gone=0; sleep 0.1
	else
		gone=1; break
	fi
done
check "SIGINT: the hanging peer was killed" test "$gone" -eq 1

# Not set up: a visible skip line, no peers tables, exit 0.
$PYVET baseline --manifest "$M" --corpus "$MINI" --n-benign 1 --n-malicious 1 --no-bandit \
	--peer packj,guarddog --peers-env "$TMP/nowhere/env" --out "$TMP/skip/fig3_alerts.csv" 2>"$TMP/err.skip"
check "not set up: exit 0 ($?)" test -s "$TMP/skip/fig3_alerts.csv"
check "not set up: a SKIP line on stderr" grep -q 'SKIP packj and GuardDog' "$TMP/err.skip"
check "not set up: no peers tables" test ! -e "$TMP/skip/peers_verdicts.csv"
head -2 "$M" >"$TMP/benign-only.csv"
$PYVET baseline --manifest "$TMP/benign-only.csv" --corpus "$MINI" --n-benign all --n-malicious all \
	--no-bandit --out "$TMP/bo/fig3_alerts.csv" 2>/dev/null
check "a split without malicious rows runs (exit $?)" test -s "$TMP/bo/fig3_alerts.csv"
check "unknown peer rejected" test "$($PYVET baseline --manifest "$M" --peer nope 2>/dev/null; echo $?)" -eq 2
out=$($PYVET baseline --manifest "$M" --corpus "$MINI" --n-benign 1 --n-malicious 1 --no-bandit \
	--peer packj --peers-env "$TMP/env" --scratch "$TMP/in" --out "$TMP/in/fig3_alerts.csv" 2>&1)
check "scratch inside the output folder refused" grep -q 'inside' <<<"$out"

# The real packj and GuardDog (after `make peers`).
if [ -n "$CORPUS" ] && [ -s build/peers/env ] && [ -d "$SHARED/peers" ]; then
	M=datasets/paper/manifest.csv
	$PYVET baseline --manifest "$M" --corpus "$CORPUS" --n-benign 1 --n-malicious 2 --seed 3 \
		--jobs 2 --peer bandit,packj,guarddog --scratch "$S" --out "$TMP/real/fig3_alerts.csv" 2>"$TMP/err.real"
	check "real peers: exit 0 ($?)" test -s "$TMP/real/peers_verdicts.csv"
	for t in packj guarddog; do
		check "real $t: 3 packages ok" test "$(grep -c ",$t,1,1," "$TMP/real/peers_packages.csv")" -eq 3
	done
	check "real peers: table6 has packj columns" grep -q '^source,.*,packj.package,packj.setup$' "$TMP/real/table6_alerts.csv"
	check "real peers: agreement rows" test "$(grep -c '^package,all,3,' "$TMP/real/peers_packj_agreement.csv")" -eq 1
	check "real peers: scratch base empty" scratch_empty
else
	skip "real peers: corpus, build/peers/env or $SHARED/peers missing (run make peers)"
fi
finish
