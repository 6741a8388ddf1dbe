/* apiscan: packj-equivalent suspicious-API call sites found on pylex tokens (spec D8, D36).
 *
 * Sections: the name bindings of a file (on core/strset); the import recogniser (`from m import
 * f as g`, `import m as X`); the call scanner. The API table and its loader are in apitable.c.
 *
 * One deliberate difference from packj: the base of an attribute chain is built from its
 * (NFKC-normalised) name tokens joined by '.', so whitespace, comments and continuation lines
 * inside `os . environ.get(` are ignored, where packj keeps the raw source text (and misses it).
 */
#include "core/analysis/apiscan.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/strset.h"

/* ---- Name bindings of one file (the imports), on core/strset ----
 *
 * A binding maps a name to a target string or to nothing (a relative `from . import x` maps x to
 * no module); the first binding of a name wins (Python's dict.setdefault, as packj builds its
 * maps). Targets are kept in a second strset, so each distinct target is stored once. */

#define NO_TARGET ((size_t)-1)

struct bindings {
	struct strset names;   /* bound names, index = first-binding order */
	struct strset targets; /* distinct targets */
	size_t *target;        /* names.count entries: index into targets, or NO_TARGET */
	size_t cap;
};

static void bindings_release(struct bindings *b)
{
	strset_release(&b->names);
	strset_release(&b->targets);
	free(b->target);
	memset(b, 0, sizeof(*b));
}

/* Bind name[0..n) to target[0..tn) (target NULL: to nothing) unless the name is bound. 1 if
 * bound now, 0 if it was already, -1 out of memory. */
static int bindings_setdefault(struct bindings *b, const char *name, size_t n, const char *target,
                               size_t tn)
{
	size_t ti = NO_TARGET;
	if (strset_find(&b->names, name, n) != (size_t)-1)
		return 0;
	if (b->names.count == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16, *v = realloc(b->target, cap * sizeof(*v));
		if (!v)
			return -1;
		b->target = v;
		b->cap = cap;
	}
	if (target && strset_add(&b->targets, target, tn, &ti) < 0)
		return -1;
	if (strset_add(&b->names, name, n, NULL) < 0)
		return -1;
	b->target[b->names.count - 1] = ti;
	return 1;
}

/* The binding of name[0..n): 1 and *target (NULL = bound to nothing; borrowed until the next
 * bindings_setdefault()), or 0 if the name is not bound. */
static int bindings_get(const struct bindings *b, const char *name, size_t n, const char **target)
{
	size_t i = strset_find(&b->names, name, n);
	if (i == (size_t)-1)
		return 0;
	*target = b->target[i] == NO_TARGET ? NULL : strset_get(&b->targets, b->target[i]);
	return 1;
}

