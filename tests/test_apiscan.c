/* Tests for core/apiscan: the API table of Appendix A and packj's call-naming rules on fixtures
 * whose expected hits were worked out by hand from packj's visit_Call (spec D8, Appendix A). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis/apiscan.h"
#include "core/base/datafile.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"
#include "tests/realpkg.h"

static struct api_table *table;

/* Scan `src` and render the hits as "line:full_name" ("line-end:full_name" for multi-line
 * calls), space-separated; "ERROR <msg>" prefixes the hits when the scan fails. */
static const char *scan_n(const char *src, size_t len, enum apiscan_mode mode,
                          const struct pylex_limits *lim, struct sbuf *out)
{
	struct api_hits h = {0};
	struct diag d;
	size_t k;

	diag_init(&d);
	sbuf_reset(out);
	if (apiscan_source(table, src, len, mode, lim, &h, &d) < 0)
		sbuf_addf(out, "ERROR %s;", diag_message(&d));
	for (k = 0; k < h.n; k++) {
		if (k)
			sbuf_addch(out, ' ');
		if (h.v[k].end_line != h.v[k].line)
			sbuf_addf(out, "%zu-%zu:%s", h.v[k].line, h.v[k].end_line,
			          h.v[k].full_name);
		else
			sbuf_addf(out, "%zu:%s", h.v[k].line, h.v[k].full_name);
	}
	api_hits_release(&h);
	diag_release(&d);
	return sbuf_cstr(out);
}

static struct sbuf sb = SBUF_INIT;
#define P(s) scan_n((s), strlen(s), APISCAN_PACKJ, NULL, &sb)
#define A(s) scan_n((s), strlen(s), APISCAN_ALIASES, NULL, &sb)
/* The same expected hits in both modes. */
#define BOTH(s, exp, msg)                                                                          \
	do {                                                                                       \
		CHECK_STR(P(s), exp, "packj mode: " msg);                                          \
		CHECK_STR(A(s), exp, "aliases mode: " msg);                                        \
	} while (0)

static void test_table(const char *path)
{
	static const struct {
		const char *cat;
		size_t n;
	} counts[] = {
	    {"SOURCE_FILE", 65},          {"SINK_FILE", 34},
	    {"SINK_NETWORK", 45},         {"SOURCE_NETWORK", 58},
	    {"SINK_CODE_GENERATION", 45}, {"SINK_PROCESS_OPERATION", 72},
	    {"SOURCE_OBFUSCATION", 7},    {"SOURCE_SETTINGS", 6},
	    {"SINK_UNCLASSIFIED", 4},     {"SOURCE_ACCOUNT", 5},
	    {"SOURCE_USER_INPUT", 2},
	};
	size_t seen[11] = {0}, k, rows = 0;
	char line[512], hex[65];
	FILE *f;

	CHECK_INT(api_table_size(table), 343, "the table has the 343 rows of Appendix A");
	/* Count categories through the loaded table for every name of the file. */
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');
		const char *cat;
		if (line[0] == '#' || !comma)
			continue;
		*comma = '\0';
		rows++;
		cat = api_table_category(table, line);
		for (k = 0; cat && k < 11; k++)
			if (!strcmp(cat, counts[k].cat))
				seen[k]++;
	}
	if (f)
		fclose(f);
	CHECK_INT(rows, 343, "the data file has 343 data rows");
	for (k = 0; k < 11; k++)
		CHECK_INT(seen[k], counts[k].n, "category %s has %zu entries", counts[k].cat,
		          counts[k].n);
	for (k = 0; api_categories[k]; k++)
		CHECK(k < 11 && !strcmp(api_categories[k], counts[k].cat),
		      "api_categories[%zu] is %s in Appendix A order", k, counts[k].cat);
	CHECK_INT(k, 11, "eleven categories");
	CHECK_STR(api_category_heading("SINK_PROCESS_OPERATION"), "performs a process operation",
	          "heading of SINK_PROCESS_OPERATION (Listing 2)");
	CHECK_STR(api_category_heading("SOURCE_SETTINGS"),
	          "reads system settings or environment variables", "heading of SOURCE_SETTINGS");
	CHECK_STR(api_category_heading("SOURCE_ACCOUNT"),
	          "modifies system settings or environment variables",
	          "SOURCE_ACCOUNT shares packj's envvars heading");
	CHECK(api_category_heading("NOPE") == NULL && api_category_heading(NULL) == NULL,
	      "unknown category has no heading");
	CHECK_STR(api_table_category(table, "webbrower.open"), "SINK_NETWORK",
	          "packj's misspelt webbrower.open is listed");
	CHECK(api_table_category(table, "webbrowser.open") == NULL,
	      "the real webbrowser.open is not listed");
	CHECK_STR(api_table_category(table, "__import__"), "SINK_CODE_GENERATION",
	          "__import__ is code generation");
	CHECK_STR(api_table_category(table, "os.environ.get"), "SOURCE_SETTINGS",
	          "os.environ.get reads settings");
	CHECK(api_table_category(table, "requests.get") == NULL, "requests.get is not listed");
	CHECK(datafile_sha256(path, hex) == 0 && !strcmp(hex, api_table_sha256(table)),
	      "the table's SHA-256 is the data file's");
}

