/* Feature sets `apis` and `apis_alias`: suspicious-API call sites per packj category, one shared
 * implementation in two modes.
 * `apis`: packj mode (spec D8, D36: equal to packj's static scan).
 * `apis_alias`: aliases mode (pyvet's extension: `import m as X` resolved, so `X.f` counts as
 * `m.f`). Columns are counts over every .py file of the package (spec Appendix A categories, in
 * order). Not part of the paper's combinations; the call sites themselves go to evidence.jsonl. */
#include "featuresets/featureset.h"

#include <stddef.h>
#include <strings.h>

#include "core/analysis/analysis.h"

static const char *const apis_names[] = {"source_file",          "sink_file",
                                         "sink_network",         "source_network",
                                         "sink_code_generation", "sink_process_operation",
                                         "source_obfuscation",   "source_settings",
                                         "sink_unclassified",    "source_account",
                                         "source_user_input"};

#define N_CAT (sizeof(apis_names) / sizeof(apis_names[0]))

/* out[c] = number of hits in category apis_names[c] (case-insensitive; other categories ignored).
 */
static void apis_count(const struct file_api_hit *hits, size_t n_hits, double *out)
{
	for (size_t c = 0; c < N_CAT; c++)
		out[c] = 0;
	for (size_t i = 0; i < n_hits; i++) {
		const char *cat = hits[i].hit.category;
		for (size_t c = 0; cat && c < N_CAT; c++)
			if (!strcasecmp(cat, apis_names[c])) {
				out[c]++;
				break;
			}
	}
}

static int apis_extract(const void *vstate, const struct analysis *a, double *out,
                        struct evidence_list *ev, struct diag *d)
{
	(void)vstate;
	(void)ev;
	(void)d;
	apis_count(a->hits, a->n_hits, out);
	return 0;
}

static int apis_alias_extract(const void *vstate, const struct analysis *a, double *out,
                              struct evidence_list *ev, struct diag *d)
{
	(void)vstate;
	(void)ev;
	(void)d;
	apis_count(a->alias_hits, a->n_alias_hits, out);
	return 0;
}

static const struct param_spec apis_params[] = {{NULL, 0, 0, NULL, NULL, NULL}};

const struct featureset_type fs_apis = {
    .name = "apis",
    .summary = "per-category counts of packj-equivalent API call sites (D8, D36)",
    .version = 1,
    .state_size = 0,
    .params = apis_params,
    .check = NULL,
    .n_features = N_CAT,
    .feature_names = apis_names,
    .extract = apis_extract,
    .document = NULL,
    .release = NULL,
};

const struct featureset_type fs_apis_alias = {
    .name = "apis_alias",
    .summary = "per-category API call-site counts with import aliases resolved (D8 extension)",
    .version = 1,
    .state_size = 0,
    .params = apis_params,
    .check = NULL,
    .n_features = N_CAT,
    .feature_names = apis_names,
    .extract = apis_alias_extract,
    .document = NULL,
    .release = NULL,
};
