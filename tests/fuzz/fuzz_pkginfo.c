/* libFuzzer target: arbitrary bytes through the PKG-INFO parser. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "core/pkg/pkginfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkginfo_limits l;
	struct pkginfo *pi = NULL;
	struct diag d;
	pkginfo_limits_default(&l);
	l.max_line_bytes = 4096;
	l.max_fields = 200;
	diag_init(&d);
	if (pkginfo_parse((const char *)data, size, &l, &pi, &d) == 0) {
		const struct pkginfo_field *f = NULL;
		while ((f = pkginfo_next(pi, "Classifier", f)))
			;
		(void)pkginfo_get(pi, "Name");
		pkginfo_free(pi);
	}
	diag_release(&d);
	return 0;
}
