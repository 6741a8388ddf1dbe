/* Unit tests for core/strset: insertion-order indices, lookups by length and bytes, growth past
 * many rehashes, and the FNV-1a reference values. */
#include <stdio.h>
#include <string.h>

#include "core/base/strset.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

static void basic_tests(void)
{
	struct strset s = STRSET_INIT;
	size_t i = 99;
	INT_IS(strset_find(&s, "a", 1), (size_t)-1, "empty set: find fails");
	INT_IS(strset_add(&s, "alpha", 5, &i), 1, "add 'alpha': new");
	INT_IS(i, 0, "'alpha' has index 0");
	INT_IS(strset_add(&s, "beta", 4, &i), 1, "add 'beta': new");
	INT_IS(i, 1, "'beta' has index 1");
	INT_IS(strset_add(&s, "alpha", 5, &i), 0, "add 'alpha' again: present");
	INT_IS(i, 0, "'alpha' keeps index 0");
	INT_IS(strset_add(&s, "alphabet", 5, NULL), 0,
	       "a length-5 prefix of 'alphabet' is 'alpha'");
	INT_IS(strset_find(&s, "alph", 4), (size_t)-1, "'alph' (a prefix) is absent");
	INT_IS(strset_find(&s, "alphaX", 6), (size_t)-1, "'alphaX' (an extension) is absent");
	INT_IS(strset_add(&s, "", 0, &i), 1, "the empty string can be added");
	INT_IS(i, 2, "'' has index 2");
	INT_IS(strset_find(&s, "", 0), 2, "'' is found");
	INT_IS(s.count, 3, "three distinct strings");
	STR_IS(strset_get(&s, 0), "alpha", "get(0)");
	STR_IS(strset_get(&s, 1), "beta", "get(1)");
	STR_IS(strset_get(&s, 2), "", "get(2)");
	strset_release(&s);
	INT_IS(s.count, 0, "released set is empty");
	INT_IS(strset_find(&s, "alpha", 5), (size_t)-1, "released set finds nothing");
	strset_release(&s);
	CHECK(1, "release twice is harmless");
}

static void growth_tests(void)
{
	struct strset s = STRSET_INIT;
	char buf[32];
	int ok = 1;
	for (size_t k = 0; k < 20000 && ok; k++) {
		size_t i;
		int n = snprintf(buf, sizeof(buf), "tok%zu", k * 7919 % 20011);
		ok = strset_add(&s, buf, (size_t)n, &i) == 1 && i == k;
	}
	CHECK(ok, "20000 distinct strings get indices 0..19999 in order");
	ok = 1;
	for (size_t k = 0; k < 20000 && ok; k++) {
		int n = snprintf(buf, sizeof(buf), "tok%zu", k * 7919 % 20011);
		ok = strset_find(&s, buf, (size_t)n) == k && !strcmp(strset_get(&s, k), buf);
	}
	CHECK(ok, "every string is found at its index after the rehashes");
	CHECK(s.n_slots >= 2 * s.count,
	      "the table stays at most half full (%zu slots, %zu strings)", s.n_slots, s.count);
	INT_IS(strset_find(&s, "tok20011", 8), (size_t)-1, "an absent string is not found");
	strset_release(&s);
}

static void hash_tests(void)
{
	/* FNV-1a 64 reference values (offset basis for "", and the published "a" and "foobar") */
	CHECK(strset_hash("", 0) == 0xcbf29ce484222325ULL, "fnv1a('') = offset basis");
	CHECK(strset_hash("a", 1) == 0xaf63dc4c8601ec8cULL, "fnv1a('a')");
	CHECK(strset_hash("foobar", 6) == 0x85944171f73967e8ULL, "fnv1a('foobar')");
}

int main(void)
{
	toolkit_init();
	basic_tests();
	growth_tests();
	hash_tests();
	return harness_done();
}
