/* Exact kNN: sgemm on tiles of (query block x reference block) dot products, with the top-k
 * selection fused into the tile loop. Each query row keeps a bounded max-heap of its best
 * candidates keyed by (approximate squared distance, index); a tile entry is looked at only
 * when it beats the row's current threshold, which after the first reference blocks is rare
 * (about k ln(n/k) insertions per row). The heap keeps a few more than k candidates so that the
 * exact recomputation at the end (double precision, from the original rows) can reorder
 * near-ties at the k-th boundary that the GEMM identity |x|^2 + |y|^2 - 2 x.y blurred.
 *
 * Threads take whole query blocks from a shared counter; every block's arithmetic is the same
 * single-threaded sgemm whatever the thread count, so results are identical for any -j. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "knn.h"
#include "knn_internal.h"
#include "sc_alloc.h"
#include "u64sort.h"

#define MARGIN 8 /* extra candidates kept for the exact re-ranking */

int sc_knn_alloc(struct sc_knn *g, int64_t n, int k)
{
	size_t nk;
	g->idx = NULL;
	g->dist = NULL;
	if (n < 0 || k < 0 || k > SC_KNN_MAX_K)
		return sc_seterr(SC_EUSAGE, "bad kNN size (n %lld, k %d)", (long long)n, k);
	if (sc_mul_size((size_t)n, (size_t)k, &nk) < 0)
		return SC_ENOMEM;
	g->idx = sc_malloc(nk, sizeof(int32_t));
	g->dist = sc_malloc(nk, sizeof(float));
	if (!g->idx || !g->dist) {
		sc_knn_release(g);
		return SC_ENOMEM;
	}
	g->n = n;
	g->k = k;
	return 0;
}

void sc_knn_release(struct sc_knn *g)
{
	if (!g)
		return;
	free(g->idx);
	free(g->dist);
	g->idx = NULL;
	g->dist = NULL;
	g->n = 0;
	g->k = 0;
}

int sc_knn_metric_parse(const char *s, enum sc_knn_metric *out)
{
	if (strcmp(s, "euclidean") == 0)
		*out = SC_KNN_EUCLIDEAN;
	else if (strcmp(s, "cosine") == 0)
		*out = SC_KNN_COSINE;
	else
		return sc_seterr(SC_EUSAGE, "unknown metric '%s' (euclidean or cosine)", s);
	return 0;
}

const char *sc_knn_metric_name(enum sc_knn_metric m)
{
	return m == SC_KNN_COSINE ? "cosine" : "euclidean";
}

/* The true distance between two rows, in double. */
double knn_exact_dist(const float *a, const float *b, int64_t d, enum sc_knn_metric metric)
{
	if (metric == SC_KNN_COSINE) {
		double ab = 0, aa = 0, bb = 0;
		for (int64_t t = 0; t < d; t++) {
			ab += (double)a[t] * b[t];
			aa += (double)a[t] * a[t];
			bb += (double)b[t] * b[t];
		}
		if (aa == 0 || bb == 0)
			return 1.0;
		double c = 1.0 - ab / sqrt(aa * bb);
		return c < 0 ? 0 : c;
	}
	double s = 0;
	for (int64_t t = 0; t < d; t++) {
		double e = (double)a[t] - b[t];
		s += e * e;
	}
	/* sklearn rounds the squared distance to float32 before the square root */
	return sqrtf((float)s);
}

/* A float32 estimate of the distance, for filtering candidates before the exact re-ranking:
 * squared euclidean, or 1 - cos (four independent sums so the loop pipelines). */
float knn_fast_dist(const float *a, const float *b, int64_t d, enum sc_knn_metric metric)
{
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	int64_t t = 0;
	if (metric == SC_KNN_COSINE) {
		float aa = 0, bb = 0;
		for (; t < d; t++) {
			s0 += a[t] * b[t];
			aa += a[t] * a[t];
			bb += b[t] * b[t];
		}
		return aa > 0 && bb > 0 ? 1.0f - s0 / sqrtf(aa * bb) : 1.0f;
	}
	for (; t + 4 <= d; t += 4) {
		float e0 = a[t] - b[t], e1 = a[t + 1] - b[t + 1], e2 = a[t + 2] - b[t + 2],
		      e3 = a[t + 3] - b[t + 3];
		s0 += e0 * e0;
		s1 += e1 * e1;
		s2 += e2 * e2;
		s3 += e3 * e3;
	}
	for (; t < d; t++) {
		float e = a[t] - b[t];
		s0 += e * e;
	}
	return (s0 + s1) + (s2 + s3);
}

