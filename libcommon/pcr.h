/* Principal-component regression (scib pcr / pc_regression, scib-metrics
 * principal_component_regression): the share of an embedding's variance explained by a
 * categorical covariate, through its principal components:
 *   PCR = sum_i R^2(PC_i ~ covariate) Var_i / sum_i Var_i,
 * with R^2 of a one-hot covariate = between-group over total sum of squares (one-way ANOVA),
 * and Var_i = s_i^2 / (n - 1). The PCA is exact (eigen-decomposition of the d x d covariance,
 * float64, LAPACK dsyevr) and keeps the n_comps largest components. */
#ifndef PCR_H
#define PCR_H

#include <stdint.h>

#include "sc_err.h"

/* x: n x d float32; cov: n codes in [0, n_cov). n_comps <= 0 means min(n, d). */
int sc_pcr(const float *x, int64_t n, int64_t d, const int32_t *cov, int32_t n_cov,
	   int64_t n_comps, double *out) SC_RESULT_USED;

/* scib pcr_comparison, scaled: (pre - post) / pre, 0 when negative; NaN when pre == 0. */
double sc_pcr_comparison(double pre, double post);

#endif
