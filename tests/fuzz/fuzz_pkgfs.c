/* libFuzzer target: arbitrary bytes through the in-memory package reader (pkgfs + package) and
 * the canonical view built on it (core/pkg/view.h: roles, paths, DEP-5 copyright parsing).
 * Build and run with `make fuzz` (clang); not part of `make test`. */
#include <stddef.h>
#include <stdint.h>

#include "core/pkg/package.h"
#include "core/pkg/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_options o;
	struct package *p = NULL;
	struct diag d;
	package_options_default(&o);
	/* small limits keep each run fast; the limit paths are what matters */
	o.limits.max_member_bytes = 1 << 20;
	o.limits.max_total_bytes = 8 << 20;
	o.limits.max_unpacked_bytes = 64 << 20;
	o.limits.max_members = 2000;
	o.time_budget = 5; /* a slow input ends as a budget error, not a fuzzer timeout */
	diag_init(&d);
	if (package_open_memory(&p, data, size, "fuzz", &o, &d) == 0) {
		struct sbuf sb = SBUF_INIT;
		for (size_t i = 0; i < p->n_files; i++)
			if (p->files[i].data)
				package_read_text(&p->files[i], &sb);
		for (size_t i = 0; i < p->n_notes; i++)
			sbuf_addstr(&sb, p->notes[i].detail);
		sbuf_release(&sb);
		struct pkgview *v = NULL;
		if (pkgview_build(p, &v, &d) == 0)
			for (size_t i = 0; i < v->n_licenses; i++)
				if (v->licenses[i]->text)
					sbuf_add(&sb, v->licenses[i]->text, v->licenses[i]->len);
		sbuf_release(&sb);
		pkgview_free(v);
		package_free(p);
	}
	diag_release(&d);
	return 0;
}
