#!/usr/bin/env bash
# Sharding (issue 14.4): `pyvet extract --shard I/N` and `pyvet cv --cells I/N` write part files
# that `pyvet merge` joins into exactly the bytes of one run; merge refuses parts that do not
# make one run; the GNU parallel recipe (scripts/scale/shard.sh, locally and through
# --sshlogin ':') and the Slurm array script (scripts/scale/slurm.sbatch, run with a fake array
# environment) give the same bytes. PYVET_LONG_TESTS=1 also extracts the whole corpus manifest
# in 4 shards (about a minute on 2 cores).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"
DOM="--domains tests/data/top-domains-mini.csv"
FILES="features.csv tokens.tsv evidence.jsonl errors.csv"
# same_files A B: the four extraction files are byte-identical
same_files() { for f in $FILES; do cmp -s "$1/$f" "$2/$f" || return 1; done; }

# ---- extract: fixtures (no ../shared needed), one unreadable package in the middle ----
FX=$TMP/fx
bash tests/data/make_fixtures.sh "$FX" basic >/dev/null 2>&1
{
	echo "id,label,name,version,path"
	i=0
	for f in demo.tar.gz enc.zip demo.zip truncated.tar.gz demo-1.0-py3-none-any.whl demo.tar.bz2 demo.tar.xz; do
		i=$((i + 1)); echo "id$i,benign,demo,1.0,$f"
	done
} >"$FX/m.csv"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/x1" $DOM --quiet --jobs 2
check "extract: one run (exit 3: one package unreadable)" test $? -eq 3
for i in 0 1 2; do
	"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xp$i" $DOM --quiet --shard "$i/3"
done
check "a part holds its block of rows (7 rows, 3 shards: 2, 2, 3)" sh -c \
	"test \$(( \$(wc -l < '$TMP/xp0/features.csv') + \$(wc -l < '$TMP/xp0/errors.csv') )) -eq 4"
"$PYVET" merge --out "$TMP/xm" "$TMP/xp2" "$TMP/xp0" "$TMP/xp1" 2>"$TMP/err"
check "merge of the 3 parts (given in any order) exits 0" test $? -eq 0
check "merged extraction = one run, byte for byte" same_files "$TMP/x1" "$TMP/xm"
if command -v python3 >/dev/null 2>&1; then
	check "merged sidecar: the run's cache key and counts, no shard, the parts listed" python3 - \
		"$TMP/x1/features.json" "$TMP/xm/features.json" <<'PY'
import json, sys
one, m = (json.load(open(p)) for p in sys.argv[1:3])
assert m["cache_key"] == one["cache_key"], (m["cache_key"], one["cache_key"])
for k in ("packages", "ok", "failed", "columns"):
    assert m["counts"][k] == one["counts"][k], k
assert "shard" not in m and len(m["merged_from"]) == 3
assert [p["index"] for p in m["merged_from"]] == [0, 1, 2]
for k in ("featuresets", "hashes", "options", "outputs", "seed"):
    assert m[k] == one[k], k
assert list(m)[-1] == "wall_seconds"
PY
else
	skip "python3 missing: merged sidecar not checked"
fi
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xm" $DOM --reuse 2>"$TMP/err"
check "extract --reuse sees the merged folder as up to date" grep -q "up to date" "$TMP/err"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xp1" $DOM --reuse --shard 1/3 2>"$TMP/err"
check "a part is up to date for its own shard" grep -q "up to date" "$TMP/err"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xp1" $DOM --reuse --shard 1/4 --quiet 2>"$TMP/err"
check "... and not for another cut (rewritten)" \
	grep -q '"count":[[:space:]]*4' "$TMP/xp1/features.json"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xp1" $DOM --shard 1/3 --quiet

# merge refuses what is not one run
merge_fails() { local d=$1 pat=$2; shift 2; "$PYVET" merge --out "$TMP/bad" "$@" >/dev/null 2>"$TMP/err"
	local rc=$?; if [ $rc -eq 2 ] && grep -q -- "$pat" "$TMP/err"; then ok "merge refuses $d: $(cat "$TMP/err")"
	else not_ok "merge should refuse $d with '$pat', got $rc: $(cat "$TMP/err")"; fi; }
merge_fails "a missing shard" "shard 2/3 is missing" "$TMP/xp0" "$TMP/xp1"
merge_fails "a shard given twice" "given twice" "$TMP/xp0" "$TMP/xp1" "$TMP/xp1"
merge_fails "a folder that is not a part" "not a part of a sharded run" "$TMP/x1" "$TMP/xp1"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xq2" $DOM --quiet --shard 2/3 --param pkg.time_budget=20
merge_fails "a part of another run" "different runs" "$TMP/xp0" "$TMP/xp1" "$TMP/xq2"
"$PYVET" extract --manifest "$FX/m.csv" --out "$TMP/xr" $DOM --quiet --shard 0/2
merge_fails "parts of different cuts" "a part of 3" "$TMP/xp0" "$TMP/xr" "$TMP/xp2"
check "a refused merge writes nothing" test ! -e "$TMP/bad"
check "--shard refuses I >= N" sh -c "'$PYVET' extract --manifest x --out y --shard 3/3 2>&1 >/dev/null | grep -q \"'--shard': '3/3' is not I/N\""

