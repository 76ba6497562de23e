/* scIB metric kernels on cases small enough to check by hand: LISI, graph connectivity, kBET
 * pieces, PCR, isolated labels, batch entropy, aggregates, text readers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_entropy.h"
#include "graph_conn.h"
#include "graph_tsv.h"
#include "isolated.h"
#include "kbet.h"
#include "kmeans.h"
#include "lisi.h"
#include "pcr.h"
#include "sc_stream.h"
#include "scib_aggregate.h"
#include "tap.h"

static void lisi_cases(void)
{
	double d[6] = { 1, 1, 1, 1, 1, 1 }, p[6];
	int32_t mixed[6] = { 0, 1, 0, 1, 0, 1 }, same[6] = { 0, 0, 0, 0, 0, 0 };
	/* equal distances: uniform P whatever beta, so Simpson = sum over classes of share^2 */
	is_near(1 / sc_lisi_simpson(d, mixed, 6, 2, 2, p), 2.0, 1e-12,
		"perfectly mixed two batches: LISI = 2");
	is_near(1 / sc_lisi_simpson(d, same, 6, 2, 2, p), 1.0, 1e-12,
		"perfectly separated (one class around the cell): LISI = 1");
	int32_t three[6] = { 0, 1, 2, 0, 1, 2 };
	is_near(1 / sc_lisi_simpson(d, three, 6, 2, 3, p), 3.0, 1e-12, "three balanced classes: 3");
	/* masked entries (class < 0) carry no probability */
	int32_t masked[6] = { -1, 1, 0, 1, 0, -1 };
	is_near(1 / sc_lisi_simpson(d, masked, 6, 2, 2, p), 2.0, 1e-12, "masked self: still 2");
	/* perplexity search: P follows exp(-beta d) with entropy ln(perplexity) */
	double dd[4] = { 0.1, 0.5, 2, 3 };
	int32_t c4[4] = { 0, 1, 2, 3 };
	double s = sc_lisi_simpson(dd, c4, 4, 2, 4, p), h = 0;
	for (int j = 0; j < 4; j++)
		h -= p[j] > 0 ? p[j] * log(p[j]) : 0;
	is_near(h, log(2), 1e-4, "beta bisection reaches entropy ln(perplexity)");
	ok(s > 0.25 && s < 1, "Simpson index between 1/classes and 1 (%g)", s);
	is_near(sc_nanmedian((double[]){ 3, NAN, 1, 2 }, 4), 2, 0, "nanmedian skips NaN");
	is_near(sc_nanmedian((double[]){ 4, 1, 2, 3 }, 4), 2.5, 0, "nanmedian of an even count");
}

/* A path 0 - 1 - 2 - 3 with weights 1, 2, 3 (stored both ways). */
static void path_graph(struct sc_csr *g)
{
	static int64_t ptr[5] = { 0, 1, 3, 5, 6 };
	static int32_t ind[6] = { 1, 0, 2, 1, 3, 2 };
	static float w[6] = { 1, 1, 2, 2, 3, 3 };
	g->rows = g->cols = 4;
	g->nnz = 6;
	g->indptr = ptr;
	g->indices = ind;
	g->data = w;
}

static void graph_cases(void)
{
	struct sc_csr g;
	double per[2], sc;
	path_graph(&g);
	int32_t lab[4] = { 0, 0, 1, 1 };
	ok(sc_graph_conn_scib(&g, lab, 2, per, &sc) == 0 && sc == 1.0,
	   "two labels, each a connected pair: 1");
	int32_t lab2[4] = { 0, 1, 0, 1 };
	ok(sc_graph_conn_scib(&g, lab2, 2, per, &sc) == 0 && per[0] == 0.5 && sc == 0.5,
	   "alternating labels: no within-label edge, 1/2 each");
	/* directed kNN: 0->1, 1->0 strongly connected; 2->3 but 3->1: not */
	int32_t knn[4] = { 1, 0, 3, 1 }, one[4] = { 0, 0, 0, 0 };
	ok(sc_graph_conn_knn_scc(knn, 4, 1, one, 1, per, &sc) == 0 && sc == 0.5,
	   "strongly connected components of a directed 1-NN: largest 2 of 4 (%g)", sc);

	/* graph LISI neighbours: shortest paths with the weight as length, rounded */
	int32_t idx[8], cnt[4];
	double dist[8];
	ok(sc_lisi_graph_neighbors(&g, 2, 1, idx, dist, cnt) == 0, "path neighbours computed");
	ok(cnt[0] == 2 && idx[0] == 1 && idx[1] == 2 && dist[0] == 1 && dist[1] == 3,
	   "from node 0: node 1 at 1, node 2 at 1 + 2");
	ok(cnt[3] == 2 && idx[6] == 2 && dist[6] == 3 && idx[7] == 1 && dist[7] == 5,
	   "from node 3: node 2 at 3, node 1 at 5");
	int32_t k3idx[12], k3cnt[4];
	double k3d[12], l[4];
	ok(sc_lisi_graph_neighbors(&g, 3, 1, k3idx, k3d, k3cnt) == 0 && k3cnt[1] == 3,
	   "k0 = 3 reaches every other node");
	int32_t cls[4] = { 0, 1, 0, 1 };
	ok(sc_lisi_graph(k3idx, k3d, k3cnt, 4, 3, cls, 2, l) == 0 && l[0] >= 1 && l[0] <= 2,
	   "graph LISI in [1, classes] (%g)", l[0]);
	ok(sc_lisi_graph(idx, dist, (int32_t[]){ 0, 1, 2, 2 }, 4, 2, cls, 2, l) == 0 && isnan(l[0]) &&
		   l[1] == 1,
	   "no edges: no value; fewer than k0 reachable: LISI 1");
}

