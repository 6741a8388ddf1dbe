#!/usr/bin/env bash
# The feature-set contract (issue 9.2): no driver names a feature set. The extraction drivers
# (experiments/engine/extractrow.[ch], experiments/run/extract.c, experiments/run/scan.c and their
# commands experiments/cmd_extract.c, experiments/cmd_scan.c) may not
# compare a set's name with a literal, use a "SET." prefix, name a set's parameter, keep a
# per-set index, or list set names; everything a set needs is declared in its featureset_type
# (featuresets/featureset.h). The set names and parameter names come from featuresets/ itself,
# so a new set is covered without editing this test.
. tests/lib.sh

DRIVERS="experiments/engine/extractrow.c experiments/engine/extractrow.h experiments/run/extract.c
experiments/run/scan.c experiments/cmd_extract.c experiments/cmd_scan.c"
sets=$(sed -n 's/^FEATURESET(\([a-z0-9_]*\)).*/\1/p' featuresets/list.h)
check "featuresets/list.h registers sets" [ -n "$sets" ]
# parameter names: the first string of each param_spec row in featuresets/*.c
params=$(grep -ho '^ *{"[a-z0-9_.]*", PARAM_' featuresets/*.c | sed 's/^ *{"\([^"]*\)".*/\1/' | sort -u)
check "featuresets declare parameters" [ -n "$params" ]

# The drivers with comments removed (string literals kept), one "FILE:LINE: text" per line.
code_of() {
	for f in $DRIVERS; do
		awk -v f="$f" '{
			line = $0
			out = ""
			while (length(line)) {
				if (incomment) {
					e = index(line, "*/")
					if (!e) { line = ""; break }
					line = substr(line, e + 2); incomment = 0; continue
				}
				s = index(line, "/*"); q = index(line, "\"")
				if (s && (!q || s < q)) {
					out = out substr(line, 1, s - 1); line = substr(line, s + 2); incomment = 1
					continue
				}
				if (q) {
					# copy the string literal whole
					rest = substr(line, q + 1); k = 1
					while (k <= length(rest)) {
						c = substr(rest, k, 1)
						if (c == "\\") { k += 2; continue }
						if (c == "\"") break
						k++
					}
					out = out substr(line, 1, q + k); line = substr(line, q + k + 1)
					continue
				}
				out = out line; line = ""
			}
			print f ":" NR ": " out
		}' "$f"
	done
}
code_of >"$TMP/code.txt"
check "drivers read" [ -s "$TMP/code.txt" ]

found=0
for s in $sets; do
	# a literal compared with a set's name, a "SET." prefix, a per-set index or flag
	if grep -nE "(name[^\"]*\"$s\")|(\"$s\"[^;]*->name)|\"$s\.|\b${s}_(idx|set|index)\b|\bneed_$s\b" \
		"$TMP/code.txt" >"$TMP/hits.txt"; then
		not_ok "drivers name feature set '$s':"; sed 's/^/#   /' "$TMP/hits.txt"; found=1
	fi
	# a list of set names ("meta,code,...")
	for t in $sets; do
		[ "$s" = "$t" ] && continue
		if grep -nE "\"([a-z0-9_]+,)*$s,$t[,\"]" "$TMP/code.txt" >"$TMP/hits.txt"; then
			not_ok "drivers list feature sets '$s,$t':"; sed 's/^/#   /' "$TMP/hits.txt"; found=1
		fi
	done
done
[ "$found" -eq 0 ] && ok "no driver compares, prefixes, indexes or lists feature-set names"

found=0
for p in $params; do
	if grep -nF "\"$p\"" "$TMP/code.txt" >"$TMP/hits.txt"; then
		not_ok "drivers read feature-set parameter '$p':"; sed 's/^/#   /' "$TMP/hits.txt"
		found=1
	fi
done
[ "$found" -eq 0 ] && ok "no driver reads a feature set's parameter by name"

# The canonical view (issue 10.3): every set reads the package through a->view (core/pkg/view.h);
# only `artifacts` reads the container (a->pkg, struct package_file, package_find(), ...).
pkg_uses() { # FILE...: lines that reach the container
	grep -nE -- '->pkg\b|\bpackage_(find|read_text|is_python)\(|\bstruct package(_file)?\b' "$@"
}
found=0
for f in featuresets/*.c; do
	[ "$f" = featuresets/artifacts.c ] && continue
	if pkg_uses "$f" >"$TMP/hits.txt"; then
		not_ok "$f reaches the container instead of the view:"; sed 's/^/#   /' "$TMP/hits.txt"
		found=1
	fi
done
[ "$found" -eq 0 ] && ok "no feature set but artifacts touches the container (->pkg, package_*)"
printf '%s\n' 'const struct package_file *f = package_find(a->pkg, "setup.cfg");' \
	'for (size_t i = 0; i < a->pkg->n_files; i++)' >"$TMP/old-set.c"
check "the container check catches the old set code" \
	test "$(pkg_uses "$TMP/old-set.c" | wc -l)" -eq 2
check "artifacts does read the container (the check would see it)" pkg_uses featuresets/artifacts.c

# the test itself can fail: the old driver code is caught
printf '%s\n' 'if (!strcmp(t->name, "text"))' 'p = extractrow_set_param(fs, "install_patterns", 0);' \
	'#define SETS "meta,code,file"' >"$TMP/old.c"
DRIVERS="$TMP/old.c" code_of >"$TMP/code.txt"
n=0
for s in $sets; do
	grep -qE "(name[^\"]*\"$s\")|(\"$s\"[^;]*->name)|\"$s\.|\b${s}_(idx|set|index)\b" \
		"$TMP/code.txt" && n=$((n + 1))
	for t in $sets; do
		[ "$s" != "$t" ] && grep -qE "\"([a-z0-9_]+,)*$s,$t[,\"]" "$TMP/code.txt" && n=$((n + 1))
	done
done
for p in $params; do grep -qF "\"$p\"" "$TMP/code.txt" && n=$((n + 1)); done
check "the checks catch the old special cases (3 kinds, $n hits)" [ "$n" -ge 3 ]
finish
