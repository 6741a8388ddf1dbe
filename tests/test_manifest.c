/* Unit tests for core/manifest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/pkg/manifest.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

#define HEADER                                                                                     \
	"id,label,name,version,path,format,source,first_seen,cluster,cluster_size,kind,"           \
	"top_rank,bytes,dropped_files\n"

static char tmp_path[64];

static struct manifest *read_text(const char *text, struct diag *d)
{
	struct manifest *m = NULL;
	FILE *f = fopen(tmp_path, "w");
	diag_init(d);
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	if (manifest_read(tmp_path, &m, d) < 0)
		return NULL;
	return m;
}

/* A manifest with one row (id, path) is refused with `want` in the message naming the line. */
static void refused(const char *id, const char *path, const char *want, const char *what)
{
	char text[512];
	struct diag d;
	struct manifest *m;
	snprintf(text, sizeof(text), "id,label,path\nok1,benign,p\n\"%s\",benign,\"%s\"\n", id,
	         path);
	m = read_text(text, &d);
	CHECK(!m && strstr(diag_message(&d), want) && strstr(diag_message(&d), ".csv:3: "),
	      "%s refused at line 3: '%s'", what, diag_message(&d));
	manifest_free(m);
	diag_release(&d);
}

static void ids_and_paths(struct diag *d)
{
	struct manifest *m;
	char longid[200];
	memset(longid, 'a', 129);
	longid[129] = '\0';
	refused("a\tb", "p", "id 'a\tb'", "id with TAB");
	refused("a\nb", "p", "is not 1 to 128", "id with LF (the row starts on line 3)");
	refused("a,b", "p", "is not 1 to 128", "id with a comma");
	refused("=HYPERLINK(1)", "p", "is not 1 to 128", "formula-like id");
	refused("-rf", "p", "starting with a letter or digit", "id starting with '-'");
	refused(".hidden", "p", "starting with a letter or digit", "id starting with '.'");
	refused("x\xe2\x80\xae", "p", "is not 1 to 128", "id with U+202E");
	refused(longid, "p", "is not 1 to 128", "129-byte id");
	refused("x", "../../etc/shadow", "'..' component", "'../' path");
	refused("x", "a/../../b", "'..' component", "inner '..'");
	refused("x", "a/..", "'..' component", "trailing '..'");
	refused("x", "/etc/shadow", "absolute path", "absolute path");
	refused("x", "a\nb", "control character", "path with LF");
	memset(longid, 'a', 128);
	longid[128] = '\0';
	char text[512];
	snprintf(text, sizeof(text), "id,label,path\n%s,benign,a/..b/...c/x.tar.gz\n", longid);
	m = read_text(text, d);
	CHECK(m && m->n == 1, "a 128-byte id and '..b', '...c' components are fine (%s)",
	      diag_message(d));
	manifest_free(m);
	diag_release(d);
	m = read_text("id,label,path\nx,benign,p\n\n\ny,bad,q\n", d);
	CHECK(!m && strstr(diag_message(d), ".csv:5: label 'bad'"),
	      "line numbers count blank lines: '%s'", diag_message(d));
	diag_release(d);
	m = read_text("id,name,label,path\nx,\"multi\nline\",benign,p\ny,n,bad,q\n", d);
	CHECK(!m && strstr(diag_message(d), ".csv:4: label 'bad'"),
	      "line numbers count line breaks inside quoted cells: '%s'", diag_message(d));
	diag_release(d);
	CHECK(manifest_id_valid("c094d7de4725f1586b93b2fd37e466c85e86be8501f692264919dd9183c4cff3"),
	      "a SHA-256 id is valid");
	CHECK(manifest_id_valid("APScheduler-3.9.1_x.y") && !manifest_id_valid(""),
	      "name-version ids valid, the empty id not");
}

/* manifest_package_path() of a row with path `rel`. */
static char *pkg_path(const char *corpus, const char *rel, const char *debian_dir, struct diag *d)
{
	struct manifest_row r;
	memset(&r, 0, sizeof(r));
	r.path = (char *)rel;
	return manifest_package_path(&r, corpus, debian_dir, d);
}

