/* libFuzzer target: arbitrary bytes through the text matchers of the feature sets -- the shipped
 * install-command patterns of code.has_install_cmd (core/analysis/patterns, TRE), the URL/IP
 * finder (core/analysis/urls) and the licence-family matcher (core/analysis/license) -- checking
 * their output invariants and their work bounds (issue 8.3): a pattern reads each character of a
 * line once, the URL finder examines at most 16 bytes per byte of text, and the licence
 * matcher's work stays within its text times the table (its linearity is asserted by
 * tests/test_license.c). Built by
 * `make fuzz`; run from the repository root so the shipped tables are found. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/domains.h"
#include "core/analysis/license.h"
#include "core/analysis/patterns.h"
#include "core/analysis/urls.h"
#include "core/base/datafile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pattern_table *patterns;
static struct license_table *licenses;
static struct domains *domains;
static size_t license_bytes; /* the licence table's size: its phrases are shorter */

static void init(void)
{
	char path[4096];
	struct diag d;
	diag_init(&d);
	if (!datafile_path("install_patterns.txt", path, sizeof(path)) ||
	    pattern_table_load(&patterns, path, &d) < 0)
		abort(); /* run from the repository root */
	if (!datafile_path("license_families.csv", path, sizeof(path)) ||
	    license_table_load(&licenses, path, &d) < 0)
		abort();
	{
		FILE *f = fopen(path, "rb");
		if (f) {
			fseek(f, 0, SEEK_END);
			license_bytes = (size_t)ftell(f);
			fclose(f);
		}
	}
	/* the mini list of the tests, if present: host verdicts then run the PSL lookups */
	if (domains_load(&domains, "tests/data/top-domains-mini.csv", 0, 1, &d) < 0)
		domains = NULL;
	diag_release(&d);
}

static void fuzz_patterns(const char *text, size_t size)
{
	size_t off = 0;
	while (off <= size) {
		const char *nl = memchr(text + off, '\n', size - off);
		size_t n = (nl ? (size_t)(nl - text) : size) - off;
		struct pattern_work aw = {0, 0};
		int some = 0, any = pattern_match_any(patterns, text + off, n, &aw);
		if (any < 0 || aw.chars > n + 1)
			abort();
		for (size_t p = 0; p < pattern_table_size(patterns); p++) {
			struct pattern_work w = {0, 0};
			size_t so = 0, eo = 0;
			int m = pattern_match(patterns, p, text + off, n, &so, &eo, &w);
			if (m < 0 || m > 1 || (m && (so > eo || eo > n)) || w.calls != 1 ||
			    w.chars > n + 1)
				abort();
			some |= m;
		}
		if (some != any) /* the one-pass alternation agrees with the patterns */
			abort();
		if (!nl)
			break;
		off += n + 1;
	}
}

static void fuzz_urls(const char *text, size_t size)
{
	struct url_rules r;
	struct url_finds f;
	struct diag d;
	url_rules_default(&r);
	memset(&f, 0, sizeof(f));
	diag_init(&d);
	if (urls_scan(domains, &r, text, size, 0, &f, &d) == 0) {
		if (f.scanned > 16 * size + 16)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (!f.v[i].text || !f.v[i].host || f.v[i].line < 1 || f.v[i].col >= size ||
			    strlen(f.v[i].text) > URLS_TEXT_MAX)
				abort();
	}
	url_finds_release(&f);
	diag_release(&d);
}

static void fuzz_license(const char *text, size_t size)
{
	for (int k = LICENSE_CLASSIFIER; k <= LICENSE_FILE; k++) {
		size_t work = 0, n = size < LICENSE_TEXT_MAX ? size : LICENSE_TEXT_MAX;
		const char *fam =
		    license_family_work(licenses, (enum license_kind)k, text, size, &work);
		if (work > (n + 1) * 2 * (license_bytes + 16) + 16)
			abort();
		if (fam && !*fam)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the text as the analysis sees it: NUL-terminated */
	char *text = malloc(size + 1);
	if (!patterns)
		init();
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_patterns(text, size);
	fuzz_urls(text, size);
	fuzz_license(text, size);
	free(text);
	return 0;
}
