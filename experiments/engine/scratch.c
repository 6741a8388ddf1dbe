/* Private scratch directories for the peer tools: creation, confined writes, deletion. */
#define _GNU_SOURCE /* mkdtemp() with _POSIX_C_SOURCE, O_DIRECTORY, O_NOFOLLOW */
#include "experiments/engine/scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "experiments/engine/cleanup.h"

#define SCRATCH_TMPFS_MAGIC 0x01021994 /* <linux/magic.h> TMPFS_MAGIC */
#define SCRATCH_NAME_MAX 255

static int on_tmpfs(const char *path)
{
	struct statfs fs;
	return statfs(path, &fs) == 0 && (unsigned long)fs.f_type == SCRATCH_TMPFS_MAGIC;
}

static int usable_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && access(path, W_OK | X_OK) == 0;
}

/* 1 if `path` equals `dir` or lies below it (both resolved). */
static int is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int scratch_base(const char *want, const char *const *forbidden, char *buf, size_t n, int *is_tmpfs,
                 struct diag *d)
{
	const char *cand = want;
	char real[PATH_MAX], fr[PATH_MAX];
	if (!cand || !cand[0]) {
		const char *t = getenv("TMPDIR");
		if (t && t[0])
			cand = t;
		else if (usable_dir("/dev/shm") && on_tmpfs("/dev/shm"))
			cand = "/dev/shm";
		else
			cand = "/tmp";
	}
	if (!realpath(cand, real))
		return diag_error(d, "scratch folder '%s': %s", cand, strerror(errno));
	if (!usable_dir(real))
		return diag_error(d, "scratch folder '%s': not a writable directory", real);
	for (size_t i = 0; forbidden && forbidden[i]; i++) {
		if (!realpath(forbidden[i], fr))
			continue;
		if (is_inside(real, fr))
			return diag_error(d,
			                  "scratch folder '%s' is inside '%s'; set TMPDIR or "
			                  "--scratch to a folder outside it",
			                  real, fr);
	}
	if (strlen(real) + 40 >= n || strlen(real) + 40 >= SCRATCH_PATH_MAX)
		return diag_error(d, "scratch folder '%s': path too long", real);
	snprintf(buf, n, "%s", real);
	if (is_tmpfs)
		*is_tmpfs = on_tmpfs(real);
	return 0;
}

int scratch_create(struct scratch *s, const char *base, struct diag *d)
{
	s->fd = -1;
	s->slot = -1;
	s->path[0] = '\0';
	int w =
	    snprintf(s->path, sizeof(s->path), "%s/pyvet-peer-%ld-XXXXXX", base, (long)getpid());
	if (w < 0 || (size_t)w >= sizeof(s->path)) {
		s->path[0] = '\0';
		return diag_error(d, "scratch folder '%s': path too long", base);
	}
	/* Created and registered in one cleanup section, before anything is written into it. */
	sigset_t saved;
	if (cleanup_begin(&saved) < 0) {
		s->path[0] = '\0';
		return diag_error(d, "no scratch directory: pyvet is being interrupted");
	}
	if (!mkdtemp(s->path)) {
		int e = errno;
		cleanup_end(&saved);
		s->path[0] = '\0';
		return diag_error(d, "cannot create a scratch directory in '%s': %s", base,
		                  strerror(e));
	}
	s->slot = cleanup_add_dir(s->path);
	cleanup_end(&saved);
	s->fd = open(s->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->slot < 0 || s->fd < 0) {
		int e = errno;
		struct diag ignore;
		diag_init(&ignore);
		scratch_remove(s, &ignore);
		return diag_error(d, "scratch directory: %s",
		                  s->slot < 0 ? "too many at once" : strerror(e));
	}
	return 0;
}

const char *scratch_path(const struct scratch *s, const char *rel, char *buf, size_t n)
{
	int w = rel && rel[0] ? snprintf(buf, n, "%s/%s", s->path, rel)
	                      : snprintf(buf, n, "%s", s->path);
	return w < 0 || (size_t)w >= n ? NULL : buf;
}

/* Check one path component; NULL if fine, else the reason. */
static const char *bad_component(const char *c, size_t n)
{
	if (n == 0)
		return "empty component";
	if (n > SCRATCH_NAME_MAX)
		return "component too long";
	if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
		return "'.' or '..' component";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			return "control character";
	return NULL;
}

/* Walk `rel` from the scratch root: open (creating when `create`) every directory component
 * of the first `upto` bytes and return the descriptor of the last one (the caller closes it),
 * or -1 with the reason on `d` (*refused = 1 when the path itself is at fault). */
