/* Tests for experiments/cli/parseopt: defaults, every kind of option, the one error format, the
 * usage text generated from the table, positional arguments and the equivalent command line;
 * and the error capture of core/base/err (err_capture). */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/err.h"
#include "experiments/cli/parseopt.h"
#include "tests/harness.h"

struct demo_opts {
	const char *features, *out;
	struct cli_list param;
	size_t jobs;
	unsigned long seed;
	long delta;
	double share;
	int group, quiet;
};

#define O struct demo_opts
static const struct cli_option demo_options[] = {
    {CLI_STRING("features", O, features, "DIR", NULL, "an extraction"), .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "FILE", "results/x.csv", "where to write")},
    {CLI_LIST("param", O, param, "K=V", "[0, 3]", "a parameter")},
    {CLI_SIZE("jobs", O, jobs, "N", "2", "[1, 256]", "worker threads")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL, "run seed")},
    {CLI_INT("delta", O, delta, "D", "-1", "[-5, 5]", "a signed number")},
    {CLI_DOUBLE("share", O, share, "Q", "0.2", "[0, 1]", "a share")},
    {CLI_ENUM("group", O, group, "none", "cluster|none", "fold grouping")},
    {CLI_FLAG("quiet", O, quiet, "no progress"), .short_name = 'q'},
    {CLI_END}};
#undef O

static const char *const demo_synopsis[] = {"demo --features DIR [options] [PKG...]", NULL};
static const struct cli_command demo_cmd = {.name = "demo",
                                            .synopsis = demo_synopsis,
                                            .about = "A command for the tests.\n",
                                            .options = demo_options,
                                            .args = "PKG...",
                                            .args_noun = "package",
                                            .min_args = 0,
                                            .max_args = 2,
                                            .epilog = "Exit status: 0 or 2.\n"};

/* Run cli_parse() on a NULL-terminated word list with stderr captured into err (the first
 * line). Returns the parse status; *n the positional count. */
static int parse(struct demo_opts *o, size_t *n, char *err, size_t err_n, ...)
{
	struct cli_args args;
	char *argv[32];
	int argc = 0, rc, saved = dup(2);
	va_list ap;
	FILE *tmp = tmpfile();
	argv[argc++] = (char *)"demo";
	va_start(ap, err_n);
	for (const char *a; (a = va_arg(ap, const char *)) && argc < 31;)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	memset(o, 0, sizeof(*o));
	rc = cli_parse(&demo_cmd, o, argc, argv, &args);
	if (n)
		*n = args.n;
	cli_args_release(&args);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	err[0] = '\0';
	if (!fgets(err, (int)err_n, tmp))
		err[0] = '\0';
	err[strcspn(err, "\n")] = '\0';
	fclose(tmp);
	return rc;
}

static void test_values(void)
{
	struct demo_opts o;
	char err[512];
	size_t n = 99;
	int rc = parse(&o, &n, err, sizeof(err), "--features", "F", NULL);
	CHECK_INT(rc, CLI_RUN, "defaults: runs");
	CHECK_STR(o.out, "results/x.csv", "string default");
	CHECK_INT(o.jobs, 2, "size default");
	CHECK_INT(o.seed, 1, "ulong default");
	CHECK_INT(o.delta, -1, "int default");
	CHECK_REL(o.share, 0.2, 0, "double default");
	CHECK_INT(o.group, 1, "enum default is the index of 'none'");
	CHECK_INT(o.quiet, 0, "flag default");
	CHECK_INT(o.param.n, 0, "empty list");
	CHECK_INT(n, 0, "no positional arguments");

	rc = parse(&o, &n, err, sizeof(err), "pkg1", "--features=F2", "--jobs", "7", "--seed",
	           "18446744073709551615", "--delta", "-5", "--share=1", "--group", "cluster", "-q",
	           "--param", "a=1", "--param=b=2", "--out", "o1", "--out", "o2", "--", "--pkg2",
	           NULL);
	CHECK_INT(rc, CLI_RUN, "every kind parses: %s", err);
	CHECK_STR(o.features, "F2", "--name=value");
	CHECK_INT(o.jobs, 7, "size");
	CHECK(o.seed == 18446744073709551615UL, "ulong up to ULONG_MAX");
	CHECK_INT(o.delta, -5, "a value that starts with '-'");
	CHECK_REL(o.share, 1.0, 0, "double at the closed end");
	CHECK_INT(o.group, 0, "enum");
	CHECK_INT(o.quiet, 1, "short flag");
	CHECK_INT(o.param.n, 2, "list: two values");
	CHECK_STR(o.param.v[1], "b=2", "list keeps '=' in --param=b=2");
	CHECK_STR(o.out, "o2", "the last value of a repeated option wins");
	CHECK_INT(n, 2, "two positional arguments, '--' ends the options");
}

