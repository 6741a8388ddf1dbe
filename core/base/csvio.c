/* CSV reading over libcsv and CSV writing with pyvet's number and file conventions. */
#include "core/base/csvio.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/sbuf.h"

struct parse_state {
	struct csv_table *t;
	char **cur; /* fields of the current record */
	size_t n_cur, cap_cur;
	size_t record;     /* records seen, header included */
	size_t line;       /* physical line being parsed (1-based) */
	size_t start_line; /* the last line fed while no record had begun */
	size_t rec_line;   /* line where the current record starts */
	int failed;
	struct diag *d;
};

static void free_fields(char **f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

void csvio_table_free(struct csv_table *t)
{
	if (!t)
		return;
	free_fields(t->header, t->n_cols);
	for (size_t i = 0; i < t->n_rows; i++)
		free_fields(t->rows[i], t->n_cols);
	free(t->rows);
	free(t->line);
	free(t);
}

static void on_field(void *s, size_t len, void *data)
{
	struct parse_state *ps = data;
	char *copy;
	if (ps->failed)
		return;
	if (ps->n_cur == ps->cap_cur) {
		size_t cap = ps->cap_cur ? ps->cap_cur * 2 : 16;
		char **p = realloc(ps->cur, cap * sizeof(*p));
		if (!p) {
			ps->failed = diag_error(ps->d, "out of memory reading csv");
			return;
		}
		ps->cur = p;
		ps->cap_cur = cap;
	}
	if (ps->n_cur == 0)
		ps->rec_line = ps->start_line;
	copy = malloc(len + 1);
	if (!copy) {
		ps->failed = diag_error(ps->d, "out of memory reading csv");
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	ps->cur[ps->n_cur++] = copy;
}

static void on_record(int c, void *data)
{
	struct parse_state *ps = data;
	struct csv_table *t = ps->t;
	(void)c;
	if (ps->failed)
		goto reset;
	ps->record++;
	if (ps->n_cur == 1 && ps->cur[0][0] == '\0')
		goto reset; /* blank line */
	if (!t->header) {
		t->header = ps->cur;
		t->n_cols = ps->n_cur;
		ps->cur = NULL;
		ps->n_cur = ps->cap_cur = 0;
		return;
	}
	if (ps->n_cur != t->n_cols) {
		ps->failed =
		    diag_error(ps->d, "line %zu: csv record %zu has %zu fields, expected %zu",
		               ps->rec_line, ps->record, ps->n_cur, t->n_cols);
		goto reset;
	}
	if ((t->n_rows & (t->n_rows - 1)) == 0) { /* grow at powers of two */
		size_t cap = t->n_rows ? t->n_rows * 2 : 1;
		char ***p = realloc(t->rows, cap * sizeof(*p));
		size_t *l = p ? realloc(t->line, cap * sizeof(*l)) : NULL;
		if (p)
			t->rows = p;
		if (!l) {
			ps->failed = diag_error(ps->d, "out of memory reading csv");
			goto reset;
		}
		t->line = l;
	}
	t->line[t->n_rows] = ps->rec_line;
	t->rows[t->n_rows++] = ps->cur;
	ps->cur = NULL;
	ps->n_cur = ps->cap_cur = 0;
	return;
reset:
	for (size_t i = 0; i < ps->n_cur; i++)
		free(ps->cur[i]);
	ps->n_cur = 0;
}

int csvio_parse(const char *buf, size_t len, struct csv_table **out, struct diag *d)
{
	struct csv_parser p;
	struct parse_state ps;
	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.d = d;
	ps.t = calloc(1, sizeof(*ps.t));
	if (!ps.t || csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
		free(ps.t);
		return diag_error(d, "out of memory reading csv");
	}
	/* fed one physical line at a time, so that every record knows its line number */
	for (size_t off = 0, k; off < len && !ps.failed; off += k) {
		const char *nl = memchr(buf + off, '\n', len - off);
		k = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
		ps.line++;
		if (p.pstate == 0) /* libcsv's ROW_NOT_BEGUN: a record may start on this line */
			ps.start_line = ps.line;
		if (csv_parse(&p, buf + off, k, on_field, on_record, &ps) != k && !ps.failed)
			ps.failed = diag_error(d, "line %zu: malformed csv: %s", ps.line,
			                       csv_strerror(csv_error(&p)));
	}
	if (!ps.failed && csv_fini(&p, on_field, on_record, &ps) != 0)
		ps.failed = diag_error(d, "malformed csv: %s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	free_fields(ps.cur, ps.n_cur);
	if (!ps.failed && !ps.t->header)
		ps.failed = diag_error(d, "csv has no header row");
	if (ps.failed) {
		csvio_table_free(ps.t);
		return -1;
	}
	*out = ps.t;
	return 0;
}

/* Read the file at `path` (at most max_bytes, 0 = 1 GiB) into sb. 0 or -1 with the reason. */
static int read_bounded(const char *path, size_t max_bytes, struct sbuf *sb, struct diag *d)
{
	FILE *f;
	char chunk[65536];
	size_t k;
	if (!max_bytes)
		max_bytes = (size_t)1 << 30;
	f = fopen(path, "rb");
	if (!f)
		return diag_error(d, "cannot open '%s': %s", path, strerror(errno));
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (sb->len + k > max_bytes) {
			fclose(f);
			return diag_error(d, "'%s' is larger than %zu bytes", path, max_bytes);
		}
		if (sbuf_add(sb, chunk, k) < 0) {
			fclose(f);
			return diag_error(d, "out of memory reading '%s'", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return diag_error(d, "cannot read '%s'", path);
	}
	fclose(f);
	return 0;
}

/* Read and parse; with `comments`, leading lines starting with '#' are blanked first (blank
 * lines are skipped by the parser, so line numbers stay those of the file). */
static int read_table(const char *path, size_t max_bytes, int comments, struct csv_table **out,
                      struct diag *d)
{
	struct sbuf sb = SBUF_INIT;
	int rc;
	*out = NULL;
	if (read_bounded(path, max_bytes, &sb, d) < 0) {
		sbuf_release(&sb);
		return -1;
	}
	if (comments) {
		char *p = sb.buf, *end = sb.buf + sb.len;
		while (p < end && *p == '#') {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			char *stop = nl ? nl : end;
			memset(p, ' ', (size_t)(stop - p));
			p = nl ? nl + 1 : end;
		}
	}
	rc = csvio_parse(sbuf_cstr(&sb), sb.len, out, d);
	sbuf_release(&sb);
	if (rc < 0) {
		char msg[DIAG_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", diag_message(d));
		return diag_error(d, "'%s': %s", path, msg);
	}
	return 0;
}

int csvio_read(const char *path, size_t max_bytes, struct csv_table **out, struct diag *d)
{
	return read_table(path, max_bytes, 0, out, d);
}

int csvio_read_commented(const char *path, size_t max_bytes, struct csv_table **out, struct diag *d)
{
	return read_table(path, max_bytes, 1, out, d);
}

long csvio_column(const struct csv_table *t, const char *name)
{
	for (size_t j = 0; j < t->n_cols; j++)
		if (!strcmp(t->header[j], name))
			return (long)j;
	return -1;
}

int csvio_out_open(struct csvio_out *o, const char *path)
{
	size_t n = strlen(path);
	memset(o, 0, sizeof(*o));
	o->path = malloc(n + 1);
	o->tmp = malloc(n + 5);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		return err_report("out of memory");
	}
	memcpy(o->path, path, n + 1);
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".tmp", 5);
	o->f = fopen(o->tmp, "wb");
	if (!o->f) {
		int rc = err_report("cannot write '%s': %s", o->tmp, strerror(errno));
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		return rc;
	}
	return 0;
}

int csvio_out_commit(struct csvio_out *o)
{
	int rc = 0;
	if (!o->f)
		return -1;
	if (fflush(o->f) != 0 || ferror(o->f))
		rc = err_report("cannot write '%s'", o->tmp);
	if (fclose(o->f) != 0 && rc == 0)
		rc = err_report("cannot close '%s'", o->tmp);
	if (rc == 0 && rename(o->tmp, o->path) != 0)
		rc = err_report("cannot rename '%s': %s", o->tmp, strerror(errno));
	if (rc != 0)
		remove(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

void csvio_out_abort(struct csvio_out *o)
{
	if (!o || !o->f)
		return;
	fclose(o->f);
	remove(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

/* 1 if `s` is a number as pyvet writes them: [+-]digits[.digits][e[+-]digits], or inf/-inf. */
static int is_number_text(const char *s)
{
	size_t digits = 0;
	if (!strcmp(s, "inf") || !strcmp(s, "-inf"))
		return 1;
	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

int csvio_formula_like(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) && !is_number_text(s);
}

int csvio_write_field(FILE *f, const char *s)
{
	int guard;
	if (!s)
		return 0;
	guard = csvio_formula_like(s);
	if (!strpbrk(s, ",\"\r\n")) {
		if (guard && fputc('\'', f) == EOF)
			return -1;
		return fputs(s, f) < 0 ? -1 : 0;
	}
	if (fputc('"', f) == EOF || (guard && fputc('\'', f) == EOF))
		return -1;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', f) == EOF)
			return -1;
		if (fputc(*s, f) == EOF)
			return -1;
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

int csvio_write_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i && fputc(',', f) == EOF)
			return -1;
		if (csvio_write_field(f, fields[i]) < 0)
			return -1;
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}

int csvio_write_double(FILE *f, double v)
{
	if (isnan(v))
		return 0;
	if (isinf(v))
		return fputs(v > 0 ? "inf" : "-inf", f) < 0 ? -1 : 0;
	return fprintf(f, "%.17g", v) < 0 ? -1 : 0;
}

int csvio_parse_double(const char *s, double *v)
{
	char *end;
	if (!*s) {
		*v = NAN;
		return 0;
	}
	errno = 0;
	*v = strtod(s, &end);
	return (*end || errno == ERANGE) ? -1 : 0;
}
