/* Tests for the `code`, `text`, `apis`, `apis_alias` and `artifacts` feature sets on in-memory
 * packages with known answers (spec D14, D15, D16, D9, D8, 8.4). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/base/toolkit.h"
#include "featuresets/featureset.h"
#include "tests/fixture_pkg.h"
#include "tests/harness.h"

/* Extract set `name` with parameters `params` on a package made of `pairs`; values into out.
 * Returns the evidence list (caller releases) through ev. -1 on error. */
static int run_set(const char *name, const char *params, const char *const *pairs, double *out,
                   struct evidence_list *ev)
{
	const struct featureset_type *t = featureset_find(name);
	struct featureset *fs;
	struct fx_pkg fx;
	struct analysis_ctx ctx;
	struct analysis *a;
	struct diag d;
	char err[512];
	int rc;
	diag_init(&d);
	if (!t || !(fs = featureset_alloc(t, params, err, sizeof(err)))) {
		CHECK(0, "featureset_alloc(%s): %s", name, t ? err : "unknown");
		return -1;
	}
	fx_init(&fx, pairs);
	fx_ctx(&ctx);
	a = fx_analyse(&fx, &ctx);
	if (!a) {
		featureset_free(fs);
		return -1;
	}
	rc = t->extract(fs->state, a, out, ev, &d);
	analysis_free(a);
	featureset_free(fs);
	diag_release(&d);
	return rc;
}

/* The three code features for a package whose setup.py is `setup` and whose pkg/m.py is `mod`
 * (NULL: absent). */
static void code3(const char *params, const char *setup, const char *mod, double *out,
                  struct evidence_list *ev)
{
	const char *pairs[8];
	size_t k = 0;
	if (setup) {
		pairs[k++] = "setup.py";
		pairs[k++] = setup;
	}
	if (mod) {
		pairs[k++] = "pkg/m.py";
		pairs[k++] = mod;
	}
	pairs[k] = NULL;
	out[0] = out[1] = out[2] = -1;
	run_set("code", params, pairs, out, ev);
}

static int has_rule(const struct evidence_list *ev, const char *rule)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].rule && !strcmp(ev->v[i].rule, rule))
			return 1;
	return 0;
}

#define A41 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQ" /* 41 characters */
#define A40 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"  /* 40 characters */

/* The ReDoS lines of issue 8.3 in a root setup.py (a 12 KB comment of `class a(`, a 12 KB
 * `cmdclass=dict(` run): extracted, with and without a match at the end. The work bound itself
 * is asserted in tests/test_patterns.c. */
static void test_install_cmd_long_lines(void)
{
	static const char *const units[] = {"class a(", "cmdclass=dict("};
	for (size_t u = 0; u < 2; u++) {
		size_t ul = strlen(units[u]), n = 1 + ul * ((12 << 10) / ul); /* whole units */
		char *setup = malloc(n + 64);
		struct evidence_list ev = {0};
		double v[3];
		if (!setup)
			continue;
		setup[0] = '#';
		for (size_t i = 1; i < n; i++)
			setup[i] = units[u][(i - 1) % ul];
		strcpy(setup + n, "\nx = 1\n");
		code3(NULL, setup, NULL, v, &ev);
		CHECK(v[0] == 0, "12 KB comment of '%s': no install command", units[u]);
		evidence_list_release(&ev);
		strcpy(setup + n, u ? "install=X)\n" : "install):\n");
		code3(NULL, setup, NULL, v, &ev);
		CHECK(v[0] == 1 &&
		          has_rule(&ev, u ? "install_cmd:cmdclass-kw" : "install_cmd:cmd-class"),
		      "12 KB of '%s' closed by an install command: found", units[u]);
		evidence_list_release(&ev);
		free(setup);
	}
}

