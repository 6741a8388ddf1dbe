#!/usr/bin/env bash
# Read every package of the shared corpus in memory (pyvet check-corpus) and require at least
# 99.5% read OK. Prints the failures with reasons and the read speed (not asserted). Under
# ASan (PYVET_ASAN=1) only every 10th manifest row is read, to keep the run short.
. tests/lib.sh
if [ -z "$CORPUS" ] || [ ! -f "$CORPUS/manifest.csv" ]; then
	skip "corpus not found (../shared/corpus): corpus read rate not checked"
	finish
	exit 0
fi
every=1
if [ "${PYVET_ASAN:-0}" = 1 ]; then
	every=10
	echo "# PYVET_ASAN=1: reading every 10th manifest row only"
fi
if $PYVET check-corpus --manifest "$CORPUS/manifest.csv" --corpus "$CORPUS" --every $every \
	> "$TMP/cc.out" 2> "$TMP/cc.err"; then
	ok "check-corpus ran"
else
	not_ok "check-corpus exit status: $(head -c 300 "$TMP/cc.err")"
fi
sed 's/^/# /' "$TMP/cc.out"
read -r listed okn <<<"$(sed -n 's/^check-corpus: \([0-9]*\) packages listed.*, \([0-9]*\) read OK.*/\1 \2/p' "$TMP/cc.out")"
if [ -n "${listed:-}" ] && [ "$listed" -gt 0 ] && [ $((okn * 1000)) -ge $((listed * 995)) ]; then
	ok "read OK: $okn of $listed (>= 99.5%)"
else
	not_ok "read OK: ${okn:-?} of ${listed:-?} (< 99.5%)"
fi
manifest_rows=$(($(grep -c . "$CORPUS/manifest.csv") - 1))
check "every selected manifest row was read or reported" \
	test "${listed:-0}" -eq $(( (manifest_rows + every - 1) / every ))
read -r nmeta nparsed <<<"$(sed -n 's/^metadata: \([0-9]*\) packages with a metadata file, \([0-9]*\) parsed/\1 \2/p' "$TMP/cc.out")"
check "metadata parsed wherever a metadata file exists (${nparsed:-?} of ${nmeta:-?})" \
	test -n "${nmeta:-}" -a "${nmeta:-0}" -gt 0 -a "${nmeta:-0}" = "${nparsed:-}"
finish
