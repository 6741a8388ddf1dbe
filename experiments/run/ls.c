/* `pyvet ls`: options and body (see ls.h). */
#include "experiments/run/ls.h"

#include <stdio.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/pkg/package.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/pkgarg.h"

#define O struct ls_opts
static const struct cli_option ls_options[] = {
    {CLI_LIST("password", O, password, "P", "[0, 16]", "zip password to try (default: infected)")},
    {CLI_END}};
#undef O

static const char *const ls_synopsis[] = {"ls PKG [--password P]...", NULL};

const struct cli_command ls_command = {
    .name = "ls",
    .synopsis = ls_synopsis,
    .about = "Read PKG (an archive or a directory) in memory and list its files, relative to the\n"
             "package root, one per line: size, kind (file, link, other), '+' when the bytes were\n"
             "loaded for analysis or '-' when only listed, and the path ('-> target' for links).\n"
             "Header lines start with '#': input, format, root, sha256, metadata, counts.\n"
             "Warnings about skipped members go to stderr. Control characters, bidi controls and\n"
             "invalid UTF-8 in names are shown escaped (\\n, \\x1b, \\u202e).\n",
    .options = ls_options,
    .args = "PKG",
    .args_noun = "package",
    .min_args = 1,
    .max_args = 1,
    .epilog = "Exit status: 0 listed; 2 usage error; 3 the package cannot be read; 4 write "
              "error.\n"};

/* Warnings of the reader on stderr, escaped (they quote member paths). */
static void print_warnings(const struct package *p, const char *input)
{
	for (int i = 0; i < p->diag.n_warnings && i < DIAG_WARN_KEEP; i++)
		err_report("'%s': warning: %s", input, p->diag.warnings[i]);
	if (p->diag.n_warnings > DIAG_WARN_KEEP)
		err_report("'%s': %d more warnings", input, p->diag.n_warnings - DIAG_WARN_KEEP);
}

/* "# key value\n" with the value escaped: paths and roots come from the package. */
static void header_line(const char *key, const char *value)
{
	printf("# %s ", key);
	escape_fputs(value, stdout);
	putchar('\n');
}

int ls_run(const struct ls_opts *o)
{
	static const char *const kinds[] = {"file", "dir", "link", "other"};
	struct package *p;
	int rc = pkgarg_open(o->pkg, &o->password, &p);
	if (!p)
		return rc;
	print_warnings(p, o->pkg);
	/* every string below but the format and the counts comes from the package or the command
	 * line: escaped, so no member name can add or hide a line or move the cursor */
	header_line("input", p->input_path);
	printf("# format %s\n", p->format);
	header_line("root", p->root[0] ? p->root : "(none)");
	printf("# sha256 %s\n", p->sha256[0] ? p->sha256 : "(directory)");
	header_line("metadata", p->metadata ? p->metadata->path : "(none)");
	printf("# files %zu\n# skipped %zu\n", p->n_files, p->n_skipped);
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		printf("%10zu %-5s %c ", f->size, kinds[f->kind], f->data ? '+' : '-');
		escape_fputs(f->path, stdout);
		if (f->kind == PKGFS_LINK) {
			fputs(" -> ", stdout);
			escape_fputs(f->link_target ? f->link_target : "", stdout);
		}
		putchar('\n');
	}
	package_free(p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err_report("ls: write error");
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}
