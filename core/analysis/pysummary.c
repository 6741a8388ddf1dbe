/* pysummary: scopes, statements, calls, bindings and references from one token stream (see
 * pysummary.h). */
#include "core/analysis/pysummary.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { LV_CALL, LV_SUB, LV_GROUP, LV_DISPLAY, LV_FIELD, LV_HEADER };

struct pysum_level {
	unsigned char kind;       /* LV_* */
	unsigned char arg_start;  /* CALL, HEADER: the next token starts an argument */
	signed char rs;           /* SUB: tokens of `[::-1]` seen so far, -1 once it cannot be */
	size_t call;              /* CALL: its record, or PYSUM_NONE */
	size_t argi;              /* CALL, HEADER: index of the current argument */
	size_t kwarg;             /* CALL: keyword of the current argument, or PYSUM_NONE */
	size_t line;              /* line of the opening bracket */
	struct pysum_chain saved; /* FIELD: the chain to restore at its end */
};

/* First-keyword classes of a statement. */
enum { FK_NONE, FK_COMPOUND, FK_DEF, FK_CLASS, FK_ASYNC };

/* ---- records ---- */

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *p;
	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if (c > SIZE_MAX / elem)
		return -1;
	p = realloc(*v, c * elem);
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

/* Append one zeroed record to vector v (n, cap); its index, or PYSUM_NONE when over the cap
 * (counted) or out of memory (b->oom). */
#define PUSH(b, vec, n, cap)                                                                       \
	push_record((b), (void **)&(b)->s->vec, &(b)->s->n, &(b)->s->cap, sizeof(*(b)->s->vec))

static size_t push_record(struct pysum_builder *b, void **v, size_t *n, size_t *cap, size_t elem)
{
	if (*n >= PYSUM_MAX_RECORDS) {
		b->s->dropped++;
		return PYSUM_NONE;
	}
	if (grow(v, cap, *n, elem) < 0) {
		b->oom = 1;
		return PYSUM_NONE;
	}
	memset((char *)*v + *n * elem, 0, elem);
	return (*n)++;
}

static size_t intern(struct pysum_builder *b, const char *s, size_t n)
{
	size_t idx;
	if (strset_add(&b->s->names, s, n, &idx) < 0) {
		b->oom = 1;
		return PYSUM_NONE;
	}
	return idx;
}

const char *pysum_str(const struct pysum *s, size_t i)
{
	return i == PYSUM_NONE || i >= s->names.count ? "" : strset_get(&s->names, i);
}

size_t pysum_find(const struct pysum *s, const char *str)
{
	return strset_find(&s->names, str, strlen(str));
}

void pysum_release(struct pysum *s)
{
	if (!s)
		return;
	free(s->scopes);
	free(s->stmts);
	free(s->calls);
	free(s->binds);
	free(s->refs);
	strset_release(&s->names);
	memset(s, 0, sizeof(*s));
}

/* ---- helpers ---- */

static int tok_is(const struct pytok *t, enum pytok_type type, const char *s)
{
	size_t n = strlen(s);
	return t->type == type && t->len == n && !memcmp(t->text, s, n);
}

static int kw_is(const struct pytok *t, const char *s)
{
	return (t->flags & PYTOK_KEYWORD) && tok_is(t, PYTOK_NAME, s);
}

/* An assignment operator other than '=': "+=", "//=", ... (not "==", "<=", ">=", "!="). */
static int is_augassign(const struct pytok *t)
{
	if (t->type != PYTOK_OP || t->len < 2 || t->text[t->len - 1] != '=')
		return 0;
	return !(t->len == 2 && strchr("=<>!:", t->text[0]));
}

static size_t cur_scope(const struct pysum_builder *b)
{
	return b->n_scope_stack ? b->scope_stack[b->n_scope_stack - 1] : b->module_scope;
}

