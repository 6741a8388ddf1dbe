#!/usr/bin/env bash
# make install PREFIX=... DESTDIR=...: the installed binary runs from another directory without
# ../shared or the source tree, finds its data files and the domain list (and its compiled
# table) in PREFIX/share/pyvet, prints the library versions, and the man page documents every
# command from its --help text.
. "$(dirname "$0")/lib.sh"
if [ -n "${PYVET_ASAN:-}" ]; then
	skip "make install under sanitizers: not run (the install binary is built without them)"
	finish; exit
fi
B=${BUILD:-build}
D=$TMP/dest
P=/opt/pyvet-test
SRC=$(pwd)
make -s install BUILD="$B" PREFIX=$P DESTDIR="$D" >"$TMP/make.out" 2>&1
check "make install exits 0$(tail -n 3 "$TMP/make.out" | tr '\n' ' ')" test $? -eq 0
BIN=$D$P/bin/pyvet
check "binary installed" test -x "$BIN"
for f in python_apis.csv install_patterns.txt license_families.csv python_keywords.txt stopwords_en.txt; do
	check "data file $f installed" test -s "$D$P/share/pyvet/$f"
done
check "man page installed" test -s "$D$P/share/man/man1/pyvet.1"
check "the bundled model and its card installed" cmp -s models/default.model "$D$P/share/pyvet/default.model"
check "the card installed" test -s "$D$P/share/pyvet/default.card.json"
check "the pip gate installed as pyvet-pip-vet" test -x "$D$P/bin/pyvet-pip-vet"
"$BIN" --version | grep '^data-dir ' >"$TMP/dirs.txt"
check "the installed binary searches its datadir, not this source tree ($(tr '\n' ' ' <"$TMP/dirs.txt"))" \
	sh -c "grep -qx 'data-dir $P/share/pyvet' '$TMP/dirs.txt' && ! grep -q -F '$SRC' '$TMP/dirs.txt'"
check "the binary built here searches this source tree" sh -c "'$PYVET' --version | grep -q -x 'data-dir $SRC/featuresets/data'"
# run it from an empty directory, with no ../shared next to it and no source tree in reach
mkdir -p "$TMP/elsewhere/run"
cp -R tests/data/demo-1.0 "$TMP/elsewhere/demo-1.0"
cd "$TMP/elsewhere/run" || exit 1
"$BIN" --version >"$TMP/v.out" 2>&1
check "--version runs" test $? -eq 0
for lib in gsl libsvm liblinear cjson libarchive libpsl openblas nettle libunistring libcsv; do
	check "--version names $lib" grep -q "^$lib " "$TMP/v.out"
done
if [ -s "$D$P/share/pyvet/top-domains.csv" ]; then
	check "domain list, its table and provenance installed" test -s "$D$P/share/pyvet/top-domains.pvdt" -a -s "$D$P/share/pyvet/top-domains.README.md"
	env -u PYVET_DATA -u PYVET_DOMAINS "$BIN" scan --no-model --format json ../demo-1.0 >"$TMP/s.json" 2>"$TMP/s.err"
	check "scan runs from another directory with the installed data (exit $?)" test $? -eq 0
	check "the installed list is used: the homepage is valid" grep -q '"meta.is_valid_homepage":1' "$TMP/s.json"
	env -u PYVET_DATA -u PYVET_DOMAINS "$BIN" scan --format json ../demo-1.0 >"$TMP/d.json" 2>"$TMP/d.err"
	rc=$?
	check "scan without --model uses the installed default model (exit $rc: $(head -c 200 "$TMP/d.err"))" \
		sh -c "test $rc -le 1 && grep -q '\"id\":\"$(sha256sum "$D$P/share/pyvet/default.model" | cut -d' ' -f1)\"' '$TMP/d.json'"
	env -u PYVET_DATA -u PYVET_DOMAINS "$BIN" extract --manifest /dev/null --out x 2>"$TMP/e.err"
	check "extract without a manifest is a usage error (exit 2)" test $? -eq 2
else
	skip "no domain list at build time: installed scan not run"
fi
cd "$SRC" || exit 1
M=$D$P/share/man/man1/pyvet.1
for c in $("$PYVET" help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | grep -v -e '^help$' -e '^--version$'); do
	check "man page: section and usage of '$c'" sh -c "grep -q '^.SH \"pyvet $c\"' '$M' && grep -q '^usage: pyvet $c' '$M'"
done
if command -v groff >/dev/null; then
	check "man page formats without warnings" sh -c "groff -man -Tutf8 -ww '$M' 2>&1 >/dev/null | grep -c . | grep -qx 0"
else
	skip "groff missing: man page not formatted"
fi
finish
