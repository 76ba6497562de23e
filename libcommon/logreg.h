/* L2-penalised logistic regression as scikit-learn 1.2.1 fits it with lbfgs:
 *   minimise  sum_i CE(softmax(W x_i + b), y_i) + ||W||^2 / (2C)
 * (the intercept is not penalised), multinomial with K weight vectors when K > 2 and a single
 * logistic vector for class 1 when K = 2, started at zero, optimised by lbfgs.h with gtol = tol.
 * Inputs are float64 row-major n x d. */
#ifndef LOGREG_H
#define LOGREG_H

#include <stdint.h>

#include "sc_err.h"

struct sc_logreg {
	int d, k;      /* features, classes (>= 2) */
	double *w;     /* rows = (k == 2 ? 1 : k), each d weights then the intercept */
	int n_iter;    /* L-BFGS iterations done */
	int converged; /* 1 when stopped by tolerance, 0 at max_iter or a line-search failure */
};
#define SC_LOGREG_INIT { 0, 0, NULL, 0, 0 }

struct sc_logreg_opts {
	double C;     /* inverse penalty (1.0) */
	int max_iter; /* 100 (czbenchmarks) or 1000 (scModelForge) */
	double tol;   /* 1e-4 */
	int threads;  /* for the per-row softmax; results do not depend on it */
};

/* Fit on n rows of X with codes y in [0, k). */
int sc_logreg_fit(const double *X, int64_t n, int d, const int32_t *y, int k,
		  const struct sc_logreg_opts *o, struct sc_logreg *m) SC_RESULT_USED;
/* Class probabilities, n x k (softmax, or [1-s, s] for two classes). */
int sc_logreg_predict_proba(const struct sc_logreg *m, const double *X, int64_t n, double *proba)
	SC_RESULT_USED;
/* The objective and its gradient at w (for tests): rows as in struct sc_logreg. */
int sc_logreg_loss_grad(const double *X, int64_t n, int d, const int32_t *y, int k, double C,
			const double *w, double *f, double *g) SC_RESULT_USED;
void sc_logreg_release(struct sc_logreg *m);
/* The objective and gradient run on a fused AVX2+FMA kernel (3 to 32 classes) when the CPU has
 * it, else on BLAS; both give the same values up to rounding. on = 0 forces BLAS, 1 asks for
 * the kernel (still only where supported), -1 restores the default. Returns the previous
 * setting (1 = kernel). Not thread-safe: for tests and benchmarks. */
int sc_logreg_use_simd(int on);

#endif
