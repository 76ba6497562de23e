/* kNN kernels against brute force, the stream round trip, and the UMAP kernel by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn.h"
#include "knn_io.h"
#include "sc_rng.h"
#include "sc_stream.h"
#include "tap.h"
#include "umap_conn.h"

/* Brute-force kNN in double, sorted by (float distance, index). */
static void brute(const float *x, int64_t n, int64_t d, int k, int cos_, int32_t *idx, float *dist)
{
	float *dd = malloc(sizeof(float) * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < n; j++) {
			double s = 0, aa = 0, bb = 0, ab = 0;
			for (int64_t t = 0; t < d; t++) {
				double e = (double)x[i * d + t] - x[j * d + t];
				s += e * e;
				ab += (double)x[i * d + t] * x[j * d + t];
				aa += (double)x[i * d + t] * x[i * d + t];
				bb += (double)x[j * d + t] * x[j * d + t];
			}
			dd[j] = cos_ ? (float)(1 - ab / sqrt(aa * bb)) : sqrtf((float)s);
		}
		dd[i] = INFINITY;
		for (int j = 0; j < k; j++) {
			int64_t b = -1;
			for (int64_t c = 0; c < n; c++) {
				int taken = 0;
				for (int q = 0; q < j; q++)
					taken |= idx[i * k + q] == c;
				if (!taken && c != i && (b < 0 || dd[c] < dd[b]))
					b = c;
			}
			idx[i * k + j] = (int32_t)b;
			dist[i * k + j] = dd[b];
		}
	}
	free(dd);
}

static void test_exact(int64_t n, int64_t d, int k, int cos_, int threads)
{
	struct sc_rng r;
	struct sc_knn g = SC_KNN_INIT;
	float *x = malloc(sizeof(float) * (size_t)(n * d));
	int32_t *bi = malloc(sizeof(int32_t) * (size_t)(n * k));
	float *bd = malloc(sizeof(float) * (size_t)(n * k));
	int64_t same = 0, dist_ok = 0;
	sc_rng_seed(&r, (uint64_t)(n * 7 + d));
	for (int64_t i = 0; i < n * d; i++)
		x[i] = (float)sc_rng_normal(&r) + (i % d == 0 ? (float)(i / d % 5) * 3 : 0);
	ok(sc_knn_exact(x, n, d, k, cos_ ? SC_KNN_COSINE : SC_KNN_EUCLIDEAN, threads, &g) == 0,
	   "exact n=%lld d=%lld k=%d %s j=%d runs", (long long)n, (long long)d, k,
	   cos_ ? "cosine" : "euclidean", threads);
	brute(x, n, d, k, cos_, bi, bd);
	for (int64_t p = 0; p < n * k; p++) {
		same += g.idx[p] == bi[p];
		dist_ok += fabsf(g.dist[p] - bd[p]) <= 1e-6f * (1 + bd[p]);
	}
	ok(same == n * k, "neighbour indices equal brute force (%lld of %lld)", (long long)same,
	   (long long)(n * k));
	ok(dist_ok == n * k, "distances equal brute force");
	sc_knn_release(&g);
	free(x);
	free(bi);
	free(bd);
}

static void test_ties(void)
{
	/* points on a line at integer positions: equal distances tie, broken by index */
	float x[6] = { 0, 1, 2, 3, 4, 5 };
	struct sc_knn g = SC_KNN_INIT;
	ok(sc_knn_exact(x, 6, 1, 2, SC_KNN_EUCLIDEAN, 1, &g) == 0, "ties: runs");
	ok(g.idx[2 * 2] == 1 && g.idx[2 * 2 + 1] == 3, "ties broken by index (row 2: 1 then 3)");
	ok(g.idx[0] == 1 && g.idx[1] == 2 && g.dist[1] == 2.0f, "row 0: 1, 2 at distance 2");
	sc_knn_release(&g);
	/* duplicates: distance 0 to another cell */
	float y[4] = { 1, 1, 1, 5 };
	ok(sc_knn_exact(y, 4, 1, 2, SC_KNN_EUCLIDEAN, 2, &g) == 0 && g.idx[0] == 1 &&
	   g.idx[1] == 2 && g.dist[0] == 0 && g.idx[2] == 0, "duplicates at distance 0, by index");
	sc_knn_release(&g);
	ok(sc_knn_exact(y, 4, 1, 4, SC_KNN_EUCLIDEAN, 1, &g) < 0, "k >= n refused");
	ok(sc_knn_exact(y, 1, 1, 1, SC_KNN_EUCLIDEAN, 1, &g) < 0, "n = 1 refused");
}

