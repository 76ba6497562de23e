/* scib-metrics kBET pieces: the chi-square acceptance, the diffusion map against a dense
 * eigendecomposition, and whole-label cases whose outcome is known. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbet_sm.h"
#include "tap.h"

void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	     const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	     const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	     double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t,
	     size_t, size_t);

static void acceptance_cases(void)
{
	/* batches 0,0,1,1: expected 1.5 + 1.5 in a neighbourhood of 3 */
	int32_t bat[4] = { 0, 0, 1, 1 };
	int32_t nb[12] = { 0, 1, 2, /* 2 + 1: chi 1/3, p = erfc(sqrt(1/6)) = 0.56 */
			   1, 0, 0, /* 3 + 0: chi 3, p = erfc(sqrt(1.5)) = 0.083 */
			   2, 3, 3, /* 0 + 3: p 0.083 */
			   3, 2, 0 };
	double p1 = erfc(sqrt(1.0 / 6)), p3 = erfc(sqrt(1.5));
	ok(p1 > 0.5 && p3 > 0.05 && p3 < 0.1, "hand p-values: %.4f and %.4f", p1, p3);
	is_near(sc_kbet_sm_acceptance(nb, 4, 3, bat, 2, 0.05), 1, 0, "alpha 0.05: every cell accepted");
	is_near(sc_kbet_sm_acceptance(nb, 4, 3, bat, 2, 0.1), 0.5, 0, "alpha 0.1: the one-batch neighbourhoods rejected");
	int32_t one[4] = { 1, 1, 1, 1 };
	is_near(sc_kbet_sm_acceptance(nb, 4, 3, one, 3, 0.05), 0, 0, "a single batch: dof 0, nothing accepted");
	ok(isnan(sc_kbet_sm_acceptance(nb, 0, 3, bat, 2, 0.05)), "no cells: NaN");
}

/* A CSR graph (float weights) from a dense n x n matrix. */
static struct sc_csr to_csr(const double *a, int64_t n)
{
	struct sc_csr g = { n, n, 0, calloc((size_t)n + 1, sizeof(int64_t)), NULL, NULL };
	for (int64_t i = 0; i < n * n; i++)
		g.nnz += a[i] != 0;
	g.indices = malloc(sizeof(int32_t) * (size_t)(g.nnz + 1));
	g.data = malloc(sizeof(float) * (size_t)(g.nnz + 1));
	int64_t e = 0;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < n; j++)
			if (a[i * n + j] != 0) {
				g.indices[e] = (int32_t)j;
				g.data[e++] = (float)a[i * n + j];
			}
		g.indptr[i + 1] = e;
	}
	return g;
}

static void free_csr(struct sc_csr *g)
{
	free(g->indptr);
	free(g->indices);
	free(g->data);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 33;
}

/* Two disjoint random graphs (300 and 290 cells, a ring plus random chords, float weights):
 * the eigenvalues of the diffusion operator against dsyevr on the dense T built from the
 * formulas, eigenvalue 1 once per component, and the embedding's scaling. */
