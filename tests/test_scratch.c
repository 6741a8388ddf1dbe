/* Unit tests for experiments/engine/scratch and cleanup: the base folder choice, confined writes
 * (traversal, absolute paths, clashes, links never written), unpacking a package, the recursive
 * delete on hostile trees (links out of the tree, unwritable and deep folders), and the signal
 * handler deleting scratch directories and killing process groups. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base/toolkit.h"
#include "core/pkg/package.h"
#include "experiments/engine/cleanup.h"
#include "experiments/engine/scratch.h"
#include "tests/archive_fixture.h"
#include "tests/harness.h"

static char root[256];

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int mode_of(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void test_base(void)
{
	char buf[1024], sub[512], out[512];
	struct diag d;
	int tmpfs = -1;
	diag_init(&d);
	snprintf(sub, sizeof(sub), "%s/base", root);
	mkdir(sub, 0700);
	CHECK(scratch_base(sub, NULL, buf, sizeof(buf), &tmpfs, &d) == 0 && !strcmp(buf, sub) &&
	          (tmpfs == 0 || tmpfs == 1),
	      "base: an explicit folder is used (%s)", diag_message(&d));
	const char *forbid[] = {root, NULL};
	CHECK(scratch_base(sub, forbid, buf, sizeof(buf), NULL, &d) < 0 &&
	          strstr(diag_message(&d), "inside"),
	      "base: refused inside a forbidden folder (%s)", diag_message(&d));
	snprintf(out, sizeof(out), "%s/base/..", root);
	const char *forbid2[] = {"/nonexistent/pyvet", out, NULL};
	CHECK(scratch_base(sub, forbid2, buf, sizeof(buf), NULL, &d) < 0,
	      "base: forbidden folders are compared resolved");
	CHECK(scratch_base("/nonexistent/pyvet", NULL, buf, sizeof(buf), NULL, &d) < 0,
	      "base: a missing folder fails");
	const char *old = getenv("TMPDIR");
	char *keep = old ? strdup(old) : NULL;
	setenv("TMPDIR", sub, 1);
	CHECK(scratch_base(NULL, NULL, buf, sizeof(buf), NULL, &d) == 0 && !strcmp(buf, sub),
	      "base: $TMPDIR by default");
	unsetenv("TMPDIR");
	int rc = scratch_base(NULL, NULL, buf, sizeof(buf), &tmpfs, &d);
	CHECK(rc == 0 && ((!strcmp(buf, "/dev/shm") && tmpfs == 1) || !strcmp(buf, "/tmp")),
	      "base: /dev/shm (a tmpfs) or /tmp without $TMPDIR (%s, tmpfs %d)", buf, tmpfs);
	if (keep)
		setenv("TMPDIR", keep, 1);
	free(keep);
	diag_release(&d);
}

static void test_writes(void)
{
	struct scratch s;
	struct diag d;
	char p[2048];
	diag_init(&d);
	if (!CHECK(scratch_create(&s, root, &d) == 0, "create (%s)", diag_message(&d)))
		return;
	CHECK(mode_of(s.path) == 0700, "created with mode 0700");
	CHECK(strstr(s.path, "/pyvet-peer-") != NULL, "named pyvet-peer-*");
	CHECK(scratch_write(&s, "a/b/c.py", "x", 1, &d) == 0, "nested write");
	scratch_path(&s, "a/b/c.py", p, sizeof(p));
	CHECK(mode_of(p) == 0600, "files are 0600");
	scratch_path(&s, "a/b", p, sizeof(p));
	CHECK(mode_of(p) == 0700, "folders are 0700");
	CHECK(scratch_write(&s, "a/b/c.py", "y", 1, &d) < 0, "an existing file is not replaced");
	CHECK(scratch_write(&s, "a/b/c.py/d", "y", 1, &d) < 0, "a file is not a folder");
	static const char *const bad[] = {"/etc/x", "../x", "a/../../x", "a//b",  "./a",
	                                  "a/.",    "",     "a\nb",      "a/\x01"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(scratch_write(&s, bad[i], "z", 1, &d) < 0, "refused path %zu (%s)", i,
		      diag_message(&d));
	/* A link planted in the tree (as a peer could) is not followed by later writes. */
	scratch_path(&s, "trap", p, sizeof(p));
	CHECK(symlink(root, p) == 0, "plant a symlink to the parent");
	CHECK(scratch_write(&s, "trap/escaped", "z", 1, &d) < 0, "a write through a link fails");
	snprintf(p, sizeof(p), "%s/escaped", root);
	CHECK(!exists(p), "nothing written outside");
	char keep[SCRATCH_PATH_MAX];
	snprintf(keep, sizeof(keep), "%s", s.path);
	CHECK(scratch_remove(&s, &d) == 0, "removed (%s)", diag_message(&d));
	CHECK(!exists(keep), "the directory is gone");
	CHECK(exists(root), "the link's target survived");
	CHECK(scratch_remove(&s, &d) == 0, "a second remove is harmless");
	diag_release(&d);
}

