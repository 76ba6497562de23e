/* The sparse symmetric eigensolver on matrices whose spectrum is known or checkable. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eigsh.h"
#include "tap.h"

void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	     const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	     const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	     double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t,
	     size_t, size_t);

struct coo {
	int64_t n, nnz, cap;
	int64_t *ptr;
	int32_t *col;
	double *val;
};

/* Build a CSR from a row-major callback-free triplet list (rows in order). */
static void csr_begin(struct coo *c, int64_t n, int64_t cap)
{
	c->n = n;
	c->nnz = 0;
	c->cap = cap;
	c->ptr = calloc((size_t)n + 1, sizeof(int64_t));
	c->col = malloc(sizeof(int32_t) * (size_t)cap);
	c->val = malloc(sizeof(double) * (size_t)cap);
}

static void csr_put(struct coo *c, int64_t i, int64_t j, double v)
{
	c->col[c->nnz] = (int32_t)j;
	c->val[c->nnz++] = v;
	c->ptr[i + 1] = c->nnz;
}

static void csr_end(struct coo *c)
{
	for (int64_t i = 1; i <= c->n; i++)
		if (c->ptr[i] < c->ptr[i - 1])
			c->ptr[i] = c->ptr[i - 1];
}

static void csr_free(struct coo *c)
{
	free(c->ptr);
	free(c->col);
	free(c->val);
}

/* max over returned pairs of ||A v - lambda v|| / max(|lambda|, 1e-300) and of |v'v - 1| */
static double residual(struct coo *c, const double *ev, const double *V, int k, double *orth)
{
	struct sc_eigsh_csr op = { c->n, c->ptr, c->col, c->val };
	double *y = malloc(sizeof(double) * (size_t)c->n), worst = 0;
	*orth = 0;
	for (int t = 0; t < k; t++) {
		const double *v = V + (size_t)t * (size_t)c->n;
		sc_eigsh_csr_op(&op, v, y);
		double r = 0;
		for (int64_t i = 0; i < c->n; i++)
			r += (y[i] - ev[t] * v[i]) * (y[i] - ev[t] * v[i]);
		r = sqrt(r) / (fabs(ev[t]) > 1e-300 ? fabs(ev[t]) : 1e-300);
		if (r > worst)
			worst = r;
		for (int u = 0; u <= t; u++) {
			const double *w = V + (size_t)u * (size_t)c->n;
			double d = 0;
			for (int64_t i = 0; i < c->n; i++)
				d += v[i] * w[i];
			d = fabs(d - (u == t));
			if (d > *orth)
				*orth = d;
		}
	}
	free(y);
	return worst;
}

static int solve(struct coo *c, int k, int ncv, double *ev, double *V, struct sc_eigsh_info *info)
{
	struct sc_eigsh_csr op = { c->n, c->ptr, c->col, c->val };
	struct sc_eigsh_opts o;
	sc_eigsh_defaults(&o);
	o.ncv = ncv;
	return sc_eigsh_lm(sc_eigsh_csr_op, &op, c->n, k, &o, ev, V, info);
}

static void diagonal_case(void)
{
	enum { N = 1000, K = 6 };
	struct coo c;
	double ev[K], *V = malloc(sizeof(double) * N * K), orth;
	struct sc_eigsh_info info;
	csr_begin(&c, N, N);
	/* entries i/N and one -0.9965: the largest magnitudes are 0.999, 0.998, 0.997, -0.9965, ... */
	for (int i = 0; i < N; i++)
		csr_put(&c, i, i, i == 17 ? -0.9965 : (double)i / N);
	csr_end(&c);
	ok(solve(&c, K, 0, ev, V, &info) == 0, "diagonal: converged (%d sweeps, %lld matvecs)",
	   info.restarts, (long long)info.matvecs);
	double want[K] = { 0.999, 0.998, 0.997, 0.996, 0.995, -0.9965 };
	for (int t = 0; t < K; t++)
		is_near(ev[t], want[t], 1e-12, "diagonal: eigenvalue %d", t);
	is_near(fabs(V[999]), 1, 1e-9, "diagonal: the first vector is e_999");
	ok(residual(&c, ev, V, K, &orth) < 1e-9 && orth < 1e-12, "diagonal: residuals and orthonormality");
	csr_free(&c);
	free(V);
}

