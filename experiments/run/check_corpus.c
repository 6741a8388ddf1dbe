/* `pyvet check-corpus`: options and body (see check_corpus.h). */
#include "experiments/run/check_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/base/sbuf.h"
#include "core/base/workq.h"
#include "core/pkg/manifest.h"
#include "core/pkg/package.h"
#include "core/pkg/pkginfo.h"
#include "experiments/cli/exitstatus.h"

#define O struct check_corpus_opts
static const struct cli_option check_corpus_options[] = {
    {CLI_STRING("manifest", O, manifest, "M", NULL, "corpus manifest CSV (id,label,...,path,...)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("corpus", O, corpus, "DIR", NULL, "directory the manifest paths are relative to"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("debian-dir", O, debian_dir, "D", NULL,
                "the Debian slice: paths 'debian/...' (datasets/realistic) are relative to D")},
    {CLI_SIZE("jobs", O, jobs, "N", "0", "[0, 256]", "worker threads (0: online CPUs)")},
    {CLI_SIZE("every", O, every, "K", "1", "[1, 1000000000]",
              "only rows 0, K, 2K, ... (a deterministic subset)")},
    {CLI_END}};
#undef O

static const char *const check_corpus_synopsis[] = {
    "check-corpus --manifest M --corpus DIR [--debian-dir D] [--jobs N]", "     [--every K]", NULL};

const struct cli_command check_corpus_command = {
    .name = "check-corpus",
    .synopsis = check_corpus_synopsis,
    .about = "Read every package listed in manifest M (paths relative to DIR) in memory, as the\n"
             "feature extraction would, and parse its metadata file. Prints a summary (read OK,\n"
             "failed, skipped members, formats, packages per second) and one line per failure:\n"
             "'FAIL <id> <path>: <reason>' (path and reason escaped: \\n, \\x1b, \\u202e).\n"
             "Manifest paths must stay inside DIR: an absolute path, a '..' component or a\n"
             "symbolic link leading out of DIR is a failure of that package.\n",
    .options = check_corpus_options,
    .epilog = "Exit status: 0 every listed package was read; 2 usage error or a bad manifest; 3\n"
              "some packages could not be read (listed); 4 write error.\n"};

#define CC_MAX_FORMATS 32

/* The outcome for one manifest row. */
struct cc_result {
	int done, ok, has_meta, meta_ok;
	size_t n_files, n_skipped;
	char format[64];
	char *error;
};

struct cc_state {
	const struct manifest *m;
	const char *corpus, *debian_dir;
	size_t every;
	struct cc_result *res;
};

static void check_one(struct cc_state *s, size_t i)
{
	struct cc_result *r = &s->res[i];
	const struct manifest_row *row = &s->m->rows[i];
	char *path;
	struct diag d;
	struct package *p;
	diag_init(&d);
	if (!(path = manifest_package_path(row, s->corpus, s->debian_dir, &d))) {
		r->error = strdup(diag_message(&d));
		r->done = 1;
		diag_release(&d);
		return;
	}
	if (package_open(&p, path, NULL, &d) < 0) {
		r->error = strdup(diag_message(&d));
	} else {
		r->ok = 1;
		r->n_files = p->n_files;
		r->n_skipped = p->n_skipped;
		snprintf(r->format, sizeof(r->format), "%s", p->format);
		if (p->metadata) {
			struct pkginfo *pi;
			struct diag md;
			diag_init(&md);
			r->has_meta = 1;
			if (pkginfo_parse((const char *)p->metadata->data, p->metadata->size, NULL,
			                  &pi, &md) == 0) {
				r->meta_ok = 1;
				pkginfo_free(pi);
			}
			diag_release(&md);
		}
		package_free(p);
	}
	r->done = 1;
	diag_release(&d);
	free(path);
}

