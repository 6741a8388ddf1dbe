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

static int has_note(const struct package *p, const char *rule, const char *path)
{
	for (size_t i = 0; p && i < p->n_notes; i++)
		if (!strcmp(p->notes[i].rule, rule) && !strcmp(p->notes[i].path, path))
			return 1;
	return 0;
}

static void test_root_evasion(void)
{
	/* issue 8 item 6: one extra top-level member must not hide PKG-INFO and setup.py */
	static const struct fx_entry e[] = {
	    {"evade-1.0/PKG-INFO", FX_FILE, "Name: evade\n", 12, NULL},
	    {"evade-1.0/setup.py", FX_FILE, "import os\n", 10, NULL},
	    {"evade-1.0/evade/__init__.py", FX_FILE, "", 0, NULL},
	    {"C:/x.py", FX_FILE, "y = 2\n", 6, NULL},
	};
	struct diag d;
	struct package *p = open_entries("zip", NULL, e, sizeof(e) / sizeof(*e), &d);
	CHECK(p != NULL, "evasion zip opened (%s)", diag_message(&d));
	if (p) {
		STR_IS(p->root, "evade-1.0/", "root: the directory holding the markers");
		CHECK(p->metadata && !strcmp(p->metadata->path, "PKG-INFO"), "PKG-INFO found");
		CHECK(package_find(p, "setup.py") != NULL, "setup.py in the tree");
		INT_IS(p->n_files, 3, "the extra member is not a file of the package");
		INT_IS(p->n_outside_root, 1, "one member outside the root");
		CHECK(has_note(p, "outside_root", "C:/x.py") &&
		          has_note(p, "drive_path", "C:/x.py"),
		      "notes: outside the root, drive letter");
		CHECK(p->diag.n_warnings == 2, "each note is also a warning (%d)",
		      p->diag.n_warnings);
	}
	package_free(p);
	diag_release(&d);
	/* ties at the same depth: more members, then byte order; shallower beats larger */
	static const struct fx_entry t1[] = {
	    {"a/setup.py", FX_FILE, "", 0, NULL},
	    {"b/setup.py", FX_FILE, "", 0, NULL},
	    {"b/x.py", FX_FILE, "", 0, NULL},
	    {"junk.txt", FX_FILE, "j", 1, NULL},
	};
	p = open_entries("tar", NULL, t1, sizeof(t1) / sizeof(*t1), &d);
	CHECK(p && !strcmp(p->root, "b/"), "two marker directories: the larger one (%s)",
	      p ? p->root : diag_message(&d));
	CHECK(p && p->n_outside_root == 2, "a/setup.py and junk.txt are outside");
	package_free(p);
	diag_release(&d);
	static const struct fx_entry t2[] = {
	    {"b/setup.py", FX_FILE, "", 0, NULL},
	    {"a/setup.py", FX_FILE, "", 0, NULL},
	    {"junk.txt", FX_FILE, "j", 1, NULL},
	};
	p = open_entries("tar", NULL, t2, sizeof(t2) / sizeof(*t2), &d);
	CHECK(p && !strcmp(p->root, "a/"), "equal marker directories: byte order");
	package_free(p);
	diag_release(&d);
	static const struct fx_entry t3[] = {
	    {"x/y/setup.py", FX_FILE, "", 0, NULL}, {"x/y/a.py", FX_FILE, "", 0, NULL},
	    {"x/y/b.py", FX_FILE, "", 0, NULL},     {"z/PKG-INFO", FX_FILE, "Name: z\n", 8, NULL},
	    {"top.py", FX_FILE, "", 0, NULL},
	};
	p = open_entries("tar", NULL, t3, sizeof(t3) / sizeof(*t3), &d);
	CHECK(p && !strcmp(p->root, "z/"), "the shallowest marker directory wins");
	package_free(p);
	diag_release(&d);
	/* no marker anywhere: the spec's descent alone, nothing left out */
	static const struct fx_entry t4[] = {
	    {"a/x.py", FX_FILE, "", 0, NULL},
	    {"b/y.py", FX_FILE, "", 0, NULL},
	};
	p = open_entries("zip", NULL, t4, 2, &d);
	CHECK(p && !strcmp(p->root, "") && p->n_files == 2 && p->n_notes == 0,
	      "no marker: root '', every file kept, no note");
	package_free(p);
	diag_release(&d);
	/* a backslash name (kept as is in tar) */
	static const struct fx_entry t5[] = {
	    {"w-1.0/setup.py", FX_FILE, "", 0, NULL},
	    {"w-1.0/sub\\evil.py", FX_FILE, "", 0, NULL},
	};
	p = open_entries("tar", NULL, t5, 2, &d);
	CHECK(p && has_note(p, "backslash_path", "w-1.0/sub\\evil.py") && p->n_outside_root == 0,
	      "backslash path noted, still inside the root");
	package_free(p);
	diag_release(&d);
}

