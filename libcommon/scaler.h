/* StandardScaler (scikit-learn): per-feature population standard deviation (ddof = 0) fitted
 * on a subset of rows; zero variance scales by 1. with_mean also subtracts the mean. */
#ifndef SCALER_H
#define SCALER_H

#include <stdint.h>

/* Fit on rows[0..nr) of the n x d row-major matrix X (rows NULL = all n rows): mean and
 * scale (caller-allocated, d each). Accumulates in float64 (two passes). */
void sc_scaler_fit(const float *X, int64_t d, const int64_t *rows, int64_t nr, double *mean,
		   double *scale);
/* out[r][j] = (X[rows[r]][j] - (with_mean ? mean[j] : 0)) / scale[j], as float64. */
void sc_scaler_transform(const float *X, int64_t d, const int64_t *rows, int64_t nr,
			 const double *mean, const double *scale, int with_mean, double *out);

#endif
