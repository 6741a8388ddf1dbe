/* Data-file lookup: $PYVET_DATA, the installed data directory, next to the binary, the source
 * tree the binary was built in -- never the working directory. */
#include "core/base/datafile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/digest.h"

/* Compiled in by the Makefile: PYVET_DATADIR for the installed binary; PYVET_SRCDIR,
 * PYVET_BUILDDATA and PYVET_DOMAINS_SRC for binaries built in a source tree. */

#define MAX_DIRS 6

static int exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* The directory of the running binary into buf ("" if unknown). */
static void exe_dir(char *buf, size_t n)
{
	ssize_t k = readlink("/proc/self/exe", buf, n - 1);
	char *slash;
	if (k <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[k] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

/* The search directories in order into dirs[] (each of size 4096); their number. */
static size_t search_dirs(char dirs[MAX_DIRS][4096])
{
	const char *env = getenv("PYVET_DATA");
	char exe[4000];
	size_t k = 0;
	if (env && *env)
		snprintf(dirs[k++], 4096, "%s", env);
#ifdef PYVET_DATADIR
	snprintf(dirs[k++], 4096, "%s", PYVET_DATADIR);
#endif
	exe_dir(exe, sizeof(exe));
	if (exe[0])
		snprintf(dirs[k++], 4096, "%s/../share/pyvet", exe);
#ifdef PYVET_BUILDDATA
	snprintf(dirs[k++], 4096, "%s", PYVET_BUILDDATA);
#endif
#ifdef PYVET_SRCDIR
	snprintf(dirs[k++], 4096, "%s/featuresets/data", PYVET_SRCDIR);
#endif
	return k;
}

const char *datafile_path(const char *name, char *buf, size_t n)
{
	char dirs[MAX_DIRS][4096];
	size_t k = search_dirs(dirs);
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		snprintf(buf, n, "%s/%s", dirs[i], name);
		if (exists(buf))
			return buf;
	}
	return NULL;
}

const char *datafile_domains_default(char *buf, size_t n)
{
	const char *env = getenv("PYVET_DOMAINS");
	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return exists(buf) ? buf : NULL;
	}
	if (datafile_path("top-domains.csv", buf, n))
		return buf;
#ifdef PYVET_DOMAINS_SRC
	snprintf(buf, n, "%s", PYVET_DOMAINS_SRC);
	if (exists(buf))
		return buf;
#endif
	return NULL;
}

const char *datafile_model_default(char *buf, size_t n)
{
	if (datafile_path("default.model", buf, n))
		return buf;
#ifdef PYVET_SRCDIR
	snprintf(buf, n, "%s/models/default.model", PYVET_SRCDIR);
	if (exists(buf))
		return buf;
#endif
	return NULL;
}

const char *datafile_dirs(char *buf, size_t n)
{
	char dirs[MAX_DIRS][4096];
	size_t k = search_dirs(dirs), len = 0;
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < k && len < n; i++) {
		int w = snprintf(buf + len, n - len, "%s%s", i ? "\n" : "", dirs[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

int datafile_sha256(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	struct digest ctx;
	unsigned char buf[65536];
	size_t k;
	if (!f)
		return -1;
	digest_init(&ctx);
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		digest_update(&ctx, buf, k);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	digest_hex(&ctx, hex);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int datafile_dir_sha256(const char *dir, char hex[65])
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	struct digest ctx;
	if (!dp)
		return -1;
	while ((de = readdir(dp))) {
		char path[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == DATAFILE_DIR_MAX)
			goto end;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 16;
			char **v = realloc(names, c * sizeof(*v));
			if (!v)
				goto end;
			names = v;
			cap = c;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto end;
		n++;
	}
	if (n) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof(*names), cmp_names);
	digest_init(&ctx);
	for (size_t i = 0; i < n; i++) {
		char path[4096], fh[65];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (datafile_sha256(path, fh) < 0)
			goto end;
		digest_update(&ctx, names[i], strlen(names[i]) + 1);
		digest_update(&ctx, fh, 64);
		digest_update(&ctx, "\n", 1);
	}
	digest_hex(&ctx, hex);
	rc = 0;
end:
	closedir(dp);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
