#!/usr/bin/env bash
# ZipCrypto checks one byte of its 12-byte encryption header, so a wrong password passes that
# check 1 time in 256 and libarchive then uses it; a right password later in the --password list
# must still open the package (core/pkg/pkgfs.c retries each password on its own). The fixture is
# found at test time: fresh `zip -P secret` encryptions until unzip shows that "wrong" passes the
# header check (about 256 tries; 4000 leave a 1e-7 chance of finding none).
. tests/lib.sh
if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
	skip "zip/unzip not installed"
	finish
	exit 0
fi
mkdir "$TMP/p" && echo 'print(1)' > "$TMP/p/setup.py" && (cd "$TMP/p" && tar czf demo.tar.gz setup.py)
found=
for i in $(seq 1 4000); do
	rm -f "$TMP/e.zip"
	(cd "$TMP/p" && zip -qX -P secret "$TMP/e.zip" demo.tar.gz)
	if ! unzip -P wrong -t "$TMP/e.zip" 2>&1 | grep -q 'incorrect password'; then
		found=$i
		break
	fi
done
if [ -z "$found" ]; then
	not_ok "no encryption in 4000 where the wrong password passes the header check"
	finish
	exit 1
fi
ok "fixture: encryption $found lets 'wrong' pass ZipCrypto's header check"
"$PYVET" ls "$TMP/e.zip" --password wrong >"$TMP/o1" 2>"$TMP/e1"
rc=$?
check "the wrong password alone: exit 3 (got $rc)" test "$rc" -eq 3
check "the wrong password alone: 'incorrect passphrase'" grep -q 'incorrect passphrase' "$TMP/e1"
"$PYVET" ls "$TMP/e.zip" --password wrong --password secret >"$TMP/o2" 2>"$TMP/e2"
rc=$?
check "wrong then right password: read (exit $rc: $(head -c 200 "$TMP/e2"))" test "$rc" -eq 0
check "wrong then right password: setup.py listed" grep -q 'setup.py' "$TMP/o2"
finish
