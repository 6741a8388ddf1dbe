/* analysis: one pass over a package that every feature set reads (spec D3).
 *
 * analysis_run() builds the package's canonical view (core/pkg/view.h, issue 10.3), parses the
 * view's metadata file (with universal newlines; the packaging fields Metadata-Version and
 * Dynamic are dropped), scans every Python file of the view once (packj-equivalent API hits in
 * both modes, URLs/IPs, string literals, the structure summary of core/analysis/pysummary.h),
 * assembles the text document (spec D9) and keeps where each document line came from. Each
 * Python file is lexed exactly once: one pylex pass feeds the API scanners of both modes, the
 * string-literal list and the structure summary, so no feature set re-reads or re-lexes a file.
 * Feature sets only read the result, and only through the view:
 * every file pointer below is a view file, and `pkg` (the container) is for the `artifacts` set
 * alone (tests/t1030-featureset-contract.sh).
 *
 * Time: the package's time budget (package.h, `pkg.time_budget`) is checked per analysed file
 * and per document file; `deadline` points at it so the feature sets can check it in their own
 * loops (deadline_check(a->deadline, d, "...")). Package-level facts that are not features
 * (container oddities noted by the reader, metadata values cut at a soft limit) are kept in
 * `evidence` with rules "package:*".
 *
 * Memory management: struct analysis_ctx holds shared read-only resources owned by the caller
 * (loaded once per run, shared by all threads). analysis_run() returns an analysis that owns
 * everything in it except `pkg` and `ctx` (borrowed: they must outlive it); analysis_free()
 * releases it (NULL-safe). */
#ifndef PYVET_ANALYSIS_H
#define PYVET_ANALYSIS_H

#include <stddef.h>

#include "core/analysis/apiscan.h"
#include "core/analysis/domains.h"
#include "core/analysis/evidence.h"
#include "core/base/deadline.h"
#include "core/base/err.h"
#include "core/pkg/package.h"
#include "core/pkg/pkginfo.h"
#include "core/pkg/view.h"
#include "core/analysis/pylex.h"
#include "core/analysis/pysummary.h"
#include "core/base/sbuf.h"
#include "core/analysis/urls.h"

/* Shared resources and options for every package of a run. */
struct analysis_ctx {
	const struct api_table *apis;  /* required */
	const struct domains *domains; /* required by meta and code features */
	struct url_rules url_rules;
	struct pylex_limits lex_limits;
	struct pkginfo_limits pkginfo_limits;
	int text_api_span_call;        /* text.api_span: 0 = line (default), 1 = call */
	int text_url_scope_file;       /* text.url_scope: 0 = line (default), 1 = file */
	int text_setup_scope_all;      /* text.setup_scope: 0 = root (default), 1 = all */
	int text_include_entry_points; /* text.include_entry_points (default 0) */
	size_t max_strings;            /* string literals kept per package (0 = 1,000,000); more
	                                * are dropped with a warning */
	size_t max_urls_per_file;      /* URL/IP finds kept per file (0 = 100,000) */
};

/** Fill the defaults of the spec (apis and domains left NULL). */
void analysis_ctx_default(struct analysis_ctx *c);

/* An API hit with the file it was found in. */
struct file_api_hit {
	const struct pkgview_file *file;
	struct api_hit hit; /* owns hit.full_name */
};

/* A URL or IP found in a .py file. */
struct file_url {
	const struct pkgview_file *file;
	struct url_find url; /* owns its strings */
};

/* A string literal of a .py file (only the position and raw text are kept). Offsets point into
 * the file's analysed text (analysis_file_text() = file->text: the member's bytes with CRLF and
 * lone CR turned into LF). */
