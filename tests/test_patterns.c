/* Tests for core/analysis/patterns: the table format, the shipped install-command patterns
 * (spec D14), agreement with glibc's regexec on ordinary lines, and the linear bound on
 * pathological lines (issue 8.3), asserted on the characters the matcher read. */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/patterns.h"
#include "core/base/datafile.h"
#include "tests/harness.h"

static struct pattern_table *parse(const char *text, char *msg, size_t n)
{
	struct pattern_table *t = NULL;
	struct diag d;
	diag_init(&d);
	if (pattern_table_parse(&t, text, strlen(text), "t.txt", &d) < 0)
		snprintf(msg, n, "%s", diag_message(&d));
	diag_release(&d);
	return t;
}

static void test_format(void)
{
	char msg[512] = "";
	struct pattern_table *t;
	size_t so, eo;

	t = parse("# comment\n\nword\t\\bfoo\\b\r\nany\tb+\n", msg, sizeof(msg));
	if (!CHECK(t, "two patterns parse (%s)", msg))
		return;
	INT_IS(pattern_table_size(t), 2, "two patterns");
	STR_IS(pattern_table_id(t, 0), "word", "first id");
	STR_IS(pattern_table_id(t, 1), "any", "second id (CR stripped)");
	CHECK(pattern_match(t, 0, "a foo b", 7, &so, &eo, NULL) == 1 && so == 2 && eo == 5,
	      "\\b word match at [2, 5)");
	CHECK(pattern_match(t, 0, "afoob", 5, &so, &eo, NULL) == 0, "no match inside a word");
	CHECK(pattern_match(t, 1, "abbbc", 5, &so, &eo, NULL) == 1 && so == 1 && eo == 4,
	      "leftmost-longest b+ at [1, 4)");
	CHECK(pattern_match(t, 1, "a\0bb", 4, &so, &eo, NULL) == 1 && so == 2 && eo == 4,
	      "a NUL byte is an ordinary character");
	CHECK(pattern_match(t, 1, "abbb", 2, &so, &eo, NULL) == 1 && eo == 2,
	      "the match ends at n");
	pattern_table_free(t);

	CHECK(!parse("notab\n", msg, sizeof(msg)) && strstr(msg, "line 1"),
	      "a line without TAB is an error: %s", msg);
	CHECK(!parse("x\t(a)\\1\n", msg, sizeof(msg)) && strstr(msg, "back reference"),
	      "back references are refused: %s", msg);
	CHECK(!parse("x\t(a\n", msg, sizeof(msg)) && strstr(msg, "t.txt"),
	      "a bad ERE is an error: %s", msg);
	CHECK(!parse("# only comments\n", msg, sizeof(msg)) && strstr(msg, "no patterns"),
	      "an empty table is an error: %s", msg);
	{
		char big[PATTERNS_MAX * 8 + 64];
		size_t k = 0;
		for (int i = 0; i <= PATTERNS_MAX; i++)
			k += (size_t)snprintf(big + k, sizeof(big) - k, "p%d\ta\n", i);
		CHECK(!parse(big, msg, sizeof(msg)) && strstr(msg, "at most"),
		      "more than PATTERNS_MAX patterns is an error: %s", msg);
	}
	t = parse("x\t\\\\1\n", msg, sizeof(msg));
	CHECK(t && pattern_match(t, 0, "a\\1", 3, &so, &eo, NULL) == 1 && so == 1,
	      "an escaped backslash before a digit is not a back reference");
	pattern_table_free(t);
}

