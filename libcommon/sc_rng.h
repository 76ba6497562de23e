/* A small, fast, seedable generator (xoshiro256** seeded through splitmix64) for simulation
 * and tie-breaking. Not numpy-compatible: ports of numpy's generators live elsewhere. */
#ifndef SC_RNG_H
#define SC_RNG_H

#include <stdint.h>

struct sc_rng {
	uint64_t s[4];
	double spare;
	int has_spare;
};

void sc_rng_seed(struct sc_rng *r, uint64_t seed);
uint64_t sc_rng_next(struct sc_rng *r);
/* Uniform in [0, 1). */
double sc_rng_uniform(struct sc_rng *r);
/* Uniform integer in [0, n) without modulo bias. */
uint64_t sc_rng_below(struct sc_rng *r, uint64_t n);
/* Standard normal (polar Box-Muller). */
double sc_rng_normal(struct sc_rng *r);
/* Poisson(lambda): exact for small lambda, transformed rejection above 30. */
uint64_t sc_rng_poisson(struct sc_rng *r, double lambda);

#endif
