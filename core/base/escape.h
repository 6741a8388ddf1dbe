/* escape: the one rule by which pyvet shows untrusted text -- member paths, link targets,
 * PKG-INFO values, manifest fields, input paths, and error messages quoting them -- on a
 * terminal, in a log line or in any other text output a person reads.
 *
 * Valid UTF-8 is copied unchanged except for the characters that can move the cursor, end a
 * line, ring, change colours or reorder what is displayed; each becomes a visible escape:
 *   - C0 controls and DEL: \a \b \t \n \v \f \r, ESC as \x1b, the others as \xNN;
 *   - C1 controls U+0080..U+009F as \u0080..\u009f (CSI U+009B is a terminal escape too);
 *   - bidirectional controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 and the
 *     line and paragraph separators U+2028, U+2029 as \u202e and so on;
 *   - every byte of invalid UTF-8 (stray continuation bytes, overlong forms, surrogates,
 *     truncated sequences, code points above U+10FFFF) as \xNN.
 * The backslash itself is kept: the result is for reading, not for decoding back, and escaping
 * twice gives the same text as escaping once (escaped text is plain printable ASCII where it
 * was changed). JSON output printed for people goes through escape_json_fputs() (the same
 * characters as JSON \u escapes, so the value is unchanged); CSV writers quote instead.
 *
 * Memory management: escape_add() appends to a caller-owned sbuf; escape_str() returns a string
 * borrowed from the caller's sbuf (valid until the sbuf changes); escape_fputs() allocates
 * nothing. All functions are thread-safe. */
#ifndef PYVET_ESCAPE_H
#define PYVET_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/sbuf.h"

/** Append the `n` bytes at `s` (NUL bytes included, as \x00) to `out`, escaped. 0, or -1 on
 *  out of memory. */
int escape_add(struct sbuf *out, const char *s, size_t n);

/** Reset `tmp` and return C string `s` escaped, borrowed from `tmp`. A NULL `s` gives
 *  "(null)"; out of memory gives "(out of memory)". For one printf argument per sbuf. */
const char *escape_str(struct sbuf *tmp, const char *s);

/** Write C string `s` to `f`, escaped. 0, or EOF on a write error. */
int escape_fputs(const char *s, FILE *f);

/** Write JSON text `json` (as cJSON prints it) to `f` with DEL, the C1 controls and the bidi
 *  and separator characters above as \uXXXX escapes and invalid UTF-8 bytes as \ufffd: the
 *  same JSON value, safe to show on a terminal. 0, or EOF on a write error. */
int escape_json_fputs(const char *json, FILE *f);

/** 1 if C string `s` would be changed by escaping, else 0. */
int escape_needed(const char *s);

#endif
