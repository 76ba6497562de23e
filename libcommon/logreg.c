/* Multinomial / binary L2 logistic regression on BLAS, optimised with L-BFGS. */
#include "logreg.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lbfgs.h"
#include "sc_alloc.h"
#include "sc_opts.h"

struct lr_ctx {
	const double *X;
	int64_t n;
	int d, k;
	const int32_t *y;
	double C;
	double *Z; /* n x rows scratch */
	int threads;
};

static int nrows(int k)
{
	return k == 2 ? 1 : k;
}

/* Z = X W^T + b for the r weight rows */
static void scores(const double *X, int64_t n, int d, int r, const double *w, double *Z)
{
	for (int64_t i = 0; i < n; i++)
		for (int c = 0; c < r; c++)
			Z[i * r + c] = w[(size_t)c * (d + 1) + d];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, r, d, 1.0, X, d, w, d + 1,
		    1.0, Z, r);
}

static double log1pexp(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

#define LR_CHUNK 2048 /* rows per task: partial sums are combined in chunk order */

struct lr_job {
	struct lr_ctx *c;
	const double *w;
	double *cgrad; /* per chunk: R^T X, rows x d */
	int64_t nchunk;
	double *closs, *ccol; /* per chunk: loss, column sums of the residual */
	int64_t next;
	pthread_mutex_t lock;
};

/* rows [i0, i1): Z becomes the residual P - Y; loss and residual column sums into the chunk */
static void residual_chunk(struct lr_ctx *c, int64_t i0, int64_t i1, double *loss, double *col)
{
	int r = nrows(c->k);
	double l = 0;
	for (int j = 0; j < r; j++)
		col[j] = 0;
	for (int64_t i = i0; i < i1; i++) {
		double *z = c->Z + i * r;
		if (r == 1) {
			double yi = c->y[i] == 1;
			l += log1pexp(z[0]) - yi * z[0];
			z[0] = 1.0 / (1.0 + exp(-z[0])) - yi;
			col[0] += z[0];
			continue;
		}
		double mx = z[0], s = 0;
		for (int j = 1; j < r; j++)
			if (z[j] > mx)
				mx = z[j];
		l += mx - z[c->y[i]];
		for (int j = 0; j < r; j++)
			s += (z[j] = exp(z[j] - mx));
		l += log(s);
		for (int j = 0; j < r; j++) {
			z[j] = z[j] / s - (j == c->y[i]);
			col[j] += z[j];
		}
	}
	*loss = l;
}

static void *lr_worker(void *arg)
{
	struct lr_job *J = arg;
	int r = nrows(J->c->k);
	for (;;) {
		pthread_mutex_lock(&J->lock);
		int64_t ch = J->next++;
		pthread_mutex_unlock(&J->lock);
		if (ch >= J->nchunk)
			break;
		int64_t i0 = ch * LR_CHUNK, i1 = i0 + LR_CHUNK < J->c->n ? i0 + LR_CHUNK : J->c->n;
		int d = J->c->d;
		scores(J->c->X + i0 * d, i1 - i0, d, r, J->w, J->c->Z + i0 * r);
		residual_chunk(J->c, i0, i1, &J->closs[ch], J->ccol + ch * r);
		cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, d, (int)(i1 - i0), 1.0,
			    J->c->Z + i0 * r, r, J->c->X + i0 * d, d, 0.0, J->cgrad + ch * r * d, d);
	}
	return NULL;
}

