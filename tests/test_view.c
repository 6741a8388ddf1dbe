/* Unit tests for the canonical package view (core/pkg/view.h, issue 10.3): shape from content,
 * roles, hidden bookkeeping, licence texts wherever the shape keeps them, view paths, universal
 * newlines; and the analysis reading the view only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/pkg/package.h"
#include "core/pkg/view.h"
#include "tests/fixture_files.h"
#include "tests/harness.h"

#define MAX_FILES 32

struct fx {
	struct package pkg;
	struct package_file files[MAX_FILES];
	struct package_file aux[2];
	struct pkgview *v;
};

/* A package of `pairs` (path, content; content NULL = listed, not loaded) in `format`, with root
 * `root`; metadata picked as the fixture does (root PKG-INFO, else a *.dist-info/METADATA), or
 * `metadata` when given. */
static struct pkgview *fx_view(struct fx *fx, const char *format, const char *root,
                               const char *const *pairs, const char *metadata)
{
	struct diag d;
	memset(fx, 0, sizeof(*fx));
	fx_fill_files(&fx->pkg, fx->files, MAX_FILES, pairs, 100);
	snprintf(fx->pkg.format, sizeof(fx->pkg.format), "%s", format);
	fx->pkg.root = (char *)root;
	if (metadata)
		fx->pkg.metadata = package_find(&fx->pkg, metadata);
	diag_init(&d);
	if (pkgview_build(&fx->pkg, &fx->v, &d) < 0) {
		CHECK(0, "pkgview_build: %s", diag_message(&d));
		fx->v = NULL;
	}
	diag_release(&d);
	return fx->v;
}

static void fx_release(struct fx *fx)
{
	pkgview_free(fx->v);
	fx->v = NULL;
}

static int role_of(const struct pkgview *v, const char *path, enum pkgview_role role)
{
	const struct pkgview_file *f = pkgview_find(v, path);
	return f && f->role == role;
}

static void test_shapes(void)
{
	struct fx fx;
	static const char *const sdist[] = {"PKG-INFO", "Name: a\n", "setup.py", "x=1\n", NULL};
	static const char *const sdist_src[] = {"src/a.egg-info/PKG-INFO", "Name: a\n",
	                                        "src/a/__init__.py", "", NULL};
	static const char *const wheel[] = {"a-1.0.dist-info/METADATA",
	                                    "Name: a\n",
	                                    "a-1.0.dist-info/WHEEL",
	                                    "Wheel-Version: 1.0\n",
	                                    "a/__init__.py",
	                                    "",
	                                    NULL};
	static const char *const pip[] = {"a-1.0.dist-info/METADATA",
	                                  "Name: a\n",
	                                  "a-1.0.dist-info/WHEEL",
	                                  "Wheel-Version: 1.0\n",
	                                  "a-1.0.dist-info/INSTALLER",
	                                  "pip\n",
	                                  NULL};
	static const char *const egg_file[] = {"a-1.0.egg-info", "Name: a\n", "a.py", "", NULL};
	static const char *const tree[] = {"a/__init__.py", "", "README", "hi\n", NULL};
	static const char *const deep_egg[] = {"x/y/a.egg-info/PKG-INFO", "Name: a\n", NULL};

	CHECK(fx_view(&fx, "tar.gz", "a-1.0/", sdist, NULL) && fx.v->shape == PKG_SHAPE_SDIST,
	      "root PKG-INFO: sdist");
	fx_release(&fx);
	CHECK(fx_view(&fx, "tar.gz", "", sdist_src, NULL) && fx.v->shape == PKG_SHAPE_SDIST,
	      "src/NAME.egg-info/ without a root PKG-INFO: sdist");
	fx_release(&fx);
	CHECK(fx_view(&fx, "zip", "", wheel, NULL) && fx.v->shape == PKG_SHAPE_WHEEL,
	      "root *.dist-info/WHEEL (a zip, whatever its name): wheel");
	fx_release(&fx);
	CHECK(fx_view(&fx, "tar.gz", "", pip, NULL) && fx.v->shape == PKG_SHAPE_INSTALLED,
	      "*.dist-info/INSTALLER: installed");
	fx_release(&fx);
	CHECK(fx_view(&fx, "tar", "", egg_file, NULL) && fx.v->shape == PKG_SHAPE_INSTALLED,
	      "a root *.egg-info regular file (distutils): installed");
	fx_release(&fx);
	CHECK(fx_view(&fx, "deb>tar.xz", "usr/lib/python3/dist-packages/", tree, NULL) &&
	          fx.v->shape == PKG_SHAPE_INSTALLED,
	      ".deb: installed");
	fx_release(&fx);
	CHECK(fx_view(&fx, "tar.gz", "lib/site-packages/", tree, NULL) &&
	          fx.v->shape == PKG_SHAPE_INSTALLED,
	      "a site-packages root: installed");
	fx_release(&fx);
	CHECK(fx_view(&fx, "dir", "", tree, NULL) && fx.v->shape == PKG_SHAPE_DIR,
	      "no marker: dir");
	fx_release(&fx);
	CHECK(fx_view(&fx, "zip", "", deep_egg, NULL) && fx.v->shape == PKG_SHAPE_DIR,
	      "an egg-info two levels down is not an sdist's");
	fx_release(&fx);
	CHECK(!strcmp(pkg_shape_name(PKG_SHAPE_SDIST), "sdist") &&
	          !strcmp(pkg_shape_name(PKG_SHAPE_WHEEL), "wheel") &&
	          !strcmp(pkg_shape_name(PKG_SHAPE_INSTALLED), "installed") &&
	          !strcmp(pkg_shape_name(PKG_SHAPE_DIR), "dir"),
	      "shape names");
}

