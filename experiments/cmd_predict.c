/* `pyvet predict`: score an extraction with a model file (options and body:
 * experiments/run/predict.h). */
#include "experiments/commands.h"
#include "experiments/run/predict.h"

int cmd_predict(int argc, char **argv);

int cmd_predict(int argc, char **argv)
{
	struct predict_opts o;
	int rc = cli_parse(&predict_command, &o, argc, argv, NULL);
	return rc != CLI_RUN ? rc : predict_run(&o);
}
