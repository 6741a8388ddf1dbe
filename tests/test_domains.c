/* Unit tests for core/domains: list loading, registrable-domain reduction and matching (D5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/datafile.h"
#include "core/analysis/domains.h"
#include "core/analysis/domaintable.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static const char *reg(const struct domains *dl, const char *host, char *buf, size_t n)
{
	const char *r = domains_registrable(dl, host, buf, n);
	return r ? r : "(null)";
}

static void fixture_tests(void)
{
	char path[512], buf[300];
	struct diag d;
	struct domains *dl = NULL;
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/top-domains-mini.csv", harness_data_dir());

	if (!CHECK(domains_load(&dl, path, 0, 1, &d) == 0, "load fixture list (private=1): %s",
	           diag_message(&d)))
		return;
	INT_IS(domains_rows(dl), 14, "fixture rows");
	INT_IS(domains_dropped_suffix(dl), 4,
	       "googleapis.com github.io co.uk readthedocs.io are suffixes");
	INT_IS(domains_dropped_invalid(dl), 2, "IP literal and 'bad domain' dropped");
	INT_IS(domains_count(dl), 8, "distinct registrable domains");
	INT_IS(strlen(domains_sha256(dl)), 64, "sha256 is 64 hex characters");
	{
		char hex[65];
		CHECK(datafile_sha256(path, hex) == 0 && !strcmp(hex, domains_sha256(dl)),
		      "sha256 equals datafile_sha256 of the file");
	}
	CHECK(domains_match(dl, "www.google.com"), "www.google.com matches google.com");
	CHECK(domains_match(dl, "WWW.GOOGLE.COM."), "upper case and trailing dot");
	CHECK(domains_match(dl, "cdn.example-cdn.net"),
	      "entry clients2.example-cdn.net counts for its registrable domain");
	CHECK(domains_match(dl, "example.com"), "upper-case list entry is lower-cased");
	CHECK(domains_match(dl, "news.bbc.co.uk"), "news.bbc.co.uk -> bbc.co.uk");
	CHECK(!domains_match(dl, "evil.co.uk"), "another co.uk domain is not listed");
	CHECK(!domains_match(dl, "evil.github.io"), "evil.github.io is its own registrable domain");
	CHECK(!domains_match(dl, "github.io"), "a public suffix never matches");
	CHECK(!domains_match(dl, "x.googleapis.com"),
	      "entry googleapis.com dropped with the private section");
	CHECK(!domains_match(dl, "1.2.3.4"), "IP literal never matches even when listed");
	CHECK(!domains_match(dl, "::1"), "IPv6 literal never matches");
	CHECK(!domains_match(dl, ""), "empty host");
	CHECK(!domains_match(dl, "google..com"), "empty label");
	CHECK(!domains_match(dl, ".google.com"), "leading dot");
	CHECK(!domains_match(dl, "goo gle.com"), "space in host");
	CHECK(!domains_match(dl, "googlecom"), "single label");
	CHECK(!domains_match(dl, "google.com.evil.org"), "listed name as a subdomain of another");
	CHECK(!domains_match(NULL, "google.com"), "NULL list matches nothing");
	STR_IS(reg(dl, "www.google.com", buf, sizeof(buf)), "google.com",
	       "registrable www.google.com");
	STR_IS(reg(dl, "evil.github.io", buf, sizeof(buf)), "evil.github.io",
	       "registrable evil.github.io (private)");
	STR_IS(reg(dl, "a.b.evil.github.io", buf, sizeof(buf)), "evil.github.io",
	       "registrable a.b.evil.github.io (private)");
	STR_IS(reg(dl, "Shop.BBC.co.uk.", buf, sizeof(buf)), "bbc.co.uk",
	       "registrable Shop.BBC.co.uk.");
	STR_IS(reg(dl, "co.uk", buf, sizeof(buf)), "(null)",
	       "public suffix has no registrable domain");
	STR_IS(reg(dl, "8.8.8.8", buf, sizeof(buf)), "(null)", "IP has no registrable domain");
	CHECK(domains_registrable(dl, "www.google.com", buf, 5) == NULL, "too small buffer");
	domains_free(dl);

	dl = NULL;
	if (CHECK(domains_load(&dl, path, 0, 0, &d) == 0, "load fixture list (private=0)")) {
		INT_IS(domains_psl_private(dl), 0, "psl_private recorded");
		INT_IS(domains_dropped_suffix(dl), 1, "only co.uk is an ICANN suffix");
		INT_IS(domains_count(dl), 11, "github.io googleapis.com readthedocs.io kept");
		CHECK(domains_match(dl, "evil.github.io"),
		      "ICANN only: evil.github.io -> github.io");
		CHECK(domains_match(dl, "docs.x.readthedocs.io"),
		      "ICANN only: docs.x.readthedocs.io -> readthedocs.io");
		STR_IS(reg(dl, "evil.github.io", buf, sizeof(buf)), "github.io",
		       "registrable evil.github.io (ICANN)");
		STR_IS(reg(dl, "x.y.blogspot.co.uk", buf, sizeof(buf)), "blogspot.co.uk",
		       "ICANN: blogspot.co.uk");
		CHECK(!domains_match(dl, "1.2.3.4"), "IP never matches (private=0)");
		domains_free(dl);
	}

	dl = NULL;
	if (CHECK(domains_load(&dl, path, 3, 1, &d) == 0, "load top=3")) {
		INT_IS(domains_rows(dl), 3, "top=3 reads three rows");
		INT_IS(domains_count(dl), 2, "google.com and github.com");
		CHECK(!domains_match(dl, "pypi.org"), "row 7 not loaded with top=3");
		domains_free(dl);
	}

	snprintf(path, sizeof(path), "%s/top-domains-plain.txt", harness_data_dir());
	dl = NULL;
	if (CHECK(domains_load(&dl, path, 0, 1, &d) == 0, "one domain per line")) {
		INT_IS(domains_rows(dl), 3, "plain rows");
		CHECK(domains_match(dl, "google.com") && domains_match(dl, "pypi.org"),
		      "plain: first and last line");
		domains_free(dl);
	}
	snprintf(path, sizeof(path), "%s/top-domains-noheader.csv", harness_data_dir());
	dl = NULL;
	if (CHECK(domains_load(&dl, path, 0, 1, &d) == 0, "Alexa-style csv without header")) {
		INT_IS(domains_rows(dl), 3, "headerless rows");
		CHECK(domains_match(dl, "google.com") && !domains_match(dl, "1"),
		      "first row is data");
		domains_free(dl);
	}

	dl = (struct domains *)&d; /* must be reset to NULL on failure */
	CHECK(domains_load(&dl, "/nonexistent/list.csv", 0, 1, &d) < 0 && dl == NULL,
	      "missing file is an error");
	CHECK(strstr(diag_message(&d), "/nonexistent/list.csv") != NULL, "message names the file");
	diag_release(&d);
}

