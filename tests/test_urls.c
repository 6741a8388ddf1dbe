/* Unit tests for core/urls: URL and IPv4 extraction and the D15 suspicion verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/domains.h"
#include "core/base/toolkit.h"
#include "core/analysis/urls.h"
#include "tests/harness.h"
#include "tests/realpkg.h"

static struct domains *dl;
static struct url_rules rules;

/* Scan `text`; returns the number of finds, fills *f (caller releases). */
static size_t scan(const char *text, struct url_finds *f)
{
	struct diag d;
	diag_init(&d);
	memset(f, 0, sizeof(*f));
	if (urls_scan(dl, &rules, text, strlen(text), 0, f, &d) < 0)
		printf("# scan error: %s\n", diag_message(&d));
	return f->n;
}

/* One find expected: its text, host, verdict and reason bits. */
static void one(const char *text, const char *want_text, const char *want_host, int suspicious,
                unsigned reasons)
{
	struct url_finds f;
	char rb[64], wb[64];
	size_t n = scan(text, &f);
	if (!CHECK(n == 1, "one find in '%s' (got %zu)", text, n)) {
		url_finds_release(&f);
		return;
	}
	STR_IS(f.v[0].text, want_text, "text of '%s'", text);
	STR_IS(f.v[0].host, want_host, "host of '%s'", text);
	INT_IS(f.v[0].suspicious, suspicious, "verdict of '%s'", text);
	CHECK(f.v[0].reasons == reasons, "reasons of '%s': got %s, want %s", text,
	      url_reasons_string(f.v[0].reasons, rb, sizeof(rb)),
	      url_reasons_string(reasons, wb, sizeof(wb)));
	url_finds_release(&f);
}

static void none(const char *text)
{
	struct url_finds f;
	size_t n = scan(text, &f);
	CHECK(n == 0, "no find in '%s' (got %zu, first '%s')", text, n, n ? f.v[0].text : "");
	url_finds_release(&f);
}