static void test_query(void)
{
	float ref[8] = { 0, 0, 1, 0, 0, 2, 5, 5 }, q[4] = { 0.9f, 0, 4, 4 };
	struct sc_knn g = SC_KNN_INIT;
	ok(sc_knn_query(ref, 4, q, 2, 2, 2, 0, SC_KNN_EUCLIDEAN, 2, &g) == 0 && g.n == 2 &&
	   g.idx[0] == 1 && g.idx[1] == 0 && g.idx[2] == 3 && g.idx[3] == 2,
	   "query vs reference");
	sc_knn_release(&g);
}

static void test_io(void)
{
	float x[10] = { 0, 1, 3, 7, 8, 2, 4, 4.5f, 9, 11 };
	struct sc_knn g = SC_KNN_INIT, h = SC_KNN_INIT;
	enum sc_knn_metric m;
	const char *path = "build/test_knn_io.scknn";
	struct sc_stream *s;
	int rc = sc_knn_exact(x, 10, 1, 3, SC_KNN_COSINE, 1, &g);
	s = sc_open(path, "w");
	rc |= sc_knn_write(s, &g, SC_KNN_COSINE, NULL);
	rc |= sc_close(s);
	s = sc_open(path, "r");
	rc |= sc_knn_read(s, &h, &m, NULL);
	sc_abort(s);
	ok(rc == 0 && h.n == 10 && h.k == 3 && m == SC_KNN_COSINE &&
	   memcmp(g.idx, h.idx, 120) == 0 && memcmp(g.dist, h.dist, 120) == 0,
	   "SCKNN1 round trip");
	remove(path);
	sc_knn_release(&g);
	sc_knn_release(&h);
}

/* The UMAP kernel on a hand-checkable case: 4 points on a line, k = 2 others (n_neighbors 3). */
static void test_umap(void)
{
	float x[4] = { 0, 1, 3, 6 };
	struct sc_knn g = SC_KNN_INIT;
	struct sc_csr c = SC_CSR_INIT;
	float rho[4], sig[4];
	int rc = sc_knn_exact(x, 4, 1, 2, SC_KNN_EUCLIDEAN, 1, &g);
	rc |= sc_umap_sigmas(&g, rho, sig);
	ok(rc == 0 && rho[0] == 1 && rho[2] == 2 && rho[3] == 3, "rho = nearest distance");
	/* row 0: distances 1, 3; sum_j f = 1 + exp(-(3-1)/s) = log2(3) */
	double want = 2.0 / -log(log2(3.0) - 1);
	is_near(1 + exp(-2.0 / sig[0]), log2(3.0), 1e-5, "sigma solves 1 + exp(-2/s) = log2 3");
	is_near(sig[0], want, 1e-4 * want, "sigma near the closed form");
	rc = sc_conn_umap(&g, &c);
	ok(rc == 0 && c.rows == 4, "umap graph built");
	/* symmetric, values in (0,1], no diagonal */
	int sym = 1;
	for (int64_t i = 0; i < 4; i++)
		for (int64_t p = c.indptr[i]; p < c.indptr[i + 1]; p++) {
			int j = c.indices[p], found = 0;
			for (int64_t q = c.indptr[j]; q < c.indptr[j + 1]; q++)
				found |= c.indices[q] == i && c.data[q] == c.data[p];
			sym &= found && j != i && c.data[p] > 0 && c.data[p] <= 1;
		}
	ok(sym, "umap graph symmetric, in (0,1], no diagonal");
	/* edge 0-1: a01 = 1 (nearest), so the union is 1 */
	ok(c.indices[c.indptr[0]] == 1 && c.data[c.indptr[0]] == 1.0f, "nearest edge weight 1");
	/* edge 0-2: a02 = exp(-2/s0), a20 = exp(-(3-2)/s2), union a + b - ab */
	float a = expf(-(2.0f / sig[0])), b = expf(-(1.0f / sig[2]));
	float u = (a + b) - a * b;
	ok(c.indices[c.indptr[0] + 1] == 2 && c.data[c.indptr[0] + 1] == u, "fuzzy union a+b-ab");
	sc_csr_release(&c);
	ok(sc_conn_binary(&g, &c) == 0 && c.nnz == 6 * 2 - 2 * 0 - 2, "binary union pattern");
	sc_csr_release(&c);
	sc_knn_release(&g);
}