/* Bounded max-heap on (v, idx): the root is the worst kept candidate. */
static inline int cand_worse(float va, int32_t ia, float vb, int32_t ib)
{
	return va > vb || (va == vb && ia > ib);
}

void knn_heap_push(float *hv, int32_t *hi, int *len, int cap, float v, int32_t idx)
{
	int i;
	if (*len < cap) {
		i = (*len)++;
		while (i > 0) {
			int p = (i - 1) / 2;
			if (!cand_worse(v, idx, hv[p], hi[p]))
				break;
			hv[i] = hv[p];
			hi[i] = hi[p];
			i = p;
		}
		hv[i] = v;
		hi[i] = idx;
		return;
	}
	if (!cand_worse(hv[0], hi[0], v, idx))
		return;
	i = 0;
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		float mv = v;
		int32_t mi = idx;
		if (l < cap && cand_worse(hv[l], hi[l], mv, mi)) {
			m = l;
			mv = hv[l];
			mi = hi[l];
		}
		if (r < cap && cand_worse(hv[r], hi[r], mv, mi))
			m = r;
		if (m == i)
			break;
		hv[i] = hv[m];
		hi[i] = hi[m];
		i = m;
	}
	hv[i] = v;
	hi[i] = idx;
}

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Whether any of c[0..15] is below th: four SSE compares, no branch per element. */
static inline int any_below16(const float *c, float th)
{
	v4f a, b, e, f, t = { th, th, th, th };
	v4i m;
	uint64_t u[2];
	memcpy(&a, c, 16);
	memcpy(&b, c + 4, 16);
	memcpy(&e, c + 8, 16);
	memcpy(&f, c + 12, 16);
	m = (a < t) | (b < t) | (e < t) | (f < t);
	memcpy(u, &m, 16);
	return (u[0] | u[1]) != 0;
}

void knn_scan_row(const float *c, int rb, int32_t base, int self, float *hv, int32_t *hi, int *hl,
		  int kk)
{
	float th = *hl < kk ? INFINITY : hv[0];
	int b = 0, e;
	for (; b + 16 <= rb; b += 16) {
		if (!any_below16(c + b, th))
			continue;
		for (e = b; e < b + 16; e++)
			if (c[e] < th && e != self) {
				knn_heap_push(hv, hi, hl, kk, c[e], base + e);
				th = *hl < kk ? INFINITY : hv[0];
			}
	}
	for (; b < rb; b++)
		if (c[b] < th && b != self) {
			knn_heap_push(hv, hi, hl, kk, c[b], base + b);
			th = *hl < kk ? INFINITY : hv[0];
		}
}

float *knn_augment(const float *x, int64_t n, int64_t d, int ref)
{
	float *a = sc_malloc((size_t)n * (size_t)(d + 1), sizeof(float));
	if (!a)
		return NULL;
	for (int64_t i = 0; i < n; i++) {
		const float *r = x + i * d;
		float *o = a + i * (d + 1);
		double s = 0;
		for (int64_t t = 0; t < d; t++) {
			s += (double)r[t] * r[t];
			o[t] = ref ? -2.0f * r[t] : r[t];
		}
		o[d] = ref ? (float)s : 1.0f;
	}
	return a;
}

/* Re-rank a row's candidates by exact distance and keep the first k (sorted by float
 * distance, then index). Duplicate indices (possible in the approximate search) are kept
 * once. The (distance, index) pairs are sorted as 64-bit keys: distances are >= 0, whose
 * float bits order as unsigned integers. */
