/* Approximate kNN: an inverted-file search on the fused GEMM kernel, optionally followed by
 * neighbour-of-neighbour refinement passes.
 *
 * Why this and not NN-descent or HNSW: on two cores the cheapest distance is the one computed
 * inside an sgemm tile (about 100 GFLOP/s per core against a few GFLOP/s for scattered
 * vector-by-vector distances), and an all-vs-all graph is a batch problem, not a query stream.
 * Cells are grouped by a k-means coarse quantiser (sqrt(n) lists trained on a sample); every
 * list is searched as a block against the lists nearest to its centroid, so the work is large
 * dense GEMM tiles with the same fused top-k epilogue as the exact search. A
 * neighbour-of-neighbour pass (NN-descent's join, done once) can then recover neighbours across
 * list borders when asked for (off by default: on the project's benchmark data it doubles the
 * time for a few 1e-4 of recall). Every step has a fixed work decomposition, so the result depends on the seed
 * only, never on the thread count; final distances are exact as in the exact search. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "knn.h"
#include "knn_internal.h"
#include "sc_alloc.h"
#include "sc_rng.h"

#define MARGIN 8

void sc_knn_approx_defaults(struct sc_knn_approx_opts *o)
{
	o->seed = 0;
	o->lists = 0;
	o->probes = 0;
	o->refine = 0;
}

/* k-means on a sample: centroids (nl x d) from ns sampled rows, Lloyd iterations with the
 * exact fused search (k = 1) for assignment. */
static int train(const float *x, int64_t n, int64_t d, int64_t nl, uint64_t seed, int threads,
		 float *cent)
{
	struct sc_rng r;
	int64_t ns = nl * 40 < n ? nl * 40 : n;
	int32_t *pick = sc_malloc((size_t)n, sizeof(int32_t));
	float *s = sc_malloc((size_t)(ns * d), sizeof(float));
	double *acc = sc_malloc((size_t)(nl * d), sizeof(double));
	int64_t *cnt = sc_malloc((size_t)nl, sizeof(int64_t));
	struct sc_knn a = SC_KNN_INIT;
	int ret = SC_ENOMEM;
	if (!pick || !s || !acc || !cnt)
		goto out;
	sc_rng_seed(&r, seed);
	for (int64_t i = 0; i < n; i++)
		pick[i] = (int32_t)i;
	for (int64_t i = 0; i < ns; i++) { /* partial Fisher-Yates */
		int64_t j = i + (int64_t)sc_rng_below(&r, (uint64_t)(n - i));
		int32_t t = pick[i];
		pick[i] = pick[j];
		pick[j] = t;
		memcpy(s + i * d, x + (int64_t)pick[i] * d, sizeof(float) * (size_t)d);
	}
	memcpy(cent, s, sizeof(float) * (size_t)(nl * d));
	for (int it = 0; it < 8; it++) {
		if ((ret = sc_knn_query(cent, nl, s, ns, d, 1, 0, SC_KNN_EUCLIDEAN, threads, &a)) < 0)
			goto out;
		memset(acc, 0, sizeof(double) * (size_t)(nl * d));
		memset(cnt, 0, sizeof(int64_t) * (size_t)nl);
		for (int64_t i = 0; i < ns; i++) {
			int32_t c = a.idx[i];
			cnt[c]++;
			for (int64_t t = 0; t < d; t++)
				acc[c * d + t] += s[i * d + t];
		}
		for (int64_t c = 0; c < nl; c++) {
			if (cnt[c] == 0) { /* empty: re-seed on a random sample row */
				memcpy(cent + c * d, s + (int64_t)sc_rng_below(&r, (uint64_t)ns) * d,
				       sizeof(float) * (size_t)d);
				continue;
			}
			for (int64_t t = 0; t < d; t++)
				cent[c * d + t] = (float)(acc[c * d + t] / (double)cnt[c]);
		}
		sc_knn_release(&a);
	}
	ret = 0;
out:
	sc_knn_release(&a);
	free(pick);
	free(s);
	free(acc);
	free(cnt);
	return ret;
}

struct ivf {
	const float *x0;   /* original rows (exact distances) */
	const float *qa, *ra; /* search rows gathered in list order, augmented (knn_augment) */
	const int32_t *perm; /* gathered position -> original row */
	const int64_t *lstart;
	const int32_t *probe; /* nl x np lists to search for each list */
	int np, k, kk;
	int64_t d, ntask;
	const int64_t *task; /* (list << 32 | chunk start within list) */
	enum sc_knn_metric metric;
	struct sc_knn *out;
	atomic_llong next;
	int failed;
};

