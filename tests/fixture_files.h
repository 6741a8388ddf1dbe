/* In-memory package file lists for the analysis and feature-set tests: a struct package pointed
 * at caller-owned struct package_file slots filled from (path, content) pairs.
 * Header-only (static inline) so each test program includes its own copy. */
#ifndef PYVET_TESTS_FIXTURE_FILES_H
#define PYVET_TESTS_FIXTURE_FILES_H

#include <stdlib.h>
#include <string.h>

#include "core/pkg/package.h"

static inline int fx_cmp_files(const void *x, const void *y)
{
	return strcmp(((const struct package_file *)x)->path,
	              ((const struct package_file *)y)->path);
}

/* pairs: path, content, ..., NULL; contents are borrowed. A NULL content makes a file that is
 * listed but not loaded, of size `listed_size`. Fills files[0..max), sorts them by path, points
 * pkg->files at them (root "", diag initialised) and picks the metadata file: the root PKG-INFO,
 * else the first *.dist-info/METADATA. Other fields of pkg are left alone. Returns the count. */
static inline size_t fx_fill_files(struct package *pkg, struct package_file *files, size_t max,
                                   const char *const *pairs, size_t listed_size)
{
	size_t n = 0;
	for (; pairs[2 * n] && n < max; n++) {
		struct package_file *f = &files[n];
		f->path = pairs[2 * n];
		f->kind = PKGFS_FILE;
		f->data = (const unsigned char *)pairs[2 * n + 1];
		f->size = pairs[2 * n + 1] ? strlen(pairs[2 * n + 1]) : listed_size;
		f->is_text = f->data != NULL;
	}
	qsort(files, n, sizeof(files[0]), fx_cmp_files);
	pkg->files = files;
	pkg->n_files = n;
	pkg->root = (char *)"";
	diag_init(&pkg->diag);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(files[i].path, "PKG-INFO") ||
		    (!pkg->metadata && strstr(files[i].path, ".dist-info/METADATA")))
			pkg->metadata = &files[i];
	}
	return n;
}

#endif
