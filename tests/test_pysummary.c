/* Tests for core/analysis/pysummary: scopes, statements, calls with their parent call and
 * keyword, bindings and references, per-file statistics and the statement and call of string
 * literals, built by the one lexer pass of analysis_run() on in-memory packages. */
#include <stdio.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "tests/fixture_pkg.h"
#include "tests/harness.h"

static struct analysis *analyse(struct fx_pkg *fx, const char *path, const char *src)
{
	const char *pairs[] = {path, src, NULL};
	struct analysis_ctx ctx;
	fx_init(fx, pairs);
	fx_ctx(&ctx);
	return fx_analyse(fx, &ctx);
}

/* The first call named `name`, or PYSUM_NONE. */
static size_t call_named(const struct pysum *s, const char *name)
{
	for (size_t c = 0; c < s->n_calls; c++)
		if (!strcmp(pysum_str(s, s->calls[c].name), name))
			return c;
	return PYSUM_NONE;
}

static size_t scope_named(const struct pysum *s, const char *name)
{
	for (size_t k = 0; k < s->n_scopes; k++)
		if (!strcmp(pysum_str(s, s->scopes[k].name), name))
			return k;
	return PYSUM_NONE;
}

static const struct pysum_stmt *stmt_of(const struct pysum *s, size_t c)
{
	return &s->stmts[s->calls[c].stmt];
}

