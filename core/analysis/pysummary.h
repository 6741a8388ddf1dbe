/* pysummary: a compact summary of the structure of Python files, built from the tokens of the
 * single lexer pass of core/analysis (no parser, no second pass over any file).
 *
 * What it records, per package (all files together, file then source order):
 *  - scopes: one module scope per file, and every `def` / `class` (nested ones too) with its
 *    name, line, enclosing scope and, for a class, its bases;
 *  - statements: every logical line (a `;` or the `:` of a one-line compound statement starts
 *    another one) with its innermost def/class scope, so "module-level code" is every statement
 *    whose scope is a module scope (also inside module-level if/try/with/for blocks);
 *  - call sites: the callee as a dotted name with import aliases resolved (apiscan's aliases
 *    mode: `import base64 as b; b.b64decode(` is base64.b64decode), the call whose argument
 *    list holds it and under which keyword (`setup(version=get_version())`: get_version's
 *    parent is setup, keyword "version"), and whether `[::-1]` appears in its arguments;
 *  - bindings: `NAME = ...`, `NAME += ...`, `def NAME`, `class NAME` at the start of a
 *    statement, in their scope;
 *  - references: a plain name read in a statement that names an earlier binding of the same
 *    scope (a data-flow edge: `x = b64decode(s)` ... `exec(x)`), and a dotted name of at least
 *    two parts whose first part is bound by an import, passed whole as a call argument
 *    (`dict(os.environ)`); both with the innermost enclosing call and keyword;
 *  - per file: physical lines, longest line, identifier counts (short, non-ASCII, changed by
 *    NFKC) and the string literals' statement and call (in struct file_string).
 * Indentation decides where a def/class body ends (a statement indented no deeper than its
 * header closes it; tabs advance to the next multiple of 8). Broken code never fails: unmatched
 * brackets are closed at the end of the file, as apiscan does.
 *
 * Names (callees, keywords, binding and scope names) are interned in one strset per package;
 * records store indices (pysum_str() gives the text). At most PYSUM_MAX_RECORDS records of
 * each kind are kept per package; the rest are counted in `dropped`.
 *
 * Memory management: struct pysum is owned by the analysis (pysum_release()); the builder is
 * used by analysis.c only, one file at a time. */
#ifndef PYVET_PYSUMMARY_H
#define PYVET_PYSUMMARY_H

#include <stddef.h>

#include "core/analysis/apiscan.h"
#include "core/analysis/pylex.h"
#include "core/base/strset.h"

#define PYSUM_NONE ((size_t)-1)
#define PYSUM_MAX_RECORDS ((size_t)2000000)

struct pkgview_file;

enum pysum_scope_kind { PYSUM_MODULE = 0, PYSUM_DEF, PYSUM_CLASS };

struct pysum_scope {
	const struct pkgview_file *file;
	unsigned kind;  /* enum pysum_scope_kind */
	size_t parent;  /* enclosing scope, PYSUM_NONE for a module scope */
	size_t line;    /* line of `def` / `class`; 1 for a module */
	size_t name;    /* def/class name (interned), PYSUM_NONE for a module */
	size_t bases;   /* class: its bases that are dotted names, resolved, joined by ','
	                 * (interned), PYSUM_NONE if none */
	size_t n_stmts; /* statements directly in this scope */
};

enum pysum_stmt_kind {
	PYSUM_STMT_EXPR = 0,  /* anything else: an expression statement, return, raise, ... */
	PYSUM_STMT_IMPORT,    /* import / from */
	PYSUM_STMT_DEF,       /* def, async def */
	PYSUM_STMT_CLASS,     /* class */
	PYSUM_STMT_DECORATOR, /* @... */
	PYSUM_STMT_DOCSTRING, /* a statement made of string literals only */
	PYSUM_STMT_ASSIGN,    /* NAME = ..., NAME += ... (a binding) or another assignment
	                       * target followed by `=` at bracket depth 0 */
	PYSUM_STMT_CONTROL,   /* if/elif/else/for/while/try/except/finally/with header */
	PYSUM_STMT_PASS,      /* pass, global, nonlocal */
};

