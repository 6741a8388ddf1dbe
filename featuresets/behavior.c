/* Feature set `behavior`: what the code does at install and import time, read from the one
 * analysis pass (the structure summary of core/analysis/pysummary.h, the string literals and the
 * member list); nothing is executed and no file is read or lexed again (issue 11, item 1).
 *
 * Columns (counts; docs/features.md "behavior" has the exact rules):
 *   setup_module_sinks    sink calls (exec, decode, process, network, file write, environment
 *                         dump) in module-level code of the root setup.py (runs on install)
 *   setup_module_stmts    module-level statements of the root setup.py other than imports,
 *                         def/class, decorators, docstrings, pass and the setup() call
 *   setup_computed_args   setup() keyword arguments whose value calls something
 *   cmdclass_overrides    setup.py classes deriving from a setuptools/distutils command or
 *                         registered under setup(cmdclass=...)
 *   cmdclass_sinks        sink calls inside those classes (their methods run on install)
 *   init_module_sinks     sink calls in module-level code of top-level __init__.py files
 *   pth_files, pth_import_lines   .pth members; their lines starting with `import` (executed
 *                         by site.py at every interpreter start)
 *   decode_exec           statements where exec/eval/compile/__import__/FunctionType runs
 *                         decoded data: a decode call or `[::-1]` in its arguments, or a name
 *                         bound in the same scope from such data (through any chain of names)
 *   scope_proc_net, scope_proc_net_write   functions (or module-level code of a file) that
 *                         start a process and use the network (and write a file)
 *   shell_strings, credential_paths, exfil_endpoints, persistence   string literals (not
 *                         docstrings) matching the pattern table's families
 *   env_dump              the whole environment read (os.environ.items()/keys()/values(),
 *                         os.environ passed as an argument other than env=)
 * Every non-zero value leaves evidence items with rule "behavior.<column>". */
#include "featuresets/featureset.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/analysis/patterns.h"
#include "core/base/csvio.h"
#include "core/base/strset.h"

/* Call roles (behavior_calls.csv). */
enum {
	R_EXEC = 1u << 0,
	R_DECODE = 1u << 1,
	R_PROCESS = 1u << 2,
	R_NETWORK = 1u << 3,
	R_FILE_WRITE = 1u << 4,
	R_OPEN = 1u << 5,
	R_ENV = 1u << 6,
};
#define R_SINK (R_EXEC | R_DECODE | R_PROCESS | R_NETWORK | R_FILE_WRITE | R_ENV)

static const char *const role_names[] = {"exec",       "decode", "process", "network",
                                         "file_write", "open",   "env",     NULL};

enum {
	F_SETUP_SINKS,
	F_SETUP_STMTS,
	F_SETUP_ARGS,
	F_CMDCLASS,
	F_CMDCLASS_SINKS,
	F_INIT_SINKS,
	F_PTH,
	F_PTH_IMPORT,
	F_DECODE_EXEC,
	F_PROC_NET,
	F_PROC_NET_WRITE,
	F_SHELL,
	F_ENV,
	F_CREDENTIAL,
	F_EXFIL,
	F_PERSISTENCE,
	N_FEATURES
};

static const char *const behavior_names[N_FEATURES] = {
    "setup_module_sinks", "setup_module_stmts",   "setup_computed_args",
    "cmdclass_overrides", "cmdclass_sinks",       "init_module_sinks",
    "pth_files",          "pth_import_lines",     "decode_exec",
    "scope_proc_net",     "scope_proc_net_write", "shell_strings",
    "env_dump",           "credential_paths",     "exfil_endpoints",
    "persistence"};

/* Pattern families (the id's part before the dot) and their columns. */
static const struct {
	const char *family;
	int col;
} families[] = {{"shell", F_SHELL},
                {"credential", F_CREDENTIAL},
                {"exfil", F_EXFIL},
                {"persistence", F_PERSISTENCE}};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

/* Base classes whose subclasses override a setup command (last part of the resolved name). */
static const char *const command_bases[] = {
    "install",      "develop",      "egg_info",    "build_py",     "build_ext",   "build",
    "sdist",        "bdist_egg",    "bdist_wheel", "easy_install", "install_lib", "install_scripts",
    "install_data", "_install",     "_develop",    "_egg_info",    "_build_py",   "_sdist",
    "_build",       "orig_install", NULL};