static void test_errors(void)
{
	struct demo_opts o;
	char err[512];
	static const struct {
		const char *args[4];
		const char *want;
	} cases[] = {
	    {{"--features", "F", "--bogus", NULL},
	     "pyvet: demo: '--bogus': unknown option (see 'pyvet demo --help')"},
	    {{"--features", "F", "-x", NULL}, "pyvet: demo: '-x': unknown option"},
	    {{"--features", "F", "--jobs", NULL}, "pyvet: demo: '--jobs' needs a value"},
	    {{"--features", "F", "--jobs", "0"}, "pyvet: demo: '--jobs': '0' is not in [1, 256]"},
	    {{"--features", "F", "--jobs", "x"},
	     "pyvet: demo: '--jobs': 'x' is not a non-negative integer"},
	    {{"--features", "F", "--seed", "-1"},
	     "pyvet: demo: '--seed': '-1' is not a non-negative integer"},
	    {{"--features", "F", "--share", "1.5"},
	     "pyvet: demo: '--share': '1.5' is not in [0, 1]"},
	    {{"--features", "F", "--group", "x"},
	     "pyvet: demo: '--group': 'x' is not one of cluster|none"},
	    {{"--features", "F", "--quiet=1", NULL}, "pyvet: demo: '--quiet' takes no value"},
	    {{"--jobs", "3", NULL, NULL},
	     "pyvet: demo: --features is required (see 'pyvet demo --help')"},
	    {{"--features", "F", "a", "b"}, NULL}, /* two packages: allowed */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int rc = parse(&o, NULL, err, sizeof(err), cases[k].args[0], cases[k].args[1],
		               cases[k].args[2], cases[k].args[3], NULL);
		if (!cases[k].want) {
			CHECK_INT(rc, CLI_RUN, "case %zu runs", k);
			continue;
		}
		CHECK_INT(rc, 2, "case %zu: exit 2", k);
		CHECK(!strncmp(err, cases[k].want, strlen(cases[k].want)), "case %zu: '%s'", k,
		      err);
	}
	int rc = parse(&o, NULL, err, sizeof(err), "--features", "F", "a", "b", "c", NULL);
	CHECK_INT(rc, 2, "three packages: exit 2");
	CHECK(strstr(err, "more than 2 packages given") != NULL, "too many positionals: '%s'", err);
	rc = parse(&o, NULL, err, sizeof(err), "--features", "F", "--param", "1", "--param", "2",
	           "--param", "3", "--param", "4", NULL);
	CHECK(rc == 2 && strstr(err, "'--param': given more than 3 times"), "list cap: '%s'", err);
}

static void test_usage(void)
{
	struct sbuf sb = SBUF_INIT;
	CHECK_INT(cli_usage(&demo_cmd, &sb), 0, "usage text");
	const char *u = sbuf_cstr(&sb);
	CHECK(!strncmp(u, "usage: pyvet demo --features DIR", 32), "synopsis first");
	CHECK(strstr(u, "  --features DIR            an extraction (required)\n") != NULL,
	      "required option");
	CHECK(strstr(u, "  --jobs N                  worker threads (default 2; in [1, 256])\n") !=
	          NULL,
	      "default and range from the table");
	CHECK(strstr(u, "  --group cluster|none      fold grouping (default none)\n") != NULL,
	      "enum values as the value name");
	CHECK(strstr(u, "  -q, --quiet               no progress\n") != NULL, "short name");
	CHECK(strstr(u, "  --param K=V               a parameter (repeatable)\n") != NULL,
	      "repeatable list");
	CHECK(strstr(u, "Exit status: 0 or 2.") != NULL, "epilog");
	sbuf_release(&sb);
}

static void test_format_argv(void)
{
	struct demo_opts o;
	char err[512], **argv = NULL;
	int argc = 0;
	const char *pkgs[] = {"p.tar.gz"};
	struct sbuf sb = SBUF_INIT;
	parse(&o, NULL, err, sizeof(err), "--features", "F", "--jobs", "2", "--delta", "3",
	      "--param", "a=1", "-q", NULL);
	CHECK_INT(cli_format_argv(&demo_cmd, &o, pkgs, 1, &argc, &argv), 0, "format");
	for (int i = 0; i < argc; i++)
		sbuf_addf(&sb, "%s%s", i ? " " : "", argv[i]);
	CHECK_STR(sbuf_cstr(&sb), "demo --features F --param a=1 --delta 3 --quiet p.tar.gz",
	          "only values that differ from the defaults, in table order");
	CHECK(argv && argv[argc] == NULL, "NULL-terminated");
	cli_argv_free(argv);
	sbuf_release(&sb);
}

static void test_capture(void)
{
	struct diag d, *old;
	int saved = dup(2), devnull = open("/dev/null", 1);
	diag_init(&d);
	fflush(stderr);
	dup2(devnull, 2);
	old = err_capture(&d);
	err_report("first %d", 1);
	err_report("second %s", "message");
	CHECK(err_capture(old) == &d, "err_capture returns the capture it replaces");
	err_report("not captured");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	CHECK_STR(diag_message(&d), "second message", "the latest message is kept");
	diag_release(&d);
}

int main(void)
{
	test_values();
	test_errors();
	test_usage();
	test_format_argv();
	test_capture();
	return harness_done();
}
