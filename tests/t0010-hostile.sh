#!/usr/bin/env bash
# Hostile package inputs: every one must end in a clean listing or a one-line error, quickly,
# without a crash, and without writing any file (pyvet runs in an empty scratch directory).
. tests/lib.sh
PYVET=$(cd "$(dirname "$PYVET")" && pwd)/$(basename "$PYVET")
FX=$TMP/fx
if ! bash tests/data/make_fixtures.sh "$FX" >"$TMP/mk.log" 2>&1; then
	not_ok "fixtures built: $(tail -n 3 "$TMP/mk.log")"
	finish
	exit 1
fi
ok "fixtures built"
mkdir "$TMP/cwd" "$TMP/out"
# everything under $TMP except the outputs of this script, with sizes and times
snapshot() { (cd "$TMP" && find . -mindepth 1 -path ./out -prune -o -printf '%p %s %T@\n' | LC_ALL=C sort); }
snapshot > "$TMP/out/before.txt"

# run NAME ARGS...: run pyvet in the empty cwd with a time bound; sets $rc, out in $TMP/out/NAME.*
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
		ok "$name: rejected ($(head -n 1 "$TMP/out/$name.err" | sed "s|$FX/||"))"
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

if [ -f "$FX/hostile.tar" ]; then
	expect_fail zipbomb 'possible archive bomb' ls "$FX/bomb.zip"
	expect_fail tarbomb 'possible archive bomb' ls "$FX/bomb.tar.gz"
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
	expect_ok many ls "$FX/many.tar.gz"
	check "many: 100,000 members listed" grep -qx '# files 100000' "$TMP/out/many.out"
	expect_ok longline ls "$FX/longline.tar.gz"
	check "longline: the 10 MB setup.py is loaded" grep -q '^ *[0-9]\{8\} file  + setup.py$' "$TMP/out/longline.out"
	expect_fail longline-meta 'longer than 65536' meta "$FX/longline.tar.gz"
	expect_ok badutf8 meta "$FX/badutf8.tar.gz"
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["first"]["Author"].startswith("\ufffd")' "$TMP/out/badutf8.out" 2>/dev/null; then
		ok "badutf8: valid JSON, invalid bytes shown as U+FFFD"
	else
		not_ok "badutf8: JSON output"
	fi
else
	skip "python3 missing: hostile fixtures not built"
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
