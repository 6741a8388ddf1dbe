# Shared helpers for the end-to-end shell tests tests/tNNNN-*.sh (TAP output, Git-style).
# Source it, call ok/not_ok/check/skip, and end with `finish`, which prints "N passed, N failed".
# $PYVET is the binary under test (default ./pyvet); $CORPUS is the shared corpus or empty.
set -u
PYVET=${PYVET:-./pyvet}
CORPUS=${PYVET_CORPUS:-../shared/corpus}
[ -d "$CORPUS" ] || CORPUS=
_n=0; _pass=0; _fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pyvet-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ok()     { _n=$((_n+1)); _pass=$((_pass+1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n+1)); _fail=$((_fail+1)); echo "not ok $_n - $*"; }
skip()   { _n=$((_n+1)); _pass=$((_pass+1)); echo "ok $_n - # SKIP $*"; }
# check "description" command...: ok if the command exits 0
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
finish() { echo "$_pass passed, $_fail failed"; [ "$_fail" -eq 0 ]; }