static void diffmap_case(void)
{
	enum { N1 = 300, N = 590, NC = 100 };
	double *a = calloc((size_t)N * N, sizeof(double));
	uint64_t s = 7;
	for (int c = 0; c < 2; c++) {
		int lo = c ? N1 : 0, sz = c ? N - N1 : N1;
		for (int i = 0; i < sz; i++) {
			int j = (i + 1) % sz;
			double w = (float)(0.2 + (double)(lcg(&s) % 800) / 1000.0);
			a[(size_t)(lo + i) * N + lo + j] = a[(size_t)(lo + j) * N + lo + i] = w;
			for (int t = 0; t < 3; t++) {
				int r = (int)(lcg(&s) % (uint64_t)sz);
				if (r == i)
					continue;
				w = (float)(0.05 + (double)(lcg(&s) % 500) / 1000.0);
				a[(size_t)(lo + i) * N + lo + r] = a[(size_t)(lo + r) * N + lo + i] = w;
			}
		}
	}
	struct sc_csr g = to_csr(a, N);
	int32_t cells[N], loc[N];
	for (int i = 0; i < N; i++)
		cells[i] = loc[i] = i;
	float *emb = malloc(sizeof(float) * N * NC);
	double ev[NC];
	int64_t mv = 0;
	ok(sc_kbet_sm_diffmap(&g, cells, N, loc, NC, emb, ev, &mv) == 0, "diffusion map of two components");
	/* dense reference T = Z^-1 Q^-1 W Q^-1 Z^-1 */
	double q[N], z[N];
	for (int j = 0; j < N; j++) {
		q[j] = 0;
		for (int i = 0; i < N; i++)
			q[j] += (float)a[(size_t)i * N + j];
	}
	for (int j = 0; j < N; j++) {
		z[j] = 0;
		for (int i = 0; i < N; i++)
			z[j] += (float)a[(size_t)i * N + j] / (q[i] * q[j]);
		z[j] = sqrt(z[j]);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			a[(size_t)i * N + j] = (float)a[(size_t)i * N + j] / (q[i] * q[j]) / (z[i] * z[j]);
	int n = N, m, info, lwork = -1, liwork = -1, iw, il = 1, iu = N;
	double wq, vl = 0, vu = 0, abstol = 0, *w = malloc(sizeof(double) * N);
	double *zz = malloc(sizeof(double) * N * N);
	int *isuppz = malloc(sizeof(int) * 2 * N);
	dsyevr_("V", "A", "U", &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, zz, &n, isuppz, &wq,
		&lwork, &iw, &liwork, &info, 1, 1, 1);
	lwork = (int)wq;
	liwork = iw;
	double *work = malloc(sizeof(double) * (size_t)lwork);
	int *iwork = malloc(sizeof(int) * (size_t)liwork);
	dsyevr_("V", "A", "U", &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, zz, &n, isuppz, work,
		&lwork, iwork, &liwork, &info, 1, 1, 1);
	double ref[NC];
	int lo = 0, hi = N - 1;
	for (int t = 0; t < NC; t++)
		ref[t] = fabs(w[hi]) >= fabs(w[lo]) ? w[hi--] : w[lo++];
	for (int i = 1; i < NC; i++)
		for (int j = i; j > 0 && ref[j - 1] < ref[j]; j--) {
			double t = ref[j];
			ref[j] = ref[j - 1];
			ref[j - 1] = t;
		}
	double worst = 0;
	for (int t = 0; t < NC; t++)
		if (fabs(ev[t] - ref[t]) > worst)
			worst = fabs(ev[t] - ref[t]);
	ok(info == 0 && worst < 1e-9, "the %d largest |lambda| match dsyevr of the dense T (max diff %.3g)", NC, worst);
	ok(fabs(ev[0] - 1) < 1e-12 && fabs(ev[1] - 1) < 1e-12 && ev[2] < 1 - 1e-6,
	   "eigenvalue 1 once per component");
	/* column norms: unit eigenvectors times the float32 scale */
	int scaled_ok = 1;
	for (int u = 0; u < NC; u++) {
		float l = (float)ev[u] + 1e-8f;
		double sc = l == 1.0f ? 1.0 : (double)(l / (1.0f - l)), nr = 0;
		for (int i = 0; i < N; i++)
			nr += (double)emb[(size_t)i * NC + u] * emb[(size_t)i * NC + u];
		scaled_ok &= fabs(sqrt(nr) - fabs(sc)) <= 1e-5 * fabs(sc);
	}
	ok(scaled_ok, "embedding column u = unit eigenvector x l/(1-l) (1 for l == 1)");
	/* a component's eigenvector vanishes on the other component */
	int support_ok = 1;
	for (int u = 0; u < 2; u++) {
		int on1 = 0, on2 = 0;
		for (int i = 0; i < N; i++)
			if (emb[(size_t)i * NC + u] != 0) {
				if (i < N1)
					on1++;
				else
					on2++;
			}
		support_ok &= (on1 == 0) != (on2 == 0);
	}
	ok(support_ok, "the two eigenvalue-1 vectors each live on one component");
	free(work);
	free(iwork);
	free(w);
	free(zz);
	free(isuppz);
	free(emb);
	free(a);
	free_csr(&g);
}

/* Labels laid out as paths (i ~ i+1 weight 1, i ~ i+2 weight 0.5). */
static void path_label(double *a, int64_t n, int lo, int sz)
{
	for (int i = 0; i < sz; i++) {
		if (i + 1 < sz)
			a[(size_t)(lo + i) * n + lo + i + 1] = a[(size_t)(lo + i + 1) * n + lo + i] = 1;
		if (i + 2 < sz)
			a[(size_t)(lo + i) * n + lo + i + 2] = a[(size_t)(lo + i + 2) * n + lo + i] = 0.5;
	}
}

static void label_cases(void)
{
	/* label 0: 80 cells on a path, batches alternating (mixed);
	 * label 1: 80 cells on a path, first half batch 0, second half batch 1 (separated);
	 * label 2: 9 cells (skipped); label 3: 30 cells of one batch (skipped);
	 * label 4: two separate 12-cell paths (components < 3 k0 = 30: acceptance 0);
	 * label 5: 10 cells (scored by scib-metrics, unlike scib);
	 * label 6: two 40-cell paths, alternating, and a 25-cell path of batch 1: k0 = 13, the
	 * 40-cell components (>= 39) hold 76 % of the label and are scored on their own. */
	enum { N = 80 + 80 + 9 + 30 + 24 + 10 + 105 };
	double *a = calloc((size_t)N * N, sizeof(double));
	int32_t lab[N], bat[N];
	int o = 0;
	path_label(a, N, o, 80);
	for (int i = 0; i < 80; i++, o++) {
		lab[o] = 0;
		bat[o] = i % 2;
	}
	path_label(a, N, o, 80);
	for (int i = 0; i < 80; i++, o++) {
		lab[o] = 1;
		bat[o] = i >= 40;
	}
	path_label(a, N, o, 9);
	for (int i = 0; i < 9; i++, o++) {
		lab[o] = 2;
		bat[o] = i % 2;
	}
	path_label(a, N, o, 30);
	for (int i = 0; i < 30; i++, o++) {
		lab[o] = 3;
		bat[o] = 1;
	}
	path_label(a, N, o, 12);
	path_label(a, N, o + 12, 12);
	for (int i = 0; i < 24; i++, o++) {
		lab[o] = 4;
		bat[o] = i % 2;
	}
	path_label(a, N, o, 10);
	for (int i = 0; i < 10; i++, o++) {
		lab[o] = 5;
		bat[o] = i % 2;
	}
	path_label(a, N, o, 40);
	path_label(a, N, o + 40, 40);
	path_label(a, N, o + 80, 25);
	for (int i = 0; i < 105; i++, o++) {
		lab[o] = 6;
		bat[o] = i < 80 ? i % 2 : 1;
	}
	struct sc_csr g = to_csr(a, N);
	struct sc_kbet_sm_opts ko = { 0.05, 100, 1 };
	struct sc_kbet_sm_info info;
	double per[7], per2[7], sc, sc2;
	ok(sc_kbet_sm(&g, lab, 7, bat, 2, &ko, per, &info, &sc) == 0, "kbet on seven labels");
	ok(per[0] >= 0.95, "alternating batches along the path: acceptance %.3f >= 0.95", per[0]);
	ok(per[1] <= 0.4, "batch halves along the path: acceptance %.3f <= 0.4", per[1]);
	ok(isnan(per[2]), "9 cells: skipped");
	ok(isnan(per[3]), "one batch: skipped");
	is_near(per[4], 0, 0, "components too small for 3 k0: acceptance 0");
	is_near(per[5], 1, 0, "10 cells, balanced: scored, every cell accepted");
	ok(per[6] >= 0.95, "two large components kept, scored on their own: acceptance %.3f", per[6]);
	ok(info.labels_scored == 5 && info.fragmented == 1 && info.eig_failures == 0,
	   "info: 5 scored, 1 fragmented, no eigensolver failure");
	ok(info.n_comps_min == 9, "the 10-cell label lowers the diffusion components to 9 for the labels after it (%d)",
	   info.n_comps_min);
	is_near(sc, (per[0] + per[1] + per[4] + per[5] + per[6]) / 5, 1e-15, "score = mean over scored labels");
	ko.threads = 2;
	ok(sc_kbet_sm(&g, lab, 7, bat, 2, &ko, per2, NULL, &sc2) == 0 &&
		   memcmp(per, per2, sizeof per) == 0 && sc == sc2,
	   "two threads: identical per-label values");
	int32_t lab9[N];
	for (int i = 0; i < N; i++)
		lab9[i] = lab[i] == 2 ? 0 : 1;
	int32_t one[N];
	for (int i = 0; i < N; i++)
		one[i] = 0;
	ok(sc_kbet_sm(&g, lab9, 2, one, 1, &ko, NULL, NULL, &sc2) == 0 && isnan(sc2),
	   "every label skipped: NaN");
	free_csr(&g);
	free(a);
}

int main(void)
{
	acceptance_cases();
	diffmap_case();
	label_cases();
	return tap_done();
}
