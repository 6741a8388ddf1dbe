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
	/* a 10 MB single header line */
	size_t n = 10u << 20;
	char *big = malloc(n + 16);
	memcpy(big, "Description: ", 13);
	memset(big + 13, 'A', n);
	big[13 + n] = '\n';
	struct pkginfo *pi = parse(big, n + 14, NULL, &d);
	CHECK(pi == NULL && strstr(diag_message(&d), "longer than 65536"), "10 MB line: '%s'",
	      diag_message(&d));
	diag_release(&d);
	/* the same through continuation lines */
	size_t pos = 0;
	pos += (size_t)sprintf(big + pos, "Description: x\n");
	while (pos < 100000)
		pos += (size_t)sprintf(big + pos, " continuation line of some length here\n");
	pi = parse(big, pos, NULL, &d);
	CHECK(pi == NULL && strstr(diag_message(&d), "longer than"), "long continuation: '%s'",
	      diag_message(&d));
	diag_release(&d);
	/* too many fields */
	l.max_fields = 3;
	pi = parse("A: 1\nB: 2\nC: 3\nD: 4\n", 20, &l, &d);
	CHECK(pi == NULL && strstr(diag_message(&d), "more than 3"), "field limit: '%s'",
	      diag_message(&d));
	diag_release(&d);
	l.max_fields = 10000;
	l.max_bytes = 10;
	pi = parse("A: 1\nB: 2\nC: 3\nD: 4\n", 20, &l, &d);
	CHECK(pi == NULL && strstr(diag_message(&d), "larger than"), "file limit");
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
