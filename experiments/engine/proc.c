/* Running an external program without a shell: own process group, time limit, bounded output,
 * wall and CPU time. */
#define _GNU_SOURCE /* pipe2(), posix_spawn_file_actions_addchdir_np(), wait4() */
#include "experiments/engine/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/base/escape.h"
#include "experiments/engine/cleanup.h"

extern char **environ;

#define PROC_CHUNK 65536
#define PROC_POLL_MS 50 /* how often a running program's exit is checked while it is quiet */

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

void proc_result_init(struct proc_result *r)
{
	memset(r, 0, sizeof(*r));
	sbuf_init(&r->out);
	sbuf_init(&r->err);
}

void proc_result_release(struct proc_result *r)
{
	if (!r)
		return;
	sbuf_release(&r->out);
	sbuf_release(&r->err);
	proc_result_init(r);
}

const char *proc_printable(const char *s, size_t n, char *out, size_t cap)
{
	struct sbuf e = SBUF_INIT;
	if (escape_add(&e, s, n) < 0) {
		snprintf(out, cap, "(out of memory)");
	} else if (e.len < cap) {
		memcpy(out, sbuf_cstr(&e), e.len + 1);
	} else {
		/* Cut at a character boundary, with room for "..." and the NUL. */
		size_t k = cap - 4;
		while (k > 0 && ((unsigned char)e.buf[k] & 0xC0) == 0x80)
			k--;
		memcpy(out, e.buf, k);
		memcpy(out + k, "...", 4);
	}
	sbuf_release(&e);
	return out;
}

const char *proc_last_line(const char *text, size_t len, char *out, size_t n)
{
	size_t end = len;
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' '))
		end--;
	size_t start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	return proc_printable(text + start, end - start, out, n);
}

/* Append to the stderr tail, keeping the last `keep` bytes. */
static int tail_add(struct sbuf *sb, const char *p, size_t n, size_t keep)
{
	if (n >= keep) {
		sbuf_reset(sb);
		return sbuf_add(sb, p + (n - keep), keep);
	}
	if (sb->len + n > keep) {
		size_t drop = sb->len + n - keep;
		memmove(sb->buf, sb->buf + drop, sb->len - drop);
		sbuf_setlen(sb, sb->len - drop);
	}
	return sbuf_add(sb, p, n);
}

static int setup_actions(const struct proc_spec *s, posix_spawn_file_actions_t *fa, int out_w,
                         int err_w)
{
	if (s->stdin_fd >= 0 ? posix_spawn_file_actions_adddup2(fa, s->stdin_fd, 0)
	                     : posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0))
		return -1;
	if (posix_spawn_file_actions_adddup2(fa, out_w, 1))
		return -1;
	if (err_w >= 0 ? posix_spawn_file_actions_adddup2(fa, err_w, 2)
	               : posix_spawn_file_actions_addopen(fa, 2, "/dev/null", O_WRONLY, 0))
		return -1;
	/* dup2(fd, fd) clears close-on-exec in posix_spawn (POSIX 2008 TC2, glibc >= 2.29). */
	for (size_t i = 0; i < s->n_keep; i++)
		if (posix_spawn_file_actions_adddup2(fa, s->keep_fds[i], s->keep_fds[i]))
			return -1;
	if (s->cwd && posix_spawn_file_actions_addchdir_np(fa, s->cwd))
		return -1;
	return 0;
}

static int setup_attr(posix_spawnattr_t *at)
{
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGPIPE);
	if (posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                     POSIX_SPAWN_SETSIGDEF) ||
	    posix_spawnattr_setpgroup(at, 0) || posix_spawnattr_setsigmask(at, &none) ||
	    posix_spawnattr_setsigdefault(at, &dfl))
		return -1;
	return 0;
}

/* 1 if the leader has exited (left a zombie, not reaped yet), 0 if it runs. */
static int leader_exited(pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid == pid;
}

