/* Tests for core/pylex: the Python 2/3 tokenizer on hand-worked edge cases (spec D8). */
#include <stdlib.h>
#include <string.h>

#include "core/analysis/pylex.h"
#include "core/base/rng.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"
#include "tests/realpkg.h"

/* Render the tokens of `src` compactly: N:name K:keyword S:string D:number O:op E:error, "NL"
 * for NEWLINE, "{" / "}" for field start / end; with `lines`, "@line" or "@line-end" follows.
 * On a lexer error the text is "ERROR <message>". */
static const char *render_n(const char *src, size_t len, const struct pylex_limits *lim, int lines,
                            struct sbuf *out)
{
	struct pylex lx;
	struct pytok t;
	struct diag d;
	int r;

	diag_init(&d);
	sbuf_reset(out);
	if (pylex_init(&lx, src, len, lim, &d) < 0) {
		sbuf_addf(out, "ERROR %s", diag_message(&d));
		pylex_release(&lx);
		diag_release(&d);
		return sbuf_cstr(out);
	}
	while ((r = pylex_next(&lx, &t)) > 0) {
		if (out->len)
			sbuf_addch(out, ' ');
		switch (t.type) {
		case PYTOK_NAME:
			sbuf_addf(out, "%c:%.*s", (t.flags & PYTOK_KEYWORD) ? 'K' : 'N', (int)t.len,
			          t.text);
			break;
		case PYTOK_STRING:
			sbuf_addf(out, "S:%.*s", (int)t.len, t.text);
			break;
		case PYTOK_NUMBER:
			sbuf_addf(out, "D:%.*s", (int)t.len, t.text);
			break;
		case PYTOK_OP:
			sbuf_addf(out, "O:%.*s", (int)t.len, t.text);
			break;
		case PYTOK_ERROR:
			sbuf_addf(out, "E:%.*s", (int)t.len, t.text);
			break;
		case PYTOK_NEWLINE:
			sbuf_addstr(out, "NL");
			break;
		case PYTOK_FSTART:
			sbuf_addstr(out, "{");
			break;
		case PYTOK_FEND:
			sbuf_addstr(out, "}");
			break;
		case PYTOK_END:
			break;
		}
		if (lines) {
			if (t.end_line != t.line)
				sbuf_addf(out, "@%zu-%zu", t.line, t.end_line);
			else
				sbuf_addf(out, "@%zu", t.line);
		}
	}
	if (r < 0) {
		sbuf_reset(out);
		sbuf_addf(out, "ERROR %s", diag_message(&d));
	}
	pylex_release(&lx);
	diag_release(&d);
	return sbuf_cstr(out);
}

#define R(s) render_n((s), strlen(s), NULL, 0, &sb)
#define RL(s) render_n((s), strlen(s), NULL, 1, &sb)

/* The flags and body of the first string literal of `src`. */
struct first_string {
	unsigned flags;
	size_t line, end_line;
	char body[256];
	int found;
};

static int first_string_cb(const struct pystr *s, void *ctx)
{
	struct first_string *f = ctx;
	size_t n = s->body_len < sizeof(f->body) - 1 ? s->body_len : sizeof(f->body) - 1;

	memcpy(f->body, s->body, n);
	f->body[n] = '\0';
	f->flags = s->flags;
	f->line = s->line;
	f->end_line = s->end_line;
	f->found = 1;
	return 1; /* stop after the first */
}

static struct first_string first_string(const char *src)
{
	struct first_string f;
	struct diag d;

	memset(&f, 0, sizeof(f));
	diag_init(&d);
	pylex_each_string(src, strlen(src), NULL, first_string_cb, &f, &d);
	diag_release(&d);
	return f;
}

/* Collect every string literal's raw text, joined by '|'. */
static int all_strings_cb(const struct pystr *s, void *ctx)
{
	struct sbuf *o = ctx;

	if (o->len)
		sbuf_addch(o, '|');
	sbuf_add(o, s->raw, s->raw_len);
	return 0;
}

