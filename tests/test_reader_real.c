/* Real packages through the reader and the PKG-INFO parser (issue 15 item 10).
 *
 * tests/data/realpkg/reader.tsv holds what an independent reader (Debian's Python 3 tarfile,
 * zipfile and email.parser; tests/data/realpkg/reader.py, run once) saw in a fixed, seeded
 * sample of ../shared/corpus: the format, every member's path, kind and size, the package root,
 * the metadata file and selected metadata fields. This test reads the same packages with pyvet
 * (pkgfs for the members, package for the root and metadata choice, pkginfo for the fields) and
 * compares. Without the corpus it prints one visible SKIP line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "core/pkg/package.h"
#include "core/pkg/pkgfs.h"
#include "core/pkg/pkginfo.h"
#include "tests/harness.h"

#define MAX_FIELDS 16

/* One package of the fixture. */
struct expect {
	char id[80], path[1024], format[64], root[1024], metadata[1024];
	size_t n_members;
	struct sbuf members; /* "kind size path\n" lines, in path order */
	size_t n_keys;
	char key[MAX_FIELDS][64];
	char *value[MAX_FIELDS]; /* NULL: absent */
	long n_fields, n_classifiers;
};

/* Undo the fixture's escaping (\\, \t, \n, \r, \xHH) in place; returns the length. */
static size_t unescape(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == 't')
			*o++ = '\t';
		else if (*p == 'n')
			*o++ = '\n';
		else if (*p == 'r')
			*o++ = '\r';
		else if (*p == 'x' && isxdigit((unsigned char)p[1]) &&
		         isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return (size_t)(o - s);
}

/* Split a line at tabs into at most n fields (in place). Returns the count. */
static size_t split_tabs(char *line, char **f, size_t n)
{
	size_t k = 0;
	while (k < n) {
		f[k++] = line;
		char *t = strchr(line, '\t');
		if (!t)
			break;
		*t = '\0';
		line = t + 1;
	}
	return k;
}

/* Whitespace runs collapsed to one space, ends trimmed (the fixture's value comparison). */
static void collapse(const char *s, struct sbuf *out)
{
	int space = 0;
	sbuf_reset(out);
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			sbuf_addch(out, ' ');
		space = 0;
		sbuf_addch(out, *s);
	}
}

static char kind_char(enum pkgfs_kind k)
{
	return k == PKGFS_FILE ? 'f' : k == PKGFS_DIR ? 'd' : k == PKGFS_LINK ? 'l' : 'o';
}

static void check_package(const char *corpus, struct expect *e)
{
	char full[2048], tag[16];
	struct package_options po;
	struct pkgfs_options fo;
	struct pkgfs *fs = NULL;
	struct diag d;
	static const char *const pw[] = {"infected", NULL};
	snprintf(tag, sizeof(tag), "%.8s", e->id);
	snprintf(full, sizeof(full), "%s/%s", corpus, e->path);
	package_options_default(&po);
	memset(&fo, 0, sizeof(fo));
	fo.passwords = pw;
	fo.limits = po.limits;
	diag_init(&d);

	/* the reader: format and every member */
	if (!CHECK(pkgfs_open_file(&fs, full, &fo, NULL, &d) == 0, "%s: pkgfs reads %s", tag,
	           e->path)) {
		printf("#   %s\n", diag_message(&d));
		diag_release(&d);
		return;
	}
	STR_IS(pkgfs_format(fs), e->format, "%s: format", tag);
	struct sbuf got = SBUF_INIT;
	for (size_t i = 0; i < fs->n; i++) {
		const struct pkgfs_member *m = &fs->members[i];
		sbuf_addf(&got, "%c %zu %s\n", kind_char(m->kind),
		          m->kind == PKGFS_FILE ? m->size : 0, m->path);
	}
	int same = got.len == e->members.len && !memcmp(got.buf, e->members.buf, got.len);
	if (!CHECK(same && fs->n == e->n_members,
	           "%s: %zu members: path, kind and size as tarfile/zipfile", tag, e->n_members)) {
		/* the first differing line */
		const char *a = sbuf_cstr(&got), *b = sbuf_cstr(&e->members);
		while (*a && *a == *b) {
			const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
			if (!na || !nb || na - a != nb - b || memcmp(a, b, (size_t)(na - a)))
				break;
			a = na + 1;
			b = nb + 1;
		}
		printf("#   pyvet:     %.*s\n#   reference: %.*s\n", (int)strcspn(a, "\n"), a,
		       (int)strcspn(b, "\n"), b);
	}
	sbuf_release(&got);
	pkgfs_free(fs);

	/* the package: root and metadata choice, then the fields */
	struct package *p = NULL;
	if (!CHECK(package_open(&p, full, NULL, &d) == 0, "%s: package opens", tag)) {
		printf("#   %s\n", diag_message(&d));
		diag_release(&d);
		return;
	}
	STR_IS(p->root, e->root, "%s: root", tag);
	STR_IS(p->metadata ? p->metadata->path : "", e->metadata, "%s: metadata file", tag);
	if (p->metadata && p->metadata->data) {
		struct pkginfo *pi = NULL;
		if (CHECK(pkginfo_parse((const char *)p->metadata->data, p->metadata->size, NULL,
		                        &pi, &d) == 0,
		          "%s: metadata parses", tag)) {
			struct sbuf v = SBUF_INIT;
			size_t bad = 0;
			for (size_t k = 0; k < e->n_keys; k++) {
				const char *g = pkginfo_get(pi, e->key[k]);
				if (g)
					collapse(g, &v);
				int ok = g ? e->value[k] && !strcmp(sbuf_cstr(&v), e->value[k])
				           : e->value[k] == NULL;
				if (!ok) {
					bad++;
					printf("#   %s: pyvet '%s', email.parser '%s'\n", e->key[k],
					       g ? sbuf_cstr(&v) : "(absent)",
					       e->value[k] ? e->value[k] : "(absent)");
				}
			}
			CHECK(bad == 0, "%s: %zu metadata fields as email.parser", tag, e->n_keys);
			long n_cls = 0;
			for (const struct pkginfo_field *f = pkginfo_next(pi, "Classifier", NULL);
			     f; f = pkginfo_next(pi, "Classifier", f))
				n_cls++;
			INT_IS((long)pi->n_fields, e->n_fields, "%s: header fields", tag);
			INT_IS(n_cls, e->n_classifiers, "%s: classifiers", tag);
			sbuf_release(&v);
		}
		pkginfo_free(pi);
	}
	package_free(p);
	diag_release(&d);
}

