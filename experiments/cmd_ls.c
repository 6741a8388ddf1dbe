/* `pyvet ls PKG`: list a package's files as pyvet reads them (options and body:
 * experiments/run/ls.h). */
#include "experiments/commands.h"
#include "experiments/run/ls.h"

int cmd_ls(int argc, char **argv);

int cmd_ls(int argc, char **argv)
{
	struct ls_opts o;
	struct cli_args args;
	int rc = cli_parse(&ls_command, &o, argc, argv, &args);
	if (rc == CLI_RUN) {
		o.pkg = args.v[0];
		rc = ls_run(&o);
	}
	cli_args_release(&args);
	return rc;
}