static void test_sdist_roles(void)
{
	struct fx fx;
	static const char *const p[] = {"PKG-INFO",
	                                "Metadata-Version: 2.1\nName: a\n",
	                                "a.egg-info/PKG-INFO",
	                                "Metadata-Version: 2.1\nName: a\n",
	                                "a.egg-info/SOURCES.txt",
	                                "setup.py\n",
	                                "a.egg-info/top_level.txt",
	                                "a\n",
	                                "a.egg-info/dependency_links.txt",
	                                "\n",
	                                "a.egg-info/requires.txt",
	                                "six\n",
	                                "a.egg-info/not-zip-safe",
	                                "\n",
	                                "a.egg-info/entry_points.txt",
	                                "[console_scripts]\na = a:main\n",
	                                "setup.py",
	                                "from setuptools import setup\nsetup()\n",
	                                "setup.cfg",
	                                "[egg_info]\ntag_build =\n",
	                                "pyproject.toml",
	                                "[build-system]\n",
	                                "LICENSE",
	                                "MIT License\n",
	                                "a/__init__.py",
	                                "import os\n",
	                                "a/data.json",
	                                "{}\n",
	                                "tests/test_a.py",
	                                "def test(): pass\n",
	                                NULL};
	if (!fx_view(&fx, "tar.gz", "a-1.0/", p, NULL))
		return;
	const struct pkgview *v = fx.v;
	CHECK(v->metadata && !strcmp(v->metadata->path, "PKG-INFO") &&
	          v->metadata->role == PKGVIEW_METADATA,
	      "metadata: the root PKG-INFO");
	CHECK(!pkgview_find(v, "a.egg-info/PKG-INFO") &&
	          !pkgview_find(v, "a.egg-info/SOURCES.txt") &&
	          !pkgview_find(v, "a.egg-info/top_level.txt") &&
	          !pkgview_find(v, "a.egg-info/dependency_links.txt") &&
	          !pkgview_find(v, "a.egg-info/requires.txt") &&
	          !pkgview_find(v, "a.egg-info/not-zip-safe"),
	      "egg-info bookkeeping and the second PKG-INFO are hidden");
	CHECK_INT(v->n_hidden, 6, "six members hidden");
	CHECK(role_of(v, "a.egg-info/entry_points.txt", PKGVIEW_ENTRY_POINTS), "entry points kept");
	CHECK(v->setup_py && v->setup_cfg && v->pyproject && v->setup_py->role == PKGVIEW_SETUP &&
	          v->setup_py->is_python,
	      "setup.py, setup.cfg, pyproject.toml: setup files");
	CHECK(v->n_licenses == 1 && !strcmp(v->licenses[0]->path, "LICENSE"), "root LICENSE");
	CHECK(role_of(v, "a/__init__.py", PKGVIEW_MODULE) &&
	          role_of(v, "tests/test_a.py", PKGVIEW_MODULE) &&
	          role_of(v, "a/data.json", PKGVIEW_DATA),
	      "modules and data files");
	CHECK_INT(v->n_modules, 2, "two modules (setup.py is a setup file)");
	CHECK_INT(v->n_files, 9, "nine view files");
	fx_release(&fx);
}