/* Path-graph Laplacian: eigenvalues 2 - 2 cos(pi j / n), j = 0..n-1. */
static void path_case(void)
{
	enum { N = 400, K = 5 };
	struct coo c;
	double ev[K], *V = malloc(sizeof(double) * N * K), orth;
	struct sc_eigsh_info info;
	csr_begin(&c, N, 3 * N);
	for (int i = 0; i < N; i++) {
		int deg = (i > 0) + (i < N - 1);
		if (i > 0)
			csr_put(&c, i, i - 1, -1);
		csr_put(&c, i, i, deg);
		if (i < N - 1)
			csr_put(&c, i, i + 1, -1);
	}
	csr_end(&c);
	int r = solve(&c, K, 40, ev, V, &info);
	ok(r == 0, "path Laplacian: converged (%d sweeps, %lld matvecs)", info.restarts,
	   (long long)info.matvecs);
	for (int t = 0; t < K; t++)
		is_near(ev[t], 2 - 2 * cos(M_PI * (N - 1 - t) / N), 1e-10, "path Laplacian: eigenvalue %d", t);
	ok(residual(&c, ev, V, K, &orth) < 1e-9 && orth < 1e-10, "path Laplacian: residuals and orthonormality");
	csr_free(&c);
	free(V);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 33;
}

/* A random sparse symmetric matrix against the dense LAPACK spectrum. */
static void random_case(void)
{
	enum { N = 600, K = 20, PER = 6 };
	double *A = calloc((size_t)N * N, sizeof(double));
	uint64_t s = 42;
	for (int i = 0; i < N; i++)
		for (int t = 0; t < PER; t++) {
			int j = (int)(lcg(&s) % N);
			double v = (double)(lcg(&s) % 2001) / 1000.0 - 1.0;
			A[(size_t)i * N + j] += v;
			A[(size_t)j * N + i] += v;
		}
	struct coo c;
	csr_begin(&c, N, N * 2 * PER + N);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (A[(size_t)i * N + j] != 0)
				csr_put(&c, i, j, A[(size_t)i * N + j]);
	csr_end(&c);
	double ev[K], *V = malloc(sizeof(double) * N * K), orth;
	struct sc_eigsh_info info;
	ok(solve(&c, K, 0, ev, V, &info) == 0, "random sparse: converged (%d sweeps, %lld matvecs)",
	   info.restarts, (long long)info.matvecs);
	/* dense reference: all eigenvalues, ranked by magnitude */
	int n = N, m, info2, lwork = -1, liwork = -1, iw, il = 1, iu = N;
	double wq, vl = 0, vu = 0, abstol = 0, *w = malloc(sizeof(double) * N);
	double *z = malloc(sizeof(double) * N * N);
	int *isuppz = malloc(sizeof(int) * 2 * N);
	dsyevr_("V", "A", "U", &n, A, &n, &vl, &vu, &il, &iu, &abstol, &m, w, z, &n, isuppz, &wq,
		&lwork, &iw, &liwork, &info2, 1, 1, 1);
	lwork = (int)wq;
	liwork = iw;
	double *work = malloc(sizeof(double) * (size_t)lwork);
	int *iwork = malloc(sizeof(int) * (size_t)liwork);
	dsyevr_("V", "A", "U", &n, A, &n, &vl, &vu, &il, &iu, &abstol, &m, w, z, &n, isuppz, work,
		&lwork, iwork, &liwork, &info2, 1, 1, 1);
	ok(info2 == 0, "dsyevr reference");
	/* the K largest magnitudes from the ascending list: take from both ends */
	double ref[K];
	int lo = 0, hi = N - 1;
	for (int t = 0; t < K; t++)
		ref[t] = fabs(w[hi]) >= fabs(w[lo]) ? w[hi--] : w[lo++];
	/* ours are in decreasing algebraic order; sort ref the same way */
	for (int i = 1; i < K; i++)
		for (int j = i; j > 0 && ref[j - 1] < ref[j]; j--) {
			double t = ref[j];
			ref[j] = ref[j - 1];
			ref[j - 1] = t;
		}
	double worst = 0;
	for (int t = 0; t < K; t++)
		if (fabs(ev[t] - ref[t]) > worst)
			worst = fabs(ev[t] - ref[t]);
	ok(worst < 1e-10, "random sparse: the %d largest |lambda| match dsyevr (max diff %.3g)", K, worst);
	ok(ev[0] > 0 && ev[K - 1] < 0, "random sparse: both ends of the spectrum are selected");
	ok(residual(&c, ev, V, K, &orth) < 1e-9 && orth < 1e-10, "random sparse: residuals and orthonormality");
	free(work);
	free(iwork);
	free(w);
	free(z);
	free(isuppz);
	free(A);
	free(V);
	csr_free(&c);
}

/* Lazy random walk (I + D^-1/2 A D^-1/2) / 2 on B copies of a P-node path: eigenvalue 1 has
 * multiplicity B, and so has every other eigenvalue (1 + cos(pi j / (P - 1))) / 2. */
