/* Unit tests for the `meta` and `file` feature sets (D5-D7, D17, D18) on hand-built packages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/domains.h"
#include "core/analysis/evidence.h"
#include "core/pkg/package.h"
#include "core/pkg/pkginfo.h"
#include "core/pkg/view.h"
#include "core/base/toolkit.h"
#include "featuresets/featureset.h"
#include "tests/fixture_files.h"
#include "tests/harness.h"

static struct domains *dl;

/* A package built from (path, content) pairs, and its analysis. */
struct fixture {
	struct package pkg;
	struct package_file files[16];
	struct analysis a;
	struct analysis_ctx ctx;
};

/* pairs: path, content, path, content, ..., NULL. Content NULL = listed but not loaded. */
static void fixture_init(struct fixture *fx, const char *const *pairs)
{
	memset(fx, 0, sizeof(*fx));
	fx_fill_files(&fx->pkg, fx->files, sizeof(fx->files) / sizeof(fx->files[0]), pairs,
	              5000000);
	analysis_ctx_default(&fx->ctx);
	fx->ctx.domains = dl;
	fx->a.pkg = &fx->pkg;
	fx->a.ctx = &fx->ctx;
	{
		struct diag d;
		diag_init(&d);
		if (pkgview_build(&fx->pkg, &fx->a.view, &d) < 0)
			BUG("pkgview_build: %s", diag_message(&d));
		if (fx->a.view->metadata &&
		    pkginfo_parse(fx->a.view->metadata->text, fx->a.view->metadata->len, NULL,
		                  &fx->a.info, &d) < 0)
			printf("# pkginfo_parse: %s\n", diag_message(&d));
		diag_release(&d);
	}
	fx->a.setup_cfg = fx->a.view->setup_cfg;
}

static void fixture_release(struct fixture *fx)
{
	pkginfo_free(fx->a.info);
	pkgview_free(fx->a.view);
}

/* Extract with feature set `name` and parameters; out[2]; returns extract()'s result.
 * The evidence is kept in *ev (caller releases). */
static int run(const char *name, const char *params, struct fixture *fx, double out[2],
               struct evidence_list *ev)
{
	char err[256];
	struct diag d;
	struct featureset *fs = featureset_alloc(featureset_find(name), params, err, sizeof(err));
	int rc;
	out[0] = out[1] = -1;
	if (!fs) {
		printf("# featureset_alloc(%s, %s): %s\n", name, params ? params : "", err);
		return -2;
	}
	diag_init(&d);
	memset(ev, 0, sizeof(*ev));
	rc = fs->type->extract(fs->state, &fx->a, out, ev, &d);
	if (rc < 0)
		printf("# extract: %s\n", diag_message(&d));
	featureset_free(fs);
	return rc;
}

/* Whether some evidence item of `rule` has a detail containing `needle`. */
static int ev_has(const struct evidence_list *ev, const char *rule, const char *needle)
{
	for (size_t i = 0; i < ev->n; i++)
		if (!strcmp(ev->v[i].rule, rule) && ev->v[i].detail &&
		    strstr(ev->v[i].detail, needle))
			return 1;
	return 0;
}

/* Run `name` on one metadata text (plus optional extra files) and return feature `col`. */
static double value(const char *name, const char *params, const char *pkginfo,
                    const char *const *extra, int col, const char *ev_rule, const char *ev_needle)
{
	const char *pairs[34];
	size_t n = 0;
	struct fixture fx;
	struct evidence_list ev;
	double out[2];
	if (pkginfo) {
		pairs[n++] = "PKG-INFO";
		pairs[n++] = pkginfo;
	}
	for (size_t i = 0; extra && extra[i] && n < 32; i++)
		pairs[n++] = extra[i];
	pairs[n] = pairs[n + 1] = NULL; /* a name without contents ("listed only") ends in NULL */
	fixture_init(&fx, pairs);
	if (run(name, params, &fx, out, &ev) < 0)
		out[col] = -1;
	if (ev_rule && !ev_has(&ev, ev_rule, ev_needle)) {
		printf("# evidence '%s' with '%s' missing; have:\n", ev_rule, ev_needle);
		for (size_t i = 0; i < ev.n; i++)
			printf("#   %s %s:%zu [%s] %s\n", ev.v[i].rule,
			       ev.v[i].file ? ev.v[i].file : "-", ev.v[i].line,
			       ev.v[i].snippet ? ev.v[i].snippet : "",
			       ev.v[i].detail ? ev.v[i].detail : "");
		out[col] = -3;
	}
	evidence_list_release(&ev);
	fixture_release(&fx);
	return out[col];
}