static void test_wheel_roles(void)
{
	struct fx fx;
	static const char *const p[] = {"a-1.0.dist-info/METADATA",
	                                "Metadata-Version: 2.4\nName: a\nLicense-File: LICENSE\n",
	                                "a-1.0.dist-info/WHEEL",
	                                "Wheel-Version: 1.0\n",
	                                "a-1.0.dist-info/RECORD",
	                                "a/__init__.py,,\n",
	                                "a-1.0.dist-info/top_level.txt",
	                                "a\n",
	                                "a-1.0.dist-info/REQUESTED",
	                                "",
	                                "a-1.0.dist-info/direct_url.json",
	                                "{}\n",
	                                "a-1.0.dist-info/licenses/LICENSE",
	                                "MIT License\n",
	                                "a-1.0.dist-info/COPYING",
	                                "GPL\n",
	                                "a-1.0.dist-info/AUTHORS",
	                                "me\n",
	                                "a-1.0.data/purelib/b/__init__.py",
	                                "x = 1\n",
	                                "a-1.0.data/scripts/run",
	                                "#!/bin/sh\n",
	                                "a/__init__.py",
	                                "import os\n",
	                                NULL};
	if (!fx_view(&fx, "zip+zipcrypto>whl", "", p, NULL))
		return;
	const struct pkgview *v = fx.v;
	CHECK(v->shape == PKG_SHAPE_WHEEL, "wheel");
	CHECK(v->metadata && !strcmp(v->metadata->path, "a-1.0.dist-info/METADATA"),
	      "metadata: METADATA");
	CHECK(!pkgview_find(v, "a-1.0.dist-info/WHEEL") &&
	          !pkgview_find(v, "a-1.0.dist-info/RECORD") &&
	          !pkgview_find(v, "a-1.0.dist-info/top_level.txt") &&
	          !pkgview_find(v, "a-1.0.dist-info/REQUESTED") &&
	          !pkgview_find(v, "a-1.0.dist-info/direct_url.json") &&
	          !pkgview_find(v, "a-1.0.dist-info/AUTHORS"),
	      "WHEEL, RECORD, top_level.txt, REQUESTED, direct_url.json, AUTHORS hidden");
	CHECK(v->n_licenses == 2 && !strcmp(v->licenses[0]->path, "a-1.0.dist-info/COPYING") &&
	          !strcmp(v->licenses[1]->path, "a-1.0.dist-info/licenses/LICENSE"),
	      "licences in the metadata directory and its licenses/ folder");
	CHECK(role_of(v, "b/__init__.py", PKGVIEW_MODULE) &&
	          !pkgview_find(v, "a-1.0.data/purelib/b/__init__.py"),
	      "NAME.data/purelib/ installs into site-packages: prefix removed");
	CHECK(role_of(v, "scripts/run", PKGVIEW_DATA), "NAME.data/scripts/ shown as scripts/");
	CHECK(v->setup_py == NULL && v->setup_cfg == NULL, "no setup files");
	fx_release(&fx);
}