/* manifest_package_path(): joined inside the corpus, refused outside, symlinks resolved. */
static void confinement(void)
{
	char dir[] = "/tmp/pyvet-test-confine-XXXXXX", p[256], out[512];
	struct diag d;
	char *got;
	diag_init(&d);
	if (!CHECK(mkdtemp(dir) != NULL, "temporary corpus"))
		return;
	snprintf(p, sizeof(p), "%s/corpus", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/corpus/benign", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/corpus/benign/a.tar.gz", dir);
	fclose(fopen(p, "w"));
	snprintf(out, sizeof(out), "%s/secret", dir);
	fclose(fopen(out, "w"));
	snprintf(p, sizeof(p), "%s/corpus/benign/link.tar.gz", dir);
	CHECK(symlink(out, p) == 0, "a symlink leading out of the corpus");
	snprintf(p, sizeof(p), "%s/corpus/benign/inside.tar.gz", dir);
	CHECK(symlink("a.tar.gz", p) == 0, "a symlink staying inside");
	snprintf(p, sizeof(p), "%s/corpus", dir);

	got = pkg_path(p, "benign/a.tar.gz", NULL, &d);
	snprintf(out, sizeof(out), "%s/benign/a.tar.gz", p);
	CHECK(got && !strcmp(got, out), "inside: corpus/rel (%s)", diag_message(&d));
	free(got);
	got = pkg_path(p, "benign/inside.tar.gz", NULL, &d);
	CHECK(got != NULL, "a link inside the corpus is allowed (%s)", diag_message(&d));
	free(got);
	got = pkg_path(p, "benign/link.tar.gz", NULL, &d);
	CHECK(!got && strstr(diag_message(&d), "leads outside the corpus directory"),
	      "a link out of the corpus is refused: '%s'", diag_message(&d));
	got = pkg_path(p, "../secret", NULL, &d);
	CHECK(!got && strstr(diag_message(&d), "'..' component"), "'../secret' refused: '%s'",
	      diag_message(&d));
	got = pkg_path(p, "../../../../../../etc/shadow", NULL, &d);
	CHECK(!got, "'../../etc/shadow' refused");
	got = pkg_path(p, "/etc/passwd", NULL, &d);
	CHECK(!got && strstr(diag_message(&d), "absolute path"), "absolute refused: '%s'",
	      diag_message(&d));
	got = pkg_path(p, "benign/missing.tar.gz", NULL, &d);
	CHECK(!got && strstr(diag_message(&d), "No such file"), "missing file: '%s'",
	      diag_message(&d));
	got = pkg_path(p, ".", NULL, &d);
	CHECK(!got, "the corpus directory itself is not a package path");
	snprintf(out, sizeof(out), "%s/corpus", dir);
	got = pkg_path("/nonexistent", "debian/benign/a.tar.gz", out, &d);
	snprintf(out, sizeof(out), "%s/corpus/benign/a.tar.gz", dir);
	CHECK(got && !strcmp(got, out), "a 'debian/' path is relative to the Debian folder (%s)",
	      diag_message(&d));
	free(got);
	snprintf(out, sizeof(out), "%s/corpus", dir);
	got = pkg_path(p, "debian/../secret", out, &d);
	CHECK(!got && strstr(diag_message(&d), "'..' component"), "and confined to it: '%s'",
	      diag_message(&d));
	diag_release(&d);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK(system(p) == 0, "temporary corpus removed");
}