static void kbet_cases(void)
{
	/* Q(1, x) = exp(-x); chi-square with 2 dof at 5.991 has p = 0.05 */
	is_near(sc_gamma_q(1, 2), exp(-2), 1e-14, "Q(1, 2) = e^-2");
	is_near(sc_gamma_q(1.0, 5.991464547107979 / 2), 0.05, 1e-12, "pchisq(5.99, 2) = 0.95");
	is_near(sc_gamma_q(0.5, 3.841458820694124 / 2), 0.05, 1e-10, "pchisq(3.84, 1) = 0.95");
	/* half-integer a by recurrence from Q(1/2, x) = erfc(sqrt x) */
	double x = 30, sp = sqrt(M_PI);
	double q25 = erfc(sqrt(x)) + sqrt(x) * exp(-x) / (sp / 2) + pow(x, 1.5) * exp(-x) / (3 * sp / 4);
	is_near(sc_gamma_q(2.5, x) / q25, 1, 1e-12, "far tail (continued fraction), relative");
	x = 1.2;
	q25 = erfc(sqrt(x)) + sqrt(x) * exp(-x) / (sp / 2) + pow(x, 1.5) * exp(-x) / (3 * sp / 4);
	is_near(sc_gamma_q(2.5, x), q25, 1e-14, "series branch Q(2.5, 1.2)");
	int64_t bc[3] = { 100, 60, 0 };
	ok(sc_kbet_k0(bc, 3, 160) == 20, "k0 = floor(mean present batch size / 4) = 20");
	int64_t small[2] = { 8, 8 };
	ok(sc_kbet_k0(small, 2, 16) == 10, "k0 is at least 10");
	int64_t big[2] = { 4000, 4000 };
	ok(sc_kbet_k0(big, 2, 8000) == 70, "k0 is at most 70");
	/* 4 cells, batches 0 0 1 1, freq 1/2 each, k0 = 2: neighbourhood = cell + 1 neighbour.
	 * Same-batch neighbour: counts (2, 0) vs expected (1, 1): chi2 = 2, p = 0.157 (kept);
	 * alpha 0.2 rejects it. */
	int32_t nb[4] = { 1, 0, 3, 2 }, bat[4] = { 0, 0, 1, 1 };
	double freq[2] = { 0.5, 0.5 };
	unsigned char all[4] = { 1, 1, 1, 1 };
	is_near(sc_kbet_rejection(nb, 4, 1, bat, freq, 2, 2, 0.05, all), 0, 0, "p = 0.157: accepted");
	is_near(sc_kbet_rejection(nb, 4, 1, bat, freq, 2, 2, 0.2, all), 1, 0, "alpha 0.2: rejected");
	int32_t mix[4] = { 2, 3, 0, 1 };
	is_near(sc_kbet_rejection(mix, 4, 1, bat, freq, 2, 2, 0.2, all), 0, 0,
		"mixed neighbourhoods: chi2 = 0, never rejected");
}

/* scib's several-components quirk on a hand-checkable label of 33 cells, k0 = 10: cell 0 is
 * isolated (dropped), cells 1..32 form a complete graph with self-loops (all diffusion weights
 * equal, exactly 3/32, so the 9 neighbours are the 9 lowest other kept indices). Batches by
 * label position: 0..8 -> 0, 9 -> 1, 10..17 -> 0, 18..32 -> 1 (17 : 16).
 * Mapped correctly, the batch-1 cells 18..32 see positions 1..9 (8 + 1) plus themselves, 8 of
 * 10 in batch 0 (chi2 3.25, kept): rejection 17/32. scib hands the kept cells' own indices to
 * R, which reads local j as position j: they see positions 0..8, all batch 0, and are rejected;
 * only cell 9 (positions 0..8 minus 8, plus 9) keeps 8 : 2; the dropped cell is tested alone
 * and rejected: 32/33. */
