/* The one package of `pyvet ls` and `pyvet meta` (see pkgarg.h). */
#include "experiments/cli/pkgarg.h"

#include <string.h>

#include "core/base/err.h"
#include "experiments/cli/exitstatus.h"

int pkgarg_open(const char *input, const struct cli_list *passwords, struct package **pkg)
{
	const char *pw[PKGARG_MAX_PASSWORDS + 1];
	struct package_options o;
	struct diag d;
	*pkg = NULL;
	if (passwords->n > PKGARG_MAX_PASSWORDS) {
		err_report("more than %d passwords", PKGARG_MAX_PASSWORDS);
		return EXIT_USAGE;
	}
	package_options_default(&o);
	if (passwords->n) {
		memcpy(pw, passwords->v, passwords->n * sizeof(*pw));
		pw[passwords->n] = NULL;
		o.passwords = pw;
	}
	diag_init(&d);
	if (package_open(pkg, input, &o, &d) < 0) {
		err_report("%s", diag_message(&d)); /* escaped: it may quote member paths */
		diag_release(&d);
		*pkg = NULL;
		return EXIT_UNREADABLE;
	}
	diag_release(&d);
	return 0;
}
