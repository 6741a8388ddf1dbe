/* patterns: named EREs compiled with TRE and matched per line through a counting character
 * source (see patterns.h). */
#include "core/analysis/patterns.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tre/tre.h>

#include "core/base/sbuf.h"

/* Largest table file accepted. */
#define TABLE_MAX ((size_t)1 << 20)

/* ---- The literal prefilter ----
 *
 * TRE has no literal prefilter: it simulates its automaton over every character, at a cost that
 * grows with the number of states (tens of MB/s for a table of case-insensitive alternations).
 * Most patterns cannot match without one of a few literal strings (`(curl|wget)[[:space:]]+x`
 * needs "curl" or "wget"). At load time each pattern's ERE is read into such a set (below,
 * conservatively: anything not understood gives "no set", and the pattern is always run); at
 * match time one pass over the line looks for every literal of the table at once (a bitmap of
 * the literals' first two bytes, then a comparison with the literals of that pair), and only
 * the patterns whose set occurs are handed to TRE. Comparison is ASCII case-insensitive, which
 * can only keep more lines than a case-sensitive pattern needs. */

#define LIT_MAX_LEN 64 /* longest literal kept */
#define LIT_MAX_SET 32 /* literals per set */
#define LIT_MAX_DEPTH 32

struct litset {
	int ok;   /* 0: no set (ANY) */
	size_t n; /* ok: strings s[0..n) */
	char s[LIT_MAX_SET][LIT_MAX_LEN + 1];
};

/* One literal of the table: lower-cased text and the patterns it stands for. */
struct lit {
	char s[LIT_MAX_LEN + 1];
	size_t len;
	uint16_t pair; /* its first two bytes */
	uint64_t mask; /* patterns whose set holds it */
};

struct pattern_table {
	size_t n;
	char *id[PATTERNS_MAX];
	regex_t re[PATTERNS_MAX];
	regex_t any; /* (p1)|(p2)|...: one pass tells whether any pattern matches */
	int has_any;
	struct sbuf src;  /* the alternation being built */
	uint64_t always;  /* patterns without a literal set: always candidates */
	struct lit *lits; /* every literal, sorted by pair */
	size_t n_lits;
	uint64_t pairs[65536 / 64]; /* bitmap of the literals' first two bytes */
};

void pattern_table_free(struct pattern_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->id[i]);
		tre_regfree(&t->re[i]);
	}
	if (t->has_any)
		tre_regfree(&t->any);
	sbuf_release(&t->src);
	free(t->lits);
	free(t);
}

size_t pattern_table_size(const struct pattern_table *t)
{
	return t->n;
}

const char *pattern_table_id(const struct pattern_table *t, size_t i)
{
	return t->id[i];
}

/* 1 if the ERE `p` holds a back reference (a backslash followed by a digit 1-9). */
static int has_backref(const char *p)
{
	for (; *p; p++)
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return 1;
			if (!*++p)
				break;
		}
	return 0;
}

/* ---- reading an ERE into its literal set ---- */

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* What a piece of the pattern guarantees: `exact` = it matches exactly one of these strings;
 * `req` = every match contains one of these. */
struct lit_info {
	struct litset exact, req;
};

static void set_any(struct litset *s)
{
	s->ok = 0;
	s->n = 0;
}

static void set_one(struct litset *s, const char *str, size_t len)
{
	s->ok = 1;
	s->n = 1;
	memcpy(s->s[0], str, len);
	s->s[0][len] = '\0';
}

/* dst = dst U src; no set when too large. */
static void set_union(struct litset *dst, const struct litset *src)
{
	if (!dst->ok || !src->ok) {
		set_any(dst);
		return;
	}
	for (size_t i = 0; i < src->n; i++) {
		size_t k;
		for (k = 0; k < dst->n && strcmp(dst->s[k], src->s[i]); k++)
			;
		if (k < dst->n)
			continue;
		if (dst->n == LIT_MAX_SET) {
			set_any(dst);
			return;
		}
		strcpy(dst->s[dst->n++], src->s[i]);
	}
}

