/* Feature set `residual`: what is left of packaging once the container is gone (issue 10.4). The
 * same kind of facts as `artifacts` -- which kinds of files exist, how many, how large -- but read
 * from the canonical package view (core/pkg/view.h, docs/package-view.md), so container format,
 * root depth, metadata-directory bookkeeping, Metadata-Version and line endings cannot show
 * through. An honest summary of the view, for the per-shape leak check: a learner that separates
 * the classes on these columns alone separates them on what a package ships, not on how it was
 * wrapped. Like `artifacts`, never part of a paper combination.
 *
 * Columns (all from view files; "module" = a .py file that is not a root setup file):
 *   has_metadata, has_setup_py, has_setup_cfg, has_pyproject_toml, has_license (a licence text
 *   wherever the shape keeps it), has_readme (a README* at the view root), has_tests (a path
 *   component test/tests/testing, or a test_*.py, *_test.py or conftest.py module), has_docs (a
 *   component doc/docs), has_entry_points, has_extension (*.so, *.pyd), has_bytecode (*.pyc),
 *   has_pth, n_files, n_modules, n_data_files, n_packages (directories holding __init__.py),
 *   n_top_level (distinct first components of module paths), max_module_depth (components of
 *   the deepest module path), log_module_bytes, log_data_bytes, log_total_bytes (modules,
 *   setup files and data files; not the metadata, licence and entry-points files, whose size
 *   depends on their format) (ln(1 + bytes) of the universal-newline text; declared sizes for
 *   members that were not loaded). */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "core/analysis/analysis.h"
#include "core/pkg/view.h"

enum {
	R_HAS_METADATA,
	R_HAS_SETUP_PY,
	R_HAS_SETUP_CFG,
	R_HAS_PYPROJECT,
	R_HAS_LICENSE,
	R_HAS_README,
	R_HAS_TESTS,
	R_HAS_DOCS,
	R_HAS_ENTRY_POINTS,
	R_HAS_EXTENSION,
	R_HAS_BYTECODE,
	R_HAS_PTH,
	R_N_FILES,
	R_N_MODULES,
	R_N_DATA,
	R_N_PACKAGES,
	R_N_TOP_LEVEL,
	R_MAX_DEPTH,
	R_LOG_MODULE_BYTES,
	R_LOG_DATA_BYTES,
	R_LOG_TOTAL_BYTES,
	R_N
};

static const char *const residual_names[R_N] = {
    "has_metadata",   "has_setup_py", "has_setup_cfg",    "has_pyproject_toml", "has_license",
    "has_readme",     "has_tests",    "has_docs",         "has_entry_points",   "has_extension",
    "has_bytecode",   "has_pth",      "n_files",          "n_modules",          "n_data_files",
    "n_packages",     "n_top_level",  "max_module_depth", "log_module_bytes",   "log_data_bytes",
    "log_total_bytes"};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Whether a directory component of `path` (not the file name) is one of `names`. */
static int has_dir_component(const char *path, const char *const *names)
{
	const char *c = path;
	for (const char *s; (s = strchr(c, '/')); c = s + 1)
		for (size_t i = 0; names[i]; i++)
			if ((size_t)(s - c) == strlen(names[i]) &&
			    !memcmp(c, names[i], (size_t)(s - c)))
				return 1;
	return 0;
}

static int is_test_module(const char *base)
{
	size_t n = strlen(base);
	return !strncmp(base, "test_", 5) || (n > 8 && !strcmp(base + n - 8, "_test.py")) ||
	       !strcmp(base, "conftest.py");
}

