#!/usr/bin/env bash
# paper/report.md is what scripts/make_report.py writes from the committed results/ (so every
# number it quotes is the one in its CSV): regenerate it into a temporary folder and diff. The
# report links the figures relative to its own folder, so the temporary copy sits in a
# paper/ beside a results/ link, as in the repository. When the committed results/ predate the
# generator (it expects a file they lack) the diff is a visible SKIP until `make reproduce` is
# rerun; the script itself must still run on them.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
	skip "Debian's /usr/bin/python3 not found: report regeneration not tested"
	finish; exit
fi
if [ ! -f paper/report.md ] || [ ! -d results ]; then
	skip "no committed paper/report.md or results/: nothing to compare"
	finish; exit
fi
mkdir -p "$TMP/paper"
ln -s "$PWD/results" "$TMP/results"
"$PY" scripts/make_report.py --results "$TMP/results" --out "$TMP/paper/report.md" 2>"$TMP/err"
check "make_report.py runs on the committed results/" test $? -eq 0 -a -s "$TMP/paper/report.md"
missing=$(sed -n 's/^Results files not produced in this run: //p' "$TMP/paper/report.md")
if [ -n "$missing" ]; then
	skip "committed results/ predate the report generator (not produced: $missing): rerun make reproduce, then paper/report.md is compared"
else
	if diff -u paper/report.md "$TMP/paper/report.md" >"$TMP/diff"; then
		ok "paper/report.md equals the report regenerated from results/"
	else
		not_ok "paper/report.md differs from the report regenerated from results/"
		head -n 40 "$TMP/diff" | sed 's/^/# /'
	fi
fi
# The generator is deterministic: a second run writes the same bytes.
"$PY" scripts/make_report.py --results "$TMP/results" --out "$TMP/paper/report2.md" 2>/dev/null
check "a second run writes the same report" cmp -s "$TMP/paper/report.md" "$TMP/paper/report2.md"
finish