static const char *all_strings(const char *src, struct sbuf *o)
{
	struct diag d;

	diag_init(&d);
	sbuf_reset(o);
	if (pylex_each_string(src, strlen(src), NULL, all_strings_cb, o, &d) < 0)
		sbuf_addf(o, "ERROR %s", diag_message(&d));
	diag_release(&d);
	return sbuf_cstr(o);
}

static void test_basics(struct sbuf *b)
{
	struct sbuf sb = SBUF_INIT;

	CHECK_STR(R("x = foo(1)\n"), "N:x O:= N:foo O:( D:1 O:) NL", "a simple call");
	CHECK_STR(R("import os\nif x: pass\n"), "K:import N:os NL K:if N:x O:: K:pass NL",
	          "keywords are flagged");
	CHECK_STR(R("print x\nexec code\n"), "N:print N:x NL N:exec N:code NL",
	          "print and exec are names, as in python 3");
	CHECK_STR(R("x # a 'comment' \"here\n"), "N:x NL", "comments hold no strings");
	CHECK_STR(R(""), "", "empty source gives no token");
	CHECK_STR(render_n(NULL, 0, NULL, 0, &sb), "", "a NULL source of length 0 is empty");
	CHECK_STR(R("\n\n  # only a comment\n\n"), "", "blank lines and comments give no NEWLINE");
	CHECK_STR(R("x"), "N:x NL", "a final NEWLINE without a line end");
	CHECK_STR(R("\xEF\xBB\xBFx\n"), "N:x NL", "a UTF-8 BOM is skipped");
	CHECK_STR(R("f(a,\n  b)\n"), "N:f O:( N:a O:, N:b O:) NL", "no NEWLINE inside brackets");
	CHECK_STR(R("a **= b // c -> d ... := e <> f != g\n"),
	          "N:a O:**= N:b O:// N:c O:-> N:d O:... O::= N:e O:<> N:f O:!= N:g NL",
	          "longest-match operators");
	CHECK_STR(R("0x1F 1e-5 10L 1_000 .5 3j 0o17 1.5e+3J 1if x\n"),
	          "D:0x1F D:1e-5 D:10L D:1_000 D:.5 D:3j D:0o17 D:1.5e+3J D:1 K:if N:x NL",
	          "numbers, python 2 long suffix, and 1if splits");
	CHECK_STR(R("a $ ? \\ b\n"), "N:a E:$ E:? E:\\ N:b NL",
	          "stray characters are error tokens");
	CHECK_STR(R("print \"hi\", `x`\n"), "N:print S:\"hi\" O:, O:` N:x O:` NL",
	          "python 2 print statement and backticks lex fine");
	CHECK_STR(R("exec \"code\" in ns\n"), "N:exec S:\"code\" K:in N:ns NL",
	          "python 2 exec statement lexes fine");
	CHECK_STR(R(")) ]\nx\n"), "O:) O:) O:] NL N:x NL", "unbalanced closers do not break lines");
	sbuf_release(&sb);
	(void)b;
}

static void test_lines(void)
{
	struct sbuf sb = SBUF_INIT;

	CHECK_STR(RL("if x:\r\n\tfoo()\rbar()\n"),
	          "K:if@1 N:x@1 O::@1 NL@1 N:foo@2 O:(@2 O:)@2 NL@2 N:bar@3 O:(@3 O:)@3 NL@3",
	          "CRLF and a lone CR end lines; tabs are whitespace");
	CHECK_STR(RL("x = 1 + \\\n  2\ny\n"), "N:x@1 O:=@1 D:1@1 O:+@1 D:2@2 NL@2 N:y@3 NL@3",
	          "backslash continuation joins lines without NEWLINE");
	CHECK_STR(RL("x = 1 + \\\r\n  2\n"), "N:x@1 O:=@1 D:1@1 O:+@1 D:2@2 NL@2",
	          "backslash continuation before CRLF");
	CHECK_STR(RL("s = \"\"\"a\nb\r\nc\"\"\"\nz\n"),
	          "N:s@1 O:=@1 S:\"\"\"a\nb\r\nc\"\"\"@1-3 NL@3 N:z@4 NL@4",
	          "triple-quoted string spans lines 1-3");
	CHECK_STR(RL("x = 'a\\\nb'\ny\n"), "N:x@1 O:=@1 S:'a\\\nb'@1-2 NL@2 N:y@3 NL@3",
	          "backslash-newline continues a single-quoted string");
	CHECK_STR(RL("f(\n\n1,\n\n2)\n"), "N:f@1 O:(@1 D:1@3 O:,@3 D:2@5 O:)@5 NL@5",
	          "line numbers inside brackets");
	sbuf_release(&sb);
}

