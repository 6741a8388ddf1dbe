/* The compiled popular-domain table: written once by make, mapped read-only by every run. */
#include "core/analysis/domaintable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "PYVETDT1"
#define BOM 0x01020304u
#define TABLE_MAX ((uint64_t)1 << 32) /* pool offsets are 32 bits */

/* The on-disk header: fixed-width fields only, 256 bytes. */
struct header {
	char magic[8];
	uint32_t format, bom;
	char source_sha256[64];
	char psl_sha1[40];
	uint32_t psl_private, pad;
	uint64_t top, rows, n_suffix, n_invalid, count;
	uint64_t n_slots, pool_len;
	char reserved[256 - 8 - 8 - 64 - 40 - 8 - 7 * 8];
};

struct domaintable {
	void *map;
	size_t map_len;
	const uint64_t *slot;
	uint64_t mask;
	const char *pool;
	uint64_t pool_len;
	struct domaintable_info info;
};

int domaintable_write(const char *path, const struct domaintable_info *info,
                      const struct strset *set, struct diag *d)
{
	struct header h;
	uint64_t n_slots = 16, *slot;
	char tmp[4096];
	FILE *f;
	int bad;
	_Static_assert(sizeof(struct header) == 256, "header size");
	if (set->arena.len >= TABLE_MAX)
		return diag_error(d, "domain table '%s': %zu bytes of domains is too many", path,
		                  set->arena.len);
	while (n_slots < 2 * (uint64_t)set->count + 2)
		n_slots *= 2;
	if (!(slot = calloc(n_slots, sizeof(*slot))))
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < set->count; i++) {
		const char *s = strset_get(set, i);
		uint64_t hv = strset_hash(s, strlen(s)), j = hv & (n_slots - 1);
		while (slot[j])
			j = (j + 1) & (n_slots - 1);
		slot[j] = (hv >> 32 << 32) | ((uint64_t)set->off[i] + 1);
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.format = DOMAINTABLE_FORMAT;
	h.bom = BOM;
	memcpy(h.source_sha256, info->source_sha256, 64);
	memcpy(h.psl_sha1, info->psl_sha1, 40);
	h.psl_private = (uint32_t)info->psl_private;
	h.top = info->top;
	h.rows = info->rows;
	h.n_suffix = info->n_suffix;
	h.n_invalid = info->n_invalid;
	h.count = set->count;
	h.n_slots = n_slots;
	h.pool_len = set->arena.len;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "wb"))) {
		free(slot);
		return diag_error(d, "cannot create '%s': %s", tmp, strerror(errno));
	}
	bad = fwrite(&h, sizeof(h), 1, f) != 1 ||
	      fwrite(slot, sizeof(*slot), n_slots, f) != n_slots ||
	      (set->arena.len && fwrite(set->arena.buf, 1, set->arena.len, f) != set->arena.len);
	free(slot);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		remove(tmp);
		return diag_error(d, "cannot write '%s'", path);
	}
	return 0;
}

/* A NUL-terminated copy of a fixed-width hex field. */
static void field(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int domaintable_open(struct domaintable **out, const char *path, struct diag *d)
{
	struct domaintable *t;
	struct header h;
	struct stat st;
	uint64_t want;
	int fd;
	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return diag_error(d, "cannot open domain table '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size < sizeof(h) ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		close(fd);
		return diag_error(d, "domain table '%s': not a table file", path);
	}
	if (memcmp(h.magic, MAGIC, 8) || h.format != DOMAINTABLE_FORMAT || h.bom != BOM ||
	    h.n_slots < 2 || (h.n_slots & (h.n_slots - 1)) || h.n_slots > TABLE_MAX ||
	    h.pool_len == 0 || h.pool_len >= TABLE_MAX || h.count >= h.n_slots) {
		close(fd);
		return diag_error(d, "domain table '%s': bad header (another format or byte order)",
		                  path);
	}
	want = sizeof(h) + h.n_slots * sizeof(uint64_t) + h.pool_len;
	if ((uint64_t)st.st_size != want) {
		close(fd);
		return diag_error(d, "domain table '%s': %lld bytes, expected %llu", path,
		                  (long long)st.st_size, (unsigned long long)want);
	}
	if (!(t = calloc(1, sizeof(*t)))) {
		close(fd);
		return diag_error(d, "out of memory");
	}
	t->map_len = (size_t)want;
	t->map = mmap(NULL, t->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (t->map == MAP_FAILED) {
		free(t);
		return diag_error(d, "cannot map domain table '%s': %s", path, strerror(errno));
	}
	t->slot = (const uint64_t *)((const char *)t->map + sizeof(h));
	t->mask = h.n_slots - 1;
	t->pool = (const char *)(t->slot + h.n_slots);
	t->pool_len = h.pool_len;
	/* every string ends inside the pool; slot offsets are checked at each lookup, so that
	 * opening touches no more than the header (the slots are faulted in as they are used) */
	if (t->pool[t->pool_len - 1] != '\0') {
		domaintable_close(t);
		return diag_error(d, "domain table '%s': damaged (string pool not terminated)",
		                  path);
	}
	field(t->info.source_sha256, h.source_sha256, 64);
	field(t->info.psl_sha1, h.psl_sha1, 40);
	t->info.psl_private = h.psl_private != 0;
	t->info.top = (size_t)h.top;
	t->info.rows = (size_t)h.rows;
	t->info.n_suffix = (size_t)h.n_suffix;
	t->info.n_invalid = (size_t)h.n_invalid;
	t->info.count = (size_t)h.count;
	*out = t;
	return 0;
}

const struct domaintable_info *domaintable_info(const struct domaintable *t)
{
	return &t->info;
}

int domaintable_has(const struct domaintable *t, const char *s, size_t len)
{
	uint64_t hv = strset_hash(s, len), j = hv & t->mask, tag = hv >> 32;
	for (uint64_t probes = 0; probes <= t->mask; probes++, j = (j + 1) & t->mask) {
		uint64_t v = t->slot[j], off;
		const char *p;
		if (!v)
			return 0;
		if (v >> 32 != tag)
			continue;
		off = (v & 0xffffffffu) - 1;
		if (off >= t->pool_len) /* a damaged slot: never read outside the pool */
			continue;
		p = t->pool + off;
		if (t->pool_len - off > len && !memcmp(p, s, len) && p[len] == '\0')
			return 1;
	}
	return 0;
}

void domaintable_close(struct domaintable *t)
{
	if (!t)
		return;
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, t->map_len);
	free(t);
}
