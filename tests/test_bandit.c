/* Unit tests for core/bandit: report parsing, and (when bandit is installed) the stdin and
 * in-memory batch modes giving the same counts, timeouts and a missing executable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "experiments/engine/bandit.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"
#include "tests/realpkg.h"

static void parse_tests(void)
{
	struct diag d;
	struct bandit_counts c[3];
	diag_init(&d);
	static const char one[] =
	    "{\"errors\": [], \"results\": [{\"filename\": \"<stdin>\", \"issue_severity\": "
	    "\"HIGH\"}, {\"filename\": \"<stdin>\", \"issue_severity\": \"LOW\"}]}";
	CHECK(bandit_parse_report(one, strlen(one), NULL, 0, c, &d) == 0, "parse a stdin report");
	INT_IS(c[0].results, 2, "two results");
	INT_IS(c[0].high, 1, "one HIGH");
	INT_IS(c[0].errors, 0, "no errors");
	static const char many[] =
	    "{\"errors\": [{\"filename\": \"/proc/self/fd/5\", \"reason\": \"syntax error\"}], "
	    "\"results\": [{\"filename\": \"/proc/self/fd/4\", \"issue_severity\": \"MEDIUM\"},"
	    "{\"filename\": \"/proc/self/fd/4\", \"issue_severity\": \"HIGH\"},"
	    "{\"filename\": \"/proc/self/fd/3\", \"issue_severity\": \"LOW\"},"
	    "{\"filename\": \"elsewhere.py\", \"issue_severity\": \"LOW\"}]}";
	const char *names[] = {"/proc/self/fd/3", "/proc/self/fd/4", "/proc/self/fd/5"};
	CHECK(bandit_parse_report(many, strlen(many), names, 3, c, &d) == 0,
	      "parse a batch report");
	INT_IS(c[0].results, 1, "file 1: one result");
	INT_IS(c[1].results, 2, "file 2: two results");
	INT_IS(c[1].high, 1, "file 2: one HIGH");
	INT_IS(c[2].errors, 1, "file 3: one parse error");
	CHECK(c[0].ok && c[1].ok && c[2].ok, "every file marked ok");
	CHECK(bandit_parse_report("[1,2]", 5, NULL, 0, c, &d) < 0, "a non-report is rejected");
	CHECK(bandit_parse_report("{\"res", 5, NULL, 0, c, &d) < 0, "truncated JSON is rejected");
	diag_release(&d);
}

static const char src_a[] = "import os\nos.system('ls')\neval('1')\n";
static const char src_b[] = "print 'python 2 only'\n";
static const char src_c[] =
    "import subprocess\ndef f(cmd):\n    subprocess.call(cmd, shell=True)\n";
static const char src_d[] = "";

/* Real packages (tests/data/realpkg/bandit.csv, a seeded sample of corpus .py members): the
 * stdin mode (one bandit per file, spec D35) and the memfd batch mode (the default) give the
 * same results, HIGH and error counts per file. */
static void real_packages(struct bandit *b)
{
	enum { MAXF = 16 };
	struct realpkg rp;
	char **row;
	struct sbuf text[MAXF];
	const void *srcs[MAXF];
	size_t lens[MAXF], n = 0;
	char names[MAXF][256];
	struct bandit_counts s[MAXF], m[MAXF];
	struct diag d;
	if (realpkg_begin(&rp, "bandit.csv", "bandit's two modes") < 0)
		return;
	while (n < MAXF && realpkg_next(&rp, &row) > 0) {
		sbuf_init(&text[n]);
		sbuf_add(&text[n], rp.file->data,
		         rp.file->size); /* the bytes as the baseline reads them */
		snprintf(names[n], sizeof(names[n]), "%s: %s", row[rp.c_package], row[rp.c_member]);
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		srcs[i] = text[i].buf ? text[i].buf : "";
		lens[i] = text[i].len;
	}
	memset(s, 0, sizeof(s));
	memset(m, 0, sizeof(m));
	diag_init(&d);
	int rs = bandit_run_files(b, BANDIT_STDIN, srcs, lens, n, s, NULL, &d);
	int rm = rs == 0 ? bandit_run_files(b, BANDIT_MEMFD, srcs, lens, n, m, NULL, &d) : -1;
	if (CHECK(rs == 0 && rm == 0, "real packages: both modes run on %zu members: %s", n,
	          rs == 0 && rm == 0 ? "ok" : diag_message(&d)))
		for (size_t i = 0; i < n; i++)
			CHECK(s[i].ok && m[i].ok && s[i].results == m[i].results &&
			          s[i].high == m[i].high && s[i].errors == m[i].errors,
			      "real %s: same counts in both modes (%ld/%ld/%ld vs %ld/%ld/%ld)",
			      names[i], s[i].results, s[i].high, s[i].errors, m[i].results,
			      m[i].high, m[i].errors);
	for (size_t i = 0; i < n; i++)
		sbuf_release(&text[i]);
	diag_release(&d);
	realpkg_end(&rp, "bandit modes");
}

