/* Feature set `text`: the per-package text document of paper Sec. 4.2 ("Suspicious LOC"; spec D9,
 * D10). It has no fixed columns: document() hands the document to the tokenizer, and the
 * vocabulary is fitted later inside each training fold (spec D12), never here. The document
 * options are parameters of this set so that they enter the sidecar and the cache key;
 * text_configure() copies them into the run's struct analysis_ctx and struct tokenize_options. */
#include "featuresets/featureset.h"

#include <stddef.h>

#include "core/analysis/analysis.h"
#include "core/ml/tokenize.h"

struct text_state {
	int api_span;
	int url_scope;
	int setup_scope;
	int include_entry_points;
	int lower;
	int keras_raw_cr;
	long max_tokens;
};

static const struct param_spec text_params[] = {
    {"api_span", PARAM_ENUM, offsetof(struct text_state, api_span), "line", "line|call",
     "D9: an API hit contributes its first line (packj lineno) or every line of the call"},
    {"url_scope", PARAM_ENUM, offsetof(struct text_state, url_scope), "line", "line|file",
     "D9: a suspicious URL contributes its line or its whole file"},
    {"setup_scope", PARAM_ENUM, offsetof(struct text_state, setup_scope), "root", "root|all",
     "D9: the root setup.py in full, or every file named setup.py in full"},
    {"include_entry_points", PARAM_BOOL, offsetof(struct text_state, include_entry_points), "0",
     NULL, "spec 8.8: add every entry_points.txt in full"},
    {"lower", PARAM_BOOL, offsetof(struct text_state, lower), "1", NULL,
     "D10: ASCII lower-casing before tokenising (Keras lower=True)"},
    {"keras_raw_cr", PARAM_BOOL, offsetof(struct text_state, keras_raw_cr), "0", NULL,
     "D10: keep CR glued to tokens as raw Keras does (default: CRLF and CR become LF)"},
    {"max_tokens", PARAM_INT, offsetof(struct text_state, max_tokens), "10000000", "[1, inf)",
     "token occurrences per document; more is an error for the package (a bound)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static void text_configure(const void *vstate, struct analysis_ctx *ctx,
                           struct tokenize_options *topt)
{
	const struct text_state *s = vstate;
	ctx->text_api_span_call = s->api_span;
	ctx->text_url_scope_file = s->url_scope;
	ctx->text_setup_scope_all = s->setup_scope;
	ctx->text_include_entry_points = s->include_entry_points;
	topt->lower = s->lower;
	topt->keras_raw_cr = s->keras_raw_cr;
	topt->max_tokens = (size_t)s->max_tokens;
}

static int text_document(const void *vstate, const struct analysis *a, struct sbuf *doc,
                         struct diag *d)
{
	(void)vstate;
	if (sbuf_add(doc, a->document.buf ? a->document.buf : "", a->document.len) < 0)
		return diag_error(d, "out of memory");
	return 0;
}

const struct featureset_type fs_text = {
    .name = "text",
    .summary = "the text document: root setup.py + API lines + suspicious-URL lines (D9, D10)",
    .version = 1,
    .state_size = sizeof(struct text_state),
    .params = text_params,
    .check = NULL,
    .configure = text_configure,
    .n_features = 0,
    .feature_names = NULL,
    .extract = NULL,
    .document = text_document,
    .release = NULL,
};
