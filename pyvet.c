/* ./pyvet: Git-style subcommand dispatcher (the table lives in experiments/commands.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/base/datafile.h"
#include "core/base/err.h"
#include "core/base/toolkit.h"
#include "experiments/commands.h" /* the exit statuses */

#define COMMAND(fn, cli, summary) int cmd_##fn(int argc, char **argv);
#include "experiments/commands.h"
#undef COMMAND

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct cmd commands[] = {
#define COMMAND(fn, cli, summary) {cli, cmd_##fn, summary},
#include "experiments/commands.h"
#undef COMMAND
    {NULL, NULL, NULL}};

static int usage(FILE *f)
{
	fprintf(f,
	        "usage: pyvet <command> [options]\n\n"
	        "pyvet %s: detect malicious PyPI packages and rerun Samaana et al. (SAC 2025).\n"
	        "Packages are read in memory and never executed.\n\ncommands:\n",
	        PYVET_VERSION);
	for (const struct cmd *c = commands; c->name; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->summary);
	fprintf(f,
	        "  %-14s %s\n  %-14s %s\n\nRun 'pyvet <command> --help' for a command's options.\n"
	        "Exit statuses (all commands): 0 ok / nothing malicious, 1 a malicious verdict,\n"
	        "2 usage or configuration error, 3 some packages unreadable, 4 internal or I/O "
	        "error.\n",
	        "help", "show this list", "--version", "print the version and library versions");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

/* `pyvet --version`: the version, the build commit and every linked library's version (the
 * same facts as the "versions" object of every results sidecar), one "name version" per line,
 * then the data directories searched. */
static int version(void)
{
	cJSON *v = toolkit_versions_json();
	const cJSON *it;
	char dirs[8192];
	printf("pyvet %s\ncommit %s\n", PYVET_VERSION, toolkit_build_commit());
	cJSON_ArrayForEach(it, v)
	{
		if (cJSON_IsString(it) && strcmp(it->string, "pyvet"))
			printf("%s %s\n", it->string, it->valuestring);
	}
	cJSON_Delete(v);
	/* where data files are looked for, in order (core/base/datafile.h) */
	datafile_dirs(dirs, sizeof(dirs));
	for (char *line = strtok(dirs, "\n"); line; line = strtok(NULL, "\n"))
		printf("data-dir %s\n", line);
	return fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
}

int main(int argc, char **argv)
{
	toolkit_init();
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))
		return version();
	for (const struct cmd *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	err_report("'%s': unknown command (see 'pyvet help')", argv[1]);
	return EXIT_USAGE;
}