static void test_installed_roles(void)
{
	struct fx fx;
	static const char *const p[] = {"a-1.0.egg-info/PKG-INFO",
	                                "Metadata-Version: 1.2\nName: a\n",
	                                "a-1.0.egg-info/top_level.txt",
	                                "a\n",
	                                "a/__init__.py",
	                                "import os\n",
	                                "a/_speed.cpython-311-x86_64-linux-gnu.so",
	                                NULL,
	                                "b-2.0.egg-info",
	                                "Metadata-Version: 1.1\nName: b\n",
	                                NULL};
	if (!fx_view(&fx, "deb>tar.xz", "usr/lib/python3/dist-packages/", p,
	             "a-1.0.egg-info/PKG-INFO"))
		return;
	fx_release(&fx);
	/* the copyright outside the root, as package_open() keeps it */
	fx_fill_files(&fx.pkg, fx.files, MAX_FILES, p, 100);
	fx.aux[0].path = "usr/share/doc/python3-a/copyright";
	fx.aux[0].kind = PKGFS_FILE;
	fx.aux[0].data = (const unsigned char *)"Format: x\r\nLicense: MIT\r\n";
	fx.aux[0].size = strlen((const char *)fx.aux[0].data);
	fx.pkg.aux = fx.aux;
	fx.pkg.n_aux = 1;
	fx.pkg.metadata = package_find(&fx.pkg, "a-1.0.egg-info/PKG-INFO");
	snprintf(fx.pkg.format, sizeof(fx.pkg.format), "deb>tar.xz");
	fx.pkg.root = (char *)"usr/lib/python3/dist-packages/";
	{
		struct diag d;
		diag_init(&d);
		CHECK(pkgview_build(&fx.pkg, &fx.v, &d) == 0, "view of an installed package");
		diag_release(&d);
	}
	const struct pkgview *v = fx.v;
	if (!v)
		return;
	CHECK(v->shape == PKG_SHAPE_INSTALLED, "installed");
	CHECK(v->metadata && !strcmp(v->metadata->path, "a-1.0.egg-info/PKG-INFO"),
	      "metadata: the chosen egg-info PKG-INFO");
	CHECK(!pkgview_find(v, "b-2.0.egg-info") &&
	          !pkgview_find(v, "a-1.0.egg-info/top_level.txt"),
	      "another installed PKG-INFO and top_level.txt hidden");
	CHECK(v->n_licenses == 1 &&
	          !strcmp(v->licenses[0]->path, "/usr/share/doc/python3-a/copyright") &&
	          v->licenses[0]->text &&
	          !strcmp(v->licenses[0]->text, "Format: x\nLicense: MIT\n"),
	      "the copyright under its install path, read with universal newlines");
	CHECK(role_of(v, "a/_speed.cpython-311-x86_64-linux-gnu.so", PKGVIEW_DATA) &&
	          pkgview_find(v, "a/_speed.cpython-311-x86_64-linux-gnu.so")->text == NULL,
	      "a compiled module: data, listed, no text");
	fx_release(&fx);
}

/* Debian's machine-readable copyright: the licence of the "Files: *" paragraph, not the first
 * licence text of the file (which may be the packaging's). */
static void test_dep5(void)
{
	static const char dep5[] =
	    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
	    "Upstream-Name: demo\n\n"
	    "Files: debian/*\nCopyright: 2024 Packager\nLicense: GPL-2+\n"
	    " This program is free software; you can redistribute it under the terms of the\n"
	    " GNU General Public License; either version 2 of the License.\n\n"
	    "Files: * demo/*\nCopyright: 2024 Author\nLicense: Expat\n\n"
	    "License: Expat\n Permission is hereby granted, free of charge, to any person.\n .\n"
	    " THE SOFTWARE IS PROVIDED AS IS.\n";
	static const char inline_text[] =
	    "Format: http://dep.debian.net/deps/dep5\n\nFiles: *\nLicense: BSD-3-clause\n"
	    " Redistribution and use in source and binary forms.\n\nFiles: debian/*\n"
	    "License: GPL-2\n GNU General Public License\n";
	static const char *const p[] = {"a/__init__.py", "", NULL};
	const char *const texts[] = {dep5, inline_text, "Copyright 2024 Author\nMIT\n"};
	const char *const want[] = {"Expat\nPermission is hereby granted, free of charge, to any "
	                            "person.\n\nTHE SOFTWARE IS PROVIDED AS IS.\n",
	                            "BSD-3-clause\nRedistribution and use in source and binary "
	                            "forms.\n",
	                            "Copyright 2024 Author\nMIT\n"};
	for (int k = 0; k < 3; k++) {
		struct fx fx;
		struct diag d;
		memset(&fx, 0, sizeof(fx));
		fx_fill_files(&fx.pkg, fx.files, MAX_FILES, p, 100);
		fx.aux[0].path = "usr/share/doc/python3-demo/copyright";
		fx.aux[0].kind = PKGFS_FILE;
		fx.aux[0].data = (const unsigned char *)texts[k];
		fx.aux[0].size = strlen(texts[k]);
		fx.pkg.aux = fx.aux;
		fx.pkg.n_aux = 1;
		snprintf(fx.pkg.format, sizeof(fx.pkg.format), "deb>tar.xz");
		fx.pkg.root = (char *)"usr/lib/python3/dist-packages/";
		diag_init(&d);
		if (pkgview_build(&fx.pkg, &fx.v, &d) == 0 && fx.v->n_licenses == 1)
			CHECK_STR(fx.v->licenses[0]->text, want[k], "%s",
			          k == 0 ? "DEP-5: the Files: * licence's stand-alone text"
			          : k == 1
			              ? "DEP-5: the Files: * licence's own text (not debian/*'s)"
			              : "a free-form copyright file is kept whole");
		else
			CHECK(0, "view with a copyright file");
		diag_release(&d);
		fx_release(&fx);
	}
}

