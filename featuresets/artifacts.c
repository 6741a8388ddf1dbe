/* Feature set `artifacts`: packaging facts for the leak check (spec 8.4, corpus README "Known
 * label-leak risks"). They describe how an archive was built, not what its code does, and are
 * NEVER part of a paper combination: a classifier that separates the classes on these features
 * alone shows that the corpus leaks the label through packaging.
 *
 * The storage wrapper (the encrypted zip around malicious samples) is deliberately not described:
 * it separates the classes perfectly by construction and is unwrapped before analysis. Member
 * modification times are not available from the package reader, so the "year of the newest
 * member" of spec 8.4 is not computed. */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/analysis/analysis.h"
#include "core/analysis/evidence.h"
#include "core/pkg/pkginfo.h"

enum {
	A_SETUP_PY,
	A_SETUP_CFG,
	A_PYPROJECT,
	A_PKG_INFO,
	A_EGG_SOURCES,
	A_WHEEL_METADATA,
	A_LICENSE_FILE,
	A_README,
	A_TESTS_DIR,
	A_GITHUB_DIR,
	A_DOCS_DIR,
	A_LICENSE_FILE_HEADER,
	A_MDV_GE_2_2,
	A_MDV,
	A_CRLF_SHARE,
	A_N_MEMBERS,
	A_N_PY,
	A_LOG_SIZE,
	A_ROOT_DEPTH,
	A_FMT_TAR_GZ,
	A_FMT_TAR_BZ2,
	A_FMT_TAR_XZ,
	A_FMT_TAR,
	A_FMT_ZIP,
	A_FMT_WHL,
	A_FMT_OTHER,
	A_N
};

static const char *const artifacts_names[A_N] = {"has_setup_py",
                                                 "has_setup_cfg",
                                                 "has_pyproject_toml",
                                                 "has_pkg_info",
                                                 "has_egg_info_sources",
                                                 "has_wheel_metadata",
                                                 "has_license_file",
                                                 "has_readme",
                                                 "has_tests_dir",
                                                 "has_github_dir",
                                                 "has_docs_dir",
                                                 "has_license_file_header",
                                                 "metadata_version_ge_2_2",
                                                 "metadata_version",
                                                 "crlf_py_share",
                                                 "n_members",
                                                 "n_py",
                                                 "log_total_bytes",
                                                 "root_depth",
                                                 "format_tar_gz",
                                                 "format_tar_bz2",
                                                 "format_tar_xz",
                                                 "format_tar",
                                                 "format_zip",
                                                 "format_whl",
                                                 "format_other"};

static int starts_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Whether path lies under a top-level directory `dir` (no slash). */
static int under_root_dir(const char *path, const char *dir)
{
	size_t k = strlen(dir);
	return !strncmp(path, dir, k) && path[k] == '/';
}

/* Whether the directory part of path ends with a component ending in `suffix`
 * ("x/foo.egg-info/SOURCES.txt" with ".egg-info" and base "SOURCES.txt"). */
static int in_dir_with_suffix(const char *path, const char *suffix, const char *base)
{
	const char *slash = strrchr(path, '/');
	size_t dlen, k = strlen(suffix);
	if (!slash || strcmp(slash + 1, base))
		return 0;
	dlen = (size_t)(slash - path);
	return dlen >= k && !strncmp(slash - k, suffix, k);
}

/* Parse "2.1" into 2.1 (major + minor / 10^digits); NaN if not a version. */
static double mdv_value(const char *v)
{
	char *end;
	long major, minor;
	if (!v)
		return NAN;
	major = strtol(v, &end, 10);
	if (end == v || *end != '.')
		return NAN;
	v = end + 1;
	minor = strtol(v, &end, 10);
	if (end == v || minor < 0 || major < 0)
		return NAN;
	return (double)major + (double)minor / pow(10.0, (double)(end - v));
}