void knn_finish_row(const float *q, const float *ref, int64_t d, enum sc_knn_metric metric,
		    const int32_t *cand, int nc, int k, int32_t *oidx, float *odist, void *scratch)
{
	uint64_t *r = scratch;
	int c = 0;
	float v[4];
	uint32_t u;
	if (metric == SC_KNN_EUCLIDEAN)
		for (; c + 4 <= nc; c += 4) {
			/* four rows at once, each summed in knn_exact_dist's order (same bits) */
			const float *b0 = ref + (int64_t)cand[c] * d, *b1 = ref + (int64_t)cand[c + 1] * d;
			const float *b2 = ref + (int64_t)cand[c + 2] * d, *b3 = ref + (int64_t)cand[c + 3] * d;
			double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
			for (int64_t t = 0; t < d; t++) {
				double a = q[t], e0 = a - b0[t], e1 = a - b1[t], e2 = a - b2[t], e3 = a - b3[t];
				s0 += e0 * e0;
				s1 += e1 * e1;
				s2 += e2 * e2;
				s3 += e3 * e3;
			}
			v[0] = sqrtf((float)s0);
			v[1] = sqrtf((float)s1);
			v[2] = sqrtf((float)s2);
			v[3] = sqrtf((float)s3);
			for (int l = 0; l < 4; l++) {
				memcpy(&u, &v[l], 4);
				r[c + l] = (uint64_t)u << 32 | (uint32_t)cand[c + l];
			}
		}
	for (; c < nc; c++) {
		v[0] = (float)knn_exact_dist(q, ref + (int64_t)cand[c] * d, d, metric);
		if (v[0] == 0.0f)
			v[0] = 0.0f; /* no -0 */
		memcpy(&u, &v[0], 4);
		r[c] = (uint64_t)u << 32 | (uint32_t)cand[c];
	}
	sc_u64_sort(r, nc);
	int w = 0;
	for (c = 0; c < nc && w < k; c++) {
		if (c > 0 && (uint32_t)r[c] == (uint32_t)r[c - 1])
			continue;
		u = (uint32_t)(r[c] >> 32);
		oidx[w] = (int32_t)(uint32_t)r[c];
		memcpy(&odist[w], &u, 4);
		w++;
	}
	for (; w < k; w++) { /* only reachable if the caller passed too few candidates */
		oidx[w] = -1;
		odist[w] = INFINITY;
	}
}

void knn_exact_scan(const float *q, const float *ref, int64_t nref, int64_t d, int64_t self,
		    enum sc_knn_metric metric, int k, float *hv, int32_t *hi, int32_t *oidx,
		    float *odist, void *scratch)
{
	int len = 0;
	for (int64_t j = 0; j < nref; j++) {
		if (j == self)
			continue;
		float v = (float)knn_exact_dist(q, ref + j * d, d, metric);
		if (len < k || v <= hv[0])
			knn_heap_push(hv, hi, &len, k, v, (int32_t)j);
	}
	knn_finish_row(q, ref, d, metric, hi, len, k, oidx, odist, scratch);
}

int knn_margin_proven(double lower_sq, float dk)
{
	return lower_sq > (double)dk * (double)dk * (1 + 0x1p-20) + 1e-30;
}

int knn_tiles_init(struct knn_tiles *t, int kk)
{
	t->kk = kk;
	t->tile = sc_malloc((size_t)QB * RB, sizeof(float));
	t->hv = sc_malloc((size_t)QB * kk, sizeof(float));
	t->hi = sc_malloc((size_t)QB * kk, sizeof(int32_t));
	t->hl = sc_malloc(QB, sizeof(int));
	t->scratch = sc_malloc((size_t)kk, sizeof(uint64_t));
	if (!t->tile || !t->hv || !t->hi || !t->hl || !t->scratch) {
		knn_tiles_release(t);
		return SC_ENOMEM;
	}
	return 0;
}

void knn_tiles_release(struct knn_tiles *t)
{
	free(t->tile);
	free(t->hv);
	free(t->hi);
	free(t->hl);
	free(t->scratch);
	t->tile = t->hv = NULL;
	t->hi = NULL;
	t->hl = NULL;
	t->scratch = NULL;
}

void knn_tiles_scan(struct knn_tiles *t, const float *qa, int64_t q0, int qb, const float *ra,
		    int64_t r0, int rb, int64_t d, int exclude_self)
{
	int kk = t->kk;
	/* tile = |y|^2 - 2 x.y: the squared distance less |x|^2, in one sgemm. The tile is
	 * cleared here and the sgemm adds into it (beta = 1): OpenBLAS's own beta = 0 pass
	 * clears C one float at a time and cost a quarter of the multiply; the values are the
	 * same bits (0 + the dot product either way). */
	memset(t->tile, 0, sizeof(float) * (size_t)qb * (size_t)rb);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, qb, rb, (int)d + 1, 1.0f,
		    qa + q0 * (d + 1), (int)d + 1, ra + r0 * (d + 1), (int)d + 1, 1.0f, t->tile,
		    rb);
	for (int a = 0; a < qb; a++) {
		int64_t self = exclude_self ? q0 + a - r0 : -1;
		knn_scan_row(t->tile + (int64_t)a * rb, rb, (int32_t)r0,
			     self >= 0 && self < rb ? (int)self : -1, t->hv + (int64_t)a * kk,
			     t->hi + (int64_t)a * kk, &t->hl[a], kk);
	}
}

