/* The subcommands of ./pyvet, one line each: COMMAND(function_suffix, "cli-name", "summary"),
 * and the exit statuses they share.
 *
 * Adding a subcommand
 * -------------------
 * 1. Write `int cmd_NAME(int argc, char **argv)` in experiments/cmd_NAME.c (argv[0] is the
 *    subcommand name; return one of the exit statuses below; print errors as
 *    "pyvet: <what>: <why>", untrusted strings escaped: err_report() does it).
 * 2. Add one COMMAND() line below. pyvet.c declares and dispatches it; `pyvet help` lists it. */
#ifndef PYVET_COMMANDS_EXIT
#define PYVET_COMMANDS_EXIT
/* Exit statuses, the same for every command (docs/evaluation.md "Exit statuses"). When several
 * apply, the first in this order wins: usage (nothing was done), internal, malicious,
 * unreadable. */
enum pyvet_exit {
	EXIT_OK = 0,         /* done; for scan/predict: no package judged malicious */
	EXIT_MALICIOUS = 1,  /* scan, predict --fail-on-malicious: a malicious verdict */
	EXIT_USAGE = 2,      /* bad option, or an input or setting the run cannot start with:
	                      * a missing or malformed manifest, model, feature directory or
	                      * data file, an --out that cannot be created */
	EXIT_UNREADABLE = 3, /* some packages could not be read or analysed; the rest is done */
	EXIT_INTERNAL = 4    /* failed during the run: write error, out of memory, a failed
	                      * computation (a CV cell, a reproduce step), a bug */
};
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
COMMAND(descriptive, "descriptive",
        "share of each binary feature per label vs the paper, and their correlations")
COMMAND(
    scan, "scan",
    "vet packages before install: verdict, features, evidence and explanation (text, JSON, SARIF)")
COMMAND(reproduce, "reproduce",
        "rerun the whole study into results/: every table, figure and paper/report.md")
#endif
