/* The fused all-pairs pass: its kNN is sc_knn_exact's, bit for bit, for any thread count and
 * tile remainder, with ties and duplicate points; its silhouettes equal a direct computation
 * (on integer data, where every float step is exact or correctly rounded, to 1e-12), in every
 * mode (label + batch + BRAS, batch alone on the within-label blocks, fused with the kNN). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allpairs.h"
#include "knn.h"
#include "sc_rng.h"
#include "tap.h"

/* Random rows: Gaussian around 4 centres; dup = 1: a third of the rows copy an earlier row;
 * dup = 2: only 7 distinct points (every distance ties). */
static float *make_x(int64_t n, int64_t d, int dup, uint64_t seed)
{
	struct sc_rng r;
	float *x = malloc(sizeof(float) * (size_t)(n * d));
	sc_rng_seed(&r, seed);
	for (int64_t i = 0; i < n; i++) {
		int64_t src = -1;
		if (dup == 1 && i > 0 && sc_rng_below(&r, 3) == 0)
			src = (int64_t)sc_rng_below(&r, (uint64_t)i);
		if (dup == 2 && i >= 7)
			src = (int64_t)sc_rng_below(&r, 7);
		for (int64_t t = 0; t < d; t++)
			x[i * d + t] = src >= 0 ? x[src * d + t]
						: (float)sc_rng_normal(&r) + (float)(i % 4) * (t == 0 ? 3.0f : 0.0f);
	}
	return x;
}

static void knn_case(int64_t n, int64_t d, int k, int threads, int dup, int with_sil)
{
	float *x = make_x(n, d, dup, (uint64_t)(n * 31 + k * 7 + dup));
	int32_t *lab = malloc(sizeof(int32_t) * (size_t)n), *bat = malloc(sizeof(int32_t) * (size_t)n);
	struct sc_knn ref = SC_KNN_INIT, got = SC_KNN_INIT;
	struct sc_sil_result sil = SC_SIL_RESULT_INIT;
	struct sc_allpairs_stats st;
	for (int64_t i = 0; i < n; i++) {
		lab[i] = (int32_t)((i * 7 + 3) % 5); /* reordering scatters the rows */
		bat[i] = (int32_t)(i % 3);
	}
	struct sc_allpairs_input in = { .x = x, .n = n, .d = d, .label = with_sil ? lab : NULL,
					.n_labels = 5, .batch = with_sil ? bat : NULL, .n_batches = 3,
					.want_label = with_sil, .want_batch = with_sil,
					.want_bras = with_sil, .knn_k = k, .threads = threads };
	int r1 = sc_knn_exact(x, n, d, k, SC_KNN_EUCLIDEAN, 1, &ref);
	int r2 = sc_allpairs_compute(&in, &sil, &got, &st);
	ok(r1 == 0 && r2 == 0, "n=%lld d=%lld k=%d j=%d dup=%d sil=%d: both run", (long long)n,
	   (long long)d, k, threads, dup, with_sil);
	if (r1 == 0 && r2 == 0) {
		int64_t si = 0, sd = 0;
		for (int64_t p = 0; p < n * k; p++) {
			si += ref.idx[p] == got.idx[p];
			sd += memcmp(&ref.dist[p], &got.dist[p], sizeof(float)) == 0;
		}
		ok(si == n * k && sd == n * k && got.n == n && got.k == k,
		   "  kNN identical to sc_knn_exact (%lld/%lld indices, %lld distances; %lld rows by exact scan)",
		   (long long)si, (long long)(n * k), (long long)sd, (long long)st.exact_rows);
	}
	sc_knn_release(&ref);
	sc_knn_release(&got);
	sc_sil_result_release(&sil);
	free(x);
	free(lab);
	free(bat);
}

/* Direct silhouettes mimicking the kernel's float steps (exact on integer rows): label,
 * batch within label, BRAS (cosine, b = mean over the label's other batches). */
