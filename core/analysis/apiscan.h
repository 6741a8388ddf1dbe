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
 * Memory management: struct api_hits is caller-owned (api_hits_release()); each hit owns its
 * full_name; categories are static strings of api_categories[]. */
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

#endif