/* Write `text` into a temporary file; returns its path in buf. */
static const char *tmpfile_with(const char *text, char *buf, size_t n)
{
	int fd;

	snprintf(buf, n, "/tmp/pyvet-apiscan-XXXXXX");
	fd = mkstemp(buf);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return buf;
}

static void test_table_errors(void)
{
	struct api_table *t = NULL;
	struct diag d;
	char path[64];

	diag_init(&d);
	CHECK(api_table_load(&t, "/nonexistent/python_apis.csv", &d) < 0 && !t &&
	          strstr(diag_message(&d), "cannot open"),
	      "missing table file is an error");
	tmpfile_with(
	    "# comment\nos.system,SINK_PROCESS_OPERATION\n#x,y\n\neval,SINK_CODE_GENERATION\n",
	    path, sizeof(path));
	CHECK(api_table_load(&t, path, &d) == 0 && api_table_size(t) == 2 &&
	          api_table_category(t, "#x") == NULL,
	      "comment and blank lines are skipped");
	api_table_free(t);
	t = NULL;
	unlink(path);
	tmpfile_with("os.system,SINK_PROCESS\n", path, sizeof(path));
	CHECK(api_table_load(&t, path, &d) < 0 && strstr(diag_message(&d), "unknown category"),
	      "unknown category is an error: %s", diag_message(&d));
	unlink(path);
	tmpfile_with("eval,SINK_CODE_GENERATION\neval,SINK_CODE_GENERATION\n", path, sizeof(path));
	CHECK(api_table_load(&t, path, &d) < 0 && strstr(diag_message(&d), "duplicate api 'eval'"),
	      "duplicate name is an error: %s", diag_message(&d));
	unlink(path);
	tmpfile_with("eval\n", path, sizeof(path));
	CHECK(api_table_load(&t, path, &d) < 0, "a row without category is an error: %s",
	      diag_message(&d));
	unlink(path);
	api_table_free(NULL);
	diag_release(&d);
}

static void test_names(void)
{
	CHECK_STR(P("import os as o\no.system('x')\n"), "",
	          "packj does not resolve import-as aliases");
	CHECK_STR(A("import os as o\no.system('x')\n"), "2:os.system",
	          "aliases mode resolves import os as o");
	BOTH("from os import system as s\ns('x')\n", "2:os.system",
	     "from os import system as s; s() is os.system");
	BOTH("import subprocess\nsubprocess.Popen(['ls'])\n", "2:subprocess.Popen",
	     "module.function as written");
	BOTH("import os\nos.environ.get('HOME')\nos.environ['X']\n", "2:os.environ.get",
	     "attribute chain uses the source text of its base");
	BOTH("urlopen(x).read()\n", "", "a method on a call result matches nothing");
	BOTH("from urllib.request import urlopen\nurlopen(x).read()\n", "2:urllib.request.urlopen",
	     "only the inner call of a chain matches");
	BOTH("eval('1')\nopen('f')\nexec('x')\ngetattr(o, 'a')\ninput()\nraw_input()\n",
	     "1:eval 2:open 3:exec 4:getattr 5:input 6:raw_input", "builtins match as bare names");
	BOTH("(eval)(x)\n(os).system(1)\n(os.system)(2)\n", "1:eval 2:os.system 3:os.system",
	     "parentheses around a name do not change it (as in python's ast)");
	BOTH("getattr(os, 'system')('ls')\n__import__('os').system('x')\n",
	     "1:getattr 2:__import__", "calls of call results: only the inner call");
	BOTH("os.system(os.getenv('A'), os.getenv('B'))\n", "1:os.system 1:os.getenv 1:os.getenv",
	     "every call site is one hit, outer call first");
	BOTH("x.eval(1)\nself.open(f)\nos.path.join(a)\n", "",
	     "methods of other names do not match");
	BOTH("import webbrowser\nwebbrowser.open(u)\nwebbrower.open(u)\n", "3:webbrower.open",
	     "only packj's misspelling webbrower matches");
	BOTH("a = [os.system][0](1)\n{'k': eval}['k'](2)\n", "",
	     "calls through subscripts match nothing");
	BOTH("os . environ . get(1)\n", "1:os.environ.get",
	     "whitespace inside a dotted base is ignored (pyvet; packj keeps the source text)");
	BOTH("import os\r\nos.system(1)\r\nos.popen(2)\ros.kill(3)\n",
	     "2:os.system 3:os.popen 4:os.kill", "CRLF and CR line ends count lines");
}

