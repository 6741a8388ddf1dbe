/* exitstatus: the exit statuses every subcommand shares (docs/scan-output.md, "Exit statuses"),
 * here so that the command bodies (experiments/run/) and the command-line helpers return them by
 * name; experiments/commands.h, the command table, includes it. */
#ifndef PYVET_EXITSTATUS_H
#define PYVET_EXITSTATUS_H

/* When several apply, the first in this order wins: usage (nothing was done), internal,
 * malicious, unreadable. */
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
