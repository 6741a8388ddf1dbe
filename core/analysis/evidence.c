/* Evidence records: copies of matched text with bounded, printable snippets, and their JSON. */
#include "core/analysis/evidence.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

static char *dupn(const char *s, size_t n)
{
	char *p;
	if (!s)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int evidence_add(struct evidence_list *l, const char *rule, const char *file, size_t line,
                 size_t end_line, const char *snippet, size_t snippet_len, const char *detail)
{
	struct evidence *e;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct evidence *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->end_line = end_line;
	if (snippet && snippet_len > EVIDENCE_SNIPPET_MAX)
		snippet_len = EVIDENCE_SNIPPET_MAX;
	e->rule = dupn(rule, rule ? strlen(rule) : 0);
	e->file = dupn(file, file ? strlen(file) : 0);
	e->snippet = dupn(snippet, snippet_len);
	e->detail = dupn(detail, detail ? strlen(detail) : 0);
	if ((rule && !e->rule) || (file && !e->file) || (snippet && !e->snippet) ||
	    (detail && !e->detail)) {
		free(e->rule);
		free(e->file);
		free(e->snippet);
		free(e->detail);
		return -1;
	}
	if (e->snippet)
		for (char *p = e->snippet; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\t')
				*p = '?';
	l->n++;
	return 0;
}

void evidence_list_release(struct evidence_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].rule);
		free(l->v[i].file);
		free(l->v[i].snippet);
		free(l->v[i].detail);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void evidence_json_add_string(cJSON *o, const char *k, const char *v)
{
	const uint8_t *p = (const uint8_t *)(v ? v : "");
	size_t n = strlen((const char *)p);
	char *copy = NULL;
	if (!u8_check(p, n)) {
		cJSON_AddStringToObject(o, k, (const char *)p);
		return;
	}
	copy = malloc(n + 1);
	if (!copy)
		return;
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, p + i, n - i);
		if (len <= 0) {
			copy[i++] = '?';
			continue;
		}
		memcpy(copy + i, p + i, (size_t)len);
		i += (size_t)len;
	}
	copy[n] = '\0';
	cJSON_AddStringToObject(o, k, copy);
	free(copy);
}

cJSON *evidence_list_json(const struct evidence_list *l, size_t from, size_t to)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = from; arr && i < to; i++) {
		const struct evidence *e = &l->v[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), cJSON_Delete(arr), NULL;
		evidence_json_add_string(o, "rule", e->rule ? e->rule : "");
		if (e->file)
			evidence_json_add_string(o, "file", e->file);
		else
			cJSON_AddNullToObject(o, "file");
		cJSON_AddNumberToObject(o, "line", (double)e->line);
		cJSON_AddNumberToObject(o, "end_line", (double)e->end_line);
		if (e->snippet)
			evidence_json_add_string(o, "snippet", e->snippet);
		else
			cJSON_AddNullToObject(o, "snippet");
		if (e->detail)
			evidence_json_add_string(o, "detail", e->detail);
		else
			cJSON_AddNullToObject(o, "detail");
	}
	return arr;
}