static void *ivf_worker(void *arg)
{
	struct ivf *v = arg;
	int64_t d = v->d;
	int kk = v->kk;
	struct knn_tiles tb;
	if (knn_tiles_init(&tb, kk) < 0) {
		v->failed = 1;
		return NULL;
	}
	for (;;) {
		int64_t t = (int64_t)atomic_fetch_add(&v->next, 1);
		if (t >= v->ntask)
			break;
		int64_t L = v->task[t] >> 32, c0 = v->task[t] & 0xffffffff;
		int64_t q0 = v->lstart[L] + c0, qe = v->lstart[L + 1];
		int qb = (int)(qe - q0 < QB ? qe - q0 : QB);
		memset(tb.hl, 0, sizeof(int) * (size_t)qb);
		for (int p = 0; p < v->np; p++) {
			int64_t M = v->probe[L * v->np + p];
			for (int64_t r0 = v->lstart[M]; r0 < v->lstart[M + 1]; r0 += RB) {
				int rb = (int)(v->lstart[M + 1] - r0 < RB ? v->lstart[M + 1] - r0 : RB);
				knn_tiles_scan(&tb, v->qa, q0, qb, v->ra, r0, rb, d, 1);
			}
		}
		for (int a = 0; a < qb; a++) {
			int32_t *ri = tb.hi + (int64_t)a * kk, row = v->perm[q0 + a];
			for (int c = 0; c < tb.hl[a]; c++)
				ri[c] = v->perm[ri[c]];
			knn_finish_row(v->x0 + (int64_t)row * d, v->x0, d, v->metric, ri, tb.hl[a], v->k,
				       v->out->idx + (int64_t)row * v->k, v->out->dist + (int64_t)row * v->k,
				       tb.scratch);
		}
	}
	knn_tiles_release(&tb);
	return NULL;
}

struct refine {
	const float *x0;
	int64_t n, d;
	int k;
	enum sc_knn_metric metric;
	const struct sc_knn *in;
	struct sc_knn *out;
	atomic_llong next;
	int failed;
};

/* One neighbour-of-neighbour pass: candidates = own neighbours and theirs, deduplicated with
 * a per-thread stamp array, filtered by a float32 distance to the best k + MARGIN, then
 * re-ranked exactly. */
static void *refine_worker(void *arg)
{
	struct refine *r = arg;
	int k = r->k, kk = (int64_t)k + MARGIN > r->n - 1 ? (int)(r->n - 1) : k + MARGIN;
	int32_t *stamp = sc_malloc((size_t)r->n, sizeof(int32_t)), *hi = sc_malloc((size_t)kk, 4);
	float *hv = sc_malloc((size_t)kk, sizeof(float));
	void *scratch = sc_malloc((size_t)kk, 8);
	if (!stamp || !hi || !hv || !scratch) {
		r->failed = 1;
		goto out;
	}
	for (int64_t i = 0; i < r->n; i++)
		stamp[i] = -1;
	for (;;) {
		int64_t i0 = (int64_t)atomic_fetch_add(&r->next, 256);
		if (i0 >= r->n)
			break;
		for (int64_t i = i0; i < i0 + 256 && i < r->n; i++) {
			const int32_t *own = r->in->idx + i * k;
			const float *xi = r->x0 + i * r->d;
			int hl = 0;
			stamp[i] = (int32_t)i;
			for (int a = 0; a <= k; a++) {
				const int32_t *nb = a == 0 ? own : r->in->idx + (int64_t)own[a - 1] * k;
				if (a > 0 && own[a - 1] < 0)
					continue;
				for (int b = 0; b < k; b++) {
					int32_t c = nb[b];
					if (c < 0 || stamp[c] == i)
						continue;
					stamp[c] = (int32_t)i;
					knn_heap_push(hv, hi, &hl, kk,
						      knn_fast_dist(xi, r->x0 + (int64_t)c * r->d, r->d, r->metric), c);
				}
			}
			knn_finish_row(xi, r->x0, r->d, r->metric, hi, hl, k, r->out->idx + i * k,
				       r->out->dist + i * k, scratch);
		}
	}
out:
	free(stamp);
	free(hi);
	free(hv);
	free(scratch);
	return NULL;
}

