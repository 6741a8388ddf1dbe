/* Running bandit on in-memory Python sources without a shell and counting its alerts (D35). */
#define _GNU_SOURCE /* memfd_create(), pipe2() */
#include "experiments/engine/bandit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/base/sbuf.h"

extern char **environ;

#define BANDIT_NAME_MAX 48

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* An anonymous in-memory file (close-on-exec) holding `len` bytes, offset rewound to 0.
 * The descriptor, or -1 with the reason on `d` (*unsupported = 1 when memfd is unavailable). */
static int memfd_with(const void *data, size_t len, int *unsupported, struct diag *d)
{
	int fd = memfd_create("pyvet-bandit", MFD_CLOEXEC);
	const unsigned char *p = data;
	size_t off = 0;
	if (fd < 0) {
		if (unsupported && (errno == ENOSYS || errno == EINVAL))
			*unsupported = 1;
		return diag_error(d, "memfd_create: %s", strerror(errno));
	}
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			diag_error(d, "memfd write: %s", strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		diag_error(d, "memfd seek: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Spawn argv (argv[0] = b->exe) with `stdin_fd` as standard input (-1: /dev/null), keep_fds
 * inherited under the same numbers, stderr to /dev/null; collect stdout into `out` (at most
 * b->max_output bytes) under b->timeout_s. Exit status 0 or 1 counts as success (bandit exits 1
 * when it reports issues). */
static int spawn_io(const struct bandit *b, char *const argv[], int stdin_fd, const int *keep_fds,
                    size_t n_keep, struct sbuf *out, struct diag *d)
{
	int po[2] = {-1, -1};
	int ret = -1, spawned = 0, status = 0;
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	int fa_ok = 0;

	if (pipe2(po, O_CLOEXEC) < 0) {
		diag_error(d, "pipe: %s", strerror(errno));
		goto end;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		diag_error(d, "out of memory");
		goto end;
	}
	fa_ok = 1;
	if ((stdin_fd >= 0 ? posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0)
	                   : posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) ||
	    posix_spawn_file_actions_adddup2(&fa, po[1], 1) ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)) {
		diag_error(d, "out of memory");
		goto end;
	}
	/* dup2(fd, fd) clears close-on-exec in posix_spawn (POSIX 2008 TC2, glibc >= 2.29). */
	for (size_t i = 0; i < n_keep; i++)
		if (posix_spawn_file_actions_adddup2(&fa, keep_fds[i], keep_fds[i])) {
			diag_error(d, "out of memory");
			goto end;
		}
	int rc = posix_spawnp(&pid, b->exe, &fa, NULL, argv, environ);
	if (rc != 0) {
		diag_error(d, "cannot run '%s': %s", b->exe, strerror(rc));
		goto end;
	}
	spawned = 1;
	close_fd(&po[1]);
	fcntl(po[0], F_SETFL, fcntl(po[0], F_GETFL) | O_NONBLOCK);

	double deadline = now_s() + b->timeout_s;
	char chunk[65536];
	while (po[0] >= 0) {
		double left = deadline - now_s();
		if (left <= 0) {
			diag_error(d, "'%s' timed out after %g s", b->exe, b->timeout_s);
			goto end;
		}
		struct pollfd p = {po[0], POLLIN, 0};
		int pr = poll(&p, 1, (int)(left * 1000) + 1);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			diag_error(d, "poll: %s", strerror(errno));
			goto end;
		}
		if (!pr)
			continue;
		ssize_t r = read(po[0], chunk, sizeof(chunk));
		if (r > 0) {
			if (out->len + (size_t)r > b->max_output) {
				diag_error(d, "'%s' wrote more than %zu bytes", b->exe,
				           b->max_output);
				goto end;
			}
			if (sbuf_add(out, chunk, (size_t)r) < 0) {
				diag_error(d, "out of memory");
				goto end;
			}
		} else if (r == 0) {
			close_fd(&po[0]);
		} else if (errno != EAGAIN && errno != EINTR) {
			diag_error(d, "read: %s", strerror(errno));
			goto end;
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			diag_error(d, "waitpid: %s", strerror(errno));
			spawned = 0;
			goto end;
		}
	}
	spawned = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		if (WIFEXITED(status))
			diag_error(d, "'%s' exited with status %d", b->exe, WEXITSTATUS(status));
		else
			diag_error(d, "'%s' killed by signal %d", b->exe,
			           WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		goto end;
	}
	ret = 0;
end:
	if (spawned) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	close_fd(&po[0]);
	close_fd(&po[1]);
	return ret;
}

