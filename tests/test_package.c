/* Unit tests for core/package: package root, metadata choice, formats, directories, text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/archive_fixture.h"
#include "core/pkg/package.h"
#include "core/base/sbuf.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static struct package *open_entries(const char *fmt, const char *filter, const struct fx_entry *e,
                                    size_t n, struct diag *d)
{
	size_t len = 0;
	struct package *p = NULL;
	unsigned char *b = fx_build(fmt, filter, NULL, NULL, e, n, &len);
	diag_init(d);
	if (b && package_open_memory(&p, b, len, "fixture", NULL, d) < 0)
		p = NULL;
	free(b);
	return p;
}

static void test_wrapper_root(void)
{
	static const struct fx_entry e[] = {
	    {"2023-02-27-demo-v1.0/", FX_DIR, NULL, 0, NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/", FX_DIR, NULL, 0, NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/PKG-INFO", FX_FILE, "Name: demo\n", 11, NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/demo/", FX_DIR, NULL, 0, NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/demo/a.py", FX_FILE, "a\r\nb\rc\n", 7, NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/demo.egg-info/PKG-INFO", FX_FILE, "Name: egg\n", 10,
	     NULL},
	    {"2023-02-27-demo-v1.0/demo-1.0/x.bin", FX_FILE, "\0\1", 2, NULL},
	};
	struct diag d;
	struct package *p = open_entries("tar", "gzip", e, sizeof(e) / sizeof(*e), &d);
	CHECK(p != NULL, "wrapper package opened (%s)", diag_message(&d));
	if (!p)
		return;
	CHECK_STR(p->root, "2023-02-27-demo-v1.0/demo-1.0/",
	          "root strips the wrapper and the sdist dir");
	CHECK_STR(p->format, "tar.gz", "format");
	CHECK_INT(p->n_files, 4, "files exclude directories");
	for (size_t i = 1; i < p->n_files; i++)
		CHECK(strcmp(p->files[i - 1].path, p->files[i].path) < 0, "files sorted (%zu)", i);
	CHECK(p->metadata && !strcmp(p->metadata->path, "PKG-INFO"),
	      "root PKG-INFO wins over egg-info");
	const struct package_file *f = package_find(p, "demo/a.py");
	CHECK(f && package_is_python(f) && f->is_text, "demo/a.py is python text");
	struct sbuf sb = SBUF_INIT;
	CHECK(f && package_read_text(f, &sb) == 0 && !strcmp(sbuf_cstr(&sb), "a\nb\nc\n"),
	      "CRLF and CR become LF");
	sbuf_release(&sb);
	f = package_find(p, "x.bin");
	CHECK(f && !f->data && package_read_text(f, &sb) < 0, "unloaded file: read_text fails");
	CHECK(strlen(p->sha256) == 64, "sha256 of the input");
	package_free(p);
	diag_release(&d);
}

static void test_marker_stop(void)
{
	/* a single directory that holds setup.py is the root even though it has one child dir */
	static const struct fx_entry e[] = {
	    {"outer/setup.py", FX_FILE, "x", 1, NULL},
	    {"outer/inner/mod.py", FX_FILE, "y", 1, NULL},
	};
	struct diag d;
	struct package *p = open_entries("zip", NULL, e, 2, &d);
	CHECK(p && !strcmp(p->root, "outer/"), "stop at the directory holding setup.py");
	CHECK(p && p->metadata == NULL, "no metadata file");
	package_free(p);
	diag_release(&d);
	static const struct fx_entry e2[] = {
	    {"a/b/c.egg-info/PKG-INFO", FX_FILE, "Name: c\n", 8, NULL},
	    {"a/b/c/__init__.py", FX_FILE, "", 0, NULL},
	};
	p = open_entries("tar", NULL, e2, 2, &d);
	CHECK(p && !strcmp(p->root, "a/b/"), "stop at the directory holding an egg-info");
	CHECK(p && p->metadata && !strcmp(p->metadata->path, "c.egg-info/PKG-INFO"),
	      "egg-info PKG-INFO");
	package_free(p);
	diag_release(&d);
	static const struct fx_entry e3[] = {{"only.py", FX_FILE, "z", 1, NULL}};
	p = open_entries("tar", NULL, e3, 1, &d);
	CHECK(p && !strcmp(p->root, "") && p->n_files == 1, "single top-level file: no root");
	package_free(p);
	diag_release(&d);
}

