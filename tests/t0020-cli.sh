#!/usr/bin/env bash
# pyvet ls / meta / check-corpus on the archive fixtures: formats, roots, file lists, metadata
# JSON, --help, usage and read errors.
. tests/lib.sh
FX=$TMP/fx
if ! bash tests/data/make_fixtures.sh "$FX" basic >"$TMP/mk.log" 2>&1; then
	not_ok "fixtures built: $(tail -n 3 "$TMP/mk.log")"; finish; exit 1
fi
# the expected file list: the committed tree plus the logo.png the script adds
(cd tests/data/demo-1.0 && find . -type f | sed 's|^\./||'; echo logo.png) | LC_ALL=C sort > "$TMP/expect.txt"
files_of() { grep -v '^#' "$TMP/ls.out" | sed 's/^ *[0-9]* [a-z]* *[-+] //'; }
for spec in demo.tar:tar demo.tar.gz:tar.gz demo.tgz:tar.gz demo.tar.bz2:tar.bz2 demo.tar.xz:tar.xz \
	demo.zip:zip misnamed.tar.gz:zip enc.zip:zip+zipcrypto\>tar.gz nested.zip:zip\>tar.gz \
	wrapper.tar.gz:tar.gz; do
	f=${spec%%:*}; fmt=${spec#*:}
	if $PYVET ls "$FX/$f" >"$TMP/ls.out" 2>"$TMP/ls.err"; then
		check "$f: format $fmt" grep -qx "# format $fmt" "$TMP/ls.out"
		files_of > "$TMP/got.txt"
		check "$f: file list" cmp -s "$TMP/expect.txt" "$TMP/got.txt"
		check "$f: metadata is the root PKG-INFO" grep -qx '# metadata PKG-INFO' "$TMP/ls.out"
	else
		not_ok "$f: ls failed: $(cat "$TMP/ls.err")"
	fi
done
$PYVET ls "$FX/wrapper.tar.gz" > "$TMP/ls.out"
check "wrapper: root strips both folders" grep -qx '# root 2023-02-27-demo-v1.0/demo-1.0/' "$TMP/ls.out"
check "sha256 of the input" grep -qx "# sha256 $(sha256sum "$FX/demo.tar.gz" | cut -c1-64)" \
	<($PYVET ls "$FX/demo.tar.gz")
$PYVET ls "$FX/demo.tar.gz" > "$TMP/ls.out"
check "loaded marks: .py loaded, png only listed" \
	sh -c "grep -q ' file  + demo/core.py\$' '$TMP/ls.out' && grep -q ' file  - logo.png\$' '$TMP/ls.out'"
$PYVET ls "$FX/demo-1.0-py3-none-any.whl" > "$TMP/ls.out"
check "whl: format and dist-info metadata" \
	sh -c "grep -qx '# format whl' '$TMP/ls.out' && grep -qx '# metadata demo-1.0.dist-info/METADATA' '$TMP/ls.out'"
$PYVET ls "$FX/python3-demo_1.0-1_all.deb" > "$TMP/ls.out"
check "deb: format, dist-packages root, egg-info metadata" \
	sh -c "grep -qx '# format deb>tar.xz' '$TMP/ls.out' && grep -qx '# root usr/lib/python3/dist-packages/' '$TMP/ls.out' && grep -qx '# metadata demo-1.0.egg-info/PKG-INFO' '$TMP/ls.out'"
check "deb: doc files outside dist-packages dropped" test "$(grep -c copyright "$TMP/ls.out")" -eq 0
$PYVET ls tests/data/demo-1.0 > "$TMP/ls.out"
files_of | grep -v '^logo.png$' > "$TMP/got.txt"
check "directory input lists the committed tree" sh -c "grep -v '^logo.png\$' '$TMP/expect.txt' | cmp -s - '$TMP/got.txt'"

# meta
if $PYVET meta "$FX/enc.zip" > "$TMP/meta.json" 2>"$TMP/meta.err"; then
	if command -v python3 >/dev/null 2>&1; then
		check "meta: JSON fields" python3 - "$TMP/meta.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "demo" and d["version"] == "1.0", d
assert d["format"] == "zip+zipcrypto>tar.gz" and d["root"] == "demo-1.0/" and d["metadata"] == "PKG-INFO"
keys = [f["key"] for f in d["fields"]]
assert keys.count("Classifier") == 2 and keys[0] == "Metadata-Version", keys
assert d["first"]["Home-page"] == "https://example.org/demo"
desc = [f for f in d["fields"] if f["key"] == "Description"][0]
assert desc["value"].startswith("First line") and "\n" in desc["value"] and desc["line"] == 11
assert d["body_length"] == len("Long description body.\n"), d["body_length"]
PY
	else
		skip "python3 missing: JSON not checked"
	fi
else
	not_ok "meta failed: $(cat "$TMP/meta.err")"
fi

# help and errors
for c in ls meta check-corpus; do
	"$PYVET" $c --help >"$TMP/help.out" 2>"$TMP/help.err"
	check "$c --help exits 0" test $? -eq 0
	check "$c --help prints its usage on stdout" grep -q "^usage: pyvet $c" "$TMP/help.out"
done
expect_rc() { local want=$1 pat=$2; shift 2; "$@" >/dev/null 2>"$TMP/err"; local rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$TMP/err" && [ "$(wc -l < "$TMP/err")" -eq 1 ]; then
		ok "exit $want: $(cat "$TMP/err")"; else not_ok "expected exit $want and '$pat' from '$*', got $rc: $(cat "$TMP/err")"; fi; }
expect_rc 2 'pyvet: ls: no package given' $PYVET ls
expect_rc 2 'pyvet: meta: no package given' $PYVET meta
expect_rc 2 "pyvet: ls: '--bogus': unknown option" $PYVET ls --bogus x
expect_rc 2 "needs a value" $PYVET ls x --password
expect_rc 3 "pyvet: '$TMP/nope.tar.gz': No such file or directory" $PYVET ls "$TMP/nope.tar.gz"
expect_rc 2 "pyvet: check-corpus: --corpus is required" $PYVET check-corpus --manifest x
expect_rc 2 "pyvet: check-corpus: --manifest and --corpus are required" $PYVET check-corpus
expect_rc 2 "pyvet: check-corpus: 'x': unexpected argument" $PYVET check-corpus x
expect_rc 2 "pyvet: cv: '--jobs': '257' is not in \[0, 256\]" $PYVET cv --features x --jobs 257
expect_rc 2 "pyvet: ls: more than 1 package given" $PYVET ls a b
expect_rc 2 "'--jobs': '0x' is not a non-negative integer" $PYVET check-corpus --manifest x --corpus y --jobs 0x
expect_rc 2 "'--every': '0' is not in \[1, " $PYVET check-corpus --manifest x --corpus y --every 0
expect_rc 2 "pyvet: '$TMP/none.csv'" $PYVET check-corpus --manifest "$TMP/none.csv" --corpus "$FX"

# check-corpus on a small manifest over the fixtures, with one failure
{
	echo "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files"
	i=0
	for f in demo.tar.gz enc.zip demo.zip python3-demo_1.0-1_all.deb truncated.tar.gz demo-1.0-py3-none-any.whl; do
		i=$((i+1)); echo "id$i,benign,demo,1.0,$f,tar.gz,test,2000-01-01,c$i,1,popular,,1,0"
	done
} > "$TMP/m.csv"
$PYVET check-corpus --manifest "$TMP/m.csv" --corpus "$FX" --jobs 3 > "$TMP/cc.out" 2>"$TMP/cc.err"
if [ $? -eq 3 ]; then # 3: some packages could not be read
	check "check-corpus: 5 of 6 read" grep -q '^check-corpus: 6 packages listed, 5 read OK, 1 failed' "$TMP/cc.out"
	check "check-corpus: the failure is named" grep -q '^FAIL id5 truncated.tar.gz: .*truncated' "$TMP/cc.out"
	$PYVET check-corpus --manifest "$TMP/m.csv" --corpus "$FX" --jobs 1 | grep -v '^wall time' > "$TMP/cc1.out"
	grep -v '^wall time' "$TMP/cc.out" > "$TMP/cc3.out"
	check "check-corpus: output independent of --jobs" cmp -s "$TMP/cc1.out" "$TMP/cc3.out"
	$PYVET check-corpus --manifest "$TMP/m.csv" --corpus "$FX" --every 2 > "$TMP/cc2.out"
	check "check-corpus --every 2: rows 1, 3, 5" grep -q '^check-corpus: 3 packages listed.*, 2 read OK, 1 failed' "$TMP/cc2.out"
else
	not_ok "check-corpus: expected exit 3: $(cat "$TMP/cc.err")"
fi
finish
