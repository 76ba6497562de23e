/* Thick-restart Lanczos for the largest-magnitude eigenpairs (see eigsh.h). */
#include "eigsh.h"

#include <cblas.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	     const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	     const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	     double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t,
	     size_t, size_t);

void sc_eigsh_defaults(struct sc_eigsh_opts *o)
{
	o->ncv = 0;
	o->max_restarts = 1000;
	o->tol = 1e-10;
	o->seed = 0x5eed;
}

void sc_eigsh_csr_op(void *ctx, const double *x, double *y)
{
	const struct sc_eigsh_csr *a = ctx;
	for (int64_t i = 0; i < a->n; i++) {
		/* four independent sums: a single chain is bound by the add latency */
		double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		int64_t p = a->ptr[i], e = a->ptr[i + 1];
		for (; p + 4 <= e; p += 4) {
			s0 += a->val[p] * x[a->col[p]];
			s1 += a->val[p + 1] * x[a->col[p + 1]];
			s2 += a->val[p + 2] * x[a->col[p + 2]];
			s3 += a->val[p + 3] * x[a->col[p + 3]];
		}
		for (; p < e; p++)
			s0 += a->val[p] * x[a->col[p]];
		y[i] = (s0 + s1) + (s2 + s3);
	}
}

/* All eigenpairs of the symmetric n x n a (column-major, upper read; destroyed): w
 * ascending, z column-major. */
static int syev_all(double *a, int n, double *w, double *z)
{
	int m = 0, info = 0, lwork = -1, liwork = -1, iw, il = 1, iu = n, ret = SC_ENOMEM;
	double wq, vl = 0, vu = 0, abstol = 0;
	int *isuppz = sc_malloc((size_t)2 * (size_t)n, sizeof(int)), *iwork = NULL;
	double *work = NULL;
	if (!isuppz)
		goto out;
	dsyevr_("V", "A", "U", &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, z, &n, isuppz, &wq,
		&lwork, &iw, &liwork, &info, 1, 1, 1);
	if (info != 0) {
		ret = sc_seterr(SC_EINPUT, "eigsh: dsyevr workspace query failed (info %d)", info);
		goto out;
	}
	lwork = (int)wq;
	liwork = iw;
	work = sc_malloc((size_t)lwork, sizeof(double));
	iwork = sc_malloc((size_t)liwork, sizeof(int));
	if (!work || !iwork)
		goto out;
	dsyevr_("V", "A", "U", &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, z, &n, isuppz, work,
		&lwork, iwork, &liwork, &info, 1, 1, 1);
	ret = info == 0 && m == n ? 0
				  : sc_seterr(SC_EINPUT, "eigsh: dsyevr failed (info %d)", info);
out:
	free(isuppz);
	free(work);
	free(iwork);
	return ret;
}

/* ord[0..m) = indices of w by decreasing |w|, ties by decreasing w, then by index. */
static void rank_lm(const double *w, int m, int *ord)
{
	for (int i = 0; i < m; i++)
		ord[i] = i;
	for (int i = 1; i < m; i++) { /* insertion sort: m is small */
		int t = ord[i], j = i;
		while (j > 0) {
			int u = ord[j - 1];
			double x = fabs(w[t]), y = fabs(w[u]);
			int before = x > y || (x == y && (w[t] > w[u] || (w[t] == w[u] && t < u)));
			if (!before)
				break;
			ord[j] = u;
			j--;
		}
		ord[j] = t;
	}
}

/* The first k of ord, re-ordered by decreasing algebraic value. */
static void sel_algebraic(const double *w, const int *ord, int k, int *sel)
{
	memcpy(sel, ord, sizeof(int) * (size_t)k);
	for (int i = 1; i < k; i++) {
		int t = sel[i], j = i;
		while (j > 0 && (w[sel[j - 1]] < w[t] || (w[sel[j - 1]] == w[t] && sel[j - 1] > t))) {
			sel[j] = sel[j - 1];
			j--;
		}
		sel[j] = t;
	}
}