static void test_install_cmd(void)
{
	double v[3];
	struct evidence_list ev = {0};

	code3(NULL,
	      "from setuptools import setup\n"
	      "from setuptools.command.install import install\n"
	      "class PostInstall(install):\n"
	      "    def run(self):\n"
	      "        install.run(self)\n"
	      "setup(name='x', cmdclass={'install': PostInstall})\n",
	      NULL, v, &ev);
	CHECK(v[0] == 1, "install subclass: has_install_cmd = 1");
	CHECK(has_rule(&ev, "install_cmd:cmd-import") && has_rule(&ev, "install_cmd:cmd-class") &&
	          has_rule(&ev, "install_cmd:cmdclass-key"),
	      "evidence names cmd-import, cmd-class, cmdclass-key");
	CHECK(ev.n > 0 && !strcmp(ev.v[0].file, "setup.py") && ev.v[0].line == 2,
	      "first evidence at setup.py line 2");
	evidence_list_release(&ev);

	code3(NULL, "setup(cmdclass=dict(develop=Dev))\n", NULL, v, &ev);
	CHECK(v[0] == 1 && has_rule(&ev, "install_cmd:cmdclass-kw"), "cmdclass=dict(develop=...)");
	evidence_list_release(&ev);

	code3(NULL, "from distutils.command.sdist import sdist\n", NULL, v, &ev);
	CHECK(v[0] == 1, "distutils sdist import");
	evidence_list_release(&ev);

	code3(NULL, "class X(_develop): pass\n", NULL, v, &ev);
	CHECK(v[0] == 1, "class X(_develop)");
	evidence_list_release(&ev);

	/* negatives */
	code3(NULL,
	      "from setuptools import setup\n"
	      "from setuptools.command.build_ext import build_ext\n"
	      "class BuildExt(build_ext): pass\n"
	      "setup(install_requires=['a'], cmdclass={'build_ext': BuildExt})\n"
	      "class Foo(Base):  # install\n"
	      "x = 'installer'\n",
	      NULL, v, &ev);
	CHECK(v[0] == 0 && ev.n == 0, "bare cmdclass for build_ext is not an install command");
	evidence_list_release(&ev);

	code3(NULL, "setup()\n", "from setuptools.command.install import install\n", v, &ev);
	CHECK(v[0] == 0, "install import in a non-setup file off the document: 0");
	evidence_list_release(&ev);

	code3(NULL, NULL, "from setuptools.command.install import install; exec('x')\n", v, &ev);
	CHECK(v[0] == 1, "install import on an API line of another file: 1");
	evidence_list_release(&ev);

	code3(NULL, "setup()\n", NULL, v, &ev);
	CHECK(v[0] == 0 && v[1] == 0 && v[2] == 0, "plain setup.py: all zero");
	evidence_list_release(&ev);
}