static void test_strings(void)
{
	struct sbuf sb = SBUF_INIT;
	struct first_string f;
	static const struct {
		const char *src;
		unsigned flags;
	} pre[] = {
	    {"r'x'", PYSTR_RAW},
	    {"R'x'", PYSTR_RAW},
	    {"b'x'", PYSTR_BYTES},
	    {"B\"x\"", PYSTR_BYTES},
	    {"u'x'", PYSTR_UNICODE},
	    {"U'x'", PYSTR_UNICODE},
	    {"f'x'", PYSTR_FSTRING},
	    {"F'x'", PYSTR_FSTRING},
	    {"rb'x'", PYSTR_RAW | PYSTR_BYTES},
	    {"bR'x'", PYSTR_RAW | PYSTR_BYTES},
	    {"Br'x'", PYSTR_RAW | PYSTR_BYTES},
	    {"RB'x'", PYSTR_RAW | PYSTR_BYTES},
	    {"fr'x'", PYSTR_RAW | PYSTR_FSTRING},
	    {"rF'x'", PYSTR_RAW | PYSTR_FSTRING},
	    {"Rf'x'", PYSTR_RAW | PYSTR_FSTRING},
	    {"ur'x'", PYSTR_RAW | PYSTR_UNICODE},
	    {"UR'x'", PYSTR_RAW | PYSTR_UNICODE},
	    {"'x'", 0},
	    {"'''x'''", PYSTR_TRIPLE},
	    {"rb'''x'''", PYSTR_RAW | PYSTR_BYTES | PYSTR_TRIPLE},
	};
	size_t k;

	for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
		f = first_string(pre[k].src);
		CHECK(f.found && f.flags == pre[k].flags && !strcmp(f.body, "x"),
		      "string prefix %s gives flags %#x (got %#x)", pre[k].src, pre[k].flags,
		      f.flags);
	}
	CHECK_STR(R("bu'x' ru'y' fb'z'\n"), "N:bu S:'x' N:ru S:'y' N:fb S:'z' NL",
	          "invalid prefixes are names followed by a string");
	CHECK_STR(R("rb'\\'' x\n"), "S:rb'\\'' N:x NL",
	          "in a raw string a backslash still keeps the quote from ending it");
	CHECK_STR(R("'a\\'b' \"c\\\\\" d\n"), "S:'a\\'b' S:\"c\\\\\" N:d NL",
	          "escaped quote and escaped backslash");
	CHECK_STR(R("'''a'b''c''' \"\"\"x\"y\"\"z\"\"\"\n"),
	          "S:'''a'b''c''' S:\"\"\"x\"y\"\"z\"\"\" NL",
	          "triple quotes with embedded quotes");
	CHECK_STR(R("'' \"\" '''''' x\n"), "S:'' S:\"\" S:'''''' N:x NL", "empty strings");
	f = first_string("x = 'abc\ny = 1\n");
	CHECK(f.found && (f.flags & PYSTR_UNTERMINATED) && !strcmp(f.body, "abc") &&
	          f.end_line == 1,
	      "an unterminated single-quoted string ends at the line end");
	CHECK_STR(RL("x = 'abc\ny = 1\n"), "N:x@1 O:=@1 S:'abc@1 NL@1 N:y@2 O:=@2 D:1@2 NL@2",
	          "lexing goes on on the next line after an unterminated string");
	f = first_string("s = '''abc\ndef\n");
	CHECK(f.found && (f.flags & PYSTR_UNTERMINATED) && (f.flags & PYSTR_TRIPLE) &&
	          f.line == 1 && f.end_line == 3 && !strcmp(f.body, "abc\ndef\n"),
	      "an unterminated triple-quoted string runs to the end of the file");
	f = first_string("x = b'\xff\xfe\\x00\x80'\n");
	CHECK(f.found && f.flags == PYSTR_BYTES && !strcmp(f.body, "\xff\xfe\\x00\x80"),
	      "bytes literal with invalid UTF-8 is kept as written");
	CHECK_STR(R("x\xff = '\xc3'\n"), "N:x E:\xff O:= S:'\xc3' NL",
	          "an invalid UTF-8 byte in code is one error token");
	CHECK_STR(all_strings("a = 'x' # 'no'\nb = \"y\" 'z'\n", &sb), "'x'|\"y\"|'z'",
	          "pylex_each_string reports every literal in order");
	sbuf_release(&sb);
}

