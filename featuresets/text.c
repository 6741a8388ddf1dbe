/* Feature set `text`: the per-package text document of paper Sec. 4.2 ("Suspicious LOC"; spec D9,
 * D10). It has no fixed columns: document() hands the document to the tokenizer, and the
 * vocabulary is fitted later inside each training fold (spec D12), never here. The document
 * options are parameters of this set so that they enter the sidecar and the cache key; the
 * extract driver copies them into struct analysis_ctx and struct tokenize_options. */
#include "featuresets/featureset.h"

#include <stddef.h>

#include "core/analysis/analysis.h"

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
    {"max_tokens", PARAM_INT, offsetof(struct text_state, max_tokens), "10000000", NULL,
     "token occurrences per document; more is an error for the package (a bound)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const char *text_check(const void *vstate)
{
	const struct text_state *s = vstate;
	if (s->max_tokens < 1)
		return "max_tokens must be >= 1";
	return NULL;
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
    .check = text_check,
    .n_features = 0,
    .feature_names = NULL,
    .extract = NULL,
    .document = text_document,
    .release = NULL,
};
