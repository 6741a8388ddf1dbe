/* scanout: the per-package report of `pyvet scan` and its three writers -- text, JSON Lines and
 * SARIF 2.1.0 (spec sections 8.5 and 8.6). experiments/run/scan.c fills the reports.
 *
 * JSON (schema_version 1): one compact object per package and line (JSON Lines), fields in this
 * order: schema_version, package {name, version, input, sha256, format, root}, status ("ok" |
 * "error"), verdict ("malicious" | "benign" | null), score, threshold, model (null without a
 * model), features, evidence [{rule, file, line, end_line, snippet, detail}], explanation,
 * errors, warnings. NaN and absent values are null.
 *
 * SARIF: one run for the whole batch; each package gets a uriBaseId "PKG<n>" whose
 * originalUriBaseIds entry is the input (archive or directory) as a file:// URI ending in '/';
 * result locations are member paths inside it (package root prefix included).
 *
 * Memory management: struct scan_report is caller-owned (scan_report_release() frees what it
 * owns, including the extraction result); struct scanout_sarif is allocated by
 * scanout_sarif_alloc() and freed by scanout_sarif_free(). Writers only read the reports. */
#ifndef PYVET_SCANOUT_H
#define PYVET_SCANOUT_H

#include <stddef.h>
#include <stdio.h>

#include "core/analysis/evidence.h"
#include "experiments/engine/extractrow.h"
#include "experiments/engine/trained_model.h"

#define SCANOUT_SCHEMA_VERSION 1

/* One occlusion: column `col` of the model matrix set from `value` to `majority`. */
struct scan_attr {
	size_t col;
	double value, majority;
	double score_at_majority;
	double delta; /* score - score_at_majority */
};

/* What is shared by every package of a batch. */
struct scan_config {
	const struct extractrow *x;    /* feature sets and analysis resources */
	const struct trained_model *m; /* NULL: no verdict, features and evidence only */
	const char *model_path;
	char model_sha256[65];
	char **col_name; /* model matrix column names (n_model_cols) */
	size_t n_model_cols;
	const char *baseline;     /* how the majority values were obtained (text) */
	int baseline_from_model;  /* 1 if the model header carried them */
	size_t top_k;             /* attributions listed */
	size_t text_evidence_max; /* evidence lines in the text format */
};

struct scan_report {
	const char *input; /* as given (borrowed) */
	size_t index;      /* 1-based position in the batch */
	int ok;            /* 0: could not be analysed, see error */
	char error[DIAG_MSG_MAX];
	struct extractrow_result er; /* package, analysis, fixed row, tokens, per-set evidence */
	struct evidence_list ev;     /* all evidence: the sets' items, then API hits */
	size_t n_api_listed, n_api_total;
	int scored;    /* a model score exists */
	int malicious; /* scored and judged malicious (trained_model_flags()) */
	double score, threshold;
	double *mrow;           /* the model matrix row (n_model_cols), NULL without model */
	struct scan_attr *attr; /* the top_k attributions by |delta| (n_attr) */
	size_t n_attr, n_differing;
};

/** Free what `r` owns and zero it. NULL-safe. */
void scan_report_release(struct scan_report *r);

/** Value of fixed column `name` ("meta.is_valid_homepage") in the report's extraction row, or
 *  NaN when the column is not computed or the package failed. */
double scan_report_fixed(const struct scan_config *c, const struct scan_report *r,
                         const char *name);

/** The text block of one package. 0 or -1 (write error). */
int scanout_text(FILE *f, const struct scan_config *c, const struct scan_report *r);

/** The JSON object of one package, written as one line. 0 or -1. */
int scanout_json(FILE *f, const struct scan_config *c, const struct scan_report *r);

struct scanout_sarif;

/** A SARIF run being built. NULL on out of memory. */
struct scanout_sarif *scanout_sarif_alloc(const struct scan_config *c);

/** Add one package's results (evidence at level note/warning, a malicious verdict at level
 *  error, an analysis failure as an error notification). 0 or -1 (out of memory). */
int scanout_sarif_add(struct scanout_sarif *s, const struct scan_report *r);

/** Write the SARIF log. 0 or -1. */
int scanout_sarif_write(FILE *f, struct scanout_sarif *s);

/** Free. NULL-safe. */
void scanout_sarif_free(struct scanout_sarif *s);

#endif