static void test_fstrings(void)
{
	struct sbuf sb = SBUF_INIT;

	CHECK_STR(R("f\"a{x!r:>{w}}b{{c}}{d['k']}\"\n"),
	          "S:f\"a{x!r:>{w}}b{{c}}{d['k']}\" { N:x { N:w } } { N:d O:[ S:'k' O:] } NL",
	          "fields with conversion, nested spec field, {{ escapes and a subscript");
	CHECK_STR(R("f'{f\"{g(1)}\"}' + x\n"),
	          "S:f'{f\"{g(1)}\"}' { S:f\"{g(1)}\" { N:g O:( D:1 O:) } } O:+ N:x NL",
	          "nested f-strings are tokenised recursively");
	CHECK_STR(all_strings("f'{f\"{g(1)}\" + \"s\"}' + 'z'\n", &sb),
	          "f'{f\"{g(1)}\" + \"s\"}'|f\"{g(1)}\"|\"s\"|'z'",
	          "strings nested in fields are reported after their f-string");
	CHECK_STR(R("f'{a!=b} {x=} {y:%H:%M}'\n"),
	          "S:f'{a!=b} {x=} {y:%H:%M}' { N:a O:!= N:b } { N:x O:= } { N:y } NL",
	          "!= is an operator, = self-documenting, ':' starts the spec");
	CHECK_STR(R("f'{ {1: 2}[1] }'\n"),
	          "S:f'{ {1: 2}[1] }' { O:{ D:1 O:: D:2 O:} O:[ D:1 O:] } NL",
	          "braces inside a field expression nest");
	CHECK_STR(R("f\"{x\" + y\n"), "S:f\"{x\" { N:x } O:+ N:y NL",
	          "an unclosed field ends with its f-string");
	CHECK_STR(R("f\"\\N{DASH}{x}\" rf\"\\{y}\"\n"),
	          "S:f\"\\N{DASH}{x}\" { N:x } S:rf\"\\{y}\" { N:y } NL",
	          "\\N{...} is an escape, not a field; raw f-strings have fields");
	CHECK_STR(RL("x = f'''a\n{b(\n1)}\nc''' + d\n"),
	          "N:x@1 O:=@1 S:f'''a\n{b(\n1)}\nc'''@1-4 {@2 N:b@2 O:(@2 D:1@3 O:)@3 }@3 O:+@4 "
	          "N:d@4 NL@4",
	          "field tokens of a multi-line f-string carry their own lines");
	CHECK_STR(R("f'{x' 'y'\n"), "S:f'{x' { N:x } S:'y' NL",
	          "f-strings are bounded as before python 3.12");
	CHECK_STR(R("f'{x # c}' y\n"), "S:f'{x # c}' { N:x } N:y NL",
	          "a comment inside a field stops at the f-string's end");
	sbuf_release(&sb);
}

