/* bandit: run the bandit linter (PyCQA, the paper's baseline; spec §7.1, D35) on Python sources
 * held in memory, and count its alerts. Nothing is written to disk and no shell is involved:
 * bandit is started with posix_spawnp() and an explicit argument vector.
 *
 * Two ways to hand sources to bandit, with the same counts (tests/t9001-bandit.sh checks it):
 * - BANDIT_STDIN (spec D35): one `bandit -f json -` process per file, bytes on standard input;
 * - BANDIT_MEMFD: one `bandit -f json /proc/self/fd/N ...` process per batch of files, each file
 *   an anonymous in-memory file (memfd_create(2), Linux) inherited by bandit. bandit analyses
 *   every named file independently, so per-file results equal those of the stdin mode, at one
 *   Python start-up per batch instead of per file.
 *
 * Counts per file (D35): `results` = entries of bandit's JSON "results" (all severities and
 * confidences, default profile, no configuration file, `# nosec` honoured), `high` = those with
 * issue_severity HIGH, `errors` = entries of "errors" (bandit could not parse the file).
 *
 * Observed with Debian's bandit 1.6.2: it seeks on standard input (so stdin is an in-memory
 * file, not a pipe), and with '-' it crashes without any report on a file it cannot parse; that
 * case is counted as errors = 1, as the batch mode's "syntax error" entry would be.
 *
 * Processes are started by experiments/engine/proc.h: each in its own process group, killed as a
 * group at the time limit or when pyvet is interrupted.
 *
 * Memory management: struct bandit is a caller-owned value (no allocation). Results are written
 * into caller-provided arrays. Thread-safe: every descriptor is created close-on-exec, so
 * concurrent runs from several threads do not leak pipes into each other's children. */
#ifndef PYVET_BANDIT_H
#define PYVET_BANDIT_H

#include <stddef.h>

#include "core/base/err.h"

enum bandit_mode { BANDIT_STDIN = 0, BANDIT_MEMFD = 1 };

struct bandit {
	char exe[512];            /* executable, looked up on PATH when it has no '/' */
	double timeout_s;         /* per bandit process; the process is killed after it */
	size_t max_output;        /* bytes of JSON read from one process, at most */
	size_t max_batch;         /* files per process in BANDIT_MEMFD mode */
	char version[128];        /* "1.6.2", from `bandit --version` */
	char python_version[128]; /* "3.11.2", idem */
};

/* Counts for one file. */
struct bandit_counts {
	long results; /* alerts: entries of "results" */
	long high;    /* of which issue_severity == "HIGH" */
	long errors;  /* entries of "errors" (unparsable file) */
	int ok;       /* 1 if bandit ran and its output was understood for this file */
};

/* Time spent in bandit processes (added to by the run functions). */
struct bandit_usage {
	double wall_s;    /* from spawn to exit, summed over processes */
	double cpu_s;     /* user + system time of the processes */
	size_t processes; /* processes started */
};

/** Set defaults (exe "bandit", 60 s timeout, 64 MiB output, batches of 64), then run
 *  `EXE --version` to fill version and python_version. `exe` NULL = "bandit".
 *  0, or -1 with the reason on `d` (not found, failed, unrecognised output). */
int bandit_init(struct bandit *b, const char *exe, struct diag *d);

/** One source file on standard input (`bandit -f json -`). 0 and *out, or -1 with the reason
 *  on `d` (spawn failure, timeout, unparsable output); out->ok tells which. The process's times
 *  are added to *usage (NULL: not wanted). */
int bandit_run_stdin(const struct bandit *b, const void *src, size_t len, struct bandit_counts *out,
                     struct bandit_usage *usage, struct diag *d);

/** `n` source files in memory (srcs[i], lens[i]), in batches of max_batch files per process
 *  (BANDIT_MEMFD) or one process each (BANDIT_STDIN). out[0..n-1] is always filled; returns the
 *  number of files whose run failed (out[i].ok == 0; the first reason on `d`), or -1 when
 *  nothing could be run at all (e.g. memfd unsupported). Times are added to *usage (NULL: not
 *  wanted). */
int bandit_run_files(const struct bandit *b, enum bandit_mode mode, const void *const *srcs,
                     const size_t *lens, size_t n, struct bandit_counts *out,
                     struct bandit_usage *usage, struct diag *d);

/** Parse bandit's JSON report. With `names` == NULL every result counts for out[0] (stdin
 *  mode); otherwise results are attributed to the file whose name equals result.filename
 *  (names[0..n-1]) and results naming no listed file are ignored. Sets out[i].ok = 1 for every i.
 *  0, or -1 when the text is not a bandit JSON report. */
int bandit_parse_report(const char *json, size_t len, const char *const *names, size_t n,
                        struct bandit_counts *out, struct diag *d);

#endif