/* dst = every a + b; no set when too large or too long. */
static void set_cross(struct litset *dst, const struct litset *a, const struct litset *b)
{
	struct litset r;
	r.ok = 1;
	r.n = 0;
	if (!a->ok || !b->ok || a->n * b->n > LIT_MAX_SET) {
		set_any(dst);
		return;
	}
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t la = strlen(a->s[i]), lb = strlen(b->s[j]);
			if (la + lb > LIT_MAX_LEN) {
				set_any(dst);
				return;
			}
			memcpy(r.s[r.n], a->s[i], la);
			memcpy(r.s[r.n] + la, b->s[j], lb + 1);
			r.n++;
		}
	*dst = r;
}

/* Length of the shortest string of the set; 0 for no set (or one holding ""). */
static size_t set_min(const struct litset *s)
{
	size_t m = (size_t)-1;
	if (!s->ok || !s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) < m)
			m = strlen(s->s[i]);
	return m;
}

/* Keep the better required set: the one whose shortest string is longer. */
static void set_better(struct litset *best, const struct litset *cand)
{
	if (set_min(cand) > set_min(best))
		*best = *cand;
}

struct ere_reader {
	const char *p;
	int bad; /* something not understood: no set */
};

static void read_alt(struct ere_reader *r, struct lit_info *out, size_t depth);

/* Skip a bracket expression starting at '['; 0, or -1 if it does not close. */
static int skip_bracket(struct ere_reader *r)
{
	const char *p = r->p + 1;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *e = strstr(p + 2, (char[]){p[1], ']', '\0'});
			if (!e)
				return -1;
			p = e + 2;
			continue;
		}
		p++;
	}
	if (!*p)
		return -1;
	r->p = p + 1;
	return 0;
}

/* One atom into *a (exact and req). 0, or -1 at the end of a branch (| ) or the pattern. */
static int read_atom(struct ere_reader *r, struct lit_info *a, size_t depth)
{
	unsigned char c = (unsigned char)*r->p;
	set_any(&a->exact);
	set_any(&a->req);
	switch (c) {
	case '\0':
	case '|':
	case ')':
		return -1;
	case '(':
		if (r->p[1] == '?') {
			/* (?i) and other flag groups match nothing; (?:...) is a group */
			if (r->p[2] == ':') {
				r->p += 3;
			} else {
				const char *e = strchr(r->p, ')');
				size_t k;
				if (!e) {
					r->bad = 1;
					return -1;
				}
				for (k = 2; r->p + k < e; k++)
					if (!strchr("imnrsxU-", r->p[k])) {
						r->bad = 1;
						return -1;
					}
				r->p = e + 1;
				set_one(&a->exact, "", 0);
				return 0;
			}
		} else {
			r->p++;
		}
		if (depth >= LIT_MAX_DEPTH) {
			r->bad = 1;
			return -1;
		}
		read_alt(r, a, depth + 1);
		if (*r->p != ')') {
			r->bad = 1;
			return -1;
		}
		r->p++;
		return 0;
	case '[':
		if (skip_bracket(r) < 0)
			r->bad = 1;
		return r->bad ? -1 : 0;
	case '.':
		r->p++;
		return 0;
	case '^':
	case '$':
		r->p++;
		set_one(&a->exact, "", 0);
		return 0;
	case '\\': {
		unsigned char e = (unsigned char)r->p[1];
		char lc;
		if (!e) {
			r->bad = 1;
			return -1;
		}
		r->p += 2;
		if (e == 'b' || e == 'B' || e == '<' || e == '>') {
			set_one(&a->exact, "", 0);
			return 0;
		}
		if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
			return 0; /* a class or an escape with a meaning: any character */
		lc = (char)lower(e);
		set_one(&a->exact, &lc, 1);
		return 0;
	}
	case '*':
	case '+':
	case '?':
	case '{':
		r->bad = 1; /* a quantifier with nothing before it */
		return -1;
	default: {
		char lc = (char)lower(c);
		r->p++;
		set_one(&a->exact, &lc, 1);
		return 0;
	}
	}
}

