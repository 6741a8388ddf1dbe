/* Unit tests for core/license: the D18 family table on classifiers, fields and files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/datafile.h"
#include "core/analysis/license.h"
#include "core/base/toolkit.h"
#include "core/pkg/pkginfo.h"
#include "tests/harness.h"
#include "tests/realpkg.h"

static struct license_table *tab;

static const char *fam(enum license_kind k, const char *s)
{
	const char *f = license_family(tab, k, s, strlen(s));
	return f ? f : "(none)";
}

/* The first 50 bytes of s with whitespace shown as spaces, for one-line TAP messages. */
static const char *show(const char *s)
{
	static char b[51];
	size_t i;
	for (i = 0; i < 50 && s[i]; i++)
		b[i] = (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') ? ' ' : s[i];
	b[i] = '\0';
	return b;
}

#define FAM(kind, text, want)                                                                      \
	do {                                                                                       \
		const char *got_ = fam(kind, text);                                                \
		if (!CHECK(!strcmp(got_, want), "%s '%s' -> %s", #kind, show(text), want))         \
			printf("#   got '%s'\n", got_);                                            \
	} while (0)

static void classifiers(void)
{
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: MIT License", "MIT");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: BSD License", "BSD");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: Apache Software License", "Apache-2.0");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
	    "GPL-3");
	FAM(LICENSE_CLASSIFIER,
	    "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3");
	FAM(LICENSE_CLASSIFIER,
	    "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: GNU General Public License (GPL)",
	    "GPL");
	FAM(LICENSE_CLASSIFIER,
	    "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL");
	FAM(LICENSE_CLASSIFIER,
	    "License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)",
	    "LGPL");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: GNU Affero General Public License v3",
	    "AGPL");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
	    "MPL-2.0");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)",
	    "(none)");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: ISC License (ISCL)", "ISC");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: Python Software Foundation License",
	    "PSF");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: The Unlicense (Unlicense)",
	    "Unlicense");
	FAM(LICENSE_CLASSIFIER, "License :: Public Domain", "Public Domain");
	FAM(LICENSE_CLASSIFIER, "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
	    "Public Domain");
	FAM(LICENSE_CLASSIFIER, "License :: Other/Proprietary License", "Proprietary/Other");
	FAM(LICENSE_CLASSIFIER, "License :: OSI Approved :: Academic Free License (AFL)", "(none)");
	FAM(LICENSE_CLASSIFIER, "License :: Freely Distributable", "(none)");
}

static void fields(void)
{
	FAM(LICENSE_FIELD, "MIT", "MIT");
	FAM(LICENSE_FIELD, "mit license", "MIT");
	FAM(LICENSE_FIELD, "Permitted for commits", "(none)");
	FAM(LICENSE_FIELD, "BSD-3-Clause", "BSD-3");
	FAM(LICENSE_FIELD, "new BSD License", "BSD-3");
	FAM(LICENSE_FIELD, "BSD 2-Clause License", "BSD-2");
	FAM(LICENSE_FIELD, "BSD", "BSD");
	FAM(LICENSE_FIELD, "Apache 2.0", "Apache-2.0");
	FAM(LICENSE_FIELD, "apache2", "Apache-2.0");
	FAM(LICENSE_FIELD, "Apache License, Version 2.0", "Apache-2.0");
	FAM(LICENSE_FIELD, "GPL-3.0-or-later", "GPL-3");
	FAM(LICENSE_FIELD, "GNU GPLv3", "GPL-3");
	FAM(LICENSE_FIELD, "GNU General Public License v3 (GPLv3)", "GPL-3");
	FAM(LICENSE_FIELD, "GPLv2+", "GPL-2");
	FAM(LICENSE_FIELD, "GPL", "GPL");
	FAM(LICENSE_FIELD, "LGPL-3.0-or-later", "LGPL");
	FAM(LICENSE_FIELD, "GNU Lesser General Public License v2.1", "LGPL");
	FAM(LICENSE_FIELD, "AGPL-3.0", "AGPL");
	FAM(LICENSE_FIELD, "GNU Affero General Public License", "AGPL");
	FAM(LICENSE_FIELD, "MPL-2.0", "MPL-2.0");
	FAM(LICENSE_FIELD, "ISC", "ISC");
	FAM(LICENSE_FIELD, "PSF", "PSF");
	FAM(LICENSE_FIELD, "Python Software Foundation License", "PSF");
	FAM(LICENSE_FIELD, "The Unlicense", "Unlicense");
	FAM(LICENSE_FIELD, "CC0-1.0", "Public Domain");
	FAM(LICENSE_FIELD, "public domain", "Public Domain");
	FAM(LICENSE_FIELD, "Proprietary", "Proprietary/Other");
	FAM(LICENSE_FIELD, "MIT OR Apache-2.0", "MIT");
	FAM(LICENSE_FIELD,
	    "Copyright (c) 2020 X\n\nPermission is hereby granted, free of\n  charge, to any "
	    "person",
	    "MIT");
	FAM(LICENSE_FIELD, "see LICENSE file", "(none)");
	FAM(LICENSE_FIELD, "", "(none)");
}

