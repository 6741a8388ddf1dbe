/* extract: the options and the body of `pyvet extract` -- read every package of a manifest, run
 * the analysis and the feature sets, and write features.csv, tokens.tsv, evidence.jsonl,
 * errors.csv and the features.json sidecar (spec D3, D9, D10; issue #3).
 *
 * Sharding (--shard I/N): the run takes the manifest's rows [I x n / N, (I + 1) x n / N) (n
 * rows; integer division), a contiguous block, and writes the same four files for them into its
 * part folder, whose sidecar records "shard" {kind, index, count, first_row, rows,
 * manifest_rows, cache_key: the whole run's} and its own cache key (the run's and the shard's,
 * so --reuse of a part sees a part). `pyvet merge` (experiments/run/merge.h) concatenates the
 * parts in shard order: the bytes of one run. No randomness: nothing depends on the cut.
 *
 * Memory management: struct extract_opts borrows every string. */
#ifndef PYVET_RUN_EXTRACT_H
#define PYVET_RUN_EXTRACT_H

#include "experiments/cli/parseopt.h"

struct extract_opts {
	const char *manifest;    /* --manifest M.csv */
	const char *out;         /* --out OUTDIR */
	const char *corpus;      /* --corpus DIR, NULL: the manifest's folder */
	const char *debian_dir;  /* --debian-dir D */
	const char *featuresets; /* --featuresets L, NULL: every registered set */
	const char *domains;     /* --domains FILE */
	struct cli_list param;   /* --param K=V */
	size_t jobs;             /* --jobs N, 0: online CPUs */
	struct cli_shard shard;  /* --shard I/N */
	int reuse;               /* --reuse */
	int quiet;               /* --quiet */
	/* The command line for the sidecar; NULL: the equivalent one (cli_sidecar_new()). */
	int argc;
	char *const *argv;
};

/* The command line of `pyvet extract`. */
extern const struct cli_command extract_command;

/** Extract. Returns an exit status: 0 all packages extracted, 3 some failed (errors.csv), 2 a
 *  configuration error (options, manifest, data files, an OUTDIR that cannot be made), 4 an
 *  I/O error. */
int extract_run(const struct extract_opts *o);

#endif