static void direct(const float *x, int64_t n, int64_t d, const int32_t *lab, int L,
		   const int32_t *bat, int B, double *sl, double *sb, double *sc)
{
	double *nr = malloc(sizeof(double) * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		nr[i] = 0;
		for (int64_t t = 0; t < d; t++)
			nr[i] += (double)x[i * d + t] * x[i * d + t];
	}
	for (int64_t i = 0; i < n; i++) {
		double sumL[16] = { 0 }, sumB[16] = { 0 }, sumC[16] = { 0 };
		int64_t cntL[16] = { 0 }, cntB[16] = { 0 };
		for (int64_t j = 0; j < n; j++) {
			double g = 0;
			for (int64_t t = 0; t < d; t++)
				g += (double)x[i * d + t] * x[j * d + t];
			float sq = (float)(nr[i] + nr[j] - 2 * g);
			float dist = j == i ? 0.0f : sqrtf(sq > 0 ? sq : 0);
			float ni = (float)nr[i], nj = (float)nr[j];
			float gf = 0.5f * ((ni + nj) - sq), cv = 1.0f - gf / sqrtf(ni * nj);
			cv = cv < 0.0f ? 0.0f : (cv > 2.0f ? 2.0f : cv);
			if (j == i)
				cv = 0.0f;
			sumL[lab[j]] += dist;
			cntL[lab[j]]++;
			if (lab[j] == lab[i]) {
				sumB[bat[j]] += dist;
				sumC[bat[j]] += cv;
				cntB[bat[j]]++;
			}
		}
		int li = lab[i], bi = bat[i];
		double a = sumL[li] / (double)(cntL[li] - 1), b = INFINITY;
		for (int g = 0; g < L; g++)
			if (g != li && cntL[g] && sumL[g] / (double)cntL[g] < b)
				b = sumL[g] / (double)cntL[g];
		sl[i] = cntL[li] > 1 ? (b - a) / fmax(a, b) : 0;
		a = sumB[bi] / (double)(cntB[bi] - 1);
		b = INFINITY;
		double oc = 0;
		int64_t on = 0;
		for (int q = 0; q < B; q++) {
			if (q == bi || !cntB[q])
				continue;
			oc += sumC[q];
			on += cntB[q];
			if (sumB[q] / (double)cntB[q] < b)
				b = sumB[q] / (double)cntB[q];
		}
		sb[i] = cntB[bi] > 1 && isfinite(b) ? (b - a) / fmax(a, b) : 0;
		double ac = sumC[bi] / (double)(cntB[bi] - 1), bc = oc / (double)on;
		sc[i] = cntB[bi] > 1 && on ? (bc - ac) / fmax(ac, bc) : 0;
		if (isnan(sb[i]))
			sb[i] = 0;
		if (isnan(sc[i]))
			sc[i] = 0;
	}
	free(nr);
}

static double maxdiff(const double *a, const double *b, int64_t n)
{
	double m = 0;
	for (int64_t i = 0; i < n; i++)
		m = fmax(m, fabs(a[i] - b[i]));
	return m;
}

static void sil_case(int64_t n, int64_t d, int threads)
{
	struct sc_rng r;
	float *x = malloc(sizeof(float) * (size_t)(n * d));
	int32_t *lab = malloc(sizeof(int32_t) * (size_t)n), *bat = malloc(sizeof(int32_t) * (size_t)n);
	double *sl = malloc(sizeof(double) * (size_t)n), *sb = malloc(sizeof(double) * (size_t)n);
	double *sc = malloc(sizeof(double) * (size_t)n);
	int L = 4, B = 3;
	sc_rng_seed(&r, (uint64_t)n);
	for (int64_t i = 0; i < n; i++) {
		lab[i] = (int32_t)sc_rng_below(&r, (uint64_t)L);
		bat[i] = (int32_t)sc_rng_below(&r, (uint64_t)B);
		for (int64_t t = 0; t < d; t++)
			x[i * d + t] = (float)sc_rng_below(&r, 9) + (float)(t == 0 ? 4 * lab[i] : 0) +
				       (float)(t == 1 ? bat[i] : 0) + 1.0f;
	}
	direct(x, n, d, lab, L, bat, B, sl, sb, sc);
	struct sc_allpairs_input in = { .x = x, .n = n, .d = d, .label = lab, .n_labels = L,
					.batch = bat, .n_batches = B, .want_label = 1,
					.want_batch = 1, .want_bras = 1, .threads = threads };
	struct sc_sil_result a = SC_SIL_RESULT_INIT, b = SC_SIL_RESULT_INIT, c = SC_SIL_RESULT_INIT;
	struct sc_knn g = SC_KNN_INIT;
	ok(sc_allpairs_compute(&in, &a, NULL, NULL) == 0, "silhouettes n=%lld j=%d: run",
	   (long long)n, threads);
	ok(maxdiff(a.s_label, sl, n) < 1e-12 && maxdiff(a.s_batch, sb, n) < 1e-12 &&
		   maxdiff(a.s_bras, sc, n) < 1e-12,
	   "  label, batch and BRAS silhouettes equal the direct ones (%.2g %.2g %.2g)",
	   maxdiff(a.s_label, sl, n), maxdiff(a.s_batch, sb, n), maxdiff(a.s_bras, sc, n));
	in.want_label = 0;
	in.want_bras = 0;
	ok(sc_allpairs_compute(&in, &b, NULL, NULL) == 0 && !b.s_label && !b.s_bras &&
		   maxdiff(b.s_batch, sb, n) < 1e-12,
	   "  batch silhouette alone (within-label blocks) equals it (%.2g)",
	   b.s_batch ? maxdiff(b.s_batch, sb, n) : 1.0);
	in.want_label = 1;
	in.want_bras = 1;
	in.knn_k = 5;
	ok(sc_allpairs_compute(&in, &c, &g, NULL) == 0 &&
		   memcmp(c.s_label, a.s_label, sizeof(double) * (size_t)n) == 0 &&
		   memcmp(c.s_batch, a.s_batch, sizeof(double) * (size_t)n) == 0 &&
		   memcmp(c.s_bras, a.s_bras, sizeof(double) * (size_t)n) == 0,
	   "  fused with the kNN: the same silhouettes, bit for bit");
	sc_sil_result_release(&a);
	sc_sil_result_release(&b);
	sc_sil_result_release(&c);
	sc_knn_release(&g);
	free(x);
	free(lab);
	free(bat);
	free(sl);
	free(sb);
	free(sc);
}

