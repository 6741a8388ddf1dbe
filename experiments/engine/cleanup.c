/* Scratch directories and child process groups undone on SIGINT/SIGTERM/SIGHUP; a recursive
 * delete that is safe inside a signal handler. */
#define _GNU_SOURCE /* getdents64() */
#include "experiments/engine/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Slot states: FREE -> (claimed by one thread) BUSY -> LIVE (visible to the handler) -> FREE. */
enum { SLOT_FREE = 0, SLOT_BUSY = 1, SLOT_LIVE = 2 };

static struct {
	atomic_int state;
	char path[CLEANUP_PATH_MAX];
} dirs[CLEANUP_SLOTS];
static atomic_int groups[CLEANUP_SLOTS]; /* pgid, 0 = free */

static atomic_int stopping;  /* set by the handler: nothing new may be created */
static atomic_int in_flight; /* creations between cleanup_begin() and cleanup_end() */

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};
#define N_HANDLED (sizeof(handled) / sizeof(handled[0]))
static struct sigaction previous[N_HANDLED];
static int installed[N_HANDLED];
static int install_count;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

/* Remove one entry of directory `fd` that is not a directory; a permission failure is retried
 * once after making the directory writable. */
static int unlink_entry(int fd, const char *name)
{
	if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EACCES && errno != EPERM)
		return -1;
	fchmod(fd, S_IRWXU);
	return unlinkat(fd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
}

#define RMTREE_STUCK_MAX 32

struct stuck {
	dev_t dev[RMTREE_STUCK_MAX];
	ino_t ino[RMTREE_STUCK_MAX];
	int n;
};

static int is_stuck(const struct stuck *s, const struct stat *st)
{
	for (int i = 0; i < s->n; i++)
		if (s->dev[i] == st->st_dev && s->ino[i] == st->st_ino)
			return 1;
	return 0;
}

/* One pass over directory `fd`: removes files, links and empty sub-directories. Returns the
 * descriptor of a non-empty sub-directory to descend into (the caller closes `fd`), -1 when the
 * directory is as empty as it can be made. *failed is set on errors. */
static int sweep(int fd, struct stuck *stuck, long *budget, int *failed)
{
	/* getdents64 needs an aligned buffer; 4 KiB holds dozens of entries. */
	_Alignas(8) char buf[4096];
	if (lseek(fd, 0, SEEK_SET) < 0) {
		*failed = 1;
		return -1;
	}
	for (;;) {
		ssize_t n = getdents64(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				*failed = 1;
			return -1;
		}
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
			off += e->d_reclen;
			const char *name = e->d_name;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (--*budget < 0) {
				*failed = 1;
				return -1;
			}
			int is_dir = e->d_type == DT_DIR;
			struct stat st;
			if (e->d_type == DT_UNKNOWN) {
				if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
					if (errno != ENOENT)
						*failed = 1;
					continue;
				}
				is_dir = S_ISDIR(st.st_mode);
			}
			if (!is_dir) {
				if (unlink_entry(fd, name) < 0)
					*failed = 1;
				continue;
			}
			if (unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
				continue;
			if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    is_stuck(stuck, &st)) {
				*failed = 1;
				continue;
			}
			/* Not empty (or not writable): make it usable and descend. */
			fchmodat(fd, name, S_IRWXU, 0);
			int c = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (c >= 0)
				return c;
			if ((errno == ENOTDIR || errno == ELOOP) && unlink_entry(fd, name) == 0)
				continue;
			*failed = 1;
		}
	}
}