static const char *const mit_text =
    "MIT License\n\nCopyright (c) 2021 Someone\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files (the \"Software\"), to deal\n";
static const char *const bsd3_text =
    "Copyright (c) 2010, Someone\nAll rights reserved.\n\n"
    "Redistribution and use in source and binary forms, with or without\n"
    "modification, are permitted provided that the following conditions are met:\n\n"
    "* Redistributions of source code must retain the above copyright notice.\n"
    "* Neither the name of the copyright holder nor the names of its\n  contributors may be used\n";
static const char *const bsd2_text =
    "Copyright (c) 2010, Someone\nAll rights reserved.\n\n"
    "Redistribution and use in source and binary forms, with or without\n"
    "modification, are permitted provided that the following conditions are met:\n";
static const char *const apache_text = "\n                                 Apache License\n"
                                       "                           Version 2.0, January 2004\n"
                                       "                        http://www.apache.org/licenses/\n";
static const char *const gpl3_text =
    "                    GNU GENERAL PUBLIC LICENSE\n"
    "                       Version 3, 29 June 2007\n\n"
    " Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\n";
static const char *const gpl2_text =
    "\t\t    GNU GENERAL PUBLIC LICENSE\n\t\t       Version 2, June 1991\n\n";
static const char *const lgpl3_text =
    "                   GNU LESSER GENERAL PUBLIC LICENSE\n"
    "                       Version 3, 29 June 2007\n\n"
    "  This version of the GNU Lesser General Public License incorporates\n"
    "the terms and conditions of version 3 of the GNU General Public\n"
    "License, supplemented by the additional permissions listed below.\n";

static void files(void)
{
	FAM(LICENSE_FILE, mit_text, "MIT");
	FAM(LICENSE_FILE, bsd3_text, "BSD-3");
	FAM(LICENSE_FILE, bsd2_text, "BSD");
	FAM(LICENSE_FILE, apache_text, "Apache-2.0");
	FAM(LICENSE_FILE, gpl3_text, "GPL-3");
	FAM(LICENSE_FILE, gpl2_text, "GPL-2");
	FAM(LICENSE_FILE, lgpl3_text, "LGPL");
	FAM(LICENSE_FILE, "GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007\n",
	    "AGPL");
	FAM(LICENSE_FILE,
	    "Mozilla Public License Version 2.0\n==================================\n", "MPL-2.0");
	FAM(LICENSE_FILE,
	    "ISC License\n\nPermission to use, copy, modify, and/or distribute this software for "
	    "any\npurpose with or without fee is hereby granted",
	    "ISC");
	FAM(LICENSE_FILE, "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2\n", "PSF");
	FAM(LICENSE_FILE,
	    "This is free and unencumbered software released into the public domain.\n",
	    "Unlicense");
	FAM(LICENSE_FILE, "Creative Commons Legal Code\n\nCC0 1.0 Universal\n", "Public Domain");
	FAM(LICENSE_FILE, "All rights reserved. Do not copy.", "(none)");
	FAM(LICENSE_FILE,
	    "# This library is free software; you can redistribute it under the terms of the GNU "
	    "Lesser\n# General Public License as published by",
	    "LGPL");
	FAM(LICENSE_FILE,
	    " * Redistribution and use in source and binary\n * forms, with or without", "BSD");
	FAM(LICENSE_FILE,
	    "==============\nApache License\n==============\n\n:Version: 2.0\n\nTERMS AND "
	    "CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n",
	    "Apache-2.0");
	FAM(LICENSE_FILE, "MIT", "(none)"); /* files are matched on sentences only */
	/* the first licence in the file wins over bundled third-party notices */
	{
		char buf[2048];
		snprintf(buf, sizeof(buf), "%s\n\nThird-party code:\n%s", bsd3_text, mit_text);
		FAM(LICENSE_FILE, buf, "BSD-3");
		snprintf(buf, sizeof(buf), "%s\n\nThird-party code:\n%s", mit_text, apache_text);
		FAM(LICENSE_FILE, buf, "MIT");
	}
	/* phrases of one pattern must be near each other */
	{
		size_t n = 10000;
		char *buf = malloc(n + 200);
		if (buf) {
			strcpy(buf, "Apache License ");
			memset(buf + 15, 'x', n);
			strcpy(buf + 15 + n, " Version 2.0");
			FAM(LICENSE_FILE, buf, "(none)");
			free(buf);
		}
	}
}