static void test_approx(void)
{
	struct sc_rng r;
	int64_t n = 4000, d = 12;
	float *x = malloc(sizeof(float) * (size_t)(n * d));
	struct sc_knn a = SC_KNN_INIT, b = SC_KNN_INIT;
	struct sc_knn_approx_opts o;
	double rec = 0, rec_all = 0;
	sc_rng_seed(&r, 5);
	for (int64_t i = 0; i < n * d; i++)
		x[i] = (float)(sc_rng_normal(&r) + 4 * ((i / d) % 7 == i % d % 7));
	sc_knn_approx_defaults(&o);
	o.seed = 3;
	ok(sc_knn_approx(x, n, d, 10, SC_KNN_EUCLIDEAN, &o, 1, &a) == 0 &&
	   sc_knn_approx(x, n, d, 10, SC_KNN_EUCLIDEAN, &o, 3, &b) == 0 &&
	   memcmp(a.idx, b.idx, sizeof(int32_t) * (size_t)(n * 10)) == 0 &&
	   memcmp(a.dist, b.dist, sizeof(float) * (size_t)(n * 10)) == 0,
	   "approximate search identical for 1 and 3 threads");
	ok(sc_knn_recall(x, d, SC_KNN_EUCLIDEAN, &a, 500, 1, 2, &rec) == 0 && rec >= 0.9,
	   "approximate recall@10 on 500 sampled rows >= 0.9 (%.4f)", rec);
	ok(sc_knn_recall(x, d, SC_KNN_EUCLIDEAN, &a, n, 1, 2, &rec_all) == 0 && rec_all >= 0.9,
	   "recall on all rows >= 0.9 (%.4f)", rec_all);
	{
		struct sc_knn c = SC_KNN_INIT, e = SC_KNN_INIT;
		double rr = 0;
		o.refine = 1;
		o.probes = 2;
		ok(sc_knn_approx(x, n, d, 10, SC_KNN_EUCLIDEAN, &o, 1, &c) == 0 &&
		   sc_knn_approx(x, n, d, 10, SC_KNN_EUCLIDEAN, &o, 2, &e) == 0 &&
		   memcmp(c.idx, e.idx, sizeof(int32_t) * (size_t)(n * 10)) == 0,
		   "refined search identical for 1 and 2 threads");
		double r0 = 0;
		o.refine = 0;
		sc_knn_release(&e);
		ok(sc_knn_approx(x, n, d, 10, SC_KNN_EUCLIDEAN, &o, 2, &e) == 0 &&
		   sc_knn_recall(x, d, SC_KNN_EUCLIDEAN, &c, n, 1, 2, &rr) == 0 &&
		   sc_knn_recall(x, d, SC_KNN_EUCLIDEAN, &e, n, 1, 2, &r0) == 0 && rr > r0,
		   "2 probes: refinement raises recall (%.4f -> %.4f)", r0, rr);
		int never_worse = 1;
		for (int64_t i = 0; i < n * 10; i++)
			never_worse &= c.dist[i] <= e.dist[i];
		ok(never_worse, "refinement never lengthens the j-th neighbour distance");
		sc_knn_release(&c);
		sc_knn_release(&e);
		o.refine = 0;
	}
	int sorted = 1;
	for (int64_t i = 0; i < n; i++)
		for (int j = 0; j < 10; j++)
			sorted &= a.idx[i * 10 + j] != i && a.idx[i * 10 + j] >= 0 &&
				  (j == 0 || a.dist[i * 10 + j] >= a.dist[i * 10 + j - 1]);
	ok(sorted, "approximate rows valid: no self, sorted distances");
	sc_knn_release(&b);
	ok(sc_knn_exact(x, n, d, 10, SC_KNN_EUCLIDEAN, 2, &b) == 0 &&
	   sc_knn_recall(x, d, SC_KNN_EUCLIDEAN, &b, n, 1, 2, &rec) == 0 && rec == 1.0,
	   "exact search has recall 1");
	sc_knn_release(&a);
	sc_knn_release(&b);
	free(x);
}

int main(void)
{
	test_approx();
	test_exact(300, 7, 5, 0, 1);
	test_exact(1100, 13, 15, 0, 2);
	test_exact(600, 50, 30, 1, 3);
	test_exact(40, 3, 39, 0, 2);
	test_ties();
	test_query();
	test_io();
	test_umap();
	return tap_done();
}
