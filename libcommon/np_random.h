/* Ports of numpy's random generators, for split parity with Python references.
 *
 *   legacy:  numpy.random.RandomState(seed): MT19937 seeded by init_genrand(seed) (numpy's
 *            legacy integer seeding); next_uint64 = two 32-bit draws, first one high.
 *   default: numpy.random.default_rng(seed): PCG64 (XSL-RR 128/64) whose state and increment
 *            come from SeedSequence(seed).generate_state(4, uint64); next_uint32 hands out the
 *            low half of a 64-bit draw and buffers the high half for the next call.
 *
 * Both share numpy's bounded draw random_interval() (mask + rejection) and its Fisher-Yates
 * shuffle (i = n-1 down to 1, j = random_interval(i)), so permutation(n), shuffle and
 * choice(replace=False) consume draws exactly as numpy does (spec czb_smf_spec.md C2). */
#ifndef NP_RANDOM_H
#define NP_RANDOM_H

#include <stdint.h>

enum sc_nprng_kind { SC_NPRNG_LEGACY, SC_NPRNG_DEFAULT };

struct sc_nprng {
	enum sc_nprng_kind kind;
	/* MT19937 */
	uint32_t mt[624];
	int mti;
	/* PCG64: 128-bit state and increment as (hi, lo) pairs */
	uint64_t st_hi, st_lo, inc_hi, inc_lo;
	uint32_t buffered;
	int has_buffered;
};

/* numpy.random.RandomState(seed) (seed in [0, 2^32-1]). */
void sc_nprng_legacy(struct sc_nprng *r, uint32_t seed);
/* numpy.random.default_rng(seed) for a non-negative integer seed below 2^64. */
void sc_nprng_default(struct sc_nprng *r, uint64_t seed);
/* SeedSequence(seed).generate_state(n_words, uint32) into out (n_words <= 64). */
void sc_np_seedseq_state(uint64_t seed, uint32_t *out, int n_words);

uint32_t sc_nprng_u32(struct sc_nprng *r);
uint64_t sc_nprng_u64(struct sc_nprng *r);
/* random_sample() / Generator.random(): a double in [0, 1) as numpy builds it. */
double sc_nprng_double(struct sc_nprng *r);
/* numpy random_interval(max): uniform in [0, max] by masked rejection. */
uint64_t sc_nprng_interval(struct sc_nprng *r, uint64_t max);
/* In-place shuffle of n int64 values, numpy's draw order. */
void sc_nprng_shuffle(struct sc_nprng *r, int64_t *a, int64_t n);
/* permutation(n): out[i] = i, then shuffled. */
void sc_nprng_permutation(struct sc_nprng *r, int64_t *out, int64_t n);

#endif