static void test_url(void)
{
	double v[3];
	struct evidence_list ev = {0};
	static const struct {
		const char *code;
		int want;
		const char *what;
	} cases[] = {
	    {"u = 'https://unlisted-host.xyz/a'\n", 1, "unlisted domain"},
	    {"u = 'http://github.com/a'\n", 1, "insecure but popular"},
	    {"h = '8.8.8.8'\n", 1, "public IP literal"},
	    {"u = 'https://github.com/a/b'\n", 0, "https and popular"},
	    {"u = 'https://docs.python.org/3/'\n", 0, "popular registrable domain"},
	    {"u = 'http://localhost:8000/'\n", 0, "localhost exempt"},
	    {"h = '192.168.1.1'\n", 0, "private IP exempt"},
	    {"h = '127.0.0.1'\n", 0, "loopback exempt"},
	    {"u = 'http://example.com/'\n", 0, "example.com exempt"},
	    {"v = '1.2.3.4.5'\n", 0, "five-part version is no IP"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		code3(NULL, cases[i].code, NULL, v, &ev);
		CHECK(v[1] == cases[i].want, "has_url in setup.py: %s", cases[i].what);
		CHECK(!cases[i].want || (has_rule(&ev, "url") && ev.v[ev.n - 1].line == 1),
		      "url evidence: %s", cases[i].what);
		evidence_list_release(&ev);
	}
	code3(NULL, NULL, "import os\n# see https://unlisted-host.xyz/\n", v, &ev);
	CHECK(v[1] == 1, "URL in a comment of another .py file counts");
	evidence_list_release(&ev);
	code3("", "u = 'http://github.com/a'\n", NULL, v, &ev);
	CHECK(v[1] == 1, "insecure counts by default");
	evidence_list_release(&ev);
}

static void test_long_str(void)
{
	double v[3];
	struct evidence_list ev = {0};
	code3(NULL, "x = '" A41 "'\n", NULL, v, &ev);
	CHECK(v[2] == 1 && has_rule(&ev, "long_str"), "41-character run in a literal");
	CHECK(ev.n && ev.v[0].snippet && !strcmp(ev.v[0].snippet, A41),
	      "evidence snippet is the run");
	evidence_list_release(&ev);
	code3(NULL, "x = '" A40 "'\n", NULL, v, &ev);
	CHECK(v[2] == 0, "40 characters is not more than 40");
	evidence_list_release(&ev);
	code3(NULL, "x = b'ab " A41 " cd'\n", NULL, v, &ev);
	CHECK(v[2] == 1, "run inside a literal with spaces (bytes prefix)");
	evidence_list_release(&ev);
	code3(NULL,
	      "'''This is a long docstring with many words in it, much longer than forty\n"
	      "characters in total but with short words only.'''\n",
	      NULL, v, &ev);
	CHECK(v[2] == 0, "prose literal is not a long string (literal-token)");
	evidence_list_release(&ev);
	code3("long_str.mode=literal",
	      "'''This is a long docstring with many words in it, much longer than forty\n"
	      "characters.'''\n",
	      NULL, v, &ev);
	CHECK(v[2] == 1, "prose literal is a long string in literal mode");
	evidence_list_release(&ev);
	code3(NULL,
	      "u = 'https://github.com/some-organisation/some-repository/blob/main/README.md'\n",
	      NULL, v, &ev);
	CHECK(v[2] == 0, "a URL run is not a long string");
	evidence_list_release(&ev);
	code3(
	    NULL,
	    "x = '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9'\n",
	    NULL, v, &ev);
	CHECK(v[2] == 0, "21 two-byte characters (42 bytes) are 21 characters");
	evidence_list_release(&ev);
	code3(NULL, "x = 1\n", "y = '" A41 "'\n", v, &ev);
	CHECK(v[2] == 0, "long literal in another file off the document: 0");
	evidence_list_release(&ev);
	code3(NULL, "x = 1\n", "exec(__import__('base64').b64decode('" A41 "'))\n", v, &ev);
	CHECK(v[2] == 1, "long literal on an API line of another file: 1");
	CHECK(ev.n && !strcmp(ev.v[ev.n - 1].file, "pkg/m.py") && ev.v[ev.n - 1].line == 1,
	      "long_str evidence names pkg/m.py:1");
	evidence_list_release(&ev);
	code3(NULL, "x = '''short\n" A41 "\n'''\n", NULL, v, &ev);
	CHECK(v[2] == 1 && ev.n && ev.v[0].line == 2,
	      "run on the second line of a triple-quoted literal");
	evidence_list_release(&ev);
	/* token mode: any run of the document, code included */
	code3("long_str.mode=token", "a_very_long_identifier_name_that_goes_on_and_on = 1\n", NULL,
	      v, &ev);
	CHECK(v[2] == 1, "token mode: long identifier counts");
	evidence_list_release(&ev);
	code3(NULL, "a_very_long_identifier_name_that_goes_on_and_on = 1\n", NULL, v, &ev);
	CHECK(v[2] == 0, "literal-token mode: identifiers do not count");
	evidence_list_release(&ev);
	code3("long_str.threshold=10", "x = 'abcdefghijk'\n", NULL, v, &ev);
	CHECK(v[2] == 1, "threshold parameter");
	evidence_list_release(&ev);
}

static void test_params(void)
{
	char err[512];
	struct featureset *fs;
	fs = featureset_alloc(featureset_find("code"), "long_str.mode=bogus", err, sizeof(err));
	CHECK(!fs, "bad mode rejected");
	fs = featureset_alloc(featureset_find("code"), "install_patterns=/nonexistent", err,
	                      sizeof(err));
	CHECK(!fs && strstr(err, "nonexistent"), "missing pattern table is a parameter error");
	fs = featureset_alloc(featureset_find("code"), "long_str.threshold=-1", err, sizeof(err));
	CHECK(!fs, "negative threshold rejected");
	CHECK(featureset_find("code")->n_features == 3, "three code features");
}

static void test_text_apis_artifacts(void)
{
	static const char *const pairs[] = {
	    "setup.py",
	    "import os\nos.system('x')\n",
	    "pkg/c.py",
	    "import os as o\no.system('x')\neval('1')\nopen('f')\n",
	    "pkg/d.py",
	    "import base64\r\nbase64.b64decode('x')\r\n",
	    "PKG-INFO",
	    "Metadata-Version: 2.2\nName: x\nLicense-File: LICENSE\n",
	    "LICENSE",
	    "MIT\n",
	    "tests/test_x.py",
	    "x = 1\n",
	    "x.egg-info/SOURCES.txt",
	    "setup.py\n",
	    NULL};
	double v[64];
	struct evidence_list ev = {0};
	const struct featureset_type *t;
	size_t i;

	/* apis: per-category counts in packj mode; apis_alias resolves import aliases */
	t = featureset_find("apis");
	CHECK(t && t->n_features == 11, "apis has 11 columns");
	run_set("apis", NULL, pairs, v, &ev);
	for (i = 0; t && i < t->n_features; i++)
		if (!strcmp(t->feature_names[i], "sink_process_operation"))
			CHECK(v[i] == 1, "apis.sink_process_operation = 1 (o.system missed)");
		else if (!strcmp(t->feature_names[i], "sink_code_generation"))
			CHECK(v[i] == 1, "apis.sink_code_generation = 1");
		else if (!strcmp(t->feature_names[i], "source_file"))
			CHECK(v[i] == 1, "apis.source_file = 1");
		else if (!strcmp(t->feature_names[i], "source_obfuscation"))
			CHECK(v[i] == 1, "apis.source_obfuscation = 1");
	run_set("apis_alias", NULL, pairs, v, &ev);
	t = featureset_find("apis_alias");
	for (i = 0; t && i < t->n_features; i++)
		if (!strcmp(t->feature_names[i], "sink_process_operation"))
			CHECK(v[i] == 2,
			      "apis_alias.sink_process_operation = 2 (o.system resolved)");

	/* text: the document, verbatim */
	{
		struct featureset *fs = featureset_alloc(featureset_find("text"), NULL, NULL, 0);
		struct fx_pkg fx;
		struct analysis_ctx ctx;
		struct analysis *a;
		struct sbuf doc = SBUF_INIT;
		struct diag d;
		diag_init(&d);
		fx_init(&fx, pairs);
		fx_ctx(&ctx);
		a = fx_analyse(&fx, &ctx);
		CHECK(fs && fs->type->n_features == 0 && a &&
		          fs->type->document(fs->state, a, &doc, &d) == 0,
		      "text document()");
		CHECK_STR(sbuf_cstr(&doc),
		          "import os\nos.system('x')\neval('1')\nopen('f')\nbase64.b64decode('x')",
		          "text document content");
		analysis_free(a);
		featureset_free(fs);
		sbuf_release(&doc);
	}

	/* artifacts */
	t = featureset_find("artifacts");
	run_set("artifacts", NULL, pairs, v, &ev);
	for (i = 0; t && i < t->n_features; i++) {
		const char *n = t->feature_names[i];
		double want = NAN;
		if (!strcmp(n, "has_setup_py") || !strcmp(n, "has_pkg_info") ||
		    !strcmp(n, "has_egg_info_sources") || !strcmp(n, "has_license_file") ||
		    !strcmp(n, "has_tests_dir") || !strcmp(n, "has_license_file_header") ||
		    !strcmp(n, "metadata_version_ge_2_2"))
			want = 1;
		else if (!strcmp(n, "has_setup_cfg") || !strcmp(n, "has_pyproject_toml") ||
		         !strcmp(n, "has_github_dir") || !strcmp(n, "has_wheel_metadata"))
			want = 0;
		else if (!strcmp(n, "metadata_version"))
			want = 2.2;
		else if (!strcmp(n, "crlf_py_share"))
			want = 0.25;
		else if (!strcmp(n, "n_members"))
			want = 7;
		else if (!strcmp(n, "n_py"))
			want = 4;
		if (!isnan(want))
			CHECK_REL(v[i], want, 1e-12, "artifacts.%s", n);
	}
	evidence_list_release(&ev);
}

int main(void)
{
	toolkit_init();
	fx_load_shared();
	test_install_cmd();
	test_install_cmd_long_lines();
	test_url();
	test_long_str();
	test_params();
	test_text_apis_artifacts();
	fx_free_shared();
	return harness_done();
}
