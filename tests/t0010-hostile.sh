#!/usr/bin/env bash
# Hostile package inputs: every one must end in a clean listing or a one-line error, bounded in
# work, without a crash, and without writing any file (pyvet runs in an empty scratch directory).
# Fixtures are built at test time: tests/data/make_fixtures.sh (the plain and basic archives) and
# tests/data/make_hostile.py (bombs, garbage, root evasion, long metadata lines; one status line
# per fixture). Each case passes, fails or skips on its own, with the reason. The bombs are
# checked by the work done (the error says how many bytes were decompressed when the reader
# stopped), never by the clock; `timeout` is only a generous safety net.
. tests/lib.sh
PYVET=$(cd "$(dirname "$PYVET")" && pwd)/$(basename "$PYVET")
DATA=$(pwd)/tests/data
DOM="--domains $DATA/top-domains-mini.csv"
FX=$TMP/fx
if ! bash tests/data/make_fixtures.sh "$FX" basic >"$TMP/mk.log" 2>&1; then
	not_ok "basic fixtures built: $(tail -n 3 "$TMP/mk.log")"
	finish
	exit 1
fi
ok "basic fixtures built"
hostile_why=
if ! command -v python3 >/dev/null 2>&1; then
	hostile_why="python3 not found: tests/data/make_hostile.py cannot build it"
elif ! python3 "$DATA/make_hostile.py" "$FX" >"$TMP/mkh.log" 2>&1 && [ ! -s "$FX/status.txt" ]; then
	hostile_why="make_hostile.py failed: $(tail -n 1 "$TMP/mkh.log")"
fi
mkdir "$TMP/cwd" "$TMP/out"
# everything under $TMP except the outputs of this script, with sizes and times
snapshot() { (cd "$TMP" && find . -mindepth 1 -path ./out -prune -o -printf '%p %s %T@\n' | LC_ALL=C sort); }
snapshot > "$TMP/out/before.txt"

# have FIXTURE: 0 if make_hostile.py built it; else one SKIP (a tool it needs is missing) or
# not-ok line (it failed) naming the case and the reason, and 1
have() {
	local st
	if [ -n "$hostile_why" ]; then skip "$1: $hostile_why"; return 1; fi
	st=$(grep -m 1 "^$1 " "$FX/status.txt" 2>/dev/null)
	case "$st" in
	"$1 ok") return 0 ;;
	*"is missing"*) skip "$1: fixture not built: ${st#"$1 failed: "}" ;;
	"") not_ok "$1: fixture not built (no status line from make_hostile.py)" ;;
	*) not_ok "$1: fixture not built: ${st#"$1 failed: "}" ;;
	esac
	return 1
}
# run NAME ARGS...: run pyvet in the empty cwd with a safety bound; sets $rc, out in $TMP/out/NAME.*
run() {
	local name=$1; shift
	(cd "$TMP/cwd" && timeout 120 "$PYVET" "$@") >"$TMP/out/$name.out" 2>"$TMP/out/$name.err"
	rc=$?
}
# expect_fail NAME PATTERN ARGS...: exit 3 (unreadable), one "pyvet: ..." line on stderr matching PATTERN
expect_fail() {
	local name=$1 pat=$2; shift 2
	run "$name" "$@"
	if [ "$rc" -eq 3 ] && grep -q -- "$pat" "$TMP/out/$name.err" && head -n 1 "$TMP/out/$name.err" | grep -q '^pyvet: '; then
		ok "$name: rejected ($(head -n 1 "$TMP/out/$name.err" | sed "s|$FX/||" | cut -c 1-200))"
	else
		not_ok "$name: expected exit 3 and '$pat', got exit $rc: $(head -c 300 "$TMP/out/$name.err")"
	fi
}
expect_ok() {
	local name=$1; shift
	run "$name" "$@"
	if [ "$rc" -eq 0 ]; then ok "$name: read (exit 0)"; else not_ok "$name: exit $rc: $(head -c 300 "$TMP/out/$name.err")"; fi
}
line() { grep -c -- "$2" "$TMP/out/$1.out"; }
# json NAME 'python condition on d (NAME.out as one JSON document, else its first line)' "description"
json() {
	if python3 -c 'import json,sys
t = open(sys.argv[1]).read()
try: d = json.loads(t)
except ValueError: d = json.loads(t.splitlines()[0])
sys.exit(0 if ('"$2"') else 1)' \
		"$TMP/out/$1.out" 2>"$TMP/out/$1.pyerr"; then
		ok "$1: $3"
	else
		not_ok "$1: $3 ($(head -c 200 "$TMP/out/$1.pyerr"))"
	fi
}

