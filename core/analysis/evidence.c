/* Evidence records: copies of matched text with bounded, printable snippets. */
#include "core/analysis/evidence.h"

#include <stdlib.h>
#include <string.h>

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
