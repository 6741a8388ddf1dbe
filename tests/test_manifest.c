/* Unit tests for core/manifest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	unlink(tmp_path);
	CHECK(manifest_read("/nonexistent/manifest.csv", &m, &d) < 0 && m == NULL, "missing file");
	diag_release(&d);

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