static int open_parent(const struct scratch *s, const char *rel, size_t upto, int create,
                       int *refused, struct diag *d)
{
	char comp[SCRATCH_NAME_MAX + 1];
	int fd = dup(s->fd);
	size_t i = 0;
	if (fd < 0)
		return diag_error(d, "dup: %s", strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	while (i < upto) {
		size_t j = i;
		while (j < upto && rel[j] != '/')
			j++;
		const char *why = bad_component(rel + i, j - i);
		if (why) {
			close(fd);
			*refused = 1;
			return diag_error(d, "path refused: %s", why);
		}
		memcpy(comp, rel + i, j - i);
		comp[j - i] = '\0';
		if (create && mkdirat(fd, comp, S_IRWXU) < 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			return diag_error(d, "mkdir: %s", strerror(e));
		}
		int c = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(fd);
		if (c < 0) {
			*refused = e == ENOTDIR || e == ELOOP;
			return diag_error(d, "'%s' is not a directory: %s", comp, strerror(e));
		}
		fd = c;
		i = j + 1;
	}
	return fd;
}

static int check_rel(const char *rel, struct diag *d)
{
	size_t n = strlen(rel);
	if (!n || rel[0] == '/')
		return diag_error(d, "path refused: %s", n ? "absolute" : "empty");
	if (strstr(rel, "//") || rel[n - 1] == '/')
		return diag_error(d, "path refused: empty component");
	if (n >= SCRATCH_PATH_MAX)
		return diag_error(d, "path refused: too long");
	return 0;
}

int scratch_mkdir(const struct scratch *s, const char *rel, struct diag *d)
{
	int refused = 0;
	if (check_rel(rel, d) < 0)
		return -1;
	int fd = open_parent(s, rel, strlen(rel), 1, &refused, d);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* scratch_write() with the refusal flag. */
static int write_file(const struct scratch *s, const char *rel, const void *data, size_t len,
                      int *refused, struct diag *d)
{
	*refused = 0;
	if (check_rel(rel, d) < 0) {
		*refused = 1;
		return -1;
	}
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;
	const char *why = bad_component(base, strlen(base));
	if (why) {
		*refused = 1;
		return diag_error(d, "path refused: %s", why);
	}
	int dir = open_parent(s, rel, slash ? (size_t)(slash - rel) : 0, 1, refused, d);
	if (dir < 0)
		return -1;
	int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                S_IRUSR | S_IWUSR);
	int e = errno;
	close(dir);
	if (fd < 0) {
		*refused = e == EEXIST || e == EISDIR;
		return diag_error(d, "cannot create '%s': %s", base, strerror(e));
	}
	const unsigned char *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = errno;
			close(fd);
			return diag_error(d, "write: %s", w < 0 ? strerror(e) : "no progress");
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return diag_error(d, "close: %s", strerror(errno));
	return 0;
}

int scratch_write(const struct scratch *s, const char *rel, const void *data, size_t len,
                  struct diag *d)
{
	int refused;
	return write_file(s, rel, data, len, &refused, d);
}

int scratch_unpack(const struct scratch *s, const char *rel, const struct package *p,
                   struct scratch_stats *st, struct diag *d)
{
	char path[SCRATCH_PATH_MAX];
	memset(st, 0, sizeof(*st));
	if (rel[0] && scratch_mkdir(s, rel, d) < 0)
		return -1;
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		if (f->kind != PKGFS_FILE) {
			st->not_regular++;
			continue;
		}
		if (!f->data) {
			st->not_loaded++;
			continue;
		}
		int w = rel[0] ? snprintf(path, sizeof(path), "%s/%s", rel, f->path)
		               : snprintf(path, sizeof(path), "%s", f->path);
		if (w < 0 || (size_t)w >= sizeof(path)) {
			st->refused++;
			continue;
		}
		struct diag one;
		int refused = 0;
		diag_init(&one);
		if (write_file(s, path, f->data, f->size, &refused, &one) < 0) {
			if (!refused) {
				diag_error(d, "unpack: %s", diag_message(&one));
				diag_release(&one);
				return -1;
			}
			st->refused++;
		} else {
			st->written++;
			st->bytes += f->size;
		}
		diag_release(&one);
	}
	if (!st->written)
		return diag_error(d,
		                  "unpack: no regular file to write (%zu refused, %zu not loaded, "
		                  "%zu not regular)",
		                  st->refused, st->not_loaded, st->not_regular);
	return 0;
}

int scratch_remove(struct scratch *s, struct diag *d)
{
	int ret = 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->path[0] && cleanup_rmtree(s->path) < 0)
		ret = diag_error(d, "cannot delete scratch directory '%s': %s", s->path,
		                 strerror(errno));
	cleanup_drop_dir(s->slot);
	s->slot = -1;
	s->path[0] = '\0';
	return ret;
}
