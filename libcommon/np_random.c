/* numpy's MT19937 (legacy seeding), SeedSequence + PCG64, random_interval and shuffle.
 * Written from the published algorithms (Matsumoto & Nishimura 1998; O'Neill's PCG; numpy's
 * SeedSequence hashing constants); see np_random.h for the draw-order contract. */
#include "np_random.h"

#include <string.h>

/* ---- MT19937 ---- */

#define MT_N 624
#define MT_M 397

static void mt_init(struct sc_nprng *r, uint32_t seed)
{
	r->mt[0] = seed;
	for (int i = 1; i < MT_N; i++)
		r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
	r->mti = MT_N;
}

static void mt_twist(struct sc_nprng *r)
{
	static const uint32_t mag[2] = { 0u, 0x9908b0dfu };
	uint32_t *mt = r->mt, y;
	int k;
	for (k = 0; k < MT_N - MT_M; k++) {
		y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
		mt[k] = mt[k + MT_M] ^ (y >> 1) ^ mag[y & 1u];
	}
	for (; k < MT_N - 1; k++) {
		y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
		mt[k] = mt[k + (MT_M - MT_N)] ^ (y >> 1) ^ mag[y & 1u];
	}
	y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
	mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag[y & 1u];
	r->mti = 0;
}

static uint32_t mt_next(struct sc_nprng *r)
{
	if (r->mti >= MT_N)
		mt_twist(r);
	uint32_t y = r->mt[r->mti++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

void sc_nprng_legacy(struct sc_nprng *r, uint32_t seed)
{
	memset(r, 0, sizeof(*r));
	r->kind = SC_NPRNG_LEGACY;
	mt_init(r, seed);
}

/* ---- SeedSequence ---- */

#define SS_POOL 4
#define SS_INIT_A 0x43b0d7e5u
#define SS_MULT_A 0x931e8875u
#define SS_INIT_B 0x8b51f9ddu
#define SS_MULT_B 0x58f38dedu
#define SS_MIX_L 0xca01f9ddu
#define SS_MIX_R 0x4973f715u
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t v, uint32_t *hc)
{
	v ^= *hc;
	*hc *= SS_MULT_A;
	v *= *hc;
	v ^= v >> SS_XSHIFT;
	return v;
}

static uint32_t ss_mix(uint32_t x, uint32_t y)
{
	uint32_t r = SS_MIX_L * x - SS_MIX_R * y;
	return r ^ (r >> SS_XSHIFT);
}

void sc_np_seedseq_state(uint64_t seed, uint32_t *out, int n_words)
{
	/* The entropy as little-endian 32-bit words (one word for seeds below 2^32; 0 -> [0]). */
	uint32_t ent[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
	int n_ent = (seed >> 32) ? 2 : 1;
	uint32_t pool[SS_POOL], hc = SS_INIT_A;
	for (int i = 0; i < SS_POOL; i++)
		pool[i] = ss_hashmix(i < n_ent ? ent[i] : 0u, &hc);
	for (int s = 0; s < SS_POOL; s++)
		for (int d = 0; d < SS_POOL; d++)
			if (s != d)
				pool[d] = ss_mix(pool[d], ss_hashmix(pool[s], &hc));
	uint32_t hb = SS_INIT_B;
	for (int i = 0; i < n_words; i++) {
		uint32_t v = pool[i % SS_POOL];
		v ^= hb;
		hb *= SS_MULT_B;
		v *= hb;
		v ^= v >> SS_XSHIFT;
		out[i] = v;
	}
}

/* ---- PCG64 (128-bit LCG, XSL-RR output), 128-bit arithmetic on 64-bit halves ---- */

#define PCG_MULT_HI UINT64_C(2549297995355413924)
#define PCG_MULT_LO UINT64_C(4865540595714422341)

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
	*lo = (mid << 32) | (p00 & 0xffffffffu);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static void pcg_step(struct sc_nprng *r)
{
	uint64_t hi, lo;
	mul64(r->st_lo, PCG_MULT_LO, &hi, &lo);
	hi += r->st_hi * PCG_MULT_LO + r->st_lo * PCG_MULT_HI;
	uint64_t nlo = lo + r->inc_lo;
	hi += r->inc_hi + (nlo < lo);
	r->st_hi = hi;
	r->st_lo = nlo;
}

static uint64_t pcg_next(struct sc_nprng *r)
{
	pcg_step(r);
	uint64_t x = r->st_hi ^ r->st_lo;
	unsigned rot = (unsigned)(r->st_hi >> 58);
	return (x >> rot) | (x << ((64u - rot) & 63u));
}

void sc_nprng_default(struct sc_nprng *r, uint64_t seed)
{
	uint32_t w[8];
	uint64_t v[4];
	memset(r, 0, sizeof(*r));
	r->kind = SC_NPRNG_DEFAULT;
	sc_np_seedseq_state(seed, w, 8);
	for (int i = 0; i < 4; i++)
		v[i] = (uint64_t)w[2 * i] | ((uint64_t)w[2 * i + 1] << 32);
	/* pcg64_set_seed: state = (v0 << 64) | v1, sequence = (v2 << 64) | v3; then
	 * srandom: state = 0, inc = seq << 1 | 1, step, state += initstate, step. */
	r->inc_hi = (v[2] << 1) | (v[3] >> 63);
	r->inc_lo = (v[3] << 1) | 1u;
	r->st_hi = r->st_lo = 0;
	pcg_step(r);
	uint64_t lo = r->st_lo + v[1];
	r->st_hi += v[0] + (lo < r->st_lo);
	r->st_lo = lo;
	pcg_step(r);
}

/* ---- shared ---- */

uint32_t sc_nprng_u32(struct sc_nprng *r)
{
	if (r->kind == SC_NPRNG_LEGACY)
		return mt_next(r);
	if (r->has_buffered) {
		r->has_buffered = 0;
		return r->buffered;
	}
	uint64_t x = pcg_next(r);
	r->buffered = (uint32_t)(x >> 32);
	r->has_buffered = 1;
	return (uint32_t)x;
}

uint64_t sc_nprng_u64(struct sc_nprng *r)
{
	if (r->kind == SC_NPRNG_LEGACY) {
		uint64_t hi = mt_next(r);
		return (hi << 32) | mt_next(r);
	}
	return pcg_next(r);
}

double sc_nprng_double(struct sc_nprng *r)
{
	if (r->kind == SC_NPRNG_LEGACY) {
		uint32_t a = mt_next(r) >> 5, b = mt_next(r) >> 6;
		return (a * 67108864.0 + b) / 9007199254740992.0;
	}
	return (double)(pcg_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t sc_nprng_interval(struct sc_nprng *r, uint64_t max)
{
	uint64_t mask = max, v;
	if (max == 0)
		return 0;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	if (max <= 0xffffffffu) {
		while ((v = (sc_nprng_u32(r) & mask)) > max)
			;
	} else {
		while ((v = (sc_nprng_u64(r) & mask)) > max)
			;
	}
	return v;
}

void sc_nprng_shuffle(struct sc_nprng *r, int64_t *a, int64_t n)
{
	for (int64_t i = n - 1; i >= 1; i--) {
		int64_t j = (int64_t)sc_nprng_interval(r, (uint64_t)i);
		int64_t t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

void sc_nprng_permutation(struct sc_nprng *r, int64_t *out, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		out[i] = i;
	sc_nprng_shuffle(r, out, n);
}
