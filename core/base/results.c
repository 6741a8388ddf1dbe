/* The JSON sidecar of a results file: provenance, parameters, hashes and per-cell status. */
#include "core/base/results.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/toolkit.h"
#include "core/base/workq.h"

#define SIDECAR_SCHEMA_VERSION 1

struct sidecar {
	cJSON *root;
	struct timespec start; /* CLOCK_MONOTONIC at sidecar_new() */
};

static cJSON *host_json(void)
{
	cJSON *h = cJSON_CreateObject();
	struct utsname u;
	char name[256];
	if (!h)
		return NULL;
	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		cJSON_AddStringToObject(h, "hostname", name);
	}
	if (uname(&u) == 0) {
		cJSON_AddStringToObject(h, "sysname", u.sysname);
		cJSON_AddStringToObject(h, "release", u.release);
		cJSON_AddStringToObject(h, "machine", u.machine);
	}
	cJSON_AddNumberToObject(h, "cpus", (double)sysconf(_SC_NPROCESSORS_ONLN));
	return h;
}

struct sidecar *sidecar_new(int argc, char *const *argv)
{
	struct sidecar *s = calloc(1, sizeof(*s));
	cJSON *cmd;
	char when[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (!s)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	s->root = cJSON_CreateObject();
	cmd = cJSON_CreateArray();
	if (!s->root || !cmd) {
		cJSON_Delete(cmd);
		goto fail;
	}
	for (int i = 0; i < argc && argv && argv[i]; i++)
		if (!cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]))) {
			cJSON_Delete(cmd);
			goto fail;
		}
	/* Fixed keys first, in a stable order; seed, hashes and cells get their place now so that
	 * every sidecar lists its keys in the same order. */
	if (!cJSON_AddNumberToObject(s->root, "schema_version", SIDECAR_SCHEMA_VERSION) ||
	    !cJSON_AddStringToObject(s->root, "pyvet_version", PYVET_VERSION) ||
	    !cJSON_AddItemToObject(s->root, "command", cmd))
		goto fail;
	if (!cJSON_AddStringToObject(s->root, "git_commit", toolkit_build_commit()) ||
	    !cJSON_AddItemToObject(s->root, "versions", toolkit_versions_json()) ||
	    !cJSON_AddItemToObject(s->root, "host", host_json()) ||
	    !cJSON_AddStringToObject(s->root, "started_utc", when) ||
	    !cJSON_AddNullToObject(s->root, "seed") ||
	    !cJSON_AddObjectToObject(s->root, "hashes") ||
	    !cJSON_AddObjectToObject(s->root, "cells"))
		goto fail;
	return s;
fail:
	sidecar_free(s);
	return NULL;
}

#define SIDECAR_READ_MAX (64u << 20)