static void test_names(void)
{
	struct sbuf sb = SBUF_INIT;

	/* U+1D626.. mathematical sans-serif italic: NFKC gives ASCII "eval" */
	CHECK_STR(R("\xF0\x9D\x98\xA6\xF0\x9D\x98\xB7\xF0\x9D\x98\xA2\xF0\x9D\x98\xAD('1')\n"),
	          "N:eval O:( S:'1' O:) NL", "mathematical letters are NFKC-normalised to eval");
	CHECK_STR(R("\xEF\xAC\x81le = 1\n"), "N:file O:= D:1 NL",
	          "the fi ligature normalises to fi");
	CHECK_STR(R("\xD0\xB5val\n"), "N:\xD0\xB5val NL",
	          "a Cyrillic homoglyph stays itself (NFKC does not fold scripts)");
	CHECK_STR(
	    R("\xF0\x9D\x98\xAA\xF0\x9D\x98\xAE\xF0\x9D\x98\xB1\xF0\x9D\x98\xB0\xF0\x9D\x98\xB3"
	      "\xF0\x9D\x98\xB5 os\n"),
	    "N:import N:os NL", "a normalised keyword look-alike is a name, as in CPython");
	CHECK_STR(R("caf\xC3\xA9 = na\xC3\xAFve\n"), "N:caf\xC3\xA9 O:= N:na\xC3\xAFve NL",
	          "accented identifiers");
	CHECK_STR(R("x\xC2\xA0= 1\n"), "N:x E:\xC2\xA0 O:= D:1 NL",
	          "a no-break space is not an identifier character");
	{
		struct pylex lx;
		struct pytok t;
		const char *src =
		    "\xF0\x9D\x98\xA6\xF0\x9D\x98\xB7\xF0\x9D\x98\xA2\xF0\x9D\x98\xAD";
		pylex_init(&lx, src, strlen(src), NULL, NULL);
		CHECK(pylex_next(&lx, &t) == 1 && (t.flags & PYTOK_NONASCII) && t.off == 0 &&
		          t.end == 16,
		      "a normalised name keeps its source byte range");
		pylex_release(&lx);
	}
	sbuf_release(&sb);
}

static void test_limits(void)
{
	struct sbuf sb = SBUF_INIT;
	struct pylex_limits lim;
	const char *r;

	pylex_limits_default(&lim);
	CHECK_INT(lim.max_bytes, 16 << 20, "default max_bytes is 16 MiB");
	CHECK_INT(lim.max_tokens, 4000000, "default max_tokens");
	CHECK_INT(lim.max_depth, 200, "default max_depth");

	lim.max_tokens = 5;
	r = render_n("a b c d e\n", 10, &lim, 0, &sb);
	CHECK(!strncmp(r, "ERROR more than 5 tokens", 24), "token limit is a clean error: %s", r);
	r = render_n("a b c d\n", 8, &lim, 0, &sb);
	CHECK_STR(r, "N:a N:b N:c N:d NL", "exactly max_tokens tokens are fine");

	pylex_limits_default(&lim);
	lim.max_depth = 3;
	CHECK_STR(render_n("(((x)))\n", 8, &lim, 0, &sb), "O:( O:( O:( N:x O:) O:) O:) NL",
	          "depth 3 within a limit of 3");
	r = render_n("((((x))))\n", 10, &lim, 0, &sb);
	CHECK(!strncmp(r, "ERROR nesting deeper than 3", 27), "bracket depth limit: %s", r);
	r = render_n("(f'{(x)}')\n", 11, &lim, 0, &sb);
	CHECK(!strncmp(r, "ERROR nesting deeper than 3", 27),
	      "f-string body and field count as nesting levels: %s", r);

	pylex_limits_default(&lim);
	lim.max_bytes = 4;
	r = render_n("abcde", 5, &lim, 0, &sb);
	CHECK(!strncmp(r, "ERROR source of 5 bytes exceeds", 31), "byte limit: %s", r);

	/* deep nesting under the default limit: no recursion, clean error */
	{
		size_t n = 100000, k;
		char *deep = malloc(n + 1);
		for (k = 0; k < n; k++)
			deep[k] = k < n / 2 ? '(' : ')';
		deep[n] = '\0';
		r = render_n(deep, n, NULL, 0, &sb);
		CHECK(!strncmp(r, "ERROR nesting deeper than 200", 29),
		      "100,000 brackets give a clean depth error");
		free(deep);
	}
	sbuf_release(&sb);
}

