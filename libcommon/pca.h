/* Centred PCA by an exact truncated eigendecomposition of the covariance (LAPACK dsyevr on
 * OpenBLAS): the same subspace as scikit-learn's PCA (any exact solver; ARPACK's start vector
 * only affects convergence). Scores are X_c V (float32), signs fixed like sklearn's
 * svd_flip(u_based_decision=True): the largest-|score| entry of each component is positive.
 * variance_ratio = explained variance / total variance (both ddof = 1), as sklearn reports. */
#ifndef PCA_H
#define PCA_H

#include <stdint.h>

#include "sc_err.h"

/* X: n x h row-major float32, centred in place. k <= min(n - 1, h). scores: n x k.
 * ratio: k values. */
int sc_pca_run(float *X, int64_t n, int64_t h, int k, int threads, float *scores, double *ratio)
	SC_RESULT_USED;

#endif
