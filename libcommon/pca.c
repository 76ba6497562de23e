/* PCA: covariance by blocked float32 SYRK accumulated in float64, top-k eigenpairs by dsyevr. */
#include "pca.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_opts.h"

#define RB 2048 /* rows per float32 SYRK block */

void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	     const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	     const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
	     double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t,
	     size_t, size_t);

struct syrk_job {
	const float *X;
	int64_t n, h;
	int64_t b0, nblk; /* blocks b0 .. b0+nblk-1 of this round */
	float *buf;       /* nblk x h x h */
	int next;
	pthread_mutex_t lock;
};

static void *syrk_worker(void *arg)
{
	struct syrk_job *J = arg;
	for (;;) {
		pthread_mutex_lock(&J->lock);
		int b = J->next++;
		pthread_mutex_unlock(&J->lock);
		if (b >= J->nblk)
			break;
		int64_t r0 = (J->b0 + b) * RB;
		int nb = (int)(J->n - r0 < RB ? J->n - r0 : RB);
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)J->h, nb, 1.0f,
			    J->X + r0 * J->h, (int)J->h, 0.0f, J->buf + (size_t)b * J->h * J->h,
			    (int)J->h);
	}
	return NULL;
}

/* C (float64, upper triangle) = sum over row blocks of the float32 block products, added in
 * block order so the result does not depend on the thread count */
static int covariance(const float *X, int64_t n, int64_t h, int threads, double *C)
{
	int nth = threads < 1 ? 1 : threads;
	int64_t nblocks = (n + RB - 1) / RB;
	float *buf = sc_malloc((size_t)nth * (size_t)h, (size_t)h * sizeof(float));
	pthread_t th[64];
	if (nth > 64)
		nth = 64;
	if (!buf)
		return SC_ENOMEM;
	for (int64_t b0 = 0; b0 < nblocks; b0 += nth) {
		struct syrk_job J = { X, n, h, b0, nblocks - b0 < nth ? nblocks - b0 : nth, buf, 0,
				      PTHREAD_MUTEX_INITIALIZER };
		int started = 0;
		for (; started < J.nblk && started < nth; started++)
			if (pthread_create(&th[started], NULL, syrk_worker, &J))
				break;
		if (started == 0)
			syrk_worker(&J);
		for (int t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		for (int64_t b = 0; b < J.nblk; b++) {
			const float *Cb = buf + (size_t)b * h * h;
			for (int64_t a = 0; a < h; a++)
				for (int64_t c = a; c < h; c++)
					C[a * h + c] += Cb[a * h + c];
		}
	}
	free(buf);
	return 0;
}

struct proj_job {
	const float *X, *V;
	float *S;
	int64_t n, h;
	int k, next;
	pthread_mutex_t lock;
};

static void *proj_worker(void *arg)
{
	struct proj_job *J = arg;
	for (;;) {
		pthread_mutex_lock(&J->lock);
		int64_t r0 = (int64_t)J->next++ * RB;
		pthread_mutex_unlock(&J->lock);
		if (r0 >= J->n)
			break;
		int nb = (int)(J->n - r0 < RB ? J->n - r0 : RB);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, J->k, (int)J->h, 1.0f,
			    J->X + r0 * J->h, (int)J->h, J->V, J->k, 0.0f, J->S + r0 * J->k, J->k);
	}
	return NULL;
}

/* scores = X V by row blocks, one single-threaded GEMM per block */
static void project(const float *X, int64_t n, int64_t h, const float *V, int k, int threads,
		    float *S)
{
	int nth = threads < 1 ? 1 : threads > 64 ? 64 : threads, started = 0;
	pthread_t th[64];
	struct proj_job J = { X, V, S, n, h, k, 0, PTHREAD_MUTEX_INITIALIZER };
	for (; started < nth; started++)
		if (pthread_create(&th[started], NULL, proj_worker, &J))
			break;
	if (started == 0)
		proj_worker(&J);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
}

