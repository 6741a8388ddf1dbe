/* Unit tests for core/pkgfs: formats, nesting, passwords, limits and hostile members. */
#include <stdlib.h>
#include <string.h>

#include "tests/archive_fixture.h"
#include "core/base/deadline.h"
#include "core/pkg/package.h"
#include "core/pkg/pkgfs.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static const char *const pw_infected[] = {"infected", NULL};
static const char *const pw_wrong[] = {"wrong", NULL};

static void default_opts(struct pkgfs_options *o)
{
	struct package_options po;
	package_options_default(&po);
	memset(o, 0, sizeof(*o));
	o->passwords = pw_infected;
	o->limits = po.limits;
}

static const struct fx_entry demo[] = {
    {"demo-1.0/", FX_DIR, NULL, 0, NULL},
    {"demo-1.0/PKG-INFO", FX_FILE, "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n", 45, NULL},
    {"demo-1.0/setup.py", FX_FILE, "from setuptools import setup\nsetup()\n", 37, NULL},
    {"demo-1.0/demo/__init__.py", FX_FILE, "x = 1\r\n", 7, NULL},
    {"demo-1.0/logo.png", FX_FILE, "\x89PNG\r\n\x1a\n", 8, NULL},
};
#define N_DEMO (sizeof(demo) / sizeof(*demo))

static int want_py(const char *path, size_t size, void *ctx)
{
	(void)size;
	(void)ctx;
	size_t n = strlen(path);
	return n > 3 && !strcmp(path + n - 3, ".py");
}

/* Open bytes, return the tree or NULL (error message in d). */
static struct pkgfs *open_buf(const unsigned char *b, size_t n, const struct pkgfs_options *o,
                              struct diag *d)
{
	struct pkgfs *fs = NULL;
	diag_init(d);
	if (!b)
		return NULL;
	if (pkgfs_open_memory(&fs, b, n, o, d) < 0)
		return NULL;
	return fs;
}

static void test_normalise(void)
{
	char out[64];
	const char *why = NULL;
	static const struct {
		const char *in, *out;
	} good[] = {{"./a/b.py", "a/b.py"}, {"a//b", "a/b"},      {"a/./b/", "a/b"}, {"./", ""},
	            {"././x", "x"},         {"a/b..c", "a/b..c"}, {"...", "..."}};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		int r = pkgfs_normalise_path(good[i].in, out, sizeof(out), 60, &why);
		CHECK(r == 0 && !strcmp(out, good[i].out), "normalise '%s' -> '%s' (got '%s')",
		      good[i].in, good[i].out, r == 0 ? out : why);
	}
	static const char *const bad[] = {"/etc/passwd", "../x",  "a/../../x", "a/..",
	                                  "a\nb",        "a\x7f", "x\tb"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(pkgfs_normalise_path(bad[i], out, sizeof(out), 60, &why) < 0,
		      "reject bad path %zu", i);
	char longp[100];
	memset(longp, 'a', 99);
	longp[99] = '\0';
	CHECK(pkgfs_normalise_path(longp, out, sizeof(out), 60, &why) < 0 && strstr(why, "long"),
	      "reject an over-long path");
}

