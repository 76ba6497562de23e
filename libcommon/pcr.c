/* PCR on an exact PCA (see pcr.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "pcr.h"
#include "sc_alloc.h"

void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	     const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	     const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	     double *work, const int *lwork, int *iwork, const int *liwork, int *info);

/* Eigen-pairs of the symmetric d x d matrix a (column-major), ascending. */
static int eigen(double *a, int d, double *w, double *z)
{
	int m = 0, info = 0, lwork = -1, liwork = -1, il = 1, iu = d, iwq = 0;
	double vl = 0, vu = 0, abstol = 0, wq = 0;
	int *isuppz = sc_malloc((size_t)(2 * d), sizeof(int)), *iwork = NULL;
	double *work = NULL;
	int ret = SC_ENOMEM;
	if (!isuppz)
		goto out;
	dsyevr_("V", "A", "U", &d, a, &d, &vl, &vu, &il, &iu, &abstol, &m, w, z, &d, isuppz, &wq,
		&lwork, &iwq, &liwork, &info);
	lwork = (int)wq;
	liwork = iwq;
	work = sc_malloc((size_t)lwork, sizeof(double));
	iwork = sc_malloc((size_t)liwork, sizeof(int));
	if (!work || !iwork)
		goto out;
	dsyevr_("V", "A", "U", &d, a, &d, &vl, &vu, &il, &iu, &abstol, &m, w, z, &d, isuppz, work,
		&lwork, iwork, &liwork, &info);
	ret = info == 0 ? 0 : sc_seterr(SC_EINPUT, "pcr: eigen-decomposition failed (info %d)", info);
out:
	free(isuppz);
	free(work);
	free(iwork);
	return ret;
}

int sc_pcr(const float *x, int64_t n, int64_t d, const int32_t *cov, int32_t n_cov,
	   int64_t n_comps, double *out)
{
	int ret = SC_ENOMEM;
	double *xc = NULL, *c = NULL, *w = NULL, *z = NULL, *mu = NULL, *gs = NULL, *score = NULL;
	int64_t *gn = NULL;
	if (n < 2 || d < 1 || d > 100000)
		return sc_seterr(SC_EUSAGE, "pcr: need at least 2 cells and 1 to 100000 dimensions");
	if (n_comps <= 0 || n_comps > (n < d ? n : d))
		n_comps = n < d ? n : d;
	xc = sc_malloc((size_t)n, (size_t)d * sizeof(double));
	c = sc_malloc((size_t)d, (size_t)d * sizeof(double));
	z = sc_malloc((size_t)d, (size_t)d * sizeof(double));
	w = sc_malloc((size_t)d, sizeof(double));
	mu = sc_calloc((size_t)d, sizeof(double));
	gs = sc_malloc((size_t)n_cov, sizeof(double));
	gn = sc_calloc((size_t)n_cov, sizeof(int64_t));
	score = sc_malloc((size_t)n, sizeof(double));
	if (!xc || !c || !z || !w || !mu || !gs || !gn || !score)
		goto out;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < d; j++)
			mu[j] += x[i * d + j];
	for (int64_t j = 0; j < d; j++)
		mu[j] /= (double)n;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < d; j++)
			xc[i * d + j] = x[i * d + j] - mu[j];
		gn[cov[i]]++;
	}
	/* c = xc^T xc / (n - 1), column-major = row-major for a symmetric matrix */
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)n, 1.0 / (double)(n - 1), xc,
		    (int)d, 0.0, c, (int)d);
	for (int64_t a = 0; a < d; a++)
		for (int64_t b = 0; b < a; b++)
			c[a * d + b] = c[b * d + a];
	ret = eigen(c, (int)d, w, z);
	if (ret < 0)
		goto out;
	double num = 0, den = 0;
	for (int64_t k = 0; k < n_comps; k++) {
		int64_t e = d - 1 - k; /* descending */
		const double *v = z + e * d;
		double tss = 0, ssb = 0;
		memset(gs, 0, sizeof(double) * (size_t)n_cov);
		for (int64_t i = 0; i < n; i++) {
			double s = 0;
			for (int64_t j = 0; j < d; j++)
				s += xc[i * d + j] * v[j];
			score[i] = s;
			gs[cov[i]] += s;
			tss += s * s; /* the scores have mean 0 */
		}
		for (int32_t g = 0; g < n_cov; g++)
			if (gn[g] > 0)
				ssb += gs[g] * gs[g] / (double)gn[g];
		double r2 = tss > 0 ? ssb / tss : 0, var = w[e] > 0 ? w[e] : 0;
		if (r2 < 0)
			r2 = 0;
		num += r2 * var;
		den += var;
	}
	*out = den > 0 ? num / den : NAN;
	ret = 0;
out:
	free(xc);
	free(c);
	free(z);
	free(w);
	free(mu);
	free(gs);
	free(gn);
	free(score);
	return ret;
}

double sc_pcr_comparison(double pre, double post)
{
	if (pre == 0 || isnan(pre) || isnan(post))
		return NAN;
	double s = (pre - post) / pre;
	return s < 0 ? 0 : s;
}