# ---- damaged, empty, foreign, encrypted and nested inputs ----
expect_fail truncated 'truncated\|damaged\|error' ls "$FX/truncated.tar.gz"
expect_fail empty 'empty file' ls "$FX/empty.tar.gz"
expect_fail notarchive 'not a supported archive' ls "$FX/notes.tar.gz"
expect_fail random 'not a supported archive\|damaged\|cannot read' ls "$FX/random.zip"
expect_fail wrongpass 'incorrect passphrase' ls "$FX/enc.zip" --password wrong
expect_fail needpass 'incorrect passphrase' ls "$FX/enc-secret.zip"
expect_ok rightpass ls "$FX/enc-secret.zip" --password wrong --password secret
expect_fail triple "'demo.tar.gz': nested archive deeper than 1 level" ls "$FX/triple.zip"
mkfifo "$TMP/out/fifo-input"
expect_fail fifo 'not a regular file' ls "$TMP/out/fifo-input"

# ---- bombs (issue 8 item 2): the reader stops within one block of the limits ----
# bomb NAME: `ls` fails (exit 3) with "possible archive bomb: ... stopped after unpacking N bytes from a
# M-byte input", and N <= max(1 MiB, 200 * M) + 1 MiB (the ratio limit, its floor and one block)
bomb() {
	local f=$1 n m
	have "$f" || return
	run "bomb-$f" ls "$FX/$f"
	n=$(sed -n 's/.*stopped after unpacking \([0-9]*\) bytes from a \([0-9]*\)-byte input.*/\1/p' "$TMP/out/bomb-$f.err" | head -n 1)
	m=$(sed -n 's/.*stopped after unpacking \([0-9]*\) bytes from a \([0-9]*\)-byte input.*/\2/p' "$TMP/out/bomb-$f.err" | head -n 1)
	if [ "$rc" -ne 3 ] || ! grep -q 'possible archive bomb' "$TMP/out/bomb-$f.err" || [ -z "$n" ]; then
		not_ok "bomb $f: expected exit 3 and 'possible archive bomb ... stopped after unpacking N bytes', got exit $rc: $(head -c 300 "$TMP/out/bomb-$f.err")"
		return
	fi
	local cap=$(( (200 * m > 1048576 ? 200 * m : 1048576) + 1048576 ))
	if [ "$n" -le "$cap" ]; then
		ok "bomb $f: stopped after unpacking $n bytes of a $m-byte input (bound $cap)"
	else
		not_ok "bomb $f: unpacked $n bytes of a $m-byte input before stopping (bound $cap)"
	fi
}
bomb bomb-py.tar.bz2      # 4 GiB in a loaded .py behind a 160 KB member: bzip2
bomb bomb-bin.tar.bz2     # the same in a listed-only member
bomb bomb-py.tar.gz       # 1 GiB, gzip members
bomb bomb-py.tar.xz       # 4 GiB, xz streams
bomb bomb-py.tar.zst      # 4 GiB, zstd RLE blocks
bomb bomb-enc.zip         # ZipCrypto storage zip (password infected) > tar.bz2 bomb
bomb bomb.deb             # .deb > data.tar.xz bomb in an installed .py
bomb bomb-stream.zip      # streamed zip entries without sizes, listed-only member
bomb bomb-stream-py.zip   # the same in a loaded .py
bomb bomb.zip             # 1 GiB deflated, loaded .py, sizes in the central directory
bomb bomb.tar.gz          # 256 MiB in a listed-only member, one gzip stream

# with every size limit off, the time budget stops a bomb while it is being decompressed, the
# package is an error, and `scan` goes on with the next package (exit 3: could not be analysed)
if have bomb-py.tar.xz; then
	run budget scan --no-model $DOM --param pkg.max_unpacked_bytes=0 --param pkg.max_ratio=0 \
		--param pkg.time_budget=0.5 "$FX/bomb-py.tar.xz" "$DATA/demo-1.0"
	check "budget: exit 3 (one package could not be analysed)" test "$rc" -eq 3
	check "budget: the bomb fails on the time budget while being read" \
		grep -q "time budget of 0.5 s exceeded while reading 'bomb-1.0/zeros.py'" "$TMP/out/budget.err"
	check "budget: the batch went on to the next package" \
		test "$(grep -c ': ERROR could not be analysed' "$TMP/out/budget.out")" -eq 1 -a \
		"$(grep -c '^  package    demo 1.0' "$TMP/out/budget.out")" -eq 1
