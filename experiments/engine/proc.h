/* proc: run one external program (bandit, a peer tool) without a shell, under a time limit, and
 * collect its standard output, the tail of its standard error, and its wall and CPU time.
 *
 * The program is started with posix_spawnp() and an explicit argument vector, as the leader of a
 * new process group (registered with experiments/engine/cleanup.h, so an interrupted pyvet kills
 * it), with an empty signal mask and default dispositions for SIGINT, SIGTERM, SIGHUP, SIGQUIT
 * and SIGPIPE. When the time limit passes, or the program writes more than the allowed output,
 * the whole group is killed with SIGKILL. When the leader exits, the rest of its group is killed
 * as well, so a program that leaves a child behind (holding the output pipe) cannot hang pyvet.
 *
 * Memory management: struct proc_result is caller-owned; proc_result_init() /
 * proc_result_release(). The spec's arrays are borrowed for the call. Thread-safe: every
 * descriptor pyvet creates is close-on-exec, so concurrent runs do not leak pipes into each
 * other's children. */
#ifndef PYVET_PROC_H
#define PYVET_PROC_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/sbuf.h"

struct proc_spec {
	const char *exe;     /* executable: a path, or a name looked up on pyvet's PATH */
	char *const *argv;   /* NULL-terminated; argv[0] is what the program sees */
	char *const *envp;   /* the complete environment; NULL = pyvet's own */
	const char *cwd;     /* working directory of the program; NULL = pyvet's */
	int stdin_fd;        /* standard input; -1 = /dev/null */
	const int *keep_fds; /* descriptors inherited under the same numbers */
	size_t n_keep;
	double timeout_s;   /* wall-clock limit (> 0) */
	size_t max_stdout;  /* bytes of standard output accepted; more kills the program */
	size_t stderr_keep; /* the last this many bytes of standard error are kept; 0 = /dev/null */
};

struct proc_result {
	struct sbuf out; /* standard output */
	struct sbuf err; /* the tail of standard error (at most spec.stderr_keep bytes) */
	int exited;      /* 1: exited normally with exit_status */
	int exit_status;
	int term_signal; /* the signal that ended it, 0 if none */
	int timed_out;   /* 1: killed at the time limit */
	int overflow;    /* 1: killed for writing more than max_stdout bytes */
	double wall_s;   /* from spawn to reaping */
	double cpu_s;    /* user + system time of the program (wait4) */
};

/** Empty result. */
void proc_result_init(struct proc_result *r);

/** Free the buffers and reset. NULL-safe. */
void proc_result_release(struct proc_result *r);

/** Run `s` to completion or to its limit and fill `r` (which must be initialised; its buffers
 *  are reset first). 0 when the program ran and exited on its own (any exit status: the caller
 *  judges r->exit_status); -1 with the reason on `d` when it could not be started, timed out,
 *  wrote too much, was killed by a signal, or on an I/O error (r says which; times are filled
 *  whenever the program was started). */
int proc_run(const struct proc_spec *s, struct proc_result *r, struct diag *d);

/** The last non-empty line of `text` (len bytes) escaped into out (size n >= 4), as
 *  proc_printable(). Returns out. For error messages built from a program's output (never
 *  show a tool's bytes raw). */
const char *proc_last_line(const char *text, size_t len, char *out, size_t n);

/** `n` bytes of `s` escaped by core/base/escape.h's rule (controls, bidi characters and invalid
 *  UTF-8 become visible escapes) into out (size cap >= 4), cut at a character boundary with
 *  "..." when longer. Returns out. */
const char *proc_printable(const char *s, size_t n, char *out, size_t cap);

#endif