struct job {
	const float *ref, *query;   /* augmented rows: [-2y, |y|^2] and [x, 1] */
	const float *ref0, *query0; /* the original rows for the exact distances */
	int64_t nref, nq, d, avail;
	double maxn;                /* largest |y|^2 of the reference rows */
	int k, kk, exclude_self;
	enum sc_knn_metric metric;
	atomic_llong next;
	struct sc_knn *out;
	int failed;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	int64_t d = j->d;
	int kk = j->kk;
	struct knn_tiles tb;
	float *ev = sc_malloc((size_t)j->k, sizeof(float));
	int32_t *ei = sc_malloc((size_t)j->k, sizeof(int32_t));
	if (!ev || !ei || knn_tiles_init(&tb, kk) < 0) {
		free(ev);
		free(ei);
		j->failed = 1;
		return NULL;
	}
	for (;;) {
		int64_t q0 = (int64_t)atomic_fetch_add(&j->next, QB);
		if (q0 >= j->nq)
			break;
		int qb = (int)(j->nq - q0 < QB ? j->nq - q0 : QB);
		memset(tb.hl, 0, sizeof(int) * (size_t)qb);
		for (int64_t r0 = 0; r0 < j->nref; r0 += RB) {
			int rb = (int)(j->nref - r0 < RB ? j->nref - r0 : RB);
			knn_tiles_scan(&tb, j->query, q0, qb, j->ref, r0, rb, d, j->exclude_self);
		}
		for (int a = 0; a < qb; a++) {
			int64_t row = q0 + a;
			const float *q = j->query0 + row * d;
			int32_t *oi = j->out->idx + row * j->k;
			float *od = j->out->dist + row * j->k;
			knn_finish_row(q, j->ref0, d, j->metric, tb.hi + (int64_t)a * kk, tb.hl[a], j->k,
				       oi, od, tb.scratch);
			if (j->metric != SC_KNN_EUCLIDEAN || tb.hl[a] >= j->avail)
				continue;
			/* Rows left out of the heap have tile value v >= W (its root); the true
			 * squared distance is |x|^2 + v within E (float32 error of the (d+1)-term
			 * dot product and of |y|^2). When that cannot beat or tie the k-th kept
			 * distance, the k are the true nearest (ties by index); else (duplicate
			 * points, near-ties at the boundary) the row is scanned exactly. */
			double xx = 0;
			for (int64_t t = 0; t < d; t++)
				xx += (double)q[t] * q[t];
			double E = (double)(d + 8) * 0x1p-24 * 1.01 * (xx + 2 * j->maxn);
			if (tb.hl[a] == kk && knn_margin_proven(xx + tb.hv[(int64_t)a * kk] - E, od[j->k - 1]))
				continue;
			knn_exact_scan(q, j->ref0, j->nref, d, j->exclude_self ? row : -1, j->metric, j->k,
				       ev, ei, oi, od, tb.scratch);
		}
	}
	knn_tiles_release(&tb);
	free(ev);
	free(ei);
	return NULL;
}

/* Unit-norm copy of the rows (zero rows stay zero) for cosine search. */
float *knn_normalised(const float *x, int64_t n, int64_t d)
{
	float *y = sc_malloc((size_t)n * (size_t)d, sizeof(float));
	if (!y)
		return NULL;
	for (int64_t i = 0; i < n; i++) {
		double s = 0;
		for (int64_t t = 0; t < d; t++)
			s += (double)x[i * d + t] * x[i * d + t];
		double f = s > 0 ? 1.0 / sqrt(s) : 0;
		for (int64_t t = 0; t < d; t++)
			y[i * d + t] = (float)(x[i * d + t] * f);
	}
	return y;
}


int knn_run_threads(void *(*fn)(void *), void *arg, int threads)
{
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : threads > 64 ? 64 : threads, started = 0, ret = 0;
	int saved = openblas_get_num_threads();
	openblas_set_num_threads(1);
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, fn, arg) != 0)
			break;
	fn(arg);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	openblas_set_num_threads(saved);
	return ret;
}

