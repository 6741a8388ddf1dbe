/* `pyvet split`: derive a dataset manifest from the corpus manifest (options and body:
 * experiments/run/split.h). */
#include "experiments/commands.h"
#include "experiments/run/split.h"

int cmd_split(int argc, char **argv);

int cmd_split(int argc, char **argv)
{
	struct split_opts o;
	int rc = cli_parse(&split_command, &o, argc, argv, NULL);
	return rc != CLI_RUN ? rc : split_run(&o);
}