static void test_unpack(void)
{
	static const struct fx_entry e[] = {
	    {"pkg-1.0/setup.py", FX_FILE, "import os\n", 10, NULL},
	    {"pkg-1.0/pkg/__init__.py", FX_FILE, "", 0, NULL},
	    {"pkg-1.0/data.bin", FX_FILE, "\0\1\2", 3, NULL},
	    {"pkg-1.0/evil", FX_SYMLINK, NULL, 0, "/etc/passwd"},
	    {"pkg-1.0/hard", FX_HARDLINK, NULL, 0, "pkg-1.0/setup.py"},
	    {"pkg-1.0/../../escape.py", FX_FILE, "x", 1, NULL},
	};
	size_t len = 0;
	unsigned char *b = fx_build("tar", "gzip", NULL, NULL, e, 6, &len);
	struct package_options o;
	struct package *p = NULL;
	struct scratch s;
	struct scratch_stats st;
	struct diag d;
	char path[2048];
	diag_init(&d);
	package_options_default(&o);
	o.load_all = 1;
	if (!CHECK(b && package_open_memory(&p, b, len, "fx", &o, &d) == 0, "fixture opened (%s)",
	           diag_message(&d)) ||
	    !CHECK(scratch_create(&s, root, &d) == 0, "create"))
		goto end;
	CHECK(scratch_unpack(&s, "pkg", p, &st, &d) == 0, "unpack (%s)", diag_message(&d));
	INT_IS(st.written, 3, "three regular files written");
	INT_IS(st.bytes, 13, "their bytes");
	INT_IS(st.not_regular, 2, "symbolic and hard link not written");
	scratch_path(&s, "pkg/data.bin", path, sizeof(path));
	CHECK(exists(path), "binary member written as is");
	scratch_path(&s, "pkg/evil", path, sizeof(path));
	CHECK(!exists(path), "no link in the scratch dir");
	snprintf(path, sizeof(path), "%s/escape.py", root);
	CHECK(!exists(path), "the traversal member went nowhere");
	scratch_remove(&s, &d);
end:
	package_free(p);
	free(b);
	diag_release(&d);
}

/* A tree made hard to delete: unwritable and unreadable folders, a link to a file outside, a
 * 300-level deep chain. */