/* Copy the token after `key` in `text` (up to whitespace) into buf. */
static void token_after(const char *text, const char *key, char *buf, size_t n)
{
	const char *p = strstr(text, key);
	size_t k = 0;
	buf[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ')
		p++;
	while (p[k] && p[k] != ' ' && p[k] != '\n' && p[k] != '\t' && k + 1 < n)
		k++;
	memcpy(buf, p, k);
	buf[k] = '\0';
}

int bandit_init(struct bandit *b, const char *exe, struct diag *d)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->exe, sizeof(b->exe), "%s", exe && exe[0] ? exe : "bandit");
	b->timeout_s = 60;
	b->max_output = (size_t)64 << 20;
	b->max_batch = 64;
	struct sbuf out = SBUF_INIT;
	char *argv[] = {b->exe, (char *)"--version", NULL};
	int ret = spawn_io(b, argv, -1, NULL, 0, &out, d);
	if (ret == 0) {
		const char *s = sbuf_cstr(&out);
		token_after(s, "bandit", b->version, sizeof(b->version));
		token_after(s, "python version =", b->python_version, sizeof(b->python_version));
		if (!b->version[0])
			ret = diag_error(d, "'%s --version': no bandit version in its output",
			                 b->exe);
	}
	sbuf_release(&out);
	return ret;
}

static long index_of(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return (long)i;
	return -1;
}

int bandit_parse_report(const char *json, size_t len, const char *const *names, size_t n,
                        struct bandit_counts *out, struct diag *d)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	size_t n_out = names ? n : 1;
	if (!root)
		return diag_error(d, "bandit output is not JSON");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "results");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "errors");
	if (!cJSON_IsArray(res) || !cJSON_IsArray(err)) {
		cJSON_Delete(root);
		return diag_error(d, "bandit output has no 'results' and 'errors' arrays");
	}
	for (size_t i = 0; i < n_out; i++)
		out[i] = (struct bandit_counts){0, 0, 0, 1};
	const cJSON *it;
	cJSON_ArrayForEach(it, res)
	{
		long k = 0;
		if (names)
			k = index_of(
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "filename")),
			    names, n);
		if (k < 0)
			continue;
		out[k].results++;
		const char *sev =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "issue_severity"));
		if (sev && !strcmp(sev, "HIGH"))
			out[k].high++;
	}
	cJSON_ArrayForEach(it, err)
	{
		long k = 0;
		if (names)
			k = index_of(
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "filename")),
			    names, n);
		if (k >= 0)
			out[k].errors++;
	}
	cJSON_Delete(root);
	return 0;
}

int bandit_run_stdin(const struct bandit *b, const void *src, size_t len, struct bandit_counts *out,
                     struct diag *d)
{
	struct sbuf js = SBUF_INIT;
	char *argv[] = {(char *)b->exe, (char *)"-f", (char *)"json", (char *)"-", NULL};
	*out = (struct bandit_counts){0, 0, 0, 0};
	/* bandit 1.6.2 seeks on its standard input (to find `# nosec` comments): a pipe fails with
	 * "Illegal seek", so the bytes go in through a seekable in-memory file. */
	int fd = memfd_with(src ? src : "", len, NULL, d);
	if (fd < 0)
		return -1;
	int ret = spawn_io(b, argv, fd, NULL, 0, &js, d);
	close(fd);
	/* bandit 1.6.2 reading '-' crashes without a report on a file it cannot parse
	 * (`new_files_list.remove(fname)` looks for '<stdin>' but the list holds '-'); bandit
	 * produced no analysis of the file, which is what `errors` counts. */
	if (ret == 0 && strspn(sbuf_cstr(&js), " \t\r\n") == js.len)
		*out = (struct bandit_counts){0, 0, 1, 1};
	else if (ret == 0)
		ret = bandit_parse_report(sbuf_cstr(&js), js.len, NULL, 0, out, d);
	sbuf_release(&js);
	return ret;
}