struct behavior_state {
	char calls[PARAM_STR_MAX];
	char patterns[PARAM_STR_MAX];
	long string_max;
	long evidence_max;
	struct strset call_names;  /* filled by behavior_load() */
	unsigned char *call_roles; /* role bits per call_names index */
	struct pattern_table *pt;  /* string patterns */
	signed char *pattern_col;  /* column of each pattern */
};

static const struct param_spec behavior_params[] = {
    {"calls", PARAM_STRING, offsetof(struct behavior_state, calls), "", NULL,
     "call-role table (`name,role` CSV): a path, or a featuresets/data name; empty = the "
     "shipped behavior_calls.csv"},
    {"patterns", PARAM_STRING, offsetof(struct behavior_state, patterns), "", NULL,
     "string pattern table (`id<TAB>ERE`): a path, or a featuresets/data name; empty = the "
     "shipped behavior_patterns.txt"},
    {"string_max", PARAM_INT, offsetof(struct behavior_state, string_max), "65536", "[64, inf)",
     "bytes of one string literal matched against the patterns (a bound)"},
    {"evidence_max", PARAM_INT, offsetof(struct behavior_state, evidence_max), "20", "[0, inf)",
     "evidence items kept per column and package"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const struct featureset_data behavior_data[] = {
    {"behavior_calls.csv", "calls", "behavior_calls.csv", 0},
    {"behavior_patterns.txt", "patterns", "behavior_patterns.txt", 0},
    {NULL, NULL, NULL, 0}};

/* ---- data ---- */

static int load_calls(struct behavior_state *s, const char *path, struct diag *d)
{
	struct csv_table *t;
	long cn, cr;
	int rc = -1;
	if (csvio_read_commented(path, (size_t)4 << 20, &t, d) < 0)
		return -1;
	cn = csvio_column(t, "name");
	cr = csvio_column(t, "role");
	if (cn < 0 || cr < 0) {
		diag_error(d, "'%s': the header must name the columns name and role", path);
		goto out;
	}
	if (!(s->call_roles = calloc(t->n_rows ? t->n_rows : 1, 1))) {
		diag_error(d, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		const char *name = t->rows[i][cn], *role = t->rows[i][cr];
		size_t idx, r;
		int added;
		for (r = 0; role_names[r] && strcmp(role_names[r], role); r++)
			;
		if (!role_names[r] || !name[0]) {
			diag_error(d, "'%s' line %zu: %s", path, t->line[i],
			           name[0] ? "unknown role" : "empty name");
			goto out;
		}
		added = strset_add(&s->call_names, name, strlen(name), &idx);
		if (added < 0) {
			diag_error(d, "out of memory");
			goto out;
		}
		s->call_roles[idx] |= (unsigned char)(1u << r);
	}
	rc = 0;
out:
	csvio_table_free(t);
	return rc;
}

static int load_patterns(struct behavior_state *s, const char *path, struct diag *d)
{
	size_t n;
	if (pattern_table_load(&s->pt, path, d) < 0)
		return -1;
	n = pattern_table_size(s->pt);
	s->pattern_col = calloc(n, 1);
	if (!s->pattern_col)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *id = pattern_table_id(s->pt, i), *dot = strchr(id, '.');
		size_t k, fl = dot ? (size_t)(dot - id) : strlen(id);
		for (k = 0; k < N_FAMILIES; k++)
			if (strlen(families[k].family) == fl &&
			    !strncmp(id, families[k].family, fl))
				break;
		if (k == N_FAMILIES)
			return diag_error(d,
			                  "'%s': pattern '%s': the id must start with shell., "
			                  "credential., exfil. or persistence.",
			                  path, id);
		s->pattern_col[i] = (signed char)families[k].col;
	}
	return 0;
}

static int behavior_load(void *vstate, const char *const *paths, struct diag *d)
{
	struct behavior_state *s = vstate;
	if (load_calls(s, paths[0], d) < 0)
		return -1;
	return load_patterns(s, paths[1], d);
}

static void behavior_release(void *vstate)
{
	struct behavior_state *s = vstate;
	strset_release(&s->call_names);
	free(s->call_roles);
	pattern_table_free(s->pt);
	free(s->pattern_col);
	s->call_roles = NULL;
	s->pt = NULL;
	s->pattern_col = NULL;
}

/* ---- per package ---- */

struct pkg {
	const struct behavior_state *s;
	const struct analysis *a;
	const struct pysum *sum;
	unsigned char *name_role; /* per interned name */
	unsigned char *call_role; /* per call, with open() resolved */
	double *out;
	struct evidence_list *ev;
	size_t kept[N_FEATURES];
	int oom;
};

static const char *last_part(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot + 1 : name;
}

static unsigned lookup_role(const struct behavior_state *s, const char *name)
{
	char buf[PYSUM_CHAIN_MAX + 2];
	size_t i = strset_find(&s->call_names, name, strlen(name));
	if (i != (size_t)-1)
		return s->call_roles[i];
	snprintf(buf, sizeof(buf), "*.%s", last_part(name));
	i = strset_find(&s->call_names, buf, strlen(buf));
	return i == (size_t)-1 ? 0 : s->call_roles[i];
}

static void add_ev(struct pkg *p, int col, const struct pkgview_file *f, size_t line,
                   const char *snippet, size_t n, const char *detail)
{
	char rule[64];
	if (!p->ev || p->kept[col] >= (size_t)p->s->evidence_max)
		return;
	snprintf(rule, sizeof(rule), "behavior.%s", behavior_names[col]);
	if (evidence_add(p->ev, rule, f ? f->path : NULL, line, line, snippet, n, detail) < 0)
		p->oom = 1;
	p->kept[col]++;
}

static const struct pysum_scope *scope_of_call(const struct pkg *p, size_t c)
{
	return &p->sum->scopes[p->sum->stmts[p->sum->calls[c].stmt].scope];
}

static const char *call_name(const struct pkg *p, size_t c)
{
	return pysum_str(p->sum, p->sum->calls[c].name);
}

static void call_ev(struct pkg *p, int col, size_t c, const char *detail)
{
	const char *n = call_name(p, c);
	add_ev(p, col, scope_of_call(p, c)->file, p->sum->calls[c].line, n, strlen(n), detail);
}

static const char *role_word(unsigned r)
{
	for (size_t k = 0; role_names[k]; k++)
		if (r & (1u << k))
			return role_names[k];
	return "";
}

/* Roles per interned name and per call; open() with a writing mode literal is a file write. */
static int compute_roles(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	size_t nn = sum->names.count;
	p->name_role = calloc(nn ? nn : 1, 1);
	p->call_role = calloc(sum->n_calls ? sum->n_calls : 1, 1);
	if (!p->name_role || !p->call_role)
		return -1;
	for (size_t i = 0; i < nn; i++)
		p->name_role[i] = (unsigned char)lookup_role(p->s, pysum_str(sum, i));
	for (size_t c = 0; c < sum->n_calls; c++)
		p->call_role[c] =
		    sum->calls[c].name == PYSUM_NONE ? 0 : p->name_role[sum->calls[c].name];
	for (size_t i = 0; i < p->a->n_strings; i++) {
		const struct file_string *fs = &p->a->strings[i];
		const char *text, *kw;
		if (fs->call == PYSUM_NONE || !(p->call_role[fs->call] & R_OPEN))
			continue;
		kw = pysum_str(sum, fs->kwarg);
		if (!(fs->kwarg == PYSUM_NONE ? fs->arg == 1 : !strcmp(kw, "mode")))
			continue;
		text = analysis_file_text(p->a, fs->file, NULL);
		if (!text || fs->body_len > 8)
			continue;
		for (size_t k = 0; k < fs->body_len; k++)
			if (strchr("wax+", text[fs->body_off + k])) {
				p->call_role[fs->call] |= R_FILE_WRITE;
				break;
			}
	}
	return 0;
}

static size_t module_scope_of(const struct analysis *a, const struct pkgview_file *f)
{
	const struct pysum_file *st = f ? analysis_file_stats(a, f) : NULL;
	return st ? st->module_scope : PYSUM_NONE;
}

/* ---- install-time reach ---- */

static int is_setup_name(const char *n)
{
	return !strcmp(n, "setup") || !strcmp(n, "setuptools.setup") ||
	       !strcmp(n, "distutils.core.setup");
}

static int is_command_base(const char *bases)
{
	while (*bases) {
		const char *end = strchr(bases, ','), *dot;
		size_t n = end ? (size_t)(end - bases) : strlen(bases);
		dot = NULL;
		for (size_t i = 0; i < n; i++)
			if (bases[i] == '.')
				dot = bases + i;
		{
			const char *lp = dot ? dot + 1 : bases;
			size_t ln = n - (size_t)(lp - bases);
			for (size_t k = 0; command_bases[k]; k++)
				if (strlen(command_bases[k]) == ln &&
				    !strncmp(lp, command_bases[k], ln))
					return 1;
		}
		if (!end)
			break;
		bases = end + 1;
	}
	return 0;
}

/* 1 if call c is setup() or lies in a setup() argument with keyword `kw` (directly or below). */
static int under_setup_kw(const struct pkg *p, size_t c, size_t kw_of_c,
                          const unsigned char *is_setup, size_t kw)
{
	while (c != PYSUM_NONE) {
		size_t parent = p->sum->calls[c].parent;
		if (is_setup[c])
			return kw_of_c == kw;
		kw_of_c = p->sum->calls[c].kwarg;
		c = parent;
	}
	return 0;
}

static void install_reach(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	const struct analysis *a = p->a;
	size_t ms = module_scope_of(a, a->setup_py), cmdkw = pysum_find(sum, "cmdclass");
	unsigned char *is_setup = calloc(sum->n_calls ? sum->n_calls : 1, 1);
	unsigned char *cmd_scope = calloc(sum->n_scopes ? sum->n_scopes : 1, 1);
	size_t *kws = NULL, n_kws = 0;
	if (!is_setup || !cmd_scope) {
		p->oom = 1;
		goto out;
	}
	if (ms != PYSUM_NONE) {
		/* the setup() calls of the root setup.py's module-level code */
		for (size_t c = 0; c < sum->n_calls; c++)
			if (sum->stmts[sum->calls[c].stmt].scope == ms &&
			    is_setup_name(call_name(p, c)))
				is_setup[c] = 1;
		for (size_t c = 0; c < sum->n_calls; c++) {
			const struct pysum_call *cl = &sum->calls[c];
			if (sum->stmts[cl->stmt].scope != ms)
				continue;
			if ((p->call_role[c] & R_SINK)) {
				p->out[F_SETUP_SINKS]++;
				call_ev(p, F_SETUP_SINKS, c, role_word(p->call_role[c] & R_SINK));
			}
			if (cl->parent != PYSUM_NONE && is_setup[cl->parent] &&
			    cl->kwarg != PYSUM_NONE) {
				size_t k;
				for (k = 0; k < n_kws && kws[k] != cl->kwarg; k++)
					;
				if (k == n_kws) {
					size_t *v = realloc(kws, (n_kws + 1) * sizeof(*v));
					if (!v) {
						p->oom = 1;
						goto out;
					}
					kws = v;
					kws[n_kws++] = cl->kwarg;
					p->out[F_SETUP_ARGS]++;
					call_ev(p, F_SETUP_ARGS, c, pysum_str(sum, cl->kwarg));
				}
			}
		}
		for (size_t i = 0; i < sum->n_stmts; i++) {
			const struct pysum_stmt *st = &sum->stmts[i];
			int has_setup = 0;
			if (st->scope != ms)
				continue;
			switch (st->kind) {
			case PYSUM_STMT_IMPORT:
			case PYSUM_STMT_DEF:
			case PYSUM_STMT_CLASS:
			case PYSUM_STMT_DECORATOR:
			case PYSUM_STMT_DOCSTRING:
			case PYSUM_STMT_PASS:
				continue;
			}
			for (size_t c = st->first_call; c < st->first_call + st->n_calls; c++)
				has_setup |= is_setup[c];
			if (has_setup)
				continue;
			p->out[F_SETUP_STMTS]++;
			add_ev(p, F_SETUP_STMTS, a->setup_py, st->line, NULL, 0,
			       "module-level statement");
		}
		/* command classes: by base, or registered under cmdclass= (also through one
		 * name: `cmdclass = {...}; setup(cmdclass=cmdclass)`) */
		for (size_t k = 0; k < sum->n_scopes; k++) {
			const struct pysum_scope *sc = &sum->scopes[k];
			if (sc->kind == PYSUM_CLASS && sc->file == a->setup_py &&
			    sc->bases != PYSUM_NONE && is_command_base(pysum_str(sum, sc->bases)))
				cmd_scope[k] = 1;
		}
		for (size_t r = 0; cmdkw != PYSUM_NONE && r < sum->n_refs; r++) {
			const struct pysum_ref *rf = &sum->refs[r];
			const struct pysum_bind *b;
			if (rf->kind != PYSUM_REF_BINDING || rf->call == PYSUM_NONE ||
			    !under_setup_kw(p, rf->call, rf->kwarg, is_setup, cmdkw))
				continue;
			b = &sum->binds[rf->bind];
			if (b->kind == PYSUM_BIND_CLASS && b->def_scope != PYSUM_NONE) {
				cmd_scope[b->def_scope] = 1;
				continue;
			}
			/* the name's statement: its references to classes */
			{
				const struct pysum_stmt *st = &sum->stmts[b->stmt];
				for (size_t q = st->first_ref; q < st->first_ref + st->n_refs;
				     q++) {
					const struct pysum_bind *b2;
					if (sum->refs[q].kind != PYSUM_REF_BINDING)
						continue;
					b2 = &sum->binds[sum->refs[q].bind];
					if (b2->kind == PYSUM_BIND_CLASS &&
					    b2->def_scope != PYSUM_NONE)
						cmd_scope[b2->def_scope] = 1;
				}
			}
		}
		for (size_t k = 0; k < sum->n_scopes; k++)
			if (cmd_scope[k]) {
				const struct pysum_scope *sc = &sum->scopes[k];
				const char *nm = pysum_str(sum, sc->name);
				p->out[F_CMDCLASS]++;
				add_ev(p, F_CMDCLASS, sc->file, sc->line, nm, strlen(nm),
				       sc->bases != PYSUM_NONE ? pysum_str(sum, sc->bases)
				                               : "registered in cmdclass");
			}
		for (size_t c = 0; c < sum->n_calls; c++) {
			size_t sc;
			if (!(p->call_role[c] & R_SINK))
				continue;
			for (sc = sum->stmts[sum->calls[c].stmt].scope;
			     sc != PYSUM_NONE && !cmd_scope[sc]; sc = sum->scopes[sc].parent)
				;
			if (sc != PYSUM_NONE) {
				p->out[F_CMDCLASS_SINKS]++;
				call_ev(p, F_CMDCLASS_SINKS, c,
				        role_word(p->call_role[c] & R_SINK));
			}
		}
	}
out:
	free(kws);
	free(is_setup);
	free(cmd_scope);
}

/* A top-level __init__.py: "X/__init__.py" or "src/X/__init__.py". */
static int is_top_init(const char *path)
{
	const char *s = strchr(path, '/');
	if (!strncmp(path, "src/", 4))
		s = strchr(path + 4, '/');
	return s && !strcmp(s, "/__init__.py");
}

static void init_sinks(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	for (size_t c = 0; c < sum->n_calls; c++) {
		const struct pysum_scope *sc = scope_of_call(p, c);
		if (!(p->call_role[c] & R_SINK) || sc->kind != PYSUM_MODULE ||
		    !is_top_init(sc->file->path))
			continue;
		p->out[F_INIT_SINKS]++;
		call_ev(p, F_INIT_SINKS, c, role_word(p->call_role[c] & R_SINK));
	}
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

static void pth_files(struct pkg *p)
{
	const struct pkgview *v = p->a->view;
	for (size_t i = 0; i < v->n_files; i++) {
		const struct pkgview_file *f = &v->files[i];
		size_t line = 1;
		if (f->member->kind != PKGFS_FILE || !ends_with(f->path, ".pth"))
			continue;
		p->out[F_PTH]++;
		add_ev(p, F_PTH, f, 0, NULL, 0, f->text ? "loaded" : "not loaded");
		for (size_t k = 0; f->text && k < f->len; line++) {
			const char *s = f->text + k;
			const char *nl = memchr(s, '\n', f->len - k);
			size_t len = nl ? (size_t)(nl - s) : f->len - k;
			if (len > 6 && !strncmp(s, "import", 6) && (s[6] == ' ' || s[6] == '\t')) {
				p->out[F_PTH_IMPORT]++;
				add_ev(p, F_PTH_IMPORT, f, line, s, len, "executed at start-up");
			}
			k += len + 1;
		}
	}
}

/* ---- decode -> execute ---- */

static int is_decoding(const struct pkg *p, size_t c)
{
	return (p->call_role[c] & R_DECODE) || (p->sum->calls[c].flags & PYSUM_CALL_REVERSE_SLICE);
}

/* The name of a decoding call, or "[::-1]". */
static const char *decoding_word(const struct pkg *p, size_t c)
{
	return p->call_role[c] & R_DECODE ? call_name(p, c) : "[::-1]";
}

static void decode_exec(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	unsigned char *tainted = calloc(sum->n_stmts ? sum->n_stmts : 1, 1);
	unsigned char *done = calloc(sum->n_stmts ? sum->n_stmts : 1, 1);
	if (!tainted || !done) {
		p->oom = 1;
		goto out;
	}
	/* statements whose value holds decoded data, in order (references point backwards) */
	for (size_t i = 0; i < sum->n_stmts; i++) {
		const struct pysum_stmt *st = &sum->stmts[i];
		if (st->flags & PYSUM_REVERSE_SLICE)
			tainted[i] = 1;
		for (size_t c = st->first_call; !tainted[i] && c < st->first_call + st->n_calls;
		     c++)
			tainted[i] = (unsigned char)is_decoding(p, c);
		for (size_t r = st->first_ref; !tainted[i] && r < st->first_ref + st->n_refs; r++)
			if (sum->refs[r].kind == PYSUM_REF_BINDING)
				tainted[i] = tainted[sum->binds[sum->refs[r].bind].stmt];
	}
	/* direct: a decoding call below an exec call */
	for (size_t c = 0; c < sum->n_calls; c++) {
		if (!is_decoding(p, c))
			continue;
		for (size_t e = c; e != PYSUM_NONE; e = sum->calls[e].parent)
			if ((p->call_role[e] & R_EXEC) && !done[sum->calls[e].stmt]) {
				char why[PYSUM_CHAIN_MAX + 32];
				done[sum->calls[e].stmt] = 1;
				p->out[F_DECODE_EXEC]++;
				snprintf(why, sizeof(why), "runs %s(...)", decoding_word(p, c));
				call_ev(p, F_DECODE_EXEC, e, why);
				break;
			}
	}
	/* through a name bound in the same scope */
	for (size_t r = 0; r < sum->n_refs; r++) {
		const struct pysum_ref *rf = &sum->refs[r];
		const struct pysum_bind *b;
		if (rf->kind != PYSUM_REF_BINDING || rf->call == PYSUM_NONE)
			continue;
		b = &sum->binds[rf->bind];
		if (!tainted[b->stmt] || b->kind == PYSUM_BIND_DEF || b->kind == PYSUM_BIND_CLASS)
			continue;
		for (size_t e = rf->call; e != PYSUM_NONE; e = sum->calls[e].parent)
			if ((p->call_role[e] & R_EXEC) && !done[sum->calls[e].stmt]) {
				char why[PYSUM_CHAIN_MAX + 64];
				done[sum->calls[e].stmt] = 1;
				p->out[F_DECODE_EXEC]++;
				snprintf(why, sizeof(why), "runs '%s', decoded at line %zu",
				         pysum_str(sum, rf->name), sum->stmts[b->stmt].line);
				call_ev(p, F_DECODE_EXEC, e, why);
				break;
			}
	}
out:
	free(tainted);
	free(done);
}

/* ---- co-occurrence ---- */

static void cooccurrence(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	unsigned char *mask = calloc(sum->n_scopes ? sum->n_scopes : 1, 1);
	size_t *first = malloc((sum->n_scopes ? sum->n_scopes : 1) * sizeof(size_t));
	if (!mask || !first) {
		p->oom = 1;
		goto out;
	}
	for (size_t k = 0; k < sum->n_scopes; k++)
		first[k] = PYSUM_NONE;
	for (size_t c = 0; c < sum->n_calls; c++) {
		size_t sc = sum->stmts[sum->calls[c].stmt].scope;
		unsigned r = p->call_role[c] & (R_PROCESS | R_NETWORK | R_FILE_WRITE);
		if (!r)
			continue;
		mask[sc] |= (unsigned char)r;
		if (first[sc] == PYSUM_NONE)
			first[sc] = c;
	}
	for (size_t k = 0; k < sum->n_scopes; k++) {
		const struct pysum_scope *sc = &sum->scopes[k];
		char why[PYSUM_CHAIN_MAX + 64];
		if ((mask[k] & (R_PROCESS | R_NETWORK)) != (R_PROCESS | R_NETWORK))
			continue;
		snprintf(why, sizeof(why), "%s '%s'",
		         sc->kind == PYSUM_MODULE ? "module-level code" : "function",
		         sc->kind == PYSUM_MODULE ? sc->file->path : pysum_str(sum, sc->name));
		p->out[F_PROC_NET]++;
		call_ev(p, F_PROC_NET, first[k], why);
		if (mask[k] & R_FILE_WRITE) {
			p->out[F_PROC_NET_WRITE]++;
			call_ev(p, F_PROC_NET_WRITE, first[k], why);
		}
	}
out:
	free(mask);
	free(first);
}

/* ---- environment dumps ---- */

static void env_dump(struct pkg *p)
{
	const struct pysum *sum = p->sum;
	size_t env_kw = pysum_find(sum, "env");
	for (size_t c = 0; c < sum->n_calls; c++)
		if ((p->call_role[c] & R_ENV)) {
			p->out[F_ENV]++;
			call_ev(p, F_ENV, c, "iterates the environment");
		}
	for (size_t r = 0; r < sum->n_refs; r++) {
		const struct pysum_ref *rf = &sum->refs[r];
		const char *n;
		if (rf->kind != PYSUM_REF_MODULE_ATTR || rf->name == PYSUM_NONE ||
		    !(p->name_role[rf->name] & R_ENV) ||
		    (env_kw != PYSUM_NONE && rf->kwarg == env_kw) ||
		    (rf->call != PYSUM_NONE && (p->call_role[rf->call] & R_PROCESS)))
			continue;
		n = rf->call != PYSUM_NONE ? call_name(p, rf->call) : "";
		p->out[F_ENV]++;
		add_ev(p, F_ENV, p->sum->scopes[sum->stmts[rf->stmt].scope].file, rf->line, n,
		       strlen(n), "the whole environment passed as an argument");
	}
}

/* ---- string literals ---- */

/* A public IPv4 address with a port (`1.2.3.4:4444`) in s[0..n): 1 and its span, else 0.
 * Loopback, private, link-local, shared, multicast and unspecified addresses do not count. */
static int find_ip_port(const char *s, size_t n, size_t *so, size_t *eo)
{
	for (size_t i = 0; i < n; i++) {
		unsigned o[4] = {0};
		size_t j = i, k = 0, digits = 0, port = 0;
		if (s[i] < '0' || s[i] > '9' ||
		    (i && ((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '.')))
			continue;
		for (; j < n && k < 4; j++) {
			if (s[j] >= '0' && s[j] <= '9') {
				if (++digits > 3)
					break;
				o[k] = o[k] * 10 + (unsigned)(s[j] - '0');
			} else if (s[j] == '.' && digits && k < 3) {
				k++;
				digits = 0;
			} else {
				break;
			}
		}
		if (k != 3 || !digits || digits > 3 || j >= n || s[j] != ':')
			continue;
		while (j + 1 + port < n && port < 6 && s[j + 1 + port] >= '0' &&
		       s[j + 1 + port] <= '9')
			port++;
		if (port < 2 || port > 5 || o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255)
			continue;
		if (o[0] == 0 || o[0] == 10 || o[0] == 127 || o[0] >= 224 ||
		    (o[0] == 169 && o[1] == 254) || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
		    (o[0] == 192 && o[1] == 168) || (o[0] == 100 && o[1] >= 64 && o[1] <= 127))
			continue;
		*so = i;
		*eo = j + 1 + port;
		return 1;
	}
	return 0;
}

static int strings(struct pkg *p, struct diag *d)
{
	const struct behavior_state *s = p->s;
	const struct analysis *a = p->a;
	size_t np = pattern_table_size(s->pt);
	for (size_t i = 0; i < a->n_strings; i++) {
		const struct file_string *fs = &a->strings[i];
		const char *text = analysis_file_text(a, fs->file, NULL), *body;
		size_t n = fs->body_len;
		int hit[N_FEATURES] = {0};
		uint64_t cand;
		if ((i & 255) == 0 &&
		    deadline_check(a->deadline, d, "matching string patterns") < 0)
			return -1;
		if (!text || !n ||
		    (fs->stmt != PYSUM_NONE &&
		     p->sum->stmts[fs->stmt].kind == PYSUM_STMT_DOCSTRING))
			continue;
		body = text + fs->body_off;
		if (n > (size_t)s->string_max)
			n = (size_t)s->string_max;
		cand = pattern_candidates(s->pt, body, n, NULL);
		for (size_t k = 0; cand && k < np; k++) {
			size_t so, eo;
			int col = s->pattern_col[k], m;
			if (!(cand >> k & 1) || hit[col])
				continue;
			m = pattern_match(s->pt, k, body, n, &so, &eo, NULL);
			if (m < 0)
				return diag_error(d, "out of memory matching string patterns");
			if (!m)
				continue;
			hit[col] = 1;
			p->out[col]++;
			add_ev(p, col, fs->file, fs->line, body + so, eo - so,
			       pattern_table_id(s->pt, k));
		}
		if (!hit[F_EXFIL]) {
			size_t so, eo;
			if (find_ip_port(body, n, &so, &eo)) {
				p->out[F_EXFIL]++;
				add_ev(p, F_EXFIL, fs->file, fs->line, body + so, eo - so,
				       "exfil.ip_port");
			}
		}
	}
	return 0;
}

static int behavior_extract(const void *vstate, const struct analysis *a, double *out,
                            struct evidence_list *ev, struct diag *d)
{
	struct pkg p;
	int rc = -1;
	memset(&p, 0, sizeof(p));
	p.s = vstate;
	p.a = a;
	p.sum = &a->sum;
	p.out = out;
	p.ev = ev;
	for (size_t k = 0; k < N_FEATURES; k++)
		out[k] = 0;
	if (!p.s->pt)
		return diag_error(d, "behavior: tables not loaded");
	if (compute_roles(&p) < 0) {
		diag_error(d, "out of memory");
		goto out;
	}
	install_reach(&p);
	init_sinks(&p);
	pth_files(&p);
	decode_exec(&p);
	cooccurrence(&p);
	env_dump(&p);
	if (strings(&p, d) < 0)
		goto out;
	if (p.oom) {
		diag_error(d, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(p.name_role);
	free(p.call_role);
	return rc;
}

const struct featureset_type fs_behavior = {
    .name = "behavior",
    .summary = "install-time reach, decode->exec chains, process+network co-occurrence, shell, "
               "theft, exfiltration and persistence strings (issue 11)",
    .version = 1,
    .state_size = sizeof(struct behavior_state),
    .params = behavior_params,
    .check = NULL,
    .data = behavior_data,
    .load = behavior_load,
    .n_features = N_FEATURES,
    .feature_names = behavior_names,
    .extract = behavior_extract,
    .document = NULL,
    .release = behavior_release,
};
