/* `pyvet train`: fit one learner on an extraction and write a model file (options and body:
 * experiments/run/train.h). */
#include "experiments/commands.h"
#include "experiments/run/train.h"

int cmd_train(int argc, char **argv);

int cmd_train(int argc, char **argv)
{
	struct train_opts o;
	int rc = cli_parse(&train_command, &o, argc, argv, NULL);
	return rc != CLI_RUN ? rc : train_run(&o);
}
