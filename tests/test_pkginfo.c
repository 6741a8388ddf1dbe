/* Unit tests for core/pkginfo (spec D4). */
#include <stdlib.h>
#include <string.h>

#include "core/pkg/pkginfo.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static struct pkginfo *parse(const char *s, size_t n, const struct pkginfo_limits *l,
                             struct diag *d)
{
	struct pkginfo *pi = NULL;
	diag_init(d);
	if (pkginfo_parse(s, n, l, &pi, d) < 0)
		return NULL;
	return pi;
}

static void test_basic(void)
{
	static const char text[] = "Metadata-Version: 2.1\r\n"
	                           "Name: demo\r\n"
	                           "Version: 1.0\r\n"
	                           "Home-page: UNKNOWN\r\n"
	                           "home-page: https://example.org\r\n"
	                           "Author-email:   \r\n"
	                           "Classifier: A\r\n"
	                           "Classifier: B\r\n"
	                           "Description: line one\r\n"
	                           "        line two\r\n"
	                           "\tline three\r\n"
	                           "Author: J\xff\xfe\r\n"
	                           "\r\n"
	                           "Body text\r\nmore\r\n";
	struct diag d;
	struct pkginfo *pi = parse(text, sizeof(text) - 1, NULL, &d);
	CHECK(pi != NULL, "parsed (%s)", diag_message(&d));
	if (!pi)
		return;
	CHECK_INT(pi->n_fields, 10, "fields kept in order with repeats");
	CHECK_STR(pi->fields[0].key, "Metadata-Version", "first key as written");
	CHECK_INT(pi->fields[4].line, 5, "line numbers");
	CHECK_STR(pkginfo_get(pi, "NAME"), "demo", "case-insensitive get");
	CHECK_STR(pkginfo_get(pi, "Home-Page"), "https://example.org", "UNKNOWN skipped");
	CHECK(pkginfo_get(pi, "author-email") == NULL, "empty value absent");
	CHECK(pkginfo_get(pi, "Maintainer") == NULL, "missing key absent");
	const struct pkginfo_field *f = pkginfo_next(pi, "classifier", NULL);
	CHECK(f && !strcmp(f->value, "A"), "first classifier");
	f = pkginfo_next(pi, "classifier", f);
	CHECK(f && !strcmp(f->value, "B"), "second classifier");
	CHECK(pkginfo_next(pi, "classifier", f) == NULL, "no third classifier");
	CHECK_STR(pkginfo_get(pi, "Description"), "line one\n       line two\nline three",
	          "continuations joined with newlines, first whitespace dropped");
	CHECK_STR(pkginfo_get(pi, "Author"), "J\xff\xfe", "invalid UTF-8 kept as bytes");
	CHECK_INT(pi->body_len, 17, "body length");
	CHECK(!memcmp(pi->body, "Body text\r\nmore\r\n", 17), "body kept raw");
	pkginfo_free(pi);
	diag_release(&d);
}

static void test_edges(void)
{
	struct diag d;
	struct pkginfo *pi = parse("", 0, NULL, &d);
	CHECK(pi && pi->n_fields == 0 && pi->body_len == 0 && pi->body && !pi->body[0],
	      "empty input");
	pkginfo_free(pi);
	diag_release(&d);
	pi = parse("\xef\xbb\xbfName: bom\n", 14, NULL, &d);
	CHECK(pi && pkginfo_get(pi, "Name") && !strcmp(pkginfo_get(pi, "Name"), "bom"),
	      "BOM skipped");
	pkginfo_free(pi);
	diag_release(&d);
	pi = parse("  orphan continuation\nName: x\nnot a header line\nVersion: 2\n", 59, NULL, &d);
	CHECK(pi && pi->n_fields == 1 && !strcmp(pkginfo_get(pi, "Name"), "x"),
	      "orphan continuation ignored; a non-header line starts the body");
	CHECK(pi && pi->body_len > 0 && !strncmp(pi->body, "not a header", 12),
	      "body from the bad line");
	pkginfo_free(pi);
	diag_release(&d);
	pi = parse("Name: x", 7, NULL, &d);
	CHECK(pi && !strcmp(pkginfo_get(pi, "Name"), "x"), "no final newline");
	pkginfo_free(pi);
	diag_release(&d);
	pi = parse("Name:x\nKey:\n", 12, NULL, &d);
	CHECK(pi && pi->n_fields == 2 && !strcmp(pi->fields[0].value, "x") &&
	          !pi->fields[1].value[0],
	      "no space after the colon; empty value");
	pkginfo_free(pi);
	diag_release(&d);
	CHECK(pkginfo_get(NULL, "Name") == NULL, "NULL pkginfo");
	pkginfo_free(NULL);
}