static void test_garbage(void)
{
	/* issue 8 item 5: no Python file, no metadata file and no setup file: not a package */
	static const struct fx_entry none[] = {{"d/", FX_DIR, NULL, 0, NULL}};
	static const struct fx_entry readme[] = {{"n-1/README.md", FX_FILE, "# n\n", 4, NULL},
	                                         {"n-1/x.bin", FX_FILE, "\0", 1, NULL}};
	struct diag d;
	struct package *p = open_entries("zip", NULL, none, 1, &d);
	CHECK(p == NULL && strstr(diag_message(&d), "not a Python package"),
	      "only a directory: '%s'", diag_message(&d));
	diag_release(&d);
	p = open_entries("tar", "gzip", readme, 2, &d);
	CHECK(p == NULL && strstr(diag_message(&d), "not a Python package") &&
	          strstr(diag_message(&d), "(2 files)"),
	      "a README and a binary: '%s'", diag_message(&d));
	diag_release(&d);
	static const char *const ok_names[] = {"s-1/setup.cfg", "s-1/pyproject.toml",
	                                       "s-1/setup.py", "s-1/m.py", "s-1/PKG-INFO"};
	for (size_t i = 0; i < sizeof(ok_names) / sizeof(*ok_names); i++) {
		struct fx_entry one[] = {{ok_names[i], FX_FILE, "Name: s\n", 8, NULL}};
		p = open_entries("tar", NULL, one, 1, &d);
		CHECK(p != NULL, "'%s' alone is enough (%s)", ok_names[i], diag_message(&d));
		package_free(p);
		diag_release(&d);
	}
}