static void test_scopes_and_calls(void)
{
	static const char src[] =
	    "import base64 as b, os\n"
	    "from setuptools import setup\n"
	    "from setuptools.command.install import install\n"
	    "'''doc'''\n"
	    "x = b.b64decode('aGk=')\n"
	    "def helper(a, k=default()):\n"
	    "    os.system('id'); return 1\n"
	    "class Post(install, metaclass=Meta):\n"
	    "    def run(self):\n"
	    "        if True:\n"
	    "            install.run(self)\n"
	    "y = 2\n"
	    "setup(name='p', version=get_version(), cmdclass={'install': Post},\n"
	    "      data=dict(os.environ))\n"
	    "if True: z = f(1)\n";
	struct fx_pkg fx;
	struct analysis *a = analyse(&fx, "setup.py", src);
	const struct pysum *s;
	size_t c, k, mod;
	if (!a)
		return;
	s = &a->sum;
	mod = analysis_file_stats(a, a->view->setup_py)->module_scope;
	CHECK(mod != PYSUM_NONE && s->scopes[mod].kind == PYSUM_MODULE, "a module scope");
	k = scope_named(s, "helper");
	CHECK(k != PYSUM_NONE && s->scopes[k].kind == PYSUM_DEF && s->scopes[k].parent == mod &&
	          s->scopes[k].line == 6,
	      "def helper at line 6 in the module");
	k = scope_named(s, "Post");
	CHECK(k != PYSUM_NONE && s->scopes[k].kind == PYSUM_CLASS &&
	          !strcmp(pysum_str(s, s->scopes[k].bases), "setuptools.command.install.install"),
	      "class Post: its base resolved through the import, the metaclass keyword left out "
	      "('%s')",
	      k != PYSUM_NONE ? pysum_str(s, s->scopes[k].bases) : "");
	c = call_named(s, "base64.b64decode");
	CHECK(c != PYSUM_NONE && stmt_of(s, c)->scope == mod && s->calls[c].line == 5,
	      "b.b64decode resolves to base64.b64decode, module level, line 5");
	c = call_named(s, "os.system");
	CHECK(c != PYSUM_NONE && stmt_of(s, c)->scope == scope_named(s, "helper"),
	      "os.system inside helper (a one-line body after ';' too)");
	c = call_named(s, "default");
	CHECK(c != PYSUM_NONE && stmt_of(s, c)->scope == mod,
	      "a parameter default is evaluated by the enclosing scope's statement");
	c = call_named(s, "setuptools.command.install.install.run");
	k = scope_named(s, "run");
	CHECK(c != PYSUM_NONE && k != PYSUM_NONE && stmt_of(s, c)->scope == k &&
	          s->scopes[k].parent == scope_named(s, "Post"),
	      "install.run inside the method run of Post (nested if)");
	c = call_named(s, "get_version");
	CHECK(c != PYSUM_NONE && s->calls[c].parent == call_named(s, "setuptools.setup") &&
	          !strcmp(pysum_str(s, s->calls[c].kwarg), "version") && s->calls[c].arg == 1,
	      "get_version() is the setup() argument 'version'");
	c = call_named(s, "dict");
	CHECK(c != PYSUM_NONE && s->calls[c].line == 14 &&
	          !strcmp(pysum_str(s, s->calls[c].kwarg), "data"),
	      "dict(...) on the continuation line, keyword 'data'");
	c = call_named(s, "f");
	CHECK(c != PYSUM_NONE && stmt_of(s, c)->scope == mod &&
	          stmt_of(s, c)->kind == PYSUM_STMT_ASSIGN,
	      "`if True: z = f(1)`: the body is another statement");
	/* statement kinds */
	{
		size_t n_import = 0, n_doc = 0, n_assign = 0;
		for (size_t i = 0; i < s->n_stmts; i++) {
			n_import += s->stmts[i].kind == PYSUM_STMT_IMPORT;
			n_doc += s->stmts[i].kind == PYSUM_STMT_DOCSTRING;
			n_assign +=
			    s->stmts[i].kind == PYSUM_STMT_ASSIGN && s->stmts[i].scope == mod;
		}
		INT_IS(n_import, 3, "three import statements");
		INT_IS(n_doc, 1, "one docstring statement");
		INT_IS(n_assign, 3, "x, y, z assigned at module level");
	}
	/* references: the class under cmdclass=, os.environ as a whole argument */
	{
		int cls = 0, env = 0;
		for (size_t r = 0; r < s->n_refs; r++) {
			const struct pysum_ref *rf = &s->refs[r];
			if (rf->kind == PYSUM_REF_BINDING &&
			    !strcmp(pysum_str(s, rf->name), "Post") &&
			    !strcmp(pysum_str(s, rf->kwarg), "cmdclass") &&
			    s->binds[rf->bind].kind == PYSUM_BIND_CLASS)
				cls = 1;
			if (rf->kind == PYSUM_REF_MODULE_ATTR &&
			    !strcmp(pysum_str(s, rf->name), "os.environ") &&
			    rf->call == call_named(s, "dict"))
				env = 1;
		}
		CHECK(cls, "the class Post is referenced under setup(cmdclass=...)");
		CHECK(env, "os.environ is a whole argument of dict()");
	}
	/* string literals know their statement and call */
	{
		int found = 0;
		for (size_t i = 0; i < a->n_strings; i++) {
			const struct file_string *fs = &a->strings[i];
			const char *t = analysis_file_text(a, fs->file, NULL) + fs->body_off;
			if (fs->body_len == 2 && !memcmp(t, "id", 2))
				found = fs->call == call_named(s, "os.system") && fs->arg == 0 &&
				        fs->kwarg == PYSUM_NONE;
		}
		CHECK(found, "'id' is argument 0 of os.system");
	}
	analysis_free(a);
}