/* Count tokens of a buffer; -1 on error. */
static long count_tokens(const char *src, size_t len, size_t *last_line)
{
	struct pylex lx;
	struct pytok t;
	long n = 0;
	int r;

	if (pylex_init(&lx, src, len, NULL, NULL) < 0)
		return -1;
	while ((r = pylex_next(&lx, &t)) > 0) {
		n++;
		*last_line = t.end_line;
	}
	pylex_release(&lx);
	return r < 0 ? -1 : n;
}

static void test_long_lines(void)
{
	size_t n = 1 << 20, k, last = 0;
	char *buf = malloc(n + 16);

	/* "x=a+a+...+a" on one 1 MiB line: x, =, m times "a +", a, NEWLINE */
	{
		size_t m = (n - 3) / 2;
		memcpy(buf, "x=", 2);
		for (k = 0; k < m; k++)
			memcpy(buf + 2 + 2 * k, "a+", 2);
		buf[2 + 2 * m] = 'a';
		CHECK_INT(count_tokens(buf, 3 + 2 * m, &last), 2 + 2 * m + 2,
		          "a 1 MiB line of operators");
		CHECK_INT(last, 1, "... all on line 1");
	}

	/* one 1 MiB string literal full of escapes */
	buf[0] = '\'';
	for (k = 1; k < n - 1; k++)
		buf[k] = (k % 3 == 0) ? '\\' : 'q';
	buf[n - 2] = 'q';
	buf[n - 1] = '\'';
	CHECK_INT(count_tokens(buf, n, &last), 2, "a 1 MiB single-line string is one token");

	/* a 1 MiB unterminated triple-quoted string of quotes and backslashes */
	memcpy(buf, "'''", 3);
	for (k = 3; k < n; k++)
		buf[k] = (k % 5 == 0) ? '\\' : (k % 7 == 0 ? '\'' : 'z');
	CHECK_INT(count_tokens(buf, n, &last), 2, "a 1 MiB unterminated triple-quoted string");

	/* 1 MiB of nested-looking f-string fields on one line */
	buf[0] = 'f';
	buf[1] = '"';
	for (k = 2; k < n - 1; k += 3)
		memcpy(buf + k, "{a}", 3 < n - 1 - k ? 3 : n - 1 - k);
	buf[n - 1] = '"';
	CHECK(count_tokens(buf, n, &last) > 1000, "a 1 MiB f-string with many fields");
	free(buf);
}

/* Random byte soups from a tricky alphabet: the lexer must never fail (no limits reached
 * here), tokens must lie inside the source in increasing order (field tokens after their
 * f-string), and lines must never decrease except when fields restart inside an f-string. */
static void test_random_soup(void)
{
	static const char alpha[] = "\"'\\{}()[]:!=#\n\r\t fbrux0.e+`$\xf0\x9d\x98\xa6\xc3";
	gsl_rng *r = rng_alloc(20240720);
	struct sbuf src = SBUF_INIT;
	size_t iter, bad = 0, errors = 0;

	for (iter = 0; iter < 3000; iter++) {
		size_t len = rng_uniform_index(r, 200), k;
		struct pylex lx;
		struct pytok t;
		int rc;
		sbuf_reset(&src);
		for (k = 0; k < len; k++)
			sbuf_addch(&src, alpha[rng_uniform_index(r, sizeof(alpha) - 1)]);
		pylex_init(&lx, src.buf ? src.buf : "", src.len, NULL, NULL);
		while ((rc = pylex_next(&lx, &t)) > 0) {
			if (t.off > t.end || t.end > src.len || t.line > t.end_line)
				bad++;
		}
		if (rc < 0)
			errors++;
		pylex_release(&lx);
	}
	CHECK_INT(bad, 0, "random soups: every token lies inside the source");
	CHECK_INT(errors, 0, "random soups: no lexer error below the limits");
	sbuf_release(&src);
	rng_free(r);
}