static void extraction(void)
{
	one("x = 'https://www.google.com/search?q=1'", "https://www.google.com/search?q=1",
	    "www.google.com", 0, 0);
	one("url = \"http://github.com/a/b\"", "http://github.com/a/b", "github.com", 1,
	    URL_INSECURE);
	one("ftp://pypi.org/pub", "ftp://pypi.org/pub", "pypi.org", 1, URL_INSECURE);
	one("HTTPS://GitHub.COM/X", "HTTPS://GitHub.COM/X", "github.com", 0, 0);
	one("see https://evil-payload.xyz/p.sh", "https://evil-payload.xyz/p.sh",
	    "evil-payload.xyz", 1, URL_UNLISTED);
	one("http://evil-payload.xyz:8080/x", "http://evil-payload.xyz:8080/x", "evil-payload.xyz",
	    1, URL_INSECURE | URL_UNLISTED);
	one("# docs at https://github.com/a/b.", "https://github.com/a/b", "github.com", 0, 0);
	one("(see https://github.com/a)", "https://github.com/a", "github.com", 0, 0);
	one("https://github.com.", "https://github.com.", "github.com", 0, 0);
	one("https://user:pw@github.com/x", "https://user:pw@github.com/x", "github.com", 0, 0);
	one("https://github.com@evil-host.ru/x", "https://github.com@evil-host.ru/x",
	    "evil-host.ru", 1, URL_UNLISTED);
	one("https://evil.github.io/x", "https://evil.github.io/x", "evil.github.io", 1,
	    URL_UNLISTED);
	one("https://files.pythonhosted.org/packages", "https://files.pythonhosted.org/packages",
	    "files.pythonhosted.org", 0, 0);
	one("https://github.com?x=1", "https://github.com?x=1", "github.com", 0, 0);
	/* IP hosts and bare IPs */
	one("http://45.77.12.3/x.sh", "http://45.77.12.3/x.sh", "45.77.12.3", 1,
	    URL_INSECURE | URL_IS_IP | URL_PUBLIC_IP);
	one("https://45.77.12.3:443/", "https://45.77.12.3:443/", "45.77.12.3", 1,
	    URL_IS_IP | URL_PUBLIC_IP);
	one("s.connect(('45.77.12.3', 4444))", "45.77.12.3", "45.77.12.3", 1,
	    URL_IS_IP | URL_PUBLIC_IP);
	one("host=8.8.8.8;", "8.8.8.8", "8.8.8.8", 1, URL_IS_IP | URL_PUBLIC_IP);
	one("ip1.2.3.4", "1.2.3.4", "1.2.3.4", 1, URL_IS_IP | URL_PUBLIC_IP);
	one("127.0.0.1", "127.0.0.1", "127.0.0.1", 0, URL_IS_IP | URL_EXEMPT);
	one("127.8.9.10", "127.8.9.10", "127.8.9.10", 0, URL_IS_IP | URL_EXEMPT);
	one("0.0.0.0", "0.0.0.0", "0.0.0.0", 0, URL_IS_IP | URL_EXEMPT);
	one("10.1.2.3", "10.1.2.3", "10.1.2.3", 0, URL_IS_IP | URL_EXEMPT);
	one("172.16.0.1", "172.16.0.1", "172.16.0.1", 0, URL_IS_IP | URL_EXEMPT);
	one("172.31.255.255", "172.31.255.255", "172.31.255.255", 0, URL_IS_IP | URL_EXEMPT);
	one("172.32.0.1", "172.32.0.1", "172.32.0.1", 1, URL_IS_IP | URL_PUBLIC_IP);
	one("192.168.1.1", "192.168.1.1", "192.168.1.1", 0, URL_IS_IP | URL_EXEMPT);
	one("169.254.169.254", "169.254.169.254", "169.254.169.254", 0, URL_IS_IP | URL_EXEMPT);
	one("http://192.168.0.10:8000/", "http://192.168.0.10:8000/", "192.168.0.10", 0,
	    URL_INSECURE | URL_IS_IP | URL_EXEMPT);
	one("http://[::1]:8080/", "http://[::1]:8080/", "::1", 0,
	    URL_INSECURE | URL_IS_IP | URL_EXEMPT);
	one("https://[2001:db8::1]/x", "https://[2001:db8::1]/x", "2001:db8::1", 1,
	    URL_IS_IP | URL_PUBLIC_IP);
	one("https://[fe80::1]/", "https://[fe80::1]/", "fe80::1", 0, URL_IS_IP | URL_EXEMPT);
	one("https://[::ffff:10.0.0.1]/", "https://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1", 0,
	    URL_IS_IP | URL_EXEMPT);
	/* reserved names */
	one("http://localhost:5000/api", "http://localhost:5000/api", "localhost", 0,
	    URL_INSECURE | URL_EXEMPT);
	one("http://example.com/x", "http://example.com/x", "example.com", 0,
	    URL_INSECURE | URL_EXEMPT);
	one("https://api.example.org", "https://api.example.org", "api.example.org", 0, URL_EXEMPT);
	one("https://notexample.com/", "https://notexample.com/", "notexample.com", 1,
	    URL_UNLISTED);
	/* not URLs or not IPs */
	none("version = '1.2.3.4.5'");
	none("2019.10.11.12");
	none("256.1.1.1");
	none("1.2.3");
	none("1.2.3.4.");
	none(".1.2.3.4");
	none("1.2.3.04567");
	none("sftp://evil-payload.xyz/");
	none("xhttp://evil-payload.xyz/");
	none("\"http://\" + host");
	none("http:/evil-payload.xyz");
	none("https://[zz]/");
	none("no urls here at all");
}

static void multi(void)
{
	struct url_finds f;
	const char *t = "a = 'http://a.evil-one.com'\n"
	                "b = ('https://github.com/x', \"1.1.1.1\")\n"
	                "# comment https://evil-two.net/p\n";
	if (CHECK(scan(t, &f) == 4, "four finds in a three-line text")) {
		CHECK(f.v[0].line == 1 && f.v[0].col == 5, "first at 1:5 (got %zu:%zu)",
		      f.v[0].line, f.v[0].col);
		CHECK(f.v[1].line == 2 && f.v[1].col == 6, "second at 2:6");
		CHECK(f.v[2].line == 2 && !strcmp(f.v[2].text, "1.1.1.1"), "third the bare IP");
		CHECK(f.v[3].line == 3 && !strcmp(f.v[3].host, "evil-two.net"), "fourth on line 3");
		CHECK(f.v[0].suspicious && !f.v[1].suspicious && f.v[2].suspicious &&
		          f.v[3].suspicious,
		      "verdicts in order");
	}
	url_finds_release(&f);

	{
		struct diag d;
		diag_init(&d);
		memset(&f, 0, sizeof(f));
		CHECK(urls_scan(dl, &rules, "1.1.1.1 2.2.2.2 3.3.3.3", 23, 2, &f, &d) == 0 &&
		          f.n == 2,
		      "max_finds bounds the finds");
		url_finds_release(&f);
		CHECK(f.n == 0 && f.v == NULL, "release resets");
	}
}

