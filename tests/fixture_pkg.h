/* In-memory package fixtures for the analysis and feature-set tests: a struct package built from
 * (path, content) pairs, with the shared API table and the mini domain list loaded once.
 * Header-only (static functions) so each test program includes its own copy. */
#ifndef PYVET_TESTS_FIXTURE_PKG_H
#define PYVET_TESTS_FIXTURE_PKG_H

#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/apiscan.h"
#include "core/base/datafile.h"
#include "core/analysis/domains.h"
#include "core/pkg/package.h"
#include "tests/fixture_files.h"
#include "tests/harness.h"

#define FX_MAX_FILES 32

struct fx_pkg {
	struct package pkg;
	struct package_file files[FX_MAX_FILES];
};

static struct api_table *fx_apis;
static struct domains *fx_domains;

/* Load the shipped API table and tests/data/top-domains-mini.csv; exits on failure. */
static void fx_load_shared(void)
{
	char path[4096];
	struct diag d;
	diag_init(&d);
	if (!datafile_path("python_apis.csv", path, sizeof(path)) ||
	    api_table_load(&fx_apis, path, &d) < 0) {
		fprintf(stderr, "cannot load the API table: %s\n", diag_message(&d));
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/top-domains-mini.csv", harness_data_dir());
	if (domains_load(&fx_domains, path, 0, 1, &d) < 0) {
		fprintf(stderr, "cannot load '%s': %s\n", path, diag_message(&d));
		exit(1);
	}
}

static void fx_free_shared(void)
{
	api_table_free(fx_apis);
	domains_free(fx_domains);
}

/* pairs: path, content, ..., NULL (content NULL = listed, not loaded). Contents are borrowed. */
static void fx_init(struct fx_pkg *fx, const char *const *pairs)
{
	memset(fx, 0, sizeof(*fx));
	fx_fill_files(&fx->pkg, fx->files, FX_MAX_FILES, pairs, 1000);
	snprintf(fx->pkg.format, sizeof(fx->pkg.format), "dir");
}

/* Default context over the shared resources. */
static void fx_ctx(struct analysis_ctx *c)
{
	analysis_ctx_default(c);
	c->apis = fx_apis;
	c->domains = fx_domains;
}

/* Run the analysis; NULL (and a failed check) on error. */
static struct analysis *fx_analyse(struct fx_pkg *fx, const struct analysis_ctx *c)
{
	struct analysis *a = NULL;
	struct diag d;
	diag_init(&d);
	if (analysis_run(&fx->pkg, c, &a, &d) < 0) {
		CHECK(0, "analysis_run: %s", diag_message(&d));
		return NULL;
	}
	return a;
}

#endif