static int eval(struct lr_ctx *c, const double *w, double *f, double *g)
{
	int r = nrows(c->k), d = c->d, nth = c->threads < 1 ? 1 : c->threads > 64 ? 64 : c->threads;
	int started = 0;
	double loss = 0;
	pthread_t th[64];
	struct lr_job J = { c, w, NULL, (c->n + LR_CHUNK - 1) / LR_CHUNK, NULL, NULL, 0,
			    PTHREAD_MUTEX_INITIALIZER };
	J.closs = sc_malloc((size_t)J.nchunk, sizeof(double));
	J.ccol = sc_malloc((size_t)J.nchunk * (size_t)r, sizeof(double));
	J.cgrad = sc_malloc((size_t)J.nchunk * (size_t)r, (size_t)d * sizeof(double));
	if (!J.closs || !J.ccol || !J.cgrad) {
		free(J.closs);
		free(J.ccol);
		free(J.cgrad);
		return SC_ENOMEM;
	}
	if (nth > J.nchunk)
		nth = (int)J.nchunk;
	for (; nth > 1 && started < nth; started++)
		if (pthread_create(&th[started], NULL, lr_worker, &J))
			break;
	lr_worker(&J);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	/* gradient: R^T X + W / C, intercept = column sums of R, chunks added in order */
	double pen = 0;
	for (int j = 0; j < r; j++) {
		double *gj = g + (size_t)j * (d + 1);
		const double *wj = w + (size_t)j * (d + 1);
		for (int t = 0; t < d; t++) {
			pen += wj[t] * wj[t];
			gj[t] = wj[t] / c->C;
		}
		gj[d] = 0;
	}
	for (int64_t ch = 0; ch < J.nchunk; ch++) {
		loss += J.closs[ch];
		for (int j = 0; j < r; j++)
			for (int t = 0; t < d; t++)
				g[(size_t)j * (d + 1) + t] += J.cgrad[(ch * r + j) * d + t];
		for (int j = 0; j < r; j++)
			g[(size_t)j * (d + 1) + d] += J.ccol[ch * r + j];
	}
	free(J.closs);
	free(J.ccol);
	free(J.cgrad);
	*f = loss + pen / (2 * c->C);
	return 0;
}

static int lr_fn(void *ctx, const double *x, double *f, double *g)
{
	return eval(ctx, x, f, g);
}

int sc_logreg_loss_grad(const double *X, int64_t n, int d, const int32_t *y, int k, double C,
			const double *w, double *f, double *g)
{
	struct lr_ctx c = { X, n, d, k, y, C, NULL, 1 };
	int ret;
	if (!(c.Z = sc_malloc((size_t)n, (size_t)nrows(k) * sizeof(double))))
		return SC_ENOMEM;
	ret = eval(&c, w, f, g);
	free(c.Z);
	return ret;
}

int sc_logreg_fit(const double *X, int64_t n, int d, const int32_t *y, int k,
		  const struct sc_logreg_opts *o, struct sc_logreg *m)
{
	int ret = SC_ENOMEM, status, nit;
	struct lr_ctx c = { X, n, d, k, y, o->C, NULL, o->threads };
	struct sc_lbfgs_opts lo = { 10, o->max_iter, 20, o->tol, 2.220446049250313e-09 };
	int r = nrows(k);

	if (k < 2 || n < 1 || d < 1 || n > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "logistic regression needs 2+ classes and 1+ rows");
	m->d = d;
	m->k = k;
	m->w = sc_calloc((size_t)r, (size_t)(d + 1) * sizeof(double));
	c.Z = sc_malloc((size_t)n, (size_t)r * sizeof(double));
	if (!m->w || !c.Z)
		goto out;
	/* the row chunks run their own single-threaded GEMMs: BLAS threads would only contend */
	sc_blas_threads(1);
	ret = sc_lbfgs_minimize(lr_fn, &c, m->w, r * (d + 1), &lo, &status, &nit);
	sc_blas_threads(o->threads);
	if (ret < 0)
		goto out;
	m->n_iter = nit;
	m->converged = status == SC_LBFGS_CONVERGED;
	ret = 0;
out:
	free(c.Z);
	return ret;
}

int sc_logreg_predict_proba(const struct sc_logreg *m, const double *X, int64_t n, double *proba)
{
	int r = nrows(m->k), k = m->k;
	double *Z = sc_malloc((size_t)n, (size_t)r * sizeof(double));
	if (!Z)
		return SC_ENOMEM;
	scores(X, n, m->d, r, m->w, Z);
	for (int64_t i = 0; i < n; i++) {
		double *p = proba + i * k, *z = Z + i * r;
		if (r == 1) {
			p[1] = 1.0 / (1.0 + exp(-z[0]));
			p[0] = 1.0 - p[1];
			continue;
		}
		double mx = z[0], s = 0;
		for (int j = 1; j < k; j++)
			if (z[j] > mx)
				mx = z[j];
		for (int j = 0; j < k; j++)
			s += (p[j] = exp(z[j] - mx));
		for (int j = 0; j < k; j++)
			p[j] /= s;
	}
	free(Z);
	return 0;
}

void sc_logreg_release(struct sc_logreg *m)
{
	if (!m)
		return;
	free(m->w);
	m->w = NULL;
}