static void agreement(void)
{
	CHECK(license_agree("MIT", "MIT", 0) && license_agree("MIT", "MIT", 1), "MIT = MIT");
	CHECK(license_agree("BSD", "BSD-3", 0) && license_agree("BSD-2", "BSD", 0),
	      "plain BSD agrees with BSD-2/3");
	CHECK(!license_agree("BSD", "BSD-3", 1), "plain BSD differs from BSD-3 at level exact");
	CHECK(!license_agree("BSD-2", "BSD-3", 0), "BSD-2 vs BSD-3 disagree");
	CHECK(license_agree("GPL", "GPL-3", 0) && !license_agree("GPL-2", "GPL-3", 0),
	      "GPL plain and versions");
	CHECK(!license_agree("LGPL", "GPL", 0) && !license_agree("GPL", "LGPL", 0),
	      "LGPL is not GPL");
	CHECK(!license_agree("MIT", "Apache-2.0", 0), "MIT vs Apache-2.0");
	CHECK(!license_agree("MPL-2.0", "MPL", 1), "exact");
	CHECK(!license_agree(NULL, "MIT", 0), "NULL never agrees");
}

static void table_errors(void)
{
	struct license_table *t = NULL;
	struct diag d;
	diag_init(&d);
	CHECK(license_table_parse(&t, "family,kind\nMIT,field\n", 22, "x", &d) < 0 && !t,
	      "missing pattern column");
	CHECK(license_table_parse(&t, "family,kind,pattern\nMIT,blob,MIT\n", 32, "x", &d) < 0 &&
	          strstr(diag_message(&d), "blob"),
	      "unknown kind named");
	CHECK(license_table_parse(&t, "family,kind,pattern\nMIT,field, && \n", 35, "x", &d) < 0,
	      "empty phrase");
	{
		const char *s = "# provenance\n#more\nfamily,kind,pattern\nX,field,foo && bar\n";
		if (CHECK(license_table_parse(&t, s, strlen(s), "x", &d) == 0,
		          "comment lines skipped")) {
			CHECK(license_table_rows(t) == 1, "one row");
			CHECK(license_family(t, LICENSE_FIELD, "foo then bar", 12) != NULL,
			      "conjunction");
			CHECK(license_family(t, LICENSE_FIELD, "bar then foo", 12) == NULL,
			      "order matters");
			license_table_free(t);
		}
	}
	CHECK(license_table_load(&t, "/nonexistent/t.csv", &d) < 0, "missing table file");
	diag_release(&d);
}

/* The value of the `index`-th header `key` (0-based, case-insensitive, empty and UNKNOWN values
 * included), trimmed of surrounding whitespace into buf; NULL if absent. */
static const char *header_value(const struct pkginfo *pi, const char *key, size_t index, char *buf,
                                size_t n)
{
	for (size_t i = 0; i < pi->n_fields; i++) {
		const char *v = pi->fields[i].value, *e;
		if (strcasecmp(pi->fields[i].key, key) || index--)
			continue;
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		snprintf(buf, n, "%.*s", (int)(e - v), v);
		return buf;
	}
	return NULL;
}

/* Real packages (tests/data/realpkg/license.csv): licence classifiers, License and
 * License-Expression fields (read from the metadata file) and licence files of a sample of
 * corpus packages against an independent rule -- an exact map of the Trove classifiers and SPDX
 * identifiers, and the canonical sentences of the licence texts (tests/data/realpkg/
 * generate.py). Compared at the feature's default level (license.level=family, D18: a plain BSD
 * agrees with BSD-2 and BSD-3); an empty expected family means "no family". For header values
 * the SHA-256 of the value Python's email.parser read is checked first, so both sides classify
 * the same text. */