static void test_formats(void)
{
	static const struct {
		const char *fmt, *filter, *expect;
	} cases[] = {{"tar", NULL, "tar"},          {"tar", "gzip", "tar.gz"},
	             {"ustar", "bzip2", "tar.bz2"}, {"tar", "xz", "tar.xz"},
	             {"tar", "zstd", "tar.zst"},    {"zip", NULL, "zip"}};
	struct pkgfs_options o;
	default_opts(&o);
	o.want = want_py;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = 0;
		unsigned char *b =
		    fx_build(cases[i].fmt, cases[i].filter, NULL, NULL, demo, N_DEMO, &n);
		struct diag d;
		struct pkgfs *fs = open_buf(b, n, &o, &d);
		CHECK(fs != NULL, "%s: opened (%s)", cases[i].expect, diag_message(&d));
		if (fs) {
			CHECK_STR(pkgfs_format(fs), cases[i].expect, "%s: format", cases[i].expect);
			CHECK_INT(fs->n, N_DEMO, "%s: members", cases[i].expect);
			const struct pkgfs_member *m = pkgfs_find(fs, "demo-1.0/demo/__init__.py");
			CHECK(m && m->data && m->size == 7 && m->data[7] == '\0' &&
			          !memcmp(m->data, "x = 1\r\n", 7),
			      "%s: .py loaded with a NUL after", cases[i].expect);
			m = pkgfs_find(fs, "demo-1.0/logo.png");
			CHECK(m && !m->data && m->size == 8, "%s: png listed, not loaded",
			      cases[i].expect);
			m = pkgfs_find(fs, "demo-1.0/PKG-INFO");
			CHECK(m && !m->data, "%s: want() decides", cases[i].expect);
			m = pkgfs_find(fs, "demo-1.0");
			CHECK(m && m->kind == PKGFS_DIR, "%s: directory entry", cases[i].expect);
			CHECK(pkgfs_find(fs, "nope") == NULL, "%s: absent path", cases[i].expect);
		}
		pkgfs_free(fs);
		diag_release(&d);
		free(b);
	}
}

static void test_encrypted(void)
{
	size_t n = 0, nz = 0;
	unsigned char *tgz = fx_build("tar", "gzip", NULL, NULL, demo, N_DEMO, &n);
	struct fx_entry outer = {"demo-1.0.tar.gz", FX_FILE, tgz, n, NULL};
	unsigned char *z =
	    fx_build("zip", NULL, "zip:encryption=zipcrypt", "infected", &outer, 1, &nz);
	struct pkgfs_options o;
	struct diag d;
	default_opts(&o);
	CHECK(z != NULL, "built a ZipCrypto zip");
	struct pkgfs *fs = open_buf(z, nz, &o, &d);
	CHECK(fs != NULL, "encrypted zip opened (%s)", diag_message(&d));
	if (fs) {
		CHECK_STR(pkgfs_format(fs), "zip+zipcrypto>tar.gz",
		          "format of the unwrapped sample");
		CHECK(pkgfs_find(fs, "demo-1.0/setup.py") != NULL, "inner member visible");
	}
	pkgfs_free(fs);
	diag_release(&d);

	o.passwords = pw_wrong;
	fs = open_buf(z, nz, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "incorrect passphrase") &&
	          strstr(diag_message(&d), "demo-1.0.tar.gz"),
	      "wrong password: '%s'", diag_message(&d));
	diag_release(&d);
	o.passwords = NULL;
	fs = open_buf(z, nz, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "passphrase required"), "no password: '%s'",
	      diag_message(&d));
	diag_release(&d);

	/* zip > zip > tar.gz: one descent only */
	size_t n2 = 0;
	struct fx_entry mid = {"inner.zip", FX_FILE, z, nz, NULL};
	unsigned char *z2 = fx_build("zip", NULL, NULL, NULL, &mid, 1, &n2);
	o.passwords = pw_infected;
	fs = open_buf(z2, n2, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "nested archive deeper"),
	      "zip>zip>tar.gz: '%s'", diag_message(&d));
	diag_release(&d);
	o.limits.max_depth = 2;
	fs = open_buf(z2, n2, &o, &d);
	CHECK(fs && !strcmp(pkgfs_format(fs), "zip>zip+zipcrypto>tar.gz"),
	      "max_depth=2 allows two descents (%s)", fs ? pkgfs_format(fs) : diag_message(&d));
	pkgfs_free(fs);
	diag_release(&d);
	free(z2);

	/* a zip with a single non-archive member stays a zip */
	struct fx_entry single = {"hello.py", FX_FILE, "print(1)\n", 9, NULL};
	z2 = fx_build("zip", NULL, NULL, NULL, &single, 1, &n2);
	default_opts(&o);
	fs = open_buf(z2, n2, &o, &d);
	CHECK(fs && !strcmp(pkgfs_format(fs), "zip") && fs->n == 1 && fs->members[0].data,
	      "single .py member: plain zip (%s)", diag_message(&d));
	pkgfs_free(fs);
	diag_release(&d);
	free(z2);
	free(z);
	free(tgz);
}

