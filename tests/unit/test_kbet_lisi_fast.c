/* The pruned kBET diffusion neighbours equal the plain power sums, and the threaded graph
 * LISI (pruned path search, shared calibration) equals the single-threaded one, on UMAP
 * graphs of clustered points. */
#include <stdlib.h>
#include <string.h>

#include "kbet.h"
#include "knn.h"
#include "lisi.h"
#include "sc.h"
#include "tap.h"
#include "umap_conn.h"

static uint64_t rng = 88172645463325252ULL;

static double unif(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = unif() + 1e-300, v = unif();
	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* Rows of a and b hold the same sets. */
static int same_sets(int32_t *a, int32_t *b, int64_t m, int64_t kk)
{
	for (int64_t i = 0; i < m; i++) {
		qsort(a + i * kk, (size_t)kk, sizeof(int32_t), cmp_i32);
		qsort(b + i * kk, (size_t)kk, sizeof(int32_t), cmp_i32);
	}
	return memcmp(a, b, sizeof(int32_t) * (size_t)(m * kk)) == 0;
}

/* n points in d dims around c cluster centres; UMAP graph of the k-NN. */
static int make_graph(int64_t n, int64_t d, int c, int k, int32_t *cl, struct sc_csr *g)
{
	float *x = malloc(sizeof(float) * (size_t)(n * d)), *ctr = malloc(sizeof(float) * (size_t)(c * d));
	struct sc_knn knn = SC_KNN_INIT;
	int ret = -1;
	if (!x || !ctr)
		goto out;
	for (int64_t i = 0; i < c * d; i++)
		ctr[i] = (float)(4 * gauss());
	for (int64_t i = 0; i < n; i++) {
		cl[i] = (int32_t)(unif() * c);
		for (int64_t j = 0; j < d; j++)
			x[i * d + j] = ctr[cl[i] * d + j] + (float)gauss();
	}
	if (sc_knn_exact(x, n, d, k, SC_KNN_EUCLIDEAN, 1, &knn) == 0 && sc_conn_umap(&knn, g) == 0)
		ret = 0;
out:
	sc_knn_release(&knn);
	free(x);
	free(ctr);
	return ret;
}

static void kbet_case(int64_t n, int64_t d, int k, int64_t k0, const char *what)
{
	struct sc_csr g = SC_CSR_INIT;
	int32_t *cl = malloc(sizeof(int32_t) * (size_t)n), *cells = malloc(sizeof(int32_t) * (size_t)n);
	int64_t kk = k0 - 1;
	int32_t *a = malloc(sizeof(int32_t) * (size_t)(n * kk)), *b = malloc(sizeof(int32_t) * (size_t)(n * kk));
	int32_t *c2 = malloc(sizeof(int32_t) * (size_t)(n * kk));
	ok(cl && cells && a && b && c2 && make_graph(n, d, 2, k, cl, &g) == 0, "%s: graph built", what);
	if (!g.indptr)
		goto out;
	/* one label: the first cluster's cells */
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++)
		if (cl[i] == 0)
			cells[m++] = (int32_t)i;
	int r0 = sc_kbet_diffusion_nn(&g, cells, m, k0, 1, 0, a);
	int r1 = sc_kbet_diffusion_nn(&g, cells, m, k0, 1, 1, b);
	int r2 = sc_kbet_diffusion_nn(&g, cells, m, k0, 2, 1, c2);
	ok(r0 == 0 && r1 == 0 && r2 == 0, "%s: %lld cells, k0 %lld: neighbours found", what,
	   (long long)m, (long long)k0);
	ok(memcmp(b, c2, sizeof(int32_t) * (size_t)(m * kk)) == 0, "%s: 1 and 2 threads identical",
	   what);
	ok(same_sets(a, b, m, kk), "%s: pruned = plain power sums, every row", what);
out:
	sc_csr_release(&g);
	free(cl);
	free(cells);
	free(a);
	free(b);
	free(c2);
}

/* Reference: plain Dijkstra from s by O(n) scans; the first k0 cells settled after s in
 * (length, index) order. */
static int64_t ref_paths(const struct sc_csr *g, int32_t s, int64_t k0, double *best,
			 unsigned char *done, int32_t *oi, double *od)
{
	int64_t n = g->rows, found = 0;
	for (int64_t i = 0; i < n; i++) {
		best[i] = INFINITY;
		done[i] = 0;
	}
	best[s] = 0;
	for (;;) {
		int32_t v = -1;
		for (int64_t i = 0; i < n; i++)
			if (!done[i] && isfinite(best[i]) && (v < 0 || best[i] < best[v]))
				v = (int32_t)i;
		if (v < 0)
			break;
		done[v] = 1;
		if (v != s) {
			oi[found] = v;
			od[found++] = best[v];
			if (found == k0)
				break;
		}
		for (int64_t p = g->indptr[v]; p < g->indptr[v + 1]; p++) {
			double nd = best[v] + (double)g->data[p];
			if (!done[g->indices[p]] && nd < best[g->indices[p]])
				best[g->indices[p]] = nd;
		}
	}
	return found;
}

