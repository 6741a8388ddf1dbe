/* Data-file lookup relative to $PYVET_DATA_DIR, the executable and the working directory. */
#include "core/base/datafile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/digest.h"

static int exists(const char *p)
{
	return access(p, R_OK) == 0;
}

static void exe_dir(char *buf, size_t n)
{
	ssize_t k = readlink("/proc/self/exe", buf, n - 1);
	if (k <= 0) {
		snprintf(buf, n, ".");
		return;
	}
	buf[k] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

const char *datafile_path(const char *name, char *buf, size_t n)
{
	char dir[4096];
	const char *env = getenv("PYVET_DATA_DIR");
	if (env) {
		snprintf(buf, n, "%s/%s", env, name);
		if (exists(buf))
			return buf;
	}
	exe_dir(dir, sizeof(dir));
	snprintf(buf, n, "%s/featuresets/data/%s", dir, name);
	if (exists(buf))
		return buf;
	snprintf(buf, n, "%s/../featuresets/data/%s", dir, name);
	if (exists(buf))
		return buf;
	snprintf(buf, n, "featuresets/data/%s", name);
	return exists(buf) ? buf : NULL;
}

const char *datafile_domains_default(char *buf, size_t n)
{
	char dir[4096];
	const char *env = getenv("PYVET_DOMAINS");
	static const char *rel[] = {"../shared/data/top-domains.csv", "datasets/top-domains.csv"};
	if (env) {
		snprintf(buf, n, "%s", env);
		return exists(buf) ? buf : NULL;
	}
	for (int i = 0; i < 2; i++) {
		snprintf(buf, n, "%s", rel[i]);
		if (exists(buf))
			return buf;
	}
	exe_dir(dir, sizeof(dir));
	for (int up = 0; up < 2; up++)
		for (int i = 0; i < 2; i++) {
			snprintf(buf, n, "%s/%s%s", dir, up ? "../" : "", rel[i]);
			if (exists(buf))
				return buf;
		}
	return NULL;
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