static void test_deb(void)
{
	static const struct fx_entry data[] = {
	    {"./usr/lib/python3/dist-packages/demo/__init__.py", FX_FILE, "y = 2\n", 6, NULL},
	    {"./usr/share/doc/python3-demo/copyright", FX_FILE, "c", 1, NULL},
	};
	size_t nd = 0, nc = 0, nb = 0;
	unsigned char *dt = fx_build("tar", "xz", NULL, NULL, data, 2, &nd);
	static const struct fx_entry ctl[] = {{"./control", FX_FILE, "Package: x\n", 11, NULL}};
	unsigned char *ct = fx_build("tar", "gzip", NULL, NULL, ctl, 1, &nc);
	struct fx_entry deb[] = {{"debian-binary", FX_FILE, "2.0\n", 4, NULL},
	                         {"control.tar.gz", FX_FILE, ct, nc, NULL},
	                         {"data.tar.xz", FX_FILE, dt, nd, NULL}};
	unsigned char *b = fx_build("ar", NULL, NULL, NULL, deb, 3, &nb);
	struct pkgfs_options o;
	struct diag d;
	default_opts(&o);
	struct pkgfs *fs = open_buf(b, nb, &o, &d);
	CHECK(fs != NULL, "deb opened (%s)", diag_message(&d));
	if (fs) {
		CHECK_STR(pkgfs_format(fs), "deb>tar.xz", "deb format");
		CHECK(pkgfs_find(fs, "usr/lib/python3/dist-packages/demo/__init__.py") != NULL,
		      "deb data member");
	}
	pkgfs_free(fs);
	diag_release(&d);
	o.limits.max_depth = 0;
	fs = open_buf(b, nb, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "nested"), "deb with max_depth=0: '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
	/* ar without data.tar */
	b = fx_build("ar", NULL, NULL, NULL, deb, 1, &nb);
	default_opts(&o);
	fs = open_buf(b, nb, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "data.tar"), "plain ar: '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
	free(ct);
	free(dt);
}

