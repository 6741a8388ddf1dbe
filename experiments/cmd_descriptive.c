/* `pyvet descriptive`: feature shares per label vs the paper, and their correlations (options
 * and body: experiments/run/descriptive.h). */
#include "experiments/commands.h"
#include "experiments/run/descriptive.h"

int cmd_descriptive(int argc, char **argv);

int cmd_descriptive(int argc, char **argv)
{
	struct descriptive_opts o;
	int rc = cli_parse(&descriptive_command, &o, argc, argv, NULL);
	if (rc != CLI_RUN)
		return rc;
	o.argc = argc;
	o.argv = argv;
	return descriptive_run(&o);
}