/* Components of a path ("a/b/c.py" = 3). */
static size_t depth_of(const char *path)
{
	size_t d = 1;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* Length of the first component of `path`. */
static size_t first_len(const char *path)
{
	const char *s = strchr(path, '/');
	return s ? (size_t)(s - path) : strlen(path);
}

static int residual_extract(const void *vstate, const struct analysis *a, double *out,
                            struct evidence_list *ev, struct diag *d)
{
	static const char *const tests[] = {"test", "tests", "testing", NULL};
	static const char *const docs[] = {"doc", "docs", NULL};
	const struct pkgview *v = a->view;
	double module_bytes = 0, data_bytes = 0, total = 0;
	const char *last_pkg_dir = NULL, *last_top = NULL;
	size_t last_pkg_len = 0, last_top_len = 0;
	(void)vstate;
	(void)ev;
	for (size_t i = 0; i < R_N; i++)
		out[i] = 0;
	out[R_HAS_METADATA] = v->metadata != NULL;
	out[R_HAS_SETUP_PY] = v->setup_py != NULL;
	out[R_HAS_SETUP_CFG] = v->setup_cfg != NULL;
	out[R_HAS_PYPROJECT] = v->pyproject != NULL;
	out[R_HAS_LICENSE] = v->n_licenses > 0;
	out[R_N_FILES] = (double)v->n_files;
	for (size_t i = 0; i < v->n_files; i++) {
		const struct pkgview_file *f = &v->files[i];
		const char *b = base_name(f->path);
		double size = (double)f->len; /* universal newlines: CRLF is not bigger */
		if (deadline_check(a->deadline, d, "residual ('%s')", f->path) < 0)
			return -1;
		if (f->role == PKGVIEW_MODULE || f->role == PKGVIEW_SETUP ||
		    f->role == PKGVIEW_DATA)
			total += size;
		if (b == f->path && !strncasecmp(b, "readme", 6))
			out[R_HAS_README] = 1;
		/* (an installed package's licence, /usr/share/doc/..., is not documentation) */
		if (f->path[0] != '/' && (has_dir_component(f->path, tests) ||
		                          (f->role == PKGVIEW_MODULE && is_test_module(b))))
			out[R_HAS_TESTS] = 1;
		if (f->path[0] != '/' && has_dir_component(f->path, docs))
			out[R_HAS_DOCS] = 1;
		if (f->role == PKGVIEW_ENTRY_POINTS)
			out[R_HAS_ENTRY_POINTS] = 1;
		if (ends_with_ci(b, ".so") || ends_with_ci(b, ".pyd"))
			out[R_HAS_EXTENSION] = 1;
		if (ends_with_ci(b, ".pyc"))
			out[R_HAS_BYTECODE] = 1;
		if (ends_with_ci(b, ".pth"))
			out[R_HAS_PTH] = 1;
		if (f->role == PKGVIEW_DATA) {
			out[R_N_DATA]++;
			data_bytes += size;
		}
		if (f->role != PKGVIEW_MODULE)
			continue;
		out[R_N_MODULES]++;
		module_bytes += size;
		if ((double)depth_of(f->path) > out[R_MAX_DEPTH])
			out[R_MAX_DEPTH] = (double)depth_of(f->path);
		/* view files are sorted, so one directory's modules and one top-level name's
		 * modules are consecutive among the modules */
		if (!strcmp(b, "__init__.py")) {
			size_t dl = (size_t)(b - f->path);
			if (!last_pkg_dir || dl != last_pkg_len ||
			    memcmp(f->path, last_pkg_dir, dl)) {
				out[R_N_PACKAGES]++;
				last_pkg_dir = f->path;
				last_pkg_len = dl;
			}
		}
		{
			size_t tl = first_len(f->path);
			if (!last_top || tl != last_top_len || memcmp(f->path, last_top, tl)) {
				out[R_N_TOP_LEVEL]++;
				last_top = f->path;
				last_top_len = tl;
			}
		}
	}
	out[R_LOG_MODULE_BYTES] = log1p(module_bytes);
	out[R_LOG_DATA_BYTES] = log1p(data_bytes);
	out[R_LOG_TOTAL_BYTES] = log1p(total);
	return 0;
}

static const struct param_spec residual_params[] = {{NULL, 0, 0, NULL, NULL, NULL}};

const struct featureset_type fs_residual = {
    .name = "residual",
    .summary = "packaging facts of the canonical view for the per-shape leak check (issue 10.4); "
               "never in a paper combination",
    .version = 1,
    .state_size = 0,
    .params = residual_params,
    .check = NULL,
    .n_features = R_N,
    .feature_names = residual_names,
    .extract = residual_extract,
    .document = NULL,
    .release = NULL,
};
