/* evidence: the facts behind each feature value (file, line, rule, snippet), kept per package
 * for evidence.jsonl, `pyvet scan` explanations and SARIF (spec D3, section 8.5).
 *
 * Memory management: struct evidence_list is caller-owned; evidence_add() copies its strings;
 * evidence_list_release() frees them (NULL-safe). The JSON helpers write UTF-8-safe copies. */
#ifndef PYVET_EVIDENCE_H
#define PYVET_EVIDENCE_H

#include <stddef.h>

struct evidence {
	char *rule;  /* "api:SINK_PROCESS_OPERATION", "url", "long_str", "install_cmd:cmd-class",
	                "homepage", "author_email", "license", "min_cfg", ... */
	char *file;  /* member path relative to the package root, or NULL */
	size_t line; /* 1-based, 0 if not applicable */
	size_t end_line;
	char *snippet; /* matched text, at most EVIDENCE_SNIPPET_MAX bytes */
	char *detail;  /* verdict or reason ("insecure,unlisted", "MIT vs Apache-2.0") or NULL */
};

#define EVIDENCE_SNIPPET_MAX 200

struct evidence_list {
	struct evidence *v;
	size_t n, cap;
};

/** Append one item (strings copied; snippet truncated to EVIDENCE_SNIPPET_MAX bytes with
 *  control characters except TAB replaced by '?'). Any string may be NULL. 0 or -1. */
int evidence_add(struct evidence_list *l, const char *rule, const char *file, size_t line,
                 size_t end_line, const char *snippet, size_t snippet_len, const char *detail);

/** Free all items and reset. NULL-safe. */
void evidence_list_release(struct evidence_list *l);

struct cJSON;

/** Add string `v` (NULL = "") to JSON object `o` under `k` as valid UTF-8: invalid bytes
 *  (package paths and snippets are bytes) become '?'. Nothing is added on out of memory. */
void evidence_json_add_string(struct cJSON *o, const char *k, const char *v);

/** Items l->v[from..to) as a new JSON array of {rule, file, line, end_line, snippet, detail}
 *  (NULL strings as null), owned by the caller. NULL on out of memory. */
struct cJSON *evidence_list_json(const struct evidence_list *l, size_t from, size_t to);

#endif
