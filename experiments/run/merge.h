/* merge: the options and the body of `pyvet merge` -- join the part files of a sharded run
 * (`pyvet extract --shard I/N`, `pyvet cv --cells I/N`) into exactly the bytes one run writes.
 *
 * A part is recognised by the "shard" object of its sidecar ({kind, index, count, ...}):
 *   a folder whose features.json has kind "extract"   -> OUT is an extraction folder:
 *       features.csv, tokens.tsv, evidence.jsonl, errors.csv are the parts' files
 *       concatenated in shard order (each a contiguous block of manifest rows; one header);
 *   a long CSV whose sidecar has kind "cv"             -> OUT is the long CSV: the parts' rows
 *       ordered by cell (set, learner, repeat, fold) as one run writes them, then its summary
 *       (resultcsv_summary(), as `pyvet cv`) and the two sidecars;
 *   an --oof file whose sidecar has kind "cv-oof"      -> OUT is the out-of-fold file: every
 *       part lists every row in the same order; each row is taken from the part that owns its
 *       cell (set, repeat, fold of the row).
 * Checked before anything is written: every part has a shard sidecar of the same kind and cut
 * (count N, grid, cache key), shards 0..N-1 each exactly once, contiguous blocks, and every cell
 * in exactly the part that owns it; otherwise exit 2 naming the first problem.
 *
 * The merged sidecar is the first part's with what a single run would hold: cell statuses in
 * grid order, summed counts and cell seconds, no "shard"; it differs from a single run's only in
 * timings and provenance: started_utc, wall_seconds, counts.extract_seconds and
 * packages_per_second (sums over the parts), cell_seconds (sums), "threads" (every part's
 * threads, in shard order), the thread count (counts.jobs, parameters.cv.jobs: the first
 * part's; parts may use others), paths (the first part's: machines may mount the inputs
 * elsewhere; the content is checked by hashes and cache keys), extract's "command" (the
 * merge's, each part's in "merged_from"), and "merged_from" itself (path, index, command,
 * host, started_utc of each part).
 *
 * Memory management: struct merge_opts borrows every string and the part list. */
#ifndef PYVET_RUN_MERGE_H
#define PYVET_RUN_MERGE_H

#include "experiments/cli/parseopt.h"

struct merge_opts {
	const char *out;          /* --out PATH: the folder (extract) or file (cv, oof) */
	const char *const *parts; /* PART...: part folders or part files */
	size_t n_parts;
	/* The command line for the sidecar; NULL: the equivalent one (cli_sidecar_new()). */
	int argc;
	char *const *argv;
};

/* The command line of `pyvet merge`. */
extern const struct cli_command merge_command;

/** Merge. Returns an exit status: 0 written, 2 parts that do not make one run (or a missing or
 *  unreadable part), 4 a write error. */
int merge_run(const struct merge_opts *o);

#endif
