/* A set of byte strings with stable indices: open addressing over FNV-1a. */
#include "core/base/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t strset_hash(const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t h = 14695981039346656037ULL; /* the FNV-1a 64 offset basis */
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Length of the string of index i (the arena holds it and its NUL). */
static size_t entry_len(const struct strset *set, size_t i)
{
	size_t end = i + 1 < set->count ? set->off[i + 1] : set->arena.len;
	return end - set->off[i] - 1;
}

/* The slot holding s[0..len), or the empty slot where it would go (n_slots > 0). */
static size_t find_slot(const struct strset *set, const char *s, size_t len, uint64_t h)
{
	size_t mask = set->n_slots - 1, j = (size_t)h & mask;
	while (set->slot[j]) {
		size_t i = set->slot[j] - 1;
		if (entry_len(set, i) == len && !memcmp(set->arena.buf + set->off[i], s, len))
			break;
		j = (j + 1) & mask;
	}
	return j;
}

static int grow_slots(struct strset *set)
{
	size_t n = set->n_slots ? set->n_slots * 2 : 64, *slot;
	if (n > SIZE_MAX / sizeof(*slot))
		return -1;
	slot = calloc(n, sizeof(*slot));
	if (!slot)
		return -1;
	for (size_t i = 0; i < set->count; i++) {
		size_t j =
		    (size_t)strset_hash(set->arena.buf + set->off[i], entry_len(set, i)) & (n - 1);
		while (slot[j])
			j = (j + 1) & (n - 1);
		slot[j] = i + 1;
	}
	free(set->slot);
	set->slot = slot;
	set->n_slots = n;
	return 0;
}

int strset_add(struct strset *set, const char *s, size_t len, size_t *index)
{
	uint64_t h = strset_hash(s, len);
	size_t j, at = set->arena.len;
	if ((set->count + 1) * 2 > set->n_slots && grow_slots(set) < 0)
		return -1;
	j = find_slot(set, s, len, h);
	if (set->slot[j]) {
		if (index)
			*index = set->slot[j] - 1;
		return 0;
	}
	if (set->count == set->off_cap) {
		size_t cap = set->off_cap ? set->off_cap * 2 : 64, *off;
		if (cap > SIZE_MAX / sizeof(*off) || !(off = realloc(set->off, cap * sizeof(*off))))
			return -1;
		set->off = off;
		set->off_cap = cap;
	}
	if (len == SIZE_MAX || sbuf_grow(&set->arena, len + 1) < 0)
		return -1;
	sbuf_add(&set->arena, s, len);
	sbuf_addch(&set->arena, '\0');
	set->off[set->count] = at;
	set->slot[j] = ++set->count;
	if (index)
		*index = set->count - 1;
	return 1;
}

size_t strset_find(const struct strset *set, const char *s, size_t len)
{
	size_t j;
	if (!set->n_slots)
		return (size_t)-1;
	j = find_slot(set, s, len, strset_hash(s, len));
	return set->slot[j] ? set->slot[j] - 1 : (size_t)-1;
}

const char *strset_get(const struct strset *set, size_t i)
{
	return set->arena.buf + set->off[i];
}

void strset_release(struct strset *set)
{
	if (!set)
		return;
	sbuf_release(&set->arena);
	free(set->off);
	free(set->slot);
	*set = (struct strset)STRSET_INIT;
}