int cleanup_rmtree(const char *path)
{
	struct stuck stuck;
	long budget = 10000000;
	int failed = 0, depth = 0, last_errno = 0;
	if (!path || !path[0] || !strcmp(path, "/")) {
		errno = EINVAL;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR || errno == ELOOP)
			return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
		if (errno != EACCES)
			return -1;
		chmod(path, S_IRWXU);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return -1;
	}
	stuck.n = 0;
	fchmod(fd, S_IRWXU);
	for (;;) {
		int here_failed = 0;
		int c = sweep(fd, &stuck, &budget, &here_failed);
		if (here_failed) {
			failed = 1;
			last_errno = errno;
		}
		if (c >= 0) {
			close(fd);
			fd = c;
			fchmod(fd, S_IRWXU);
			depth++;
			continue;
		}
		if (budget < 0 || depth == 0)
			break;
		/* This directory is done: remember it when something in it stayed, so the parent's
		 * next pass does not descend into it again, and climb back. */
		struct stat st;
		if (here_failed && stuck.n < RMTREE_STUCK_MAX && fstat(fd, &st) == 0) {
			stuck.dev[stuck.n] = st.st_dev;
			stuck.ino[stuck.n++] = st.st_ino;
		} else if (here_failed) {
			break; /* too many stuck directories: give up */
		}
		int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = up;
		depth--;
		if (fd < 0) {
			failed = 1;
			last_errno = errno;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	if (rmdir(path) < 0 && errno != ENOENT) {
		failed = 1;
		last_errno = errno;
	}
	if (failed)
		errno = last_errno ? last_errno : EIO;
	return failed ? -1 : 0;
}

static void on_signal(int sig)
{
	int saved = errno;
	/* No thread can be inside cleanup_begin()/cleanup_end() on this one (the signals are
	 * blocked there), so waiting for the others ends; bounded all the same (2 s). */
	atomic_store(&stopping, 1);
	for (int i = 0; i < 2000 && atomic_load(&in_flight) > 0; i++) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int g = atomic_load(&groups[i]);
		if (g > 0)
			kill(-g, SIGKILL);
	}
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (atomic_load(&dirs[i].state) == SLOT_LIVE)
			cleanup_rmtree(dirs[i].path);
	for (size_t k = 0; k < N_HANDLED; k++)
		if (handled[k] == sig && installed[k])
			sigaction(sig, &previous[k], NULL);
	raise(sig); /* blocked until the handler returns; then the previous disposition acts */
	errno = saved;
}

int cleanup_install(void)
{
	int ret = 0;
	pthread_mutex_lock(&install_lock);
	if (install_count++ == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < N_HANDLED; k++)
			sigaddset(&sa.sa_mask, handled[k]);
		for (size_t k = 0; k < N_HANDLED; k++) {
			struct sigaction cur;
			installed[k] = 0;
			if (sigaction(handled[k], NULL, &cur) < 0) {
				ret = -1;
				continue;
			}
			if (cur.sa_handler == SIG_IGN)
				continue; /* e.g. SIGHUP under nohup: stays ignored */
			if (sigaction(handled[k], &sa, &previous[k]) < 0) {
				ret = -1;
				continue;
			}
			installed[k] = 1;
		}
		if (ret < 0)
			fprintf(stderr, "pyvet: cannot install signal handlers: %s\n",
			        strerror(errno));
	}
	pthread_mutex_unlock(&install_lock);
	return ret;
}

void cleanup_uninstall(void)
{
	pthread_mutex_lock(&install_lock);
	if (install_count > 0 && --install_count == 0)
		for (size_t k = 0; k < N_HANDLED; k++)
			if (installed[k]) {
				sigaction(handled[k], &previous[k], NULL);
				installed[k] = 0;
			}
	pthread_mutex_unlock(&install_lock);
}

int cleanup_begin(sigset_t *saved)
{
	sigset_t block;
	sigemptyset(&block);
	for (size_t k = 0; k < N_HANDLED; k++)
		sigaddset(&block, handled[k]);
	pthread_sigmask(SIG_BLOCK, &block, saved);
	atomic_fetch_add(&in_flight, 1);
	if (atomic_load(&stopping)) {
		atomic_fetch_sub(&in_flight, 1);
		pthread_sigmask(SIG_SETMASK, saved, NULL);
		return -1;
	}
	return 0;
}

void cleanup_end(const sigset_t *saved)
{
	atomic_fetch_sub(&in_flight, 1);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

int cleanup_add_dir(const char *path)
{
	size_t n = strlen(path);
	if (n >= CLEANUP_PATH_MAX)
		return -1;
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int expect = SLOT_FREE;
		if (!atomic_compare_exchange_strong(&dirs[i].state, &expect, SLOT_BUSY))
			continue;
		memcpy(dirs[i].path, path, n + 1);
		atomic_store(&dirs[i].state, SLOT_LIVE);
		return i;
	}
	return -1;
}

void cleanup_drop_dir(int slot)
{
	if (slot >= 0 && slot < CLEANUP_SLOTS)
		atomic_store(&dirs[slot].state, SLOT_FREE);
}

int cleanup_add_group(pid_t pgid)
{
	if (pgid <= 0)
		return -1;
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&groups[i], &expect, (int)pgid))
			return i;
	}
	return -1;
}

void cleanup_drop_group(int slot)
{
	if (slot >= 0 && slot < CLEANUP_SLOTS)
		atomic_store(&groups[slot], 0);
}
