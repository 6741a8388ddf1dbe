/* `pyvet ls PKG`: list a package's normalised files as pyvet reads them (in memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/package.h"

#define LS_MAX_PASSWORDS 16

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
	const char *pw[LS_MAX_PASSWORDS + 1];
	size_t n_pw = 0;
	const char *input = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return ls_usage(stdout);
		if (!strcmp(argv[i], "--password")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pyvet: ls: '--password' needs a value\n");
				return 2;
			}
			if (n_pw == LS_MAX_PASSWORDS) {
				fprintf(stderr, "pyvet: ls: more than %d passwords\n",
				        LS_MAX_PASSWORDS);
				return 2;
			}
			pw[n_pw++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "pyvet: ls: '%s': unknown option\n", argv[i]);
			return 2;
		} else if (input) {
			fprintf(stderr, "pyvet: ls: more than one package given\n");
			return 2;
		} else {
			input = argv[i];
		}
	}
	if (!input) {
		fprintf(stderr, "pyvet: ls: no package given (see 'pyvet ls --help')\n");
		return 2;
	}
	pw[n_pw] = NULL;
	struct package_options o;
	package_options_default(&o);
	if (n_pw)
		o.passwords = pw;
	struct diag d;
	diag_init(&d);
	struct package *p;
	if (package_open(&p, input, &o, &d) < 0) {
		fprintf(stderr, "pyvet: %s\n", diag_message(&d));
		diag_release(&d);
		return 1;
	}
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
	diag_release(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pyvet: ls: write error\n");
		return 1;
	}
	return 0;
}