int proc_run(const struct proc_spec *s, struct proc_result *r, struct diag *d)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1};
	int ret = -1, fa_ok = 0, at_ok = 0, slot = -1, exited = 0, reaped = 0;
	pid_t pid = -1;
	double t0 = 0;
	sigset_t old;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char chunk[PROC_CHUNK];
	const char *name = s->exe ? s->exe : s->argv[0];

	sbuf_reset(&r->out);
	sbuf_reset(&r->err);
	r->exited = r->exit_status = r->term_signal = r->timed_out = r->overflow = 0;
	r->wall_s = r->cpu_s = 0;
	if (pipe2(po, O_CLOEXEC) < 0 || (s->stderr_keep && pipe2(pe, O_CLOEXEC) < 0)) {
		diag_error(d, "pipe: %s", strerror(errno));
		goto end;
	}
	fa_ok = posix_spawn_file_actions_init(&fa) == 0;
	at_ok = posix_spawnattr_init(&at) == 0;
	if (!fa_ok || !at_ok || setup_actions(s, &fa, po[1], pe[1]) < 0 || setup_attr(&at) < 0) {
		diag_error(d, "cannot prepare '%s': out of memory", name);
		goto end;
	}
	/* Start and register the child inside a cleanup section, so an interrupt cannot miss
	 * its process group; none is started once pyvet is being interrupted. */
	if (cleanup_begin(&old) < 0) {
		diag_error(d, "not started: pyvet is being interrupted");
		goto end;
	}
	t0 = now_s();
	int rc = posix_spawnp(&pid, name, &fa, &at, s->argv, s->envp ? s->envp : environ);
	if (rc == 0)
		slot = cleanup_add_group(pid);
	cleanup_end(&old);
	if (rc != 0) {
		pid = -1;
		diag_error(d, "cannot run '%s': %s", name, strerror(rc));
		goto end;
	}
	close_fd(&po[1]);
	close_fd(&pe[1]);

	double deadline = t0 + s->timeout_s;
	while (po[0] >= 0 || pe[0] >= 0 || !exited) {
		double left = deadline - now_s();
		if (left <= 0) {
			r->timed_out = 1;
			diag_error(d, "'%s' timed out after %g s", name, s->timeout_s);
			goto end;
		}
		int wait_ms = (int)(left * 1000) + 1;
		if (wait_ms > PROC_POLL_MS)
			wait_ms = PROC_POLL_MS;
		struct pollfd p[2];
		int np = 0;
		if (po[0] >= 0)
			p[np++] = (struct pollfd){po[0], POLLIN, 0};
		if (pe[0] >= 0)
			p[np++] = (struct pollfd){pe[0], POLLIN, 0};
		int pr = np ? poll(p, (nfds_t)np, wait_ms) : poll(NULL, 0, wait_ms);
		if (pr < 0 && errno != EINTR) {
			diag_error(d, "poll: %s", strerror(errno));
			goto end;
		}
		for (int i = 0; pr > 0 && i < np; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int is_out = p[i].fd == po[0];
			ssize_t n = read(p[i].fd, chunk, sizeof(chunk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close_fd(is_out ? &po[0] : &pe[0]);
				continue;
			}
			if (is_out && r->out.len + (size_t)n > s->max_stdout) {
				r->overflow = 1;
				diag_error(d, "'%s' wrote more than %zu bytes", name,
				           s->max_stdout);
				goto end;
			}
			if (is_out ? sbuf_add(&r->out, chunk, (size_t)n)
			           : tail_add(&r->err, chunk, (size_t)n, s->stderr_keep)) {
				diag_error(d, "out of memory");
				goto end;
			}
		}
		if (!exited && leader_exited(pid)) {
			exited = 1;
			/* Whatever the leader left behind in its group goes too; the zombie keeps
			 * the group id from being reused until it is reaped. */
			kill(-pid, SIGKILL);
		}
	}
	ret = 0;
end:
	if (pid > 0) {
		struct rusage ru;
		int status = 0;
		if (ret < 0)
			kill(-pid, SIGKILL);
		memset(&ru, 0, sizeof(ru));
		while (!reaped) {
			if (wait4(pid, &status, 0, &ru) == pid)
				reaped = 1;
			else if (errno != EINTR)
				break;
		}
		cleanup_drop_group(slot);
		r->wall_s = now_s() - t0;
		r->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
		if (reaped && WIFEXITED(status)) {
			r->exited = 1;
			r->exit_status = WEXITSTATUS(status);
		} else if (reaped && WIFSIGNALED(status)) {
			r->term_signal = WTERMSIG(status);
			if (ret == 0) {
				ret = -1;
				diag_error(d, "'%s' killed by signal %d", name, r->term_signal);
			}
		}
		if (ret == 0 && !reaped) {
			ret = -1;
			diag_error(d, "waitpid: %s", strerror(errno));
		}
	}
	if (at_ok)
		posix_spawnattr_destroy(&at);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	close_fd(&po[0]);
	close_fd(&po[1]);
	close_fd(&pe[0]);
	close_fd(&pe[1]);
	return ret;
}