static void expect_reset(struct expect *e)
{
	for (size_t k = 0; k < e->n_keys; k++)
		free(e->value[k]);
	sbuf_release(&e->members);
	memset(e, 0, sizeof(*e));
}

int main(void)
{
	toolkit_init();
	const char *corpus = harness_corpus_dir();
	char path[1024];
	snprintf(path, sizeof(path), "%s/realpkg/reader.tsv", harness_data_dir());
	FILE *f = fopen(path, "r");
	if (!CHECK(f != NULL, "fixture %s readable", path))
		return harness_done();
	if (!corpus) {
		SKIP("corpus not found (PYVET_SHARED, ../shared): the %s real-package "
		     "reader and PKG-INFO checks are not run",
		     path);
		fclose(f);
		return harness_done();
	}
	struct expect e;
	memset(&e, 0, sizeof(e));
	int have = 0;
	size_t n_pkgs = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *fl[8];
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		size_t n = split_tabs(line, fl, 8);
		if (!strcmp(fl[0], "P") && n == 8) {
			if (have)
				check_package(corpus, &e);
			expect_reset(&e);
			have = 1;
			n_pkgs++;
			snprintf(e.id, sizeof(e.id), "%s", fl[1]);
			unescape(fl[2]);
			snprintf(e.path, sizeof(e.path), "%s", fl[2]);
			snprintf(e.format, sizeof(e.format), "%s", fl[3]);
			unescape(fl[4]);
			snprintf(e.root, sizeof(e.root), "%s", strcmp(fl[4], "-") ? fl[4] : "");
			unescape(fl[5]);
			snprintf(e.metadata, sizeof(e.metadata), "%s",
			         strcmp(fl[5], "-") ? fl[5] : "");
			e.n_members = (size_t)strtoul(fl[6], NULL, 10);
		} else if (!strcmp(fl[0], "M") && n == 4 && have) {
			unescape(fl[3]);
			sbuf_addf(&e.members, "%s %s %s\n", fl[1], fl[2], fl[3]);
		} else if ((!strcmp(fl[0], "F") && n == 3) || (!strcmp(fl[0], "A") && n == 2)) {
			if (have && e.n_keys < MAX_FIELDS) {
				snprintf(e.key[e.n_keys], sizeof(e.key[0]), "%s", fl[1]);
				if (fl[0][0] == 'F') {
					unescape(fl[2]);
					e.value[e.n_keys] = strdup(fl[2]);
				}
				e.n_keys++;
			}
		} else if (!strcmp(fl[0], "N") && n == 3 && have) {
			e.n_fields = strtol(fl[1], NULL, 10);
			e.n_classifiers = strtol(fl[2], NULL, 10);
		} else {
			CHECK(0, "fixture line understood: '%.60s'", fl[0]);
		}
	}
	if (have)
		check_package(corpus, &e);
	expect_reset(&e);
	free(line);
	fclose(f);
	CHECK(n_pkgs >= 25, "the fixture lists %zu packages", n_pkgs);
	return harness_done();
}
