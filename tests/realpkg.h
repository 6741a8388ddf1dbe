/* realpkg: the real-package cases of the unit tests. tests/data/realpkg/<module>.csv lists a
 * fixed, seeded sample of corpus packages and members with values recorded once by
 * tests/data/realpkg/generate.py from tools independent of pyvet (Python's tokenize, ast, re,
 * ipaddress, email.parser; see its docstring). The helpers here walk such a fixture row by row
 * and open each row's package with pyvet's own reader (core/pkg/package: libarchive, in memory),
 * so that the module under test reads exactly the bytes pyvet's analysis reads. Without the
 * corpus (harness_corpus_dir()) the whole fixture is one visible SKIP line.
 *
 * Columns every fixture has: package (path relative to the corpus, as in its manifest) and
 * member (the member name inside the archive, the package root included).
 *
 * Header-only (static functions): each test program includes its own copy. */
#ifndef PYVET_TESTS_REALPKG_H
#define PYVET_TESTS_REALPKG_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/digest.h"
#include "core/base/sbuf.h"
#include "core/pkg/package.h"
#include "tests/harness.h"

struct realpkg {
	struct csv_table *t;
	const char *corpus;
	long c_package, c_member;
	size_t next;                     /* next row */
	char open_path[1024];            /* package of `pkg` */
	struct package *pkg;             /* cached: rows are grouped by package */
	const struct package_file *file; /* the current row's member */
	struct sbuf text;                /* its text with CRLF and lone CR read as LF */
	size_t n_rows, n_packages;
};

/* Open tests/data/realpkg/<name>. 0, or -1 after one SKIP line (no corpus) or one failed check
 * (the fixture cannot be read); `what` names the cases in those lines. */
static int realpkg_begin(struct realpkg *rp, const char *name, const char *what)
{
	char path[4096];
	struct diag d;
	memset(rp, 0, sizeof(*rp));
	sbuf_init(&rp->text);
	rp->corpus = harness_corpus_dir();
	if (!rp->corpus) {
		SKIP("corpus not found (PYVET_SHARED, ../shared): %s on real packages not tested",
		     what);
		return -1;
	}
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/realpkg/%s", harness_data_dir(), name);
	if (!CHECK(csvio_read(path, 0, &rp->t, &d) == 0, "fixture %s reads: %s", path,
	           diag_message(&d))) {
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	rp->c_package = csvio_column(rp->t, "package");
	rp->c_member = csvio_column(rp->t, "member");
	if (!CHECK(rp->c_package >= 0 && rp->c_member >= 0 && rp->t->n_rows > 0,
	           "fixture %s has package and member columns and rows", name)) {
		csvio_table_free(rp->t);
		rp->t = NULL;
		return -1;
	}
	return 0;
}

/* Column `name` of the fixture; a missing column is a bug of the fixture (exits). */
static long realpkg_col(const struct realpkg *rp, const char *name) __attribute__((unused));
static long realpkg_col(const struct realpkg *rp, const char *name)
{
	long c = csvio_column(rp->t, name);
	if (c < 0) {
		fprintf(stderr, "realpkg fixture: no column '%s'\n", name);
		exit(1);
	}
	return c;
}

/* The member of a package by its archive name (root included). */
static const struct package_file *realpkg_member(const struct package *p, const char *member)
{
	size_t rl = strlen(p->root);
	if (strncmp(member, p->root, rl))
		return NULL;
	return package_find(p, member + rl);
}

/* Advance to the next row whose package opens and whose member is loaded: 1 with *row set and
 * rp->file / rp->text filled, 0 after the last row. A package that does not open or a member
 * that is missing or not loaded is a failed check, and the row is passed over (success prints
 * nothing: each row is one check, made by the caller). */
static int realpkg_next(struct realpkg *rp, char ***row)
{
	while (rp->t && rp->next < rp->t->n_rows) {
		char **r = rp->t->rows[rp->next++];
		const char *pkg = r[rp->c_package], *member = r[rp->c_member];
		if (!rp->pkg || strcmp(rp->open_path, pkg)) {
			char path[4096];
			struct diag d;
			package_free(rp->pkg);
			rp->pkg = NULL;
			rp->open_path[0] = '\0';
			snprintf(path, sizeof(path), "%s/%s", rp->corpus, pkg);
			diag_init(&d);
			if (package_open(&rp->pkg, path, NULL, &d) < 0) {
				CHECK(0, "real package %s opens: %s", pkg, diag_message(&d));
				diag_release(&d);
				continue;
			}
			diag_release(&d);
			snprintf(rp->open_path, sizeof(rp->open_path), "%s", pkg);
			rp->n_packages++;
		}
		rp->file = realpkg_member(rp->pkg, member);
		sbuf_reset(&rp->text);
		if (!rp->file || !rp->file->data || package_read_text(rp->file, &rp->text) < 0) {
			CHECK(0, "real package %s: member %s loaded", pkg, member);
			continue;
		}
		rp->n_rows++;
		*row = r;
		return 1;
	}
	return 0;
}

/* Print how many rows and packages were checked; free everything. */
static void realpkg_end(struct realpkg *rp, const char *what)
{
	if (rp->t)
		printf("# %s: %zu real members of %zu packages checked\n", what, rp->n_rows,
		       rp->n_packages);
	package_free(rp->pkg);
	csvio_table_free(rp->t);
	sbuf_release(&rp->text);
	memset(rp, 0, sizeof(*rp));
}

/* Add one formatted piece to a digest. */
static void realpkg_digestf(struct digest *dg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));
static void realpkg_digestf(struct digest *dg, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		digest_update(dg, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

#endif
