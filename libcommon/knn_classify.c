/* kNN classification on the fused GEMM top-k search of knn.h, re-ranked in float64. */
#include "knn_classify.h"

#include <stdlib.h>
#include <string.h>

#include "knn.h"
#include "sc_alloc.h"

#define EXTRA 8 /* candidates fetched beyond k for the float64 re-rank */

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

int sc_knn_classify(const double *train, int64_t ntr, const int32_t *ytr, const double *test,
		    int64_t nte, int d, int n_classes, int k, int threads, double *proba)
{
	int ret = SC_ENOMEM, kc;
	float *tr = NULL, *te = NULL;
	struct rk *r = NULL;
	struct sc_knn g = SC_KNN_INIT;

	if (k < 1 || k > ntr)
		return sc_seterr(SC_EINPUT, "kNN needs 1 <= k (%d) <= training rows (%lld)", k,
				 (long long)ntr);
	kc = (int)(k + EXTRA < ntr ? k + EXTRA : ntr);
	tr = sc_malloc((size_t)ntr, (size_t)d * sizeof(float));
	te = sc_malloc((size_t)nte, (size_t)d * sizeof(float));
	r = sc_malloc((size_t)kc, sizeof(*r));
	if (!tr || !te || !r)
		goto out;
	for (int64_t i = 0; i < ntr * d; i++)
		tr[i] = (float)train[i];
	for (int64_t i = 0; i < nte * d; i++)
		te[i] = (float)test[i];
	if ((ret = sc_knn_query(tr, ntr, te, nte, d, kc, 0, SC_KNN_EUCLIDEAN, threads, &g)) < 0)
		goto out;
	for (int64_t i = 0; i < nte; i++) {
		const double *q = test + i * d;
		for (int c = 0; c < kc; c++) {
			int64_t j = g.idx[i * kc + c];
			const double *t = train + j * d;
			double s = 0;
			for (int u = 0; u < d; u++) {
				double df = q[u] - t[u];
				s += df * df;
			}
			r[c] = (struct rk){ s, j };
		}
		qsort(r, (size_t)kc, sizeof(*r), cmp_rk);
		double *p = proba + i * n_classes;
		memset(p, 0, (size_t)n_classes * sizeof(*p));
		for (int c = 0; c < k; c++)
			p[ytr[r[c].j]] += 1.0 / k;
	}
	ret = 0;
out:
	free(tr);
	free(te);
	free(r);
	sc_knn_release(&g);
	return ret;
}
