/* apiscan: the packj-equivalent suspicious-API call-site scanner (spec D8, D36, Appendix A).
 *
 * Call names are built as packj's astgen_py3 visit_Call does: `X.f(...)` -> "X.f" as written
 * (aliases from `import m as X` NOT resolved), attribute chains and calls on other expressions
 * use the source text of the base (`os.environ.get`, `urlopen(x).read`), a bare `f(...)` is
 * mapped through `from m import f [as g]` to "m.f" (first binding wins, imports applied in file
 * order, nested ones included), else stays "f". A call is a hit iff its full name is in the
 * table. Mode APISCAN_ALIASES additionally resolves `import m as X` so that `X.f` -> "m.f"
 * (pyvet's extension; packj misses it).
 *
 * The table of names and categories is core/analysis/apitable.h.
 *
 * Two ways to run it: apiscan_source() lexes a file itself; the incremental scanner
 * (apiscan_new(), apiscan_feed() for every token of one pylex pass, apiscan_finish()) lets one
 * lexer pass feed several consumers (core/analysis/analysis.c feeds both modes and the
 * structure summary of core/analysis/pysummary.h from a single pass). Both give the same hits.
 *
 * Memory management: struct api_hits is caller-owned (api_hits_release()); each hit owns its
 * full_name; categories are static strings of api_categories[]. A struct apiscan is owned by the
 * caller (apiscan_free()) and borrows the table and `out`. */
#ifndef PYVET_APISCAN_H
#define PYVET_APISCAN_H

#include <stddef.h>

#include "core/analysis/apitable.h"
#include "core/analysis/pylex.h"
#include "core/base/err.h"

enum apiscan_mode { APISCAN_PACKJ = 0, APISCAN_ALIASES = 1 };

struct api_hit {
	size_t line;            /* line of the first token of the call expression (packj lineno) */
	size_t end_line;        /* line of the call's closing parenthesis */
	char *full_name;        /* "os.system" (owned) */
	const char *short_name; /* into full_name, after the last '.' (packj api_name) */
	const char *category;   /* borrowed from the table, e.g. "SINK_PROCESS_OPERATION" */
};

struct api_hits {
	struct api_hit *v;
	size_t n, cap;
};

/** Free the hits' names and storage; the struct is reset to empty. NULL-safe. */
void api_hits_release(struct api_hits *h);

/** Scan one Python source file and append its hits (in source order) to `out`.
 *  0, or -1 with a reason on `d` (a lexer limit exceeded; hits found so far are kept). */
int apiscan_source(const struct api_table *t, const char *src, size_t len, enum apiscan_mode mode,
                   const struct pylex_limits *lim, struct api_hits *out, struct diag *d);

/* An incremental scanner over one file's tokens. */
struct apiscan;

/** A scanner appending hits of `mode` to `out` (borrowed, as is `t`). NULL on out of memory. */
struct apiscan *apiscan_new(const struct api_table *t, enum apiscan_mode mode,
                            struct api_hits *out);

/** Feed the next token of the file (every token pylex_next() returns, in order). 0, or -1 on
 *  out of memory (the scanner must then only be freed). */
int apiscan_feed(struct apiscan *sc, const struct pytok *t);

/** The file has ended (or the lexer stopped): calls still open end on the last line seen. */
void apiscan_finish(struct apiscan *sc);

/** The full name the scanner would give a call on the dotted name name[0..n) now, with the
 *  imports seen so far (the scanner's mode: packj rules, or aliases resolved), into buf (cap
 *  bytes, NUL-terminated). Its length, or 0 if it is empty or does not fit. */
size_t apiscan_resolve(const struct apiscan *sc, const char *name, size_t n, char *buf, size_t cap);

/** 1 if name[0..n) (one identifier) is bound by an import seen so far (`import m as X`,
 *  `import m`, `from m import f [as g]`; the import forms the scanner's mode records), else 0. */
int apiscan_is_bound(const struct apiscan *sc, const char *name, size_t n);

/** Free. NULL-safe. */
void apiscan_free(struct apiscan *sc);

#endif