/* Work-queue item k: manifest row k * every. */
static void cc_item(void *arg, size_t item, size_t thread)
{
	struct cc_state *s = arg;
	(void)thread;
	check_one(s, item * s->every);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The summary lines and the FAIL lines on stdout; frees the error strings. The number of
 * failures. */
static size_t print_summary(const struct manifest *m, struct cc_result *res, size_t every,
                            double wall, size_t started)
{
	size_t listed = 0, ok = 0, failed = 0, skipped = 0, pk_skipped = 0, files = 0, meta = 0,
	       meta_ok = 0, n_fmt = 0;
	char fmt[CC_MAX_FORMATS][64];
	size_t fmt_n[CC_MAX_FORMATS];
	for (size_t i = 0; i < m->n; i += every) {
		struct cc_result *r = &res[i];
		listed++;
		if (!r->ok) {
			failed++;
			continue;
		}
		ok++;
		files += r->n_files;
		skipped += r->n_skipped;
		pk_skipped += r->n_skipped > 0;
		meta += (size_t)r->has_meta;
		meta_ok += (size_t)r->meta_ok;
		size_t k = 0;
		while (k < n_fmt && strcmp(fmt[k], r->format))
			k++;
		if (k == n_fmt && n_fmt < CC_MAX_FORMATS) {
			snprintf(fmt[n_fmt], sizeof(fmt[n_fmt]), "%s", r->format);
			fmt_n[n_fmt++] = 0;
		}
		if (k < n_fmt)
			fmt_n[k]++;
	}
	printf("check-corpus: %zu packages listed%s, %zu read OK, %zu failed (%.2f%% OK)\n", listed,
	       every > 1 ? " (subset: every --every-th row)" : "", ok, failed,
	       listed ? 100.0 * (double)ok / (double)listed : 100.0);
	printf("files: %zu; skipped members: %zu in %zu packages\n", files, skipped, pk_skipped);
	printf("metadata: %zu packages with a metadata file, %zu parsed\n", meta, meta_ok);
	printf("formats:");
	for (size_t k = 0; k < n_fmt; k++)
		printf(" %s=%zu", fmt[k], fmt_n[k]);
	printf("\n");
	printf("wall time: %.2f s, %.1f packages/s, %zu jobs\n", wall,
	       wall > 0 ? (double)listed / wall : 0.0, started ? started : 1);
	for (size_t i = 0; i < m->n; i += every) {
		struct cc_result *r = &res[i];
		if (!r->ok) { /* the id is checked by manifest_read(); path and reason escaped */
			printf("FAIL %s ", m->rows[i].id);
			escape_fputs(m->rows[i].path, stdout);
			fputs(": ", stdout);
			escape_fputs(r->error ? r->error : "out of memory", stdout);
			putchar('\n');
		}
		free(r->error);
	}
	return failed;
}

static size_t online_cpus(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 0 ? (size_t)cpus : 1;
}

int check_corpus_run(const struct check_corpus_opts *o)
{
	size_t jobs = o->jobs ? o->jobs : online_cpus(), every = o->every;
	struct diag d;
	diag_init(&d);
	struct manifest *m;
	if (manifest_read(o->manifest, &m, &d) < 0) {
		err_report("%s", diag_message(&d));
		diag_release(&d);
		return EXIT_USAGE;
	}
	struct cc_state s;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.corpus = o->corpus;
	s.debian_dir = o->debian_dir;
	s.every = every;
	s.res = calloc(m->n ? m->n : 1, sizeof(*s.res));
	if (!s.res)
		die("check-corpus: out of memory");
	double t0 = now_s();
	struct workq_job job = {(m->n + every - 1) / every, cc_item, NULL, &s};
	struct workq *q = workq_alloc(jobs);
	if (!q || workq_run(q, &job) < 0)
		die("check-corpus: out of memory");
	size_t started = workq_threads(q);
	workq_free(q);
	double wall = now_s() - t0;

	size_t failed = print_summary(m, s.res, every, wall, started);
	free(s.res);
	manifest_free(m);
	diag_release(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err_report("check-corpus: write error");
		return EXIT_INTERNAL;
	}
	return failed ? EXIT_UNREADABLE : EXIT_OK;
}
