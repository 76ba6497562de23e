/* numpy RNG ports: first outputs against published values. */
#include "../../libcommon/np_random.h"
#include "tap.h"

int main(void)
{
	struct sc_nprng r;
	/* Matsumoto-Nishimura reference: init_genrand(5489) first output 3499211612. */
	sc_nprng_legacy(&r, 5489);
	ok(sc_nprng_u32(&r) == 3499211612u, "MT19937 seed 5489 first output");
	ok(sc_nprng_u32(&r) == 581869302u, "MT19937 seed 5489 second output");
	/* numpy: np.random.RandomState(42).random_sample() == 0.3745401188473625 and the second
	 * value 0.9507143064099162; RandomState(0) starts 0.5488135039273248. */
	sc_nprng_legacy(&r, 42);
	is_near(sc_nprng_double(&r), 0.3745401188473625, 0, "RandomState(42).random_sample()");
	is_near(sc_nprng_double(&r), 0.9507143064099162, 0, "RandomState(42) second sample");
	sc_nprng_legacy(&r, 0);
	is_near(sc_nprng_double(&r), 0.5488135039273248, 0, "RandomState(0).random_sample()");
	/* numpy: np.random.default_rng(42).random(3) == 0.7739560485559633, 0.4388784397520523,
	 * 0.8585979199113825. */
	sc_nprng_default(&r, 42);
	is_near(sc_nprng_double(&r), 0.7739560485559633, 0, "default_rng(42).random() #1");
	is_near(sc_nprng_double(&r), 0.4388784397520523, 0, "default_rng(42).random() #2");
	is_near(sc_nprng_double(&r), 0.8585979199113825, 0, "default_rng(42).random() #3");
	/* next_uint32 halves one 64-bit draw: low half first, then the buffered high half. */
	struct sc_nprng a, b;
	sc_nprng_default(&a, 7);
	sc_nprng_default(&b, 7);
	uint64_t x = sc_nprng_u64(&a);
	uint32_t lo = sc_nprng_u32(&b), hi = sc_nprng_u32(&b);
	ok(lo == (uint32_t)x && hi == (uint32_t)(x >> 32), "PCG64 next_uint32 buffers the high half");
	/* random_interval stays in range, and permutation is a permutation. */
	int64_t p[100];
	int seen[100] = { 0 }, good = 1;
	sc_nprng_legacy(&r, 42);
	sc_nprng_permutation(&r, p, 100);
	for (int i = 0; i < 100; i++)
		if (p[i] < 0 || p[i] >= 100 || seen[p[i]]++)
			good = 0;
	ok(good, "permutation(100) is a permutation");
	/* np.random.RandomState(42).permutation(10) == [8 1 5 0 7 2 9 4 3 6] */
	static const int64_t want10[10] = { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 };
	sc_nprng_legacy(&r, 42);
	sc_nprng_permutation(&r, p, 10);
	good = 1;
	for (int i = 0; i < 10; i++)
		good &= p[i] == want10[i];
	ok(good, "RandomState(42).permutation(10)");
	return tap_done();
}