static void test_imports(void)
{
	BOTH("def a():\n    from os import system\ndef b():\n    from subprocess import system\n"
	     "    system('x')\n",
	     "5:os.system", "nested imports count and the first binding wins");
	BOTH("system('x')\nfrom os import system\nsystem('y')\n", "3:os.system",
	     "imports apply from where they appear");
	BOTH("from . import system\nfrom os import system\nsystem('x')\n", "",
	     "a relative import binds the name to no module first");
	BOTH("from .os import system\nsystem('x')\n", "2:os.system",
	     "relative module names drop their dots, as packj's node.module");
	BOTH("from os import popen as run, system\nrun('a')\nsystem('b')\n",
	     "2:os.popen 3:os.system", "several names, one aliased");
	BOTH("from os import (\n    system as sy,\n    popen,\n)\nsy(1)\npopen(2)\n",
	     "5:os.system 6:os.popen", "parenthesised import list over several lines");
	BOTH("from os import system as s\nsystem('x')\n", "2:os.system",
	     "packj maps the original name of an aliased import too");
	BOTH("from base64 import *\nb64decode(x)\n", "", "star imports bind nothing usable");
	BOTH("from os import system; system(1)\n", "1:os.system", "import and call on one line");
	BOTH("from os import system \\\n  as s\ns(1)\n", "3:os.system",
	     "backslash continuation inside an import");
	BOTH("import os.path\nos.system(1)\n", "2:os.system", "import a.b maps nothing");
	BOTH("x = yield from g()\nraise E from e\nsystem(1)\n", "",
	     "yield from / raise from are not imports");
}

static void test_aliases(void)
{
	CHECK_STR(P("import multiprocessing.connection as mc\nmc.Connection(1)\n"), "",
	          "packj: import m.n as X not resolved");
	CHECK_STR(A("import multiprocessing.connection as mc\nmc.Connection(1)\n"),
	          "2:multiprocessing.connection.Connection", "aliases: import m.n as X resolved");
	CHECK_STR(P("from urllib import request\nrequest.urlopen(u)\n"), "",
	          "packj: a from-imported module used as a base is not resolved");
	CHECK_STR(A("from urllib import request\nrequest.urlopen(u)\n"), "2:urllib.request.urlopen",
	          "aliases: a from-imported module used as a base is resolved");
	CHECK_STR(A("from os import environ as env\nenv.get('X')\n"), "2:os.environ.get",
	          "aliases: from m import a as b; b.f resolved to m.a.f");
	CHECK_STR(A("import os\nimport subprocess as os\nos.system(1)\n"), "3:os.system",
	          "aliases: first binding wins");
	CHECK_STR(A("import subprocess as os\nimport os\nos.system(1)\n"), "",
	          "aliases: first binding wins (other order)");
	CHECK_STR(P("import subprocess as os\nimport os\nos.system(1)\n"), "3:os.system",
	          "packj mode keeps the name as written");
	CHECK_STR(A("import os as a, subprocess as b\na.system(1)\nb.call(2)\n"),
	          "2:os.system 3:subprocess.call", "aliases: several import-as in one statement");
	CHECK_STR(A("def f():\n    import base64 as b\n    return b.b64decode(x)\n"),
	          "3:base64.b64decode", "aliases: nested import-as");
}