static void kbet_components_case(void)
{
	enum { N = 33, K = 32 };
	static int64_t ptr[N + 1];
	static int32_t ind[K * K];
	static float w[K * K];
	int32_t lab[N], bat[N];
	int64_t e = 0;
	ptr[0] = ptr[1] = 0;
	for (int i = 1; i < N; i++) {
		for (int j = 1; j < N; j++) {
			ind[e] = j;
			w[e++] = 1;
		}
		ptr[i + 1] = e;
	}
	for (int i = 0; i < N; i++) {
		lab[i] = 0;
		bat[i] = i == 9 || i >= 18;
	}
	struct sc_csr g = { N, N, e, ptr, ind, w };
	double per[1], sc;
	ok(sc_kbet_scib(&g, lab, 1, bat, 2, 0.05, 1, per, &sc) == 0, "kbet on two components");
	is_near(per[0], 32.0 / 33.0, 1e-15, "scib's unmapped sub-subgraph indices: rejection 32/33");
	is_near(sc, 1.0 / 33.0, 1e-15, "score 1 - 32/33");
}

static void pcr_cases(void)
{
	/* 1-D: batch a at {0, 2}, batch b at {10, 12}: between 100*4/4.., R^2 = SSB / SST */
	float x[4] = { 0, 2, 10, 12 };
	int32_t b[4] = { 0, 0, 1, 1 };
	double v;
	ok(sc_pcr(x, 4, 1, b, 2, 0, &v) == 0, "pcr computed");
	/* mean 6; SST = 36 + 16 + 16 + 36 = 104; SSB = 4 * 25 = 100 */
	is_near(v, 100.0 / 104.0, 1e-12, "R^2 of the single component = 100/104");
	/* 2-D: the batch explains dimension 0 only; dimension 1 is independent noise */
	float y[8] = { 0, 1, 0, -1, 4, 1, 4, -1 };
	ok(sc_pcr(y, 4, 2, b, 2, 0, &v) == 0, "2-D pcr computed");
	/* var(dim0) = 16/3 fully explained, var(dim1) = 4/3 unexplained: 16/20 */
	is_near(v, 0.8, 1e-12, "variance-weighted R^2 = 0.8");
	is_near(sc_pcr_comparison(0.5, 0.2), 0.6, 1e-15, "pcr_comparison (pre - post) / pre");
	is_near(sc_pcr_comparison(0.2, 0.5), 0, 0, "negative comparison is 0");
}

static void isolated_cases(void)
{
	int32_t lab[6] = { 0, 0, 1, 1, 2, 2 }, bat[6] = { 0, 1, 0, 1, 0, 0 };
	unsigned char iso[3];
	ok(sc_isolated_labels(lab, 3, bat, 2, 6, 0, SC_ISO_SCIB, iso) == 1 && iso[2] && !iso[0],
	   "label 2, in one batch only, is the isolated label");
	int32_t bat2[6] = { 0, 1, 0, 1, 0, 1 };
	ok(sc_isolated_labels(lab, 3, bat2, 2, 6, 0, SC_ISO_SCIB, iso) == 0,
	   "scib: every label in every batch means none");
	ok(sc_isolated_labels(lab, 3, bat2, 2, 6, 0, SC_ISO_SCIB_METRICS, iso) == 3,
	   "scib-metrics: then every label counts");
	double s[6] = { 0, 0, 0, 0, 0.5, -0.5 };
	unsigned char only2[3] = { 0, 0, 1 };
	is_near(sc_isolated_asw(s, lab, 3, 6, only2), 0.5, 1e-15, "ASW of label 2: mean (s+1)/2");
	int32_t cl[6] = { 0, 0, 0, 0, 1, 1 };
	is_near(sc_isolated_max_f1(cl, 2, lab, 2, 6), 1.0, 0, "a cluster equal to the label: F1 1");
	int32_t cl2[6] = { 0, 0, 0, 1, 1, 1 };
	is_near(sc_isolated_max_f1(cl2, 2, lab, 2, 6), 0.8, 1e-15, "F1 = 2*2/(3+2)");
}

static void entropy_aggregate_cases(void)
{
	int32_t idx[8] = { 0, 1, 1, 0, 2, 3, 3, 2 }, bat[4] = { 0, 1, 0, 0 };
	/* rows 0,1: one cell of each batch: entropy ln2/ln2 = 1; rows 2,3: batch 0 only: 0 */
	is_near(sc_batch_entropy(idx, 4, 2, bat, 2), 0.5, 1e-15, "mean normalised entropy 0.5");
	int32_t one[4] = { 0, 0, 0, 0 };
	ok(isnan(sc_batch_entropy(idx, 4, 2, one, 1)), "one batch: NaN (0/0 upstream)");
	struct sc_scib_weights w = { 0.6, 0.4 };
	struct sc_scib_agg a;
	double bio[3] = { 0.5, NAN, 0.7 }, batch[2] = { 0.2, 0.4 };
	sc_scib_aggregate(bio, 3, batch, 2, &w, &a);
	is_near(a.bio, 0.6, 1e-15, "bio mean skips the undefined metric");
	ok(a.n_bio == 2 && a.n_batch == 2, "metrics that entered each mean are counted");
	is_near(a.total, 0.6 * 0.6 + 0.4 * 0.3, 1e-15, "total = 0.6 bio + 0.4 batch");
	sc_scib_aggregate(bio, 3, batch, 0, &w, &a);
	ok(isnan(a.batch) && isnan(a.total), "no batch metric: batch and total undefined");
}

