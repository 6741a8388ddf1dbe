#!/usr/bin/env bash
# scripts/scale/shard.sh: run `pyvet extract` or `pyvet cv` as N shards with GNU parallel -- on
# this machine or on others over ssh -- then join the part files with `pyvet merge` into the
# bytes one run writes (issue 14.4; experiments/run/merge.h).
#
#   scripts/scale/shard.sh extract N OUTDIR  [pyvet extract options: --manifest M --corpus C ...]
#   scripts/scale/shard.sh cv      N OUT.csv [pyvet cv options: --features F --set S ...]
#
# extract: shard I is `pyvet extract --shard I/N --out PARTS/I`, a contiguous block of manifest
# rows. cv: shard I is `pyvet cv --cells I/N --out PARTS/I/cv.csv`, the grid's (set, repeat, fold)
# items k with k mod N = I; an --oof FILE is sharded and merged the same way, a --write-folds
# FILE is the same in every part (PARTS/0's is copied).
#
# Environment:
#   PYVET     the pyvet binary (default ./pyvet when it exists, else pyvet on PATH). On other
#             machines this path must work there too (make install PREFIX=... on each).
#   JOBS      shards run at once per machine (GNU parallel -j; default: one per CPU core).
#             Give each shard --jobs 1 for one thread per shard, or fewer JOBS and more threads.
#   SSHLOGIN  GNU parallel --sshlogin list, e.g. "8/alice@node1,8/node2,:" (':' is this
#             machine; N/ caps the shards at once there). Unset: this machine only.
#   RETURN    1: copy each part back here after its shard (GNU parallel --return, rsync), for
#             machines without a shared file system. Either way the paths given (manifest,
#             corpus, features) must be valid on every machine, and PARTS is the same path.
#   PARTS     the part folder (default OUT.parts); removed after a good merge unless KEEP=1.
#
# Exit status: that of the first failing shard or of the merge (pyvet's exit statuses); 3 from
# extract shards (some packages unreadable, listed in errors.csv) does not stop the merge.
set -u
usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
mode=$1 n=$2 out=$3
shift 3
case $mode in extract | cv) ;; *) usage ;; esac
case $n in '' | *[!0-9]*) usage ;; esac
[ "$n" -ge 1 ] || usage
command -v parallel >/dev/null 2>&1 || { echo "shard.sh: GNU parallel is not installed (apt-get install parallel)" >&2; exit 2; }
if [ -z "${PYVET:-}" ]; then
	if [ -x ./pyvet ]; then PYVET=$PWD/pyvet; else PYVET=pyvet; fi
fi
parts=${PARTS:-$out.parts}
mkdir -p "$parts" || exit 4

# GNU parallel's options: -q quotes the command (also for the remote shell), --halt stops the
# other shards at the first failure (exit 3 of extract is not one), --will-cite silences the
# citation notice.
popts=(--will-cite -q --halt soon,fail=1)
[ -n "${JOBS:-}" ] && popts+=(-j "$JOBS")
if [ -n "${SSHLOGIN:-}" ]; then
	popts+=(--sshlogin "$SSHLOGIN" --workdir "$PWD")
	[ "${RETURN:-0}" = 1 ] && popts+=(--return "$parts/{}")
fi
shards=$(seq 0 $((n - 1)))

if [ "$mode" = extract ]; then
	parallel "${popts[@]}" sh -c '"$@"; rc=$?; [ $rc -eq 3 ] && rc=0; exit $rc' sh \
		"$PYVET" extract "$@" --shard "{}/$n" --out "$parts/{}" --quiet ::: $shards
	rc=$?
	[ $rc -eq 0 ] || { echo "shard.sh: a shard failed (exit $rc); parts kept in $parts" >&2; exit $rc; }
	list=()
	for i in $shards; do list+=("$parts/$i"); done
	"$PYVET" merge --out "$out" "${list[@]}"
	rc=$?
	merged=$rc
	# as one run: 3 when some packages could not be read (the merged errors.csv lists them)
	if [ $rc -eq 0 ] && [ "$(wc -l <"$out/errors.csv")" -gt 1 ]; then rc=3; fi
else
	# --oof and --write-folds name the final files; the shards write theirs into PARTS/I/
	args=() oof= folds=
	while [ $# -gt 0 ]; do
		case $1 in
		--oof) oof=$2; args+=(--oof "$parts/{}/oof.csv"); shift 2 ;;
		--write-folds) folds=$2; args+=(--write-folds "$parts/{}/folds.csv"); shift 2 ;;
		--out | --cells) echo "shard.sh: $1 is set by the script" >&2; exit 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	for i in $shards; do mkdir -p "$parts/$i" || exit 4; done
	parallel "${popts[@]}" "$PYVET" cv "${args[@]}" --cells "{}/$n" --out "$parts/{}/cv.csv" \
		--quiet ::: $shards
	rc=$?
	[ $rc -eq 0 ] || { echo "shard.sh: a shard failed (exit $rc); parts kept in $parts" >&2; exit $rc; }
	list=() olist=()
	for i in $shards; do list+=("$parts/$i/cv.csv"); olist+=("$parts/$i/oof.csv"); done
	"$PYVET" merge --out "$out" "${list[@]}"
	rc=$?
	if [ $rc -eq 0 ] && [ -n "$oof" ]; then "$PYVET" merge --out "$oof" "${olist[@]}"; rc=$?; fi
	if [ $rc -eq 0 ] && [ -n "$folds" ]; then cp "$parts/0/folds.csv" "$folds" || rc=4; fi
	merged=$rc
fi
if [ "$merged" -eq 0 ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$parts"; fi
exit $rc
