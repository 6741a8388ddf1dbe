/* `pyvet meta`: options and body (see meta.h). */
#include "experiments/run/meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <unistr.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/base/sbuf.h"
#include "core/pkg/package.h"
#include "core/pkg/pkginfo.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/pkgarg.h"

#define O struct meta_opts
static const struct cli_option meta_options[] = {
    {CLI_LIST("password", O, password, "P", "[0, 16]", "zip password to try (default: infected)")},
    {CLI_END}};
#undef O

static const char *const meta_synopsis[] = {"meta PKG [--password P]...", NULL};

const struct cli_command meta_command = {
    .name = "meta",
    .synopsis = meta_synopsis,
    .about = "Read PKG in memory, pick its metadata file (root PKG-INFO, else the shallowest\n"
             "*.egg-info/PKG-INFO, else the shallowest *.dist-info/METADATA) and print it parsed\n"
             "as JSON: input, format, root, metadata path, name, version, every header field as\n"
             "{key, value, line} in file order, the first present value of each key (UNKNOWN and\n"
             "empty values are absent) and the body length. Bytes that are not UTF-8 are shown\n"
             "as U+FFFD in the JSON only; JSON escapes control characters, and messages on stderr\n"
             "show them escaped (\\x1b, \\u202e).\n",
    .options = meta_options,
    .args = "PKG",
    .args_noun = "package",
    .min_args = 1,
    .max_args = 1,
    .epilog = "Exit status: 0 printed; 2 usage error; 3 the package or its metadata file cannot "
              "be\nread or parsed; 4 write error.\n"};

/* A JSON string from bytes: invalid UTF-8 sequences become U+FFFD. */
static cJSON *json_bytes(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	while (p < end) {
		ucs4_t uc;
		int n = u8_mbtoucr(&uc, p, (size_t)(end - p));
		if (n < 0) {
			sbuf_addstr(&sb, "\xef\xbf\xbd");
			p++;
		} else {
			sbuf_add(&sb, p, (size_t)n);
			p += n;
		}
	}
	cJSON *j = cJSON_CreateString(sbuf_cstr(&sb));
	sbuf_release(&sb);
	return j;
}

static cJSON *json_or_null(const char *s)
{
	return s ? json_bytes(s) : cJSON_CreateNull();
}

int meta_run(const struct meta_opts *o)
{
	struct package *p;
	int rc = pkgarg_open(o->pkg, &o->password, &p);
	if (!p)
		return rc;
	const char *input = o->pkg;
	struct diag d;
	diag_init(&d);
	if (!p->metadata) {
		err_report("'%s': no metadata file (PKG-INFO or METADATA)", input);
		package_free(p);
		return EXIT_UNREADABLE;
	}
	struct pkginfo *pi;
	if (pkginfo_parse((const char *)p->metadata->data, p->metadata->size, NULL, &pi, &d) < 0) {
		err_report("'%s': '%s': %s", input, p->metadata->path, diag_message(&d));
		package_free(p);
		diag_release(&d);
		return EXIT_UNREADABLE;
	}
	cJSON *j = cJSON_CreateObject(), *fields = cJSON_CreateArray(),
	      *first = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "input", json_bytes(p->input_path));
	cJSON_AddStringToObject(j, "sha256", p->sha256);
	cJSON_AddStringToObject(j, "format", p->format);
	cJSON_AddItemToObject(j, "root", json_bytes(p->root));
	cJSON_AddItemToObject(j, "metadata", json_bytes(p->metadata->path));
	cJSON_AddItemToObject(j, "name", json_or_null(pkginfo_get(pi, "Name")));
	cJSON_AddItemToObject(j, "version", json_or_null(pkginfo_get(pi, "Version")));
	for (size_t i = 0; i < pi->n_fields; i++) {
		const struct pkginfo_field *f = &pi->fields[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "key", json_bytes(f->key));
		cJSON_AddItemToObject(e, "value", json_bytes(f->value));
		cJSON_AddNumberToObject(e, "line", (double)f->line);
		if (f->truncated) { /* cut at the parser's 64 KiB cap (spec D4) */
			cJSON_AddTrueToObject(e, "truncated");
			cJSON_AddNumberToObject(e, "full_length", (double)f->full_len);
		}
		cJSON_AddItemToArray(fields, e);
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcasecmp(pi->fields[k].key, f->key);
		const char *v = seen ? NULL : pkginfo_get(pi, f->key);
		if (v)
			cJSON_AddItemToObject(first, f->key, json_bytes(v));
	}
	cJSON_AddItemToObject(j, "fields", fields);
	cJSON_AddItemToObject(j, "first", first);
	cJSON_AddNumberToObject(j, "body_length", (double)pi->body_len);
	char *s = cJSON_Print(j);
	if (!s) {
		err_report("meta: out of memory");
		rc = EXIT_INTERNAL;
	} else {
		escape_json_fputs(s, stdout); /* bidi and C1 characters as \u escapes */
		putchar('\n');
		free(s);
	}
	cJSON_Delete(j);
	pkginfo_free(pi);
	package_free(p);
	diag_release(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err_report("meta: write error");
		rc = EXIT_INTERNAL;
	}
	return rc;
}