static void test_limits(void)
{
	struct pkginfo_limits l;
	struct diag d;
	pkginfo_limits_default(&l);
	CHECK(l.max_line_bytes == 65536 && l.max_fields == 10000, "spec defaults");
	/* a 10 MB single header line: cut at 64 KiB, the fields after it still read */
	size_t n = 10u << 20;
	char *big = malloc(n + 64);
	memcpy(big, "Description: ", 13);
	memset(big + 13, 'A', n);
	memcpy(big + 13 + n, "\nName: after\n", 13);
	struct pkginfo *pi = parse(big, n + 26, NULL, &d);
	CHECK(pi && pi->n_fields == 2, "10 MB line: parsed ('%s')", diag_message(&d));
	if (pi) {
		CHECK(pi->fields[0].truncated && pi->fields[0].full_len == n &&
		          strlen(pi->fields[0].value) == 65536,
		      "10 MB line: value cut at 65536 bytes, full length recorded");
		CHECK(pi->n_truncated == 1 && !pi->fields[1].truncated,
		      "10 MB line: one field cut");
		STR_IS(pkginfo_get(pi, "Name"), "after", "10 MB line: the next field is intact");
	}
	pkginfo_free(pi);
	diag_release(&d);
	/* the same through continuation lines */
	size_t pos = 0;
	pos += (size_t)sprintf(big + pos, "Description: x\n");
	while (pos < 100000)
		pos += (size_t)sprintf(big + pos, " continuation line of some length here\n");
	pos += (size_t)sprintf(big + pos, "Version: 2\n");
	pi = parse(big, pos, NULL, &d);
	CHECK(pi && pi->n_fields == 2 && pi->fields[0].truncated &&
	          strlen(pi->fields[0].value) == 65536 && pi->fields[0].full_len > 65536,
	      "long continuation: cut at 65536 bytes ('%s')", diag_message(&d));
	CHECK(pi && pi->n_fields == 2 && !strcmp(pkginfo_get(pi, "Version"), "2"),
	      "long continuation: the next field is intact");
	pkginfo_free(pi);
	diag_release(&d);
	/* exactly at the cap: not cut */
	l.max_line_bytes = 5;
	pi = parse("A: 12345\nB: 123456\n", 19, &l, &d);
	CHECK(pi && !pi->fields[0].truncated && !strcmp(pi->fields[0].value, "12345") &&
	          pi->fields[1].truncated && !strcmp(pi->fields[1].value, "12345") &&
	          pi->fields[1].full_len == 6,
	      "a value of exactly max_line_bytes is kept whole, one byte more is cut");
	pkginfo_free(pi);
	diag_release(&d);
	l.max_line_bytes = 65536;
	/* too many fields: the rest are counted and ignored */
	l.max_fields = 3;
	static const char many[] = "A: 1\nB: 2\nC: 3\nD: 4\n more\nE: 5\n\nbody";
	pi = parse(many, sizeof(many) - 1, &l, &d);
	CHECK(pi && pi->n_fields == 3 && pi->n_dropped == 2 && pkginfo_get(pi, "D") == NULL &&
	          !strcmp(pi->body, "body"),
	      "field limit: 3 kept, 2 dropped, body read ('%s')", diag_message(&d));
	pkginfo_free(pi);
	diag_release(&d);
	l.max_fields = 10000;
	l.max_bytes = 10;
	pi = parse("A: 1\nB: 2\nC: 3\nD: 4\n", 20, &l, &d);
	CHECK(pi && pi->n_fields == 2 && pi->ignored_bytes == 10 && pkginfo_get(pi, "C") == NULL,
	      "file limit: the first 10 bytes parsed, 10 ignored");
	pkginfo_free(pi);
	diag_release(&d);
	/* NUL bytes inside do not crash */
	pi = parse("Name: a\0b\nVersion: 1\n\n\0body", 27, NULL, &d);
	CHECK(pi && pi->n_fields == 2 && pi->body_len == 5, "NUL bytes tolerated");
	pkginfo_free(pi);
	diag_release(&d);
	free(big);
}

int main(void)
{
	toolkit_init();
	test_basic();
	test_edges();
	test_limits();
	return harness_done();
}
