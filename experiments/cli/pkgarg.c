/* The `PKG [--password P]...` command line of `pyvet ls` and `pyvet meta`. */
#include "experiments/cli/pkgarg.h"

#include <string.h>

#include "core/base/err.h"

int pkgarg_open(struct pkgarg *a, const char *cmd, int argc, char **argv, int (*usage)(FILE *))
{
	const char *pw[PKGARG_MAX_PASSWORDS + 1];
	size_t n_pw = 0;
	a->input = NULL;
	a->pkg = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout);
		if (!strcmp(argv[i], "--password")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pyvet: %s: '--password' needs a value\n", cmd);
				return 2;
			}
			if (n_pw == PKGARG_MAX_PASSWORDS) {
				fprintf(stderr, "pyvet: %s: more than %d passwords\n", cmd,
				        PKGARG_MAX_PASSWORDS);
				return 2;
			}
			pw[n_pw++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			err_report("%s: '%s': unknown option", cmd, argv[i]);
			return 2;
		} else if (a->input) {
			fprintf(stderr, "pyvet: %s: more than one package given\n", cmd);
			return 2;
		} else {
			a->input = argv[i];
		}
	}
	if (!a->input) {
		fprintf(stderr, "pyvet: %s: no package given (see 'pyvet %s --help')\n", cmd, cmd);
		return 2;
	}
	pw[n_pw] = NULL;
	struct package_options o;
	package_options_default(&o);
	if (n_pw)
		o.passwords = pw;
	struct diag d;
	diag_init(&d);
	if (package_open(&a->pkg, a->input, &o, &d) < 0) {
		err_report("%s", diag_message(&d)); /* escaped: it may quote member paths */
		diag_release(&d);
		a->pkg = NULL;
		return 3; /* EXIT_UNREADABLE of experiments/commands.h (a layer above) */
	}
	diag_release(&d);
	return 0;
}
