#!/usr/bin/env bash
# pyvet never runs a program a directory or a package can configure (issue 8.1, house rule 1):
# (1) the sources call no popen/system/exec*/fork and no shell; posix_spawn only in the process
# runner that starts the baseline tools; (2) commands run inside a directory whose .git/config sets core.fsmonitor,
# core.pager and core.hooksPath to a script, with that script also first in PATH as git, sh,
# gzip, xz, ..., never create the script's marker file -- while real git does (so the trap works).
. "$(dirname "$0")/lib.sh"
PYVET=$(cd "$(dirname "$PYVET")" && pwd)/$(basename "$PYVET")
SRC=$(pwd)

# ---- (1) the sources ----
# The one file that may start a program: experiments/engine/proc.c, through which the baseline
# tools (bandit, and the peers packj and GuardDog) are run, with posix_spawn and an explicit
# argument vector only.
ALLOWED="experiments/engine/proc.c"
calls='\bpopen *\(|(^|[^._a-zA-Z>])system *\(|\bexec(l|lp|le|v|vp|vpe|ve) *\(|\bfexecve *\(|\bv?fork *\(|\bclone *\(|sh -c|"/bin/sh"|"sh"|\bdlopen *\('
hits=$(grep -rnE "$calls" --include='*.c' --include='*.h' core featuresets learners experiments pyvet.c)
check "no popen/system/exec*/fork/shell call in the sources${hits:+: $hits}" test -z "$hits"
spawners=$(grep -rlE 'posix_spawn|\bexec[a-z]*\(' --include='*.c' --include='*.h' core featuresets learners experiments pyvet.c |
	grep -v '\.h$' | LC_ALL=C sort | tr '\n' ' ')
check "posix_spawn only in the process runner (found: $spawners)" test "$spawners" = "$ALLOWED "
if command -v nm >/dev/null; then
	syms=$(nm -D --undefined-only "$PYVET" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' |
		grep -xE 'popen|system|execl|execlp|execle|execv|execvp|execvpe|execve|fexecve|fork|vfork' | tr '\n' ' ')
	check "the binary imports no popen/system/exec*/fork (found: ${syms:-none})" test -z "$syms"
else
	skip "nm missing: imported symbols not checked"
fi

# ---- (2) a hostile working directory ----
H=$TMP/hostile
MARK=$TMP/marker
mkdir -p "$H/.git/hooks" "$H/.git/objects" "$H/.git/refs/heads" "$TMP/bin"
cat >"$TMP/evil" <<EOF
#!/bin/sh
echo "\$0 \$*" >>"$MARK"
EOF
chmod +x "$TMP/evil"
echo 'ref: refs/heads/main' >"$H/.git/HEAD"
cat >"$H/.git/config" <<EOF
[core]
	repositoryformatversion = 0
	bare = false
	fsmonitor = $TMP/evil
	pager = $TMP/evil
	hooksPath = $H/.git/hooks
	editor = $TMP/evil
	sshCommand = $TMP/evil
[pager]
	status = $TMP/evil
EOF
for hk in pre-commit post-checkout post-index-change reference-transaction fsmonitor-watchman; do
	cp "$TMP/evil" "$H/.git/hooks/$hk"
done
# every program pyvet could plausibly reach through PATH is the trap too
for prog in git sh bash dash python3 gzip gunzip bzip2 xz lzma zstd lrzip lzop grzip lz4 \
	gnuplot bandit pip; do
	ln -s "$TMP/evil" "$TMP/bin/$prog"
done
mkdir -p "$H/featuresets/data" "$H/scripts/plots" "$H/../shared/data" 2>/dev/null
cp "$TMP/evil" "$H/scripts/plots/make_figures.sh"

if command -v git >/dev/null; then
	(cd "$H" && GIT_PAGER= git status >/dev/null 2>&1)
	check "the trap works: real git in this directory runs the fsmonitor script" test -s "$MARK"
	rm -f "$MARK"
else
	skip "git missing: the trap itself not demonstrated"
fi

bash tests/data/make_fixtures.sh "$TMP/fx" basic >/dev/null 2>&1
cp -R tests/data/demo-1.0 "$H/demo-1.0"
cp "$TMP/fx/demo.tar.gz" "$H/demo.tar.gz"
{ echo "id,label,path"; echo "d1,benign,demo.tar.gz"; echo "d2,malicious,demo-1.0"; } >"$H/m.csv"
DOMS=$SRC/tests/data/top-domains-mini.csv
runh() { (cd "$H" && PATH="$TMP/bin:$PATH" GIT_DIR= "$PYVET" "$@") >"$TMP/o" 2>"$TMP/e"; }
runh --version
check "--version in the hostile directory: exit 0" test $? -eq 0
check "--version names the build commit, not the directory's" grep -q '^commit ' "$TMP/o"
runh ls demo.tar.gz
check "ls: exit 0" test $? -eq 0
runh meta demo.tar.gz
check "meta: exit 0" test $? -eq 0
runh scan --no-model --domains "$DOMS" --format sarif demo.tar.gz demo-1.0
check "scan: exit 0" test $? -eq 0
runh check-corpus --manifest m.csv --corpus .
check "check-corpus: exit 0" test $? -eq 0
runh extract --manifest m.csv --corpus . --out out --domains "$DOMS" --quiet
check "extract: exit 0" test $? -eq 0
check "extract: the sidecar records the build commit" grep -q '"git_commit":' "$H/out/features.json"
runh train --features out --learner nb --set MCF --out nb.model
check "train: exit 0" test $? -eq 0
runh predict --model nb.model --features out --out scores.csv
check "predict: exit 0" test $? -eq 0
runh reproduce --corpus . --out r --quick --no-bandit
check "reproduce (no corpus manifest here): exit 2" test $? -eq 2
check "nothing ran: no marker after 9 commands in the hostile directory${MARK:+ ($(head -c 200 "$MARK" 2>/dev/null))}" test ! -e "$MARK"
finish
