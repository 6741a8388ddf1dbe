/* analysis: one pass over a package that every feature set reads (spec D3).
 *
 * analysis_run() parses the metadata file, scans every .py member once (packj-equivalent API
 * hits in both modes, URLs/IPs, string literals), assembles the text document (spec D9) and
 * keeps where each document line came from. Feature sets only read the result.
 *
 * Memory management: struct analysis_ctx holds shared read-only resources owned by the caller
 * (loaded once per run, shared by all threads). analysis_run() returns an analysis that owns
 * everything in it except `pkg` and `ctx` (borrowed: they must outlive it); analysis_free()
 * releases it (NULL-safe). */
#ifndef PYVET_ANALYSIS_H
#define PYVET_ANALYSIS_H

#include <stddef.h>

#include "apiscan.h"
#include "domains.h"
#include "err.h"
#include "package.h"
#include "pkginfo.h"
#include "pylex.h"
#include "sbuf.h"
#include "urls.h"

/* Shared resources and options for every package of a run. */
struct analysis_ctx {
	const struct api_table *apis;   /* required */
	const struct domains *domains;  /* required by meta and code features */
	struct url_rules url_rules;
	struct pylex_limits lex_limits;
	struct pkginfo_limits pkginfo_limits;
	int text_api_span_call;         /* text.api_span: 0 = line (default), 1 = call */
	int text_url_scope_file;        /* text.url_scope: 0 = line (default), 1 = file */
	int text_setup_scope_all;       /* text.setup_scope: 0 = root (default), 1 = all */
	int text_include_entry_points;  /* text.include_entry_points (default 0) */
};

/** Fill the defaults of the spec (apis and domains left NULL). */
void analysis_ctx_default(struct analysis_ctx *c);

/* An API hit with the file it was found in. */
struct file_api_hit {
	const struct package_file *file;
	struct api_hit hit;            /* owns hit.full_name */
};

/* A URL or IP found in a .py file. */
struct file_url {
	const struct package_file *file;
	struct url_find url;           /* owns its strings */
};

/* A string literal of a .py file (only the position and raw text are kept). */
struct file_string {
	const struct package_file *file;
	size_t line, end_line;
	size_t raw_off, raw_len;       /* into file->data */
	size_t body_off, body_len;     /* into file->data */
	unsigned flags;                /* enum pystr_flags */
};

/* Origin of one line of the document. */
struct doc_line {
	const struct package_file *file;
	size_t line;                   /* 1-based line in that file */
};

struct analysis {
	const struct package *pkg;              /* borrowed */
	const struct analysis_ctx *ctx;         /* borrowed */
	struct pkginfo *info;                   /* parsed metadata, NULL if none or unparsable */
	const struct package_file *setup_py;    /* root setup.py or NULL */
	const struct package_file *setup_cfg;   /* root setup.cfg or NULL */

	struct file_api_hit *hits;              /* packj mode (spec D8), file then source order */
	size_t n_hits;
	struct file_api_hit *alias_hits;        /* aliases mode */
	size_t n_alias_hits;
	struct file_url *urls;                  /* every URL/IP in .py files, file then line order */
	size_t n_urls;
	struct file_string *strings;            /* every string literal in .py files */
	size_t n_strings;

	struct sbuf document;                   /* the text document (spec D9), LF-joined */
	struct doc_line *doc_lines;             /* origin of each document line */
	size_t n_doc_lines;

	size_t n_py_files;                      /* .py members analysed */
	size_t n_py_skipped;                    /* .py members not analysed (lexer limit, not loaded) */
	struct diag diag;                       /* warnings */
};

/** Analyse `pkg`. 0 and *out, or -1 with the reason on `d` (out of memory; a malformed member
 *  is a warning, not an error). */
int analysis_run(const struct package *pkg, const struct analysis_ctx *ctx,
		 struct analysis **out, struct diag *d);

/** Free. NULL-safe. */
void analysis_free(struct analysis *a);

#endif
