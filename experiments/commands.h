/* The subcommands of ./pyvet, one line each: COMMAND(function_suffix, "cli-name", "summary"),
 * and the exit statuses they share.
 *
 * Adding a subcommand
 * -------------------
 * 1. Declare its options and write its body in experiments/run/NAME.{h,c}: `struct NAME_opts`,
 *    the table `NAME_command` (experiments/cli/parseopt.h: options, defaults, ranges, help)
 *    and `int NAME_run(const struct NAME_opts *)`, which returns one of the exit statuses of
 *    experiments/cli/exitstatus.h and prints errors as "pyvet: <what>: <why>" (err_report():
 *    untrusted strings escaped).
 * 2. Write `int cmd_NAME(int argc, char **argv)` in experiments/cmd_NAME.c (argv[0] is the
 *    subcommand name): cli_parse() into the options struct, then NAME_run().
 * 3. Add one COMMAND() line below. pyvet.c declares and dispatches it; `pyvet help` lists it,
 *    and `pyvet NAME --help` (so the man page) is generated from the table. */
#ifndef PYVET_COMMANDS_EXIT
#define PYVET_COMMANDS_EXIT
#include "experiments/cli/exitstatus.h" /* enum pyvet_exit, the exit statuses */
#endif
#ifdef COMMAND
COMMAND(ls, "ls", "list the files of a package as pyvet reads them")
COMMAND(meta, "meta", "print a package's parsed metadata (PKG-INFO) as JSON")
COMMAND(check_corpus, "check-corpus", "read every package of a corpus manifest and report failures")
COMMAND(split, "split", "derive a dataset manifest (train/test split) from the corpus manifest")
COMMAND(baseline, "baseline",
        "bandit and packj-equivalent alert counts on a seeded sample (Fig. 3, Table 6)")
COMMAND(extract, "extract",
        "extract the feature sets of every package of a manifest (features.csv, tokens, evidence)")
COMMAND(cv, "cv", "repeated k-fold cross-validation of learners x feature sets on an extraction")
COMMAND(train, "train", "fit a learner on an extraction and write a model file")
COMMAND(predict, "predict", "score an extraction with a model file written by 'pyvet train'")
COMMAND(merge, "merge",
        "join the part files of 'extract --shard I/N' or 'cv --cells I/N' into one run's files")
COMMAND(descriptive, "descriptive",
        "share of each binary feature per label vs the paper, and their correlations")
COMMAND(
    scan, "scan",
    "vet packages before install: verdict, features, evidence and explanation (text, JSON, SARIF)")
COMMAND(reproduce, "reproduce",
        "rerun the whole study into results/: every table, figure and paper/report.md")
#endif
