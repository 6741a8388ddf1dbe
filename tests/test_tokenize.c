/* Tests for core/tokenize: Keras text_to_word_sequence parity on hand-worked examples
 * (spec Appendix B, D10) and the token-file line format. */
#include <stdlib.h>
#include <string.h>

#include "core/ml/tokenize.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

/* Tokenise `text` and render "tok:count tok:count" (first-occurrence order) into buf. */
static const char *render(const char *text, size_t len, int lower, int raw_cr, char *buf, size_t n)
{
	struct tokenize_options o;
	struct doc_tokens dt = {0};
	struct diag d;
	size_t k = 0;
	diag_init(&d);
	tokenize_options_default(&o);
	o.lower = lower;
	o.keras_raw_cr = raw_cr;
	buf[0] = '\0';
	if (doc_tokens_from_text(&dt, text, len, &o, &d) < 0) {
		snprintf(buf, n, "ERROR %s", diag_message(&d));
		return buf;
	}
	for (size_t i = 0; i < dt.n && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s:%lu", i ? " " : "", dt.tok[i],
		                      dt.count[i]);
	doc_tokens_release(&dt);
	diag_release(&d);
	return buf;
}

#define R(s, lower) render((s), strlen(s), (lower), 0, buf, sizeof(buf))

int main(void)
{
	char buf[4096];
	toolkit_init();

	/* Every Keras filter character separates; "'" does not. Worked by hand:
	 * lower -> "os.system('ls -la')" -> "os system 'ls  la' " -> [os, system, 'ls, la'] */
	CHECK_STR(R("os.system('ls -la')", 1), "os:1 system:1 'ls:1 la':1", "filters, quote kept");
	CHECK_STR(R("open_connection", 1), "open:1 connection:1", "underscore splits");
	CHECK_STR(R("don't stop", 1), "don't:1 stop:1", "apostrophe inside a word kept");
	CHECK_STR(R("a!b\"c#d$e%f&g(h)i*j+k,l-m.n/o:p;q<r=s>t?u@v[w\\x]y^z_A`B{C|D}E~F", 1),
	          "a:2 b:2 c:2 d:2 e:2 f:2 g:1 h:1 i:1 j:1 k:1 l:1 m:1 n:1 o:1 p:1 q:1 r:1 s:1 "
	          "t:1 u:1 v:1 w:1 x:1 y:1 z:1",
	          "filter characters separate, upper case merges");
	CHECK_STR(R("x!x\"x#x$x%x&x(x)x*x+x,x-x.x/x:x;x<x=x>x?x@x[x\\x]x^x_x`x{x|x}x~x", 1), "x:32",
	          "32 tokens around the 31 printable filters");
	CHECK_STR(R("a\tb\nc  d", 1), "a:1 b:1 c:1 d:1", "tab, newline, double space");
	CHECK_STR(R("b a B c A b", 1), "b:3 a:2 c:1", "counts, first-occurrence order, lower");
	CHECK_STR(R("b a B c A b", 0), "b:2 a:1 B:1 c:1 A:1", "lower=0 keeps case");
	CHECK_STR(R("Popen\r\nPOPEN\rpopen", 1), "popen:3", "CRLF and lone CR become LF");
	CHECK_STR(render("Popen\r\nx", 8, 1, 1, buf, sizeof(buf)), "popen\r:1 x:1",
	          "keras_raw_cr glues CR to the token");
	CHECK_STR(R("a\vb\fc", 1), "a\vb\fc:1", "VT and FF are not filters");
	CHECK_STR(R("", 1), "", "empty text");
	CHECK_STR(R(" ... __ ", 1), "", "only separators");
	CHECK_STR(R("\xc3\x91"
	            "ame ABC",
	            1),
	          "\xc3\x91"
	          "ame:1 abc:1",
	          "ASCII-only lower-casing");
	CHECK_STR(render("a\0b", 3, 1, 0, buf, sizeof(buf)), "a:1 b:1", "NUL separates");
	CHECK_STR(R("exec print True", 1), "exec:1 print:1 true:1", "no keyword removal here");

	{
		/* appending a second piece of the same document merges counts */
		struct doc_tokens dt = {0};
		struct diag d;
		diag_init(&d);
		CHECK(doc_tokens_from_text(&dt, "os os", 5, NULL, &d) == 0, "first piece");
		CHECK(doc_tokens_from_text(&dt, "sys OS", 6, NULL, &d) == 0, "second piece");
		CHECK_INT(dt.n, 2, "two distinct tokens");
		CHECK(dt.n == 2 && !strcmp(dt.tok[0], "os") && dt.count[0] == 3,
		      "os counted 3 times");
		doc_tokens_release(&dt);
		CHECK_INT(dt.n, 0, "release resets");
		doc_tokens_release(NULL);
	}
	{
		/* many distinct tokens exercise hash growth */
		struct doc_tokens dt = {0};
		struct diag d;
		char *text = malloc(200000);
		size_t k = 0;
		int ok = 1;
		diag_init(&d);
		for (int i = 0; i < 20000; i++)
			k += (size_t)sprintf(text + k, "t%d ", i % 10000);
		CHECK(doc_tokens_from_text(&dt, text, k, NULL, &d) == 0, "20000 tokens");
		CHECK_INT(dt.n, 10000, "10000 distinct");
		for (size_t i = 0; i < dt.n; i++) {
			char want[32];
			snprintf(want, sizeof(want), "t%zu", i);
			if (strcmp(dt.tok[i], want) || dt.count[i] != 2)
				ok = 0;
		}
		CHECK(ok, "every token in order, counted twice");
		doc_tokens_release(&dt);
		free(text);
	}
	{
		struct tokenize_options o;
		struct doc_tokens dt = {0};
		struct diag d;
		diag_init(&d);
		tokenize_options_default(&o);
		o.max_tokens = 3;
		CHECK(doc_tokens_from_text(&dt, "a b c", 5, &o, &d) == 0,
		      "3 tokens within limit 3");
		CHECK(doc_tokens_from_text(&dt, "d", 1, &o, &d) < 0, "4th token exceeds the limit");
		CHECK(strstr(diag_message(&d), "more than 3 tokens") != NULL, "limit message");
		doc_tokens_release(&dt);
	}
	{
		/* token-line round trip */
		struct doc_tokens dt = {0}, back = {0};
		struct diag d;
		char *line = NULL, *id = NULL;
		size_t len = 0;
		FILE *f;
		diag_init(&d);
		doc_tokens_from_text(&dt, "import os; os.system(\"id\") # don't", 35, NULL, &d);
		f = open_memstream(&line, &len);
		CHECK(doc_tokens_write(f, "pkg1", &dt) == 0, "write");
		CHECK(doc_tokens_write(f, "a\tb", &dt) < 0 &&
		          doc_tokens_write(f, "a\nb", &dt) < 0 &&
		          doc_tokens_write(f, "a\rb", &dt) < 0 && doc_tokens_write(f, "", &dt) < 0,
		      "ids with TAB, LF, CR or nothing are refused, nothing written");
		fclose(f);
		CHECK_STR(line, "pkg1\timport:1 os:2 system:1 id:1 don't:1\n", "token line format");
		CHECK(doc_tokens_parse(line, len - 1, &id, &back, &d) == 0, "parse");
		CHECK(id && !strcmp(id, "pkg1"), "id back");
		CHECK(back.n == dt.n && back.n == 5 && !strcmp(back.tok[4], "don't") &&
		          back.count[1] == 2,
		      "tokens back");
		free(id);
		doc_tokens_release(&back);
		CHECK(doc_tokens_parse("empty\t", 6, &id, &back, &d) == 0 && back.n == 0,
		      "empty document line");
		free(id);
		CHECK(doc_tokens_parse("x a:1", 5, &id, &back, &d) < 0 && id == NULL, "no tab");
		CHECK(doc_tokens_parse("x\ta:0", 5, &id, &back, &d) < 0, "zero count");
		CHECK(doc_tokens_parse("x\ta:b", 5, &id, &back, &d) < 0, "bad count");
		CHECK(doc_tokens_parse("x\t:3", 4, &id, &back, &d) < 0, "empty token");
		CHECK(doc_tokens_parse("x\ta:1  b:2", 10, &id, &back, &d) < 0, "empty pair");
		CHECK(doc_tokens_parse("x\ta:99999999999999999999999", 27, &id, &back, &d) < 0,
		      "count overflow");
		free(line);
		doc_tokens_release(&dt);
		diag_release(&d);
	}
	return harness_done();
}
