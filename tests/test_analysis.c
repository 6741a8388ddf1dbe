/* Tests for core/analysis: the one pass per package and the text document (spec D3, D9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/base/toolkit.h"
#include "tests/fixture_pkg.h"
#include "tests/harness.h"

static const char setup_py[] = "import os\n"
                               "from setuptools import setup\n"
                               "os.system(\"echo hi\")\n"
                               "setup(name=\"x\", url=\"http://example.com\")\n";
static const char a_py[] = "import os\n"                             /* 1 */
                           "x = 1\n"                                 /* 2 */
                           "os.system(\n"                            /* 3: API hit */
                           "    \"echo\")\n"                         /* 4 */
                           "u = \"https://unlisted-host.xyz/p\"\n"   /* 5: suspicious URL */
                           "v = \"https://github.com/a/b\"\n"        /* 6: popular, https */
                           "eval(\"1\"); w = \"http://8.8.8.8/\"\n"; /* 7: hit + public IP */
static const char b_py[] = "import subprocess\r\nsubprocess.call('x')\r\ns = 'abc'\r\n";
static const char c_py[] = "import os as o\no.system('x')\n";
static const char sub_setup_py[] = "import sys\nprint(1)\n";
static const char entry_points[] = "[console_scripts]\nfoo = foo:main\n";

static const char *const pairs[] = {"setup.py",
                                    setup_py,
                                    "pkg/a.py",
                                    a_py,
                                    "pkg/b.py",
                                    b_py,
                                    "pkg/c.py",
                                    c_py,
                                    "sub/setup.py",
                                    sub_setup_py,
                                    "x.egg-info/entry_points.txt",
                                    entry_points,
                                    "big.py",
                                    NULL,
                                    "README",
                                    "hello\n",
                                    NULL};

static const char expect_default[] = "import os\n"
                                     "from setuptools import setup\n"
                                     "os.system(\"echo hi\")\n"
                                     "setup(name=\"x\", url=\"http://example.com\")\n"
                                     "os.system(\n"
                                     "u = \"https://unlisted-host.xyz/p\"\n"
                                     "eval(\"1\"); w = \"http://8.8.8.8/\"\n"
                                     "subprocess.call('x')";

