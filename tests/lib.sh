# Shared helpers for the end-to-end shell tests tests/tNNNN-*.sh (TAP output, Git-style).
# Source it, call ok/not_ok/check/skip, and end with `finish`, which prints "N skipped" and then
# "N passed, N failed" (a skip is neither a pass nor a failure; tests/run.sh adds them up).
#
# $PYVET is the binary under test (default ./pyvet). The shared folder (../shared, with corpus/
# and data/) is $PYVET_SHARED when set, else ../shared; $PYVET_CORPUS overrides its corpus/.
# Set PYVET_SHARED to a missing directory to run the suite as on a machine without ../shared:
# $CORPUS and $SHARED_DOMAINS are then empty, and pyvet's own default lookup of the domain list
# is pointed at the missing folder too (PYVET_DOMAINS), so nothing falls back to ../shared.
set -u
PYVET=${PYVET:-./pyvet}
SHARED=${PYVET_SHARED:-../shared}
CORPUS=${PYVET_CORPUS:-$SHARED/corpus}
[ -d "$CORPUS" ] || CORPUS=
SHARED_DOMAINS=$SHARED/data/top-domains.csv
[ -f "$SHARED_DOMAINS" ] || SHARED_DOMAINS=
if [ -n "${PYVET_SHARED:-}" ] && [ -z "${PYVET_DOMAINS:-}" ]; then
	export PYVET_DOMAINS="$SHARED/data/top-domains.csv"
fi
_n=0; _pass=0; _fail=0; _skip=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ok()     { _n=$((_n+1)); _pass=$((_pass+1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n+1)); _fail=$((_fail+1)); echo "not ok $_n - $*"; }
skip()   { _n=$((_n+1)); _skip=$((_skip+1)); echo "ok $_n - # SKIP $*"; }
# check "description" command...: ok if the command exits 0
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
finish() { echo "$_skip skipped"; echo "$_pass passed, $_fail failed"; [ "$_fail" -eq 0 ]; }