static int artifacts_extract(const void *vstate, const struct analysis *a, double *out,
                             struct evidence_list *ev, struct diag *d)
{
	const struct package *p = a->pkg;
	size_t n_py = 0, n_crlf = 0, depth = 0;
	double total = 0;
	const char *fmt;
	(void)vstate;
	(void)ev;
	for (size_t i = 0; i < A_N; i++)
		out[i] = 0;
	for (size_t i = 0; i < p->n_files; i++) {
		const struct package_file *f = &p->files[i];
		const char *path = f->path;
		int root = !strchr(path, '/');
		total += (double)f->size;
		if (root) {
			if (!strcmp(path, "setup.py"))
				out[A_SETUP_PY] = 1;
			else if (!strcmp(path, "setup.cfg"))
				out[A_SETUP_CFG] = 1;
			else if (!strcmp(path, "pyproject.toml"))
				out[A_PYPROJECT] = 1;
			else if (!strcmp(path, "PKG-INFO"))
				out[A_PKG_INFO] = 1;
			if (starts_ci(path, "license") || starts_ci(path, "licence") ||
			    starts_ci(path, "copying"))
				out[A_LICENSE_FILE] = 1;
			if (starts_ci(path, "readme"))
				out[A_README] = 1;
		}
		if (in_dir_with_suffix(path, ".egg-info", "SOURCES.txt"))
			out[A_EGG_SOURCES] = 1;
		if (in_dir_with_suffix(path, ".dist-info", "METADATA"))
			out[A_WHEEL_METADATA] = 1;
		if (under_root_dir(path, "tests") || under_root_dir(path, "test"))
			out[A_TESTS_DIR] = 1;
		if (under_root_dir(path, ".github"))
			out[A_GITHUB_DIR] = 1;
		if (under_root_dir(path, "docs"))
			out[A_DOCS_DIR] = 1;
		if (f->kind == PKGFS_FILE && package_is_python(f)) {
			n_py++;
			if (f->data && memchr(f->data, '\r', f->size)) {
				const unsigned char *q = f->data, *end = q + f->size;
				while ((q = memchr(q, '\r', (size_t)(end - q))) && q + 1 < end) {
					if (q[1] == '\n') {
						n_crlf++;
						break;
					}
					q++;
				}
			}
		}
	}
	/* the container's metadata file as it is (the view drops Metadata-Version) */
	if (p->metadata && p->metadata->data) {
		struct pkginfo *pi = NULL;
		struct diag md;
		diag_init(&md);
		if (pkginfo_parse((const char *)p->metadata->data, p->metadata->size,
		                  &a->ctx->pkginfo_limits, &pi, &md) < 0) {
			diag_error(d, "artifacts: '%s': %s", p->metadata->path, diag_message(&md));
			diag_release(&md);
			return -1;
		}
		diag_release(&md);
		double v = mdv_value(pkginfo_get(pi, "Metadata-Version"));
		out[A_MDV] = v;
		out[A_MDV_GE_2_2] = isnan(v) ? (double)NAN : v >= 2.2 - 1e-9;
		out[A_LICENSE_FILE_HEADER] = pkginfo_get(pi, "License-File") != NULL;
		pkginfo_free(pi);
	} else {
		out[A_MDV] = NAN;
		out[A_MDV_GE_2_2] = NAN;
	}
	out[A_CRLF_SHARE] = n_py ? (double)n_crlf / (double)n_py : (double)NAN;
	out[A_N_MEMBERS] = (double)p->n_files;
	out[A_N_PY] = (double)n_py;
	out[A_LOG_SIZE] = log1p(total);
	for (const char *r = p->root ? p->root : ""; *r; r++)
		depth += *r == '/';
	out[A_ROOT_DEPTH] = (double)depth;
	/* the innermost archive format (after the last '>': the storage wrapper is ignored) */
	fmt = strrchr(p->format, '>');
	fmt = fmt ? fmt + 1 : p->format;
	if (!strcmp(fmt, "tar.gz"))
		out[A_FMT_TAR_GZ] = 1;
	else if (!strcmp(fmt, "tar.bz2"))
		out[A_FMT_TAR_BZ2] = 1;
	else if (!strcmp(fmt, "tar.xz"))
		out[A_FMT_TAR_XZ] = 1;
	else if (!strcmp(fmt, "tar"))
		out[A_FMT_TAR] = 1;
	else if (!strcmp(fmt, "zip") || ends_with(fmt, "+zipcrypto"))
		out[A_FMT_ZIP] = 1;
	else if (!strcmp(fmt, "whl"))
		out[A_FMT_WHL] = 1;
	else
		out[A_FMT_OTHER] = 1;
	return 0;
}

static const struct param_spec artifacts_params[] = {{NULL, 0, 0, NULL, NULL, NULL}};

const struct featureset_type fs_artifacts = {
    .name = "artifacts",
    .summary = "packaging facts for the leak check (spec 8.4); never in a paper combination",
    .version = 1,
    .state_size = 0,
    .params = artifacts_params,
    .check = NULL,
    .n_features = A_N,
    .feature_names = artifacts_names,
    .extract = artifacts_extract,
    .document = NULL,
    .release = NULL,
};