int sc_knn_query(const float *ref, int64_t nref, const float *query, int64_t nq, int64_t d, int k,
		 int exclude_self, enum sc_knn_metric metric, int threads, struct sc_knn *out)
{
	struct job j;
	float *ra = NULL, *qa = NULL, *rn = NULL, *qn = NULL;
	int ret = SC_ENOMEM;
	int64_t avail = nref - (exclude_self ? 1 : 0);
	out->idx = NULL;
	out->dist = NULL;
	if (d < 1 || d >= INT32_MAX || nref > INT32_MAX || nq < 0)
		return sc_seterr(SC_EUSAGE, "bad kNN input size (%lld x %lld)", (long long)nref,
				 (long long)d);
	if (exclude_self && nq != nref)
		return sc_seterr(SC_EUSAGE, "exclude_self needs the query to be the reference");
	if (k < 1 || k > avail || k > SC_KNN_MAX_K)
		return sc_seterr(SC_EUSAGE, "k = %d needs between 1 and %lld candidate neighbours", k,
				 (long long)avail);
	if (sc_knn_alloc(out, nq, k) < 0)
		return SC_ENOMEM;
	if (metric == SC_KNN_COSINE &&
	    (!(rn = knn_normalised(ref, nref, d)) || !(qn = knn_normalised(query, nq, d))))
		goto out;
	if (!(ra = knn_augment(rn ? rn : ref, nref, d, 1)) ||
	    !(qa = knn_augment(qn ? qn : query, nq, d, 0)))
		goto out;
	free(rn);
	free(qn);
	rn = qn = NULL;
	double maxn = 0;
	for (int64_t i = 0; i < nref; i++)
		if (ra[i * (d + 1) + d] > maxn)
			maxn = ra[i * (d + 1) + d];
	j = (struct job){ .ref = ra, .query = qa, .ref0 = ref, .query0 = query, .nref = nref,
			  .nq = nq, .d = d, .avail = avail, .maxn = maxn, .k = k,
			  .kk = (int)(k + MARGIN < avail ? k + MARGIN : avail),
			  .exclude_self = exclude_self, .metric = metric, .out = out };
	atomic_init(&j.next, 0);
	knn_run_threads(worker, &j, threads);
	if (j.failed)
		goto out;
	ret = 0;
out:
	free(rn);
	free(qn);
	free(ra);
	free(qa);
	if (ret < 0)
		sc_knn_release(out);
	return ret;
}

int sc_knn_exact(const float *x, int64_t n, int64_t d, int k, enum sc_knn_metric metric,
		 int threads, struct sc_knn *out)
{
	return sc_knn_query(x, n, x, n, d, k, 1, metric, threads, out);
}

int sc_knn_truncate(const struct sc_knn *in, int k, struct sc_knn *out)
{
	if (k < 1 || k > in->k)
		return sc_seterr(SC_EUSAGE, "cannot take %d neighbours of a %d-NN result", k, in->k);
	if (sc_knn_alloc(out, in->n, k) < 0)
		return SC_ENOMEM;
	for (int64_t i = 0; i < in->n; i++) {
		memcpy(out->idx + i * k, in->idx + i * in->k, sizeof(int32_t) * (size_t)k);
		memcpy(out->dist + i * k, in->dist + i * in->k, sizeof(float) * (size_t)k);
	}
	return 0;
}

struct gemm_job {
	const float *qa, *ra;
	int64_t n, d;
	atomic_llong next;
	int failed;
};

static void *gemm_worker(void *arg)
{
	struct gemm_job *j = arg;
	int64_t d = j->d;
	float *tile = sc_malloc((size_t)QB * RB, sizeof(float));
	if (!tile) {
		j->failed = 1;
		return NULL;
	}
	for (;;) {
		int64_t q0 = (int64_t)atomic_fetch_add(&j->next, QB);
		if (q0 >= j->n)
			break;
		int qb = (int)(j->n - q0 < QB ? j->n - q0 : QB);
		for (int64_t r0 = 0; r0 < j->n; r0 += RB) {
			int rb = (int)(j->n - r0 < RB ? j->n - r0 : RB);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, qb, rb, (int)d + 1, 1.0f,
				    j->qa + q0 * (d + 1), (int)d + 1, j->ra + r0 * (d + 1), (int)d + 1,
				    0.0f, tile, rb);
		}
	}
	free(tile);
	return NULL;
}

int sc_knn_gemm_baseline(const float *x, int64_t n, int64_t d, int threads, double *seconds,
			 double *cpu_seconds)
{
	struct gemm_job j = { 0 };
	struct timespec a, b, ca, cb;
	int ret = SC_ENOMEM;
	j.qa = knn_augment(x, n, d, 0);
	j.ra = knn_augment(x, n, d, 1);
	if (!j.qa || !j.ra)
		goto out;
	j.n = n;
	j.d = d;
	atomic_init(&j.next, 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
	knn_run_threads(gemm_worker, &j, threads);
	clock_gettime(CLOCK_MONOTONIC, &b);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
	if (j.failed)
		goto out;
	*seconds = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
	*cpu_seconds = (double)(cb.tv_sec - ca.tv_sec) + 1e-9 * (double)(cb.tv_nsec - ca.tv_nsec);
	ret = 0;
out:
	free((void *)j.qa);
	free((void *)j.ra);
	return ret;
}