static void test_universal_newlines(void)
{
	struct fx fx;
	static const char *const p[] = {
	    "PKG-INFO",  "Metadata-Version: 2.1\r\nName: a\r\nVersion: 1\r",
	    "setup.cfg", "[metadata]\rname = a\r\n",
	    "LICENSE",   "MIT\r\n\r\nPermission\r",
	    "a.py",      "x = 1\n",
	    NULL};
	if (!fx_view(&fx, "tar.gz", "", p, NULL))
		return;
	const struct pkgview *v = fx.v;
	CHECK(v->metadata &&
	          !strcmp(v->metadata->text, "Metadata-Version: 2.1\nName: a\nVersion: 1\n") &&
	          v->metadata->len == strlen(v->metadata->text),
	      "metadata: CRLF and a lone CR read as LF");
	CHECK(v->setup_cfg && !strcmp(v->setup_cfg->text, "[metadata]\nname = a\n"),
	      "setup.cfg too");
	CHECK(v->n_licenses && !strcmp(v->licenses[0]->text, "MIT\n\nPermission\n"), "licence too");
	{
		const struct pkgview_file *a = pkgview_find(v, "a.py");
		CHECK(a && a->text == (const char *)a->member->data,
		      "a file without CR is not copied");
	}
	fx_release(&fx);
}

/* The analysis reads the view: Metadata-Version and Dynamic are not in the parsed metadata, a
 * licence in the metadata directory is seen, hidden members are not scanned. */
static void test_analysis_on_view(void)
{
	struct fx fx;
	struct analysis_ctx c;
	struct analysis *a = NULL;
	struct diag d;
	static const char *const p[] = {
	    "PKG-INFO",
	    "Metadata-Version: 2.2\r\nName: a\r\nDynamic: license\r\nVersion: 1\r\n",
	    "a.egg-info/SOURCES.txt",
	    "a.py\n",
	    "a.egg-info/hidden.py",
	    "import os\nos.system('x')\n",
	    "a.py",
	    "import os\r\nos.system('ls')\r\n",
	    NULL};
	memset(&fx, 0, sizeof(fx));
	fx_fill_files(&fx.pkg, fx.files, MAX_FILES, p, 100);
	snprintf(fx.pkg.format, sizeof(fx.pkg.format), "tar.gz");
	analysis_ctx_default(&c);
	diag_init(&d);
	if (!CHECK(analysis_run(&fx.pkg, &c, &a, &d) == 0, "analysis runs: %s", diag_message(&d))) {
		diag_release(&d);
		return;
	}
	CHECK(a->view && a->view->shape == PKG_SHAPE_SDIST, "a->view built");
	CHECK(a->info && pkginfo_get(a->info, "Name") &&
	          !pkginfo_get(a->info, "Metadata-Version") && !pkginfo_get(a->info, "Dynamic") &&
	          !strcmp(pkginfo_get(a->info, "Version"), "1"),
	      "parsed metadata without Metadata-Version and Dynamic, values without CR");
	CHECK_INT(a->n_py_files, 1, "the hidden .py in the metadata directory is not scanned");
	{
		size_t len = 0;
		const char *t = analysis_file_text(a, pkgview_find(a->view, "a.py"), &len);
		CHECK(t && !strcmp(t, "import os\nos.system('ls')\n") && len == strlen(t),
		      "analysed text = the view's text");
	}
	analysis_free(a);
	diag_release(&d);
}

int main(void)
{
	test_shapes();
	test_sdist_roles();
	test_wheel_roles();
	test_installed_roles();
	test_dep5();
	test_universal_newlines();
	test_analysis_on_view();
	return harness_done();
}
