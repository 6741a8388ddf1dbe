/* `pyvet cv`: repeated k-fold cross-validation of learners x feature sets on an extraction
 * (options and body: experiments/run/cv.h). */
#include "experiments/commands.h"
#include "experiments/run/cv.h"

int cmd_cv(int argc, char **argv);

int cmd_cv(int argc, char **argv)
{
	struct cv_opts o;
	int rc = cli_parse(&cv_command, &o, argc, argv, NULL);
	if (rc != CLI_RUN)
		return rc;
	o.argc = argc;
	o.argv = argv;
	return cv_run(&o);
}
