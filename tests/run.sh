#!/usr/bin/env bash
# Test runner: every unit-test program in $BUILD/tests/ and every tests/tNNNN-*.sh, in order.
# Prints each program's TAP lines and ends with the totals: the line "N skipped" and, last,
# "N passed, N failed" (a skip is neither; CI reads the last line). Each program ends with the
# same two lines (tests/harness.c, tests/lib.sh). A program that exits non-zero without a
# closing count line counts as one failure. PYVET_SHARED=/missing runs the suite as on a
# machine without ../shared (see tests/lib.sh).
set -u
BUILD=${BUILD:-build}
export PYVET=${PYVET:-./pyvet}
total_pass=0; total_fail=0; total_skip=0
run_one() {
	local name=$1; shift
	echo "# --- $name"
	local out rc
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out"
	local last skipped
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	skipped=$(printf '%s\n' "$out" | grep -E '^[0-9]+ skipped$' | tail -n 1)
	if [ -n "$last" ]; then
		local p f
		p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
		total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
		total_skip=$((total_skip + ${skipped%% skipped}))
		if [ -z "$skipped" ]; then
			echo "not ok - $name printed no 'N skipped' line"; total_fail=$((total_fail + 1))
		fi
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok - $name exited $rc"; total_fail=$((total_fail + 1))
		fi
	else
		echo "not ok - $name ended without a count line (exit $rc)"
		total_fail=$((total_fail + 1))
	fi
}
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in tests/t[0-9][0-9][0-9][0-9]-*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t")" bash "$t"
done
echo "$total_skip skipped"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