static void test_bindings_and_refs(void)
{
	static const char src[] = "import zlib\n"
	                          "def f(s):\n"
	                          "    x = zlib.decompress(s)\n"
	                          "    y = x.decode()\n"
	                          "    y += ''\n"
	                          "    x = 1\n"
	                          "    exec(y)\n"
	                          "    return x\n"
	                          "y = 0\n"
	                          "t = 'abc'[::-1]\n"
	                          "print(t, y)\n";
	struct fx_pkg fx;
	struct analysis *a = analyse(&fx, "pkg/m.py", src);
	const struct pysum *s;
	size_t ex;
	if (!a)
		return;
	s = &a->sum;
	ex = call_named(s, "exec");
	if (!CHECK(ex != PYSUM_NONE, "exec call found"))
		goto out;
	{
		/* exec(y) refers to `y += ''`, which reads `y = x.decode()`, which reads `x = ...`
		 */
		size_t r, b, st;
		for (r = 0; r < s->n_refs && s->refs[r].call != ex; r++)
			;
		if (!CHECK(r < s->n_refs && s->refs[r].kind == PYSUM_REF_BINDING, "exec(y) refers"))
			goto out;
		b = s->refs[r].bind;
		CHECK(s->binds[b].kind == PYSUM_BIND_AUGASSIGN &&
		          s->stmts[s->binds[b].stmt].line == 5,
		      "to the augmented assignment of line 5");
		st = s->binds[b].stmt;
		CHECK(s->stmts[st].n_refs == 1 &&
		          s->stmts[s->binds[s->refs[s->stmts[st].first_ref].bind].stmt].line == 4,
		      "which reads y of line 4");
		st = s->binds[s->refs[s->stmts[st].first_ref].bind].stmt;
		CHECK(s->stmts[st].n_refs == 1 &&
		          s->stmts[s->binds[s->refs[s->stmts[st].first_ref].bind].stmt].line == 3,
		      "which reads x of line 3 (not the later x = 1)");
	}
	{
		/* the module-level y of line 9 is another scope's binding */
		size_t pr = call_named(s, "print"), n = 0;
		int reverse = 0;
		for (size_t r = 0; r < s->n_refs; r++)
			if (s->refs[r].call == pr)
				n++;
		CHECK(n == 2, "print(t, y) reads the module-level t and y (%zu refs)", n);
		for (size_t i = 0; i < s->n_stmts; i++)
			if (s->stmts[i].line == 10)
				reverse = (s->stmts[i].flags & PYSUM_REVERSE_SLICE) != 0;
		CHECK(reverse, "`[::-1]` flags its statement");
	}
out:
	analysis_free(a);
}

static void test_stats(void)
{
	static const char src[] = "def \xef\xbd\x86(a, bb, ccc):\n"  /* fullwidth f: NFKC -> f */
	                          "    \xc3\xa9t\xc3\xa9 = a + bb\n" /* été: non-ASCII, NFC */
	                          "    return ccc\n";
	struct fx_pkg fx;
	struct analysis *a = analyse(&fx, "m.py", src);
	const struct pysum_file *st;
	if (!a)
		return;
	st = analysis_file_stats(a, &a->view->files[0]);
	if (CHECK(st, "statistics of m.py")) {
		INT_IS(st->n_lines, 3, "three lines");
		INT_IS(st->max_line, 20, "longest line: 20 bytes (the fullwidth f is 3)");
		INT_IS(st->n_names, 8, "eight identifier tokens (def and return are keywords)");
		INT_IS(st->n_short_names, 5, "f, a, bb, a, bb: five short ones");
		INT_IS(st->n_nonascii_names, 2, "two written with non-ASCII characters");
		INT_IS(st->n_nfkc_changed, 1, "one changed by NFKC (the fullwidth f)");
	}
	analysis_free(a);
}

/* Broken code never fails the summary: unclosed brackets close at the end of the file. */
static void test_broken(void)
{
	static const char src[] = "x = f(g(1,\nclass (:\n  def\n)))]]}\n@@\nexec(";
	struct fx_pkg fx;
	struct analysis *a = analyse(&fx, "m.py", src);
	if (!a)
		return;
	CHECK(call_named(&a->sum, "exec") != PYSUM_NONE && call_named(&a->sum, "g") != PYSUM_NONE,
	      "calls of broken code are still recorded");
	analysis_free(a);
}

int main(void)
{
	fx_load_shared();
	test_scopes_and_calls();
	test_bindings_and_refs();
	test_stats();
	test_broken();
	fx_free_shared();
	return harness_done();
}