struct file_string {
	const struct pkgview_file *file;
	size_t line, end_line;
	size_t raw_off, raw_len;   /* into the analysed text */
	size_t body_off, body_len; /* into the analysed text */
	unsigned flags;            /* enum pystr_flags */
	size_t stmt;               /* its statement in a->sum (PYSUM_NONE if not recorded) */
	size_t call;  /* the innermost call whose arguments hold it (a->sum.calls), or PYSUM_NONE */
	size_t arg;   /* ... the index of that argument, or PYSUM_NONE */
	size_t kwarg; /* ... its keyword (pysum_str()), or PYSUM_NONE */
};

/* Origin of one line of the document. */
struct doc_line {
	const struct pkgview_file *file;
	size_t line; /* 1-based line in that file */
};

struct analysis {
	const struct package *pkg;            /* borrowed: the container, for `artifacts` only */
	const struct analysis_ctx *ctx;       /* borrowed */
	struct pkgview *view;                 /* owned: what every other feature set reads */
	struct pkginfo *info;                 /* the view's parsed metadata without the fields
	                                       * Metadata-Version and Dynamic; NULL if none */
	const struct pkgview_file *setup_py;  /* root setup.py or NULL (= view->setup_py) */
	const struct pkgview_file *setup_cfg; /* root setup.cfg or NULL (= view->setup_cfg) */

	struct file_api_hit *hits; /* packj mode (spec D8), file then source order */
	size_t n_hits;
	struct file_api_hit *alias_hits; /* aliases mode */
	size_t n_alias_hits;
	struct file_url *urls; /* every URL/IP in .py files, file then line order */
	size_t n_urls;
	struct file_string *strings; /* every string literal in .py files */
	size_t n_strings;

	struct sbuf document;       /* the text document (spec D9), LF-joined */
	struct doc_line *doc_lines; /* origin of each document line */
	size_t n_doc_lines;
	size_t n_doc_head; /* doc_lines[0..n_doc_head) are the root setup.py
	                    * (part a); the rest is sorted by file, then line */

	size_t n_py_files;             /* .py view files analysed */
	size_t n_py_skipped;           /* .py view files not analysed (lexer limit, not loaded) */
	unsigned char *scanned;        /* per view file: 1 if it was analysed */
	struct pysum_file *file_stats; /* per view file: lines, identifiers, module scope (valid
	                                * where `scanned`; analysis_file_stats()) */
	struct pysum sum; /* scopes, statements, calls, bindings and references of every analysed
	                   * Python file (core/analysis/pysummary.h) */
	size_t n_strings_dropped; /* literals over ctx->max_strings */

	const struct deadline *deadline; /* the package's time budget (&pkg->deadline) */
	struct evidence_list evidence;   /* package-level facts, rules "package:outside_root",
	                                  * "package:drive_path", "package:backslash_path",
	                                  * "package:notes_dropped", "package:metadata_truncated",
	                                  * "package:metadata_fields_dropped",
	                                  * "package:metadata_bytes_ignored"; `file` is the
	                                  * member's path in the archive (container notes) or the
	                                  * metadata file */
	struct diag diag;                /* warnings */
};

/** Analyse `pkg`. 0 and *out, or -1 with the reason on `d` (out of memory, or the package's
 *  time budget spent: "time budget of N s exceeded while analysing 'f.py'"; a malformed member
 *  is a warning, not an error). */
int analysis_run(const struct package *pkg, const struct analysis_ctx *ctx, struct analysis **out,
                 struct diag *d);

/** The analysed text of .py view file `f` (f->text: LF line ends) and its length, or NULL if `f`
 *  was not analysed. Borrowed from the view. */
const char *analysis_file_text(const struct analysis *a, const struct pkgview_file *f, size_t *len);

/** The line and identifier statistics and the module scope of analysed Python view file `f`, or
 *  NULL if `f` was not analysed. Borrowed from `a`. */
const struct pysum_file *analysis_file_stats(const struct analysis *a,
                                             const struct pkgview_file *f);

/** 1 if line `line` of view file `f` is a line of the document, else 0. O(log n). */
int analysis_doc_has_line(const struct analysis *a, const struct pkgview_file *f, size_t line);

/** Free. NULL-safe. */
void analysis_free(struct analysis *a);

#endif