/* One memfd batch: files [0, n). Returns 0 or -1 (out[].ok stays 0 on failure). */
static int run_batch(const struct bandit *b, const void *const *srcs, const size_t *lens, size_t n,
                     struct bandit_counts *out, struct diag *d, int *unsupported)
{
	int ret = -1;
	int *fds = calloc(n, sizeof(*fds));
	char **argv = calloc(n + 4, sizeof(*argv));
	char(*names)[BANDIT_NAME_MAX] = calloc(n, sizeof(*names));
	const char **cnames = calloc(n, sizeof(*cnames));
	struct sbuf js = SBUF_INIT;
	size_t made = 0;
	if (!fds || !argv || !names || !cnames) {
		diag_error(d, "out of memory");
		goto end;
	}
	argv[0] = (char *)b->exe;
	argv[1] = (char *)"-f";
	argv[2] = (char *)"json";
	for (; made < n; made++) {
		int fd = memfd_with(srcs[made], lens[made], unsupported, d);
		if (fd < 0)
			goto end;
		fds[made] = fd;
		snprintf(names[made], BANDIT_NAME_MAX, "/proc/self/fd/%d", fd);
		argv[3 + made] = names[made];
		cnames[made] = names[made];
	}
	if (spawn_io(b, argv, -1, fds, n, &js, d) < 0)
		goto end;
	ret = bandit_parse_report(sbuf_cstr(&js), js.len, cnames, n, out, d);
end:
	for (size_t i = 0; fds && i < made; i++)
		close(fds[i]);
	free(fds);
	free(argv);
	free(names);
	free(cnames);
	sbuf_release(&js);
	return ret;
}

int bandit_run_files(const struct bandit *b, enum bandit_mode mode, const void *const *srcs,
                     const size_t *lens, size_t n, struct bandit_counts *out, struct diag *d)
{
	int failed = 0;
	struct diag one;
	for (size_t i = 0; i < n; i++)
		out[i] = (struct bandit_counts){0, 0, 0, 0};
	if (mode == BANDIT_STDIN) {
		for (size_t i = 0; i < n; i++) {
			diag_init(&one);
			if (bandit_run_stdin(b, srcs[i], lens[i], &out[i], &one) < 0) {
				if (!failed++)
					diag_error(d, "%s", diag_message(&one));
			}
			diag_release(&one);
		}
		return failed;
	}
	size_t batch = b->max_batch ? b->max_batch : 1;
	for (size_t i = 0; i < n; i += batch) {
		size_t k = n - i < batch ? n - i : batch;
		int unsupported = 0;
		diag_init(&one);
		if (run_batch(b, srcs + i, lens + i, k, out + i, &one, &unsupported) < 0) {
			if (unsupported) {
				diag_error(d, "%s", diag_message(&one));
				diag_release(&one);
				return -1;
			}
			/* A batch that fails as a whole (crash, timeout): retry file by file. */
			for (size_t j = i; j < i + k; j++) {
				struct diag two;
				diag_init(&two);
				if (bandit_run_stdin(b, srcs[j], lens[j], &out[j], &two) < 0 &&
				    !failed++)
					diag_error(d, "%s (batch: %s)", diag_message(&two),
					           diag_message(&one));
				diag_release(&two);
			}
		}
		diag_release(&one);
	}
	return failed;
}
