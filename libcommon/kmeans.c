/* KMeans (see kmeans.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "kmeans.h"
#include "sc_alloc.h"
#include "sc_rng.h"

#define KM_BLOCK 2048

struct km {
	const float *x; /* centred, n x d */
	const float *xn; /* squared norms */
	int64_t n, d, nblocks;
	int k;
	const float *C; /* k x d */
	float *cn;
	int32_t *lab;
	double *bsum, *binert;
	int64_t *bcnt;
	atomic_long next;
	int err;
};

static void assign_block(struct km *m, int64_t b, float *G)
{
	int64_t r0 = b * KM_BLOCK, r1 = r0 + KM_BLOCK < m->n ? r0 + KM_BLOCK : m->n, d = m->d;
	double *sum = m->bsum + b * m->k * d, in = 0;
	int64_t *cnt = m->bcnt + b * m->k;
	memset(sum, 0, sizeof(double) * (size_t)(m->k * d));
	memset(cnt, 0, sizeof(int64_t) * (size_t)m->k);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), m->k, (int)d, 1.0f,
		    m->x + r0 * d, (int)d, m->C, (int)d, 0.0f, G, m->k);
	for (int64_t i = r0; i < r1; i++) {
		const float *g = G + (i - r0) * m->k;
		int best = 0;
		float bd = INFINITY;
		for (int j = 0; j < m->k; j++) {
			float v = m->xn[i] + m->cn[j] - 2.0f * g[j];
			if (v < bd) {
				bd = v;
				best = j;
			}
		}
		m->lab[i] = best;
		in += bd > 0 ? bd : 0;
		cnt[best]++;
		for (int64_t t = 0; t < d; t++)
			sum[best * d + t] += m->x[i * d + t];
	}
	m->binert[b] = in;
}

static void *km_worker(void *arg)
{
	struct km *m = arg;
	float *G = malloc(sizeof(float) * KM_BLOCK * (size_t)m->k);
	if (!G) {
		m->err = 1;
		return NULL;
	}
	for (;;) {
		long b = atomic_fetch_add(&m->next, 1);
		if (b >= m->nblocks)
			break;
		assign_block(m, b, G);
	}
	free(G);
	return NULL;
}

/* One assignment pass on `threads` threads; returns the inertia (NaN on failure). */
static double assign_all(struct km *m, int threads)
{
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads), started = 0;
	double tot = 0;
	for (int j = 0; j < m->k; j++) {
		double s = 0;
		for (int64_t t = 0; t < m->d; t++)
			s += (double)m->C[j * m->d + t] * m->C[j * m->d + t];
		m->cn[j] = (float)s;
	}
	atomic_init(&m->next, 0);
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, km_worker, m) != 0)
			break;
	km_worker(m);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (int64_t b = 0; b < m->nblocks; b++)
		tot += m->binert[b];
	return m->err ? NAN : tot;
}

static double sqdist(const float *a, const float *b, int64_t d)
{
	double s = 0;
	for (int64_t t = 0; t < d; t++) {
		double v = (double)a[t] - b[t];
		s += v * v;
	}
	return s;
}

/* k-means++ with local trials; C receives k centres. */
static int plusplus(const float *x, int64_t n, int64_t d, int k, uint64_t seed, float *C)
{
	struct sc_rng rng;
	double *d2 = sc_malloc((size_t)n, sizeof(double)), *cum = sc_malloc((size_t)n, sizeof(double));
	double *cand_d2 = sc_malloc((size_t)n, sizeof(double)), *best_d2 = sc_malloc((size_t)n, sizeof(double));
	int trials = 2 + (int)floor(log((double)k)), ret = SC_ENOMEM;
	if (!d2 || !cum || !cand_d2 || !best_d2)
		goto out;
	sc_rng_seed(&rng, seed);
	int64_t first = (int64_t)sc_rng_below(&rng, (uint64_t)n);
	memcpy(C, x + first * d, sizeof(float) * (size_t)d);
	for (int64_t i = 0; i < n; i++)
		d2[i] = sqdist(x + i * d, C, d);
	for (int c = 1; c < k; c++) {
		double tot = 0, best_pot = INFINITY;
		int64_t best = -1, picked[64];
		for (int64_t i = 0; i < n; i++)
			cum[i] = (tot += d2[i]);
		for (int t = 0; t < trials && t < 64; t++) {
			int64_t cand = 0;
			for (int tries = 0; tries < 16; tries++) { /* without replacement */
				double u = sc_rng_uniform(&rng) * tot;
				int64_t lo = 0, hi = n - 1;
				while (lo < hi) {
					int64_t mid = (lo + hi) / 2;
					if (cum[mid] > u)
						hi = mid;
					else
						lo = mid + 1;
				}
				cand = tot > 0 ? lo : (int64_t)sc_rng_below(&rng, (uint64_t)n);
				int dup = 0;
				for (int q = 0; q < t; q++)
					dup |= picked[q] == cand;
				if (!dup)
					break;
			}
			picked[t] = cand;
			double pot = 0;
			for (int64_t i = 0; i < n; i++) {
				double v = sqdist(x + i * d, x + cand * d, d);
				cand_d2[i] = v < d2[i] ? v : d2[i];
				pot += cand_d2[i];
			}
			if (pot < best_pot) {
				best_pot = pot;
				best = cand;
				memcpy(best_d2, cand_d2, sizeof(double) * (size_t)n);
			}
		}
		memcpy(C + (int64_t)c * d, x + best * d, sizeof(float) * (size_t)d);
		memcpy(d2, best_d2, sizeof(double) * (size_t)n);
	}
	ret = 0;
out:
	free(d2);
	free(cum);
	free(cand_d2);
	free(best_d2);
	return ret;
}