static void test_params(void)
{
	struct package_options o;
	struct diag d;
	diag_init(&d);
	package_options_default(&o);
	CHECK(o.passwords == NULL && o.limits.max_input_bytes == ((size_t)64 << 20) &&
	          o.limits.max_members == 100000 &&
	          o.limits.max_member_bytes == ((size_t)16 << 20) &&
	          o.limits.max_total_bytes == ((size_t)256 << 20) &&
	          o.limits.max_unpacked_bytes == ((size_t)1 << 30) &&
	          o.limits.max_path_bytes == 1024 && o.limits.max_depth == 1 &&
	          o.limits.max_ratio == 200 && o.limits.max_dir_entries == 200000 &&
	          o.time_budget == 10,
	      "package_param_spec defaults are the documented limits");
	CHECK(params_set(package_param_spec, &o, "pkg.max_members", "5", &d) == 0 &&
	          o.limits.max_members == 5,
	      "pkg.max_members=5");
	CHECK(params_set(package_param_spec, &o, "pkg.time_budget", "0.25", &d) == 0 &&
	          o.time_budget == 0.25,
	      "pkg.time_budget=0.25");
	static const char *const bad[] = {"-1", "1e3", "", " 5", "5x", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(params_set(package_param_spec, &o, "pkg.max_members", bad[i], &d) < 0 &&
		          o.limits.max_members == 5,
		      "pkg.max_members='%s' rejected", bad[i]);
	CHECK(params_set(package_param_spec, &o, "pkg.nope", "1", &d) < 0, "unknown key rejected");
	CHECK(params_set(package_param_spec, &o, "pkg.max_depth", "9", &d) < 0 &&
	          !strcmp(diag_message(&d), "parameter 'pkg.max_depth': '9' is not in [0, 8]") &&
	          o.limits.max_depth == 1,
	      "a value outside the range is refused: '%s'", diag_message(&d));
	CHECK(params_set(package_param_spec, &o, "pkg.time_budget", "-1", &d) < 0 &&
	          o.time_budget == 0.25,
	      "a negative budget is refused");
	struct sbuf sb = SBUF_INIT;
	params_format(package_param_spec, &o, &sb);
	CHECK(strstr(sbuf_cstr(&sb), "pkg.max_members=5,") &&
	          strstr(sbuf_cstr(&sb), "pkg.time_budget=0.25"),
	      "formatted for the sidecar and the cache key: %s", sbuf_cstr(&sb));
	sbuf_release(&sb);
	diag_release(&d);
}

static void test_time_budget(void)
{
	static const struct fx_entry e[] = {{"t-1/setup.py", FX_FILE, "x = 1\n", 6, NULL}};
	size_t len = 0;
	unsigned char *b = fx_build("tar", "gzip", NULL, NULL, e, 1, &len);
	struct package_options o;
	struct package *p = NULL;
	struct diag d;
	diag_init(&d);
	package_options_default(&o);
	o.time_budget = 1e-9; /* spent before the first check */
	CHECK(b && package_open_memory(&p, b, len, "t.tar.gz", &o, &d) < 0 && p == NULL &&
	          strstr(diag_message(&d), "time budget of 1e-09 s exceeded while"),
	      "a spent budget fails the package: '%s'", diag_message(&d));
	diag_release(&d);
	o.time_budget = 0; /* none */
	CHECK(package_open_memory(&p, b, len, "t.tar.gz", &o, &d) == 0 && p &&
	          !deadline_expired(&p->deadline),
	      "budget 0: no deadline");
	package_free(p);
	diag_release(&d);
	free(b);
}

/* load_all loads members the default reader only lists; keep_archive returns the sdist inside an
 * encrypted storage zip byte for byte, and the input itself when there is no wrapper. */
static void test_load_all_keep_archive(void)
{
	static const struct fx_entry e[] = {
	    {"demo-1.0/setup.py", FX_FILE, "x = 1\n", 6, NULL},
	    {"demo-1.0/logo.png", FX_FILE, "\x89PNG", 4, NULL},
	};
	size_t nt = 0, nz = 0;
	unsigned char *tgz = fx_build("tar", "gzip", NULL, NULL, e, 2, &nt);
	struct fx_entry z[] = {{"demo-1.0.tar.gz", FX_FILE, tgz, nt, NULL}};
	unsigned char *zip =
	    fx_build("zip", NULL, "zip:encryption=zipcrypt", "infected", z, 1, &nz);
	struct package_options o;
	struct package *p = NULL;
	struct diag d;
	diag_init(&d);
	package_options_default(&o);
	CHECK(zip && package_open_memory(&p, zip, nz, "w.zip", &o, &d) == 0, "wrapped opened");
	if (p) {
		const struct package_file *f = package_find(p, "logo.png");
		CHECK(f && !f->data && !p->archive, "default: png listed, not loaded; no archive");
	}
	package_free(p);
	p = NULL;
	o.load_all = 1;
	o.keep_archive = 1;
	CHECK(zip && package_open_memory(&p, zip, nz, "w.zip", &o, &d) == 0, "wrapped reopened");
	if (p) {
		const struct package_file *f = package_find(p, "logo.png");
		CHECK(f && f->data && f->size == 4, "load_all: png loaded");
		CHECK(p->archive && p->archive_len == nt && !memcmp(p->archive, tgz, nt),
		      "keep_archive: the inner tar.gz byte for byte");
		STR_IS(p->format, "zip+zipcrypto>tar.gz", "format");
	}
	package_free(p);
	p = NULL;
	CHECK(tgz && package_open_memory(&p, tgz, nt, "x.tar.gz", &o, &d) == 0, "plain opened");
	if (p)
		CHECK(p->archive_len == nt && !memcmp(p->archive, tgz, nt),
		      "keep_archive: an unwrapped input is kept as is");
	package_free(p);
	diag_release(&d);
	free(tgz);
	free(zip);
}

int main(void)
{
	toolkit_init();
	test_root_evasion();
	test_garbage();
	test_params();
	test_time_budget();
	test_wrapper_root();
	test_marker_stop();
	test_metadata_choice();
	test_deb_root();
	test_errors();
	test_directory();
	test_want();
	test_load_all_keep_archive();
	return harness_done();
}