/* Rows the search left short (tiny lists) get an exact search of their own. */
static int fill_short_rows(const float *x, int64_t n, int64_t d, int k, enum sc_knn_metric metric,
			   int threads, struct sc_knn *g)
{
	struct sc_knn e = SC_KNN_INIT;
	int64_t ns = 0;
	int32_t *rows = NULL;
	float *q = NULL;
	int ret = SC_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		ns += g->idx[i * k + k - 1] < 0;
	if (ns == 0)
		return 0;
	rows = sc_malloc((size_t)ns, sizeof(int32_t));
	q = sc_malloc((size_t)(ns * d), sizeof(float));
	if (!rows || !q)
		goto out;
	ns = 0;
	for (int64_t i = 0; i < n; i++)
		if (g->idx[i * k + k - 1] < 0) {
			memcpy(q + ns * d, x + i * d, sizeof(float) * (size_t)d);
			rows[ns++] = (int32_t)i;
		}
	if ((ret = sc_knn_query(x, n, q, ns, d, k + 1, 0, metric, threads, &e)) < 0)
		goto out;
	for (int64_t s = 0; s < ns; s++) {
		int m = 0;
		for (int j = 0; j <= k && m < k; j++)
			if (e.idx[s * (k + 1) + j] != rows[s]) {
				g->idx[(int64_t)rows[s] * k + m] = e.idx[s * (k + 1) + j];
				g->dist[(int64_t)rows[s] * k + m] = e.dist[s * (k + 1) + j];
				m++;
			}
	}
	ret = 0;
out:
	sc_knn_release(&e);
	free(rows);
	free(q);
	return ret;
}

