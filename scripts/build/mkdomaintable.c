/* mkdomaintable LIST OUT: compile the popular-domain list LIST (the default list of domains.top=0,
 * domains.psl_private=1) into the table file OUT that pyvet maps at start-up
 * (core/analysis/domaintable.h). Run by make; exit 0, or 1 with a message. */
#include <stdio.h>

#include "core/analysis/domains.h"
#include "core/base/toolkit.h"

int main(int argc, char **argv)
{
	struct domains *dl = NULL;
	struct diag d;
	int rc = 1;
	toolkit_init();
	diag_init(&d);
	if (argc != 3) {
		fprintf(stderr, "usage: mkdomaintable LIST OUT\n");
		return 2;
	}
	if (domains_load_list(&dl, argv[1], 0, 1, &d) == 0 &&
	    domains_write_table(dl, argv[2], 0, &d) == 0) {
		printf("mkdomaintable: %s: %zu rows, %zu registrable domains -> %s\n", argv[1],
		       domains_rows(dl), domains_count(dl), argv[2]);
		rc = 0;
	} else {
		fprintf(stderr, "mkdomaintable: %s\n", diag_message(&d));
	}
	domains_free(dl);
	diag_release(&d);
	return rc;
}
