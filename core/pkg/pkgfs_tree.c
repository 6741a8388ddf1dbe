/* pkgfs_tree: collecting, sorting and deduplicating the members of a pkgfs tree. */
#include "core/pkg/pkgfs_tree.h"

#include <stdlib.h>
#include <string.h>

const char *pkgfs_msg_path(const char *s, char out[PKGFS_MSG_PATH_MAX + 4])
{
	size_t i = 0;
	if (!s)
		s = "";
	for (; s[i] && i < PKGFS_MSG_PATH_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

char *pkgfs_strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

int pkgfs_builder_push(struct pkgfs_builder *b, struct pkgfs_member *m)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		struct pkgfs_member *nm = realloc(b->m, nc * sizeof(*nm));
		if (!nm)
			return -1;
		b->m = nm;
		b->cap = nc;
	}
	b->m[b->n++] = *m;
	return 0;
}

void pkgfs_member_release(struct pkgfs_member *m)
{
	free(m->path);
	free(m->data);
	free(m->link_target);
	memset(m, 0, sizeof(*m));
}

void pkgfs_builder_release(struct pkgfs_builder *b)
{
	for (size_t i = 0; i < b->n; i++)
		pkgfs_member_release(&b->m[i]);
	free(b->m);
	memset(b, 0, sizeof(*b));
}

/* Sort by path, keeping insertion order among equal paths, then keep the last copy of each. */
struct keyed {
	struct pkgfs_member m;
	size_t idx;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->m.path, y->m.path);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int pkgfs_builder_finish(struct pkgfs_builder *b, struct diag *d)
{
	if (b->n < 2)
		return 0;
	struct keyed *k = malloc(b->n * sizeof(*k));
	if (!k)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		k[i].m = b->m[i];
		k[i].idx = i;
	}
	qsort(k, b->n, sizeof(*k), cmp_keyed);
	size_t o = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (i + 1 < b->n && !strcmp(k[i].m.path, k[i + 1].m.path)) {
			char mp[PKGFS_MSG_PATH_MAX + 4];
			if (k[i].m.kind != PKGFS_DIR || k[i + 1].m.kind != PKGFS_DIR) {
				diag_warn(d, "'%s': duplicate member, keeping the last copy",
				          pkgfs_msg_path(k[i].m.path, mp));
				b->n_skipped++;
			}
			pkgfs_member_release(&k[i].m);
			continue;
		}
		b->m[o++] = k[i].m;
	}
	b->n = o;
	free(k);
	return 0;
}