/* Real packages (tests/data/realpkg/pylex.csv): the top-level token stream of a sample of
 * corpus .py members (names, numbers, strings, operators and logical-line ends, with their start
 * lines) against Python 3.11's tokenize, through counts and a SHA-256 of the stream (format in
 * tests/data/realpkg/generate.py). Tokens inside f-string replacement fields are left out:
 * Python 3.11 returns an f-string as one STRING token. */
static void test_real_packages(void)
{
	struct realpkg rp;
	char **row;
	if (realpkg_begin(&rp, "pylex.csv", "the lexer") < 0)
		return;
	long cn[5] = {realpkg_col(&rp, "n_name"), realpkg_col(&rp, "n_number"),
	              realpkg_col(&rp, "n_string"), realpkg_col(&rp, "n_op"),
	              realpkg_col(&rp, "n_newline")};
	long csha = realpkg_col(&rp, "sha256");
	while (realpkg_next(&rp, &row) > 0) {
		static const char kinds[] = "NUSOL";
		struct pylex lx;
		struct pytok t;
		struct diag d;
		struct digest dg;
		size_t n[5] = {0, 0, 0, 0, 0}, depth = 0, errors = 0;
		char hex[65];
		int r = -1, same = 1;
		diag_init(&d);
		digest_init(&dg);
		if (pylex_init(&lx, rp.text.buf, rp.text.len, NULL, &d) == 0) {
			while ((r = pylex_next(&lx, &t)) > 0) {
				int k;
				if (t.type == PYTOK_FSTART || t.type == PYTOK_FEND) {
					depth += t.type == PYTOK_FSTART ? 1 : (size_t)-1;
					continue;
				}
				if (depth)
					continue;
				switch (t.type) {
				case PYTOK_NAME:
					k = 0;
					break;
				case PYTOK_NUMBER:
					k = 1;
					break;
				case PYTOK_STRING:
					k = 2;
					break;
				case PYTOK_OP:
					k = 3;
					break;
				case PYTOK_NEWLINE:
					k = 4;
					break;
				default:
					errors++;
					continue;
				}
				n[k]++;
				realpkg_digestf(&dg, "%c\t%zu\t", kinds[k], t.line);
				if (k != 4)
					digest_update(&dg, t.text, t.len);
				digest_update(&dg, "\n", 1);
			}
		}
		pylex_release(&lx);
		digest_hex(&dg, hex);
		for (int k = 0; k < 5; k++)
			same &= n[k] == strtoull(row[cn[k]], NULL, 10);
		if (!CHECK(r == 0 && !errors && same && !strcmp(hex, row[csha]),
		           "real %s: %s: tokens as Python's tokenize (%zu names, %zu strings)",
		           row[rp.c_package], row[rp.c_member], n[0], n[2]))
			printf("#   got N %zu U %zu S %zu O %zu L %zu, %zu error tokens, %s; "
			       "expected N %s U %s "
			       "S %s O %s L %s, %s (%s)\n",
			       n[0], n[1], n[2], n[3], n[4], errors, hex, row[cn[0]], row[cn[1]],
			       row[cn[2]], row[cn[3]], row[cn[4]], row[csha], diag_message(&d));
		diag_release(&d);
	}
	realpkg_end(&rp, "lexer");
}

int main(void)
{
	struct sbuf b = SBUF_INIT;

	toolkit_init();
	test_basics(&b);
	test_lines();
	test_strings();
	test_fstrings();
	test_names();
	test_limits();
	test_long_lines();
	test_random_soup();
	test_real_packages();
	sbuf_release(&b);
	return harness_done();
}
