/* Seeded mt19937 streams and seed derivation. */
#include "core/base/rng.h"

#include <stdint.h>

gsl_rng *rng_alloc(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r)
		gsl_rng_set(r, seed);
	return r;
}

void rng_free(gsl_rng *r)
{
	if (r)
		gsl_rng_free(r);
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

unsigned long rng_derive(unsigned long parent_seed, unsigned long stream_id)
{
	uint64_t h = splitmix64(splitmix64((uint64_t)parent_seed) ^ (uint64_t)stream_id);
	unsigned long s = (unsigned long)(h & 0xffffffffULL);
	return s ? s : 1;
}

size_t rng_uniform_index(const gsl_rng *r, size_t n)
{
	return (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
}
