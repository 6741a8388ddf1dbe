/* `pyvet check-corpus`: read every package of a corpus manifest and report failures (options
 * and body: experiments/run/check_corpus.h). */
#include "experiments/commands.h"
#include "experiments/run/check_corpus.h"

int cmd_check_corpus(int argc, char **argv);

int cmd_check_corpus(int argc, char **argv)
{
	struct check_corpus_opts o;
	int rc = cli_parse(&check_corpus_command, &o, argc, argv, NULL);
	return rc != CLI_RUN ? rc : check_corpus_run(&o);
}