int sc_knn_approx(const float *x0, int64_t n, int64_t d, int k, enum sc_knn_metric metric,
		  const struct sc_knn_approx_opts *o, int threads, struct sc_knn *out)
{
	struct ivf v;
	struct sc_knn asg = SC_KNN_INIT, pr = SC_KNN_INIT, tmp = SC_KNN_INIT;
	float *xn = NULL, *cent = NULL, *xg = NULL, *qa = NULL, *ra = NULL;
	int32_t *perm = NULL, *probe = NULL;
	int64_t *lstart = NULL, *task = NULL, nl, ntask = 0;
	int np, ret = SC_ENOMEM;
	const float *x = x0;
	*out = (struct sc_knn)SC_KNN_INIT;
	if (n < 2 || k < 1 || k > n - 1 || d < 1 || n > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "approximate kNN needs 1 <= k < n (k = %d, n = %lld)", k,
				 (long long)n);
	nl = o->lists > 0 ? o->lists : (int64_t)llround(sqrt((double)n));
	if (nl > n / 4)
		nl = n / 4 > 0 ? n / 4 : 1;
	np = o->probes > 0 ? o->probes : 16;
	if (np > nl)
		np = (int)nl;
	if (metric == SC_KNN_COSINE && !(x = xn = knn_normalised(x0, n, d)))
		goto out;
	cent = sc_malloc((size_t)(nl * d), sizeof(float));
	lstart = sc_calloc((size_t)nl + 2, sizeof(int64_t));
	perm = sc_malloc((size_t)n, sizeof(int32_t));
	xg = sc_malloc((size_t)(n * d), sizeof(float));
	probe = sc_malloc((size_t)(nl * np), sizeof(int32_t));
	if (!cent || !lstart || !perm || !xg || !probe)
		goto out;
	if ((ret = train(x, n, d, nl, o->seed, threads, cent)) < 0 ||
	    (ret = sc_knn_query(cent, nl, x, n, d, 1, 0, SC_KNN_EUCLIDEAN, threads, &asg)) < 0)
		goto out;
	/* lists nearest to each centroid (itself first) */
	if (np > 1 && (ret = sc_knn_exact(cent, nl, d, np - 1, SC_KNN_EUCLIDEAN, threads, &pr)) < 0)
		goto out;
	for (int64_t L = 0; L < nl; L++) {
		probe[L * np] = (int32_t)L;
		for (int p = 1; p < np; p++)
			probe[L * np + p] = pr.idx[L * (np - 1) + p - 1];
	}
	ret = SC_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		lstart[asg.idx[i] + 1]++;
	for (int64_t L = 0; L < nl; L++)
		lstart[L + 1] += lstart[L];
	for (int64_t i = 0; i < n; i++) { /* stable gather: rows in order within each list */
		int64_t pos = lstart[asg.idx[i]]++;
		perm[pos] = (int32_t)i;
	}
	for (int64_t L = nl; L > 0; L--)
		lstart[L] = lstart[L - 1];
	lstart[0] = 0;
	for (int64_t p = 0; p < n; p++)
		memcpy(xg + p * d, x + (int64_t)perm[p] * d, sizeof(float) * (size_t)d);
	free(xn); /* the normalised copy is no longer needed */
	xn = NULL;
	if (!(qa = knn_augment(xg, n, d, 0)) || !(ra = knn_augment(xg, n, d, 1)))
		goto out;
	free(xg);
	xg = NULL;
	for (int64_t L = 0; L < nl; L++)
		ntask += (lstart[L + 1] - lstart[L] + QB - 1) / QB;
	if (!(task = sc_malloc((size_t)ntask + 1, sizeof(int64_t))))
		goto out;
	ntask = 0;
	for (int64_t L = 0; L < nl; L++)
		for (int64_t c = 0; c < lstart[L + 1] - lstart[L]; c += QB)
			task[ntask++] = (L << 32) | c;
	if (sc_knn_alloc(out, n, k) < 0)
		goto out;
	v = (struct ivf){ .x0 = x0, .qa = qa, .ra = ra, .perm = perm, .lstart = lstart,
			  .probe = probe, .np = np, .k = k, .d = d, .ntask = ntask, .task = task,
			  .metric = metric, .out = out };
	v.kk = (int64_t)k + MARGIN > n - 1 ? (int)(n - 1) : k + MARGIN;
	atomic_init(&v.next, 0);
	knn_run_threads(ivf_worker, &v, threads);
	if (v.failed)
		goto out;
	for (int pass = 0; pass < o->refine; pass++) {
		struct refine r = { .x0 = x0, .n = n, .d = d, .k = k, .metric = metric, .in = out,
				    .out = &tmp };
		if (sc_knn_alloc(&tmp, n, k) < 0)
			goto out;
		atomic_init(&r.next, 0);
		knn_run_threads(refine_worker, &r, threads);
		if (r.failed)
			goto out;
		sc_knn_release(out);
		*out = tmp;
		tmp = (struct sc_knn)SC_KNN_INIT;
	}
	if ((ret = fill_short_rows(x0, n, d, k, metric, threads, out)) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		sc_knn_release(out);
	sc_knn_release(&tmp);
	sc_knn_release(&asg);
	sc_knn_release(&pr);
	free(xn);
	free(cent);
	free(lstart);
	free(perm);
	free(xg);
	free(qa);
	free(ra);
	free(probe);
	free(task);
	return ret;
}

static int i32cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int sc_knn_recall(const float *x, int64_t d, enum sc_knn_metric metric, const struct sc_knn *g,
		  int64_t samples, uint64_t seed, int threads, double *recall)
{
	struct sc_rng r;
	struct sc_knn e = SC_KNN_INIT;
	int64_t n = g->n, ns = samples < n ? samples : n, hit = 0;
	int k = g->k;
	int32_t *pick = sc_malloc((size_t)n + 1, sizeof(int32_t)), *a = NULL, *b = NULL;
	float *q = sc_malloc((size_t)(ns * d) + 1, sizeof(float));
	int ret = SC_ENOMEM;
	a = sc_malloc((size_t)k + 2, sizeof(int32_t));
	b = sc_malloc((size_t)k + 2, sizeof(int32_t));
	if (!pick || !q || !a || !b)
		goto out;
	if (k < 1 || ns < 1) {
		*recall = NAN;
		ret = 0;
		goto out;
	}
	sc_rng_seed(&r, seed);
	for (int64_t i = 0; i < n; i++)
		pick[i] = (int32_t)i;
	for (int64_t i = 0; i < ns; i++) {
		int64_t j = i + (int64_t)sc_rng_below(&r, (uint64_t)(n - i));
		int32_t t = pick[i];
		pick[i] = pick[j];
		pick[j] = t;
		memcpy(q + i * d, x + (int64_t)pick[i] * d, sizeof(float) * (size_t)d);
	}
	/* k + 1 without exclusion, then drop the row itself */
	if ((ret = sc_knn_query(x, n, q, ns, d, k + 1, 0, metric, threads, &e)) < 0)
		goto out;
	for (int64_t i = 0; i < ns; i++) {
		int m = 0;
		for (int j = 0; j <= k && m < k; j++)
			if (e.idx[i * (k + 1) + j] != pick[i])
				a[m++] = e.idx[i * (k + 1) + j];
		memcpy(b, g->idx + (int64_t)pick[i] * k, sizeof(int32_t) * (size_t)k);
		qsort(a, (size_t)k, sizeof(int32_t), i32cmp);
		qsort(b, (size_t)k, sizeof(int32_t), i32cmp);
		for (int s = 0, t = 0; s < k && t < k;) {
			if (a[s] == b[t]) {
				hit++;
				s++;
				t++;
			} else if (a[s] < b[t]) {
				s++;
			} else {
				t++;
			}
		}
	}
	*recall = (double)hit / ((double)ns * k);
	ret = 0;
out:
	sc_knn_release(&e);
	free(pick);
	free(q);
	free(a);
	free(b);
	return ret;
}
