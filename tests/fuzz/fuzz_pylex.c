/* libFuzzer target: arbitrary bytes through the Python lexer and the API scanner, checking the
 * token invariants. Built by `make fuzz`; run from the repository root so the API table is found.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/analysis/apiscan.h"
#include "core/base/datafile.h"
#include "core/analysis/pylex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_cb(const struct pystr *s, void *ctx)
{
	size_t *n = ctx;

	if (s->body < s->raw || s->body + s->body_len > s->raw + s->raw_len ||
	    s->line > s->end_line)
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct api_table *table;
	static int tried;
	const char *src = (const char *)data;
	struct pylex_limits lim;
	struct pylex lx;
	struct pytok t;
	struct diag d;
	size_t fields = 0, n = 0;
	int r;

	pylex_limits_default(&lim);
	lim.max_tokens = 100000;
	lim.max_depth = 50;
	diag_init(&d);
	if (pylex_init(&lx, src, size, &lim, &d) == 0) {
		while ((r = pylex_next(&lx, &t)) > 0) {
			if (t.off > t.end || t.end > size || t.line > t.end_line || !t.text)
				abort();
			if (t.type == PYTOK_FSTART)
				fields++;
			else if (t.type == PYTOK_FEND && fields-- == 0)
				abort();
		}
		if (r == 0 && fields)
			abort();
	}
	pylex_release(&lx);
	pylex_each_string(src, size, &lim, count_cb, &n, &d);

	if (!tried) {
		char path[4096];
		tried = 1;
		if (datafile_path("python_apis.csv", path, sizeof(path)))
			api_table_load(&table, path, &d);
	}
	if (table) {
		struct api_hits h = {0};
		size_t k;
		apiscan_source(table, src, size, APISCAN_ALIASES, &lim, &h, &d);
		for (k = 0; k < h.n; k++)
			if (h.v[k].line > h.v[k].end_line ||
			    !api_table_category(table, h.v[k].full_name))
				abort();
		api_hits_release(&h);
	}
	diag_release(&d);
	return 0;
}