/* pysum_stmt.flags */
#define PYSUM_REVERSE_SLICE 1u /* `[::-1]` somewhere in the statement */

struct pysum_stmt {
	size_t scope;               /* innermost def/class scope, else the module scope */
	size_t line;                /* line of its first token */
	unsigned kind;              /* enum pysum_stmt_kind */
	unsigned flags;             /* PYSUM_REVERSE_SLICE */
	size_t first_call, n_calls; /* its calls: calls[first_call .. first_call + n_calls) */
	size_t first_ref, n_refs;   /* its references */
	size_t bind;                /* the binding it makes, or PYSUM_NONE */
};

/* pysum_call.flags */
#define PYSUM_CALL_REVERSE_SLICE 1u /* `[::-1]` directly in its arguments */

struct pysum_call {
	size_t stmt;
	size_t line, end_line; /* first token of the callee; the closing parenthesis */
	size_t parent;         /* the call whose arguments hold this one, or PYSUM_NONE */
	size_t kwarg;          /* keyword of that argument (interned), or PYSUM_NONE */
	size_t arg;            /* 0-based index of that argument in the parent's list */
	size_t name;           /* callee (interned): "base64.b64decode"; "*.write" when the base
	                        * is no dotted name (`open(p).write(`), "*" for `f(x)(` */
	unsigned flags;        /* PYSUM_CALL_* */
};

enum pysum_bind_kind {
	PYSUM_BIND_ASSIGN = 0,
	PYSUM_BIND_AUGASSIGN,
	PYSUM_BIND_DEF,
	PYSUM_BIND_CLASS
};

struct pysum_bind {
	size_t stmt;
	size_t name;      /* interned */
	unsigned kind;    /* enum pysum_bind_kind */
	size_t def_scope; /* DEF/CLASS: the scope it opens, else PYSUM_NONE */
};

enum pysum_ref_kind { PYSUM_REF_BINDING = 0, PYSUM_REF_MODULE_ATTR };

struct pysum_ref {
	size_t stmt;
	size_t line;
	unsigned kind; /* enum pysum_ref_kind */
	size_t name;   /* interned: the plain name, or the resolved dotted name */
	size_t bind;   /* BINDING: the latest binding of the name in the statement's scope made
	                * by an earlier statement; else PYSUM_NONE */
	size_t call;   /* innermost call whose arguments hold it, or PYSUM_NONE */
	size_t kwarg;  /* keyword of that argument, or PYSUM_NONE */
};

/* Lexical statistics of one file. */
struct pysum_file {
	size_t module_scope;     /* its module scope */
	size_t n_lines;          /* physical lines (a last line without LF counts) */
	size_t max_line;         /* bytes of the longest line, line end excluded */
	size_t n_names;          /* identifier tokens that are not keywords */
	size_t n_short_names;    /* ... of one or two characters (NFKC form) */
	size_t n_nonascii_names; /* ... written with non-ASCII characters */
	size_t n_nfkc_changed;   /* ... whose NFKC form differs from the bytes written */
};

struct pysum {
	struct pysum_scope *scopes;
	size_t n_scopes, cap_scopes;
	struct pysum_stmt *stmts;
	size_t n_stmts, cap_stmts;
	struct pysum_call *calls;
	size_t n_calls, cap_calls;
	struct pysum_bind *binds;
	size_t n_binds, cap_binds;
	struct pysum_ref *refs;
	size_t n_refs, cap_refs;
	struct strset names; /* interned strings */
	size_t dropped;      /* records over PYSUM_MAX_RECORDS, not kept */
};

/** The interned string `i`, or "" for PYSUM_NONE. Borrowed from `s`. */
const char *pysum_str(const struct pysum *s, size_t i);

/** The index of interned string `str`, or PYSUM_NONE if no record uses it (compare indices
 *  instead of strings in loops). */
size_t pysum_find(const struct pysum *s, const char *str);

/** Free everything; `s` is left empty. NULL-safe. */
void pysum_release(struct pysum *s);

/* ---- Building (core/analysis/analysis.c) ---- */

