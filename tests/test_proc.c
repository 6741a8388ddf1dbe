/* Unit tests for experiments/engine/proc: exit status, output and stderr tail, a controlled
 * environment and working folder, the time limit (also when a child keeps the pipe open), the
 * output limit, death by a signal, a missing program, and printable messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/toolkit.h"
#include "experiments/engine/proc.h"
#include "tests/harness.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run `sh -c script` with the given limits; returns proc_run()'s value. */
static int sh(const char *script, char *const *envp, const char *cwd, double timeout,
              size_t max_out, size_t err_keep, struct proc_result *r, struct diag *d)
{
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};
	struct proc_spec s = {.exe = "/bin/sh",
	                      .argv = argv,
	                      .envp = envp,
	                      .cwd = cwd,
	                      .stdin_fd = -1,
	                      .timeout_s = timeout,
	                      .max_stdout = max_out,
	                      .stderr_keep = err_keep};
	return proc_run(&s, r, d);
}

int main(void)
{
	struct proc_result r;
	struct diag d;
	char buf[256];
	toolkit_init();
	diag_init(&d);
	proc_result_init(&r);

	CHECK(sh("echo out; echo err >&2; exit 3", NULL, NULL, 10, 1000, 100, &r, &d) == 0,
	      "a program that exits is a success (%s)", diag_message(&d));
	CHECK(r.exited && r.exit_status == 3, "exit status 3 reported");
	CHECK(r.out.len == 4 && !memcmp(r.out.buf, "out\n", 4), "stdout collected");
	CHECK(r.err.len == 4 && !memcmp(r.err.buf, "err\n", 4), "stderr collected");
	CHECK(r.wall_s > 0, "wall time measured");

	int rc = sh("i=0; while [ $i -lt 200 ]; do echo line$i >&2; i=$((i+1)); done", NULL, NULL,
	            10, 1000, 16, &r, &d);
	CHECK(rc == 0 && r.err.len == 16, "only the stderr tail is kept (%zu bytes)", r.err.len);
	CHECK(r.err.len &&
	          strstr(proc_last_line(r.err.buf, r.err.len, buf, sizeof(buf)), "line199"),
	      "the tail ends with the last line (%s)", buf);

	char *envp[] = {(char *)"ONLY=this", (char *)"PATH=/usr/bin:/bin", NULL};
	setenv("PYVET_TEST_SECRET", "leak", 1);
	CHECK(sh("env | sort | tr '\\n' ' '; pwd", envp, "/", 10, 1000, 0, &r, &d) == 0,
	      "run with an explicit environment and folder");
	CHECK(r.out.len && strstr(r.out.buf, "ONLY=this") &&
	          !strstr(r.out.buf, "PYVET_TEST_SECRET"),
	      "the environment is exactly the one given (%.*s)", (int)r.out.len,
	      r.out.buf ? r.out.buf : "");
	CHECK(r.out.len > 2 && !memcmp(r.out.buf + r.out.len - 2, "/\n", 2),
	      "the working folder is the one given");
	unsetenv("PYVET_TEST_SECRET");

	double t0 = now_s();
	CHECK(sh("sleep 30", NULL, NULL, 0.5, 1000, 0, &r, &d) < 0 && r.timed_out,
	      "a hanging program times out (%s)", diag_message(&d));
	CHECK(now_s() - t0 < 10, "and is killed at once");
	CHECK(strstr(diag_message(&d), "timed out") != NULL, "reason: timed out");

	/* The leader exits but leaves a child holding stdout: the group is killed, no hang. */
	t0 = now_s();
	diag_release(&d);
	rc = sh("sleep 30 & echo done", NULL, NULL, 20, 1000, 0, &r, &d);
	CHECK(rc == 0 && r.exit_status == 0, "a leftover child does not keep pyvet waiting (%s)",
	      diag_message(&d));
	CHECK(now_s() - t0 < 10, "returned long before the child's 30 s");
	CHECK(r.out.len == 5, "output before the exit collected");

	CHECK(sh("yes", NULL, NULL, 10, 10000, 0, &r, &d) < 0 && r.overflow,
	      "endless output is cut at the limit (%s)", diag_message(&d));

	CHECK(sh("kill -SEGV $$", NULL, NULL, 10, 1000, 0, &r, &d) < 0 && r.term_signal == 11,
	      "death by a signal is reported (%s)", diag_message(&d));
	CHECK(strstr(diag_message(&d), "signal 11") != NULL, "reason: signal 11");

	char *argv[] = {(char *)"pyvet-no-such-program", NULL};
	struct proc_spec s = {.exe = "pyvet-no-such-program",
	                      .argv = argv,
	                      .stdin_fd = -1,
	                      .timeout_s = 5,
	                      .max_stdout = 100};
	CHECK(proc_run(&s, &r, &d) < 0 && strstr(diag_message(&d), "cannot run"),
	      "a missing program fails cleanly (%s)", diag_message(&d));

	STR_IS(proc_printable("a\x1b[31m\tb\xff", 9, buf, sizeof(buf)), "a\\x1b[31m\\tb\\xff",
	       "printable: escapes (core/base/escape.h)");
	STR_IS(proc_printable("\xc3\xa9t", 3, buf, sizeof(buf)), "\xc3\xa9t",
	       "printable: UTF-8 kept");
	STR_IS(proc_printable("a\xc3\xa9"
	                      "bcd",
	                      6, buf, 6),
	       "a...", "printable: cut at a character boundary");
	STR_IS(proc_printable("abcdefghij", 10, buf, 8), "abcd...", "printable: cut with ...");
	STR_IS(proc_last_line("one\ntwo\n\n", 9, buf, sizeof(buf)), "two", "last non-empty line");
	proc_result_release(&r);
	diag_release(&d);
	return harness_done();
}
