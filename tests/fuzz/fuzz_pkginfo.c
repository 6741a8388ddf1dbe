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
	l.max_bytes = 1 << 16; /* the soft limits cut values, drop fields and ignore bytes */
	diag_init(&d);
	if (pkginfo_parse((const char *)data, size, &l, &pi, &d) == 0) {
		const struct pkginfo_field *f = NULL;
		while ((f = pkginfo_next(pi, "Classifier", f)))
			;
		(void)pkginfo_get(pi, "Name");
		for (size_t i = 0; i < pi->n_fields; i++)
			if (pi->fields[i].truncated && pi->fields[i].full_len <= l.max_line_bytes)
				__builtin_trap(); /* a cut value is longer than the cap */
		pkginfo_free(pi);
	}
	diag_release(&d);
	return 0;
}
