/* parseopt: the command line of every subcommand, declared once as a table, in the style of
 * Git's parse-options. A command lists its options -- long name, kind, the field of its options
 * struct that receives the value, value name, default, range or choices, help -- and the parser,
 * the defaults, the usage text of `--help` (and so the man page, scripts/build/manpage.sh), the
 * error messages and the equivalent command line of a sidecar all read that table.
 *
 * Declaring a command (the struct is the command's own, e.g. struct cv_opts):
 *
 *   static const struct cli_option cv_options[] = {
 *       {CLI_STRING("features", struct cv_opts, features, "DIR", NULL,
 *                   "extraction written by 'pyvet extract'"), .flags = CLI_REQUIRED},
 *       {CLI_SIZE("folds", struct cv_opts, folds, "K", "10", "[2, 1000]", "folds")},
 *       {CLI_FLAG("quiet", struct cv_opts, quiet, "no progress"), .short_name = 'q'},
 *       {CLI_END}};
 *
 * Kinds and the field each writes:
 *   CLI_KIND_FLAG    int, 1 when the option is given (it takes no value)
 *   CLI_KIND_STRING  const char *, borrowed from argv (or the default's literal)
 *   CLI_KIND_LIST    struct cli_list: repeatable, each value appended (at most the range's max,
 *                    or CLI_LIST_MAX)
 *   CLI_KIND_INT     long            } a range "[lo, hi]" in `choices` as in core/base/params.h;
 *   CLI_KIND_SIZE    size_t          } the values are parsed by params_parse_value(), so an
 *   CLI_KIND_ULONG   unsigned long   } option and a --param refuse a value in the same words
 *   CLI_KIND_DOUBLE  double          }
 *   CLI_KIND_ENUM    int, the index of the value in `choices` ("cluster|none")
 *   CLI_KIND_SHARD   struct cli_shard from "I/N" (0 <= I < N <= CLI_SHARD_MAX): part I of a
 *                    run cut into N (default "0/1", the whole run)
 *
 * Syntax: `--name VALUE`, `--name=VALUE`, `-s VALUE` for an option with a short name, `--`
 * ends the options; every other word is a positional argument (also "-"), kept in argv order.
 * A repeated option that is not a list keeps its last value. `-h` and `--help` print the usage.
 *
 * Errors, one format for every command, one line on stderr, exit status 2 (EXIT_USAGE):
 *   pyvet: CMD: '--bogus': unknown option (see 'pyvet CMD --help')
 *   pyvet: CMD: '--jobs' needs a value (...)
 *   pyvet: CMD: '--jobs': '0' is not in [1, 256] (...)
 *   pyvet: CMD: --manifest and --out are required (...)
 *   pyvet: CMD: no package given (...)
 *
 * Memory management: strings are borrowed from argv and the table; cli_parse() allocates only
 * the array of positional arguments (cli_args_release()). cli_format_argv() returns an array
 * the caller frees (cli_argv_free()). */
#ifndef PYVET_PARSEOPT_H
#define PYVET_PARSEOPT_H

#include <stddef.h>
#include <stdio.h>

#include "core/base/sbuf.h"

#define CLI_LIST_MAX 256
#define CLI_SHARD_MAX 1000000

/* cli_parse(): the command should run (any other value is the exit status to return). */
#define CLI_RUN (-1)

enum cli_kind {
	CLI_KIND_END = 0,
	CLI_KIND_FLAG,
	CLI_KIND_STRING,
	CLI_KIND_LIST,
	CLI_KIND_INT,
	CLI_KIND_SIZE,
	CLI_KIND_ULONG,
	CLI_KIND_DOUBLE,
	CLI_KIND_ENUM,
	CLI_KIND_SHARD
};

enum cli_flags {
	CLI_REQUIRED = 1, /* the command cannot run without it */
	CLI_HIDDEN = 2    /* accepted, not listed by --help (options kept for old scripts) */
};

/* The values of a repeatable option, in command-line order. */
struct cli_list {
	size_t n;
	const char *v[CLI_LIST_MAX];
};

/* Part `index` of a run cut into `count` parts ({0, 1}: the whole run). */
struct cli_shard {
	size_t index, count;
};

struct cli_option {
	const char *name;    /* long name without "--"; NULL ends the table */
	char short_name;     /* 'q' for -q, or 0 */
	enum cli_kind kind;  /* what the value is and where it goes */
	size_t offset;       /* offsetof() of the field in the command's options struct */
	const char *argh;    /* the value's name in the usage: "DIR", "N" (not for flags) */
	const char *def;     /* default as text (NULL: none -- NULL, an empty list; a number or
	                      * enum needs one unless it is CLI_REQUIRED) */
	const char *choices; /* range "[lo, hi]" of a number or a list's count; ENUM "a|b" */
	const char *help;    /* what it does (wrapped by --help; "\n" breaks a line) */
	unsigned flags;      /* enum cli_flags */
};