static void options(void)
{
	static const char *const allow[] = {"Evil-Payload.xyz", NULL};
	struct url_rules saved = rules;
	rules.insecure_is_suspicious = 0;
	one("http://github.com/x", "http://github.com/x", "github.com", 0, URL_INSECURE);
	one("http://evil-payload.xyz/x", "http://evil-payload.xyz/x", "evil-payload.xyz", 1,
	    URL_INSECURE | URL_UNLISTED);
	rules = saved;
	rules.private_ip_is_suspicious = 1;
	one("10.1.2.3", "10.1.2.3", "10.1.2.3", 1, URL_IS_IP | URL_PUBLIC_IP);
	one("127.0.0.1", "127.0.0.1", "127.0.0.1", 0, URL_IS_IP | URL_EXEMPT);
	rules = saved;
	rules.allow = allow;
	one("http://cdn.evil-payload.xyz/x", "http://cdn.evil-payload.xyz/x",
	    "cdn.evil-payload.xyz", 0, URL_INSECURE | URL_EXEMPT);
	rules = saved;
	{
		struct url_finds f;
		struct diag d;
		diag_init(&d);
		memset(&f, 0, sizeof(f));
		urls_scan(NULL, &rules, "https://github.com/x", 20, 0, &f, &d);
		CHECK(f.n == 1 && f.v[0].suspicious && (f.v[0].reasons & URL_UNLISTED),
		      "without a list every domain is unlisted");
		url_finds_release(&f);
	}
}

static void parse(void)
{
	char s[16], h[300];
	CHECK(url_parse(" https://GitHub.com/a/b \n", s, sizeof(s), h, sizeof(h)) == 0 &&
	          !strcmp(s, "https") && !strcmp(h, "github.com"),
	      "url_parse https");
	CHECK(url_parse("http://[::1]:80", s, sizeof(s), h, sizeof(h)) == 0 && !strcmp(s, "http") &&
	          !strcmp(h, "::1"),
	      "url_parse IPv6");
	CHECK(url_parse("https://a.b@pypi.org.", s, sizeof(s), h, sizeof(h)) == 0 &&
	          !strcmp(h, "pypi.org"),
	      "url_parse userinfo and trailing dot");
	CHECK(url_parse("github.com/x", s, sizeof(s), h, sizeof(h)) < 0,
	      "url_parse needs a scheme");
	CHECK(url_parse("https://github.com/x y", s, sizeof(s), h, sizeof(h)) < 0,
	      "url_parse: space");
	CHECK(url_parse("mailto:a@b.c", s, sizeof(s), h, sizeof(h)) < 0, "url_parse: mailto");
	CHECK(url_parse("https://", s, sizeof(s), h, sizeof(h)) < 0, "url_parse: no host");
	CHECK(url_parse("https://github.com", s, 3, h, sizeof(h)) < 0, "url_parse: small buffer");
	{
		int sus = -1;
		int r = url_host_verdict(dl, &rules, "github.com", 1, &sus);
		CHECK(r == URL_INSECURE && sus == 1, "url_host_verdict insecure popular");
		r = url_host_verdict(dl, &rules, "::1", 0, &sus);
		CHECK((r & URL_EXEMPT) && sus == 0, "url_host_verdict ::1");
	}
	{
		char b[32];
		STR_IS(url_reasons_string(URL_INSECURE | URL_UNLISTED, b, sizeof(b)),
		       "insecure,unlisted", "reason string");
		STR_IS(url_reasons_string(0, b, sizeof(b)), "", "empty reason string");
	}
}