/* Apply the quantifiers after an atom. */
static void read_quantifiers(struct ere_reader *r, struct lit_info *a)
{
	for (;;) {
		char q = *r->p;
		long lo;
		if (q == '?' || q == '*') {
			struct litset empty;
			r->p++;
			if (q == '?' && a->exact.ok) {
				set_one(&empty, "", 0);
				set_union(&a->exact, &empty);
			} else {
				set_any(&a->exact);
			}
			set_any(&a->req);
			continue;
		}
		if (q == '+') {
			r->p++;
			if (a->exact.ok)
				a->req = a->exact;
			set_any(&a->exact);
			continue;
		}
		if (q == '{') {
			char *end;
			const char *close = strchr(r->p, '}');
			if (!close) {
				r->bad = 1;
				return;
			}
			lo = strtol(r->p + 1, &end, 10);
			if (end == r->p + 1 || lo < 0) {
				r->bad = 1;
				return;
			}
			r->p = close + 1;
			if (lo == 0) {
				set_any(&a->exact);
				set_any(&a->req);
			} else {
				if (a->exact.ok)
					a->req = a->exact;
				set_any(&a->exact);
			}
			continue;
		}
		return;
	}
}

/* One branch (a concatenation). */
static void read_branch(struct ere_reader *r, struct lit_info *out, size_t depth)
{
	struct litset cur, best;
	int all_exact = 1;
	set_one(&cur, "", 0);
	set_any(&best);
	for (;;) {
		struct lit_info a;
		if (read_atom(r, &a, depth) < 0)
			break;
		read_quantifiers(r, &a);
		if (r->bad)
			break;
		if (cur.ok && a.exact.ok) {
			struct litset x;
			set_cross(&x, &cur, &a.exact);
			if (x.ok) {
				cur = x;
				continue;
			}
		}
		/* the run of exact pieces ends here */
		all_exact = 0;
		set_better(&best, &cur);
		set_better(&best, &a.req);
		cur = a.exact;
		if (!cur.ok)
			set_any(&cur);
	}
	set_better(&best, &cur);
	out->exact = cur;
	if (!all_exact || !cur.ok)
		set_any(&out->exact);
	out->req = best;
}

/* An alternation of branches up to ')' or the end. */
static void read_alt(struct ere_reader *r, struct lit_info *out, size_t depth)
{
	int first = 1;
	for (;;) {
		struct lit_info b;
		read_branch(r, &b, depth);
		if (r->bad)
			return;
		if (!b.exact.ok && set_min(&b.req) == 0)
			set_any(&b.req);
		else if (b.exact.ok && set_min(&b.exact) >= set_min(&b.req))
			b.req = b.exact;
		if (first) {
			*out = b;
			first = 0;
		} else {
			set_union(&out->exact, &b.exact);
			set_union(&out->req, &b.req);
		}
		if (*r->p != '|')
			return;
		r->p++;
	}
}

/* The literal set of ERE `pattern` into *out (ok = 0 when none can be proved). */
static void pattern_literals(const char *pattern, struct litset *out)
{
	struct ere_reader r = {pattern, 0};
	struct lit_info info;
	read_alt(&r, &info, 0);
	if (r.bad || *r.p || set_min(&info.req) < 2) {
		set_any(out);
		return;
	}
	*out = info.req;
}

static int cmp_lit(const void *x, const void *y)
{
	const struct lit *a = x, *b = y;
	return a->pair != b->pair ? (a->pair < b->pair ? -1 : 1) : strcmp(a->s, b->s);
}

