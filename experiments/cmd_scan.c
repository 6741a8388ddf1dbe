/* `pyvet scan`: vet packages before install (options and body: experiments/run/scan.h). */
#include "experiments/commands.h"
#include "experiments/run/scan.h"

int cmd_scan(int argc, char **argv);

int cmd_scan(int argc, char **argv)
{
	struct scan_opts o;
	struct cli_args args;
	int rc = cli_parse(&scan_command, &o, argc, argv, &args);
	if (rc == CLI_RUN) {
		o.pkgs = args.v;
		o.n_pkgs = args.n;
		rc = scan_run(&o);
	}
	cli_args_release(&args);
	return rc;
}