int sc_kmeans(const float *x, int64_t n, int64_t d, int k, int max_iter, uint64_t seed,
	      int threads, int32_t *labels, double *inertia)
{
	struct km m;
	float *xc = NULL, *xn = NULL, *C = NULL;
	double *mu = NULL;
	int ret = SC_ENOMEM, blas = openblas_get_num_threads();
	if (n < 1 || d < 1 || k < 1 || k > n || n > INT32_MAX || d > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "kmeans: need 1 <= k <= n cells");
	memset(&m, 0, sizeof m);
	m.n = n;
	m.d = d;
	m.k = k;
	m.nblocks = (n + KM_BLOCK - 1) / KM_BLOCK;
	xc = sc_malloc((size_t)n, (size_t)d * sizeof(float));
	xn = sc_malloc((size_t)n, sizeof(float));
	C = sc_malloc((size_t)k, (size_t)d * sizeof(float));
	mu = sc_calloc((size_t)d, sizeof(double));
	m.cn = sc_malloc((size_t)k, sizeof(float));
	m.bsum = sc_malloc((size_t)m.nblocks, (size_t)k * (size_t)d * sizeof(double));
	m.bcnt = sc_malloc((size_t)m.nblocks, (size_t)k * sizeof(int64_t));
	m.binert = sc_malloc((size_t)m.nblocks, sizeof(double));
	if (!xc || !xn || !C || !mu || !m.cn || !m.bsum || !m.bcnt || !m.binert)
		goto out;
	double var = 0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t t = 0; t < d; t++)
			mu[t] += x[i * d + t];
	for (int64_t t = 0; t < d; t++)
		mu[t] /= (double)n;
	for (int64_t i = 0; i < n; i++) {
		double s = 0;
		for (int64_t t = 0; t < d; t++) {
			double v = x[i * d + t] - mu[t];
			xc[i * d + t] = (float)v;
			s += v * v;
			var += v * v;
		}
		xn[i] = (float)s;
	}
	double tol = 1e-4 * var / (double)n / (double)d; /* mean per-feature variance x 1e-4 */
	if ((ret = plusplus(xc, n, d, k, seed, C)) < 0)
		goto out;
	m.x = xc;
	m.xn = xn;
	m.C = C;
	m.lab = labels;
	openblas_set_num_threads(1);
	double prev = INFINITY, in = 0;
	for (int it = 0;; it++) {
		in = assign_all(&m, threads);
		if (isnan(in)) {
			ret = sc_seterr(SC_ENOMEM, "kmeans: out of memory");
			goto out_blas;
		}
		for (int j = 0; j < k; j++) { /* new centroids, blocks reduced in order */
			double cnt = 0;
			for (int64_t t = 0; t < d; t++) {
				double s = 0;
				for (int64_t b = 0; b < m.nblocks; b++)
					s += m.bsum[(b * k + j) * d + t];
				mu[t] = s;
			}
			for (int64_t b = 0; b < m.nblocks; b++)
				cnt += (double)m.bcnt[b * k + j];
			for (int64_t t = 0; t < d; t++)
				C[j * d + t] = (float)(mu[t] / (cnt > 1 ? cnt : 1));
		}
		double diff = fabs(in - prev);
		prev = in;
		if ((it + 1 >= max_iter && diff <= tol) || it + 1 >= 100 * max_iter + 1000)
			break;
	}
	in = assign_all(&m, threads); /* labels against the final centroids */
	*inertia = in;
	ret = isnan(in) ? sc_seterr(SC_ENOMEM, "kmeans: out of memory") : 0;
out_blas:
	openblas_set_num_threads(blas);
out:
	free(xc);
	free(xn);
	free(C);
	free(mu);
	free(m.cn);
	free(m.bsum);
	free(m.bcnt);
	free(m.binert);
	return ret;
}
