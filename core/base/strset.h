/* strset: a set of byte strings with stable indices 0, 1, ... in insertion order (open addressing
 * over FNV-1a hashes, linear probing, at most half full). Used by core/domains (the registrable
 * domains of the popular-domain list) and core/tokenize (the distinct tokens of a document).
 *
 * Strings are copied into one arena, each followed by a NUL; lookups compare lengths and bytes,
 * but strset_get() returns C strings, so users store strings without NUL bytes.
 *
 * Memory management: struct strset is caller-owned; STRSET_INIT (or zero-filling) starts it
 * empty, strset_release() frees everything (idempotent). Pointers from strset_get() are borrowed
 * and stay valid only until the next strset_add(). */
#ifndef PYVET_STRSET_H
#define PYVET_STRSET_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/sbuf.h"

struct strset {
	struct sbuf arena; /* the strings, each followed by a NUL */
	size_t *off;       /* count offsets into the arena, in insertion order */
	size_t count, off_cap;
	size_t *slot;   /* n_slots entries: index + 1, 0 = empty */
	size_t n_slots; /* 0 or a power of two */
};

#define STRSET_INIT                                                                                \
	{                                                                                          \
		SBUF_INIT, NULL, 0, 0, NULL, 0                                                     \
	}

/** FNV-1a (64 bits) over n bytes. */
uint64_t strset_hash(const void *s, size_t n);

/** Add s[0..len) unless present. Returns 1 if it was added, 0 if it was already there, -1 on out
 *  of memory (the set is unchanged). *index (if not NULL) receives its index on 0 and 1. */
int strset_add(struct strset *set, const char *s, size_t len, size_t *index);

/** The index of s[0..len), or (size_t)-1 when absent. */
size_t strset_find(const struct strset *set, const char *s, size_t len);

/** The string of index i (i < set->count). Borrowed. */
const char *strset_get(const struct strset *set, size_t i);

/** Free everything and reset to empty. NULL-safe. */
void strset_release(struct strset *set);

#endif