static void test_metadata_choice(void)
{
	static const struct fx_entry e[] = {
	    {"z/deep/y.dist-info/METADATA", FX_FILE, "Name: deep\n", 11, NULL},
	    {"b.dist-info/METADATA", FX_FILE, "Name: b\n", 8, NULL},
	    {"a.dist-info/METADATA", FX_FILE, "Name: a\n", 8, NULL},
	    {"a.dist-info/WHEEL", FX_FILE, "Wheel-Version: 1.0\n", 19, NULL},
	    {"a/__init__.py", FX_FILE, "", 0, NULL},
	};
	struct diag d;
	struct package *p = open_entries("zip", NULL, e, sizeof(e) / sizeof(*e), &d);
	CHECK(p && !strcmp(p->format, "whl"), "wheel format");
	CHECK(p && p->metadata && !strcmp(p->metadata->path, "a.dist-info/METADATA"),
	      "shallowest dist-info METADATA, ties by byte order");
	package_free(p);
	diag_release(&d);
	static const struct fx_entry e2[] = {
	    {"p-1/x/q.egg-info/PKG-INFO", FX_FILE, "Name: deep\n", 11, NULL},
	    {"p-1/q.dist-info/METADATA", FX_FILE, "Name: dist\n", 11, NULL},
	    {"p-1/s.egg-info/PKG-INFO", FX_FILE, "Name: s\n", 8, NULL},
	    {"p-1/fake-egg-info/PKG-INFO", FX_FILE, "Name: f\n", 8, NULL},
	};
	p = open_entries("tar", "gzip", e2, sizeof(e2) / sizeof(*e2), &d);
	CHECK(p && p->metadata && !strcmp(p->metadata->path, "s.egg-info/PKG-INFO"),
	      "egg-info before dist-info, shallowest first (%s)",
	      p && p->metadata ? p->metadata->path : "none");
	package_free(p);
	diag_release(&d);
}

static void test_deb_root(void)
{
	static const struct fx_entry data[] = {
	    {"./usr/lib/python3/dist-packages/demo/__init__.py", FX_FILE, "y = 2\n", 6, NULL},
	    {"./usr/lib/python3/dist-packages/demo-1.0.egg-info/PKG-INFO", FX_FILE, "Name: demo\n",
	     11, NULL},
	    {"./usr/share/doc/python3-demo/copyright", FX_FILE, "c", 1, NULL},
	};
	size_t nd = 0, nb = 0;
	unsigned char *dt = fx_build("tar", "xz", NULL, NULL, data, 3, &nd);
	struct fx_entry deb[] = {{"debian-binary", FX_FILE, "2.0\n", 4, NULL},
	                         {"data.tar.xz", FX_FILE, dt, nd, NULL}};
	unsigned char *b = fx_build("ar", NULL, NULL, NULL, deb, 2, &nb);
	struct package *p = NULL;
	struct diag d;
	diag_init(&d);
	CHECK(b && package_open_memory(&p, b, nb, "demo.deb", NULL, &d) == 0, "deb opened (%s)",
	      diag_message(&d));
	if (p) {
		CHECK_STR(p->root, "usr/lib/python3/dist-packages/", "deb root");
		CHECK_INT(p->n_files, 2, "files under dist-packages only");
		CHECK(p->metadata && !strcmp(p->metadata->path, "demo-1.0.egg-info/PKG-INFO"),
		      "deb metadata");
	}
	package_free(p);
	diag_release(&d);
	free(b);
	free(dt);
}