static void run_tests(void)
{
	struct bandit b;
	struct diag d;
	diag_init(&d);
	if (bandit_init(&b, NULL, &d) < 0) {
		SKIP("bandit not installed (%s)", diag_message(&d));
		diag_release(&d);
		return;
	}
	CHECK(b.version[0] >= '0' && b.version[0] <= '9', "bandit version '%s'", b.version);
	const void *srcs[] = {src_a, src_b, src_c, src_d};
	size_t lens[] = {sizeof(src_a) - 1, sizeof(src_b) - 1, sizeof(src_c) - 1, 0};
	struct bandit_counts s[4], m[4];
	memset(s, 0, sizeof(s));
	memset(m, 0, sizeof(m));
	int rs = bandit_run_files(&b, BANDIT_STDIN, srcs, lens, 4, s, NULL, &d);
	CHECK(rs == 0, "stdin mode runs: %s", rs ? diag_message(&d) : "ok");
	size_t batch = b.max_batch;
	b.max_batch = 3; /* two batches */
	struct bandit_usage u = {0, 0, 0};
	int rm = bandit_run_files(&b, BANDIT_MEMFD, srcs, lens, 4, m, &u, &d);
	if (rm < 0) {
		SKIP("memfd unsupported: %s", diag_message(&d));
	} else if (rs == 0) {
		INT_IS(u.processes, 2, "usage: two batch processes counted");
		CHECK(u.cpu_s > 0 && u.wall_s > 0, "usage: CPU %g s, wall %g s measured", u.cpu_s,
		      u.wall_s);
		for (int i = 0; i < 4; i++)
			CHECK(s[i].ok && m[i].ok && s[i].results == m[i].results &&
			          s[i].high == m[i].high && s[i].errors == m[i].errors,
			      "file %d: same counts in both modes (%ld/%ld/%ld vs %ld/%ld/%ld)", i,
			      s[i].results, s[i].high, s[i].errors, m[i].results, m[i].high,
			      m[i].errors);
	}
	if (rs == 0) {
		CHECK(s[0].results >= 2, "os.system and eval flagged (%ld)", s[0].results);
		INT_IS(s[1].errors, 1, "python 2 file unparsable");
		INT_IS(s[1].results, 0, "no results for it");
		CHECK(s[2].high >= 1, "shell=True is HIGH");
		INT_IS(s[3].results + s[3].errors, 0, "empty file: nothing");
	}
	b.max_batch = batch;
	real_packages(&b);

	/* A process that outlives its timeout is killed. */
	char script[] = "/tmp/pyvet-test-bandit.XXXXXX";
	int fd = mkstemp(script);
	if (CHECK(fd >= 0, "temporary script")) {
		FILE *f = fdopen(fd, "w");
		fputs("#!/bin/sh\nexec sleep 20\n", f);
		fclose(f);
		chmod(script, 0700);
		struct bandit slow = b;
		snprintf(slow.exe, sizeof(slow.exe), "%s", script);
		slow.timeout_s = 0.3;
		struct bandit_counts c;
		time_t t0 = time(NULL);
		CHECK(bandit_run_stdin(&slow, src_a, sizeof(src_a) - 1, &c, NULL, &d) < 0 &&
		          strstr(diag_message(&d), "timed out"),
		      "timeout reported: %s", diag_message(&d));
		CHECK(time(NULL) - t0 < 10, "killed promptly");
		unlink(script);
	}
	struct bandit none;
	CHECK(bandit_init(&none, "/nonexistent/bandit", &d) < 0, "missing executable: %s",
	      diag_message(&d));
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	parse_tests();
	run_tests();
	return harness_done();
}
