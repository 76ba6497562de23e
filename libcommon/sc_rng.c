/* xoshiro256** with splitmix64 seeding, and the distributions the simulator needs. */
#include <math.h>

#include "sc_rng.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sc_rng_seed(struct sc_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
	r->has_spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sc_rng_next(struct sc_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double sc_rng_uniform(struct sc_rng *r) { return (double)(sc_rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t sc_rng_below(struct sc_rng *r, uint64_t n)
{
	uint64_t lim, x;
	if (n <= 1)
		return 0;
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		x = sc_rng_next(r);
	while (x >= lim);
	return x % n;
}

double sc_rng_normal(struct sc_rng *r)
{
	double u, v, s;
	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	do {
		u = 2.0 * sc_rng_uniform(r) - 1.0;
		v = 2.0 * sc_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	s = sqrt(-2.0 * log(s) / s);
	r->spare = v * s;
	r->has_spare = 1;
	return u * s;
}

uint64_t sc_rng_poisson(struct sc_rng *r, double lambda)
{
	if (!(lambda > 0))
		return 0;
	if (lambda < 30) {
		double l = exp(-lambda), p = 1.0;
		uint64_t k = 0;
		do {
			k++;
			p *= sc_rng_uniform(r);
		} while (p > l);
		return k - 1;
	}
	/* Hormann's PTRS transformed rejection */
	{
		double slam = sqrt(lambda), loglam = log(lambda);
		double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
		double inva = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
		for (;;) {
			double u = sc_rng_uniform(r) - 0.5, v = sc_rng_uniform(r);
			double us = 0.5 - fabs(u), k = floor((2 * a / us + b) * u + lambda + 0.43);
			if (us >= 0.07 && v <= vr)
				return (uint64_t)k;
			if (k < 0 || (us < 0.013 && v > us))
				continue;
			if (log(v) + log(inva) - log(a / (us * us) + b) <=
			    -lambda + k * loglam - lgamma(k + 1))
				return (uint64_t)k;
		}
	}
}
