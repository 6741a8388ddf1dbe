/* scan: the options and the body of `pyvet scan` -- vet packages before install: read each
 * package in memory, analyse it, compute the model's feature row, score it, explain the score by
 * occlusion and report the verdict, features and evidence as text, JSON Lines or SARIF (spec
 * sections 8.5, 8.6; D26; docs/scan-output.md).
 *
 * Memory management: struct scan_opts borrows every string and the package list. */
#ifndef PYVET_RUN_SCAN_H
#define PYVET_RUN_SCAN_H

#include "experiments/cli/parseopt.h"

struct scan_opts {
	const char *model;        /* --model MODEL, NULL: the bundled default model */
	int no_model;             /* --no-model: no verdict (not with --model) */
	int format;               /* --format text|json|sarif (0, 1, 2) */
	size_t top;               /* --top K: attributions per package */
	struct cli_list password; /* --password P */
	const char *domains;      /* --domains FILE */
	struct cli_list param;    /* --param K=V: extraction and scan.* parameters */
	const char *out;          /* --out FILE, NULL: standard output */
	const char *const *pkgs;  /* the packages (paths) */
	size_t n_pkgs;
};

/* The command line of `pyvet scan`. */
extern const struct cli_command scan_command;

/** Scan every package; a failure never stops the batch. Returns an exit status: 0 no package
 *  judged malicious, 1 a malicious verdict, 2 a configuration error, 3 a package could not be
 *  analysed (and none was malicious), 4 the report could not be written. */
int scan_run(const struct scan_opts *o);

#endif