static void test_syntax(void)
{
	const char *py2 = "import urllib2\n"
	                  "print \"fetching\"\n"
	                  "data = urllib2.urlopen(\"http://x\").read()\n"
	                  "exec data\n"
	                  "exec \"import os\"\n"
	                  "print >>sys.stderr, os.getenv('X')\n"
	                  "x = raw_input(\"> \")\n"
	                  "print `os.system`\n"
	                  "print os.system(\"id\")\n";
	BOTH(py2, "3:urllib2.urlopen 6:os.getenv 7:raw_input 9:os.system",
	     "a python 2 file: print and exec statements, backticks");
	BOTH("x = subprocess.check_output(\n    ['ls'],\n    shell=True,\n)\n",
	     "1-4:subprocess.check_output", "a multi-line call: first line and closing line");
	BOTH("result = (os\n    .system('x'))\n", "1-2:os.system", "a chain split over lines");
	BOTH("os.\\\n  system(1)\n", "1-2:os.system", "a chain split by a backslash");
	BOTH("(\nos\n).system()\n", "1-3:os.system", "a parenthesised base starts at its '('");
	BOTH("x = foo(\n  eval(y))\n", "2:eval",
	     "a call inside a multi-line call has its own line");
	BOTH("def open(x): pass\nclass eval(object): pass\nasync def exec(): pass\n", "",
	     "def and class names are not calls");
	BOTH("@atexit.register\ndef f(): pass\n@atexit.register()\ndef g(): pass\n",
	     "3:atexit.register", "a decorator with call syntax is a call (ast Call node)");
	BOTH("if (eval): pass\nprint (eval)\nx = lambda: eval\nopen = 1\nopen (f)\n", "5:open",
	     "keywords before '(' are not calls; a space before '(' is fine");
	BOTH("exec \"x\"\nexec(\"x\")\nexec (\"y\")\n", "2:exec 3:exec",
	     "the python 2 exec statement is not a call, exec(...) is");
	BOTH("# os.system('x')\ns = \"os.system('x')\"\nt = '''\neval(1)\n'''\n", "",
	     "comments and strings hold no calls");
	BOTH("print(f\"user={os.getenv('USER')}\")\n", "1:os.getenv",
	     "calls inside f-string fields");
	BOTH("x = f'{f\"{eval(y)}\"}' + f'{a:{open(w)}}'\n", "1:eval 1:open",
	     "calls in nested f-strings and in format-spec fields");
	BOTH("x = f'''\n{os.system(\n\"id\")}'''\n", "2-3:os.system",
	     "lines inside a multi-line f-string");
	BOTH("\xF0\x9D\x98\xA6\xF0\x9D\x98\xB7\xF0\x9D\x98\xA2\xF0\x9D\x98\xAD('1')\n", "1:eval",
	     "unicode mathematical letters: eval");
	BOTH("__\xF0\x9D\x98\xAA\xF0\x9D\x98\xAE\xF0\x9D\x98\xB1\xF0\x9D\x98\xB0\xF0\x9D\x98\xB3"
	     "\xF0\x9D\x98\xB5__('os')\n",
	     "1:__import__", "unicode mathematical letters: __import__");
	BOTH("\xF0\x9D\x98\xB0\xF0\x9D\x98\xB4.\xF0\x9D\x98\xB4\xF0\x9D\x98\xBA\xF0\x9D\x98\xB4\xF0"
	     "\x9D\x98\xB5\xF0\x9D\x98\xA6\xF0\x9D\x98\xAE('id')\n",
	     "1:os.system", "unicode mathematical letters: os.system");
	BOTH("from os import \xF0\x9D\x98\xB4\xF0\x9D\x98\xBA\xF0\x9D\x98\xB4\xF0\x9D\x98\xB5\xF0"
	     "\x9D\x98\xA6\xF0\x9D\x98\xAE\nsystem(1)\n",
	     "2:os.system", "normalised names in imports");
	BOTH("x = 'unterminated\nos.system(1)\ny = (\n", "2:os.system",
	     "broken code: unterminated string and unclosed bracket");
	BOTH("eval(1\n", "1:eval", "an unclosed call ends on the last line");
	BOTH("))) ]]] os.system(1)\n", "1:os.system", "stray closing brackets are ignored");
	BOTH("\xEF\xBB\xBFimport os\nos.system(1)\n", "2:os.system",
	     "a BOM does not hide the first line");
}