static char tmp_path[] = "/tmp/test_scib_metrics.XXXXXX";

static struct sc_stream *text(const char *s)
{
	FILE *f = fopen(tmp_path, "w");
	fputs(s, f);
	fclose(f);
	return sc_open(tmp_path, "r");
}

static void kmeans_cases(void)
{
	/* three tight blobs far apart in 2-D: k-means++ and Lloyd must recover them */
	int64_t n = 90;
	float x[180];
	int32_t lab[90], truth[90];
	for (int64_t i = 0; i < n; i++) {
		truth[i] = (int32_t)(i % 3);
		x[2 * i] = (float)(truth[i] * 100) + (float)(i % 7) * 0.1f;
		x[2 * i + 1] = (float)(truth[i] == 1 ? 50 : 0) + (float)(i % 5) * 0.1f;
	}
	double inertia;
	ok(sc_kmeans(x, n, 2, 3, 300, 0, 2, lab, &inertia) == 0, "kmeans ran");
	int same = 1;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++)
			same &= (lab[i] == lab[j]) == (truth[i] == truth[j]);
	ok(same, "three separated blobs recovered exactly");
	double want = 0, cx[3] = { 0 }, cy[3] = { 0 };
	for (int64_t i = 0; i < n; i++) {
		cx[truth[i]] += x[2 * i] / 30.0;
		cy[truth[i]] += x[2 * i + 1] / 30.0;
	}
	for (int64_t i = 0; i < n; i++)
		want += pow(x[2 * i] - cx[truth[i]], 2) + pow(x[2 * i + 1] - cy[truth[i]], 2);
	is_near(inertia, want, 0.05, "inertia = within-cluster sum of squares (float32 distances)");
	int32_t lab1[90];
	ok(sc_kmeans(x, n, 2, 3, 300, 0, 1, lab1, &inertia) == 0 && memcmp(lab, lab1, sizeof lab) == 0,
	   "same labels with 1 and 2 threads");
	ok(sc_kmeans(x, n, 2, 91, 300, 0, 1, lab1, &inertia) < 0, "k > n refused");
}

static void reader_cases(void)
{
	int fd = mkstemp(tmp_path);
	if (fd >= 0)
		close(fd);
	struct sc_csr g = SC_CSR_INIT;
	struct sc_stream *s = text("1\t0\t0.5\n0\t1\t0.5\n0\t1\t0.25\n2\t2\t1\n");
	ok(sc_graph_tsv_read(s, 3, &g) == 0 && g.nnz == 3 && g.data[0] == 0.75f && g.indptr[3] == 3,
	   "graph TSV: sorted, duplicates summed");
	(void)!sc_close(s);
	sc_csr_release(&g);
	const char *bad[] = { "0\t3\t1\n", "0\t1\tnan\n", "0 1 1\n", "0\t1\t-1\n", "x\t1\t1\n" };
	for (int i = 0; i < 5; i++) {
		s = text(bad[i]);
		ok(sc_graph_tsv_read(s, 3, &g) < 0, "graph TSV refuses bad line %d", i);
		(void)!sc_close(s);
		sc_csr_release(&g);
	}
	int32_t ids[3], nc;
	s = text("cell\tcluster\n0\t2\n1\t0\n2\t2\n");
	ok(sc_partition_read(s, 3, NULL, ids, &nc) == 0 && ids[0] == 2 && nc == 3,
	   "partition with header and row column");
	(void)!sc_close(s);
	s = text("1\n0\n");
	ok(sc_partition_read(s, 3, NULL, ids, &nc) < 0, "partition shorter than the cells is refused");
	(void)!sc_close(s);
	s = text("0\t1\n2\t0\n");
	ok(sc_partition_read(s, 2, NULL, ids, &nc) < 0, "partition with a wrong row number is refused");
	(void)!sc_close(s);
	remove(tmp_path);
}

int main(void)
{
	lisi_cases();
	graph_cases();
	kbet_cases();
	kbet_components_case();
	pcr_cases();
	isolated_cases();
	entropy_aggregate_cases();
	kmeans_cases();
	reader_cases();
	return tap_done();
}
