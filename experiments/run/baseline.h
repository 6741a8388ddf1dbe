/* baseline: the options and the body of `pyvet baseline` -- alert counts of bandit and of
 * pyvet's packj-equivalent API scan on a seeded sample of benign and malicious packages, whole
 * package and root setup.py (the paper's Fig. 3 and Table 6; spec 5.8, 7.1, 7.2, D34-D36); with
 * --peer packj,guarddog also the real packj and GuardDog beside them, and the verdict, rule,
 * agreement and timing tables of issue 13 (experiments/engine/peer.h, peercmp.h). The outputs
 * and verdict rules are described in baseline.c.
 *
 * Memory management: struct baseline_opts borrows every string. */
#ifndef PYVET_RUN_BASELINE_H
#define PYVET_RUN_BASELINE_H

#include "experiments/cli/parseopt.h"

struct baseline_opts {
	const char *manifest;         /* --manifest CSV */
	const char *corpus;           /* --corpus DIR */
	const char *split;            /* --split NAME ("all": any) */
	const char *ids_from;         /* --ids-from CSV */
	const char *n_benign;         /* --n-benign N|all */
	const char *n_malicious;      /* --n-malicious N|all */
	unsigned long seed;           /* --seed S */
	const char *out;              /* --out CSV: fig3_alerts.csv; the other tables beside it */
	const char *bandit;           /* --bandit PATH, NULL: bandit on PATH */
	int bandit_mode;              /* --bandit-mode memfd|stdin (0, 1) */
	int no_bandit;                /* --no-bandit */
	size_t max_files;             /* --max-files N */
	size_t timeout;               /* --timeout S */
	size_t jobs;                  /* --jobs N */
	const char *predictions;      /* --predictions CSV */
	const char *pred_learner;     /* --pred-learner L */
	const char *operating_points; /* --operating-points CSV */
	const char *peer;             /* --peer LIST: bandit,packj,guarddog (NULL: bandit) */
	const char *peers_env;        /* --peers-env FILE */
	const char *peers_dir;        /* --peers-dir DIR */
	size_t peer_timeout;          /* --peer-timeout S */
	const char *scratch;          /* --scratch DIR */
	const char *dataset;          /* --dataset NAME: in peers_verdicts.csv (NULL: the split) */
	int no_peer_tables;           /* --no-peer-tables */
	const char *debian_dir;       /* --debian-dir D */
	/* The command line for the sidecars; NULL: the equivalent one (cli_sidecar_new()). */
	int argc;
	char *const *argv;
};

/* The command line of `pyvet baseline`. */
extern const struct cli_command baseline_command;

/** Sample, count, write the tables. Returns an exit status: 0 done, 2 an unusable input
 *  (manifest, data files, bandit, the peers' configuration), 3 some packages could not be
 *  analysed (a peer's failure is not counted), 4 write error. */
int baseline_run(const struct baseline_opts *o);

#endif