static void multiplicity_case(void)
{
	enum { B = 10, P = 30, N = B * P, K = 13 };
	struct coo c;
	csr_begin(&c, N, 3 * N);
	for (int i = 0; i < N; i++) {
		int p = i % P;
		double di = (p > 0) + (p < P - 1);
		if (p > 0)
			csr_put(&c, i, i - 1, 0.5 / sqrt(di * ((p - 1 > 0) + 1)));
		csr_put(&c, i, i, 0.5);
		if (p < P - 1)
			csr_put(&c, i, i + 1, 0.5 / sqrt(di * ((p + 1 < P - 1) + 1)));
	}
	csr_end(&c);
	double ev[K], *V = malloc(sizeof(double) * N * K), orth;
	struct sc_eigsh_info info;
	ok(solve(&c, K, 60, ev, V, &info) == 0, "multiplicity: converged (%d sweeps, %lld matvecs)",
	   info.restarts, (long long)info.matvecs);
	int ones = 0;
	for (int t = 0; t < B; t++)
		ones += fabs(ev[t] - 1) < 1e-10;
	ok(ones == B, "multiplicity: eigenvalue 1 found %d times (want %d)", ones, B);
	double second = (1 + cos(M_PI / (P - 1))) / 2;
	for (int t = B; t < K; t++)
		is_near(ev[t], second, 1e-10, "multiplicity: next eigenvalue %d = (1 + cos(pi/29))/2", t);
	ok(residual(&c, ev, V, K, &orth) < 1e-9 && orth < 1e-10, "multiplicity: residuals and orthonormality");
	csr_free(&c);
	free(V);
}

/* A cluster just below 1 (gaps 1e-4) above a spread spectrum. */
static void cluster_case(void)
{
	enum { N = 2000, K = 5 };
	struct coo c;
	csr_begin(&c, N, N);
	for (int i = 0; i < N; i++)
		csr_put(&c, i, i, i < 5 ? 1 - 1e-4 * i : 0.9 * (double)i / N);
	csr_end(&c);
	double ev[K], *V = malloc(sizeof(double) * N * K), orth;
	struct sc_eigsh_info info;
	int r = solve(&c, K, 0, ev, V, &info);
	ok(r == 0, "cluster near 1: converged (%d sweeps, %lld matvecs)", info.restarts,
	   (long long)info.matvecs);
	for (int t = 0; t < K; t++)
		is_near(ev[t], 1 - 1e-4 * t, 1e-12, "cluster near 1: eigenvalue %d", t);
	ok(residual(&c, ev, V, K, &orth) < 1e-9 && orth < 1e-10, "cluster near 1: residuals and orthonormality");
	csr_free(&c);
	free(V);
}

static void small_and_bad_case(void)
{
	/* dense path: 3 x 3 [[2,1,0],[1,2,0],[0,0,-5]]: eigenvalues 3, 1, -5 */
	struct coo c;
	csr_begin(&c, 3, 9);
	csr_put(&c, 0, 0, 2);
	csr_put(&c, 0, 1, 1);
	csr_put(&c, 1, 0, 1);
	csr_put(&c, 1, 1, 2);
	csr_put(&c, 2, 2, -5);
	csr_end(&c);
	double ev[2], V[6];
	ok(solve(&c, 2, 0, ev, V, NULL) == 0, "3 x 3: solved densely");
	is_near(ev[0], 3, 1e-14, "3 x 3: 3 first (decreasing algebraic order)");
	is_near(ev[1], -5, 1e-14, "3 x 3: then -5 (|-5| > |1|)");
	is_near(fabs(V[3 + 2]), 1, 1e-14, "3 x 3: the -5 vector is e_3");
	ok(solve(&c, 3, 0, ev, V, NULL) == SC_EUSAGE, "k = n is refused");
	ok(solve(&c, 0, 0, ev, V, NULL) == SC_EUSAGE, "k = 0 is refused");
	csr_free(&c);
}

static void deterministic_case(void)
{
	enum { N = 500, K = 8 };
	struct coo c;
	csr_begin(&c, N, 3 * N);
	for (int i = 0; i < N; i++) {
		if (i > 0)
			csr_put(&c, i, i - 1, 0.3 + 0.001 * (i % 7));
		csr_put(&c, i, i, sin(i));
		if (i < N - 1)
			csr_put(&c, i, i + 1, 0.3 + 0.001 * ((i + 1) % 7));
	}
	csr_end(&c);
	double e1[K], e2[K], *V1 = malloc(sizeof(double) * N * K), *V2 = malloc(sizeof(double) * N * K);
	ok(solve(&c, K, 0, e1, V1, NULL) == 0 && solve(&c, K, 0, e2, V2, NULL) == 0, "two solves");
	ok(memcmp(e1, e2, sizeof e1) == 0 && memcmp(V1, V2, sizeof(double) * N * K) == 0,
	   "same seed: bit-identical eigenpairs");
	csr_free(&c);
	free(V1);
	free(V2);
}

int main(void)
{
	diagonal_case();
	path_case();
	random_case();
	multiplicity_case();
	cluster_case();
	small_and_bad_case();
	deterministic_case();
	return tap_done();
}