/* Add the literal set of pattern i to the table's prefilter. 0 or -1 (out of memory). */
static int prefilter_add(struct pattern_table *t, size_t i, const char *pattern)
{
	struct litset ls;
	pattern_literals(pattern, &ls);
	if (!ls.ok) {
		t->always |= (uint64_t)1 << i;
		return 0;
	}
	for (size_t k = 0; k < ls.n; k++) {
		size_t len = strlen(ls.s[k]), j;
		uint16_t pair =
		    (uint16_t)((unsigned char)ls.s[k][0] << 8 | (unsigned char)ls.s[k][1]);
		for (j = 0; j < t->n_lits && strcmp(t->lits[j].s, ls.s[k]); j++)
			;
		if (j == t->n_lits) {
			struct lit *v = realloc(t->lits, (t->n_lits + 1) * sizeof(*v));
			if (!v)
				return -1;
			t->lits = v;
			memcpy(v[j].s, ls.s[k], len + 1);
			v[j].len = len;
			v[j].pair = pair;
			v[j].mask = 0;
			t->n_lits++;
		}
		t->lits[j].mask |= (uint64_t)1 << i;
		t->pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
	}
	return 0;
}

/* Compile one `id<TAB>pattern` line (NUL-terminated, no line end) into t. 0 or -1 on `d`. */
static int add_line(struct pattern_table *t, char *line, const char *name, size_t lineno,
                    struct diag *d)
{
	char *tab = strchr(line, '\t');
	int rc;
	if (!tab || tab == line || !tab[1] || t->n == PATTERNS_MAX)
		return diag_error(d, "'%s' line %zu: expected `id<TAB>pattern` (at most %d)", name,
		                  lineno, PATTERNS_MAX);
	*tab = '\0';
	if (has_backref(tab + 1))
		return diag_error(d,
		                  "'%s' line %zu: pattern '%.64s': back references are not "
		                  "supported (no linear-time matcher for them)",
		                  name, lineno, line);
	rc = tre_regcomp(&t->re[t->n], tab + 1, REG_EXTENDED);
	if (rc) {
		char rbuf[96];
		tre_regerror(rc, &t->re[t->n], rbuf, sizeof(rbuf));
		return diag_error(d, "'%s' line %zu: pattern '%.64s': %s", name, lineno, line,
		                  rbuf);
	}
	if (!(t->id[t->n] = strdup(line)) ||
	    sbuf_addf(&t->src, "%s(%s)", t->n ? "|" : "", tab + 1) < 0 ||
	    prefilter_add(t, t->n, tab + 1) < 0) {
		free(t->id[t->n]);
		tre_regfree(&t->re[t->n]);
		return diag_error(d, "out of memory");
	}
	t->n++;
	return 0;
}

int pattern_table_parse(struct pattern_table **out, const char *buf, size_t len, const char *name,
                        struct diag *d)
{
	struct pattern_table *t = calloc(1, sizeof(*t));
	char line[PATTERNS_LINE_MAX];
	size_t off = 0, lineno = 0;
	*out = NULL;
	if (!t)
		return diag_error(d, "out of memory");
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t e = nl ? (size_t)(nl - buf) : len, n = e - off;
		lineno++;
		while (n && buf[off + n - 1] == '\r')
			n--;
		if (n >= sizeof(line) || memchr(buf + off, '\0', n)) {
			diag_error(d, "'%s' line %zu: longer than %d bytes or holding a NUL", name,
			           lineno, PATTERNS_LINE_MAX - 1);
			goto fail;
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		off = nl ? e + 1 : len;
		if (!n || line[0] == '#')
			continue;
		if (add_line(t, line, name, lineno, d) < 0)
			goto fail;
	}
	if (!t->n) {
		diag_error(d, "'%s': no patterns", name);
		goto fail;
	}
	if (tre_regcomp(&t->any, sbuf_cstr(&t->src), REG_EXTENDED | REG_NOSUB)) {
		diag_error(d, "'%s': the patterns do not combine into one alternation", name);
		goto fail;
	}
	t->has_any = 1;
	sbuf_release(&t->src);
	if (t->n_lits)
		qsort(t->lits, t->n_lits, sizeof(*t->lits), cmp_lit);
	*out = t;
	return 0;
fail:
	pattern_table_free(t);
	return -1;
}

