/* Leiden on graphs with known optimal partitions, quality formulas, and partition scores. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_compare.h"
#include "graph_io.h"
#include "leiden.h"
#include "tap.h"

/* Build a symmetric CSR from an undirected edge list (both directions stored). */
static void from_edges(struct sc_csr *g, int n, const int (*e)[2], const float *w, int m)
{
	int *deg = calloc((size_t)n, sizeof(int));
	int64_t *pos;
	for (int i = 0; i < m; i++) {
		deg[e[i][0]]++;
		deg[e[i][1]]++;
	}
	if (sc_csr_alloc(g, n, n, 2 * m) < 0)
		abort();
	for (int i = 0; i < n; i++)
		g->indptr[i + 1] = g->indptr[i] + deg[i];
	pos = malloc(sizeof(int64_t) * (size_t)(n + 1));
	memcpy(pos, g->indptr, sizeof(int64_t) * (size_t)(n + 1));
	for (int i = 0; i < m; i++)
		for (int s = 0; s < 2; s++) {
			int a = e[i][s], b = e[i][1 - s];
			g->indices[pos[a]] = b;
			g->data[pos[a]++] = w ? w[i] : 1.0f;
		}
	if (sc_csr_sort_rows(g) < 0)
		abort();
	free(pos);
	free(deg);
}

/* r cliques of size s, clique c's last node joined to clique c+1's first (a ring when ring). */
static void cliques(struct sc_csr *g, int r, int s, int ring)
{
	int (*e)[2] = malloc(sizeof(*e) * (size_t)(r * s * s + r));
	int m = 0;
	for (int c = 0; c < r; c++) {
		for (int i = 0; i < s; i++)
			for (int j = i + 1; j < s; j++) {
				e[m][0] = c * s + i;
				e[m++][1] = c * s + j;
			}
		if (c + 1 < r || (ring && r > 2)) {
			e[m][0] = c * s + s - 1;
			e[m++][1] = ((c + 1) % r) * s;
		}
	}
	from_edges(g, r * s, (const int(*)[2])e, NULL, m);
	free(e);
}

static int is_blocks(const int32_t *memb, int r, int s)
{
	for (int c = 0; c < r; c++)
		for (int i = 0; i < s; i++) {
			if (memb[c * s + i] != memb[c * s])
				return 0;
			if (c > 0 && memb[c * s] == memb[(c - 1) * s])
				return 0;
		}
	return 1;
}

static void test_cliques(void)
{
	struct sc_csr g = SC_CSR_INIT;
	struct sc_leiden_opts o;
	int32_t memb[60], k;
	sc_leiden_defaults(&o);
	cliques(&g, 2, 5, 0);
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k == 2 && is_blocks(memb, 2, 5),
	   "two 5-cliques joined by one edge: two clusters");
	/* modularity of that split by hand: m = 21 edges, each side 10 internal edges, degree 21 */
	double q = sc_modularity(&g, memb, 1);
	is_near(q, 2 * (10.0 / 21 - pow(21.0 / 42, 2)), 1e-12, "modularity by hand");
	is_near(sc_leiden_quality(&g, memb, SC_LEIDEN_MODULARITY, 1, 1), q * 42, 1e-9,
		"RB quality = modularity x total weight");
	sc_csr_release(&g);

	cliques(&g, 10, 6, 1);
	o.iterations = -1;
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k == 10 && is_blocks(memb, 10, 6),
	   "ring of 10 6-cliques: one cluster per clique (iterations -1)");
	o.objective = SC_LEIDEN_CPM;
	o.resolution = 0.5;
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k == 10 && is_blocks(memb, 10, 6),
	   "same with CPM at resolution 0.5");
	o.resolution = 1.5; /* denser than any clique: singletons */
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k == 60, "CPM above 1: all singletons");
	sc_leiden_defaults(&o);
	o.resolution = 0.01; /* low resolution merges the ring */
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k < 10, "low resolution merges cliques (%d)", k);
	sc_csr_release(&g);
}