static void test_hostile(void)
{
	static const struct fx_entry bad[] = {
	    {"../evil.py", FX_FILE, "a", 1, NULL},
	    {"/abs.py", FX_FILE, "b", 1, NULL},
	    {"ok/../../x.py", FX_FILE, "c", 1, NULL},
	    {"ctl\x01.py", FX_FILE, "d", 1, NULL},
	    {"./good.py", FX_FILE, "e", 1, NULL},
	    {"pkg/passwd", FX_SYMLINK, NULL, 0, "/etc/passwd"},
	    {"pkg/hard.py", FX_HARDLINK, NULL, 0, "good.py"},
	    {"pkg/null", FX_CHARDEV, NULL, 0, NULL},
	    {"pkg/fifo", FX_FIFO, NULL, 0, NULL},
	    {"dup.py", FX_FILE, "first", 5, NULL},
	    {"dup.py", FX_FILE, "second", 6, NULL},
	};
	size_t n = 0;
	unsigned char *b = fx_build("tar", NULL, NULL, NULL, bad, sizeof(bad) / sizeof(*bad), &n);
	struct pkgfs_options o;
	struct diag d;
	default_opts(&o);
	struct pkgfs *fs = open_buf(b, n, &o, &d);
	CHECK(fs != NULL, "hostile tar opened (%s)", diag_message(&d));
	if (fs) {
		CHECK_INT(fs->n, 6, "kept: good.py, dup.py, passwd, hard.py, null, fifo");
		CHECK_INT(fs->n_skipped, 4 + 2 + 1, "4 unsafe paths, 2 special files, 1 duplicate");
		CHECK(d.n_warnings >= 7, "warnings recorded (%d)", d.n_warnings);
		const struct pkgfs_member *m = pkgfs_find(fs, "pkg/passwd");
		CHECK(m && m->kind == PKGFS_LINK && !m->hardlink &&
		          !strcmp(m->link_target, "/etc/passwd") && !m->data,
		      "symlink recorded, not followed");
		m = pkgfs_find(fs, "pkg/hard.py");
		CHECK(m && m->kind == PKGFS_LINK && m->hardlink && !m->data, "hard link recorded");
		m = pkgfs_find(fs, "pkg/null");
		CHECK(m && m->kind == PKGFS_OTHER && !m->data, "device recorded as other");
		m = pkgfs_find(fs, "dup.py");
		CHECK(m && m->data && !strcmp((const char *)m->data, "second"),
		      "duplicate: last copy kept");
		CHECK(pkgfs_find(fs, "good.py") != NULL, "'./good.py' normalised");
	}
	pkgfs_free(fs);
	diag_release(&d);

	/* truncated gzip */
	unsigned char *tgz = fx_build("tar", "gzip", NULL, NULL, demo, N_DEMO, &n);
	fs = open_buf(tgz, n / 2, &o, &d);
	CHECK(fs == NULL && diag_message(&d)[0], "truncated gzip: '%s'", diag_message(&d));
	diag_release(&d);
	free(tgz);
	/* empty and garbage */
	fs = open_buf((const unsigned char *)"", 0, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "empty"), "empty input: '%s'",
	      diag_message(&d));
	diag_release(&d);
	static const char garbage[] = "this is not an archive, just some text\n";
	fs = open_buf((const unsigned char *)garbage, sizeof(garbage) - 1, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "not a supported archive"), "text input: '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
}

static void test_limits(void)
{
	struct pkgfs_options o;
	struct diag d;
	size_t n = 0;
	default_opts(&o);
	/* zip bomb: 64 MiB of zeros, streamed into a wanted member */
	struct fx_entry bomb = {"zeros.py", FX_FILE, NULL, (size_t)64 << 20, NULL};
	unsigned char *b = fx_build("zip", NULL, NULL, NULL, &bomb, 1, &n);
	CHECK(b && n < ((size_t)1 << 20), "bomb built (%zu bytes)", n);
	struct pkgfs *fs = open_buf(b, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "ratio"), "zip bomb (loaded): '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
	/* the same bytes in a member that is not loaded: caught from the declared size */
	bomb.path = "zeros.bin";
	b = fx_build("tar", "gzip", NULL, NULL, &bomb, 1, &n);
	o.want = want_py;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "ratio"), "tar.gz bomb (skipped): '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
	/* soft member limit */
	static char big[5000];
	memset(big, 'a', sizeof(big));
	struct fx_entry two[] = {{"big.py", FX_FILE, big, sizeof(big), NULL},
	                         {"small.py", FX_FILE, "s", 1, NULL}};
	b = fx_build("zip", NULL, NULL, NULL, two, 2, &n);
	default_opts(&o);
	o.limits.max_member_bytes = 1000;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs && fs->n == 2 && fs->n_skipped == 1, "over-size member skipped, not fatal");
	if (fs) {
		const struct pkgfs_member *m = pkgfs_find(fs, "big.py");
		CHECK(m && !m->data && m->size == sizeof(big),
		      "over-size member listed with its size");
	}
	pkgfs_free(fs);
	diag_release(&d);
	/* total limit (soft: the member that would go over it is listed, the rest still load) */
	default_opts(&o);
	o.limits.max_total_bytes = 3000;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs && fs->n == 2 && fs->n_skipped == 1 && d.n_warnings == 1 &&
	          strstr(d.warnings[0], "in total"),
	      "total limit: over-total member listed, not fatal ('%s')",
	      d.n_warnings ? d.warnings[0] : diag_message(&d));
	if (fs) {
		const struct pkgfs_member *m = pkgfs_find(fs, "big.py");
		CHECK(m && !m->data && m->size == sizeof(big), "total limit: big.py not loaded");
		m = pkgfs_find(fs, "small.py");
		CHECK(m && m->data && m->size == 1, "total limit: small.py still loaded");
	}
	pkgfs_free(fs);
	diag_release(&d);
	/* input limit */
	default_opts(&o);
	o.limits.max_input_bytes = 10;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "input larger"), "input limit: '%s'",
	      diag_message(&d));
	diag_release(&d);
	free(b);
	/* member count (hard) */
	struct fx_entry many[50];
	char names[50][16];
	for (int i = 0; i < 50; i++) {
		snprintf(names[i], sizeof(names[i]), "f%02d.py", i);
		many[i] = (struct fx_entry){names[i], FX_FILE, "x", 1, NULL};
	}
	b = fx_build("tar", "gzip", NULL, NULL, many, 50, &n);
	default_opts(&o);
	o.limits.max_members = 49;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "more than 49 members"), "member limit: '%s'",
	      diag_message(&d));
	diag_release(&d);
	o.limits.max_members = 50;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs && fs->n == 50, "exactly at the member limit");
	pkgfs_free(fs);
	diag_release(&d);
	/* path limit (soft) */
	o.limits.max_path_bytes = 5;
	fs = open_buf(b, n, &o, &d);
	CHECK(fs && fs->n == 0 && fs->n_skipped == 50, "paths over the limit skipped");
	pkgfs_free(fs);
	diag_release(&d);
	free(b);
}