#define IS(v, want, ...) CHECK((v) == (want), __VA_ARGS__)

static void registry(void)
{
	const struct featureset_type *m = featureset_find("meta"), *f = featureset_find("file");
	char err[256];
	struct featureset *fs;
	CHECK(m && m->n_features == 2 && !strcmp(m->feature_names[0], "is_valid_homepage") &&
	          !strcmp(m->feature_names[1], "is_valid_author_email"),
	      "meta registered with its two features");
	CHECK(f && f->n_features == 2 && !strcmp(f->feature_names[0], "min_cfg") &&
	          !strcmp(f->feature_names[1], "is_license"),
	      "file registered with its two features");
	CHECK(featureset_alloc(f, "license.min_sources=4", err, sizeof(err)) == NULL &&
	          strstr(err, "min_sources"),
	      "license.min_sources=4 rejected");
	CHECK(featureset_alloc(f, "license.table=/nonexistent/x.csv", err, sizeof(err)) == NULL &&
	          strstr(err, "nonexistent"),
	      "missing licence table rejected at check()");
	CHECK(featureset_alloc(m, "homepage_sources=all", err, sizeof(err)) == NULL,
	      "bad enum rejected");
	fs = featureset_alloc(m, "homepage_sources=home,email_fields=author+maintainer", err,
	                      sizeof(err));
	CHECK(fs != NULL, "meta options accepted: %s", fs ? "" : err);
	featureset_free(fs);
}

static void homepage(void)
{
	static const char *const md_https =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://github.com/a/x\n\nbody\n";
	static const char *const md_http =
	    "Metadata-Version: 2.1\nName: x\nHome-page: http://github.com/a/x\n";
	static const char *const md_unlisted =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://evil-payload.xyz/\n";
	static const char *const md_unknown =
	    "Metadata-Version: 2.1\nName: x\nHome-page: UNKNOWN\n";
	static const char *const md_project =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://evil-payload.xyz/\n"
	    "Project-URL: Documentation, https://pypi.org/docs\n"
	    "Project-URL: Source Code, https://github.com/a/x\n";
	static const char *const md_project_docs =
	    "Metadata-Version: 2.1\nName: x\nProject-URL: Documentation, https://github.com/a/x\n";
	static const char *const md_ghio =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://evil.github.io/x\n";
	static const char *const md_ip =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://8.8.8.8/x\n";
	static const char *const md_example =
	    "Metadata-Version: 2.1\nName: x\nHome-page: https://example.com\n";
	static const char *const md_noscheme =
	    "Metadata-Version: 2.1\nName: x\nHome-page: github.com/a/x\n";

	IS(value("meta", NULL, md_https, NULL, 0, "homepage", "valid"), 1,
	   "https homepage on a popular domain");
	IS(value("meta", NULL, md_http, NULL, 0, "homepage", "not https"), 0,
	   "http homepage invalid");
	IS(value("meta", "homepage_require_https=0", md_http, NULL, 0, NULL, NULL), 1,
	   "http homepage valid with homepage_require_https=0");
	IS(value("meta", NULL, md_unlisted, NULL, 0, "homepage", "not a popular domain"), 0,
	   "unlisted domain invalid");
	IS(value("meta", NULL, md_unknown, NULL, 0, "homepage", "no homepage"), 0,
	   "UNKNOWN = no homepage");
	IS(value("meta", NULL, md_project, NULL, 0, "homepage",
	         "valid: https on popular domain 'github.com'"),
	   1, "source Project-URL on a popular domain makes it valid");
	IS(value("meta", "homepage_sources=home", md_project, NULL, 0, NULL, NULL), 0,
	   "homepage_sources=home ignores Project-URL");
	IS(value("meta", NULL, md_project_docs, NULL, 0, "homepage", "no homepage"), 0,
	   "a Documentation Project-URL is not a candidate");
	IS(value("meta", NULL, md_ghio, NULL, 0, "homepage", "evil.github.io"), 0,
	   "evil.github.io is not github.io's popularity (psl_private=1)");
	IS(value("meta", NULL, md_ip, NULL, 0, "homepage", "IP literal"), 0, "IP homepage invalid");
	IS(value("meta", NULL, md_example, NULL, 0, NULL, NULL), 1,
	   "example.com is in the list: valid by default");
	IS(value("meta", "reserved_valid=0", md_example, NULL, 0, "homepage", "reserved"), 0,
	   "reserved_valid=0 rejects example.com");
	IS(value("meta", NULL, md_noscheme, NULL, 0, "homepage", "not a url"), 0,
	   "no scheme: not a url");
	IS(value("meta", NULL, NULL, NULL, 0, "homepage", "no metadata"), 0, "no metadata file");
}

