/* split: the train/test split rules of datasets/<name>/manifest.csv, derived deterministically
 * from a corpus manifest (datasets/README.md states the rules; `pyvet split` runs them).
 *
 * Rules (every count is derived from the manifest, none is fixed in code):
 * - Eligible rows: every benign row; malicious rows of kind != "probe" (unless include_probes)
 *   whose first_seen is a YYYY-MM-DD date (the others are excluded and counted).
 * - Malicious test = the n_test_malicious latest-dated eligible malicious rows (order: first_seen
 *   descending, then id ascending); n_test_malicious is given, or round(test_malicious_share x
 *   eligible) when it is 0. The cutoff is the first_seen of the oldest test row; malicious rows
 *   dated on the cutoff day that are not in the test set are excluded ("boundary"), so every
 *   training malware sample is strictly older than every test sample.
 * - Malicious train = the rows older than the cutoff that do not straddle (below); when
 *   n_train_malicious > 0, a seeded sample of that many of them (the rest excluded as "unused").
 * - Benign: sorted by PEP 503 normalised name (then id), shuffled with the seed, the first
 *   round(test_benign_share x n_benign) are test, the rest train.
 * - Groups never straddle: a group is the cluster column (or the normalised name when empty) and,
 *   separately, the normalised name. A train row sharing a group with a test row is excluded
 *   ("straddling"). Test sizes therefore stay as stated.
 * - If fewer eligible malicious rows exist than n_train_malicious + n_test_malicious, both are
 *   scaled down in proportion (recorded in the counts).
 *
 * The `realistic` dataset adds the Debian slice (datasets/debian/manifest.csv) to the corpus:
 * the corpus rows are split by split_assign_corpus() exactly as `full` (same options), the Debian
 * rows by split_assign_debian() below, so the corpus side of `realistic` is the `full` dataset.
 *
 * Memory management: split_assign_corpus() fills a caller-owned array of assignments;
 * split_result_release() frees what it allocated. */
#ifndef PYVET_SPLIT_H
#define PYVET_SPLIT_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/pkg/manifest.h"

struct split_options {
	const char *name;              /* "paper", "full" or "realistic" (only recorded) */
	unsigned long seed;            /* run seed; streams derived with rng_derive() */
	int include_probes;            /* keep kind=probe malicious rows */
	size_t n_train_malicious;      /* 0 = every malicious row older than the cutoff */
	size_t n_test_malicious;       /* 0 = use test_malicious_share */
	double test_malicious_share;   /* used when n_test_malicious == 0 */
	double test_benign_share;      /* held-out share of benign rows */
	const char *const *not_python; /* realistic: ids of Debian rows the reader refuses as
	                                * "not a Python package", sorted (strcmp); may be NULL */
	size_t n_not_python;
};

/** The defaults of a named dataset ("paper": 138 train / 143 test malicious, 20 % benign held
 *  out; "full": every malicious row, latest 20 % as test, 20 % benign held out; "realistic": as
 *  "full", plus the Debian slice). -1 if unknown. */
int split_options_for(const char *name, struct split_options *o);

/* Why a row is not in the dataset; SPLIT_TRAIN and SPLIT_TEST are in it. */
enum split_assign {
	SPLIT_TRAIN = 0,
	SPLIT_TEST,
	SPLIT_EX_PROBE,
	SPLIT_EX_UNDATED,
	SPLIT_EX_BOUNDARY,
	SPLIT_EX_UNUSED,
	SPLIT_EX_STRADDLING,
	SPLIT_EX_OVERLAP,    /* a Debian row whose project is also in the corpus */
	SPLIT_EX_NOT_PYTHON, /* a Debian row that is not a Python package (no verdict possible) */
	SPLIT_N_ASSIGN
};

/** "train", "test", "excluded-probe", ... */
const char *split_assign_name(enum split_assign a);

struct split_result {
	enum split_assign *assign; /* one per manifest row, manifest order */
	size_t n;
	char cutoff[16]; /* first_seen of the oldest malicious test row, "" if none */
	size_t n_train_malicious_req, n_test_malicious_req; /* after scaling */
	int scaled; /* 1 if the requested counts were scaled down */
};

/** Assign every row of `m`. 0, or -1 with the reason on `d` (out of memory, bad options). */
int split_assign_corpus(const struct manifest *m, const struct split_options *o,
                        struct split_result *r, struct diag *d);

/** Assign every row of the Debian slice manifest `deb` for the `realistic` dataset, beside the
 *  corpus manifest `corpus` (split separately by split_assign_corpus()):
 *  - a row whose id is in o->not_python is excluded as SPLIT_EX_NOT_PYTHON (metapackages,
 *    documentation, headers: the reader refuses them, so they can get no verdict);
 *  - a row is excluded as SPLIT_EX_OVERLAP when its `overlap` column is "corpus" or when it
 *    shares a group (cluster, else normalised name; or normalised name) with any corpus row, so
 *    no Debian row can straddle a corpus row and the corpus assignment stays that of `full`;
 *  - the other rows are joined into components (rows sharing a cluster = Debian source package,
 *    or a normalised name), sorted by normalised name and id, the components shuffled with
 *    rng_derive(seed, 3), and whole components go to test until at least
 *    round(test_benign_share x eligible rows) rows are test; the rest is train. No component
 *    straddles, so nothing is excluded as straddling.
 *  Every row must be benign. 0, or -1 with the reason on `d`. */
int split_assign_debian(const struct manifest *corpus, const struct manifest *deb,
                        const struct split_options *o, struct split_result *r, struct diag *d);

/** Free. NULL-safe on a zeroed result. */
void split_result_release(struct split_result *r);

/** PEP 503 normalisation of `name` into buf (lower case, runs of '-', '_', '.' -> '-'). */
const char *split_normalise_name(const char *name, char *buf, size_t n);

#endif