void api_hits_release(struct api_hits *h)
{
	size_t k;

	if (!h)
		return;
	for (k = 0; k < h->n; k++)
		free(h->v[k].full_name);
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

/* ---- The call-site scanner ----
 *
 * The scanner follows primary expressions on the token stream. A "chain" is the primary that
 * ends at the previous token: a dotted name (pure, its text kept), or anything else (a call
 * result, a subscript, a literal, a display, a parenthesised expression: impure). '(' right
 * after an active chain is a call of that chain; every bracket pushes a level that remembers
 * where the enclosing primary started, so that after ')' the call result continues the chain
 * (`urlopen(x).read(`) with the line of its first token. A parenthesised group holding exactly
 * one dotted name stays pure (`(os).system(` is os.system, as in Python's ast). Only pure
 * chains can produce a name in the table (table names are dotted identifiers), so the text of
 * impure bases is never built.
 */

#define NAME_MAX_LEN 256 /* longer dotted names cannot match the table and are not built */

enum { LV_CALL, LV_SUB, LV_GROUP, LV_DISPLAY, LV_FIELD };

struct chain {
	unsigned char active;    /* a primary ends at the previous token */
	unsigned char pure;      /* ... and it is a dotted name, text in scanner.text */
	unsigned char after_dot; /* the previous token was '.' after the primary */
	unsigned char string;    /* the primary is a string literal (implicit concatenation) */
	size_t start_line, start_tok;
	size_t nseg; /* names in a pure chain */
};

struct level {
	unsigned char kind; /* LV_* */
	struct chain saved; /* CALL, SUB: the chain the bracket follows; FIELD: chain to restore */
	size_t open_line, open_tok; /* GROUP, DISPLAY: the opening bracket */
	size_t hit;                 /* CALL: index + 1 of its hit in out, 0 if none */
};

enum { IM_NONE, IM_FROM_MOD, IM_FROM_NAMES, IM_FROM_AS, IM_IMP_MOD, IM_IMP_AS };

struct import_fsm {
	int state;
	char mod[NAME_MAX_LEN];
	size_t modlen;
	int has_mod, mod_bad, need_seg; /* need_seg: a '.' was seen, a name must follow */
	char name[NAME_MAX_LEN];
	size_t namelen;
	int has_name, name_bad, expect_name;
	char as[NAME_MAX_LEN];
	size_t aslen;
	int has_as;
	int paren;
};

struct apiscan {
	const struct api_table *t;
	enum apiscan_mode mode;
	struct api_hits *out;
	struct chain ch;
	char text[NAME_MAX_LEN]; /* text of a pure chain: names joined with '.' */
	size_t tlen;
	struct level *lv;
	size_t nlv, caplv;
	size_t tok;                  /* index of the current token */
	size_t last_line;            /* line of the last token seen */
	int def_pending;             /* after `def` or `class`: the next name is not a primary */
	struct bindings name2module; /* from m import f: f -> m (nothing for a relative `from .`) */
	struct bindings alias2name;  /* from m import f as g: g -> f */
	struct bindings modalias;    /* aliases mode: import m as X: X -> m; import m.n: m -> m */
	struct import_fsm im;
	int oom;
};

static int tok_is(const struct pytok *t, enum pytok_type type, const char *s)
{
	size_t n = strlen(s);

	return t->type == type && t->len == n && !memcmp(t->text, s, n);
}

/* An ASCII keyword (a normalised look-alike such as U+1D62A.. "import" is a name, as in CPython).
 */
static int kw_is(const struct pytok *t, const char *s)
{
	return (t->flags & PYTOK_KEYWORD) && tok_is(t, PYTOK_NAME, s);
}

static int is_plain_name(const struct pytok *t)
{
	return t->type == PYTOK_NAME && !(t->flags & PYTOK_KEYWORD);
}

/* Append `.`-separated segment to a bounded buffer; returns 0, or -1 if it does not fit. */
static int seg_append(char *buf, size_t *len, const char *s, size_t n, int dot)
{
	size_t need = *len + (dot ? 1 : 0) + n;

	if (need >= NAME_MAX_LEN)
		return -1;
	if (dot)
		buf[(*len)++] = '.';
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

/* ---- imports ---- */

static void im_commit_from(struct apiscan *sc)
{
	struct import_fsm *im = &sc->im;

	if (im->has_name && !im->name_bad && !im->mod_bad && !im->need_seg) {
		const char *mod = im->has_mod ? im->mod : NULL;
		if (bindings_setdefault(&sc->name2module, im->name, im->namelen, mod, im->modlen) <
		    0)
			sc->oom = 1;
		if (im->has_as && bindings_setdefault(&sc->alias2name, im->as, im->aslen, im->name,
		                                      im->namelen) < 0)
			sc->oom = 1;
	}
	im->has_name = im->name_bad = im->has_as = 0;
	im->namelen = im->aslen = 0;
}

static void im_commit_import(struct apiscan *sc)
{
	struct import_fsm *im = &sc->im;

	if (im->has_mod && !im->mod_bad && !im->need_seg) {
		int k;
		if (im->has_as) {
			k = bindings_setdefault(&sc->modalias, im->as, im->aslen, im->mod,
			                        im->modlen);
		} else {
			/* `import a.b` binds a to the module a */
			const char *dot = memchr(im->mod, '.', im->modlen);
			size_t n = dot ? (size_t)(dot - im->mod) : im->modlen;
			k = bindings_setdefault(&sc->modalias, im->mod, n, im->mod, n);
		}
		if (k < 0)
			sc->oom = 1;
	}
	im->has_mod = im->mod_bad = im->need_seg = im->has_as = 0;
	im->modlen = im->aslen = 0;
}

static void im_start(struct apiscan *sc, int state)
{
	struct import_fsm *im = &sc->im;

	im->state = state;
	im->modlen = im->namelen = im->aslen = 0;
	im->has_mod = im->mod_bad = im->need_seg = 0;
	im->has_name = im->name_bad = im->has_as = 0;
	im->expect_name = 1;
	im->paren = 0;
}

/* Feed one token to the import recogniser. `from m import a as b, c` and `import m.n as x`
 * anywhere (nested in functions too), parenthesised name lists included. */
static void im_feed(struct apiscan *sc, const struct pytok *t)
{
	struct import_fsm *im = &sc->im;
	int round;

	for (round = 0; round < 2; round++) {
		switch (im->state) {
		case IM_NONE:
			if (t->type == PYTOK_NAME && (t->flags & PYTOK_KEYWORD)) {
				if (kw_is(t, "from"))
					im_start(sc, IM_FROM_MOD);
				else if (kw_is(t, "import"))
					im_start(sc, IM_IMP_MOD);
			}
			return;
		case IM_FROM_MOD:
			if (t->type == PYTOK_OP &&
			    (tok_is(t, PYTOK_OP, ".") || tok_is(t, PYTOK_OP, "..."))) {
				/* leading dots are relative levels: packj's node.module omits them
				 */
				if (im->has_mod) {
					if (im->need_seg || t->len != 1)
						im->mod_bad = 1;
					im->need_seg = 1;
				}
				return;
			}
			if (is_plain_name(t)) {
				if (im->has_mod && !im->need_seg) {
					im->state = IM_NONE;
					return;
				}
				if (seg_append(im->mod, &im->modlen, t->text, t->len, im->has_mod))
					im->mod_bad = 1;
				im->has_mod = 1;
				im->need_seg = 0;
				return;
			}
			if (kw_is(t, "import")) {
				im->state = IM_FROM_NAMES;
				im->expect_name = 1;
				return;
			}
			im->state = IM_NONE;
			continue;
		case IM_FROM_NAMES:
			if (im->expect_name && !im->has_name && !im->paren &&
			    tok_is(t, PYTOK_OP, "(")) {
				im->paren = 1;
				return;
			}
			if (im->expect_name && (is_plain_name(t) || tok_is(t, PYTOK_OP, "*"))) {
				im->has_name = 1;
				im->expect_name = 0;
				im->namelen = 0;
				if (seg_append(im->name, &im->namelen, t->text, t->len, 0))
					im->name_bad = 1;
				return;
			}
			if (im->has_name && !im->has_as && kw_is(t, "as")) {
				im->state = IM_FROM_AS;
				return;
			}
			im_commit_from(sc);
			if (tok_is(t, PYTOK_OP, ",")) {
				im->expect_name = 1;
				return;
			}
			im->state = IM_NONE;
			if (tok_is(t, PYTOK_OP, ")"))
				return;
			continue;
		case IM_FROM_AS:
			if (is_plain_name(t)) {
				im->has_as = 1;
				im->aslen = 0;
				if (seg_append(im->as, &im->aslen, t->text, t->len, 0))
					im->name_bad = 1;
				im->state = IM_FROM_NAMES;
				return;
			}
			im->has_name = 0;
			im->state = IM_NONE;
			continue;
		case IM_IMP_MOD:
			if (tok_is(t, PYTOK_OP, ".")) {
				if (!im->has_mod || im->need_seg)
					im->mod_bad = 1;
				im->need_seg = 1;
				return;
			}
			if (is_plain_name(t) && (!im->has_mod || im->need_seg)) {
				if (seg_append(im->mod, &im->modlen, t->text, t->len, im->has_mod))
					im->mod_bad = 1;
				im->has_mod = 1;
				im->need_seg = 0;
				return;
			}
			if (im->has_mod && !im->has_as && kw_is(t, "as")) {
				im->state = IM_IMP_AS;
				return;
			}
			im_commit_import(sc);
			if (tok_is(t, PYTOK_OP, ","))
				return;
			im->state = IM_NONE;
			continue;
		case IM_IMP_AS:
			if (is_plain_name(t) && !im->has_as) {
				im->has_as = 1;
				im->aslen = 0;
				if (seg_append(im->as, &im->aslen, t->text, t->len, 0))
					im->mod_bad = 1;
				return;
			}
			im_commit_import(sc);
			if (tok_is(t, PYTOK_OP, ",")) {
				im->state = IM_IMP_MOD;
				return;
			}
			im->state = IM_NONE;
			continue;
		}
	}
}

/* ---- calls ---- */

/* The bare-name rule of packj: alias2name, then name2module. Writes the full name into buf
 * (NAME_MAX_LEN); returns its length, or 0 if it does not fit. */
static size_t resolve_bare(const struct apiscan *sc, const char *name, size_t n, char *buf)
{
	const char *alias, *mod;
	size_t len = 0;

	if (bindings_get(&sc->alias2name, name, n, &alias)) {
		name = alias;
		n = strlen(alias);
	}
	if (bindings_get(&sc->name2module, name, n, &mod) && mod &&
	    seg_append(buf, &len, mod, strlen(mod), 0))
		return 0;
	if (seg_append(buf, &len, name, n, len > 0))
		return 0;
	return len;
}

/* Full name of a call on the dotted name s[0..tlen) of nseg names, into buf; 0 if it cannot
 * match. */
static size_t call_name(const struct apiscan *sc, const char *s, size_t tlen, size_t nseg,
                        char *buf)
{
	const char *last = s + tlen, *dot;
	size_t len = 0, first;

	if (nseg == 1)
		return resolve_bare(sc, s, tlen, buf);
	if (sc->mode != APISCAN_ALIASES) {
		memcpy(buf, s, tlen);
		return tlen;
	}
	/* aliases mode: resolve the first name of the base */
	dot = memchr(s, '.', tlen);
	first = (size_t)(dot - s);
	{
		const char *mod;
		if (bindings_get(&sc->modalias, s, first, &mod)) {
			if (seg_append(buf, &len, mod, strlen(mod), 0))
				return 0;
		} else {
			len = resolve_bare(sc, s, first, buf);
			if (!len)
				return 0;
		}
	}
	if (seg_append(buf, &len, dot + 1, (size_t)(last - dot - 1), 1))
		return 0;
	return len;
}

static int add_hit(struct apiscan *sc, const char *name, size_t n, const char *category,
                   size_t end_line)
{
	struct api_hits *h = sc->out;
	struct api_hit *e;
	const char *dot;

	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 16;
		struct api_hit *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	e = &h->v[h->n];
	e->full_name = malloc(n + 1);
	if (!e->full_name)
		return -1;
	memcpy(e->full_name, name, n);
	e->full_name[n] = '\0';
	dot = strrchr(e->full_name, '.');
	e->short_name = dot ? dot + 1 : e->full_name;
	e->category = category;
	e->line = sc->ch.start_line;
	e->end_line = end_line;
	h->n++;
	return 0;
}

static int push_level(struct apiscan *sc, unsigned char kind, const struct pytok *t)
{
	struct level *l;

	if (sc->nlv == sc->caplv) {
		size_t cap = sc->caplv ? 2 * sc->caplv : 32;
		struct level *v = realloc(sc->lv, cap * sizeof(*v));
		if (!v)
			return -1;
		sc->lv = v;
		sc->caplv = cap;
	}
	l = &sc->lv[sc->nlv++];
	l->kind = kind;
	l->saved = sc->ch;
	l->open_line = t->line;
	l->open_tok = sc->tok;
	l->hit = 0;
	return 0;
}

static void chain_start(struct apiscan *sc, const struct pytok *t, int pure)
{
	sc->ch.active = 1;
	sc->ch.pure = (unsigned char)pure;
	sc->ch.after_dot = 0;
	sc->ch.string = 0;
	sc->ch.start_line = t->line;
	sc->ch.start_tok = sc->tok;
	sc->ch.nseg = 0;
	sc->tlen = 0;
	if (pure) {
		if (seg_append(sc->text, &sc->tlen, t->text, t->len, 0))
			sc->ch.pure = 0;
		sc->ch.nseg = 1;
	}
}

static void chain_break(struct apiscan *sc)
{
	memset(&sc->ch, 0, sizeof(sc->ch));
}

/* Pop the top level at its closing bracket (or at the end of a field or of the file). */
static void pop_level(struct apiscan *sc, size_t close_line)
{
	struct level *l = &sc->lv[--sc->nlv];

	switch (l->kind) {
	case LV_CALL:
		if (l->hit)
			sc->out->v[l->hit - 1].end_line = close_line;
		/* fall through */
	case LV_SUB:
		sc->ch = l->saved;
		sc->ch.pure = 0;
		sc->ch.after_dot = 0;
		sc->ch.string = 0;
		break;
	case LV_GROUP:
		if (sc->ch.active && sc->ch.pure && !sc->ch.after_dot &&
		    sc->ch.start_tok == l->open_tok + 1) {
			/* `(a.b)`: still the dotted name a.b, starting at '(' */
			sc->ch.start_line = l->open_line;
			sc->ch.start_tok = l->open_tok;
			break;
		}
		/* fall through */
	case LV_DISPLAY:
		sc->ch.active = 1;
		sc->ch.pure = 0;
		sc->ch.after_dot = 0;
		sc->ch.string = 0;
		sc->ch.start_line = l->open_line;
		sc->ch.start_tok = l->open_tok;
		sc->ch.nseg = 0;
		break;
	case LV_FIELD:
		sc->ch = l->saved;
		break;
	}
}

static int on_open_paren(struct apiscan *sc, const struct pytok *t)
{
	char buf[NAME_MAX_LEN];
	size_t n;
	const char *cat;

	if (!sc->ch.active || sc->ch.after_dot) {
		if (push_level(sc, LV_GROUP, t) < 0)
			return -1;
		chain_break(sc);
		return 0;
	}
	if (push_level(sc, LV_CALL, t) < 0)
		return -1;
	if (sc->ch.pure && (n = call_name(sc, sc->text, sc->tlen, sc->ch.nseg, buf)) > 0 &&
	    (cat = api_table_category_n(sc->t, buf, n))) {
		if (add_hit(sc, buf, n, cat, t->line) < 0)
			return -1;
		sc->lv[sc->nlv - 1].hit = sc->out->n;
	}
	chain_break(sc);
	return 0;
}

static int feed(struct apiscan *sc, const struct pytok *t)
{
	int def_pending = sc->def_pending;

	sc->def_pending = 0;
	if (t->type != PYTOK_NEWLINE)
		sc->last_line = t->end_line;
	im_feed(sc, t);
	switch (t->type) {
	case PYTOK_NAME:
		if ((t->flags & PYTOK_KEYWORD) && !(sc->ch.active && sc->ch.after_dot)) {
			if (kw_is(t, "True") || kw_is(t, "False") || kw_is(t, "None")) {
				chain_start(sc, t, 0);
				break;
			}
			chain_break(sc);
			if (kw_is(t, "def") || kw_is(t, "class"))
				sc->def_pending = 1;
			break;
		}
		if (sc->ch.active && sc->ch.after_dot) {
			if (sc->ch.pure && seg_append(sc->text, &sc->tlen, t->text, t->len, 1))
				sc->ch.pure = 0;
			sc->ch.nseg++;
			sc->ch.after_dot = 0;
			break;
		}
		if (def_pending) {
			chain_break(sc);
			break;
		}
		chain_start(sc, t, 1);
		break;
	case PYTOK_STRING:
		if (sc->ch.active && sc->ch.string && !sc->ch.after_dot)
			break; /* "a" "b": one literal */
		chain_start(sc, t, 0);
		sc->ch.string = 1;
		break;
	case PYTOK_NUMBER:
		chain_start(sc, t, 0);
		break;
	case PYTOK_OP:
		if (t->len == 1) {
			switch (t->text[0]) {
			case '.':
				if (sc->ch.active && !sc->ch.after_dot)
					sc->ch.after_dot = 1;
				else
					chain_break(sc);
				return 0;
			case '(':
				return on_open_paren(sc, t);
			case '[':
				if (sc->ch.active && !sc->ch.after_dot) {
					if (push_level(sc, LV_SUB, t) < 0)
						return -1;
				} else if (push_level(sc, LV_DISPLAY, t) < 0) {
					return -1;
				}
				chain_break(sc);
				return 0;
			case '{':
				if (push_level(sc, LV_DISPLAY, t) < 0)
					return -1;
				chain_break(sc);
				return 0;
			case ')':
			case ']':
			case '}':
				if (sc->nlv && sc->lv[sc->nlv - 1].kind != LV_FIELD)
					pop_level(sc, t->line);
				else
					chain_break(sc);
				return 0;
			}
		}
		chain_break(sc);
		break;
	case PYTOK_FSTART:
		if (push_level(sc, LV_FIELD, t) < 0)
			return -1;
		chain_break(sc);
		break;
	case PYTOK_FEND: {
		size_t k = sc->nlv;
		while (k && sc->lv[k - 1].kind != LV_FIELD)
			k--;
		if (!k) {
			chain_break(sc);
			break;
		}
		while (sc->nlv >= k)
			pop_level(sc, t->line);
		break;
	}
	default: /* NEWLINE, ERROR */
		chain_break(sc);
		break;
	}
	return 0;
}

struct apiscan *apiscan_new(const struct api_table *t, enum apiscan_mode mode, struct api_hits *out)
{
	struct apiscan *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return NULL;
	sc->t = t;
	sc->mode = mode;
	sc->out = out;
	return sc;
}

int apiscan_feed(struct apiscan *sc, const struct pytok *tok)
{
	if (feed(sc, tok) < 0 || sc->oom)
		return -1;
	sc->tok++;
	return 0;
}

void apiscan_finish(struct apiscan *sc)
{
	/* calls left open at the end of the file end on its last line */
	while (sc->nlv)
		pop_level(sc, sc->last_line);
}

size_t apiscan_resolve(const struct apiscan *sc, const char *name, size_t n, char *buf, size_t cap)
{
	char out[NAME_MAX_LEN];
	size_t len, nseg = 1;

	if (!n || n >= NAME_MAX_LEN || cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		nseg += name[i] == '.';
	len = call_name(sc, name, n, nseg, out);
	if (!len || len >= cap)
		return 0;
	memcpy(buf, out, len);
	buf[len] = '\0';
	return len;
}

int apiscan_is_bound(const struct apiscan *sc, const char *name, size_t n)
{
	const char *target;

	return bindings_get(&sc->modalias, name, n, &target) ||
	       bindings_get(&sc->name2module, name, n, &target) ||
	       bindings_get(&sc->alias2name, name, n, &target);
}

void apiscan_free(struct apiscan *sc)
{
	if (!sc)
		return;
	free(sc->lv);
	bindings_release(&sc->name2module);
	bindings_release(&sc->alias2name);
	bindings_release(&sc->modalias);
	free(sc);
}

int apiscan_source(const struct api_table *t, const char *src, size_t len, enum apiscan_mode mode,
                   const struct pylex_limits *lim, struct api_hits *out, struct diag *d)
{
	struct apiscan *sc;
	struct pylex lx;
	struct pytok tok;
	int ret = 0, r;

	if (!(sc = apiscan_new(t, mode, out)))
		return diag_error(d, "out of memory scanning for api calls");
	if (pylex_init(&lx, src, len, lim, d) < 0) {
		pylex_release(&lx);
		apiscan_free(sc);
		return -1;
	}
	while ((r = pylex_next(&lx, &tok)) > 0) {
		if (apiscan_feed(sc, &tok) < 0) {
			ret = diag_error(d, "out of memory scanning for api calls");
			break;
		}
	}
	if (r < 0)
		ret = -1;
	apiscan_finish(sc);
	pylex_release(&lx);
	apiscan_free(sc);
	return ret;
}