static void email(void)
{
	static const char *const md_ok = "Name: x\nAuthor-email: Jane Doe <jane@google.com>\n";
	static const char *const md_bare = "Name: x\nAuthor-email: jane@mail.python.org\n";
	static const char *const md_multi =
	    "Name: x\nAuthor-email: \"Doe, Jane\" <jane@evil-payload.xyz>, bob@github.com\n";
	static const char *const md_unlisted = "Name: x\nAuthor-email: a@evil-payload.xyz\n";
	static const char *const md_bad[] = {
	    "Name: x\nAuthor-email: not an address\n",  "Name: x\nAuthor-email: a@@google.com\n",
	    "Name: x\nAuthor-email: @google.com\n",     "Name: x\nAuthor-email: a b@google.com\n",
	    "Name: x\nAuthor-email: a@google\n",        "Name: x\nAuthor-email: a@google..com\n",
	    "Name: x\nAuthor-email: a@google.com.\n",   "Name: x\nAuthor-email: a@goo_gle.com\n",
	    "Name: x\nAuthor-email: J <a@google.com\n", NULL};
	static const char *const md_maint =
	    "Name: x\nAuthor-email: a@evil-payload.xyz\nMaintainer-email: m@pypi.org\n";
	static const char *const md_none = "Name: x\nAuthor: Jane\n";
	static const char *const md_ip = "Name: x\nAuthor-email: a@8.8.8.8\n";

	IS(value("meta", NULL, md_ok, NULL, 1, "author_email", "valid"), 1,
	   "Name <addr> on a popular domain");
	IS(value("meta", NULL, md_bare, NULL, 1, NULL, NULL), 1,
	   "bare address on a subdomain of a popular domain");
	IS(value("meta", NULL, md_multi, NULL, 1, "author_email", "evil-payload.xyz"), 1,
	   "second of two addresses valid (quoted comma in the name)");
	IS(value("meta", NULL, md_unlisted, NULL, 1, "author_email", "not a popular domain"), 0,
	   "unlisted domain");
	for (size_t i = 0; md_bad[i]; i++)
		IS(value("meta", NULL, md_bad[i], NULL, 1, NULL, NULL), 0, "malformed address %zu",
		   i);
	IS(value("meta", NULL, md_maint, NULL, 1, NULL, NULL), 0,
	   "Maintainer-email ignored by default");
	IS(value("meta", "email_fields=author+maintainer", md_maint, NULL, 1, NULL, NULL), 1,
	   "email_fields=author+maintainer reads Maintainer-email");
	IS(value("meta", NULL, md_none, NULL, 1, "author_email", "no Author-email"), 0,
	   "no Author-email");
	IS(value("meta", NULL, md_ip, NULL, 1, NULL, NULL), 0, "IP domain invalid");
}

static void meta_without_list(void)
{
	static const char *const pairs[] = {"PKG-INFO", "Name: x\nHome-page: https://github.com/\n",
	                                    NULL};
	struct fixture fx;
	struct evidence_list ev;
	double out[2];
	struct diag d;
	char err[128];
	struct featureset *fs;
	fixture_init(&fx, pairs);
	fx.ctx.domains = NULL;
	diag_init(&d);
	fs = featureset_alloc(featureset_find("meta"), NULL, err, sizeof(err));
	memset(&ev, 0, sizeof(ev));
	CHECK(fs && fs->type->extract(fs->state, &fx.a, out, &ev, &d) < 0 &&
	          strstr(diag_message(&d), "domain list"),
	      "meta without a domain list is an error");
	featureset_free(fs);
	evidence_list_release(&ev);
	fixture_release(&fx);
}

