/* Table-driven command lines: defaults, parsing, usage text and errors (see parseopt.h). */
#include "experiments/cli/parseopt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "core/base/params.h"
#include "core/base/results.h"
#include "experiments/cli/exitstatus.h"

#define CLI_HELP_COLUMN 28 /* where option help starts */
#define CLI_HELP_WIDTH 96  /* usage lines are wrapped before this column */

/* The param_spec that parses a numeric or enum option's value (params_parse_value()). */
static struct param_spec value_spec(const struct cli_option *o)
{
	struct param_spec s = {o->name, PARAM_INT, 0, o->def, o->choices, o->help};
	switch (o->kind) {
	case CLI_KIND_INT:
		s.kind = PARAM_INT;
		break;
	case CLI_KIND_SIZE:
	case CLI_KIND_ULONG:
		s.kind = PARAM_SIZE;
		break;
	case CLI_KIND_DOUBLE:
		s.kind = PARAM_DOUBLE;
		break;
	case CLI_KIND_ENUM:
		s.kind = PARAM_ENUM;
		break;
	default:
		BUG("option '--%s' has no parsed value", o->name);
	}
	return s;
}

/* Store `value` into `field`, the storage of option `o`. 0, or -1 with the reason (no prefix)
 * on `d`. */
static int set_value(const struct cli_option *o, void *field, const char *value, struct diag *d)
{
	switch (o->kind) {
	case CLI_KIND_FLAG: {
		int one = 1;
		memcpy(field, &one, sizeof(one));
		return 0;
	}
	case CLI_KIND_STRING:
		memcpy(field, &value, sizeof(value));
		return 0;
	case CLI_KIND_LIST: {
		struct cli_list *l = (struct cli_list *)(void *)field;
		size_t max = CLI_LIST_MAX;
		if (o->choices) {
			struct param_spec s = {o->name, PARAM_SIZE, 0, NULL, o->choices, NULL};
			char count[32];
			size_t k;
			snprintf(count, sizeof(count), "%zu", l->n + 1);
			if (params_parse_value(&s, &k, count, NULL) < 0)
				return diag_error(d, "given more than %zu times", l->n);
		}
		if (l->n == max)
			return diag_error(d, "given more than %zu times", max);
		l->v[l->n++] = value;
		return 0;
	}
	case CLI_KIND_SHARD: {
		struct cli_shard sh;
		char *end, *end2 = NULL;
		unsigned long long i, n;
		i = strtoull(value, &end, 10);
		n = *end == '/' ? strtoull(end + 1, &end2, 10) : 0;
		if (value[0] < '0' || value[0] > '9' || *end != '/' || end[1] < '0' ||
		    end[1] > '9' || *end2 || n < 1 || n > CLI_SHARD_MAX || i >= n)
			return diag_error(d, "'%s' is not I/N with 0 <= I < N <= %d", value,
			                  CLI_SHARD_MAX);
		sh.index = (size_t)i;
		sh.count = (size_t)n;
		memcpy(field, &sh, sizeof(sh));
		return 0;
	}
	case CLI_KIND_ULONG: {
		struct param_spec s = value_spec(o);
		size_t v;
		unsigned long ul;
		if (params_parse_value(&s, &v, value, d) < 0)
			return -1;
		ul = (unsigned long)v;
		memcpy(field, &ul, sizeof(ul));
		return 0;
	}
	default: {
		struct param_spec s = value_spec(o);
		return params_parse_value(&s, field, value, d);
	}
	}
}

/* The size of the field of a numeric or enum option. */
static size_t kind_size(enum cli_kind k)
{
	switch (k) {
	case CLI_KIND_INT:
		return sizeof(long);
	case CLI_KIND_SIZE:
		return sizeof(size_t);
	case CLI_KIND_ULONG:
		return sizeof(unsigned long);
	case CLI_KIND_DOUBLE:
		return sizeof(double);
	case CLI_KIND_SHARD:
		return sizeof(struct cli_shard);
	default:
		return sizeof(int);
	}
}