# ---- cv: a grid in 3 shards ----
F=$TMP/feat
make_features "$F" 40 40
cvrun() { "$PYVET" cv --features "$F" --set T+MCF+pre,MCF --learner dt,nb,stack --folds 4 --repeats 2 \
	--seed 5 --quiet "$@"; }
cvrun --out "$TMP/c1/cv.csv" --oof "$TMP/c1/oof.csv" --write-folds "$TMP/c1/folds.csv"
for i in 0 1 2; do
	cvrun --cells "$i/3" --out "$TMP/cp$i/cv.csv" --oof "$TMP/cp$i/oof.csv" --write-folds "$TMP/cp$i/folds.csv"
done
# 16 items (set, repeat, fold) x 3 learners; shard 1 of 3 runs items 1, 4, 7, 10, 13
check "a cv part holds only its cells (shard 1/3: 5 items x 3 learners)" sh -c \
	"test \$(cut -d, -f1,2,4,5 '$TMP/cp1/cv.csv' | sort -u | grep -vc '^set,') -eq 15"
"$PYVET" merge --out "$TMP/cm/cv.csv" "$TMP/cp1/cv.csv" "$TMP/cp2/cv.csv" "$TMP/cp0/cv.csv" 2>/dev/null
check "cv merge exits 0" test $? -eq 0
"$PYVET" merge --out "$TMP/cm/oof.csv" "$TMP"/cp*/oof.csv 2>/dev/null
check "out-of-fold merge exits 0" test $? -eq 0
for f in cv.csv cv.summary.csv oof.csv; do
	check "merged cv: $f = one run, byte for byte" cmp -s "$TMP/c1/$f" "$TMP/cm/$f"
done
check "every part writes the one-run fold file" cmp -s "$TMP/c1/folds.csv" "$TMP/cp2/folds.csv"
if command -v python3 >/dev/null 2>&1; then
	check "merged cv sidecar: cells in grid order, failed_cells, parameters as one run" python3 - \
		"$TMP/c1/cv.json" "$TMP/cm/cv.json" "$TMP/cm/cv.summary.json" <<'PY'
import json, sys
one, m, s = (json.load(open(p)) for p in sys.argv[1:4])
assert list(m["cells"].items()) == list(one["cells"].items())
assert list(m["cell_seconds"]) == list(one["cell_seconds"])
for k in ("failed_cells", "parameters", "hashes", "data", "fold_class_counts", "seed", "command"):
    assert m[k] == one[k], k
assert "shard" not in m and len(m["merged_from"]) == 3 and s["cells"] == m["cells"]
PY
else
	skip "python3 missing: merged cv sidecar not checked"
fi
merge_fails "cv parts of two cuts" "a part of" "$TMP/cp0/cv.csv" "$TMP/cp1/cv.csv" "$TMP/c1/cv.csv"
cvrun --cells 1/3 --out "$TMP/cq1/cv.csv" --seed 6
merge_fails "cv parts of two seeds" "different runs" "$TMP/cp0/cv.csv" "$TMP/cq1/cv.csv" "$TMP/cp2/cv.csv"
cvrun --cells 1/3 --out "$TMP/cq1/cv.csv" --param dt.max_depth=3
merge_fails "cv parts with other learner parameters" "differ in \"parameters\"" "$TMP/cp0/cv.csv" "$TMP/cq1/cv.csv" "$TMP/cp2/cv.csv"
# parts may run with other thread counts and see the extraction at another path (another mount)
cp -r "$F" "$TMP/feat-elsewhere"
"$PYVET" cv --features "$TMP/feat-elsewhere" --set T+MCF+pre,MCF --learner dt,nb,stack --folds 4 --repeats 2 \
	--seed 5 --quiet --jobs 2 --cells 1/3 --out "$TMP/cj1/cv.csv"
"$PYVET" merge --out "$TMP/cjm/cv.csv" "$TMP/cp0/cv.csv" "$TMP/cj1/cv.csv" "$TMP/cp2/cv.csv" 2>"$TMP/err"
check "cv parts with other --jobs and --features paths merge (exit 0)" test $? -eq 0
check "... into the bytes of one run" cmp -s "$TMP/c1/cv.csv" "$TMP/cjm/cv.csv"
cp -r "$TMP/cp1" "$TMP/cx1" && sed -i '2d' "$TMP/cx1/cv.csv"
"$PYVET" merge --out "$TMP/cx/cv.csv" "$TMP/cp0/cv.csv" "$TMP/cx1/cv.csv" "$TMP/cp2/cv.csv" >/dev/null 2>&1
check "a part missing a row does not merge into one run's bytes" sh -c "! cmp -s '$TMP/c1/cv.csv' '$TMP/cx/cv.csv'"
cp -r "$TMP/cp1" "$TMP/cy1" && grep -v ',dt,' "$TMP/cp1/cv.csv" >"$TMP/cy1/cv.csv"
merge_fails "a part without some of its cells" "is in no part" "$TMP/cp0/cv.csv" "$TMP/cy1/cv.csv" "$TMP/cp2/cv.csv"
check "--cells is not for --test" sh -c "'$PYVET' cv --features '$F' --manifest x --test test --cells 0/2 --quiet 2>&1 | grep -q 'not --test'"

