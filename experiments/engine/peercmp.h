/* peercmp: the tables that compare pyvet with bandit, packj and GuardDog on one set of packages
 * (issue 13): verdicts with Wilson intervals, the rules that fire, the agreement of the real
 * packj with pyvet's packj-equivalent scan, one row per package and tool, and the timing summary.
 *
 * Tools and their fixed verdict rules (cmp_rule_names):
 *   bandit       any_high                 at least one HIGH-severity issue (D35 rule)
 *   packj_equiv  process_or_obfuscation   pyvet's scan: a SINK_PROCESS_OPERATION or
 *                                         SOURCE_OBFUSCATION call site (D36 rule)
 *   packj        any_static_risk          packj reports at least one static risk item
 *                any_api_risk             ... one from its API analysis (composition risks,
 *                                         e.g. "contains executables", left out)
 *   guarddog     any_issue                GuardDog's issue count > 0
 *                label_suspicious_or_high its risk label is suspicious or high_risk
 *                label_high_risk          its risk label is high_risk
 *   pyvet        score > threshold        one row per threshold given (the learner's default,
 *                                         and thresholds calibrated on out-of-fold scores)
 * A package counts for a tool's rows only when that tool ran on it and gave a result; the
 * others are counted in n_error.
 *
 * Timing (cmp_timing_json): per tool, the wall and CPU seconds of its processes per package
 * (pyvet: the extraction of the final model's feature sets in the calling thread) over the
 * successful runs (`timed`), median and 95th percentile (linear interpolation, numpy's
 * default), totals and packages per CPU second.
 * Times go to the JSON sidecar only, never into a results CSV (core/base/results.h).
 *
 * Memory management: every struct here borrows its strings and arrays from the caller; the
 * writers allocate only temporaries. cmp_timing_json() returns a new cJSON owned by the caller. */
#ifndef PYVET_PEERCMP_H
#define PYVET_PEERCMP_H

#include <stddef.h>

#include "experiments/engine/peer.h"

enum cmp_tool {
	CMP_BANDIT = 0,
	CMP_PACKJ_EQUIV = 1,
	CMP_PACKJ = 2,
	CMP_GUARDDOG = 3,
	CMP_PYVET = 4,
	CMP_N_TOOLS = 5
};

#define CMP_MAX_RULES 3

/* "bandit", "packj_equiv", "packj", "guarddog", "pyvet" */
extern const char *const cmp_tool_names[CMP_N_TOOLS];
/* The fixed rules of each tool, NULL-padded (pyvet has none: its rules are thresholds). */
extern const char *const cmp_rule_names[CMP_N_TOOLS][CMP_MAX_RULES];

struct cmp_result {
	int ran;                 /* the tool was run on this package */
	int ok;                  /* and gave a result */
	int timed_out;           /* it was killed at the time limit */
	int timed;               /* wall_s and cpu_s measure a successful run */
	int flag[CMP_MAX_RULES]; /* verdict under each fixed rule (pyvet: flag[0] at the default) */
	long alerts[2];          /* package, setup.py; -1 = unknown */
	double wall_s, cpu_s;    /* NaN = not measured */
	double score;            /* pyvet: model score; guarddog: risk score; else NaN */
	const char *label;       /* guarddog risk label, or NULL */
	const struct peer_count *counts; /* package scope, sorted by name (borrowed) */
	size_t n_counts;
	const char *evidence; /* printable, or NULL */
	const char *status;   /* "" or NULL = ok, else the reason (printable) */
};

struct cmp_package {
	const char *id, *name, *version, *label; /* borrowed */
	int y;                                   /* 1 = malicious */
	struct cmp_result r[CMP_N_TOOLS];
};

/* A pyvet operating point: flag iff score > t. target_fpr is the benign FPR it was calibrated
 * for on out-of-fold scores, NaN for the learner's default threshold. */
struct cmp_threshold {
	double t;
	double target_fpr;
};

/** An empty result: not run, alerts -1, times and score NaN. */
void cmp_result_init(struct cmp_result *r);

/** peers_verdicts.csv: dataset,tool,rule,threshold,target_fpr,n_malicious,tp,recall,recall_lo,
 *  recall_hi,n_benign,fp,fpr,fpr_lo,fpr_hi,n_error — one row per tool that ran on at least one
 *  package and per rule; pyvet rules are named "<learner> score > t" (threshold and target_fpr
 *  filled). Intervals: Wilson 95 %. 0, or -1 with the reason on stderr. */
int cmp_write_verdicts(const char *path, const char *dataset, const struct cmp_package *p, size_t n,
                       const char *learner, const struct cmp_threshold *thr, size_t n_thr);

/** peers_rules.csv: tool,rule,benign_fired,n_benign,malicious_fired,n_malicious,
 *  benign_findings,malicious_findings — for every tool with per-rule or per-category counts
 *  (packj_equiv, packj, guarddog), by tool, then most benign packages fired first, then name.
 *  0 or -1. */
int cmp_write_rules(const char *path, const struct cmp_package *p, size_t n);

/** peers_packj_agreement.csv: scope,category,n,spearman,agree_any,agree_any_share,both,
 *  equiv_only,real_only,neither,equiv_sum,real_sum — the real packj against pyvet's
 *  packj-equivalent scan on the packages where both gave a result: scope package and setup
 *  (category "all"), then one package-scope row per category either tool reports. Spearman's
 *  rho with average ranks for ties (GSL), empty when undefined. 0 or -1. */
int cmp_write_packj_agreement(const char *path, const struct cmp_package *p, size_t n);

/** peers_packages.csv: id,name,version,label,tool,ran,ok,flagged,alerts,setup_alerts,
 *  risk_label,score,evidence,status — one row per package and tool that ran. 0 or -1. */
int cmp_write_packages(const char *path, const struct cmp_package *p, size_t n);

/** peers_counts.csv: id,label,tool,name,count — every non-zero per-category or per-rule count
 *  of every package (packj_equiv and packj: API categories; guarddog: rules). 0 or -1. */
int cmp_write_counts(const char *path, const struct cmp_package *p, size_t n);

/** The timing summary as a JSON array of {tool, n_timed, n_error, n_timed_out, wall_median_s,
 *  wall_p95_s, wall_total_s, cpu_median_s, cpu_p95_s, cpu_total_s, packages_per_cpu_second},
 *  for every tool with measured times. NULL on out of memory. */
struct cJSON *cmp_timing_json(const struct cmp_package *p, size_t n);

#endif