int sc_eigsh_dense_lm(double *a, int64_t n, int k, double *evals, double *evecs)
{
	if (n < 1 || n > 46340 || k < 1 || k > n)
		return sc_seterr(SC_EUSAGE, "eigsh: bad dense size n = %lld, k = %d", (long long)n, k);
	int nn = (int)n, ret = SC_ENOMEM;
	double *w = sc_malloc((size_t)n, sizeof(double));
	double *z = sc_malloc((size_t)n * (size_t)n, sizeof(double));
	int *ord = sc_malloc((size_t)n, sizeof(int)), *sel = sc_malloc((size_t)k, sizeof(int));
	if (!w || !z || !ord || !sel)
		goto out;
	if ((ret = syev_all(a, nn, w, z)) < 0)
		goto out;
	rank_lm(w, nn, ord);
	sel_algebraic(w, ord, k, sel);
	for (int c = 0; c < k; c++) {
		evals[c] = w[sel[c]];
		memcpy(evecs + (size_t)c * (size_t)n, z + (size_t)sel[c] * (size_t)n,
		       sizeof(double) * (size_t)n);
	}
out:
	free(w);
	free(z);
	free(ord);
	free(sel);
	return ret;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void random_fill(double *v, int64_t n, uint64_t *s)
{
	for (int64_t i = 0; i < n; i++)
		v[i] = (double)(splitmix(s) >> 11) * 0x1.0p-52 - 1.0;
}

/* w -= V(:, 0..cols) V(:, 0..cols)' w by classical Gram-Schmidt, repeated when the pass
 * removed more than 1 - 1/sqrt(2) of w's norm (Daniel-Gragg-Kaufman-Stewart); the
 * coefficients go into h (may be NULL). Returns ||w|| afterwards. */
static double cgs2(const double *V, int64_t n, int cols, double *w, double *h, double *c)
{
	double before = cblas_dnrm2((int)n, w, 1), after = before;
	for (int pass = 0; pass < 3; pass++) {
		cblas_dgemv(CblasColMajor, CblasTrans, (int)n, cols, 1.0, V, (int)n, w, 1, 0.0, c, 1);
		cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, cols, -1.0, V, (int)n, c, 1, 1.0, w, 1);
		if (h)
			for (int i = 0; i < cols; i++)
				h[i] = pass ? h[i] + c[i] : c[i];
		after = cblas_dnrm2((int)n, w, 1);
		if (after > 0.7071067811865476 * before)
			break;
		before = after;
	}
	return after;
}

/* A random unit vector orthogonal to V(:, 0..cols) into w; 0, or 1 if none was found. */
static int inject(const double *V, int64_t n, int cols, double *w, double *c, uint64_t *s)
{
	for (int tries = 0; tries < 8; tries++) {
		random_fill(w, n, s);
		double before = cblas_dnrm2((int)n, w, 1);
		double nr = cols > 0 ? cgs2(V, n, cols, w, NULL, c) : before;
		if (nr > 1e-8 * before) {
			cblas_dscal((int)n, 1.0 / nr, w, 1);
			return 0;
		}
	}
	return 1;
}

static int dense_path(sc_eigsh_op op, void *ctx, int64_t n, int k, double *evals, double *evecs,
		      struct sc_eigsh_info *info)
{
	double *a = sc_malloc((size_t)n * (size_t)n, sizeof(double));
	double *e = sc_calloc((size_t)n, sizeof(double));
	int ret = SC_ENOMEM;
	if (!a || !e)
		goto out;
	for (int64_t j = 0; j < n; j++) {
		e[j] = 1;
		op(ctx, e, a + (size_t)j * (size_t)n);
		e[j] = 0;
	}
	for (int64_t j = 0; j < n; j++) /* symmetrise into the upper triangle */
		for (int64_t i = 0; i < j; i++)
			a[i + j * n] = 0.5 * (a[i + j * n] + a[j + i * n]);
	ret = sc_eigsh_dense_lm(a, n, k, evals, evecs);
	if (info) {
		info->restarts = 0;
		info->matvecs = n;
		info->nconv = ret == 0 ? k : 0;
		info->max_resid = 0;
	}
out:
	free(a);
	free(e);
	return ret;
}

