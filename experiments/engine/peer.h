/* peer: the peer tools packj and GuardDog (issue 13), run beside bandit on one package each.
 *
 * Both are separate programs, started by proc.h with Debian's Python through the launchers of
 * ../shared/peers (never linked, imported or copied: packj is AGPL-3.0, GuardDog Apache-2.0):
 *   packj:    PYTHON -s packj_static.py S/pkg [S/setup]
 *             packj's own analyze_apis + analyze_composition on the unpacked package and on a
 *             folder holding only its root setup.py; one JSON line per folder.
 *   guarddog: PYTHON -s pkginfo2meta.py S/meta            (the metadata file -> PyPI JSON)
 *             PYTHON -s guarddog_offline.py pypi scan --no-sandbox --output-format json
 *                    [--metadata S/meta.json] S/package.EXT
 *             where package.EXT holds the archive pyvet read without its storage wrapper.
 * S is a private scratch directory (scratch.h), deleted after the package. The tools parse the
 * package (packj with Python's ast, GuardDog with YARA rules); they do not run it, and pyvet
 * runs nothing from it either.
 *
 * Environment of a peer: nothing inherited. PATH=/usr/bin:/bin, LANG=LC_ALL=C.UTF-8,
 * HOME=S/home, TMPDIR=TMP=TEMP=S/tmp, PYTHONHASHSEED=0 (stable output order), PACKJ_SRC,
 * GUARDDOG_SRC, PEER_PYDEPS from the configuration, and http(s)_proxy pointing at a closed
 * local port, so that the tools' optional downloads fail at once whether or not the machine has
 * a network (results then do not depend on it; DNS lookups are not covered).
 *
 * Counts (package scope; "setup" = the root setup.py):
 *   packj    alerts = api_sites_total (call sites of packj's 344 APIs), per permission category;
 *            verdict = at least one static risk item (packj's threat model: API risks whose label
 *            matches it, and composition risks such as binaries); flagged_api = at least one
 *            risk item whose alert type is one of the package's API labels (api_alert_types),
 *            i.e. the composition risks left out.
 *   guarddog alerts = findings (entries of each rule's list; a metadata rule that fires counts
 *            1), per rule; setup = findings located in a root setup.py ("setup.py" or
 *            "<folder>/setup.py"); verdict = GuardDog's own issue count > 0; also its risk label
 *            (no_risks_detected, low, suspicious, high_risk) and score.
 *
 * Memory management: struct peer_config is a caller-owned value. struct peer_result owns its
 * counts array (peer_result_release()). */
#ifndef PYVET_PEER_H
#define PYVET_PEER_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/pkg/package.h"
#include "experiments/engine/scratch.h"

enum peer_tool { PEER_PACKJ = 0, PEER_GUARDDOG = 1, PEER_N_TOOLS = 2 };

/* "packj", "guarddog" */
extern const char *const peer_tool_names[PEER_N_TOOLS];

#define PEER_PATH_MAX 1024
#define PEER_NAME_MAX 96
#define PEER_EVIDENCE_MAX 512

struct peer_config {
	char python[PEER_PATH_MAX];       /* interpreter (PEER_PYTHON, default /usr/bin/python3) */
	char launchers[PEER_PATH_MAX];    /* folder of the launcher scripts (PEERS_DIR) */
	char packj_src[PEER_PATH_MAX];    /* PACKJ_SRC */
	char guarddog_src[PEER_PATH_MAX]; /* GUARDDOG_SRC */
	char pydeps[PEER_PATH_MAX];       /* PEER_PYDEPS */
	char sources[PEER_PATH_MAX];      /* PEER_SOURCES: the pinned source archives (names) */
	char scratch_base[PEER_PATH_MAX]; /* resolved base of the scratch directories */
	int scratch_tmpfs;                /* 1 if the base is on a tmpfs */
	double timeout_s;                 /* per peer process (default 300) */
	size_t max_output;                /* bytes of output accepted from one process (64 MiB) */
	int guarddog_metadata;            /* 1 (default): pass --metadata built from the metadata
	                                   * file */
};

