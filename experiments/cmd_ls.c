/* `pyvet ls PKG`: list a package's normalised files as pyvet reads them (in memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "core/pkg/package.h"
#include "experiments/cli/pkgarg.h"

static int ls_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet ls PKG [--password P]...\n\n"
	    "Read PKG (an archive or a directory) in memory and list its files, relative to the\n"
	    "package root, one per line: size, kind (file, link, other), '+' when the bytes were\n"
	    "loaded for analysis or '-' when only listed, and the path ('-> target' for links).\n"
	    "Header lines start with '#': input, format, root, sha256, metadata, counts.\n"
	    "Warnings about skipped members go to stderr.\n\n"
	    "  --password P   zip password to try (repeatable; default: infected)\n");
	return f == stdout ? 0 : 2;
}

int cmd_ls(int argc, char **argv);

int cmd_ls(int argc, char **argv)
{
	struct pkgarg a;
	int rc = pkgarg_open(&a, "ls", argc, argv, ls_usage);
	if (!a.pkg)
		return rc;
	struct package *p = a.pkg;
	const char *input = a.input;
	for (int i = 0; i < p->diag.n_warnings && i < DIAG_WARN_KEEP; i++)
		fprintf(stderr, "pyvet: '%s': warning: %s\n", input, p->diag.warnings[i]);
	if (p->diag.n_warnings > DIAG_WARN_KEEP)
		fprintf(stderr, "pyvet: '%s': %d more warnings\n", input,
		        p->diag.n_warnings - DIAG_WARN_KEEP);
	printf("# input %s\n# format %s\n# root %s\n# sha256 %s\n# metadata %s\n# files %zu\n"
	       "# skipped %zu\n",
	       p->input_path, p->format, p->root[0] ? p->root : "(none)",
	       p->sha256[0] ? p->sha256 : "(directory)", p->metadata ? p->metadata->path : "(none)",
	       p->n_files, p->n_skipped);
	static const char *const kinds[] = {"file", "dir", "link", "other"};
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		printf("%10zu %-5s %c %s", f->size, kinds[f->kind], f->data ? '+' : '-', f->path);
		if (f->kind == PKG_LINK)
			printf(" -> %s", f->link_target);
		putchar('\n');
	}
	package_free(p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pyvet: ls: write error\n");
		return 1;
	}
	return 0;
}
