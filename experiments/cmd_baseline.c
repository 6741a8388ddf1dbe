/* `pyvet baseline`: bandit and packj-equivalent alert counts on a seeded sample (options and
 * body: experiments/run/baseline.h). */
#include "experiments/commands.h"
#include "experiments/run/baseline.h"

int cmd_baseline(int argc, char **argv);

int cmd_baseline(int argc, char **argv)
{
	struct baseline_opts o;
	int rc = cli_parse(&baseline_command, &o, argc, argv, NULL);
	if (rc != CLI_RUN)
		return rc;
	o.argc = argc;
	o.argv = argv;
	return baseline_run(&o);
}