/** Read the file `make peers` writes (default build/peers/env): KEY=VALUE lines with PACKJ_SRC,
 *  GUARDDOG_SRC, PEER_PYDEPS and PEERS_DIR (absolute paths; PEER_PYTHON and PEER_SOURCES, the
 *  names of the pinned source archives, optional), '#'
 *  comments. `launchers` (NULL = PEERS_DIR) overrides the launcher folder. Checks that the
 *  folders, the launcher scripts and the interpreter exist. Sets the defaults of the other
 *  fields (scratch_base empty: the caller resolves it with scratch_base()).
 *  0 when usable; 1 when the peers are not set up (no such file, or a folder missing: the
 *  reason on `d`, to print as a skip line); -1 when the file is malformed (reason on `d`). */
int peer_config_load(struct peer_config *c, const char *env_file, const char *launchers,
                     struct diag *d);

struct peer_count {
	char name[PEER_NAME_MAX]; /* category or rule */
	long n;
};

struct peer_result {
	int ran;                   /* the tool was attempted on this package */
	int ok;                    /* it finished and its output was understood */
	int timed_out;             /* killed at the time limit */
	char status[DIAG_MSG_MAX]; /* "" when ok, else the reason (printable ASCII) */
	double wall_s, cpu_s;      /* all processes of this tool for this package */
	long alerts[2];            /* package, setup.py; -1 = not measured */
	int flagged;               /* the tool's verdict rule (see above) */
	int flagged_setup;         /* the same rule on the root setup.py alone */
	int flagged_api; /* packj: a static risk item from its API analysis (not composition) */
	int label_suspicious;      /* guarddog: label suspicious or high_risk */
	int label_high;            /* guarddog: label high_risk */
	long issues;               /* packj: static risk items; guarddog: its issue count */
	long api_risks;            /* packj: of those, items whose alert type is an API label */
	long alert_types;          /* packj: API alert types; guarddog: rules that fired */
	long rule_errors;          /* guarddog: rules that could not run (offline) */
	int used_metadata;         /* guarddog ran with --metadata */
	char label[32];            /* guarddog risk label, "" otherwise */
	double score;              /* guarddog risk score, NaN otherwise */
	struct peer_count *counts; /* package scope, by name; owned */
	size_t n_counts;
	char evidence[PEER_EVIDENCE_MAX]; /* what the tool reports first (printable ASCII) */
	struct scratch_stats unpacked;    /* what was written to the scratch directory */
};

/** Empty result (alerts -1, score NaN). */
void peer_result_init(struct peer_result *r);

/** Free the counts and reset. NULL-safe. */
void peer_result_release(struct peer_result *r);

/** Run tool `t` on package `p` (opened with load_all and keep_archive) in a fresh scratch
 *  directory under c->scratch_base, deleted before returning. Fills `r` (initialised). 0 when
 *  the tool ran and its output was understood; -1 otherwise, with r->status saying why (never
 *  fatal for a batch). */
int peer_run(const struct peer_config *c, enum peer_tool t, const struct package *p,
             struct peer_result *r);

/** Parse packj_static.py's output: the first JSON line into `r` (alerts[0], counts, issues,
 *  alert_types, flagged, evidence) and, with `with_setup`, the api_sites_total and
 *  static_risk_items of the second line into r->alerts[1] and r->flagged_setup. 0, or -1 with
 *  the reason on `d`. */
int peer_parse_packj(const char *out, size_t len, int with_setup, struct peer_result *r,
                     struct diag *d);

/** Parse GuardDog's JSON report into `r`. 0, or -1 with the reason on `d`. */
int peer_parse_guarddog(const char *out, size_t len, struct peer_result *r, struct diag *d);

#endif