struct cJSON *sidecar_read(const char *json_path, struct diag *d)
{
	FILE *f = fopen(json_path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	cJSON *j;
	if (!f) {
		diag_error(d, "'%s': %s", json_path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t k;
		if (len + 65536 + 1 > cap) {
			char *nb;
			cap = cap ? 2 * cap : 65536 + 1;
			if (cap > SIDECAR_READ_MAX + 65536 + 1 || !(nb = realloc(buf, cap))) {
				fclose(f);
				free(buf);
				diag_error(d, "'%s': too large or out of memory", json_path);
				return NULL;
			}
			buf = nb;
		}
		k = fread(buf + len, 1, 65536, f);
		len += k;
		if (k < 65536)
			break;
	}
	if (ferror(f) || len > SIDECAR_READ_MAX) {
		fclose(f);
		free(buf);
		diag_error(d, "'%s': cannot read it (or larger than 64 MiB)", json_path);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	j = cJSON_Parse(buf);
	free(buf);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		diag_error(d, "'%s': not a JSON object", json_path);
		return NULL;
	}
	return j;
}

struct sidecar *sidecar_adopt(struct cJSON *root)
{
	struct sidecar *s = calloc(1, sizeof(*s));
	if (!s) {
		cJSON_Delete(root);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	s->root = root;
	return s;
}

struct cJSON *sidecar_root(struct sidecar *s)
{
	return s->root;
}

void sidecar_free(struct sidecar *s)
{
	if (!s)
		return;
	cJSON_Delete(s->root);
	free(s);
}

int sidecar_set_json(struct sidecar *s, const char *key, struct cJSON *item)
{
	if (!item)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(s->root, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(s->root, key, item) ? 0 : -1;
	if (!cJSON_AddItemToObject(s->root, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

void sidecar_set_seed(struct sidecar *s, unsigned long seed)
{
	/* JSON numbers are doubles: a seed beyond 2^53 is written as a decimal string. */
	char buf[32];
	if ((unsigned long long)seed <= 9007199254740992ULL) {
		(void)sidecar_set_json(s, "seed", cJSON_CreateNumber((double)seed));
		return;
	}
	snprintf(buf, sizeof(buf), "%lu", seed);
	(void)sidecar_set_json(s, "seed", cJSON_CreateString(buf));
}

int sidecar_set_string(struct sidecar *s, const char *key, const char *value)
{
	return sidecar_set_json(s, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

int sidecar_set_number(struct sidecar *s, const char *key, double value)
{
	/* cJSON prints NaN and infinities as null. */
	return sidecar_set_json(s, key, cJSON_CreateNumber(value));
}

int sidecar_set_threads(struct sidecar *s, const struct workq_stats *st, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t t = 0; a && t < n; t++) {
		cJSON *o = cJSON_CreateObject();
		if (!o) {
			cJSON_Delete(a);
			return -1;
		}
		cJSON_AddNumberToObject(o, "items", (double)st[t].items);
		cJSON_AddNumberToObject(o, "busy_seconds", st[t].busy_seconds);
		cJSON_AddNumberToObject(o, "cpu_seconds", st[t].cpu_seconds);
		cJSON_AddItemToArray(a, o);
	}
	return sidecar_set_json(s, "threads", a);
}

/* Set obj[key] = item in the object at root[section]. */
static int set_in(struct sidecar *s, const char *section, const char *key, cJSON *item)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(s->root, section);
	if (!item)
		return -1;
	if (!o) {
		cJSON_Delete(item);
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(o, key, item) ? 0 : -1;
	if (!cJSON_AddItemToObject(o, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int sidecar_add_hash(struct sidecar *s, const char *name, const char *sha256_hex)
{
	return set_in(s, "hashes", name, cJSON_CreateString(sha256_hex));
}

int sidecar_add_cell(struct sidecar *s, const char *cell, const char *status)
{
	return set_in(s, "cells", cell, cJSON_CreateString(status));
}

const char *sidecar_path_for(const char *results_path, char *buf, size_t n)
{
	const char *slash = strrchr(results_path, '/');
	const char *base = slash ? slash + 1 : results_path;
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - results_path) : strlen(results_path);
	int w;
	if (n == 0)
		return buf;
	w = snprintf(buf, n, "%.*s.json", (int)stem, results_path);
	if (w < 0 || (size_t)w >= n)
		buf[0] = '\0';
	return buf;
}

int sidecar_write(struct sidecar *s, const char *results_path)
{
	struct timespec now;
	struct csvio_out o;
	char path[4096];
	char *text;
	double wall;
	if (!sidecar_path_for(results_path, path, sizeof(path))[0])
		return err_report("sidecar path for '%s' is too long", results_path);
	clock_gettime(CLOCK_MONOTONIC, &now);
	wall = (double)(now.tv_sec - s->start.tv_sec) +
	       1e-9 * (double)(now.tv_nsec - s->start.tv_nsec);
	if (sidecar_set_number(s, "wall_seconds", wall) < 0)
		return err_report("out of memory writing '%s'", path);
	text = cJSON_Print(s->root);
	if (!text)
		return err_report("out of memory writing '%s'", path);
	if (csvio_out_open(&o, path) < 0) {
		cJSON_free(text);
		return -1;
	}
	if (fputs(text, o.f) < 0 || fputc('\n', o.f) == EOF) {
		cJSON_free(text);
		csvio_out_abort(&o);
		return err_report("cannot write '%s'", path);
	}
	cJSON_free(text);
	return csvio_out_commit(&o);
}