static void real_list_tests(void)
{
	char buf[4096];
	const char *path = harness_shared_file("data/top-domains.csv", buf, sizeof(buf));
	struct diag d;
	struct domains *dl = NULL;
	struct timespec t0, t1;
	if (!path) {
		SKIP("real domain list <shared>/data/top-domains.csv not present (PYVET_SHARED, "
		     "../shared)");
		return;
	}
	diag_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!CHECK(domains_load_list(&dl, path, 0, 1, &d) == 0, "parse the real list: %s",
	           diag_message(&d)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# real list: %zu rows, %zu registrable domains, %zu public-suffix entries dropped, "
	       "%zu invalid, %.3f s\n",
	       domains_rows(dl), domains_count(dl), domains_dropped_suffix(dl),
	       domains_dropped_invalid(dl),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	INT_IS(domains_rows(dl), 250000, "250k rows");
	CHECK(domains_dropped_suffix(dl) > 100 && domains_dropped_suffix(dl) < 2000,
	      "a few hundred entries are public suffixes (googleapis.com, github.io, ...)");
	CHECK(domains_match(dl, "www.google.com"), "real: www.google.com");
	CHECK(domains_match(dl, "github.com"), "real: github.com");
	CHECK(domains_match(dl, "news.bbc.co.uk"), "real: news.bbc.co.uk");
	CHECK(domains_match(dl, "files.pythonhosted.org"), "real: files.pythonhosted.org");
	CHECK(!domains_match(dl, "evil.github.io"), "real: evil.github.io not popular (private=1)");
	CHECK(!domains_match(dl, "x.googleapis.com"), "real: googleapis.com dropped as a suffix");
	CHECK(!domains_match(dl, "8.8.8.8"), "real: IP never matches");
	CHECK(!domains_match(dl, "qzxv-not-a-real-domain-7731.com"), "real: made-up domain");
	domains_free(dl);
	dl = NULL;
	if (CHECK(domains_load(&dl, path, 0, 0, &d) == 0, "real list, psl_private=0")) {
		CHECK(domains_match(dl, "evil.github.io"),
		      "real: evil.github.io popular with ICANN only");
		CHECK(domains_match(dl, "x.googleapis.com"),
		      "real: x.googleapis.com popular with ICANN only");
		domains_free(dl);
	}
	diag_release(&d);
}

/* Hosts to compare the two paths on: every list entry as given and varied (subdomain, upper
 * case, trailing dot, its registrable domain's parent), made-up names, suffixes and IPs. */
static size_t compare_paths(const struct domains *a, const struct domains *b, const char *list,
                            size_t max_rows, size_t *n_match)
{
	static const char *const extra[] = {"",
	                                    "com",
	                                    "co.uk",
	                                    "github.io",
	                                    "evil.github.io",
	                                    "x.googleapis.com",
	                                    "8.8.8.8",
	                                    "[::1]",
	                                    "localhost",
	                                    "qzxv-not-a-real-domain-7731.com",
	                                    "xn--80ak6aa92e.com",
	                                    "a..b",
	                                    "-bad-.com",
	                                    "very.deep.sub.domain.example.co.uk.",
	                                    "WWW.GOOGLE.COM."};
	FILE *f = fopen(list, "r");
	char line[512], host[600], buf[300];
	size_t n = 0, differ = 0;
	*n_match = 0;
	for (size_t i = 0; i < sizeof(extra) / sizeof(*extra); i++, n++) {
		int ma = domains_match(a, extra[i]);
		differ += ma != domains_match(b, extra[i]);
		*n_match += (size_t)ma;
	}
	while (f && fgets(line, sizeof(line), f) && n < max_rows * 5) {
		char *dom = strchr(line, ',');
		dom = dom ? dom + 1 : line;
		dom[strcspn(dom, "\r\n")] = '\0';
		const char *r = domains_registrable(a, dom, buf, sizeof(buf));
		const char *const v[] = {dom, "www.", "UPPER.", "dot.", r ? r : "none.invalid"};
		for (int k = 0; k < 5; k++, n++) {
			if (k == 1 || k == 2)
				snprintf(host, sizeof(host), "%s%s", v[k], dom);
			else if (k == 3)
				snprintf(host, sizeof(host), "%s.", dom);
			else
				snprintf(host, sizeof(host), "%s", v[k]);
			if (k == 2)
				for (char *c = host; *c; c++)
					if (*c >= 'a' && *c <= 'z')
						*c = (char)(*c - 'a' + 'A');
			int ma = domains_match(a, host);
			differ += ma != domains_match(b, host);
			*n_match += (size_t)ma;
		}
	}
	if (f)
		fclose(f);
	return n ? differ : (size_t)-1;
}

/* The compiled table (core/analysis/domaintable.h): written, found through $PYVET_DATA, the same
 * decisions as the parsed list, refused when it does not match, safe when damaged. */
static void table_tests(void)
{
	char list[512], dir[] = "/tmp/pyvet-test-dt-XXXXXX", tab[600], cmd[700];
	struct diag d;
	struct domains *parsed = NULL, *mapped = NULL, *other = NULL;
	size_t n_match = 0;
	diag_init(&d);
	snprintf(list, sizeof(list), "%s/top-domains-mini.csv", harness_data_dir());
	if (!CHECK(mkdtemp(dir) != NULL, "temporary data directory"))
		return;
	snprintf(tab, sizeof(tab), "%s/%s", dir, DOMAINS_TABLE_NAME);
	CHECK(domains_load_list(&parsed, list, 0, 1, &d) == 0 && !domains_uses_table(parsed),
	      "parse the fixture list (%s)", diag_message(&d));
	CHECK(domains_write_table(parsed, tab, 0, &d) == 0, "write its table (%s)",
	      diag_message(&d));
	setenv("PYVET_DATA", dir, 1);
	CHECK(domains_load(&mapped, list, 0, 1, &d) == 0 && domains_uses_table(mapped),
	      "domains_load() maps the matching table found in $PYVET_DATA (%s)", diag_message(&d));
	if (parsed && mapped) {
		INT_IS(domains_count(mapped), domains_count(parsed), "table: same count");
		INT_IS(domains_rows(mapped), domains_rows(parsed), "table: same rows");
		INT_IS(domains_dropped_suffix(mapped), domains_dropped_suffix(parsed),
		       "table: same suffix drops");
		STR_IS(domains_sha256(mapped), domains_sha256(parsed), "table: same list hash");
		INT_IS(compare_paths(mapped, parsed, list, 100, &n_match), 0,
		       "table and parse agree on every host of the fixture");
		CHECK(n_match > 10, "and some of them match (%zu)", n_match);
	}
	domains_free(mapped);
	mapped = NULL;
	CHECK(domains_load(&other, list, 0, 0, &d) == 0 && !domains_uses_table(other),
	      "psl_private=0: the table (built with 1) is not used");
	domains_free(other);
	other = NULL;
	CHECK(domains_load(&other, list, 5, 1, &d) == 0 && !domains_uses_table(other),
	      "top=5: the table (built with all rows) is not used");
	domains_free(other);
	other = NULL;
	{
		char p2[600];
		snprintf(p2, sizeof(p2), "%s/top-domains-plain.txt", harness_data_dir());
		CHECK(domains_load(&other, p2, 0, 1, &d) == 0 && !domains_uses_table(other),
		      "another list file: the table (of another SHA-256) is not used");
		domains_free(other);
		other = NULL;
	}
	setenv("PYVET_NO_DOMAIN_TABLE", "1", 1);
	CHECK(domains_load(&other, list, 0, 1, &d) == 0 && !domains_uses_table(other),
	      "$PYVET_NO_DOMAIN_TABLE forces the parse");
	unsetenv("PYVET_NO_DOMAIN_TABLE");
	domains_free(other);
	other = NULL;
	/* damaged tables: truncated, bad magic, slot offsets pointing outside the pool */
	{
		struct domaintable *t = NULL;
		FILE *f;
		long size;
		char *bytes;
		f = fopen(tab, "rb");
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		bytes = malloc((size_t)size);
		CHECK(fread(bytes, 1, (size_t)size, f) == (size_t)size, "read the table back");
		fclose(f);
		f = fopen(tab, "wb");
		fwrite(bytes, 1, (size_t)size - 3, f);
		fclose(f);
		CHECK(domaintable_open(&t, tab, &d) < 0 && !t, "truncated table refused: %s",
		      diag_message(&d));
		CHECK(domains_load(&other, list, 0, 1, &d) == 0 && !domains_uses_table(other),
		      "a truncated table falls back to the parse");
		domains_free(other);
		other = NULL;
		bytes[0] = 'X';
		f = fopen(tab, "wb");
		fwrite(bytes, 1, (size_t)size, f);
		fclose(f);
		CHECK(domaintable_open(&t, tab, &d) < 0, "bad magic refused");
		bytes[0] = 'P';
		for (long off = 256; off + 8 <= size && off < 256 + 8 * 64; off += 8)
			memset(bytes + off, 0x7f, 8); /* slots with huge offsets */
		f = fopen(tab, "wb");
		fwrite(bytes, 1, (size_t)size, f);
		fclose(f);
		if (CHECK(domaintable_open(&t, tab, &d) == 0, "a table with wild slots opens")) {
			int found = 0;
			for (int i = 0; i < 2000; i++) {
				char h[32];
				snprintf(h, sizeof(h), "h%d.com", i);
				found += domaintable_has(t, h, strlen(h));
			}
			CHECK(found == 0,
			      "lookups through wild slots find nothing (%d) and stay inside "
			      "the mapping (under ASan: no report)",
			      found);
			domaintable_close(t);
		}
		free(bytes);
	}
	unsetenv("PYVET_DATA");
	domains_free(parsed);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "temporary data directory removed");
	diag_release(&d);
}