struct pysum_level;

#define PYSUM_CHAIN_MAX 256

/* The primary expression ending at the previous token (builder-private). */
struct pysum_chain {
	int active;    /* a primary ends at the previous token */
	int pure;      /* ... and it is a dotted name (text: its names joined by '.') */
	int after_dot; /* the previous token was '.' after it */
	int at_arg;    /* it started at an argument start of the innermost call */
	size_t line;   /* line of its first token */
	size_t nseg;   /* names in a pure chain */
	size_t ref;    /* BINDING ref recorded for its first name, or PYSUM_NONE */
	size_t len;
	char text[PYSUM_CHAIN_MAX]; /* pure: "a.b.c"; impure: "*" plus the names after it */
};

/* The builder of one file (fields private to pysummary.c). */
struct pysum_builder {
	struct pysum *s;
	const struct pkgview_file *file;
	const struct apiscan *resolver; /* aliases-mode scanner fed the same tokens, or NULL */
	const char *text;
	size_t len;
	struct pysum_file *stats;
	struct pysum_level *lv; /* open brackets and f-string fields */
	size_t n_lv, cap_lv;
	size_t *scope_stack;  /* open def/class scopes (indices into s->scopes) ... */
	size_t *indent_stack; /* ... and the indentation of their headers */
	size_t n_scope_stack, cap_scope_stack, cap_indent_stack;
	size_t module_scope;
	size_t stmt;              /* current statement, or PYSUM_NONE */
	size_t stmt_indent;       /* indentation of the current logical line */
	size_t stmt_tokens;       /* tokens of the current statement so far */
	size_t last_line;         /* line of the last token */
	int stmt_start;           /* the next token starts a statement */
	int stmt_newline;         /* ... on a new logical line (its indentation closes scopes) */
	unsigned first_kw;        /* class of the statement's first keyword */
	int only_strings;         /* every token of the statement so far is a string literal */
	int first_is_name;        /* the statement starts with a plain name */
	size_t target_ref;        /* reference recorded for that name (undone if it is assigned) */
	int def_pending;          /* 1 after `def`, 2 after `class`: the next name opens a scope */
	int header_next;          /* a '(' now opens a def/class header, not a call */
	size_t class_scope;       /* the class whose header is being read, or PYSUM_NONE */
	struct sbuf bases;        /* its bases so far */
	size_t pending_bind_name; /* binding made when the statement ends, or PYSUM_NONE */
	unsigned pending_bind_kind;
	size_t pending_bind_scope;
	size_t pending_def_scope;
	int prev_name_arg;     /* the previous token was a plain name at an argument start ... */
	size_t prev_name_ref;  /* ... and this reference was recorded for it */
	int keep_arg_start;    /* the token just handled starts an argument (',' or 'kw=') */
	struct pysum_chain ch; /* the primary ending at the previous token */
	struct strset latest;  /* (scope, name) -> index into latest_bind */
	size_t *latest_bind;
	size_t cap_latest;
	int oom;
};

/** Start file `f` whose analysed text is text[0..len); its statistics go to *stats (zeroed
 *  here; the line counts are filled at once). `resolver` (may be NULL: names as written) is
 *  an aliases-mode apiscan fed the same tokens before each pysum_feed(). 0 or -1 (out of
 *  memory). */
int pysum_file_begin(struct pysum_builder *b, struct pysum *s, const struct pkgview_file *f,
                     const char *text, size_t len, const struct apiscan *resolver,
                     struct pysum_file *stats);

/** Feed the next token. 0 or -1 (out of memory). */
int pysum_feed(struct pysum_builder *b, const struct pytok *t);

/** Where the last token fed lies: its statement, the innermost call whose arguments hold it,
 *  that argument's index and keyword (PYSUM_NONE when not applicable). */
void pysum_position(const struct pysum_builder *b, size_t *stmt, size_t *call, size_t *arg,
                    size_t *kwarg);

/** End the file (open calls end on the last line; scopes close). Releases the builder's own
 *  storage; the records stay in `s`. */
void pysum_file_end(struct pysum_builder *b);

#endif
