/* Tiled GEMM top-k kNN classification with float64 re-ranking. */
#include "knn_classify.h"

#include <cblas.h>
#include <float.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_opts.h"

#define QB 128   /* query rows per tile */
#define TB 2048  /* training rows per tile */
#define EXTRA 8  /* candidates kept beyond k for the float64 re-rank */

struct job {
	const float *tr, *te;
	const double *trd, *ted;
	const float *trn; /* squared norms of training rows (float32 data, float64 sums) */
	const int32_t *ytr;
	int64_t ntr, nte;
	int d, nc, k, kc;
	double *proba;
	int64_t next; /* next query tile, under lock */
	pthread_mutex_t lock;
	int err;
};

/* insert (v, j) into the sorted candidate list of length kc (worst at the end) */
static void cand_insert(float *cv, int64_t *cj, int kc, float v, int64_t j)
{
	int p = kc - 1;
	while (p > 0 && (cv[p - 1] > v || (cv[p - 1] == v && cj[p - 1] > j))) {
		cv[p] = cv[p - 1];
		cj[p] = cj[p - 1];
		p--;
	}
	cv[p] = v;
	cj[p] = j;
}

struct rk {
	double dist;
	int64_t j;
};

static int cmp_rk(const void *a, const void *b)
{
	const struct rk *x = a, *y = b;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

static void tile(struct job *J, int64_t q0, float *S, float *cv, int64_t *cj, struct rk *r)
{
	int64_t nq = J->nte - q0 < QB ? J->nte - q0 : QB;
	int kc = J->kc, d = J->d;
	for (int64_t i = 0; i < nq * kc; i++) {
		cv[i] = FLT_MAX;
		cj[i] = -1;
	}
	for (int64_t t0 = 0; t0 < J->ntr; t0 += TB) {
		int64_t nt = J->ntr - t0 < TB ? J->ntr - t0 : TB;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nt, d, -2.0f,
			    J->te + q0 * d, d, J->tr + t0 * d, d, 0.0f, S, (int)nt);
		for (int64_t i = 0; i < nq; i++) {
			float *s = S + i * nt, *c = cv + i * kc;
			int64_t *cjj = cj + i * kc;
			for (int64_t j = 0; j < nt; j++) {
				float v = s[j] + J->trn[t0 + j];
				if (v < c[kc - 1])
					cand_insert(c, cjj, kc, v, t0 + j);
			}
		}
	}
	for (int64_t i = 0; i < nq; i++) {
		const double *q = J->ted + (q0 + i) * d;
		int m = 0;
		for (int c = 0; c < kc; c++) {
			int64_t j = cj[i * kc + c];
			if (j < 0)
				continue;
			const double *t = J->trd + j * d;
			double s = 0;
			for (int u = 0; u < d; u++) {
				double df = q[u] - t[u];
				s += df * df;
			}
			r[m++] = (struct rk){ s, j };
		}
		qsort(r, (size_t)m, sizeof(*r), cmp_rk);
		double *p = J->proba + (q0 + i) * J->nc;
		memset(p, 0, (size_t)J->nc * sizeof(*p));
		for (int c = 0; c < J->k; c++)
			p[J->ytr[r[c].j]] += 1.0 / J->k;
	}
}

static void *worker(void *arg)
{
	struct job *J = arg;
	float *S = sc_malloc((size_t)QB * TB, sizeof(float));
	float *cv = sc_malloc((size_t)QB * J->kc, sizeof(float));
	int64_t *cj = sc_malloc((size_t)QB * J->kc, sizeof(int64_t));
	struct rk *r = sc_malloc((size_t)J->kc, sizeof(*r));
	if (!S || !cv || !cj || !r) {
		pthread_mutex_lock(&J->lock);
		J->err = SC_ENOMEM;
		pthread_mutex_unlock(&J->lock);
		goto out;
	}
	for (;;) {
		pthread_mutex_lock(&J->lock);
		int64_t q0 = J->next;
		J->next += QB;
		pthread_mutex_unlock(&J->lock);
		if (q0 >= J->nte)
			break;
		tile(J, q0, S, cv, cj, r);
	}
out:
	free(S);
	free(cv);
	free(cj);
	free(r);
	return NULL;
}

int sc_knn_classify(const double *train, int64_t ntr, const int32_t *ytr, const double *test,
		    int64_t nte, int d, int n_classes, int k, int threads, double *proba)
{
	int ret = SC_ENOMEM, nth = threads < 1 ? 1 : threads, started = 0;
	float *tr = NULL, *te = NULL, *trn = NULL;
	pthread_t *th = NULL;
	struct job J;

	if (k < 1 || k > ntr)
		return sc_seterr(SC_EINPUT, "kNN needs 1 <= k (%d) <= training rows (%lld)", k,
				 (long long)ntr);
	tr = sc_malloc((size_t)ntr, (size_t)d * sizeof(float));
	te = sc_malloc((size_t)nte, (size_t)d * sizeof(float));
	trn = sc_malloc((size_t)ntr, sizeof(float));
	th = sc_calloc((size_t)nth, sizeof(*th));
	if (!tr || !te || !trn || !th)
		goto out;
	for (int64_t i = 0; i < ntr; i++) {
		double s = 0;
		for (int u = 0; u < d; u++) {
			tr[i * d + u] = (float)train[i * d + u];
			s += (double)tr[i * d + u] * tr[i * d + u];
		}
		trn[i] = (float)s;
	}
	for (int64_t i = 0; i < nte * d; i++)
		te[i] = (float)test[i];
	memset(&J, 0, sizeof(J));
	J = (struct job){ tr, te, train, test, trn, ytr, ntr, nte, d, n_classes, k,
			  (int)(k + EXTRA < ntr ? k + EXTRA : ntr), proba, 0,
			  PTHREAD_MUTEX_INITIALIZER, 0 };
	sc_blas_threads(1);
	for (; started < nth; started++)
		if (pthread_create(&th[started], NULL, worker, &J))
			break;
	if (started == 0)
		worker(&J);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	sc_blas_threads(nth);
	ret = J.err;
out:
	free(tr);
	free(te);
	free(trn);
	free(th);
	return ret;
}