int main(void)
{
	toolkit_init();
	struct diag d;
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/pyvet-test-manifest.%ld.csv", (long)getpid());
	struct manifest *m = read_text(
	    HEADER
	    "a1,malicious,evil,1.0,malicious/a1.zip,tar.gz,src,2022-01-01,sk-1,12,malware,,100,0\n"
	    "b2,benign,\"good, "
	    "pkg\",2.0,benign/b2.tar.gz,tar.gz,src,2021-01-01,good,1,popular,7,200,\n",
	    &d);
	CHECK(m != NULL, "valid manifest (%s)", diag_message(&d));
	if (m) {
		CHECK_INT(m->n, 2, "rows");
		CHECK(m->rows[0].y == 1 && m->rows[1].y == 0, "labels");
		CHECK_STR(m->rows[1].name, "good, pkg", "quoted cell");
		CHECK(m->rows[0].top_rank == -1 && m->rows[1].top_rank == 7,
		      "top_rank empty -> -1");
		CHECK(m->rows[0].cluster_size == 12 && m->rows[1].dropped_files == -1, "numbers");
		CHECK_STR(m->rows[0].split, "", "no split column");
		CHECK_STR(m->rows[0].overlap, "", "no overlap column");
		CHECK_INT(strlen(m->sha256), 64, "sha256 of the file");
	}
	manifest_free(m);
	diag_release(&d);
	m = read_text("id,label,path,split\nx,benign,p,train\ny,malicious,q,test\n", &d);
	CHECK(m && m->n == 2 && !strcmp(m->rows[1].split, "test") && m->rows[0].bytes == -1,
	      "minimal columns plus split (%s)", diag_message(&d));
	manifest_free(m);
	diag_release(&d);
	m = read_text("id,label,path,overlap\nx,benign,debian/a_1_all.deb,corpus\n"
	              "y,benign,benign/debian/b.tar.gz,none\n",
	              &d);
	CHECK(m && m->n == 2 && !strcmp(m->rows[0].overlap, "corpus"), "overlap column (%s)",
	      diag_message(&d));
	if (m) {
		struct sbuf p = SBUF_INIT;
		manifest_row_file(&m->rows[0], "/c", "/deb", &p);
		CHECK_STR(sbuf_cstr(&p), "/deb/a_1_all.deb", "debian/ path under --debian-dir");
		sbuf_reset(&p);
		manifest_row_file(&m->rows[0], "/c", NULL, &p);
		CHECK_STR(sbuf_cstr(&p), "/c/debian/a_1_all.deb",
		          "without a Debian folder: corpus");
		sbuf_reset(&p);
		manifest_row_file(&m->rows[1], "/c", "/deb", &p);
		CHECK_STR(sbuf_cstr(&p), "/c/benign/debian/b.tar.gz", "only a leading debian/");
		sbuf_release(&p);
		CHECK_STR(m->rows[0].split, "", "no split column");
	}
	manifest_free(m);
	diag_release(&d);
	m = read_text("id,label,path\nx,good,p\n", &d);
	CHECK(!m && strstr(diag_message(&d), "label 'good'"), "bad label: '%s'", diag_message(&d));
	diag_release(&d);
	m = read_text("id,label,path\nx,benign,p\nx,benign,q\n", &d);
	CHECK(!m && strstr(diag_message(&d), "duplicate id 'x'"), "duplicate id: '%s'",
	      diag_message(&d));
	diag_release(&d);
	m = read_text("id,label\nx,benign\n", &d);
	CHECK(!m && strstr(diag_message(&d), "missing column 'path'"), "missing column: '%s'",
	      diag_message(&d));
	diag_release(&d);
	m = read_text("id,label,path\n,benign,p\n", &d);
	CHECK(!m && strstr(diag_message(&d), "empty id"), "empty id: '%s'", diag_message(&d));
	diag_release(&d);
	m = read_text("id,label,path,bytes\nx,benign,p,12abc\n", &d);
	CHECK(!m && strstr(diag_message(&d), "bad bytes"), "bad number: '%s'", diag_message(&d));
	diag_release(&d);
	m = read_text("id,label,path\nx,benign\n", &d);
	CHECK(!m && diag_message(&d)[0], "short row: '%s'", diag_message(&d));
	diag_release(&d);
	ids_and_paths(&d);
	unlink(tmp_path);
	CHECK(manifest_read("/nonexistent/manifest.csv", &m, &d) < 0 && m == NULL, "missing file");
	diag_release(&d);
	confinement();

	const char *corpus = harness_corpus_dir();
	if (!corpus) {
		SKIP("corpus not found: real manifest not checked");
	} else {
		char path[512];
		snprintf(path, sizeof(path), "%s/manifest.csv", corpus);
		CHECK(manifest_read(path, &m, &d) == 0, "corpus manifest reads (%s)",
		      diag_message(&d));
		if (m) {
			size_t mal = 0;
			for (size_t i = 0; i < m->n; i++)
				mal += (size_t)m->rows[i].y;
			CHECK(m->n > 0 && mal > 0 && mal < m->n,
			      "both classes present (%zu of %zu malicious)", mal, m->n);
			CHECK(m->rows[0].bytes > 0 && m->rows[0].cluster[0],
			      "typed columns filled");
		}
		manifest_free(m);
		diag_release(&d);
	}
	manifest_free(NULL);
	return harness_done();
}