fi
# a budget spent before the first check: every stage reports it in the same words
run budget-tiny scan --no-model $DOM --param pkg.time_budget=1e-9 "$DATA/demo-1.0" "$FX/demo.tar.gz"
check "budget-tiny: exit 3" test "$rc" -eq 3
check "budget-tiny: both packages fail on the budget, each with its own message" \
	test "$(grep -c 'time budget of 1e-09 s exceeded while' "$TMP/out/budget-tiny.err")" -eq 2
run budget-bad scan --no-model $DOM --param pkg.time_budget=soon "$DATA/demo-1.0"
check "budget-bad: a non-number is a usage error (exit 2)" test "$rc" -eq 2

# ---- garbage is not a package (issue 8 item 5) ----
for f in eocd.zip zeros.tar.xz zeros.tar.gz dirs.tar readme.zip; do
	have "$f" && expect_fail "garbage-$f" 'not a Python package' ls "$FX/$f"
done
for f in setuponly.tar.gz metaonly.tar.gz pyonly.zip; do
	have "$f" && expect_ok "minimal-$f" ls "$FX/$f"
done
if have eocd.zip && have zeros.tar.xz; then
	run garbage-scan scan --no-model $DOM "$FX/eocd.zip" "$FX/zeros.tar.xz" "$DATA/demo-1.0"
	check "garbage-scan: exit 3 (could not be analysed), no verdict" test "$rc" -eq 3
	check "garbage-scan: both garbage inputs reported as not analysed" \
		test "$(grep -c ': ERROR could not be analysed: .*not a Python package' "$TMP/out/garbage-scan.out")" -eq 2
	mkdir "$TMP/out/gc"
	cp -R "$DATA/demo-1.0" "$FX/eocd.zip" "$FX/zeros.tar.xz" "$TMP/out/gc/"
	printf 'id,label,name,version,path\na1,benign,demo,1.0,demo-1.0\nb2,malicious,eocd,1,eocd.zip\nc3,malicious,zeros,1,zeros.tar.xz\n' \
		>"$TMP/out/gc/manifest.csv"
	run garbage-extract extract --manifest "$TMP/out/gc/manifest.csv" --out "$TMP/out/garbage-x" \
		--quiet $DOM
	check "garbage-extract: exit 3, the run goes on" test "$rc" -eq 3
	check "garbage-extract: errors.csv lists both garbage inputs" \
		test "$(grep -c 'not a Python package' "$TMP/out/garbage-x/errors.csv")" -eq 2
	check "garbage-extract: the real package is extracted" \
		test "$(grep -c '^a1,' "$TMP/out/garbage-x/features.csv")" -eq 1
	check "garbage-extract: the sidecar records the pkg.* parameters" \
		grep -q '"pkg.time_budget"' "$TMP/out/garbage-x/features.json"
fi

# ---- root evasion (issue 8 item 6): one extra top-level member does not hide the package ----
for f in rootevade.zip rootevade-unix.zip rootevade.tar.gz; do
	have "$f" || continue
	expect_ok "root-$f" ls "$FX/$f"
	check "root-$f: root is the sdist directory" grep -qx '# root evade-1.0/' "$TMP/out/root-$f.out"
	check "root-$f: PKG-INFO is the metadata" grep -qx '# metadata PKG-INFO' "$TMP/out/root-$f.out"
	check "root-$f: setup.py is in the tree" grep -q ' + setup.py$' "$TMP/out/root-$f.out"
	check "root-$f: the extra member is reported" grep -q "outside the package root 'evade-1.0/'" "$TMP/out/root-$f.err"
	run "root-scan-$f" scan --no-model --format json $DOM "$FX/$f"
	json "root-scan-$f" 'd["status"] == "ok" and {"package:outside_root", "package:drive_path"} <= {e["rule"] for e in d["evidence"]}' \
		"evidence lists the member outside the root and its drive letter"
	json "root-scan-$f" 'd["features"]["binary"]["code.has_url"] == 1 and any(e["rule"] == "url" or e.get("file") == "setup.py" for e in d["evidence"])' \
		"setup.py is analysed (its URL is found)"