void cli_defaults(const struct cli_command *c, void *opts)
{
	for (const struct cli_option *o = c->options; o && o->name; o++) {
		char *field = (char *)opts + o->offset;
		struct diag d;
		switch (o->kind) {
		case CLI_KIND_FLAG:
			memset(field, 0, sizeof(int));
			break;
		case CLI_KIND_STRING:
			memcpy(field, &o->def, sizeof(o->def));
			break;
		case CLI_KIND_LIST:
			((struct cli_list *)(void *)field)->n = 0;
			break;
		default:
			diag_init(&d);
			if (!o->def && (o->flags & CLI_REQUIRED)) { /* it must be given */
				memset(field, 0, kind_size(o->kind));
				break;
			}
			if (!o->def)
				BUG("%s: option '--%s' needs a default", c->name, o->name);
			if (set_value(o, field, o->def, &d) < 0)
				BUG("%s: option '--%s': bad default: %s", c->name, o->name,
				    diag_message(&d));
			break;
		}
	}
}

int cli_error(const struct cli_command *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_report("%s: %s (see 'pyvet %s --help')", c->name, msg, c->name);
	return EXIT_USAGE;
}

static const struct cli_option *find_long(const struct cli_command *c, const char *name, size_t len)
{
	for (const struct cli_option *o = c->options; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_command *c, char s)
{
	for (const struct cli_option *o = c->options; o && o->name; o++)
		if (o->short_name && o->short_name == s)
			return o;
	return NULL;
}

/* "--a", "--a and --b", "--a, --b and --c" of the required options that were not given. */
static int check_required(const struct cli_command *c, const unsigned char *seen)
{
	struct sbuf sb = SBUF_INIT;
	size_t n_missing = 0, k = 0, i = 0;
	int rc = CLI_RUN;
	for (const struct cli_option *o = c->options; o && o->name; o++, i++)
		n_missing += (o->flags & CLI_REQUIRED) && !seen[i];
	if (!n_missing)
		return CLI_RUN;
	i = 0;
	for (const struct cli_option *o = c->options; o && o->name; o++, i++) {
		if (!(o->flags & CLI_REQUIRED) || seen[i])
			continue;
		k++;
		sbuf_addf(&sb, "%s--%s", k == 1 ? "" : k == n_missing ? " and " : ", ", o->name);
	}
	rc = cli_error(c, "%s %s required", sbuf_cstr(&sb), n_missing > 1 ? "are" : "is");
	sbuf_release(&sb);
	return rc;
}

static int print_help(const struct cli_command *c)
{
	struct sbuf sb = SBUF_INIT;
	int rc = cli_usage(c, &sb);
	if (rc == 0 && (fputs(sbuf_cstr(&sb), stdout) < 0 || fflush(stdout) != 0))
		rc = -1;
	sbuf_release(&sb);
	return rc < 0 ? EXIT_INTERNAL : EXIT_OK;
}

void cli_args_release(struct cli_args *args)
{
	if (!args)
		return;
	free(args->v);
	args->v = NULL;
	args->n = 0;
}

/* The positional-argument checks: none taken, too few, too many. CLI_RUN or 2. */
static int check_args(const struct cli_command *c, const struct cli_args *a)
{
	if (!c->args_noun && a->n)
		return cli_error(c, "'%s': unexpected argument", a->v[0]);
	if (c->args_noun && a->n < c->min_args)
		return cli_error(c, "no %s given", c->args_noun);
	if (c->args_noun && c->max_args && a->n > c->max_args)
		return cli_error(c, "more than %zu %s%s given", c->max_args, c->args_noun,
		                 c->max_args > 1 ? "s" : "");
	return CLI_RUN;
}

int cli_parse(const struct cli_command *c, void *opts, int argc, char **argv, struct cli_args *args)
{
	size_t n_opts = 0;
	int options_done = 0, rc = CLI_RUN;
	unsigned char *seen;
	struct cli_args pos = {0, NULL};
	for (const struct cli_option *o = c->options; o && o->name; o++)
		n_opts++;
	seen = calloc(n_opts + 1, 1);
	pos.v = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*pos.v));
	if (!seen || !pos.v)
		die("out of memory");
	cli_defaults(c, opts);
	for (int i = 1; i < argc && rc == CLI_RUN; i++) {
		const char *a = argv[i], *value = NULL;
		const struct cli_option *o = NULL;
		struct diag d;
		if (options_done || a[0] != '-' || !a[1]) {
			pos.v[pos.n++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			rc = print_help(c);
			break;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			o = find_long(c, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			value = eq ? eq + 1 : NULL;
		} else if (!a[2]) {
			o = find_short(c, a[1]);
		}
		if (!o) {
			rc = cli_error(c, "'%s': unknown option", a);
			break;
		}
		seen[o - c->options] = 1;
		if (o->kind == CLI_KIND_FLAG) {
			if (value) {
				rc = cli_error(c, "'--%s' takes no value", o->name);
				break;
			}
		} else if (!value) {
			if (i + 1 >= argc) {
				rc = cli_error(c, "'%s' needs a value", a);
				break;
			}
			value = argv[++i];
		}
		diag_init(&d);
		if (set_value(o, (char *)opts + o->offset, value, &d) < 0)
			rc = cli_error(c, "'--%s': %s", o->name, diag_message(&d));
		diag_release(&d);
	}
	if (rc == CLI_RUN)
		rc = check_args(c, &pos);
	if (rc == CLI_RUN)
		rc = check_required(c, seen);
	free(seen);
	if (args)
		*args = pos;
	else
		free(pos.v);
	return rc;
}

/* ---- usage text ---- */

/* Append `text` wrapped before CLI_HELP_WIDTH, continuation lines indented by `indent`; the
 * first line continues at column `col`. "\n" in text starts a new line. */
static void add_wrapped(struct sbuf *out, const char *text, size_t col, size_t indent)
{
	const char *p = text;
	while (*p) {
		size_t word = strcspn(p, " \n");
		if (*p == '[' || *p == '(') { /* a range "[lo, hi]" is one word */
			size_t close = strcspn(p, "])\n");
			if (p[close] == ']' || p[close] == ')')
				word = close + 1 + strcspn(p + close + 1, " \n");
		}
		if (col > indent && col + 1 + word > CLI_HELP_WIDTH) {
			sbuf_addf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			sbuf_addch(out, ' ');
			col++;
		}
		sbuf_add(out, p, word);
		col += word;
		p += word;
		if (*p == '\n') {
			sbuf_addf(out, "\n%*s", (int)indent, "");
			col = indent;
			p++;
		}
		while (*p == ' ')
			p++;
	}
}

static void add_option_help(struct sbuf *out, const struct cli_option *o)
{
	struct sbuf text = SBUF_INIT;
	size_t start = out->len;
	if (o->short_name)
		sbuf_addf(out, "  -%c, --%s", o->short_name, o->name);
	else
		sbuf_addf(out, "  --%s", o->name);
	if (o->kind != CLI_KIND_FLAG)
		sbuf_addf(out, " %s", o->argh ? o->argh : "VALUE");
	if (out->len - start + 1 >= CLI_HELP_COLUMN)
		sbuf_addf(out, "\n%*s", CLI_HELP_COLUMN, "");
	else
		sbuf_addf(out, "%*s", (int)(CLI_HELP_COLUMN - (out->len - start)), "");
	sbuf_addstr(&text, o->help ? o->help : "");
	if (o->flags & CLI_REQUIRED)
		sbuf_addstr(&text, " (required)");
	else if (o->kind == CLI_KIND_LIST)
		sbuf_addstr(&text, " (repeatable)");
	if (o->def && o->kind == CLI_KIND_ENUM)
		sbuf_addf(&text, " (default %s)", o->def);
	else if (o->def && o->choices)
		sbuf_addf(&text, " (default %s; in %s)", o->def, o->choices);
	else if (o->def)
		sbuf_addf(&text, " (default %s)", o->def);
	else if (o->choices && o->kind != CLI_KIND_LIST && o->kind != CLI_KIND_ENUM)
		sbuf_addf(&text, " (in %s)", o->choices);
	add_wrapped(out, sbuf_cstr(&text), CLI_HELP_COLUMN, CLI_HELP_COLUMN);
	sbuf_addch(out, '\n');
	sbuf_release(&text);
}

int cli_usage(const struct cli_command *c, struct sbuf *out)
{
	for (size_t i = 0; c->synopsis && c->synopsis[i]; i++) {
		const char *line = c->synopsis[i];
		if (i && line[0] == ' ') /* a continuation of the line above */
			sbuf_addf(out, "%13s%s\n", "", line);
		else
			sbuf_addf(out, "%s pyvet %s\n", i ? "      " : "usage:", line);
	}
	if (c->about)
		sbuf_addf(out, "\n%s", c->about);
	sbuf_addstr(out, "\noptions:\n");
	for (const struct cli_option *o = c->options; o && o->name; o++)
		if (!(o->flags & CLI_HIDDEN))
			add_option_help(out, o);
	sbuf_addf(out, "  -h, --help%*sthis text\n", CLI_HELP_COLUMN - 12, "");
	if (c->epilog)
		sbuf_addf(out, "\n%s", c->epilog);
	if (c->help_extra && c->help_extra(out) < 0)
		return -1;
	return 0;
}

/* ---- the equivalent command line ---- */

struct argv_builder {
	char **v;
	size_t n, cap;
	int failed;
};

static void push(struct argv_builder *b, const char *s)
{
	if (b->failed)
		return;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		char **v = realloc(b->v, cap * sizeof(*v));
		if (!v) {
			b->failed = 1;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	if (!(b->v[b->n] = strdup(s))) {
		b->failed = 1;
		return;
	}
	b->v[++b->n] = NULL;
}

/* The value in `field` of a numeric or enum option as text, into buf; "" for other kinds. */
static const char *value_text(const struct cli_option *o, const void *field, char *buf, size_t n)
{
	buf[0] = '\0';
	switch (o->kind) {
	case CLI_KIND_INT: {
		long v;
		memcpy(&v, field, sizeof(v));
		snprintf(buf, n, "%ld", v);
		break;
	}
	case CLI_KIND_SIZE: {
		size_t v;
		memcpy(&v, field, sizeof(v));
		snprintf(buf, n, "%zu", v);
		break;
	}
	case CLI_KIND_ULONG: {
		unsigned long v;
		memcpy(&v, field, sizeof(v));
		snprintf(buf, n, "%lu", v);
		break;
	}
	case CLI_KIND_DOUBLE: {
		double v;
		memcpy(&v, field, sizeof(v));
		snprintf(buf, n, "%.17g", v);
		break;
	}
	case CLI_KIND_ENUM: {
		int v;
		memcpy(&v, field, sizeof(v));
		params_enum_name(o->choices, v, buf, n);
		break;
	}
	case CLI_KIND_SHARD: {
		struct cli_shard v;
		memcpy(&v, field, sizeof(v));
		snprintf(buf, n, "%zu/%zu", v.index, v.count);
		break;
	}
	default:
		break;
	}
	return buf;
}

int cli_format_argv(const struct cli_command *c, const void *opts, const char *const *args,
                    size_t n_args, int *argc, char ***argv)
{
	struct argv_builder b = {NULL, 0, 0, 0};
	push(&b, c->name);
	for (const struct cli_option *o = c->options; o && o->name; o++) {
		const char *field = (const char *)opts + o->offset;
		char flag[256], now[64], def[64];
		snprintf(flag, sizeof(flag), "--%s", o->name);
		switch (o->kind) {
		case CLI_KIND_FLAG: {
			int v;
			memcpy(&v, field, sizeof(v));
			if (v)
				push(&b, flag);
			break;
		}
		case CLI_KIND_STRING: {
			const char *v;
			memcpy(&v, field, sizeof(v));
			if (v && (!o->def || strcmp(v, o->def))) {
				push(&b, flag);
				push(&b, v);
			}
			break;
		}
		case CLI_KIND_LIST: {
			const struct cli_list *l = (const struct cli_list *)(const void *)field;
			for (size_t i = 0; i < l->n; i++) {
				push(&b, flag);
				push(&b, l->v[i]);
			}
			break;
		}
		default: {
			/* the default as the parser stores it, then as text */
			union {
				long l;
				size_t z;
				unsigned long ul;
				double x;
				int e;
				struct cli_shard sh;
			} scratch;
			memset(&scratch, 0, sizeof(scratch));
			if (o->def && set_value(o, &scratch, o->def, NULL) < 0)
				BUG("option '--%s': bad default", o->name);
			value_text(o, field, now, sizeof(now));
			value_text(o, &scratch, def, sizeof(def));
			if (!o->def || strcmp(now, def)) {
				push(&b, flag);
				push(&b, now);
			}
			break;
		}
		}
	}
	for (size_t i = 0; i < n_args; i++)
		push(&b, args[i]);
	if (b.failed) {
		cli_argv_free(b.v);
		return -1;
	}
	*argc = (int)b.n;
	*argv = b.v;
	return 0;
}

void cli_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

struct sidecar *cli_sidecar_new(const struct cli_command *c, const void *opts, int argc,
                                char *const *argv, const char *const *args, size_t n_args)
{
	struct sidecar *sc;
	char **own = NULL;
	if (argv)
		return sidecar_new(argc, argv);
	if (cli_format_argv(c, opts, args, n_args, &argc, &own) < 0)
		return NULL;
	sc = sidecar_new(argc, own);
	cli_argv_free(own);
	return sc;
}