static void thread_invariance(void)
{
	int64_t n = 1100, d = 9;
	float *x = make_x(n, d, 0, 99);
	int32_t *lab = malloc(sizeof(int32_t) * (size_t)n), *bat = malloc(sizeof(int32_t) * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		lab[i] = (int32_t)(i % 6);
		bat[i] = (int32_t)(i * 5 % 4);
	}
	struct sc_sil_result a = SC_SIL_RESULT_INIT, b = SC_SIL_RESULT_INIT;
	struct sc_knn ga = SC_KNN_INIT, gb = SC_KNN_INIT;
	struct sc_allpairs_input in = { .x = x, .n = n, .d = d, .label = lab, .n_labels = 6,
					.batch = bat, .n_batches = 4, .want_label = 1,
					.want_batch = 1, .want_bras = 1, .knn_k = 30, .threads = 1 };
	int r1 = sc_allpairs_compute(&in, &a, &ga, NULL);
	in.threads = 4;
	int r2 = sc_allpairs_compute(&in, &b, &gb, NULL);
	ok(r1 == 0 && r2 == 0 && memcmp(a.s_label, b.s_label, sizeof(double) * (size_t)n) == 0 &&
		   memcmp(a.s_batch, b.s_batch, sizeof(double) * (size_t)n) == 0 &&
		   memcmp(a.s_bras, b.s_bras, sizeof(double) * (size_t)n) == 0 &&
		   memcmp(ga.idx, gb.idx, sizeof(int32_t) * (size_t)(n * 30)) == 0 &&
		   memcmp(ga.dist, gb.dist, sizeof(float) * (size_t)(n * 30)) == 0,
	   "1 and 4 threads: identical silhouettes and kNN");
	sc_sil_result_release(&a);
	sc_sil_result_release(&b);
	sc_knn_release(&ga);
	sc_knn_release(&gb);
	free(x);
	free(lab);
	free(bat);
}

static void bad_input(void)
{
	float x[4] = { 0, 1, 2, 3 };
	struct sc_sil_result s = SC_SIL_RESULT_INIT;
	struct sc_knn g = SC_KNN_INIT;
	struct sc_allpairs_input in = { .x = x, .n = 4, .d = 1, .knn_k = 4, .threads = 1 };
	ok(sc_allpairs_compute(&in, &s, &g, NULL) < 0 && !g.idx, "k = n is refused");
	in.knn_k = 0;
	in.want_batch = 1;
	ok(sc_allpairs_compute(&in, &s, &g, NULL) < 0, "batch silhouette without codes is refused");
}

int main(void)
{
	static const int64_t ns[] = { 2, 37, 257, 600 };
	for (int a = 0; a < 4; a++) {
		int64_t n = ns[a];
		int ks[3] = { 1, 15, (int)n - 1 };
		for (int b = 0; b < 3; b++) {
			if (ks[b] > n - 1 || (b > 0 && ks[b] == ks[b - 1]))
				continue;
			for (int dup = 0; dup < 3; dup++)
				knn_case(n, n > 300 ? 13 : 5, ks[b], 1 + (a + b + dup) % 3, dup, (a + dup) % 2);
		}
	}
	knn_case(1500, 50, 200, 2, 0, 1);
	knn_case(1500, 50, 200, 2, 1, 0);
	sil_case(300, 5, 1);
	sil_case(701, 4, 3);
	thread_invariance();
	bad_input();
	return tap_done();
}