static void real_packages(void)
{
	struct realpkg rp;
	char **row;
	if (realpkg_begin(&rp, "license.csv", "licence families") < 0)
		return;
	long ckind = realpkg_col(&rp, "kind"), cidx = realpkg_col(&rp, "index"),
	     cvsha = realpkg_col(&rp, "value_sha256"), cfam = realpkg_col(&rp, "family");
	while (realpkg_next(&rp, &row) > 0) {
		const char *kind = row[ckind], *want = row[cfam], *got = NULL;
		char buf[70000], hex[65] = "";
		int same_text = 1;
		if (!strcmp(kind, "file")) {
			got = license_family(tab, LICENSE_FILE, (const char *)rp.file->data,
			                     rp.file->size);
		} else {
			struct pkginfo *pi = NULL;
			struct diag d;
			const char *key = strncmp(kind, "field:", 6) ? "Classifier" : kind + 6;
			const char *v = NULL;
			diag_init(&d);
			if (pkginfo_parse(rp.text.buf, rp.text.len, NULL, &pi, &d) == 0)
				v = header_value(pi, key, strtoul(row[cidx], NULL, 10), buf,
				                 sizeof(buf));
			if (v) {
				digest_buffer_hex(v, strlen(v), hex);
				got = license_family(tab,
				                     strcmp(key, "Classifier") ? LICENSE_FIELD
				                                               : LICENSE_CLASSIFIER,
				                     v, strlen(v));
			}
			same_text = v && !strcmp(hex, row[cvsha]);
			pkginfo_free(pi);
			diag_release(&d);
		}
		CHECK(same_text && (*want ? got && license_agree(got, want, 0) : !got),
		      "real %s: %s %s: family %s (independent rule: %s)%s", row[rp.c_package],
		      row[rp.c_member], kind, got ? got : "none", *want ? want : "none",
		      same_text ? "" : " [header value differs from email.parser's]");
	}
	realpkg_end(&rp, "licence families");
}

/* Work on `unit` repeated to n bytes (and `tail` appended) read as a licence file. */
static size_t file_work(const struct license_table *t, const char *unit, const char *tail, size_t n,
                        const char **fam)
{
	size_t ul = strlen(unit), tl = strlen(tail), work = 0;
	char *buf = malloc(n + tl + 1);
	if (!buf)
		return 0;
	for (size_t i = 0; i < n; i++)
		buf[i] = unit[i % ul];
	memcpy(buf + n, tail, tl + 1);
	*fam = license_family_work(t, LICENSE_FILE, buf, n + tl, &work);
	free(buf);
	return work;
}

/* Linear work (issue 8.3): doubling the text at most doubles the bytes examined (+10 %), for a
 * three-phrase pattern whose last phrase lies far away (the case that made match_row quadratic
 * before it remembered each phrase's last occurrence) and for the shipped table on repetitive
 * text. Checked on the work counter, not the clock. */
static void work_bound(void)
{
	static const char *const units[] = {
	    "alpha beta ",        "a ", "mit ", "apache license ", "redistribution and use ",
	    "gnu general public "};
	const char *s = "family,kind,pattern\nX,file,alpha && beta && gamma\n";
	struct license_table *t3 = NULL;
	struct diag d;
	diag_init(&d);
	if (!CHECK(license_table_parse(&t3, s, strlen(s), "x", &d) == 0, "three-phrase table"))
		return;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		for (int shipped = 0; shipped < 2; shipped++) {
			const struct license_table *t = shipped ? tab : t3;
			const char *f1 = NULL, *f2 = NULL;
			size_t n = 100000;
			size_t w1 = file_work(t, units[u], " gamma", n, &f1);
			size_t w2 = file_work(t, units[u], " gamma", 2 * n, &f2);
			CHECK(w1 >= n && w2 <= 2.2 * (double)w1 && f1 == f2,
			      "%s table, '%s' x %zu: %zu bytes examined, x %.2f for twice the text",
			      shipped ? "shipped" : "three-phrase", units[u], n / strlen(units[u]),
			      w1, (double)w2 / (double)(w1 ? w1 : 1));
		}
	}
	license_table_free(t3);
	diag_release(&d);
}

int main(void)
{
	char path[1024];
	struct diag d;
	toolkit_init();
	diag_init(&d);
	if (!datafile_path("license_families.csv", path, sizeof(path)))
		die("license_families.csv not found");
	if (license_table_load(&tab, path, &d) < 0)
		die("%s", diag_message(&d));
	CHECK(license_table_rows(tab) > 50, "table has rows (%zu)", license_table_rows(tab));
	CHECK(strlen(license_table_sha256(tab)) == 64, "table sha256");
	classifiers();
	fields();
	files();
	agreement();
	table_errors();
	real_packages();
	work_bound();
	license_table_free(tab);
	return harness_done();
}
