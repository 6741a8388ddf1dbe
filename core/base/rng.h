/* Seeded random streams: every random choice in pyvet takes an explicit, seeded gsl_rng.
 *
 * Streams are derived, never shared: rng_derive(parent_seed, stream_id) gives an independent seed
 * for one (repeat, fold, learner) cell or one importance repeat, so any cell can be replayed.
 *
 * Memory management: rng_alloc() returns a generator owned by the caller, freed with rng_free(). */
#ifndef PYVET_RNG_H
#define PYVET_RNG_H

#include <gsl/gsl_rng.h>

/** A mt19937 generator seeded with `seed`. NULL on out of memory. */
gsl_rng *rng_alloc(unsigned long seed);

/** Free a generator. NULL-safe. */
void rng_free(gsl_rng *r);

/** A seed for stream `stream_id` derived from `parent_seed` (splitmix64 mixing); deterministic
 *  and well spread, so rng_derive(s, 0), rng_derive(s, 1), ... are unrelated streams. The result
 *  fits in 32 bits (gsl's mt19937 uses the low 32 bits of the seed) and is never 0. */
unsigned long rng_derive(unsigned long parent_seed, unsigned long stream_id);

/** A uniformly random integer in [0, n) from `r` (n >= 1). */
size_t rng_uniform_index(const gsl_rng *r, size_t n);

#endif
