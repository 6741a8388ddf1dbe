#!/usr/bin/env bash
# The model file (docs/model-format.md): format 2 with a checksum line; a truncated file, bit
# flips in the header, an absurd size, absurd counts inside a well-sealed file, an unknown (newer)
# format and a non-model fail cleanly with a message that says which; a format-1 model (no
# checksum, no calibration, no extraction record) is still read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-features.sh"
PY=/usr/bin/python3
F=$TMP/feat
make_features "$F" 30 30
"$PYVET" train --features "$F" --set T+MCF --learner rf --out "$TMP/m.model" 2>/dev/null
check "model trained" test -s "$TMP/m.model"
check "line 1 is the format line" test "$(head -n 1 "$TMP/m.model")" = "pyvet-model 2"
check "the last line is the SHA-256 of every byte before it" test "$(tail -n 1 "$TMP/m.model")" = \
	"pyvet-model-sha256 $(head -n -1 "$TMP/m.model" | sha256sum | cut -d' ' -f1)"
check "the header records format, calibration, majority and extraction" "$PY" -c '
import json, sys
h = json.loads(open(sys.argv[1]).readlines()[1])
assert h["format"] == 2 and h["calibration"]["method"] == "learner"
assert len(h["majority"]) == len(h["fixed_columns"]) + h["vocab"]["num_words"]
assert h["extraction"] is None   # the synthetic extraction has no features.json
' "$TMP/m.model"

# pred FILE: predict with a model file; exit status in $rc, message in $TMP/err
pred() { "$PYVET" predict --model "$1" --features "$F" >/dev/null 2>"$TMP/err"; rc=$?; }
# reseal FILE: recompute the checksum line after an edit (a consistent but hand-made model)
reseal() { sed -i '$d' "$1"; echo "pyvet-model-sha256 $(sha256sum <"$1" | cut -d' ' -f1)" >>"$1"; }

pred "$TMP/m.model"
check "the model predicts" test $rc -eq 0
size=$(wc -c <"$TMP/m.model")
for cut in 10 200 $((size / 2)) $((size - 10)) $((size - 1)); do
	head -c $cut "$TMP/m.model" >"$TMP/t.model"
	pred "$TMP/t.model"
	check "truncated at $cut of $size bytes: exit 2, 'truncated' or 'not a pyvet model'" \
		sh -c "test $rc -eq 2 && grep -q -e truncated -e 'not a pyvet model' '$TMP/err'"
done
# bit flips in the header (and one in the learner section): the checksum catches them
for off in 20 60 400 $((size - 200)); do
	cp "$TMP/m.model" "$TMP/f.model"
	"$PY" -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 4; open(p, "wb").write(b)' "$TMP/f.model" $off
	pred "$TMP/f.model"
	check "one bit flipped at byte $off: exit 2, 'corrupted'" sh -c "test $rc -eq 2 && grep -q corrupted '$TMP/err'"
done
# absurd sizes: a sparse file above the 512 MiB bound is refused before it is read
cp "$TMP/m.model" "$TMP/big.model"
truncate -s 600M "$TMP/big.model"
pred "$TMP/big.model"
check "a 600 MiB model file is refused unread (exit 2)" sh -c "test $rc -eq 2 && grep -q 'more than a model file may have' '$TMP/err'"
rm -f "$TMP/big.model"
# absurd counts inside a correctly sealed file
sed -e '2s/"num_words":[0-9]*/"num_words":1e15/' "$TMP/m.model" >"$TMP/nw.model"
reseal "$TMP/nw.model"
pred "$TMP/nw.model"
check "a vocabulary of 1e15 words: exit 2, malformed vocabulary" sh -c "test $rc -eq 2 && grep -q 'malformed vocabulary' '$TMP/err'"
"$PY" -c '
import sys
L = open(sys.argv[1]).read().split("\n")
for i, l in enumerate(L):
    if l.startswith("pyvet-learner 1 rf"):
        L[i + 1] = L[i + 1].split(" trees ")[0] + " trees 99999999999"   # the tree count of the forest
        break
open(sys.argv[1], "w").write("\n".join(L))' "$TMP/m.model"
reseal "$TMP/m.model"
pred "$TMP/m.model"
check "a learner section with an absurd count: exit 2 with the learner's message ($(head -c 120 "$TMP/err"))" \
	sh -c "test $rc -eq 2 && grep -q \"'$TMP/m.model': .*rf: bad 'd ... trees ...' line\" '$TMP/err'"
# versions
"$PYVET" train --features "$F" --set T+MCF --learner rf --out "$TMP/m.model" 2>/dev/null
sed -e '1s/.*/pyvet-model 3/' "$TMP/m.model" >"$TMP/v3.model"
reseal "$TMP/v3.model"
pred "$TMP/v3.model"
check "format 3: exit 2, 'written by a newer pyvet'" sh -c "test $rc -eq 2 && grep -q 'newer pyvet' '$TMP/err'"
printf 'pyvet-model 0\n{}\n' >"$TMP/v0.model"
pred "$TMP/v0.model"
check "format 0: exit 2, not a format this pyvet reads" sh -c "test $rc -eq 2 && grep -q 'not one this pyvet reads' '$TMP/err'"
printf 'hello\n' >"$TMP/no.model"
pred "$TMP/no.model"
check "not a model: exit 2, 'not a pyvet model file'" sh -c "test $rc -eq 2 && grep -q 'not a pyvet model file' '$TMP/err'"
: >"$TMP/empty.model"
pred "$TMP/empty.model"
check "an empty file: exit 2" test $rc -eq 2
# format 1 (pyvet before issue 12): first line 1, no checksum, the learner's threshold
{ echo "pyvet-model 1"; sed -n '2,$p' "$TMP/m.model" | sed '$d'; } >"$TMP/v1.model"
"$PYVET" predict --model "$TMP/v1.model" --features "$F" --out "$TMP/v1.csv" 2>/dev/null
check "a format-1 model is read" test $? -eq 0
"$PYVET" predict --model "$TMP/m.model" --features "$F" --out "$TMP/v2.csv" 2>/dev/null
check "and scores as the same model in format 2" cmp -s "$TMP/v1.csv" "$TMP/v2.csv"
finish