static void test_rmtree(void)
{
	char t[512], p[8192], outside[512];
	snprintf(t, sizeof(t), "%s/tree", root);
	snprintf(outside, sizeof(outside), "%s/outside.txt", root);
	FILE *f = fopen(outside, "w");
	if (f)
		fclose(f);
	mkdir(t, 0700);
	snprintf(p, sizeof(p), "%s/ro", t);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ro/file", t);
	f = fopen(p, "w");
	if (f)
		fclose(f);
	snprintf(p, sizeof(p), "%s/ro", t);
	chmod(p, 0500);
	snprintf(p, sizeof(p), "%s/none", t);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/none/x", t);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/none", t);
	chmod(p, 0);
	snprintf(p, sizeof(p), "%s/link", t);
	CHECK(symlink(outside, p) == 0, "link to a file outside");
	snprintf(p, sizeof(p), "%s/dirlink", t);
	CHECK(symlink(root, p) == 0, "link to a folder outside");
	int fd = open(t, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 300 && fd >= 0; i++) {
		mkdirat(fd, "d", 0700);
		int c = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = c;
	}
	if (fd >= 0) {
		int c = openat(fd, "leaf", O_WRONLY | O_CREAT, 0600);
		if (c >= 0)
			close(c);
		close(fd);
	}
	CHECK(cleanup_rmtree(t) == 0, "rmtree of the hostile tree (%s)", strerror(errno));
	CHECK(!exists(t), "tree gone");
	CHECK(exists(outside) && exists(root), "link targets untouched");
	CHECK(cleanup_rmtree(t) == 0, "a missing tree is not an error");
	CHECK(cleanup_rmtree("/") < 0 && cleanup_rmtree("") < 0, "'/' and '' refused");
}

/* A child process installs the handlers, registers a scratch directory and a sleeping process
 * group, and sends itself SIGTERM: the directory must be gone, the group killed, and the child
 * ended by SIGTERM. */
static void test_signal(void)
{
	char path[SCRATCH_PATH_MAX] = "", pidfile[512];
	int pfd[2];
	snprintf(pidfile, sizeof(pidfile), "%s/sleeper.pid", root);
	if (pipe(pfd) < 0)
		return;
	pid_t child = fork();
	if (child == 0) {
		struct scratch s;
		struct diag d;
		diag_init(&d);
		close(pfd[0]);
		if (cleanup_install() < 0 || scratch_create(&s, root, &d) < 0 ||
		    scratch_write(&s, "deep/er/file.py", "x", 1, &d) < 0)
			_exit(90);
		pid_t sl = fork();
		if (sl == 0) {
			setpgid(0, 0);
			execl("/bin/sleep", "sleep", "600", (char *)NULL);
			_exit(91);
		}
		setpgid(sl, sl);
		cleanup_add_group(sl);
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%ld\n", (long)sl);
			fclose(f);
		}
		if (write(pfd[1], s.path, strlen(s.path) + 1) < 0)
			_exit(92);
		raise(SIGTERM);
		_exit(93); /* not reached */
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], path, sizeof(path) - 1);
	close(pfd[0]);
	int status = 0;
	waitpid(child, &status, 0);
	CHECK(n > 0, "child made a scratch directory");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "the child still ends by SIGTERM (status %d)", status);
	CHECK(path[0] && !exists(path), "its scratch directory was deleted by the handler");
	long sl = 0;
	FILE *f = fopen(pidfile, "r");
	if (f) {
		if (fscanf(f, "%ld", &sl) != 1)
			sl = 0;
		fclose(f);
	}
	/* The sleeper was reparented; it may linger as a zombie for an instant. */
	int gone = 0;
	for (int i = 0; i < 100 && sl > 0 && !gone; i++) {
		char st[64], buf[256];
		snprintf(st, sizeof(st), "/proc/%ld/stat", sl);
		FILE *g = fopen(st, "r");
		gone = !g || (fgets(buf, sizeof(buf), g) && strstr(buf, ") Z "));
		if (g)
			fclose(g);
		if (!gone)
			usleep(10000);
	}
	CHECK(sl > 0 && gone, "the registered process group was killed");
}

int main(void)
{
	toolkit_init();
	snprintf(root, sizeof(root), "/tmp/pyvet-test-scratch.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_base();
	test_writes();
	test_unpack();
	test_rmtree();
	test_signal();
	cleanup_rmtree(root);
	return harness_done();
}
