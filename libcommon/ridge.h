/* Ridge regression with an intercept (scikit-learn Ridge, solver "cholesky"): centre X and Y
 * by their column means, W = (Xc^T Xc + alpha I)^-1 Xc^T Yc (or the identical dual form
 * Xc^T (Xc Xc^T + alpha I)^-1 Yc when features outnumber samples), b = mean(Y) - mean(X) W.
 * Multi-output; float64. */
#ifndef RIDGE_H
#define RIDGE_H

#include <stdint.h>

#include "sc_err.h"

/* X: n x d, Y: n x m row-major. W: d x m, b: m (caller-allocated). */
int sc_ridge_fit(const double *X, int64_t n, int64_t d, const double *Y, int64_t m, double alpha,
		 double *W, double *b) SC_RESULT_USED;
/* out (n x m) = X W + b */
void sc_ridge_predict(const double *X, int64_t n, int64_t d, const double *W, const double *b,
		      int64_t m, double *out);

#endif
