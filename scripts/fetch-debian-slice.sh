#!/usr/bin/env bash
# Fetch the Debian slice: the python3-* binary packages listed in ../shared/data/debian-benign.csv
# (package,version,architecture,source,size,sha256,filename,pypi_name,overlap), downloaded with
# `apt-get download PACKAGE:ARCH=VERSION` (no root needed) into DIR (default data/debian/ of the
# repository, git-ignored), then write datasets/debian/manifest.csv in the corpus manifest format.
#
#   scripts/fetch-debian-slice.sh [--list CSV] [--manifest OUT] [--from SRC] [--batch N] [DIR]
#
# - Files are matched by SHA-256, whatever their name (apt saves an epoch "N:" as "N%3a").
#   Resumable: a listed package whose file is already in DIR with the right SHA-256 is kept.
# - A version no longer in the archive is reported (MISSING lines) and left out of the manifest;
#   it does not fail the run. A file whose SHA-256 differs from the list is reported (MISMATCH),
#   removed from DIR and left out; the exit status is then 1.
# - --from SRC reads the packages from the local folder SRC instead of apt (any file name; a
#   file is taken by its SHA-256, else by apt's name), so the verification and manifest logic
#   run without network (tests/t9002-fetch-debian.sh).
# - The packages are never installed or unpacked: pyvet reads them in memory.
#
# Manifest columns (the corpus manifest's, plus `overlap`): id = SHA-256, label benign,
# name = normalised project name, version = Debian version, path = file name relative to DIR,
# format deb, source debian:<package>=<version>, first_seen empty (the list has no upload date;
# benign dates are not used by `pyvet split`), cluster = Debian source package, cluster_size =
# listed packages of that source in the manifest, kind debian, top_rank empty, bytes,
# dropped_files 0, overlap (corpus|none, from the list).
#
# Exit status: 0 (missing versions included), 1 on a SHA-256 mismatch or a failed step, 2 on a
# usage or list error.
set -euo pipefail
export LC_ALL=C
{ # the whole script is read before it runs, so editing it during a run is harmless

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIST=$ROOT/../shared/data/debian-benign.csv
OUT=$ROOT/datasets/debian/manifest.csv
FROM=
BATCH=100
DIR=

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit "${1:-2}"
}
die() {
	echo "fetch-debian-slice: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage 0 ;;
	--list | --manifest | --from | --batch)
		[ $# -ge 2 ] || die "'$1' needs a value"
		case $1 in
		--list) LIST=$2 ;;
		--manifest) OUT=$2 ;;
		--from) FROM=$2 ;;
		--batch) BATCH=$2 ;;
		esac
		shift 2
		;;
	-*) die "'$1': unknown option" ;;
	*)
		[ -z "$DIR" ] || die "only one DIR"
		DIR=$1
		shift
		;;
	esac
done
DIR=${DIR:-$ROOT/data/debian}
[ -r "$LIST" ] || die "'$LIST': cannot read the package list"
[ -z "$FROM" ] || [ -d "$FROM" ] || die "'$FROM': not a folder"
case $BATCH in '' | *[!0-9]* | 0) die "--batch: need a positive integer" ;; esac
[ -n "$FROM" ] || command -v apt-get >/dev/null || die "apt-get not found (use --from SRC)"

T0=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fetch-debian.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DIR" "$(dirname "$OUT")"