int sc_pca_run(float *X, int64_t n, int64_t h, int k, int threads, float *scores, double *ratio)
{
	int ret = SC_ENOMEM, hn = (int)h, m = 0, info = 0, il, iu, lwork = -1, liwork = -1, iwq;
	double *mean = NULL, *C = NULL, *w = NULL, *Z = NULL, *work = NULL, wq, total = 0;
	float *V = NULL;
	int *isuppz = NULL, *iwork = NULL;
	double vl = 0, vu = 0, abstol = 0;

	if (k < 1 || k > h || k > n - 1 || h > 46340)
		return sc_seterr(SC_EINPUT, "cannot take %d components of %lld cells x %lld genes",
				 k, (long long)n, (long long)h);
	mean = sc_calloc((size_t)h, sizeof(*mean));
	C = sc_calloc((size_t)h * (size_t)h, sizeof(*C));
	w = sc_malloc((size_t)h, sizeof(*w));
	Z = sc_malloc((size_t)h * (size_t)k, sizeof(*Z));
	V = sc_malloc((size_t)h * (size_t)k, sizeof(*V));
	isuppz = sc_malloc(2 * (size_t)k, sizeof(*isuppz));
	if (!mean || !C || !w || !Z || !V || !isuppz)
		goto out;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < h; j++)
			mean[j] += X[i * h + j];
	for (int64_t j = 0; j < h; j++)
		mean[j] /= (double)n;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < h; j++)
			X[i * h + j] = (float)((double)X[i * h + j] - mean[j]);
	/* C = Xc^T Xc, upper triangle (column-major view: lower in row-major terms is fine since
	 * C is symmetric; we fill the full matrix below) */
	sc_blas_threads(1);
	if ((ret = covariance(X, n, h, threads, C)) < 0)
		goto out;
	ret = SC_ENOMEM;
	for (int64_t a = 0; a < h; a++) {
		total += C[a * h + a];
		for (int64_t b = 0; b < a; b++)
			C[a * h + b] = C[b * h + a];
	}
	/* the k largest eigenpairs (ascending indices h-k+1..h, 1-based) */
	il = hn - k + 1;
	iu = hn;
	dsyevr_("V", "I", "U", &hn, C, &hn, &vl, &vu, &il, &iu, &abstol, &m, w, Z, &hn, isuppz,
		&wq, &lwork, &iwq, &liwork, &info, 1, 1, 1);
	if (info != 0) {
		ret = sc_seterr(SC_EIO, "LAPACK dsyevr workspace query failed (info %d)", info);
		goto out;
	}
	lwork = (int)wq;
	liwork = iwq;
	work = sc_malloc((size_t)lwork, sizeof(*work));
	iwork = sc_malloc((size_t)liwork, sizeof(*iwork));
	if (!work || !iwork)
		goto out;
	dsyevr_("V", "I", "U", &hn, C, &hn, &vl, &vu, &il, &iu, &abstol, &m, w, Z, &hn, isuppz,
		work, &lwork, iwork, &liwork, &info, 1, 1, 1);
	if (info != 0 || m != k) {
		ret = sc_seterr(SC_EIO, "LAPACK dsyevr failed (info %d, %d of %d eigenpairs)", info,
				m, k);
		goto out;
	}
	/* Z is column-major h x k, ascending: component c is column k-1-c */
	for (int c = 0; c < k; c++) {
		const double *z = Z + (size_t)(k - 1 - c) * h;
		for (int64_t j = 0; j < h; j++)
			V[j * k + c] = (float)z[j];
		ratio[c] = w[k - 1 - c] / total;
	}
	project(X, n, h, V, k, threads, scores);
	for (int c = 0; c < k; c++) {
		int64_t best = 0;
		for (int64_t i = 1; i < n; i++)
			if (fabsf(scores[i * k + c]) > fabsf(scores[best * k + c]))
				best = i;
		if (scores[best * k + c] < 0)
			for (int64_t i = 0; i < n; i++)
				scores[i * k + c] = -scores[i * k + c];
	}
	ret = 0;
out:
	free(mean);
	free(C);
	free(w);
	free(Z);
	free(V);
	free(isuppz);
	free(work);
	free(iwork);
	sc_blas_threads(threads);
	return ret;
}
