/* `pyvet extract`: the feature sets of every package of a manifest (options and body:
 * experiments/run/extract.h). */
#include "experiments/commands.h"
#include "experiments/run/extract.h"

int cmd_extract(int argc, char **argv);

int cmd_extract(int argc, char **argv)
{
	struct extract_opts o;
	int rc = cli_parse(&extract_command, &o, argc, argv, NULL);
	if (rc != CLI_RUN)
		return rc;
	o.argc = argc;
	o.argv = argv;
	return extract_run(&o);
}