static void min_cfg(void)
{
	static const char *const md = "Name: x\n";
	const char *cfg_default[] = {"setup.cfg", "[egg_info]\ntag_build = \ntag_date = 0\n\n",
	                             NULL};
	const char *cfg_svn[] = {
	    "setup.cfg",
	    "# generated\n[egg_info]\r\ntag_build =\r\ntag_date = 0\r\ntag_svn_revision = 0\r\n",
	    NULL};
	const char *cfg_empty[] = {"setup.cfg", "\n; nothing\n", NULL};
	const char *cfg_meta[] = {
	    "setup.cfg", "[metadata]\nname = x\nversion = 1.0\n\n[egg_info]\ntag_build =\n", NULL};
	const char *cfg_key[] = {"setup.cfg", "[egg_info]\ntag_build =\negg_base = build\n", NULL};
	const char *cfg_cont[] = {"setup.cfg",
	                          "[egg_info]\ntag_build =\n  continued\ntag-date: 0\n", NULL};
	const char *cfg_nosec[] = {"setup.cfg", "tag_build =\n", NULL};
	const char *cfg_flake[] = {
	    "setup.cfg", "[egg_info]\ntag_build =\n\n[flake8]\nmax-line-length = 100\n", NULL};
	const char *cfg_garbage[] = {"setup.cfg", "[egg_info]\nhello world\n", NULL};
	const char *cfg_nested[] = {"pkg/setup.cfg", "[metadata]\nname = x\n", NULL};
	const char *cfg_big[] = {"setup.cfg", NULL, NULL};

	IS(value("file", NULL, md, cfg_default, 0, "min_cfg", "minimal"), 1,
	   "setuptools default setup.cfg is minimal");
	IS(value("file", NULL, md, cfg_svn, 0, NULL, NULL), 1,
	   "with tag_svn_revision, comments and CRLF");
	IS(value("file", NULL, md, cfg_empty, 0, "min_cfg", "no sections"), 1,
	   "comment-only setup.cfg is minimal");
	IS(value("file", NULL, md, cfg_meta, 0, "min_cfg", "section [metadata]"), 0,
	   "[metadata] is not minimal");
	IS(value("file", NULL, md, cfg_key, 0, "min_cfg", "egg_base"), 0,
	   "another egg_info key is not minimal");
	IS(value("file", NULL, md, cfg_cont, 0, NULL, NULL), 1,
	   "continuation line and tag-date spelling");
	IS(value("file", NULL, md, cfg_nosec, 0, "min_cfg", "before any section"), 0,
	   "key without section");
	IS(value("file", NULL, md, cfg_flake, 0, "min_cfg", "[flake8]"), 0,
	   "tool section is not minimal");
	IS(value("file", NULL, md, cfg_garbage, 0, "min_cfg", "neither"), 0,
	   "unparsable line is not minimal");
	IS(value("file", NULL, md, cfg_big, 0, "min_cfg", "not loaded"), 0,
	   "unloaded setup.cfg is not minimal");
	IS(value("file", NULL, md, NULL, 0, "min_cfg", "absent=1"), 1,
	   "absent setup.cfg: 1 by default");
	IS(value("file", NULL, md, cfg_nested, 0, NULL, NULL), 1, "only the root setup.cfg counts");
	IS(value("file", "min_cfg.absent=0", md, NULL, 0, NULL, NULL), 0, "min_cfg.absent=0");
	CHECK(isnan(value("file", "min_cfg.absent=nan", md, NULL, 0, NULL, NULL)),
	      "min_cfg.absent=nan");
}

static const char *const MIT_FILE = "MIT License\n\nCopyright (c) 2021 X\n\nPermission is hereby "
                                    "granted, free of charge, to any person\n";
static const char *const APACHE_FILE = "\n   Apache License\n   Version 2.0, January 2004\n";
static const char *const BSD3_FILE =
    "Redistribution and use in source and binary forms, with or without modification.\n"
    "3. Neither the name of the copyright holder nor the names\n";