done
have rootevade.tar.gz && check "root-rootevade.tar.gz: the backslash is reported" \
	grep -q "contains a backslash" "$TMP/out/root-rootevade.tar.gz.err"

# ---- a benign package is never unreadable because of a limit (issue 10 item 7) ----
if have longmeta.tar.gz; then
	expect_ok longmeta-meta meta "$FX/longmeta.tar.gz"
	json longmeta-meta '[(f["key"], len(f["value"]), f.get("truncated"), f.get("full_length")) for f in d["fields"] if f["key"] == "Summary"] == [("Summary", 65536, True, 100000)]' \
		"the 100 KB Summary is cut at 64 KiB and marked"
	json longmeta-meta 'd["first"]["Home-page"] == "https://example.org/longmeta"' "the fields after it are intact"
	run longmeta-scan scan --no-model --format json $DOM "$FX/longmeta.tar.gz"
	json longmeta-scan 'd["status"] == "ok" and any(e["rule"] == "package:metadata_truncated" and e["snippet"] == "Summary" for e in d["evidence"])' \
		"scan reports the cut as package evidence"
fi

if have longmeta.deb; then
	run longmeta-deb scan --no-model --format json $DOM "$FX/longmeta.deb"
	json longmeta-deb 'd["status"] == "ok" and [e["detail"] for e in d["evidence"] if e["rule"] == "package:metadata_truncated" and e["snippet"] == "Description"] != []' \
		"a .deb whose installed PKG-INFO has a 190 KB Description (python3-afdko's shape) is read, the cut reported"
fi

# ---- the hostile archive of traversal names, links and devices, and other stress inputs ----
if have hostile.tar; then
	expect_ok hostile ls "$FX/hostile.tar"
	check "hostile: 6 files kept, 7 members skipped" \
		grep -qx '# files 6' "$TMP/out/hostile.out"
	check "hostile: skipped count" grep -qx '# skipped 7' "$TMP/out/hostile.out"
	check "hostile: no traversal or absolute member listed" \
		test "$(grep -c 'evil.py\|abs.py\|up.py\|ctl' "$TMP/out/hostile.out")" -eq 0
	check "hostile: symlink recorded, not followed" grep -q ' link  - passwd -> /etc/passwd$' "$TMP/out/hostile.out"
	check "hostile: hard link recorded" grep -q ' link  - hard.py -> ' "$TMP/out/hostile.out"
	check "hostile: device and fifo are 'other'" test "$(line hostile ' other - ')" -eq 2
	check "hostile: warnings name the unsafe members" grep -q "'../evil.py': member skipped: '..' component" "$TMP/out/hostile.err"
	expect_ok hostile-meta meta "$FX/hostile.tar"
fi
if have many.tar.gz; then
	expect_ok many ls "$FX/many.tar.gz"
	check "many: 100,000 members listed" grep -qx '# files 100000' "$TMP/out/many.out"
fi
if have longline.tar.gz; then
	expect_ok longline ls "$FX/longline.tar.gz"
	check "longline: the 10 MB setup.py is loaded" grep -q '^ *[0-9]\{8\} file  + setup.py$' "$TMP/out/longline.out"
	expect_ok longline-meta meta "$FX/longline.tar.gz"
	json longline-meta '[f.get("truncated") for f in d["fields"] if f["key"] == "Summary"] == [True]' \
		"the 10 MB Summary is cut, not fatal"
fi
if have badutf8.tar.gz; then
	expect_ok badutf8 meta "$FX/badutf8.tar.gz"
	json badutf8 'd["first"]["Author"].startswith("\ufffd")' "valid JSON, invalid bytes shown as U+FFFD"
fi
expect_ok loopdir ls "$FX/loopdir"
check "loopdir: the loop is a link, listed once" test "$(line loopdir ' link  - pkg/self -> .$')" -eq 1
check "loopdir: bounded listing" test "$(grep -vc '^#' "$TMP/out/loopdir.out")" -eq 5

for f in "$TMP"/out/*.err; do
	if grep -q 'AddressSanitizer\|runtime error\|Segmentation' "$f"; then not_ok "sanitizer report in $(basename "$f")"; fi
done
snapshot > "$TMP/out/after.txt"
check "no file created or changed in the scratch directory" cmp -s "$TMP/out/before.txt" "$TMP/out/after.txt"
check "working directory still empty" test -z "$(ls -A "$TMP/cwd")"
finish