# The list, validated: every field goes into file names, apt arguments and the manifest.
HEADER="package,version,architecture,source,size,sha256,filename,pypi_name,overlap"
[ "$(head -n 1 "$LIST" | tr -d '\r')" = "$HEADER" ] || die "'$LIST': header is not '$HEADER'"
declare -a PKG VER ARCH SRC SHA NAME OVL
n=0
while IFS=, read -r pkg ver arch src size sha _file name ovl extra; do
	line=$((n + 2))
	[ -z "${extra:-}" ] || die "'$LIST': line $line: more than 9 fields"
	ovl=${ovl%$'\r'}
	[[ $pkg =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || die "'$LIST': line $line: bad package name"
	[[ $ver =~ ^([0-9]+:)?[A-Za-z0-9.+~-]+$ ]] || die "'$LIST': line $line: bad version"
	[[ $arch =~ ^[a-z0-9-]+$ ]] || die "'$LIST': line $line: bad architecture"
	[[ $src =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || die "'$LIST': line $line: bad source package"
	[[ $size =~ ^[0-9]+$ ]] || die "'$LIST': line $line: bad size"
	[[ $sha =~ ^[0-9a-f]{64}$ ]] || die "'$LIST': line $line: bad sha256"
	[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || die "'$LIST': line $line: bad pypi_name"
	[[ $ovl =~ ^(corpus|none)$ ]] || die "'$LIST': line $line: overlap is not corpus|none"
	PKG[n]=$pkg VER[n]=$ver ARCH[n]=$arch SRC[n]=$src SHA[n]=$sha OVL[n]=$ovl
	# PEP 503 normalisation (the list's names are normalised already; this makes sure)
	NAME[n]=$(echo "$name" | tr 'A-Z' 'a-z' | sed -E 's/[-_.]+/-/g')
	n=$((n + 1))
done < <(tail -n +2 "$LIST")
N=$n
[ "$N" -gt 0 ] || die "'$LIST': no packages listed"

# apt's file name: package_version_arch.deb, with an epoch's ':' as '%3a'.
apt_name() { echo "${PKG[$1]}_${VER[$1]//:/%3a}_${ARCH[$1]}.deb"; }

# index FOLDER ARRAY: ARRAY[sha256] = file name, for the *.deb files of FOLDER (not recursive).
index() {
	local -n idx=$2
	local sha f
	idx=()
	while read -r sha f; do
		case $sha in \\*) continue ;; esac # sha256sum escapes odd names: not ours
		idx[$sha]=${f##*/}
	done < <(find "$1" -maxdepth 1 -type f -name '*.deb' -print0 | sort -z |
		xargs -0 -r sha256sum --)
}

declare -A HAVE=()
index "$DIR" HAVE
declare -a NEED=()
present=0
for ((i = 0; i < N; i++)); do
	if [ -n "${HAVE[${SHA[i]}]:-}" ]; then
		present=$((present + 1))
	else
		NEED+=("$i")
		# a file under this package's name with another SHA-256 (an interrupted download)
		f=$(apt_name "$i")
		if [ -f "$DIR/$f" ]; then
			echo "fetch-debian-slice: '$f' does not match its SHA-256: fetched again" >&2
			rm -f -- "$DIR/$f"
		fi
	fi
done
echo "fetch-debian-slice: $N listed, $present already in '$DIR', ${#NEED[@]} to fetch" \
	"(${FROM:+from $FROM}${FROM:-with apt-get download})" >&2

declare -A WHY=() # index -> why it was not fetched
if [ ${#NEED[@]} -gt 0 ] && [ -n "$FROM" ]; then
	declare -A SRCIDX=()
	index "$FROM" SRCIDX
	for i in "${NEED[@]}"; do
		f=${SRCIDX[${SHA[i]}]:-}
		[ -n "$f" ] || f=$(apt_name "$i")
		if [ -f "$FROM/$f" ]; then
			cp -- "$FROM/$f" "$DIR/$(apt_name "$i")"
		else
			WHY[$i]="not in '$FROM'"
		fi
	done
elif [ ${#NEED[@]} -gt 0 ]; then
	# batches first; a batch that fails (one version gone aborts it) is retried one by one
	fetched=0
	for ((b = 0; b < ${#NEED[@]}; b += BATCH)); do
		batch=("${NEED[@]:b:BATCH}")
		specs=()
		for i in "${batch[@]}"; do specs+=("${PKG[i]}:${ARCH[i]}=${VER[i]}"); done
		if ! (cd "$DIR" && apt-get download -q "${specs[@]}") >"$WORK/apt.log" 2>&1; then
			for i in "${batch[@]}"; do
				[ ! -f "$DIR/$(apt_name "$i")" ] || continue
				if ! (cd "$DIR" && apt-get download -q "${PKG[i]}:${ARCH[i]}=${VER[i]}") \
					>"$WORK/apt1.log" 2>&1; then
					WHY[$i]=$(grep -m 1 '^E:' "$WORK/apt1.log" || echo "apt-get download failed")
				fi
			done
		fi
		fetched=$((fetched + ${#batch[@]}))
		echo "fetch-debian-slice: $fetched/${#NEED[@]} requested" >&2
	done
fi

# Verify: every listed package is taken by its SHA-256.
[ ${#NEED[@]} -eq 0 ] || index "$DIR" HAVE
ok=0 missing=0 mismatch=0
declare -A NSRC=()
for ((i = 0; i < N; i++)); do
	if [ -n "${HAVE[${SHA[i]}]:-}" ]; then
		ok=$((ok + 1))
		NSRC[${SRC[i]}]=$((${NSRC[${SRC[i]}]:-0} + 1))
		continue
	fi
	f=$(apt_name "$i")
	if [ -f "$DIR/$f" ]; then
		echo "MISMATCH ${PKG[i]}=${VER[i]}: '$f' has SHA-256" \
			"$(sha256sum -- "$DIR/$f" | cut -d' ' -f1), the list says ${SHA[i]} (removed)"
		rm -f -- "$DIR/$f"
		mismatch=$((mismatch + 1))
	else
		echo "MISSING ${PKG[i]}=${VER[i]}: ${WHY[$i]:-not fetched}"
		missing=$((missing + 1))
	fi
done

# The manifest, in list order, written atomically.
{
	echo "id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,top_rank,bytes,dropped_files,overlap"
	for ((i = 0; i < N; i++)); do
		f=${HAVE[${SHA[i]}]:-}
		[ -n "$f" ] || continue
		bytes=$(stat -c %s -- "$DIR/$f")
		echo "${SHA[i]},benign,${NAME[i]},${VER[i]},$f,deb,debian:${PKG[i]}=${VER[i]},,${SRC[i]},${NSRC[${SRC[i]}]},debian,,$bytes,0,${OVL[i]}"
	done
} >"$OUT.tmp"
mv -f -- "$OUT.tmp" "$OUT"

echo "fetch-debian-slice: $N listed: $ok verified ($present already present," \
	"$((ok - present)) fetched), $missing missing, $mismatch SHA-256 mismatches;" \
	"$(($(date +%s) - T0)) s -> $OUT" >&2
[ "$mismatch" -eq 0 ] || exit 1
exit 0
}