/* The innermost CALL level, or NULL. */
static struct pysum_level *call_level(const struct pysum_builder *b)
{
	for (size_t k = b->n_lv; k > 0; k--)
		if (b->lv[k - 1].kind == LV_CALL)
			return &b->lv[k - 1];
	return NULL;
}

/* The innermost level if it is a CALL or HEADER at an argument start, else NULL. */
static struct pysum_level *arg_level(const struct pysum_builder *b)
{
	struct pysum_level *l = b->n_lv ? &b->lv[b->n_lv - 1] : NULL;
	return l && (l->kind == LV_CALL || l->kind == LV_HEADER) && l->arg_start ? l : NULL;
}

/* Indentation (columns, tabs to the next multiple of 8) of the token at byte `off`. */
static size_t indent_of(const struct pysum_builder *b, size_t off)
{
	size_t st = off, col = 0;
	while (st > 0 && b->text[st - 1] != '\n')
		st--;
	for (size_t i = st; i < off; i++)
		col = b->text[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/* ---- the (scope, name) -> latest binding map ---- */

static size_t latest_key(char *key, size_t scope, const char *name, size_t n)
{
	memcpy(key, &scope, sizeof(scope));
	memcpy(key + sizeof(scope), name, n);
	return sizeof(scope) + n;
}

static size_t latest_find(const struct pysum_builder *b, size_t scope, const char *name, size_t n)
{
	char key[sizeof(size_t) + PYSUM_CHAIN_MAX];
	size_t i;
	if (n >= PYSUM_CHAIN_MAX)
		return PYSUM_NONE;
	i = strset_find(&b->latest, key, latest_key(key, scope, name, n));
	return i == (size_t)-1 ? PYSUM_NONE : b->latest_bind[i];
}

static void latest_set(struct pysum_builder *b, size_t scope, const char *name, size_t bind)
{
	char key[sizeof(size_t) + PYSUM_CHAIN_MAX];
	size_t n = strlen(name), i;
	if (n >= PYSUM_CHAIN_MAX)
		return;
	if (strset_add(&b->latest, key, latest_key(key, scope, name, n), &i) < 0 ||
	    grow((void **)&b->latest_bind, &b->cap_latest, i, sizeof(size_t)) < 0) {
		b->oom = 1;
		return;
	}
	b->latest_bind[i] = bind;
}

/* ---- chains ---- */

static void chain_break(struct pysum_builder *b)
{
	b->ch.active = 0;
	b->ch.pure = 0;
	b->ch.after_dot = 0;
	b->ch.ref = PYSUM_NONE;
}

/* An impure primary (a call result, literal, display) whose text is "*". */
static void chain_impure(struct pysum_builder *b, size_t line)
{
	b->ch.active = 1;
	b->ch.pure = 0;
	b->ch.after_dot = 0;
	b->ch.at_arg = 0;
	b->ch.line = line;
	b->ch.nseg = 0;
	b->ch.ref = PYSUM_NONE;
	b->ch.text[0] = '*';
	b->ch.len = 1;
}

static void chain_append(struct pysum_builder *b, const char *s, size_t n)
{
	struct pysum_chain *c = &b->ch;
	if (c->len + 1 + n >= PYSUM_CHAIN_MAX) {
		/* too long to match anything: an impure "*" */
		c->pure = 0;
		c->text[0] = '*';
		c->len = 1;
		return;
	}
	if (c->len)
		c->text[c->len++] = '.';
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

/* The callee name of the current chain, interned. */
static size_t chain_name(struct pysum_builder *b)
{
	char buf[PYSUM_CHAIN_MAX];
	size_t n;
	if (b->ch.pure && b->resolver &&
	    (n = apiscan_resolve(b->resolver, b->ch.text, b->ch.len, buf, sizeof(buf))) > 0)
		return intern(b, buf, n);
	return intern(b, b->ch.text, b->ch.len);
}

/* ---- references ---- */

static size_t add_ref(struct pysum_builder *b, unsigned kind, size_t name, size_t bind, size_t line)
{
	struct pysum_level *cl = call_level(b);
	size_t r;
	if (b->stmt == PYSUM_NONE || (r = PUSH(b, refs, n_refs, cap_refs)) == PYSUM_NONE)
		return PYSUM_NONE;
	b->s->refs[r].stmt = b->stmt;
	b->s->refs[r].line = line;
	b->s->refs[r].kind = kind;
	b->s->refs[r].name = name;
	b->s->refs[r].bind = bind;
	b->s->refs[r].call = cl ? cl->call : PYSUM_NONE;
	b->s->refs[r].kwarg = cl ? cl->kwarg : PYSUM_NONE;
	b->s->stmts[b->stmt].n_refs++;
	return r;
}

/* Undo reference r if it is the last one recorded (a name that turned out to be written). */
static void undo_ref(struct pysum_builder *b, size_t r)
{
	if (r != PYSUM_NONE && r + 1 == b->s->n_refs) {
		b->s->n_refs--;
		b->s->stmts[b->s->refs[r].stmt].n_refs--;
	}
}

/* At a ',' or ')' ending an argument: a whole-argument dotted name whose first part is bound
 * by an import is a MODULE_ATTR reference (`dict(os.environ)`). */
static void module_attr_arg(struct pysum_builder *b, const struct pytok *t)
{
	struct pysum_chain *c = &b->ch;
	const struct pysum_level *l = b->n_lv ? &b->lv[b->n_lv - 1] : NULL;
	const char *dot;
	if (!l || l->kind != LV_CALL || !c->active || !c->pure || !c->at_arg || c->after_dot ||
	    c->nseg < 2 || !b->resolver)
		return;
	dot = memchr(c->text, '.', c->len);
	if (!dot || !apiscan_is_bound(b->resolver, c->text, (size_t)(dot - c->text)))
		return;
	add_ref(b, PYSUM_REF_MODULE_ATTR, chain_name(b), PYSUM_NONE, t->line);
}

/* ---- statements ---- */

static void end_statement(struct pysum_builder *b)
{
	struct pysum_stmt *st;
	if (b->stmt == PYSUM_NONE)
		goto out;
	st = &b->s->stmts[b->stmt];
	if (st->kind == PYSUM_STMT_DOCSTRING && !b->only_strings)
		st->kind = PYSUM_STMT_EXPR;
	if (b->pending_bind_name != PYSUM_NONE) {
		size_t k = PUSH(b, binds, n_binds, cap_binds);
		if (k != PYSUM_NONE) {
			struct pysum_bind *bd = &b->s->binds[k];
			bd->stmt = b->stmt;
			bd->name = b->pending_bind_name;
			bd->kind = b->pending_bind_kind;
			bd->def_scope = b->pending_def_scope;
			b->s->stmts[b->stmt].bind = k;
			latest_set(b, b->pending_bind_scope, pysum_str(b->s, bd->name), k);
		}
	}
out:
	b->pending_bind_name = PYSUM_NONE;
	b->pending_def_scope = PYSUM_NONE;
	b->stmt = PYSUM_NONE;
	b->stmt_tokens = 0;
	chain_break(b);
}

static void pop_scopes(struct pysum_builder *b, size_t col)
{
	while (b->n_scope_stack && b->indent_stack[b->n_scope_stack - 1] >= col)
		b->n_scope_stack--;
}

static unsigned first_kind(const struct pytok *t, unsigned *fk)
{
	static const char *const control[] = {"if",  "elif",   "else",    "for",  "while",
	                                      "try", "except", "finally", "with", NULL};
	*fk = FK_NONE;
	if (t->type == PYTOK_STRING)
		return PYSUM_STMT_DOCSTRING;
	if (tok_is(t, PYTOK_OP, "@"))
		return PYSUM_STMT_DECORATOR;
	if (!(t->flags & PYTOK_KEYWORD))
		return PYSUM_STMT_EXPR;
	if (kw_is(t, "import") || kw_is(t, "from"))
		return PYSUM_STMT_IMPORT;
	if (kw_is(t, "def")) {
		*fk = FK_DEF;
		return PYSUM_STMT_DEF;
	}
	if (kw_is(t, "class")) {
		*fk = FK_CLASS;
		return PYSUM_STMT_CLASS;
	}
	if (kw_is(t, "async")) {
		*fk = FK_ASYNC;
		return PYSUM_STMT_CONTROL;
	}
	for (size_t i = 0; control[i]; i++)
		if (kw_is(t, control[i])) {
			*fk = FK_COMPOUND;
			return PYSUM_STMT_CONTROL;
		}
	if (kw_is(t, "pass") || kw_is(t, "global") || kw_is(t, "nonlocal"))
		return PYSUM_STMT_PASS;
	return PYSUM_STMT_EXPR;
}

static void begin_statement(struct pysum_builder *b, const struct pytok *t)
{
	size_t k, scope;
	if (b->stmt_newline) {
		b->stmt_indent = indent_of(b, t->off);
		pop_scopes(b, b->stmt_indent);
	}
	b->stmt_start = 0;
	b->stmt_newline = 0;
	b->stmt_tokens = 0;
	b->only_strings = 1;
	b->first_is_name = 0;
	b->target_ref = PYSUM_NONE;
	scope = cur_scope(b);
	k = PUSH(b, stmts, n_stmts, cap_stmts);
	b->stmt = k;
	if (k == PYSUM_NONE)
		return;
	b->s->stmts[k].scope = scope;
	b->s->stmts[k].line = t->line;
	b->s->stmts[k].kind = first_kind(t, &b->first_kw);
	b->s->stmts[k].first_call = b->s->n_calls;
	b->s->stmts[k].first_ref = b->s->n_refs;
	b->s->stmts[k].bind = PYSUM_NONE;
	if (scope != PYSUM_NONE)
		b->s->scopes[scope].n_stmts++;
}

/* ---- scopes ---- */

static void open_scope(struct pysum_builder *b, const struct pytok *t, unsigned kind)
{
	size_t k = PUSH(b, scopes, n_scopes, cap_scopes), parent = cur_scope(b);
	size_t name = intern(b, t->text, t->len);
	if (k == PYSUM_NONE)
		return;
	b->s->scopes[k].file = b->file;
	b->s->scopes[k].kind = kind;
	b->s->scopes[k].parent = parent;
	b->s->scopes[k].line = t->line;
	b->s->scopes[k].name = name;
	b->s->scopes[k].bases = PYSUM_NONE;
	if (grow((void **)&b->scope_stack, &b->cap_scope_stack, b->n_scope_stack, sizeof(size_t)) <
	        0 ||
	    grow((void **)&b->indent_stack, &b->cap_indent_stack, b->n_scope_stack,
	         sizeof(size_t)) < 0) {
		b->oom = 1;
		return;
	}
	b->scope_stack[b->n_scope_stack] = k;
	b->indent_stack[b->n_scope_stack] = b->stmt_indent;
	b->n_scope_stack++;
	/* the name is bound in the enclosing scope when the header statement ends */
	b->pending_bind_name = name;
	b->pending_bind_kind = kind == PYSUM_CLASS ? PYSUM_BIND_CLASS : PYSUM_BIND_DEF;
	b->pending_bind_scope = parent;
	b->pending_def_scope = k;
	b->class_scope = kind == PYSUM_CLASS ? k : PYSUM_NONE;
	sbuf_reset(&b->bases);
}

/* ---- brackets ---- */

static struct pysum_level *push_level(struct pysum_builder *b, unsigned char kind,
                                      const struct pytok *t)
{
	struct pysum_level *l;
	if (grow((void **)&b->lv, &b->cap_lv, b->n_lv, sizeof(*b->lv)) < 0) {
		b->oom = 1;
		return NULL;
	}
	l = &b->lv[b->n_lv++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->call = PYSUM_NONE;
	l->kwarg = PYSUM_NONE;
	l->line = t->line;
	l->arg_start = kind == LV_CALL || kind == LV_HEADER;
	return l;
}

static void open_call(struct pysum_builder *b, const struct pytok *t)
{
	struct pysum_level *parent = call_level(b), *l;
	size_t name = chain_name(b), line = b->ch.line, k = PYSUM_NONE;
	if (b->stmt != PYSUM_NONE && (k = PUSH(b, calls, n_calls, cap_calls)) != PYSUM_NONE) {
		struct pysum_call *c = &b->s->calls[k];
		c->stmt = b->stmt;
		c->line = line;
		c->end_line = t->line;
		c->parent = parent ? parent->call : PYSUM_NONE;
		c->kwarg = parent ? parent->kwarg : PYSUM_NONE;
		c->arg = parent ? parent->argi : 0;
		c->name = name;
		b->s->stmts[b->stmt].n_calls++;
	}
	if ((l = push_level(b, LV_CALL, t))) {
		l->call = k;
		l->line = line;
	}
	chain_break(b);
}

/* Close the top level (at its closing bracket, or the end of a field or of the file). */
static void pop_level(struct pysum_builder *b, size_t line)
{
	struct pysum_level *l = &b->lv[--b->n_lv];
	switch (l->kind) {
	case LV_CALL:
		if (l->call != PYSUM_NONE)
			b->s->calls[l->call].end_line = line;
		chain_impure(b, l->line);
		break;
	case LV_HEADER:
		if (b->class_scope != PYSUM_NONE && b->bases.len)
			b->s->scopes[b->class_scope].bases =
			    intern(b, sbuf_cstr(&b->bases), b->bases.len);
		b->class_scope = PYSUM_NONE;
		chain_break(b);
		break;
	case LV_FIELD:
		b->ch = l->saved;
		break;
	default: /* SUB, GROUP, DISPLAY: the result is a primary */
		chain_impure(b, l->line);
		break;
	}
}

/* A class header's base ends at ',' or ')': keep it if it is a dotted name. */
static void header_base(struct pysum_builder *b)
{
	char buf[PYSUM_CHAIN_MAX];
	size_t n;
	const struct pysum_level *l = &b->lv[b->n_lv - 1];
	if (l->kind != LV_HEADER || l->kwarg != PYSUM_NONE || b->class_scope == PYSUM_NONE ||
	    !b->ch.active || !b->ch.pure || !b->ch.at_arg || b->ch.after_dot)
		return;
	n = b->resolver ? apiscan_resolve(b->resolver, b->ch.text, b->ch.len, buf, sizeof(buf)) : 0;
	if (b->bases.len && sbuf_addch(&b->bases, ',') < 0)
		b->oom = 1;
	if (sbuf_add(&b->bases, n ? buf : b->ch.text, n ? n : b->ch.len) < 0)
		b->oom = 1;
}

/* `[::-1]`: advance the SUB level's recogniser with token t (before it is handled). */
static void reverse_slice_step(struct pysum_builder *b, const struct pytok *t)
{
	struct pysum_level *l = b->n_lv ? &b->lv[b->n_lv - 1] : NULL;
	if (!l || l->kind != LV_SUB || l->rs < 0)
		return;
	if ((l->rs == 0 || l->rs == 1) && tok_is(t, PYTOK_OP, ":"))
		l->rs++;
	else if (l->rs == 2 && tok_is(t, PYTOK_OP, "-"))
		l->rs = 3;
	else if (l->rs == 3 && tok_is(t, PYTOK_NUMBER, "1"))
		l->rs = 4;
	else if (l->rs == 4 && tok_is(t, PYTOK_OP, "]")) {
		struct pysum_level *cl = call_level(b);
		if (b->stmt != PYSUM_NONE)
			b->s->stmts[b->stmt].flags |= PYSUM_REVERSE_SLICE;
		if (cl && cl->call != PYSUM_NONE)
			b->s->calls[cl->call].flags |= PYSUM_CALL_REVERSE_SLICE;
	} else
		l->rs = -1;
}

/* ---- names ---- */

static void count_name(struct pysum_builder *b, const struct pytok *t)
{
	struct pysum_file *st = b->stats;
	size_t chars = 0;
	st->n_names++;
	for (size_t i = 0; i < t->len; i++)
		chars += ((unsigned char)t->text[i] & 0xC0) != 0x80;
	if (chars <= 2)
		st->n_short_names++;
	if (t->flags & PYTOK_NONASCII) {
		st->n_nonascii_names++;
		if (t->len != t->end - t->off || memcmp(t->text, b->text + t->off, t->len))
			st->n_nfkc_changed++;
	}
}

/* A plain name read (not after '.', not a def/class name): a BINDING reference if the name
 * has a binding in the current scope. */
static size_t name_ref(struct pysum_builder *b, const struct pytok *t)
{
	size_t bind = latest_find(b, cur_scope(b), t->text, t->len);
	if (bind == PYSUM_NONE)
		return PYSUM_NONE;
	return add_ref(b, PYSUM_REF_BINDING, b->s->binds[bind].name, bind, t->line);
}

/* ---- the token handler ---- */

static void on_name(struct pysum_builder *b, const struct pytok *t, int first)
{
	struct pysum_level *al;
	if (t->flags & PYTOK_KEYWORD) {
		if (b->ch.active && b->ch.after_dot) {
			/* an attribute spelled like a keyword (`x.print` in py2 code) */
			if (b->ch.pure)
				chain_append(b, t->text, t->len);
			b->ch.after_dot = 0;
			return;
		}
		if (kw_is(t, "def") && (first || b->first_kw == FK_ASYNC)) {
			b->def_pending = 1;
			if (b->stmt != PYSUM_NONE)
				b->s->stmts[b->stmt].kind = PYSUM_STMT_DEF;
		} else if (kw_is(t, "class") && first) {
			b->def_pending = 2;
		}
		if (kw_is(t, "True") || kw_is(t, "False") || kw_is(t, "None"))
			chain_impure(b, t->line);
		else
			chain_break(b);
		return;
	}
	count_name(b, t);
	if (b->def_pending) {
		open_scope(b, t, b->def_pending == 2 ? PYSUM_CLASS : PYSUM_DEF);
		b->def_pending = 0;
		b->header_next = 1;
		chain_break(b);
		return;
	}
	if (b->ch.active && b->ch.after_dot) {
		if (b->ch.pure) {
			chain_append(b, t->text, t->len);
			b->ch.nseg++;
		} else {
			chain_append(b, t->text, t->len);
		}
		b->ch.after_dot = 0;
		return;
	}
	al = arg_level(b);
	b->ch.active = 1;
	b->ch.pure = 1;
	b->ch.after_dot = 0;
	b->ch.at_arg = al != NULL;
	b->ch.line = t->line;
	b->ch.nseg = 1;
	b->ch.len = 0;
	chain_append(b, t->text, t->len);
	b->ch.ref = name_ref(b, t);
	if (b->oom)
		return;
	if (first) {
		b->first_is_name = 1;
		b->target_ref = b->ch.ref;
	}
	if (al) {
		b->prev_name_arg = 1;
		b->prev_name_ref = b->ch.ref;
	}
}

static void on_op(struct pysum_builder *b, const struct pytok *t, int header)
{
	struct pysum_level *l = b->n_lv ? &b->lv[b->n_lv - 1] : NULL;
	char c = t->len == 1 ? t->text[0] : '\0';

	/* '=' after the statement's first name, or after a name at an argument start */
	if (tok_is(t, PYTOK_OP, "=") || is_augassign(t)) {
		if (b->first_is_name && b->stmt_tokens == 2 && !b->n_lv && b->stmt != PYSUM_NONE) {
			int aug = is_augassign(t);
			if (!aug)
				undo_ref(b, b->target_ref); /* written, not read */
			b->pending_bind_name = intern(b, b->ch.text, b->ch.len);
			b->pending_bind_kind = aug ? PYSUM_BIND_AUGASSIGN : PYSUM_BIND_ASSIGN;
			b->pending_bind_scope = cur_scope(b);
			b->pending_def_scope = PYSUM_NONE;
			b->s->stmts[b->stmt].kind = PYSUM_STMT_ASSIGN;
		} else if (!b->n_lv && b->stmt != PYSUM_NONE &&
		           b->s->stmts[b->stmt].kind == PYSUM_STMT_EXPR) {
			b->s->stmts[b->stmt].kind = PYSUM_STMT_ASSIGN;
		}
		if (b->prev_name_arg && l && (l->kind == LV_CALL || l->kind == LV_HEADER) &&
		    tok_is(t, PYTOK_OP, "=")) {
			undo_ref(b, b->prev_name_ref);
			l->kwarg = intern(b, b->ch.text, b->ch.len);
			chain_break(b);
			l->arg_start = 1; /* the value is the argument */
			b->keep_arg_start = 1;
			return;
		}
		chain_break(b);
		return;
	}
	switch (c) {
	case '.':
		if (b->ch.active && !b->ch.after_dot)
			b->ch.after_dot = 1;
		else
			chain_break(b);
		return;
	case '(':
		if (header) {
			push_level(b, LV_HEADER, t);
			chain_break(b);
		} else if (b->ch.active && !b->ch.after_dot) {
			open_call(b, t);
		} else {
			push_level(b, LV_GROUP, t);
			chain_break(b);
		}
		return;
	case '[':
		if (b->ch.active && !b->ch.after_dot)
			push_level(b, LV_SUB, t);
		else
			push_level(b, LV_DISPLAY, t);
		chain_break(b);
		return;
	case '{':
		push_level(b, LV_DISPLAY, t);
		chain_break(b);
		return;
	case ',':
		if (l && l->kind == LV_HEADER)
			header_base(b);
		module_attr_arg(b, t);
		if (l && (l->kind == LV_CALL || l->kind == LV_HEADER)) {
			l->argi++;
			l->kwarg = PYSUM_NONE;
			chain_break(b);
			l->arg_start = 1;
			b->keep_arg_start = 1;
			return;
		}
		chain_break(b);
		return;
	case ')':
	case ']':
	case '}':
		if (l && l->kind == LV_HEADER)
			header_base(b);
		if (c == ')')
			module_attr_arg(b, t);
		if (l && l->kind != LV_FIELD)
			pop_level(b, t->line);
		else
			chain_break(b);
		return;
	case ';':
		if (!b->n_lv) {
			end_statement(b);
			b->stmt_start = 1;
		}
		return;
	case ':':
		if (!b->n_lv && (b->first_kw == FK_COMPOUND || b->first_kw == FK_DEF ||
		                 b->first_kw == FK_CLASS || b->first_kw == FK_ASYNC)) {
			/* end of a compound header: what follows on the line is another statement
			 */
			end_statement(b);
			b->stmt_start = 1;
			return;
		}
		chain_break(b);
		return;
	default:
		chain_break(b);
		return;
	}
}

int pysum_feed(struct pysum_builder *b, const struct pytok *t)
{
	int first, prev_name_arg = b->prev_name_arg, header = b->header_next;
	size_t lv_before = b->n_lv;
	b->prev_name_arg = 0;
	b->header_next = 0;
	b->keep_arg_start = 0;
	if (t->type == PYTOK_END)
		return b->oom ? -1 : 0;
	if (t->type == PYTOK_NEWLINE) {
		end_statement(b);
		b->stmt_start = 1;
		b->stmt_newline = 1;
		return b->oom ? -1 : 0;
	}
	if (b->stmt_start)
		begin_statement(b, t);
	first = b->stmt_tokens == 0;
	b->stmt_tokens++;
	if (t->type != PYTOK_STRING)
		b->only_strings = 0;
	b->last_line = t->end_line;
	reverse_slice_step(b, t);
	switch (t->type) {
	case PYTOK_NAME:
		on_name(b, t, first);
		break;
	case PYTOK_OP:
		b->prev_name_arg = prev_name_arg;
		on_op(b, t, header);
		b->prev_name_arg = 0;
		break;
	case PYTOK_STRING:
	case PYTOK_NUMBER:
		chain_impure(b, t->line);
		break;
	case PYTOK_FSTART: {
		struct pysum_chain saved = b->ch;
		struct pysum_level *f = push_level(b, LV_FIELD, t);
		if (f)
			f->saved = saved;
		chain_break(b);
		break;
	}
	case PYTOK_FEND: {
		size_t k = b->n_lv;
		while (k && b->lv[k - 1].kind != LV_FIELD)
			k--;
		if (!k) {
			chain_break(b);
			break;
		}
		while (b->n_lv >= k)
			pop_level(b, t->line);
		break;
	}
	default: /* ERROR */
		chain_break(b);
		break;
	}
	/* the level the token was read in no longer stands at an argument start, unless the
	 * token was its ',' or a keyword's '=' */
	if (!b->keep_arg_start && lv_before && lv_before <= b->n_lv)
		b->lv[lv_before - 1].arg_start = 0;
	return b->oom ? -1 : 0;
}

void pysum_position(const struct pysum_builder *b, size_t *stmt, size_t *call, size_t *arg,
                    size_t *kwarg)
{
	const struct pysum_level *cl = call_level(b);
	*stmt = b->stmt;
	*call = cl ? cl->call : PYSUM_NONE;
	*arg = cl ? cl->argi : PYSUM_NONE;
	*kwarg = cl ? cl->kwarg : PYSUM_NONE;
}

/* ---- files ---- */

int pysum_file_begin(struct pysum_builder *b, struct pysum *s, const struct pkgview_file *f,
                     const char *text, size_t len, const struct apiscan *resolver,
                     struct pysum_file *stats)
{
	size_t k, i = 0;
	memset(b, 0, sizeof(*b));
	memset(stats, 0, sizeof(*stats));
	b->s = s;
	b->file = f;
	b->resolver = resolver;
	b->text = text;
	b->len = len;
	b->stats = stats;
	b->stmt = PYSUM_NONE;
	b->stmt_start = 1;
	b->stmt_newline = 1;
	b->class_scope = PYSUM_NONE;
	b->pending_bind_name = PYSUM_NONE;
	b->pending_def_scope = PYSUM_NONE;
	b->target_ref = PYSUM_NONE;
	b->ch.ref = PYSUM_NONE;
	sbuf_init(&b->bases);
	/* physical lines */
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		stats->n_lines++;
		if (end - i > stats->max_line)
			stats->max_line = end - i;
		i = end + 1;
	}
	k = PUSH(b, scopes, n_scopes, cap_scopes);
	b->module_scope = k;
	stats->module_scope = k;
	if (k != PYSUM_NONE) {
		s->scopes[k].file = f;
		s->scopes[k].kind = PYSUM_MODULE;
		s->scopes[k].parent = PYSUM_NONE;
		s->scopes[k].line = 1;
		s->scopes[k].name = PYSUM_NONE;
		s->scopes[k].bases = PYSUM_NONE;
	}
	return b->oom ? -1 : 0;
}

void pysum_file_end(struct pysum_builder *b)
{
	while (b->n_lv)
		pop_level(b, b->last_line);
	end_statement(b);
	free(b->lv);
	free(b->scope_stack);
	free(b->indent_stack);
	free(b->latest_bind);
	strset_release(&b->latest);
	sbuf_release(&b->bases);
	b->lv = NULL;
	b->scope_stack = b->indent_stack = b->latest_bind = NULL;
	b->n_lv = b->n_scope_stack = 0;
}
