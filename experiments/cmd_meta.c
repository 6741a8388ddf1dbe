/* `pyvet meta PKG`: a package's parsed metadata as JSON (options and body:
 * experiments/run/meta.h). */
#include "experiments/commands.h"
#include "experiments/run/meta.h"

int cmd_meta(int argc, char **argv);

int cmd_meta(int argc, char **argv)
{
	struct meta_opts o;
	struct cli_args args;
	int rc = cli_parse(&meta_command, &o, argc, argv, &args);
	if (rc == CLI_RUN) {
		o.pkg = args.v[0];
		rc = meta_run(&o);
	}
	cli_args_release(&args);
	return rc;
}
