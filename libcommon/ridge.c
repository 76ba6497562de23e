/* Ridge regression by Cholesky, primal or dual like scikit-learn's _solve_cholesky(_kernel). */
#include "ridge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

/* Solve A Z = B in place (A p x p SPD, overwritten by its factor; B p x m -> Z). */
static int chol_solve(double *A, int64_t p, double *B, int64_t m)
{
	for (int64_t j = 0; j < p; j++) {
		double s = A[j * p + j];
		for (int64_t k = 0; k < j; k++)
			s -= A[j * p + k] * A[j * p + k];
		if (!(s > 0))
			return sc_seterr(SC_EINPUT, "ridge system is not positive definite");
		A[j * p + j] = sqrt(s);
		for (int64_t i = j + 1; i < p; i++) {
			double t = A[i * p + j];
			for (int64_t k = 0; k < j; k++)
				t -= A[i * p + k] * A[j * p + k];
			A[i * p + j] = t / A[j * p + j];
		}
	}
	for (int64_t c = 0; c < m; c++) {
		for (int64_t i = 0; i < p; i++) { /* L y = b */
			double t = B[i * m + c];
			for (int64_t k = 0; k < i; k++)
				t -= A[i * p + k] * B[k * m + c];
			B[i * m + c] = t / A[i * p + i];
		}
		for (int64_t i = p - 1; i >= 0; i--) { /* L^T z = y */
			double t = B[i * m + c];
			for (int64_t k = i + 1; k < p; k++)
				t -= A[k * p + i] * B[k * m + c];
			B[i * m + c] = t / A[i * p + i];
		}
	}
	return 0;
}

int sc_ridge_fit(const double *X, int64_t n, int64_t d, const double *Y, int64_t m, double alpha,
		 double *W, double *b)
{
	int ret = SC_ENOMEM, dual = d > n;
	int64_t p = dual ? n : d;
	double *xm = sc_calloc((size_t)d, sizeof(*xm)), *ym = sc_calloc((size_t)m, sizeof(*ym));
	double *Xc = sc_malloc((size_t)n, (size_t)d * sizeof(double));
	double *Yc = sc_malloc((size_t)n, (size_t)m * sizeof(double));
	double *A = sc_calloc((size_t)p, (size_t)p * sizeof(double));
	double *B = sc_calloc((size_t)p, (size_t)m * sizeof(double));
	if (!xm || !ym || !Xc || !Yc || !A || !B || n < 1)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < d; j++)
			xm[j] += X[i * d + j];
		for (int64_t c = 0; c < m; c++)
			ym[c] += Y[i * m + c];
	}
	for (int64_t j = 0; j < d; j++)
		xm[j] /= n;
	for (int64_t c = 0; c < m; c++)
		ym[c] /= n;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < d; j++)
			Xc[i * d + j] = X[i * d + j] - xm[j];
		for (int64_t c = 0; c < m; c++)
			Yc[i * m + c] = Y[i * m + c] - ym[c];
	}
	if (!dual) { /* A = Xc^T Xc + alpha I, B = Xc^T Yc */
		for (int64_t i = 0; i < n; i++)
			for (int64_t a = 0; a < d; a++) {
				double xa = Xc[i * d + a];
				for (int64_t c = 0; c < d; c++)
					A[a * d + c] += xa * Xc[i * d + c];
				for (int64_t c = 0; c < m; c++)
					B[a * m + c] += xa * Yc[i * m + c];
			}
	} else { /* A = Xc Xc^T + alpha I, B = Yc */
		for (int64_t i = 0; i < n; i++)
			for (int64_t k = 0; k < n; k++) {
				double s = 0;
				for (int64_t j = 0; j < d; j++)
					s += Xc[i * d + j] * Xc[k * d + j];
				A[i * n + k] = s;
			}
		memcpy(B, Yc, (size_t)n * (size_t)m * sizeof(double));
	}
	for (int64_t a = 0; a < p; a++)
		A[a * p + a] += alpha;
	if ((ret = chol_solve(A, p, B, m)) < 0)
		goto out;
	if (!dual) {
		memcpy(W, B, (size_t)d * (size_t)m * sizeof(double));
	} else { /* W = Xc^T B */
		memset(W, 0, (size_t)d * (size_t)m * sizeof(double));
		for (int64_t i = 0; i < n; i++)
			for (int64_t j = 0; j < d; j++)
				for (int64_t c = 0; c < m; c++)
					W[j * m + c] += Xc[i * d + j] * B[i * m + c];
	}
	for (int64_t c = 0; c < m; c++) {
		double s = ym[c];
		for (int64_t j = 0; j < d; j++)
			s -= xm[j] * W[j * m + c];
		b[c] = s;
	}
	ret = 0;
out:
	free(xm);
	free(ym);
	free(Xc);
	free(Yc);
	free(A);
	free(B);
	return ret;
}

void sc_ridge_predict(const double *X, int64_t n, int64_t d, const double *W, const double *b,
		      int64_t m, double *out)
{
	for (int64_t i = 0; i < n; i++)
		for (int64_t c = 0; c < m; c++) {
			double s = b[c];
			for (int64_t j = 0; j < d; j++)
				s += X[i * d + j] * W[j * m + c];
			out[i * m + c] = s;
		}
}
