/* Unit tests for core/domains: list loading, registrable-domain reduction and matching (D5). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/base/datafile.h"
#include "core/analysis/domains.h"
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
	if (!CHECK(domains_load(&dl, path, 0, 1, &d) == 0, "load the real list: %s",
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

int main(void)
{
	toolkit_init();
	fixture_tests();
	real_list_tests();
	return harness_done();
}