static void test_edge_cases(void)
{
	struct sc_csr g = SC_CSR_INIT;
	struct sc_leiden_opts o;
	int32_t memb[20], k;
	int e[][2] = { { 0, 1 }, { 1, 2 }, { 0, 2 }, { 4, 5 }, { 5, 6 }, { 4, 6 } };
	sc_leiden_defaults(&o);
	/* two triangles, node 3 and 7 isolated */
	from_edges(&g, 8, (const int(*)[2])e, NULL, 6);
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && k == 4 && memb[0] == memb[1] &&
	   memb[1] == memb[2] && memb[4] == memb[5] && memb[5] == memb[6] && memb[0] != memb[4] &&
	   memb[3] != memb[7] && memb[3] != memb[0] && memb[7] != memb[4],
	   "disconnected triangles and isolated nodes: 4 clusters");
	ok(memb[0] == 0 && memb[4] == 1 && memb[3] == 2 && memb[7] == 3,
	   "ids by decreasing size, ties by smallest member");
	sc_csr_release(&g);
	ok(sc_csr_alloc(&g, 1, 1, 0) == 0 && sc_leiden_run(&g, &o, memb, &k) == 0 && k == 1 &&
	   memb[0] == 0, "1-node graph");
	sc_csr_release(&g);
	ok(sc_csr_alloc(&g, 0, 0, 0) == 0 && sc_leiden_run(&g, &o, memb, &k) == 0 && k == 0,
	   "empty graph");
	sc_csr_release(&g);
	/* determinism: same seed same result */
	int32_t m2[20];
	cliques(&g, 3, 6, 1);
	o.seed = 7;
	ok(sc_leiden_run(&g, &o, memb, &k) == 0 && sc_leiden_run(&g, &o, m2, &k) == 0 &&
	   memcmp(memb, m2, sizeof(int32_t) * 18) == 0, "same seed, same partition");
	sc_csr_release(&g);
	int bad[][2] = { { 0, 1 } };
	from_edges(&g, 3, (const int(*)[2])bad, NULL, 1);
	g.data[0] = 2; /* (0,1) = 2 but (1,0) = 1 */
	ok(sc_graph_check_symmetric(&g) < 0, "asymmetric graph refused");
	g.data[0] = -1;
	g.data[1] = -1;
	ok(sc_graph_check_symmetric(&g) < 0, "negative weight refused");
	sc_csr_release(&g);
}

static void test_compare(void)
{
	int32_t a[6] = { 0, 0, 0, 1, 1, 1 }, b[6] = { 0, 0, 1, 1, 2, 2 }, c[6] = { 0 };
	struct sc_partition_scores s;
	/* sklearn: nmi([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.5158037429793889,
	 * ari = 0.24242424242424243 */
	ok(sc_partition_compare(a, b, 6, &s) == 0, "compare runs");
	is_near(s.nmi, 0.5158037429793889, 1e-12, "NMI arithmetic (sklearn value)");
	is_near(s.ari, 0.24242424242424243, 1e-12, "ARI (sklearn value)");
	is_near(s.ari_scib, 0.24242424242424243, 1e-12, "ARI scib formula agrees");
	ok(sc_partition_compare(c, c, 6, &s) == 0 && s.nmi == 1.0 && s.ari == 1.0 &&
	   isnan(s.ari_scib), "both trivial: NMI 1, sklearn ARI 1, scib ARI NaN");
	ok(sc_partition_compare(a, c, 6, &s) == 0 && s.nmi == 0.0, "one trivial side: NMI 0");
	is_near(sc_nmi(a, a, 6), 1.0, 1e-15, "identical partitions: NMI 1");
	const char *lab[5] = { "b", "a", "c", "a", "b" };
	int32_t codes[5];
	int64_t nc;
	ok(sc_labels_encode(lab, 5, codes, &nc) == 0 && nc == 3 && codes[0] == 1 && codes[1] == 0 &&
	   codes[2] == 2 && codes[3] == 0, "labels encoded in sorted order");
}

static void test_sweep(void)
{
	struct sc_csr g = SC_CSR_INIT;
	struct sc_leiden_opts o;
	double res[3] = { 0.01, 1, 20 }, nmi[3], ari[3];
	int32_t lab[30], best[30], ncl[3];
	int bi = -1;
	sc_leiden_defaults(&o);
	cliques(&g, 3, 10, 1);
	for (int i = 0; i < 30; i++)
		lab[i] = i / 10;
	ok(sc_leiden_sweep(&g, &o, res, 3, 1, lab, best, &bi, nmi, ari, ncl) == 0, "sweep runs");
	ok(bi == 1 && nmi[1] == 1.0 && ari[1] == 1.0 && ncl[1] == 3 && is_blocks(best, 3, 10),
	   "sweep keeps the resolution that recovers the cliques");
	ok(ncl[0] < 3 && ncl[2] > 3 && nmi[0] < 1 && nmi[2] < 1, "low/high resolutions under/over-split");
	sc_csr_release(&g);
}