int main(void)
{
	struct fx_pkg fx;
	struct analysis_ctx ctx;
	struct analysis *a;
	toolkit_init();
	fx_load_shared();
	fx_init(&fx, pairs);

	fx_ctx(&ctx);
	a = fx_analyse(&fx, &ctx);
	if (!a)
		return harness_done();
	CHECK(a->setup_py && !strcmp(a->setup_py->path, "setup.py"), "root setup.py found");
	CHECK(a->setup_cfg == NULL, "no setup.cfg");
	CHECK_INT(a->n_py_files, 5, "five .py files analysed");
	CHECK_INT(a->n_py_skipped, 1, "one .py file not loaded");
	CHECK_STR(sbuf_cstr(&a->document), expect_default,
	          "document (a) setup.py, (b), (c) in order");
	CHECK_INT(a->n_doc_lines, 8, "eight document lines");
	CHECK_INT(a->n_doc_head, 4, "four of them from setup.py");
	CHECK(a->n_doc_lines == 8 && !strcmp(a->doc_lines[7].file->path, "pkg/b.py") &&
	          a->doc_lines[7].line == 2,
	      "origin of the CRLF file's line");
	CHECK(a->n_doc_lines == 8 && !strcmp(a->doc_lines[6].file->path, "pkg/a.py") &&
	          a->doc_lines[6].line == 7,
	      "line with an API hit and a URL appears once");
	CHECK(analysis_doc_has_line(a, a->setup_py, 4) && !analysis_doc_has_line(a, a->setup_py, 5),
	      "doc_has_line on setup.py");
	{
		const struct pkgview_file *fa = pkgview_find(a->view, "pkg/a.py");
		CHECK(analysis_doc_has_line(a, fa, 3) && analysis_doc_has_line(a, fa, 5) &&
		          !analysis_doc_has_line(a, fa, 4) && !analysis_doc_has_line(a, fa, 6),
		      "doc_has_line on pkg/a.py");
	}
	/* hits: packj mode misses `o.system`, aliases mode finds it */
	{
		size_t n_c = 0, n_c_alias = 0, n_setup = 0;
		for (size_t i = 0; i < a->n_hits; i++) {
			n_c += !strcmp(a->hits[i].file->path, "pkg/c.py");
			n_setup += a->hits[i].file == a->setup_py;
		}
		for (size_t i = 0; i < a->n_alias_hits; i++)
			n_c_alias += !strcmp(a->alias_hits[i].file->path, "pkg/c.py");
		CHECK_INT(n_c, 0, "packj mode: import alias not resolved");
		CHECK_INT(n_c_alias, 1, "aliases mode: o.system resolved to os.system");
		CHECK_INT(n_setup, 1, "setup.py hit recorded");
		CHECK_INT(a->n_hits, 4,
		          "hits: setup os.system, a: os.system + eval, b: call, sub: 0");
	}
	/* URLs with verdicts */
	{
		size_t susp = 0;
		for (size_t i = 0; i < a->n_urls; i++)
			susp += a->urls[i].url.suspicious != 0;
		CHECK_INT(a->n_urls, 4, "four URLs/IPs found");
		CHECK_INT(susp, 2, "two suspicious (unlisted host, public IP)");
	}
	/* string offsets point into the LF-normalised text */
	{
		const struct pkgview_file *fb = pkgview_find(a->view, "pkg/b.py");
		size_t len = 0;
		const char *t = analysis_file_text(a, fb, &len);
		int found = 0;
		CHECK(t && len == strlen(b_py) - 3 && !strchr(t, '\r'), "CRLF text normalised");
		for (size_t i = 0; t && i < a->n_strings; i++)
			if (a->strings[i].file == fb && a->strings[i].line == 3 &&
			    a->strings[i].body_len == 3 &&
			    !strncmp(t + a->strings[i].body_off, "abc", 3))
				found = 1;
		CHECK(found, "literal 'abc' at line 3 with its body offset");
		CHECK(analysis_file_text(a, pkgview_find(a->view, "README"), NULL) == NULL,
		      "non-.py file has no analysed text");
	}
	analysis_free(a);

	/* text.api_span=call: every line of the multi-line call */
	fx_ctx(&ctx);
	ctx.text_api_span_call = 1;
	a = fx_analyse(&fx, &ctx);
	CHECK(a && strstr(sbuf_cstr(&a->document), "os.system(\n    \"echo\")\nu = "),
	      "api_span=call takes lines 3-4");
	analysis_free(a);

	/* text.url_scope=file: the whole file holding a suspicious URL */
	fx_ctx(&ctx);
	ctx.text_url_scope_file = 1;
	a = fx_analyse(&fx, &ctx);
	CHECK(a && strstr(sbuf_cstr(&a->document), a_py) && a->n_doc_lines == 4 + 7 + 1,
	      "url_scope=file takes all of pkg/a.py");
	analysis_free(a);

	/* text.setup_scope=all and include_entry_points */
	fx_ctx(&ctx);
	ctx.text_setup_scope_all = 1;
	ctx.text_include_entry_points = 1;
	a = fx_analyse(&fx, &ctx);
	CHECK(a && strstr(sbuf_cstr(&a->document),
	                  "subprocess.call('x')\nimport sys\nprint(1)\n[console_scripts]\nfoo = "
	                  "foo:main"),
	      "setup_scope=all adds sub/setup.py, entry_points.txt follows in path order");
	analysis_free(a);

	/* empty document: no setup.py, no hit, no URL */
	{
		static const char *const p2[] = {"m/x.py", "a = 1\n", "PKG-INFO",
		                                 "Metadata-Version: 2.1\nName: x\n", NULL};
		struct fx_pkg f2;
		fx_init(&f2, p2);
		fx_ctx(&ctx);
		a = fx_analyse(&f2, &ctx);
		CHECK(a && a->document.len == 0 && a->n_doc_lines == 0 && !a->setup_py,
		      "empty document allowed");
		CHECK(a && a->info && !strcmp(pkginfo_get(a->info, "Name"), "x"),
		      "metadata parsed");
		analysis_free(a);
	}
	/* a setup.py without a final newline and with an empty line */
	{
		static const char *const p3[] = {"setup.py", "a\n\nb", NULL};
		struct fx_pkg f3;
		fx_init(&f3, p3);
		fx_ctx(&ctx);
		a = fx_analyse(&f3, &ctx);
		CHECK(a && !strcmp(sbuf_cstr(&a->document), "a\n\nb") && a->n_doc_lines == 3,
		      "setup.py lines kept as written");
		analysis_free(a);
	}
	/* the string bound */
	{
		static const char *const p4[] = {"setup.py", "a='1'\nb='2'\nc='3'\n", NULL};
		struct fx_pkg f4;
		fx_init(&f4, p4);
		fx_ctx(&ctx);
		ctx.max_strings = 2;
		a = fx_analyse(&f4, &ctx);
		CHECK(a && a->n_strings == 2 && a->n_strings_dropped == 1 &&
		          a->diag.n_warnings >= 1,
		      "max_strings bounds the literals kept, with a warning");
		analysis_free(a);
	}
	analysis_free(NULL);
	fx_free_shared();
	return harness_done();
}