/* The table make built for the real list (build/data/top-domains.pvdt) gives the same decisions
 * as parsing the list, on every entry and four variations of it (1.25M hosts). */
static void real_table_tests(void)
{
	char buf[4096];
	const char *list = harness_shared_file("data/top-domains.csv", buf, sizeof(buf));
	struct diag d;
	struct domains *parsed = NULL, *mapped = NULL;
	size_t n_match = 0, differ;
	if (!list) {
		SKIP("real domain list <shared>/data/top-domains.csv not present: the compiled "
		     "table is not compared");
		return;
	}
	diag_init(&d);
	if (!CHECK(domains_load(&mapped, list, 0, 1, &d) == 0, "load '%s' (%s)", list,
	           diag_message(&d)))
		return;
	if (!domains_uses_table(mapped)) {
		SKIP("no compiled table matches '%s' (run make): not compared", list);
		domains_free(mapped);
		return;
	}
	CHECK(domains_load_list(&parsed, list, 0, 1, &d) == 0, "parse it too");
	if (parsed) {
		INT_IS(domains_count(mapped), domains_count(parsed), "real table: same count");
		size_t rows = getenv("PYVET_ASAN") ? 20000 : 250000; /* sanitizers: a prefix */
		differ = compare_paths(mapped, parsed, list, rows, &n_match);
		INT_IS(differ, 0, "real table and parse agree on every host (%zu matched)",
		       n_match);
		CHECK(n_match > rows * 3, "most list-derived hosts match (%zu)", n_match);
	}
	domains_free(parsed);
	domains_free(mapped);
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	fixture_tests();
	real_list_tests();
	table_tests();
	real_table_tests();
	return harness_done();
}