static struct pattern_table *shipped(regex_t *re, size_t *n_re)
{
	char path[4096], line[8192];
	struct pattern_table *t = NULL;
	struct diag d;
	FILE *f;
	diag_init(&d);
	if (!datafile_path("install_patterns.txt", path, sizeof(path)) ||
	    pattern_table_load(&t, path, &d) < 0) {
		CHECK(0, "shipped install_patterns.txt loads: %s", diag_message(&d));
		diag_release(&d);
		return NULL;
	}
	diag_release(&d);
	/* the same table compiled by glibc, for the agreement test */
	*n_re = 0;
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *e = line + strlen(line);
		while (e > line && (e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
		if (line[0] == '#' || !tab)
			continue;
		if (regcomp(&re[*n_re], tab + 1, REG_EXTENDED) == 0)
			(*n_re)++;
	}
	if (f)
		fclose(f);
	CHECK(*n_re == pattern_table_size(t), "glibc compiles the same %zu patterns", *n_re);
	return t;
}

static const char *match_id(const struct pattern_table *t, const char *line)
{
	size_t so, eo;
	for (size_t p = 0; p < pattern_table_size(t); p++)
		if (pattern_match(t, p, line, strlen(line), &so, &eo, NULL) == 1)
			return pattern_table_id(t, p);
	return "";
}

static void test_shipped(void)
{
	regex_t re[PATTERNS_MAX];
	size_t n_re = 0, agree = 0, lines = 0, any_agree = 0;
	struct pattern_table *t = shipped(re, &n_re);
	static const char *const frag[] = {
	    "class ",    "Foo",         "(",    ")",          "install",   "develop",
	    "egg_info",  " ",           "\t",   "cmdclass",   "=",         "dict(",
	    "'install'", "\"develop\"", ":",    "setuptools", ".command.", "distutils",
	    "_install",  "x",           "\xe9", "_",          "sdist",     "build_py",
	    "bdist_egg", "#",           ",",    "installer",  "1",         "\"egg_info\""};
	const size_t n_frag = sizeof(frag) / sizeof(frag[0]);
	unsigned long long seed = 42;
	if (!t)
		return;
	STR_IS(match_id(t, "class PostInstall(install):"), "cmd-class", "class ...(install)");
	STR_IS(match_id(t, "class X(Base, develop) :"), "cmd-class", "second base class");
	STR_IS(match_id(t, "class X(installer):"), "", "installer is another word");
	STR_IS(match_id(t, "from setuptools.command.install import install"), "cmd-import",
	       "setuptools.command import");
	STR_IS(match_id(t, "    cmdclass={'install': PostInstall},"), "cmdclass-key",
	       "cmdclass dict key");
	STR_IS(match_id(t, "cmdclass = dict(develop=Dev)"), "cmdclass-kw", "cmdclass=dict(...)");
	STR_IS(match_id(t, "cmdclass={'build_ext': BuildExt}"), "", "a bare cmdclass");

	/* random lines of fragments: TRE and glibc agree on every pattern, match and span */
	for (int i = 0; i < 20000; i++) {
		char line[512];
		size_t k = 0, nf;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		nf = 1 + (size_t)(seed >> 60);
		for (size_t j = 0; j < nf; j++) {
			const char *f;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			f = frag[(seed >> 33) % n_frag];
			k += (size_t)snprintf(line + k, sizeof(line) - k, "%s", f);
		}
		lines++;
		{
			int some = 0, any = pattern_match_any(t, line, k, NULL);
			regmatch_t m[1];
			for (size_t p = 0; p < n_re; p++)
				some |= regexec(&re[p], line, 1, m, 0) == 0;
			any_agree += any == some;
		}
		for (size_t p = 0; p < n_re; p++) {
			regmatch_t m[1];
			size_t so = 0, eo = 0;
			int g = regexec(&re[p], line, 1, m, 0) == 0;
			int r = pattern_match(t, p, line, k, &so, &eo, NULL);
			if (g == r &&
			    (!g || ((size_t)m[0].rm_so == so && (size_t)m[0].rm_eo == eo)))
				agree++;
			else if (agree + 1 == lines * n_re)
				printf("# disagree on pattern %zu, line '%s'\n", p, line);
		}
	}
	INT_IS(agree, lines * n_re, "TRE agrees with glibc regexec on %zu random lines", lines);
	INT_IS(any_agree, lines, "pattern_match_any() = some pattern matches, on %zu lines", lines);
	for (size_t p = 0; p < n_re; p++)
		regfree(&re[p]);
	pattern_table_free(t);
}

/* The literal prefilter: which patterns get a literal set, and that it never rules out a
 * pattern that matches (random lines over the patterns' own pieces). */
static void test_prefilter(void)
{
	static const char *const tab =
	    "word\tfoo\n"                                   /* 0: "foo" */
	    "alt\t(?i)(^|[^a-z])(curl|wget)[[:space:]]+x\n" /* 1: "curl", "wget" */
	    "opt\tpowershell(\\.exe)?\\b\n"                 /* 2: "powershell" */
	    "class\t[a-z]+ing\n"                            /* 3: "ing" */
	    "none\ta.b\n"                                   /* 4: no literal of 2 bytes */
	    "star\t(ab)*c\n"                                /* 5: none ("ab" may be absent) */
	    "plus\t(xy)+z\n"                                /* 6: "xy" */
	    "esc\t\\.ssh([/\\\\]|$)\n"                      /* 7: ".ssh" */
	    "brace\ta{2,3}bc\n"                             /* 8: "bc" (after a{2,3}) */
	    "grp\t(?i)discord(app)?\\.com/api\n";           /* 9: "discord.com/api" ... */
	static const char *const frag[] = {
	    "foo",  "FOO", "curl", "WGet", " ",  "\t",      "x",   "powershell", ".exe",
	    ".EXE", "ing", "abc",  "a",    "b",  "c",       "ab",  "xy",         "z",
	    "\\",   "/",   ".ssh", "aa",   "bc", "discord", "app", ".com/api",   "-"};
	char msg[512] = "", line[256];
	struct pattern_table *t = parse(tab, msg, sizeof(msg));
	unsigned long long seed = 7;
	size_t lines = 0, ok = 0, ruled_out = 0, n_frag = sizeof(frag) / sizeof(frag[0]);
	struct pattern_work w = {0, 0, 0};
	if (!CHECK(t, "prefilter table parses (%s)", msg))
		return;
	CHECK(pattern_candidates(t, "zzzz qqq vvv", 12, &w) == ((1u << 4) | (1u << 5)),
	      "a line with no literal leaves only the patterns without a set: %#llx",
	      (unsigned long long)pattern_candidates(t, "zzzz qqq vvv", 12, NULL));
	CHECK(w.scanned == 12, "one pass: %zu bytes scanned", w.scanned);
	CHECK(pattern_candidates(t, "a CURL x", 8, NULL) & (1u << 1), "curl, any case");
	CHECK(pattern_candidates(t, "run Powershell.exe", 18, NULL) & (1u << 2),
	      "powershell with the optional suffix");
	CHECK(!(pattern_candidates(t, "powershel", 9, NULL) & (1u << 2)), "a prefix is not enough");
	CHECK(pattern_candidates(t, "~/.ssh/id", 9, NULL) & (1u << 7), "an escaped dot");
	CHECK(pattern_candidates(t, "see DISCORDAPP.COM/API/x", 24, NULL) & (1u << 9),
	      "an optional group inside a literal");
	CHECK(pattern_match_any(t, "zzzz", 4, NULL) == 0, "no candidate, no match");
	for (int i = 0; i < 20000; i++) {
		size_t k = 0, nf;
		uint64_t cand;
		int good = 1;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		nf = 1 + (size_t)(seed >> 61);
		for (size_t j = 0; j < nf; j++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			k += (size_t)snprintf(line + k, sizeof(line) - k, "%s",
			                      frag[(seed >> 33) % n_frag]);
		}
		cand = pattern_candidates(t, line, k, NULL);
		for (size_t p = 0; p < pattern_table_size(t); p++) {
			size_t so, eo;
			if (pattern_match(t, p, line, k, &so, &eo, NULL) == 1 && !(cand >> p & 1)) {
				good = 0;
				printf("# pattern %s matches '%s' but is ruled out\n",
				       pattern_table_id(t, p), line);
			}
			ruled_out += !(cand >> p & 1);
		}
		ok += (size_t)good;
		lines++;
	}
	INT_IS(ok, lines, "the prefilter never rules out a matching pattern (%zu random lines)",
	       lines);
	CHECK(ruled_out > lines, "and it rules out %zu pattern runs", ruled_out);
	pattern_table_free(t);
}

/* A line of `unit` repeated to n bytes. Caller frees. */
static char *repeat(const char *unit, size_t n)
{
	char *s = malloc(n + 1);
	size_t ul = strlen(unit);
	for (size_t i = 0; s && i < n; i++)
		s[i] = unit[i % ul];
	if (s)
		s[n] = '\0';
	return s;
}

/* The lines that took glibc's regexec minutes (issue 8.3): every pattern reads each character
 * once (plus the end marker), so the work is linear in the line. */
static void test_pathological(void)
{
	static const char *const units[] = {"class a(",    "cmdclass=dict(",
	                                    "class a(b, ", "cmdclass = dict(x=1, ",
	                                    "'install'",   "(((("};
	regex_t re[PATTERNS_MAX];
	size_t n_re;
	struct pattern_table *t = shipped(re, &n_re);
	for (size_t p = 0; p < n_re; p++)
		regfree(&re[p]);
	if (!t)
		return;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t sizes[] = {12 << 10, 256 << 10};
		for (size_t z = 0; z < 2; z++) {
			size_t n = sizes[z], so, eo;
			char *line = repeat(units[u], n);
			struct pattern_work w = {0, 0, 0};
			int err = 0;
			if (!line) {
				CHECK(0, "malloc");
				continue;
			}
			for (size_t p = 0; p < pattern_table_size(t); p++)
				err |= pattern_match(t, p, line, n, &so, &eo, &w) < 0;
			err |= pattern_match_any(t, line, n, &w) < 0;
			CHECK(!err && w.calls >= pattern_table_size(t) &&
			          w.calls <= pattern_table_size(t) + 1 &&
			          w.chars <= w.calls * (n + 1) && w.scanned <= n,
			      "%zu KB of '%s': %zu calls read %zu characters (bound %zu)", n >> 10,
			      units[u], w.calls, w.chars, w.calls * (n + 1));
			free(line);
		}
	}
	{
		/* a match after a long prefix: found, and still one pass */
		size_t n = 64 << 10, so = 0, eo = 0;
		char *line = repeat("class a(", n);
		struct pattern_work w = {0, 0, 0};
		if (line) {
			int m;
			memcpy(line + n - 8, "install)", 8);
			m = pattern_match(t, 1, line, n, &so, &eo, &w);
			CHECK(
			    m == 1 && so == 0 && eo == n - 1 && w.chars <= n + 1,
			    "cmd-class found at the end of 64 KB: [%zu, %zu), %zu characters read",
			    so, eo, w.chars);
			free(line);
		}
	}
	pattern_table_free(t);
}

int main(void)
{
	test_format();
	test_shipped();
	test_prefilter();
	test_pathological();
	return harness_done();
}