/* A 10 MB line of adversarial content must be scanned in one linear pass. */
static void big_line(void)
{
	size_t n = (size_t)10 << 20, i;
	char *t = malloc(n + 1);
	struct url_finds f;
	struct diag d;
	static const char *const pieces[] = {"1.2.3.4.", "http://", "https://a@", "9", ".",
	                                     "http:",    "@@@@",    "[::",        "a"};
	if (!t) {
		CHECK(0, "malloc 10 MB");
		return;
	}
	diag_init(&d);
	/* digits and dots only: one run, no IP */
	memset(t, '1', n);
	for (i = 1; i < n; i += 2)
		t[i] = '.';
	memset(&f, 0, sizeof(f));
	CHECK(urls_scan(dl, &rules, t, n, 0, &f, &d) == 0 && f.n == 0,
	      "10 MB of '1.1.1...' has no IP");
	url_finds_release(&f);
	/* one URL with a 10 MB path */
	memcpy(t, "https://github.com/", 19);
	memset(t + 19, 'a', n - 19);
	CHECK(urls_scan(dl, &rules, t, n, 0, &f, &d) == 0 && f.n == 1 &&
	          strlen(f.v[0].text) == URLS_TEXT_MAX,
	      "10 MB URL: one find, text truncated");
	url_finds_release(&f);
	/* a 10 MB host */
	memcpy(t, "https://", 8);
	memset(t + 8, 'a', n - 8);
	CHECK(urls_scan(dl, &rules, t, n, 0, &f, &d) == 0 && f.n == 1 && f.v[0].suspicious,
	      "10 MB host: one unlisted find");
	url_finds_release(&f);
	/* a mix of fragments */
	for (i = 0; i < n;) {
		const char *p = pieces[(i * 7919) % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t l = strlen(p);
		if (i + l > n)
			l = n - i;
		memcpy(t + i, p, l);
		i += l;
	}
	t[n] = '\0';
	CHECK(urls_scan(dl, &rules, t, n, 0, &f, &d) == 0 && f.n <= 100000,
	      "10 MB mixed fragments (%zu finds)", f.n);
	url_finds_release(&f);
	free(t);
}

/* Real packages (tests/data/realpkg/urls.csv): the finds in a sample of corpus members (.py,
 * metadata, setup.cfg, READMEs, text) against the D15 grammar as one Python regular expression
 * and Python's ipaddress: count and a SHA-256 of "line, column, text, host, reason bits" per
 * find (format in tests/data/realpkg/generate.py). "unlisted" is left out of the bits: it
 * depends on the domain list, which the unit tests of domains.c cover. */
static void real_packages(void)
{
	struct realpkg rp;
	char **row;
	if (realpkg_begin(&rp, "urls.csv", "URL extraction") < 0)
		return;
	long cn = realpkg_col(&rp, "n_finds"), csha = realpkg_col(&rp, "sha256");
	while (realpkg_next(&rp, &row) > 0) {
		struct url_finds f = {0};
		struct diag d;
		struct digest dg;
		char hex[65];
		int r;
		diag_init(&d);
		digest_init(&dg);
		r = urls_scan(dl, &rules, rp.text.buf, rp.text.len, 0, &f, &d);
		for (size_t k = 0; k < f.n; k++) {
			realpkg_digestf(&dg, "%zu\t%zu\t", f.v[k].line, f.v[k].col);
			digest_update(&dg, f.v[k].text, strlen(f.v[k].text));
			realpkg_digestf(&dg, "\t%s\t%u\n", f.v[k].host,
			                f.v[k].reasons & ~(unsigned)URL_UNLISTED);
		}
		digest_hex(&dg, hex);
		if (!CHECK(r == 0 && f.n == strtoull(row[cn], NULL, 10) && !strcmp(hex, row[csha]),
		           "real %s: %s: %zu URLs and IPs as the regular expression",
		           row[rp.c_package], row[rp.c_member], f.n)) {
			printf("#   expected %s finds (%s)\n", row[cn], row[csha]);
			for (size_t k = 0; k < f.n && k < 20; k++)
				printf("#   %zu:%zu %.80s host %.60s bits %u\n", f.v[k].line,
				       f.v[k].col, f.v[k].text, f.v[k].host, f.v[k].reasons);
		}
		url_finds_release(&f);
		diag_release(&d);
	}
	realpkg_end(&rp, "URL extraction");
}

/* Adversarial lines: the bytes examined (look-ahead and re-reads included) stay under 16 per
 * byte of text, whatever repeats (issue 8.3: the work is checked, not the clock). */
static void work_bound(void)
{
	static const char *const units[] = {
	    "h ",     "http://",       "http://a@",     "https://[::",   "1.2.3.4.",
	    "http:x", "ftp://a:1:b:",  "http://a/..,",  "HtTpS://A.b.",  "f",
	    "0.",     "http://a@b@c@", "https://x.y/?", "http://[1:2]:", "9.9.9.9 "};
	size_t n = (size_t)1 << 20;
	char *t = malloc(n + 1);
	struct diag d;
	if (!t) {
		CHECK(0, "malloc 1 MB");
		return;
	}
	diag_init(&d);
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		struct url_finds f;
		size_t ul = strlen(units[u]);
		int rc;
		for (size_t i = 0; i < n; i++)
			t[i] = units[u][i % ul];
		t[n] = '\0';
		memset(&f, 0, sizeof(f));
		rc = urls_scan(dl, &rules, t, n, (size_t)-1, &f, &d);
		CHECK(rc == 0 && f.scanned >= n && f.scanned <= 16 * n,
		      "1 MB of '%s': %zu finds, %.2f bytes examined per byte", units[u], f.n,
		      (double)f.scanned / (double)n);
		url_finds_release(&f);
		CHECK(f.scanned == 0, "release resets the counter");
	}
	free(t);
	diag_release(&d);
}

int main(void)
{
	char path[512];
	struct diag d;
	toolkit_init();
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/top-domains-mini.csv", harness_data_dir());
	if (domains_load(&dl, path, 0, 1, &d) < 0)
		die("cannot load '%s': %s", path, diag_message(&d));
	url_rules_default(&rules);
	CHECK(rules.insecure_is_suspicious == 1 && rules.private_ip_is_suspicious == 0 &&
	          !rules.allow,
	      "defaults of D15");
	extraction();
	multi();
	options();
	parse();
	big_line();
	real_packages();
	work_bound();
	domains_free(dl);
	return harness_done();
}
