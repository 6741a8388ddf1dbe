/* `pyvet merge`: join the part files of a sharded extract or cv run (options and body:
 * experiments/run/merge.h). */
#include "experiments/commands.h"
#include "experiments/run/merge.h"

int cmd_merge(int argc, char **argv);

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o;
	struct cli_args args;
	int rc = cli_parse(&merge_command, &o, argc, argv, &args);
	if (rc == CLI_RUN) {
		o.parts = args.v;
		o.n_parts = args.n;
		o.argc = argc;
		o.argv = argv;
		rc = merge_run(&o);
	}
	cli_args_release(&args);
	return rc;
}
