/* StandardScaler fit and transform in float64. */
#include "scaler.h"

#include <math.h>
#include <string.h>

void sc_scaler_fit(const float *X, int64_t d, const int64_t *rows, int64_t nr, double *mean,
		   double *scale)
{
	memset(mean, 0, (size_t)d * sizeof(*mean));
	memset(scale, 0, (size_t)d * sizeof(*scale));
	for (int64_t r = 0; r < nr; r++) {
		const float *x = X + (rows ? rows[r] : r) * d;
		for (int64_t j = 0; j < d; j++)
			mean[j] += x[j];
	}
	for (int64_t j = 0; j < d; j++)
		mean[j] /= (double)nr;
	for (int64_t r = 0; r < nr; r++) {
		const float *x = X + (rows ? rows[r] : r) * d;
		for (int64_t j = 0; j < d; j++) {
			double t = x[j] - mean[j];
			scale[j] += t * t;
		}
	}
	for (int64_t j = 0; j < d; j++) {
		double v = scale[j] / (double)nr;
		/* sklearn _is_constant_feature: var <= n*eps*var + (n*mean*eps)^2 keeps scale 1 */
		double eps = 2.220446049250313e-16, nm = (double)nr * mean[j] * eps;
		scale[j] = v <= (double)nr * eps * v + nm * nm ? 1.0 : sqrt(v);
	}
}

void sc_scaler_transform(const float *X, int64_t d, const int64_t *rows, int64_t nr,
			 const double *mean, const double *scale, int with_mean, double *out)
{
	for (int64_t r = 0; r < nr; r++) {
		const float *x = X + (rows ? rows[r] : r) * d;
		double *o = out + r * d;
		for (int64_t j = 0; j < d; j++)
			o[j] = ((double)x[j] - (with_mean ? mean[j] : 0.0)) / scale[j];
	}
}