# ---- the GNU parallel recipe and the Slurm array script ----
if command -v parallel >/dev/null 2>&1; then
	PYVET=$PYVET scripts/scale/shard.sh extract 3 "$TMP/gx" --manifest "$FX/m.csv" $DOM --jobs 1 2>/dev/null
	check "shard.sh extract: exit 3 as one run (an unreadable package)" test $? -eq 3
	check "shard.sh extract: the bytes of one run" same_files "$TMP/x1" "$TMP/gx"
	check "shard.sh removes the parts after a good merge" test ! -e "$TMP/gx.parts"
	SSHLOGIN=: PYVET=$PYVET scripts/scale/shard.sh extract 2 "$TMP/gs" --manifest "$FX/m.csv" $DOM --jobs 1 2>/dev/null
	check "shard.sh extract through --sshlogin ':' (this machine): the bytes of one run" same_files "$TMP/x1" "$TMP/gs"
	PYVET=$PYVET JOBS=2 scripts/scale/shard.sh cv 3 "$TMP/gc/cv.csv" --features "$F" --set T+MCF+pre,MCF \
		--learner dt,nb,stack --folds 4 --repeats 2 --seed 5 --oof "$TMP/gc/oof.csv" \
		--write-folds "$TMP/gc/folds.csv" 2>/dev/null
	check "shard.sh cv: exit 0" test $? -eq 0
	for f in cv.csv cv.summary.csv oof.csv folds.csv; do
		check "shard.sh cv: $f = one run" cmp -s "$TMP/c1/$f" "$TMP/gc/$f"
	done
else
	skip "GNU parallel not installed (apt-get install parallel; make deps): scripts/scale/shard.sh not run"
fi
for i in 0 1 2; do # a Slurm array --array=1-3 as its tasks see it
	SLURM_ARRAY_TASK_ID=$((i + 1)) SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 \
		PYVET=$PYVET bash scripts/scale/slurm.sbatch cv "$TMP/sl" --features "$F" --set T+MCF+pre,MCF \
		--learner dt,nb,stack --folds 4 --repeats 2 --seed 5 --oof 2>/dev/null
done
"$PYVET" merge --out "$TMP/slm/cv.csv" "$TMP"/sl/*/cv.csv 2>/dev/null &&
	"$PYVET" merge --out "$TMP/slm/oof.csv" "$TMP"/sl/*/oof.csv 2>/dev/null
check "slurm.sbatch cv tasks merged: cv.csv = one run" cmp -s "$TMP/c1/cv.csv" "$TMP/slm/cv.csv"
check "slurm.sbatch cv tasks merged: oof.csv = one run" cmp -s "$TMP/c1/oof.csv" "$TMP/slm/oof.csv"
for i in 0 1; do
	SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=2 PYVET=$PYVET bash scripts/scale/slurm.sbatch extract \
		"$TMP/sx" --manifest "$FX/m.csv" $DOM 2>/dev/null
done
"$PYVET" merge --out "$TMP/sxm" "$TMP"/sx/* 2>/dev/null
check "slurm.sbatch extract tasks merged: the bytes of one run" same_files "$TMP/x1" "$TMP/sxm"

# ---- the corpus: a fixed subset here, the whole manifest with PYVET_LONG_TESTS=1 ----
if [ -n "$CORPUS" ] && [ -f "$CORPUS/manifest.csv" ]; then
	M=$TMP/corpus.csv
	if [ "${PYVET_LONG_TESTS:-0}" = 1 ]; then cp "$CORPUS/manifest.csv" "$M"; what="whole corpus"
	else awk 'NR == 1 || NR % 12 == 0' "$CORPUS/manifest.csv" >"$M"; what="every 12th corpus package"; fi
	n=$(($(wc -l <"$M") - 1))
	"$PYVET" extract --manifest "$M" --corpus "$CORPUS" --out "$TMP/k1" --jobs 2 --quiet
	for i in 0 1 2 3; do
		"$PYVET" extract --manifest "$M" --corpus "$CORPUS" --out "$TMP/kp$i" --jobs 2 --quiet --shard "$i/4"
	done
	"$PYVET" merge --out "$TMP/km" "$TMP"/kp? 2>/dev/null
	check "$what ($n packages) in 4 shards merged = one run" same_files "$TMP/k1" "$TMP/km"
	[ "${PYVET_LONG_TESTS:-0}" = 1 ] || skip "the whole corpus in 4 shards: set PYVET_LONG_TESTS=1"
else
	skip "no corpus (../shared/corpus): the corpus shard check not run"
fi
finish