static void test_errors(void)
{
	struct package *p = (struct package *)1;
	struct diag d;
	diag_init(&d);
	CHECK(package_open(&p, "/nonexistent/pyvet-test.tar.gz", NULL, &d) < 0 && p == NULL &&
	          strstr(diag_message(&d), "/nonexistent/pyvet-test.tar.gz"),
	      "missing file: '%s'", diag_message(&d));
	diag_release(&d);
	CHECK(package_open_memory(&p, "PK\003\004garbage", 11, "bad.zip", NULL, &d) < 0 &&
	          strstr(diag_message(&d), "'bad.zip'"),
	      "damaged zip: '%s'", diag_message(&d));
	diag_release(&d);
	package_free(NULL);
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

static void test_directory(void)
{
	char tmpl[] = "/tmp/pyvet-test-pkg.XXXXXX";
	char path[512];
	if (!mkdtemp(tmpl)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/demo-1.0", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/demo-1.0/PKG-INFO", tmpl);
	write_file(path, "Name: demo\r\nVersion: 1.0\r\n");
	snprintf(path, sizeof(path), "%s/demo-1.0/demo", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/demo-1.0/demo/__init__.py", tmpl);
	write_file(path, "import os\n");
	snprintf(path, sizeof(path), "%s/demo-1.0/demo/loop", tmpl);
	int sl = symlink(".", path);
	snprintf(path, sizeof(path), "%s/demo-1.0/passwd", tmpl);
	sl |= symlink("/etc/passwd", path);
	snprintf(path, sizeof(path), "%s/demo-1.0/fifo", tmpl);
	int ff = mkfifo(path, 0644);
	struct package *p = NULL;
	struct diag d;
	diag_init(&d);
	CHECK(sl == 0, "symlinks created");
	CHECK(package_open(&p, tmpl, NULL, &d) == 0, "directory opened (%s)", diag_message(&d));
	if (p) {
		CHECK_STR(p->format, "dir", "dir format");
		CHECK_STR(p->root, "demo-1.0/", "dir root");
		CHECK_STR(p->sha256, "", "no sha256 for directories");
		const struct package_file *f = package_find(p, "demo/loop");
		CHECK(f && f->kind == PKGFS_LINK && !strcmp(f->link_target, "."),
		      "symlink loop not followed");
		f = package_find(p, "passwd");
		CHECK(f && f->kind == PKGFS_LINK && !f->data, "symlink to /etc/passwd not read");
		if (ff == 0) {
			f = package_find(p, "fifo");
			CHECK(f && f->kind == PKGFS_OTHER && !f->data,
			      "fifo recorded, never opened");
		}
		CHECK(p->metadata && p->metadata->size == 26, "metadata loaded from disk");
		CHECK_INT(p->n_files, ff == 0 ? 5 : 4, "files");
	}
	package_free(p);
	diag_release(&d);
	struct package_options o;
	package_options_default(&o);
	o.limits.max_dir_entries = 3;
	CHECK(package_open(&p, tmpl, &o, &d) < 0 && strstr(diag_message(&d), "directory entries"),
	      "directory entry limit: '%s'", diag_message(&d));
	diag_release(&d);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	CHECK(system(cmd) == 0, "temporary directory removed");
}

static void test_want(void)
{
	CHECK(package_want_member("a/b/setup.py", 100), "want .py");
	CHECK(package_want_member("x/LICENSE.txt", 100000000), "want LICENSE whatever its size");
	CHECK(package_want_member("x/data.json", 1000), "want small json");
	CHECK(!package_want_member("x/data.json", (size_t)2 << 20), "skip large json");
	CHECK(!package_want_member("x/logo.png", 10), "skip png");
	CHECK(package_want_member("X.PY", 10), "want .PY");
}

int main(void)
{
	toolkit_init();
	test_wrapper_root();
	test_marker_stop();
	test_metadata_choice();
	test_deb_root();
	test_errors();
	test_directory();
	test_want();
	return harness_done();
}