static void test_records(void)
{
	struct api_hits h = {0};
	struct diag d;
	const char *src = "from os import system as s\nx = s(\n 'id')\n";
	struct pylex_limits lim;
	const char *r;

	diag_init(&d);
	CHECK(apiscan_source(table, src, strlen(src), APISCAN_PACKJ, NULL, &h, &d) == 0 && h.n == 1,
	      "one hit for an aliased call");
	if (h.n == 1) {
		CHECK_STR(h.v[0].full_name, "os.system", "full name");
		CHECK_STR(h.v[0].short_name, "system", "short name is packj's api_name");
		CHECK_STR(h.v[0].category, "SINK_PROCESS_OPERATION", "category");
		CHECK_INT(h.v[0].line, 2, "line of the first token");
		CHECK_INT(h.v[0].end_line, 3, "line of the closing parenthesis");
	}
	/* hits are appended */
	CHECK(apiscan_source(table, "eval(1)", 7, APISCAN_PACKJ, NULL, &h, &d) == 0 && h.n == 2 &&
	          !strcmp(h.v[1].short_name, "eval") && h.v[1].short_name == h.v[1].full_name,
	      "a second scan appends; a bare name is its own short name");
	api_hits_release(&h);
	CHECK(h.n == 0 && h.v == NULL, "api_hits_release resets");
	api_hits_release(NULL);

	pylex_limits_default(&lim);
	lim.max_tokens = 12;
	r = scan_n("eval(1)\nexec(2)\nopen(3)\n", 24, APISCAN_PACKJ, &lim, &sb);
	CHECK_STR(r, "ERROR more than 12 tokens (at line 3);1:eval 2:exec 3:open",
	          "a lexer limit is an error and the hits found so far are kept");
	lim.max_tokens = 1000;
	lim.max_depth = 5;
	r = scan_n("eval((((((1))))))\n", 18, APISCAN_PACKJ, &lim, &sb);
	CHECK(!strncmp(r, "ERROR nesting deeper than 5", 27), "depth limit: %s", r);
	diag_release(&d);
}

/* A long, flat file: hits must scale linearly and all be found. */
static void test_big(void)
{
	struct sbuf src = SBUF_INIT;
	size_t k, n = 20000;
	struct api_hits h = {0};
	struct diag d;

	diag_init(&d);
	sbuf_addstr(&src, "from os import system as s\n");
	for (k = 0; k < n; k++)
		sbuf_addstr(&src, "x = s(f'{os.getenv(\"A\")}') + [a.b.c(d)[0] for d in e]\n");
	CHECK(apiscan_source(table, src.buf, src.len, APISCAN_ALIASES, NULL, &h, &d) == 0 &&
	          h.n == 2 * n && h.v[2 * n - 1].line == n + 1,
	      "20,000 lines give 40,000 hits in order");
	api_hits_release(&h);
	sbuf_release(&src);
	diag_release(&d);
}

/* Real packages (tests/data/realpkg/apiscan.csv): the hits of a sample of corpus .py members
 * in both modes against an independent scan on Python's ast (every ast.Call whose callee is a
 * name or a dotted name, named by the D8 rules; format in tests/data/realpkg/generate.py),
 * through the hit count and a SHA-256 of "line, end line, full name" per hit. */
static void test_real_packages(void)
{
	struct realpkg rp;
	char **row;
	if (realpkg_begin(&rp, "apiscan.csv", "the API scan") < 0)
		return;
	long cmode = realpkg_col(&rp, "mode"), cn = realpkg_col(&rp, "n_hits"),
	     csha = realpkg_col(&rp, "sha256");
	while (realpkg_next(&rp, &row) > 0) {
		struct api_hits h = {0};
		struct diag d;
		struct digest dg;
		char hex[65];
		enum apiscan_mode mode =
		    strcmp(row[cmode], "aliases") ? APISCAN_PACKJ : APISCAN_ALIASES;
		int r;
		diag_init(&d);
		digest_init(&dg);
		r = apiscan_source(table, rp.text.buf, rp.text.len, mode, NULL, &h, &d);
		for (size_t k = 0; k < h.n; k++)
			realpkg_digestf(&dg, "%zu\t%zu\t%s\n", h.v[k].line, h.v[k].end_line,
			                h.v[k].full_name);
		digest_hex(&dg, hex);
		if (!CHECK(r == 0 && h.n == strtoull(row[cn], NULL, 10) && !strcmp(hex, row[csha]),
		           "real %s: %s: %s mode: %zu hits as the ast scan", row[rp.c_package],
		           row[rp.c_member], row[cmode], h.n)) {
			printf("#   expected %s hits (%s), got %s\n", row[cn], row[csha],
			       diag_message(&d));
			for (size_t k = 0; k < h.n; k++)
				printf("#   %zu-%zu %s\n", h.v[k].line, h.v[k].end_line,
				       h.v[k].full_name);
		}
		api_hits_release(&h);
		diag_release(&d);
	}
	realpkg_end(&rp, "API scan");
}

int main(void)
{
	char path[4096];
	struct diag d;

	toolkit_init();
	diag_init(&d);
	if (!datafile_path("python_apis.csv", path, sizeof(path)))
		die("cannot find featuresets/data/python_apis.csv");
	if (api_table_load(&table, path, &d) < 0)
		die("%s", diag_message(&d));
	test_table(path);
	test_table_errors();
	test_names();
	test_imports();
	test_aliases();
	test_syntax();
	test_records();
	test_big();
	test_real_packages();
	api_table_free(table);
	sbuf_release(&sb);
	diag_release(&d);
	return harness_done();
}