static void is_license(void)
{
	static const char *const md_all_mit =
	    "Name: x\nLicense: MIT\nClassifier: Programming Language :: Python\n"
	    "Classifier: License :: OSI Approved\nClassifier: License :: OSI Approved :: MIT "
	    "License\n";
	static const char *const md_field_mit = "Name: x\nLicense: MIT\n";
	static const char *const md_cls_mit =
	    "Name: x\nClassifier: License :: OSI Approved :: MIT License\n";
	static const char *const md_mismatch =
	    "Name: x\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: MIT License\n";
	static const char *const md_bsd =
	    "Name: x\nLicense: BSD\nClassifier: License :: OSI Approved :: BSD License\n";
	static const char *const md_bsd2 = "Name: x\nLicense: BSD-2-Clause\n";
	static const char *const md_unknown = "Name: x\nLicense: UNKNOWN\n";
	static const char *const md_expr = "Name: x\nLicense-Expression: MIT\nLicense: see file\n";
	static const char *const md_licfile =
	    "Name: x\nLicense: MIT\nLicense-File: LICENSES/MIT.txt\n";
	static const char *const md_osi_only =
	    "Name: x\nLicense: MIT\nClassifier: License :: OSI Approved\n";
	static const char *const md_gpl = "Name: x\nLicense: GPLv3+\nClassifier: License :: OSI "
	                                  "Approved :: GNU General Public License (GPL)\n";
	const char *f_mit[] = {"LICENSE", MIT_FILE, NULL};
	const char *f_mit_lower[] = {"license.txt", MIT_FILE, NULL};
	const char *f_copying[] = {"COPYING", APACHE_FILE, NULL};
	const char *f_bsd3[] = {"LICENSE.md", BSD3_FILE, NULL};
	const char *f_nested[] = {"LICENSES/MIT.txt", MIT_FILE, NULL};
	const char *f_docs[] = {"docs/LICENSE", MIT_FILE, NULL};
	const char *f_odd[] = {"LICENSE", "All rights reserved, do what you like.\n", NULL};
	const char *f_dist[] = {"x-1.0.dist-info/METADATA",
	                        "Name: x\nLicense: MIT\nLicense-File: LICENSE\n",
	                        "x-1.0.dist-info/licenses/LICENSE", MIT_FILE, NULL};

	IS(value("file", NULL, md_all_mit, f_mit, 1, "license", "consistent"), 1,
	   "classifier, field and file agree");
	IS(value("file", NULL, md_all_mit, NULL, 1, NULL, NULL), 1, "two sources agree (no file)");
	IS(value("file", NULL, md_field_mit, f_mit_lower, 1, "license", "file: MIT"), 1,
	   "field + license.txt");
	IS(value("file", NULL, md_field_mit, NULL, 1, "license", "too few"), 0,
	   "one source is too few by default");
	IS(value("file", "license.min_sources=1", md_field_mit, NULL, 1, NULL, NULL), 1,
	   "license.min_sources=1");
	IS(value("file", "license.min_sources=3", md_all_mit, NULL, 1, NULL, NULL), 0,
	   "license.min_sources=3 without file");
	IS(value("file", "license.min_sources=3", md_all_mit, f_mit, 1, NULL, NULL), 1,
	   "license.min_sources=3 with file");
	IS(value("file", NULL, md_mismatch, NULL, 1, "license", "mismatch"), 0,
	   "MIT vs Apache-2.0");
	IS(value("file", NULL, md_cls_mit, f_copying, 1, "license", "Apache-2.0"), 0,
	   "classifier MIT vs COPYING Apache");
	IS(value("file", NULL, md_bsd, f_bsd3, 1, NULL, NULL), 1,
	   "plain BSD agrees with a BSD-3 file");
	IS(value("file", "license.level=exact", md_bsd, f_bsd3, 1, NULL, NULL), 0,
	   "license.level=exact: BSD vs BSD-3");
	IS(value("file", NULL, md_bsd2, f_bsd3, 1, NULL, NULL), 0, "BSD-2 vs BSD-3 disagree");
	IS(value("file", NULL, md_unknown, f_mit, 1, NULL, NULL), 0, "UNKNOWN field is absent");
	IS(value("file", NULL, md_expr, f_mit, 1, "license", "License-Expression"), 1,
	   "License-Expression read");
	IS(value("file", NULL, md_licfile, f_nested, 1, "license", "file: MIT"), 1,
	   "License-File names a nested file");
	IS(value("file", NULL, md_field_mit, f_nested, 1, NULL, NULL), 0,
	   "nested file without License-File is not read");
	IS(value("file", NULL, md_field_mit, f_docs, 1, NULL, NULL), 0,
	   "docs/LICENSE is not a root member");
	IS(value("file", NULL, md_field_mit, f_odd, 1, "license", "file: unrecognised"), 0,
	   "unrecognised file is absent");
	IS(value("file", NULL, md_osi_only, f_mit, 1, NULL, NULL), 1,
	   "bare OSI Approved classifier skipped");
	IS(value("file", NULL, md_gpl, NULL, 1, NULL, NULL), 1,
	   "GPL classifier agrees with GPLv3+ field");
	IS(value("file", NULL, NULL, f_dist, 1, "license", "consistent"), 1,
	   "wheel: dist-info/licenses/LICENSE via License-File");
	IS(value("file", NULL, NULL, f_mit, 1, NULL, NULL), 0, "no metadata: one source only");
	/* the licence-file header alone is not a feature: same value with and without it */
	{
		static const char *const with = "Name: x\nLicense: MIT\nLicense-File: LICENSE\n";
		CHECK(value("file", NULL, with, f_mit, 1, NULL, NULL) ==
		          value("file", NULL, md_field_mit, f_mit, 1, NULL, NULL),
		      "License-File header presence does not change is_license");
		CHECK(value("file", NULL, with, NULL, 1, NULL, NULL) ==
		          value("file", NULL, md_field_mit, NULL, 1, NULL, NULL),
		      "License-File naming a missing file does not change is_license");
	}
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
	registry();
	homepage();
	email();
	meta_without_list();
	min_cfg();
	is_license();
	domains_free(dl);
	return harness_done();
}