/* Table entries (wrap in braces; more designators may follow: .flags, .short_name). */
#define CLI_FLAG(n, type, field, h)                                                                \
	.name = (n), .kind = CLI_KIND_FLAG, .offset = offsetof(type, field), .help = (h)
#define CLI_STRING(n, type, field, a, d, h)                                                        \
	.name = (n), .kind = CLI_KIND_STRING, .offset = offsetof(type, field), .argh = (a),        \
	.def = (d), .help = (h)
#define CLI_LIST(n, type, field, a, range, h)                                                      \
	.name = (n), .kind = CLI_KIND_LIST, .offset = offsetof(type, field), .argh = (a),          \
	.choices = (range), .help = (h)
#define CLI_NUMBER_(k, n, type, field, a, d, range, h)                                             \
	.name = (n), .kind = (k), .offset = offsetof(type, field), .argh = (a), .def = (d),        \
	.choices = (range), .help = (h)
#define CLI_INT(...) CLI_NUMBER_(CLI_KIND_INT, __VA_ARGS__)
#define CLI_SIZE(...) CLI_NUMBER_(CLI_KIND_SIZE, __VA_ARGS__)
#define CLI_ULONG(...) CLI_NUMBER_(CLI_KIND_ULONG, __VA_ARGS__)
#define CLI_DOUBLE(...) CLI_NUMBER_(CLI_KIND_DOUBLE, __VA_ARGS__)
#define CLI_ENUM(n, type, field, d, values, h)                                                     \
	.name = (n), .kind = CLI_KIND_ENUM, .offset = offsetof(type, field), .argh = (values),     \
	.def = (d), .choices = (values), .help = (h)
#define CLI_SHARD(n, type, field, h)                                                               \
	.name = (n), .kind = CLI_KIND_SHARD, .offset = offsetof(type, field), .argh = "I/N",       \
	.def = "0/1", .help = (h)
#define CLI_END .name = NULL

/* A subcommand's command line. */
struct cli_command {
	const char *name;            /* "cv": messages read "pyvet: cv: ..." */
	const char *const *synopsis; /* usage lines after "usage: pyvet ", NULL-terminated */
	const char *about;           /* what the command does (paragraphs, pre-wrapped) */
	const struct cli_option *options;
	const char *args;          /* positional arguments' name in the usage ("PKG...") */
	const char *args_noun;     /* ... and in messages ("package"); NULL: none taken */
	size_t min_args, max_args; /* how many (max 0: any number) */
	const char *epilog;        /* after the options: exit statuses, notes */
	/* Optional: more help after the epilog (parameter tables); 0 or -1. */
	int (*help_extra)(struct sbuf *out);
};

/** Set every field of the table to its default (other fields of `opts` are left alone). A
 *  default the table's own parser refuses is a BUG(). */
void cli_defaults(const struct cli_command *c, void *opts);

/* The positional arguments of a command line, in order (borrowed from argv). */
struct cli_args {
	size_t n;
	const char **v; /* owned array (cli_args_release()), NULL when n == 0 */
};

/** Parse argv (argv[0] is the subcommand's name; argv is not modified) into `opts` after
 *  cli_defaults(); the positional arguments go to *args (NULL when the command takes none).
 *  Returns CLI_RUN when the command should run; otherwise the exit status to return: 0 after
 *  --help (printed on stdout), 2 after an error (one line on stderr, in the format above).
 *  *args is set (possibly empty) in every case; release it with cli_args_release(). */
int cli_parse(const struct cli_command *c, void *opts, int argc, char **argv,
              struct cli_args *args);

/** Free the array of cli_parse(). NULL-safe. */
void cli_args_release(struct cli_args *args);

/** Append the usage text (what --help prints) to `out`. 0 or -1. */
int cli_usage(const struct cli_command *c, struct sbuf *out);

/** Print one error line "pyvet: CMD: MESSAGE (see 'pyvet CMD --help')" and return 2, for
 *  checks between options the table cannot express. */
int cli_error(const struct cli_command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The command line that gives `opts`: the command's name, then each option whose value
 *  differs from its default, in table order, as "--name" "value" (lists: once per value), then
 *  the positional arguments args[0..n_args-1]. For the "command" of a sidecar when a command
 *  runs in process (`pyvet reproduce`). A NULL-terminated array in *argv (free it with
 *  cli_argv_free()) and its length in *argc; 0, or -1 on out of memory. */
int cli_format_argv(const struct cli_command *c, const void *opts, const char *const *args,
                    size_t n_args, int *argc, char ***argv);

/** Free what cli_format_argv() returned. NULL-safe. */
void cli_argv_free(char **argv);

struct sidecar;
/** sidecar_new() (core/base/results.h) recording argv[0..argc-1] as the command, or, when argv
 *  is NULL (a command run in process), the equivalent command line of `opts` and args[0..n_args-1]
 *  (cli_format_argv()). NULL on out of memory. */
struct sidecar *cli_sidecar_new(const struct cli_command *c, const void *opts, int argc,
                                char *const *argv, const char *const *args, size_t n_args);

#endif