int pattern_table_load(struct pattern_table **out, const char *path, struct diag *d)
{
	struct sbuf b = SBUF_INIT;
	int ret;
	*out = NULL;
	if (sbuf_read_file(&b, path, TABLE_MAX, "pattern table", d) < 0)
		ret = -1;
	else
		ret = pattern_table_parse(out, sbuf_cstr(&b), b.len, path, d);
	sbuf_release(&b);
	return ret;
}

/* ---- matching: the line as a TRE character source that counts its reads ---- */

struct line_source {
	const unsigned char *s;
	size_t n, pos;
	size_t reads;
};

/* One byte per character (pyvet keeps LC_CTYPE "C", where the wide classes equal the narrow
 * ones on 0..255); returns 1 at the end of the line. */
static int next_char(tre_char_t *c, unsigned int *pos_add, void *ctx)
{
	struct line_source *ls = ctx;
	ls->reads++;
	*pos_add = 1;
	if (ls->pos >= ls->n) {
		*c = 0;
		return 1;
	}
	*c = ls->s[ls->pos++];
	return 0;
}

static void rewind_to(size_t pos, void *ctx)
{
	struct line_source *ls = ctx;
	ls->pos = pos < ls->n ? pos : ls->n;
}

/* Only back references compare substrings, and the table refuses them. */
static int compare(size_t a, size_t b, size_t len, void *ctx)
{
	const struct line_source *ls = ctx;
	if (a > ls->n || b > ls->n || len > ls->n - a || len > ls->n - b)
		return 1;
	return memcmp(ls->s + a, ls->s + b, len);
}

/* Run `re` over s[0..n): its tre_reguexec() code and match. */
static int run(const regex_t *re, const char *s, size_t n, regmatch_t *m, struct pattern_work *work)
{
	struct line_source ls = {(const unsigned char *)s, n, 0, 0};
	tre_str_source src = {next_char, rewind_to, compare, &ls};
	int rc = tre_reguexec(re, &src, 1, m, 0);
	if (work) {
		work->calls++;
		work->chars += ls.reads;
	}
	return rc;
}

uint64_t pattern_candidates(const struct pattern_table *t, const char *s, size_t n,
                            struct pattern_work *work)
{
	uint64_t all = t->n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << t->n) - 1, found = t->always;
	const unsigned char *u = (const unsigned char *)s;
	if (work)
		work->scanned += n;
	if (found == all || n < 2)
		return found == all ? all : found;
	for (size_t i = 0; i + 1 < n; i++) {
		uint16_t pair = (uint16_t)(lower(u[i]) << 8 | lower(u[i + 1]));
		size_t lo = 0, hi = t->n_lits;
		if (!(t->pairs[pair / 64] >> (pair % 64) & 1))
			continue;
		/* the first literal of this pair, then each of them */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->lits[mid].pair < pair)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < t->n_lits && t->lits[lo].pair == pair; lo++) {
			const struct lit *l = &t->lits[lo];
			size_t k;
			if ((found & l->mask) == l->mask || l->len > n - i)
				continue;
			for (k = 2; k < l->len && lower(u[i + k]) == (unsigned char)l->s[k]; k++)
				;
			if (k == l->len)
				found |= l->mask;
		}
		if (found == all)
			break;
	}
	return found;
}

int pattern_match_any(const struct pattern_table *t, const char *s, size_t n,
                      struct pattern_work *work)
{
	regmatch_t m[1];
	int rc;
	if (!pattern_candidates(t, s, n, work))
		return 0;
	rc = run(&t->any, s, n, m, work);
	return rc == REG_NOMATCH ? 0 : rc == REG_OK ? 1 : -1;
}

int pattern_match(const struct pattern_table *t, size_t i, const char *s, size_t n, size_t *so,
                  size_t *eo, struct pattern_work *work)
{
	regmatch_t m[1];
	int rc = run(&t->re[i], s, n, m, work);
	if (rc == REG_NOMATCH)
		return 0;
	if (rc != REG_OK || m[0].rm_so < 0 || m[0].rm_eo < m[0].rm_so || (size_t)m[0].rm_eo > n)
		return -1;
	*so = (size_t)m[0].rm_so;
	*eo = (size_t)m[0].rm_eo;
	return 1;
}