/* The first number after `key` in s, or (size_t)-1. */
static size_t number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);
	return p ? (size_t)strtoull(p + strlen(key), NULL, 10) : (size_t)-1;
}

static void test_unpacked(void)
{
	/* issue 8 item 2: every decompressed byte counts, also those of members not loaded */
	struct fx_entry e[] = {{"p-1/setup.py", FX_FILE, "x = 1\n", 6, NULL},
	                       {"p-1/zeros.bin", FX_FILE, NULL, (size_t)4 << 20, NULL}};
	struct pkgfs_options o;
	struct diag d;
	size_t n = 0;
	unsigned char *zip = fx_build("zip", NULL, NULL, NULL, e, 2, &n);
	default_opts(&o);
	o.want = want_py;
	o.limits.max_ratio = 0;
	struct pkgfs *fs = open_buf(zip, n, &o, &d);
	CHECK(fs && fs->unpacked_bytes == ((size_t)4 << 20) + 6,
	      "zip: the listed-only member is read through and counted (%zu)",
	      fs ? fs->unpacked_bytes : 0);
	pkgfs_free(fs);
	diag_release(&d);
	o.limits.max_unpacked_bytes = (size_t)1 << 20;
	fs = open_buf(zip, n, &o, &d);
	size_t got = number_after(diag_message(&d), "stopped after unpacking ");
	CHECK(fs == NULL && strstr(diag_message(&d), "'p-1/zeros.bin': possible archive bomb") &&
	          got > ((size_t)1 << 20) && got <= ((size_t)2 << 20),
	      "zip: the unpacked limit stops within a block: '%s'", diag_message(&d));
	diag_release(&d);
	/* ratio with the floor: 4 MiB from a tiny zip is over 200 x input */
	default_opts(&o);
	o.want = want_py;
	fs = open_buf(zip, n, &o, &d);
	got = number_after(diag_message(&d), "stopped after unpacking ");
	size_t floor = (size_t)1 << 20, bound = (n * 200 > floor ? n * 200 : floor) + floor;
	CHECK(fs == NULL && strstr(diag_message(&d), "ratio limit 200") && got > floor &&
	          got <= bound,
	      "zip: the ratio limit counts the listed-only member: '%s'", diag_message(&d));
	diag_release(&d);
	free(zip);
	/* tar: a declared size over a limit fails before anything is decompressed */
	unsigned char *tgz = fx_build("tar", "gzip", NULL, NULL, e, 2, &n);
	default_opts(&o);
	o.want = want_py;
	o.limits.max_ratio = 0;
	o.limits.max_unpacked_bytes = (size_t)1 << 20;
	fs = open_buf(tgz, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "the member declares 4194304 bytes") &&
	          number_after(diag_message(&d), "stopped after unpacking ") < 4096,
	      "tar.gz: declared size checked first: '%s'", diag_message(&d));
	diag_release(&d);
	free(tgz);
	/* the deadline: a spent budget stops the reader at its first check */
	struct deadline dl;
	deadline_start(&dl, 1e-9);
	default_opts(&o);
	o.deadline = &dl;
	unsigned char *b = fx_build("tar", "xz", NULL, NULL, demo, N_DEMO, &n);
	fs = open_buf(b, n, &o, &d);
	CHECK(fs == NULL && strstr(diag_message(&d), "time budget of 1e-09 s exceeded while "),
	      "deadline: '%s'", diag_message(&d));
	diag_release(&d);
	deadline_start(&dl, 3600);
	fs = open_buf(b, n, &o, &d);
	CHECK(fs != NULL, "a budget not spent does not stop the reader (%s)", diag_message(&d));
	pkgfs_free(fs);
	diag_release(&d);
	free(b);
}

