/* `pyvet ls PKG`: list a package's normalised files as pyvet reads them (in memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/pkg/package.h"
#include "experiments/cli/pkgarg.h"
#include "experiments/commands.h"

static int ls_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet ls PKG [--password P]...\n\n"
	    "Read PKG (an archive or a directory) in memory and list its files, relative to the\n"
	    "package root, one per line: size, kind (file, link, other), '+' when the bytes were\n"
	    "loaded for analysis or '-' when only listed, and the path ('-> target' for links).\n"
	    "Header lines start with '#': input, format, root, sha256, metadata, counts.\n"
	    "Warnings about skipped members go to stderr. Control characters, bidi controls and\n"
	    "invalid UTF-8 in names are shown escaped (\\n, \\x1b, \\u202e).\n"
	    "Exit status: 0 listed; 2 usage error; 3 the package cannot be read; 4 write error.\n\n"
	    "  --password P   zip password to try (repeatable; default: infected)\n");
	return f == stdout ? 0 : 2;
}

int cmd_ls(int argc, char **argv);

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

int cmd_ls(int argc, char **argv)
{
	static const char *const kinds[] = {"file", "dir", "link", "other"};
	struct pkgarg a;
	int rc = pkgarg_open(&a, "ls", argc, argv, ls_usage);
	if (!a.pkg)
		return rc;
	struct package *p = a.pkg;
	print_warnings(p, a.input);
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