static void lisi_ref_case(int64_t n, int64_t k0)
{
	struct sc_csr g = SC_CSR_INIT;
	int32_t *cl = malloc(sizeof(int32_t) * (size_t)n), *idx = malloc(sizeof(int32_t) * (size_t)(n * k0));
	int32_t *cnt = malloc(sizeof(int32_t) * (size_t)n), *oi = malloc(sizeof(int32_t) * (size_t)k0);
	double *dist = malloc(sizeof(double) * (size_t)(n * k0)), *od = malloc(sizeof(double) * (size_t)k0);
	double *best = malloc(sizeof(double) * (size_t)n);
	unsigned char *done = malloc((size_t)n);
	int same = 1;
	ok(cl && idx && cnt && oi && dist && od && best && done && make_graph(n, 5, 3, 14, cl, &g) == 0,
	   "lisi reference: graph built");
	if (!g.indptr)
		goto out;
	ok(sc_lisi_graph_neighbors(&g, k0, 2, idx, dist, cnt) == 0, "lisi reference: searched");
	for (int64_t s = 0; s < n && same; s++) {
		int64_t f = ref_paths(&g, (int32_t)s, k0, best, done, oi, od);
		same &= f == cnt[s];
		for (int64_t j = 0; j < f && same; j++)
			same &= oi[j] == idx[s * k0 + j] && fabs(od[j] - dist[s * k0 + j]) <= 1e-5 * od[j];
		if (!same)
			printf("# first difference at source %lld\n", (long long)s);
	}
	ok(same, "lisi reference: pruned search = plain Dijkstra (%lld sources, k0 %lld)", (long long)n,
	   (long long)k0);
out:
	sc_csr_release(&g);
	free(cl);
	free(idx);
	free(cnt);
	free(oi);
	free(dist);
	free(od);
	free(best);
	free(done);
}

static void lisi_case(int64_t n, int64_t k0)
{
	struct sc_csr g = SC_CSR_INIT;
	int32_t *cl = malloc(sizeof(int32_t) * (size_t)n);
	int32_t *i1 = malloc(sizeof(int32_t) * (size_t)(n * k0)), *i2 = malloc(sizeof(int32_t) * (size_t)(n * k0));
	int32_t *c1 = malloc(sizeof(int32_t) * (size_t)n), *c2 = malloc(sizeof(int32_t) * (size_t)n);
	double *d1 = malloc(sizeof(double) * (size_t)(n * k0)), *d2 = malloc(sizeof(double) * (size_t)(n * k0));
	double *l1 = malloc(sizeof(double) * (size_t)n), *l2 = malloc(sizeof(double) * (size_t)n);
	ok(cl && i1 && i2 && c1 && c2 && d1 && d2 && l1 && l2 && make_graph(n, 8, 3, 14, cl, &g) == 0,
	   "lisi: graph built");
	if (!g.indptr)
		goto out;
	ok(sc_lisi_graph_neighbors(&g, k0, 1, i1, d1, c1) == 0 &&
		   sc_lisi_graph_neighbors(&g, k0, 2, i2, d2, c2) == 0,
	   "lisi: path neighbours with 1 and 2 threads");
	ok(memcmp(i1, i2, sizeof(int32_t) * (size_t)(n * k0)) == 0 &&
		   memcmp(d1, d2, sizeof(double) * (size_t)(n * k0)) == 0 &&
		   memcmp(c1, c2, sizeof(int32_t) * (size_t)n) == 0,
	   "lisi: identical neighbours and lengths");
	int sorted = 1;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 1; j < c1[i]; j++)
			sorted &= d1[i * k0 + j - 1] <= d1[i * k0 + j];
	ok(sorted, "lisi: path lengths non-decreasing in every row");
	/* the per-cell calibration as sc_lisi_simpson does it, against the shared one, threaded */
	double *p = malloc(sizeof(double) * (size_t)k0);
	int32_t *cc = malloc(sizeof(int32_t) * (size_t)k0);
	ok(p && cc, "lisi: scratch");
	for (int64_t i = 0; p && cc && i < n; i++) {
		if (c1[i] < k0) {
			l1[i] = c1[i] ? 1 : NAN;
			continue;
		}
		for (int64_t j = 0; j < k0; j++)
			cc[j] = cl[i1[i * k0 + j]];
		l1[i] = 1.0 / sc_lisi_simpson(d1 + i * k0, cc, k0, (double)(k0 / 3), 3, p);
	}
	free(p);
	free(cc);
	ok(sc_lisi_graph_weights(d2, c2, n, k0, 2) == 0 &&
		   sc_lisi_graph_classes(i2, d2, c2, n, k0, cl, 3, l2) == 0,
	   "lisi: shared calibration, 2 threads");
	ok(memcmp(l1, l2, sizeof(double) * (size_t)n) == 0, "lisi: identical per-cell values");
out:
	sc_csr_release(&g);
	free(cl);
	free(i1);
	free(i2);
	free(c1);
	free(c2);
	free(d1);
	free(d2);
	free(l1);
	free(l2);
}

int main(void)
{
	kbet_case(3000, 6, 49, 70, "k=50 graph");
	kbet_case(1200, 4, 49, 25, "small k0");
	kbet_case(800, 10, 20, 40, "sparse graph, k0 above the degree");
	lisi_case(6000, 90);
	lisi_ref_case(1500, 90);
	return tap_done();
}