int sc_eigsh_lm(sc_eigsh_op op, void *ctx, int64_t n, int k, const struct sc_eigsh_opts *o,
		double *evals, double *evecs, struct sc_eigsh_info *info)
{
	if (n < 2 || n > INT_MAX / 2 || k < 1 || k >= n)
		return sc_seterr(SC_EUSAGE, "eigsh: need 1 <= k < n (k = %d, n = %lld)", k, (long long)n);
	int64_t m64 = o->ncv > 0 ? o->ncv : (2 * k + 1 > 20 ? 2 * k + 1 : 20);
	if (m64 <= k)
		m64 = k + 1;
	if (n <= SC_EIGSH_DENSE_N || m64 >= n)
		return dense_path(op, ctx, n, k, evals, evecs, info);
	int m = (int)m64, l = 0, restarts = 0, nconv = 0, ret = SC_ENOMEM, fresh = 0, have_prev = 0;
	int64_t matvecs = 0;
	const double eps23 = pow(DBL_EPSILON, 2.0 / 3.0);
	double anorm = 0, betam = 0, maxres = 0;
	uint64_t rs = o->seed;
	double *V = sc_malloc((size_t)(m + 1), (size_t)n * sizeof(double));
	double *W = sc_malloc((size_t)m, (size_t)n * sizeof(double));
	double *H = sc_calloc((size_t)m * (size_t)m, sizeof(double));
	double *S = sc_malloc((size_t)m * (size_t)m, sizeof(double));
	double *Y = sc_malloc((size_t)m * (size_t)m, sizeof(double));
	double *th = sc_malloc((size_t)m, sizeof(double)), *prev = sc_malloc((size_t)k, sizeof(double));
	double *h = sc_malloc((size_t)m + 1, sizeof(double)), *c = sc_malloc((size_t)m + 1, sizeof(double));
	int *ord = sc_malloc((size_t)m, sizeof(int)), *sel = sc_malloc((size_t)k, sizeof(int));
	if (!V || !W || !H || !S || !Y || !th || !prev || !h || !c || !ord || !sel)
		goto out;
	if (inject(V, n, 0, V, c, &rs)) {
		ret = sc_seterr(SC_EINPUT, "eigsh: no start vector");
		goto out;
	}
	for (;;) {
		for (int j = l; j < m; j++) {
			double *vj = V + (size_t)j * (size_t)n, *w = vj + n;
			op(ctx, vj, w);
			matvecs++;
			double beta = cgs2(V, n, j + 1, w, h, c);
			for (int i = 0; i <= j; i++)
				H[i + (size_t)j * m] = H[j + (size_t)i * m] = h[i];
			double colnorm = fabs(h[j]) + beta;
			if (colnorm > anorm)
				anorm = colnorm;
			if (beta <= 1e-12 * anorm) { /* invariant subspace: continue elsewhere */
				if (inject(V, n, j + 1, w, c, &rs)) {
					ret = sc_seterr(SC_EINPUT, "eigsh: Krylov space exhausted");
					goto out;
				}
				beta = 0;
				fresh = 1;
			} else
				cblas_dscal((int)n, 1.0 / beta, w, 1);
			if (j + 1 < m)
				H[j + 1 + (size_t)j * m] = H[j + (size_t)(j + 1) * m] = beta;
			else
				betam = beta;
		}
		memcpy(S, H, sizeof(double) * (size_t)m * (size_t)m);
		if ((ret = syev_all(S, m, th, Y)) < 0)
			goto out;
		rank_lm(th, m, ord);
		nconv = 0;
		maxres = 0;
		for (int t = 0; t < k; t++) {
			int i = ord[t];
			double den = fabs(th[i]) > eps23 ? fabs(th[i]) : eps23;
			double rel = fabs(betam * Y[(m - 1) + (size_t)i * m]) / den;
			nconv += rel <= o->tol;
			if (rel > maxres)
				maxres = rel;
		}
		restarts++;
		/* After a breakdown the basis held an exact invariant subspace, where every Ritz pair
		 * has a zero residual although further copies of a repeated eigenvalue may be
		 * missing: stop only once a sweep from a fresh vector left the k best unchanged. */
		int same = have_prev;
		for (int t = 0; t < k && same; t++) {
			double a = fabs(th[ord[t]]), den = a > eps23 ? a : eps23;
			same = fabs(a - prev[t]) <= o->tol * den;
		}
		for (int t = 0; t < k; t++)
			prev[t] = fabs(th[ord[t]]);
		have_prev = 1;
		if ((nconv == k && (!fresh || same)) || restarts >= o->max_restarts)
			break;
		fresh = 0;
		/* Krylov-Schur restart: keep the wanted Ritz vectors plus some of the next ones
		 * (ARPACK's nev + min(nconv, np / 2)), then the residual direction. */
		l = k + (nconv < (m - k) / 2 ? nconv : (m - k) / 2);
		if (l > m - 1)
			l = m - 1;
		for (int t = 0; t < l; t++)
			memcpy(S + (size_t)t * m, Y + (size_t)ord[t] * m, sizeof(double) * (size_t)m);
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, l, m, 1.0, V, (int)n,
			    S, m, 0.0, W, (int)n);
		memcpy(V, W, sizeof(double) * (size_t)n * (size_t)l);
		memmove(V + (size_t)l * n, V + (size_t)m * n, sizeof(double) * (size_t)n);
		memset(H, 0, sizeof(double) * (size_t)m * (size_t)m);
		for (int t = 0; t < l; t++) {
			H[t + (size_t)t * m] = th[ord[t]];
			H[l + (size_t)t * m] = H[t + (size_t)l * m] = betam * Y[(m - 1) + (size_t)ord[t] * m];
		}
	}
	sel_algebraic(th, ord, k, sel);
	for (int t = 0; t < k; t++) {
		evals[t] = th[sel[t]];
		memcpy(S + (size_t)t * m, Y + (size_t)sel[t] * m, sizeof(double) * (size_t)m);
	}
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, k, m, 1.0, V, (int)n, S, m,
		    0.0, evecs, (int)n);
	ret = nconv == k ? 0 : 1;
out:
	if (info) {
		info->restarts = restarts;
		info->matvecs = matvecs;
		info->nconv = nconv;
		info->max_resid = maxres;
	}
	free(V);
	free(W);
	free(H);
	free(S);
	free(Y);
	free(th);
	free(prev);
	free(h);
	free(c);
	free(ord);
	free(sel);
	return ret;
}