/* A random weighted graph (fixed LCG): no planted structure, so every random choice of the
 * optimiser shows in the result. */
static void random_graph(struct sc_csr *g, int n, int m)
{
	int (*e)[2] = malloc(sizeof(*e) * (size_t)m);
	float *w = malloc(sizeof(float) * (size_t)m);
	uint64_t x = 12345;
	for (int i = 0; i < m; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		e[i][0] = (int)((x >> 33) % (uint64_t)n);
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		e[i][1] = (int)((x >> 33) % (uint64_t)n);
		if (e[i][1] == e[i][0])
			e[i][1] = (e[i][0] + 1) % n;
		w[i] = (float)((x >> 40) % 1000 + 1) / 1000.0f;
	}
	from_edges(g, n, (const int (*)[2])e, w, m);
	free(e);
	free(w);
}

static void test_runs_threads(void)
{
	struct sc_csr g = SC_CSR_INIT;
	struct sc_leiden_opts o;
	enum { N = 600, R = 5 };
	double res[R] = { 0.2, 0.5, 1, 1.5, 3 };
	int32_t *p1 = malloc(sizeof(int32_t) * N * R), *p3 = malloc(sizeof(int32_t) * N * R);
	int32_t one[N], k1[R], k3[R], k;
	int same = 1, single = 1;
	random_graph(&g, N, 2400);
	sc_leiden_defaults(&o);
	o.iterations = -1;
	o.seed = 7;
	ok(sc_leiden_runs(&g, &o, res, R, 1, p1, k1) == 0 &&
	   sc_leiden_runs(&g, &o, res, R, 3, p3, k3) == 0, "runs on 1 and 3 threads");
	for (int r = 0; r < R; r++) {
		o.resolution = res[r];
		same &= k1[r] == k3[r] && memcmp(p1 + r * N, p3 + r * N, sizeof(int32_t) * N) == 0;
		single &= sc_leiden_run(&g, &o, one, &k) == 0 && k == k1[r] &&
			  memcmp(one, p1 + r * N, sizeof(one)) == 0;
	}
	ok(same, "the thread count changes no partition");
	ok(single, "each partition is the single run at that resolution");
	ok(k1[0] < k1[4], "more clusters at higher resolution (%d < %d)", k1[0], k1[4]);
	free(p1);
	free(p3);
	sc_csr_release(&g);
}

/* The dense and the sorted-pairs contingency tables give bit-identical scores. */
static void test_compare_paths(void)
{
	enum { N = 500 };
	int32_t a[N], b[N], b2[N];
	struct sc_partition_scores d, s;
	uint64_t x = 99;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		a[i] = (int32_t)((x >> 33) % 7);
		b[i] = (int32_t)(a[i] * 5 + (int32_t)((x >> 45) % 9)) % 41;
		b2[i] = b[i] * 1000; /* same partition, codes too sparse for a dense table */
	}
	ok(sc_partition_compare(a, b, N, &d) == 0 && sc_partition_compare(a, b2, N, &s) == 0,
	   "both table layouts run");
	ok(d.nmi == s.nmi && d.ari == s.ari && d.ari_scib == s.ari_scib && d.n_b == s.n_b &&
	   d.nmi > 0.1 && d.nmi < 1, "identical NMI/ARI from both layouts (NMI %.6f)", d.nmi);
}

static void test_resolutions(void)
{
	double r[20];
	int n = 0;
	ok(sc_resolutions_parse("0.2:2.0:0.2", r, 20, &n) == 0 && n == 10 && r[0] == 0.2 &&
	   r[2] == 0.6 && r[9] == 2.0, "0.2:2.0:0.2 gives scib's ten resolutions exactly");
	ok(sc_resolutions_parse("1:1:0.5", r, 20, &n) == 0 && n == 1 && r[0] == 1, "single value");
	ok(sc_resolutions_parse("0:1:0.01", r, 20, &n) < 0, "too many values refused");
	ok(sc_resolutions_parse("1:0:0.1", r, 20, &n) < 0 && sc_resolutions_parse("0:1:0", r, 20, &n) < 0 &&
	   sc_resolutions_parse("0:1", r, 20, &n) < 0 && sc_resolutions_parse("a:1:0.1", r, 20, &n) < 0,
	   "malformed ranges refused");
}

int main(void)
{
	test_resolutions();
	test_sweep();
	test_cliques();
	test_edge_cases();
	test_compare();
	test_compare_paths();
	test_runs_threads();
	return tap_done();
}