static void test_speculative(void)
{
	/* a zip's first entry is loaded in case it is a storage zip's archive; when it is not,
	 * the load is dropped and the entry is listed like any other unwanted member */
	static const struct fx_entry one[] = {{"data.bin", FX_FILE, "\1\2\3", 3, NULL}};
	static const struct fx_entry two[] = {{"a.bin", FX_FILE, "\1\2", 2, NULL},
	                                      {"b.py", FX_FILE, "x", 1, NULL}};
	struct pkgfs_options o;
	struct diag d;
	size_t n = 0;
	default_opts(&o);
	o.want = want_py;
	unsigned char *b = fx_build("zip", NULL, NULL, NULL, one, 1, &n);
	struct pkgfs *fs = open_buf(b, n, &o, &d);
	const struct pkgfs_member *m = fs ? pkgfs_find(fs, "data.bin") : NULL;
	CHECK(fs && !strcmp(pkgfs_format(fs), "zip") && m && !m->data && m->size == 3 &&
	          fs->loaded_bytes == 0 && fs->n_skipped == 0,
	      "one plain unwanted entry: the zip is the package, the entry listed, not loaded");
	pkgfs_free(fs);
	diag_release(&d);
	free(b);
	b = fx_build("zip", NULL, NULL, NULL, two, 2, &n);
	fs = open_buf(b, n, &o, &d);
	m = fs ? pkgfs_find(fs, "a.bin") : NULL;
	CHECK(fs && m && !m->data && m->size == 2 && fs->loaded_bytes == 1,
	      "two entries: the first one's speculative load is dropped");
	pkgfs_free(fs);
	diag_release(&d);
	free(b);
}

static void test_whl(void)
{
	static const struct fx_entry whl[] = {
	    {"demo/__init__.py", FX_FILE, "", 0, NULL},
	    {"demo-1.0.dist-info/METADATA", FX_FILE, "Name: demo\n", 11, NULL},
	    {"demo-1.0.dist-info/WHEEL", FX_FILE, "Wheel-Version: 1.0\n", 19, NULL},
	};
	size_t n = 0;
	unsigned char *b = fx_build("zip", NULL, NULL, NULL, whl, 3, &n);
	struct pkgfs_options o;
	struct diag d;
	default_opts(&o);
	struct pkgfs *fs = open_buf(b, n, &o, &d);
	CHECK(fs && !strcmp(pkgfs_format(fs), "whl"), "wheel detected by its WHEEL file");
	pkgfs_free(fs);
	diag_release(&d);
	free(b);
}

int main(void)
{
	toolkit_init();
	test_normalise();
	test_formats();
	test_encrypted();
	test_deb();
	test_hostile();
	test_limits();
	test_unpacked();
	test_speculative();
	test_whl();
	return harness_done();
}
