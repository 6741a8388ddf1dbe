/* `pyvet reproduce`: rerun the whole study into results/ (options and steps:
 * experiments/reproduce/reproduce.h). */
#include "experiments/commands.h"
#include "experiments/reproduce/reproduce.h"

int cmd_reproduce(int argc, char **argv);

int cmd_reproduce(int argc, char **argv)
{
	struct reproduce_opts o;
	int rc = cli_parse(&reproduce_command, &o, argc, argv, NULL);
	return rc != CLI_RUN ? rc : reproduce_run(&o);
}
