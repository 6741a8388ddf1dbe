/* Unit tests for core/base/escape: every control, bidi override and invalid UTF-8 form becomes a
 * visible escape; valid text is untouched; escaping is idempotent; err_report() escapes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static const char *esc(const char *s)
{
	static struct sbuf sb = SBUF_INIT;
	return escape_str(&sb, s);
}

static void controls(void)
{
	STR_IS(esc("plain name-1.0_x.py"), "plain name-1.0_x.py", "printable ASCII unchanged");
	STR_IS(esc(""), "", "empty string");
	STR_IS(esc(NULL), "(null)", "NULL");
	STR_IS(esc("a\nb"), "a\\nb", "LF");
	STR_IS(esc("a\rb"), "a\\rb", "CR");
	STR_IS(esc("a\tb"), "a\\tb", "TAB");
	STR_IS(esc("\a\b\v\f"), "\\a\\b\\v\\f", "BEL BS VT FF");
	STR_IS(esc("\x1b[2K\x1b[1Afake: benign"), "\\x1b[2K\\x1b[1Afake: benign", "ESC sequences");
	STR_IS(esc("\x01\x1f\x7f"), "\\x01\\x1f\\x7f", "other C0 controls and DEL");
	STR_IS(esc("x\xc2\x9b"
	           "31m"),
	       "x\\u009b31m", "C1 CSI (U+009B)");
	STR_IS(esc("\xc2\x85"), "\\u0085", "C1 NEL (U+0085)");
	STR_IS(esc("back\\slash"), "back\\slash", "backslash kept");
}

static void unicode(void)
{
	STR_IS(esc("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8d"),
	       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8d", "valid UTF-8 kept");
	STR_IS(esc("evil\xe2\x80\xaeyp.exe"), "evil\\u202eyp.exe", "U+202E RLO");
	STR_IS(esc("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
	       "\\u202a\\u202b\\u202c\\u202d", "U+202A..U+202D");
	STR_IS(esc("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
	       "\\u2066\\u2067\\u2068\\u2069", "isolates U+2066..U+2069");
	STR_IS(esc("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), "\\u200e\\u200f\\u061c", "LRM RLM ALM");
	STR_IS(esc("a\xe2\x80\xa8"
	           "b\xe2\x80\xa9"),
	       "a\\u2028b\\u2029", "line and paragraph separators");
	STR_IS(esc("\xe2\x80\x8b"), "\xe2\x80\x8b", "zero-width space is not a control: kept");
}

static void invalid(void)
{
	STR_IS(esc("a\xff"
	           "b"),
	       "a\\xffb", "0xFF");
	STR_IS(esc("\x80"), "\\x80", "stray continuation byte");
	STR_IS(esc("\xc0\xaf"), "\\xc0\\xaf", "overlong '/'");
	STR_IS(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80", "UTF-16 surrogate");
	STR_IS(esc("x\xe2\x80"), "x\\xe2\\x80", "truncated sequence at the end");
	STR_IS(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", "above U+10FFFF");
	STR_IS(esc("\xe2\x80\xaf"), "\xe2\x80\xaf", "U+202F (next to the bidi range) kept");
}

static void api(void)
{
	struct sbuf sb = SBUF_INIT;
	const char *nasty = "n\x1b]0;t\x07\xe2\x80\xae\xff\r\n";
	char twice[256];
	CHECK_INT(escape_add(&sb, "a\0b", 3), 0, "escape_add with a NUL byte");
	STR_IS(sbuf_cstr(&sb), "a\\x00b", "NUL as \\x00");
	snprintf(twice, sizeof(twice), "%s", esc(nasty));
	STR_IS(esc(twice), twice, "escaping twice = escaping once");
	CHECK(!escape_needed(twice), "escaped text needs no escaping");
	CHECK(escape_needed(nasty), "the raw text does");
	CHECK(!escape_needed("ok caf\xc3\xa9"), "clean UTF-8 needs none");
	for (const unsigned char *p = (const unsigned char *)twice; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			CHECK(0, "a control byte left in the escaped text");
			break;
		}
	sbuf_release(&sb);
}

/* escape_json_fputs(): bidi, C1 and DEL as JSON \u escapes, the JSON value unchanged. */
static void json_text(void)
{
	FILE *f = tmpfile();
	char buf[256];
	size_t n;
	if (!CHECK(f != NULL, "tmpfile"))
		return;
	escape_json_fputs("{\n\t\"n\": \"a\xe2\x80\xae"
	                  "b\x7f\xc2\x9b\xff\\u001b\"\n}",
	                  f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	STR_IS(buf, "{\n\t\"n\": \"a\\u202eb\\u007f\\u009b\\ufffd\\u001b\"\n}",
	       "JSON: layout whitespace kept, bidi/DEL/C1 as \\u, invalid byte as \\ufffd");
}

/* err_report() writes the message escaped: capture stderr in a temporary file. */
static void err_report_escapes(void)
{
	char path[] = "/tmp/pyvet-escape-XXXXXX", buf[512];
	int fd = mkstemp(path), saved = dup(2);
	FILE *f;
	size_t n;
	if (!CHECK(fd >= 0 && saved >= 0, "temporary file for stderr"))
		return;
	fflush(stderr);
	dup2(fd, 2);
	err_report("'%s': bad member", "x\x1b[1A\rpkg: benign\n");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	STR_IS(buf, "pyvet: 'x\\x1b[1A\\rpkg: benign\\n': bad member\n",
	       "err_report escapes its message, one line");
}

int main(void)
{
	toolkit_init();
	controls();
	unicode();
	invalid();
	api();
	json_text();
	err_report_escapes();
	return harness_done();
}
