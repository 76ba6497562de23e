/* The fused all-pairs pass: kNN top-k and silhouettes from one symmetric sgemm sweep (see
 * allpairs.h).
 *
 * Per tile (rows r0..r1 against columns c0..c1, c0 >= r1 or the diagonal block itself):
 *   1. C = |x_i|^2 + |x_j|^2 is written, then one sgemm with alpha = -2, beta = 1 leaves the
 *      squared distances in C (beta = 1 spares OpenBLAS its separate C-scaling pass; -2 x.y
 *      is exact in float, so the value is the one (|x|^2 + |y|^2) - 2 x.y would give).
 *   2. Silhouettes: per row, sqrt(max(C, 0)) summed in double over each (label, batch)
 *      column range, and per run of rows of one (label, batch), the column sums (the
 *      transposed contributions). 256-bit vectors when the CPU has AVX (the scalar code sums
 *      in the same lane order, so both give the same bits).
 *   3. kNN: entries at or below the row's (column's) current heap threshold become
 *      candidates; thresholds only fall, so a stale one lets through a superset.
 *   4. Under the lock of each 256-row stripe touched: the tile's sums go into the 64-bit
 *      fixed-point accumulators and its candidates into the bounded heaps.
 * Then each row's candidates are re-ranked by exact distance (knn_finish_row, as
 * sc_knn_exact does) and the margin check proves the kept k are the true k nearest, else the
 * row is recomputed by an exact scan. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define AP_X86 1
#endif

#include "allpairs.h"
#include "knn_internal.h"
#include "sc_alloc.h"
#include "sc_progress.h"
#include "u64sort.h"

#define T 256        /* rows per block (and per lock stripe) */
#define MARGIN 8     /* extra kNN candidates kept for the exact re-ranking */

struct cand {
	int32_t t;  /* target row (sorted position) */
	int32_t nb; /* neighbour (original index) */
	float v;    /* approximate squared distance */
};

struct ap {
	const struct sc_allpairs_input *in;
	int64_t n, d;
	int32_t L, B;
	float *xp;      /* rows in (label, batch) order */
	float *nrm;     /* squared norms (float of the double sum) */
	int64_t *perm;  /* sorted position -> original row */
	int32_t *lab, *key; /* per sorted position: label, key = label * B + batch */
	int64_t *lstart, *kstart;
	/* silhouette sums, fixed point */
	int64_t *slab, *sown, *scos;
	double scale, cscale;
	int sil; /* any silhouette */
	/* kNN */
	int k, kk, cap;
	uint64_t *buf;  /* per row: up to cap candidate keys (cand_key), unordered */
	int32_t *cnt;
	uint32_t *thr; /* float bits of each row's threshold (INFINITY until its heap is full) */
	float maxn;
	/* work */
	int64_t nseg, *segb, *pfx; /* segments of positions; pair counts prefix */
	int64_t npairs;
	atomic_llong next;
	pthread_mutex_t *lock;
	int64_t nstripes;
	int sgemm_only, err, use_avx;
	double flops;
	/* finishing */
	struct sc_knn *out;
	atomic_llong exact_rows;
};

static int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }

static float thr_get(const struct ap *c, int64_t p)
{
	uint32_t u = __atomic_load_n(&c->thr[p], __ATOMIC_RELAXED);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static void thr_set(struct ap *c, int64_t p, float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	__atomic_store_n(&c->thr[p], u, __ATOMIC_RELAXED);
}

/* ---- per-row kernels ---- */

/* Fixed association of eight double lanes (the vector code's two 4-lane accumulators). */
static double lanes8(const double *a)
{
	return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

/* Distances sqrt(max(c, 0)) of one row: sums over each column segment into rs[s]; added to
 * cs[b] (column sums) when cs is not NULL. */
static void sil_row_scalar(const float *c, const int32_t *seg, int ns, double *rs, double *cs)
{
	for (int s = 0; s < ns; s++) {
		double a[8] = { 0 }, tail = 0;
		int b = seg[s], e = seg[s + 1];
		for (; b + 8 <= e; b += 8)
			for (int l = 0; l < 8; l++) {
				float v = sqrtf(c[b + l] > 0.0f ? c[b + l] : 0.0f);
				a[l] += v;
				if (cs)
					cs[b + l] += v;
			}
		for (; b < e; b++) {
			float v = sqrtf(c[b] > 0.0f ? c[b] : 0.0f);
			tail += v;
			if (cs)
				cs[b] += v;
		}
		rs[s] = lanes8(a) + tail;
	}
}

#ifdef AP_X86
__attribute__((target("avx"))) static void sil_row_avx(const float *c, const int32_t *seg,
							 int ns, double *rs, double *cs)
{
	const __m256 zero = _mm256_setzero_ps();
	for (int s = 0; s < ns; s++) {
		__m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
		double tail = 0, a[8];
		int b = seg[s], e = seg[s + 1];
		for (; b + 8 <= e; b += 8) {
			__m256 v = _mm256_sqrt_ps(_mm256_max_ps(_mm256_loadu_ps(c + b), zero));
			__m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
			__m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
			a0 = _mm256_add_pd(a0, lo);
			a1 = _mm256_add_pd(a1, hi);
			if (cs) {
				_mm256_storeu_pd(cs + b, _mm256_add_pd(_mm256_loadu_pd(cs + b), lo));
				_mm256_storeu_pd(cs + b + 4, _mm256_add_pd(_mm256_loadu_pd(cs + b + 4), hi));
			}
		}
		for (; b < e; b++) {
			float v = sqrtf(c[b] > 0.0f ? c[b] : 0.0f);
			tail += v;
			if (cs)
				cs[b] += v;
		}
		_mm256_storeu_pd(a, a0);
		_mm256_storeu_pd(a + 4, a1);
		rs[s] = lanes8(a) + tail;
	}
}
#endif

/* C[a][b] = ni[a] + nj[b]: the tile's |x|^2 + |y|^2 before the sgemm adds -2 x.y. */
static void prefill_scalar(float *C, const float *ni, int mr, const float *nj, int mc)
{
	for (int a = 0; a < mr; a++)
		for (int b = 0; b < mc; b++)
			C[(int64_t)a * mc + b] = ni[a] + nj[b];
}

#ifdef AP_X86
__attribute__((target("avx"))) static void prefill_avx(float *C, const float *ni, int mr,
							 const float *nj, int mc)
{
	for (int a = 0; a < mr; a++) {
		float *row = C + (int64_t)a * mc;
		__m256 v = _mm256_set1_ps(ni[a]);
		int b = 0;
		for (; b + 8 <= mc; b += 8)
			_mm256_storeu_ps(row + b, _mm256_add_ps(v, _mm256_loadu_ps(nj + b)));
		for (; b < mc; b++)
			row[b] = ni[a] + nj[b];
	}
}
#endif

/* kNN candidates of one row: row side (c[b] <= thr, b != self) and, when thrc is not NULL,
 * column side (c[b] <= thrc[b]). */
struct knn_row {
	const float *c;
	int m, self;
	float thr;
	const float *thrc;
	int32_t trow;          /* sorted position of the row */
	int32_t orow;          /* original index of the row */
	const int64_t *cperm;  /* original index of column b: cperm[b] */
	int64_t c0;            /* sorted position of column 0 */
	struct cand *rc, *cc;
	int nrc, ncc;
};

static void knn_lane(struct knn_row *k, int b)
{
	float v = k->c[b];
	if (v <= k->thr && b != k->self)
		k->rc[k->nrc++] = (struct cand){ k->trow, (int32_t)k->cperm[b], v };
	if (k->thrc && v <= k->thrc[b])
		k->cc[k->ncc++] = (struct cand){ (int32_t)(k->c0 + b), k->orow, v };
}

static void knn_row_scalar(struct knn_row *k)
{
	for (int b = 0; b < k->m; b++)
		knn_lane(k, b);
}

#ifdef AP_X86
__attribute__((target("avx"))) static void knn_row_avx(struct knn_row *k)
{
	const __m256 t = _mm256_set1_ps(k->thr);
	int b = 0;
	for (; b + 8 <= k->m; b += 8) {
		__m256 v = _mm256_loadu_ps(k->c + b);
		unsigned mr = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_LE_OQ)), mc = 0;
		if (k->thrc)
			mc = (unsigned)_mm256_movemask_ps(
				_mm256_cmp_ps(v, _mm256_loadu_ps(k->thrc + b), _CMP_LE_OQ));
		if (!(mr | mc))
			continue;
		for (; mr; mr &= mr - 1) {
			int e = b + __builtin_ctz(mr);
			if (e != k->self)
				k->rc[k->nrc++] = (struct cand){ k->trow, (int32_t)k->cperm[e], k->c[e] };
		}
		for (; mc; mc &= mc - 1) {
			int e = b + __builtin_ctz(mc);
			k->cc[k->ncc++] = (struct cand){ (int32_t)(k->c0 + e), k->orow, k->c[e] };
		}
	}
	for (; b < k->m; b++)
		knn_lane(k, b);
}
#endif

/* ---- tiles ---- */

struct scratch {
	float *C, *thrc;
	double *cs, *racc, *cacc, *rcos, *ccos;
	int32_t *cseg, *rseg;
	struct cand *rc, *cc;
};

static void scratch_free(struct scratch *s)
{
	free(s->C);
	free(s->thrc);
	free(s->cs);
	free(s->racc);
	free(s->cacc);
	free(s->rcos);
	free(s->ccos);
	free(s->cseg);
	free(s->rseg);
	free(s->rc);
	free(s->cc);
}

static int scratch_init(struct scratch *s, const struct ap *c)
{
	size_t t2 = (size_t)T * T;
	memset(s, 0, sizeof *s);
	s->C = calloc(t2, sizeof(float)); /* finite even for the sgemm-only calibration */
	s->thrc = malloc(sizeof(float) * T);
	s->cs = malloc(sizeof(double) * T);
	s->racc = malloc(sizeof(double) * t2);
	s->cacc = malloc(sizeof(double) * t2);
	s->cseg = malloc(sizeof(int32_t) * (T + 1));
	s->rseg = malloc(sizeof(int32_t) * (T + 1));
	if (c->scos) {
		s->rcos = malloc(sizeof(double) * t2);
		s->ccos = malloc(sizeof(double) * t2);
	}
	if (c->k) {
		s->rc = malloc(sizeof(struct cand) * t2);
		s->cc = malloc(sizeof(struct cand) * t2);
	}
	if (!s->C || !s->thrc || !s->cs || !s->racc || !s->cacc || !s->cseg || !s->rseg ||
	    (c->scos && (!s->rcos || !s->ccos)) || (c->k && (!s->rc || !s->cc))) {
		scratch_free(s);
		return -1;
	}
	return 0;
}

/* Runs of equal key over positions [p0, p1): offsets (relative to p0) into seg, count. */
static int runs(const struct ap *c, int64_t p0, int64_t p1, int32_t *seg)
{
	int ns = 0;
	seg[0] = 0;
	for (int64_t p = p0 + 1; p <= p1; p++)
		if (p == p1 || c->key[p] != c->key[p - 1])
			seg[++ns] = (int32_t)(p - p0);
	return ns;
}

static int64_t fx(double v, double scale)
{
	return (int64_t)(v * scale + 0.5); /* v >= 0 */
}

/* Add one row's tile sums (per key segment) into the fixed-point accumulators of row p. */
static void flush_sums(struct ap *c, int64_t p, const int32_t *keys, int ns, const double *acc,
		       const double *cacc, int stride)
{
	int32_t li = c->lab[p];
	for (int s = 0; s < ns; s++) {
		int32_t g = keys[s] / c->B, bb = keys[s] % c->B;
		if (c->slab)
			c->slab[p * c->L + g] += fx(acc[(int64_t)s * stride], c->scale);
		if (g != li)
			continue;
		if (c->sown)
			c->sown[p * c->B + bb] += fx(acc[(int64_t)s * stride], c->scale);
		if (c->scos)
			c->scos[p * c->B + bb] += fx(cacc[(int64_t)s * stride], c->cscale);
	}
}

/* Candidate key: (approximate squared distance, neighbour index) as one integer whose
 * unsigned order is the lexicographic order of the pair (the float bits mapped so that
 * negative values order below positive ones). */
static uint64_t cand_key(float v, int32_t idx)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
	return (uint64_t)u << 32 | (uint32_t)idx;
}

static float key_value(uint64_t key)
{
	uint32_t u = (uint32_t)(key >> 32);
	float v;
	u = (u & 0x80000000u) ? (u & 0x7fffffffu) : ~u;
	memcpy(&v, &u, 4);
	return v;
}

/* Keep a row's kk smallest keys; its threshold becomes the kk-th value. */
static void compact(struct ap *c, int64_t t)
{
	uint64_t *a = c->buf + t * c->cap;
	sc_u64_select(a, c->cnt[t], c->kk);
	c->cnt[t] = c->kk;
	thr_set(c, t, key_value(a[c->kk - 1]));
}

/* Append the candidates of rows [lo, hi) still at or below their current threshold. */
static void push_cands(struct ap *c, const struct cand *cb, int n, int64_t lo, int64_t hi)
{
	for (int i = 0; i < n; i++) {
		int64_t t = cb[i].t;
		if (t < lo || t >= hi || cb[i].v > thr_get(c, t))
			continue;
		if (c->cnt[t] == c->cap)
			compact(c, t);
		c->buf[t * c->cap + c->cnt[t]++] = cand_key(cb[i].v, cb[i].nb);
	}
}

/* Cosine distances of the same-label entries (BRAS): row sums per key segment into rcos, and
 * (off-diagonal) column sums per row run into ccos. */
static void cos_tile(struct ap *c, struct scratch *s, int64_t r0, int64_t r1, int64_t c0, int mc,
		     int ncs, int nrs, int diag)
{
	int run = 0;
	for (int64_t i = r0; i < r1; i++) {
		int a = (int)(i - r0);
		while (s->rseg[run + 1] <= a)
			run++;
		const float *row = s->C + (int64_t)a * mc;
		float ni = c->nrm[i];
		for (int q = 0; q < ncs; q++) {
			double sum = 0;
			int64_t j0 = c0 + s->cseg[q];
			if (c->lab[j0] != c->lab[i]) {
				s->rcos[(int64_t)a * ncs + q] = 0;
				continue;
			}
			for (int b = s->cseg[q]; b < s->cseg[q + 1]; b++) {
				int64_t j = c0 + b;
				float nj = c->nrm[j], g = 0.5f * ((ni + nj) - row[b]);
				float v = 1.0f - g / sqrtf(ni * nj);
				v = v < 0.0f ? 0.0f : (v > 2.0f ? 2.0f : v);
				if (j == i)
					v = 0.0f;
				sum += v;
				if (!diag)
					s->ccos[(int64_t)b * nrs + run] += v;
			}
			s->rcos[(int64_t)a * ncs + q] = sum;
		}
	}
}

static void do_tile(struct ap *c, struct scratch *s, int64_t r0, int64_t r1, int64_t c0,
		    int64_t c1)
{
	int mr = (int)(r1 - r0), mc = (int)(c1 - c0), diag = r0 == c0;
	int64_t d = c->d;
	float *C = s->C;
	if (!c->sgemm_only) {
#ifdef AP_X86
		if (c->use_avx)
			prefill_avx(C, c->nrm + r0, mr, c->nrm + c0, mc);
		else
#endif
			prefill_scalar(C, c->nrm + r0, mr, c->nrm + c0, mc);
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mr, mc, (int)d, -2.0f,
		    c->xp + r0 * d, (int)d, c->xp + c0 * d, (int)d, 1.0f, C, mc);
	if (c->sgemm_only)
		return;
	if (diag)
		for (int a = 0; a < mr; a++)
			C[(int64_t)a * mc + a] = 0.0f;
	/* silhouettes: needed when all pairs count, or when rows and columns share a label */
	int sil = c->sil && (c->slab || c->lab[r1 - 1] >= c->lab[c0]);
	int ncs = 0, nrs = 0;
	if (sil) {
		ncs = runs(c, c0, c1, s->cseg);
		nrs = runs(c, r0, r1, s->rseg);
		for (int run = 0; run < nrs; run++) {
			double *cs = diag ? NULL : s->cs;
			if (cs)
				memset(cs, 0, sizeof(double) * (size_t)mc);
			for (int a = s->rseg[run]; a < s->rseg[run + 1]; a++) {
#ifdef AP_X86
				if (c->use_avx)
					sil_row_avx(C + (int64_t)a * mc, s->cseg, ncs,
						    s->racc + (int64_t)a * ncs, cs);
				else
#endif
					sil_row_scalar(C + (int64_t)a * mc, s->cseg, ncs,
						       s->racc + (int64_t)a * ncs, cs);
			}
			if (cs)
				for (int b = 0; b < mc; b++)
					s->cacc[(int64_t)b * nrs + run] = cs[b];
		}
		if (c->scos) {
			if (!diag)
				memset(s->ccos, 0, sizeof(double) * (size_t)mc * (size_t)nrs);
			cos_tile(c, s, r0, r1, c0, mc, ncs, nrs, diag);
		}
	}
	struct knn_row kr = { .m = mc, .c0 = c0, .cperm = c->perm + c0, .rc = s->rc, .cc = s->cc };
	if (c->k) {
		if (!diag) {
			for (int b = 0; b < mc; b++)
				s->thrc[b] = thr_get(c, c0 + b);
			kr.thrc = s->thrc;
		}
		for (int a = 0; a < mr; a++) {
			kr.c = C + (int64_t)a * mc;
			kr.self = diag ? a : -1;
			kr.thr = thr_get(c, r0 + a);
			kr.trow = (int32_t)(r0 + a);
			kr.orow = (int32_t)c->perm[r0 + a];
#ifdef AP_X86
			if (c->use_avx)
				knn_row_avx(&kr);
			else
#endif
				knn_row_scalar(&kr);
		}
	}
	/* flush, one stripe lock at a time */
	int32_t ckeys[T], rkeys[T];
	for (int q = 0; q < ncs; q++)
		ckeys[q] = c->key[c0 + s->cseg[q]];
	for (int q = 0; q < nrs; q++)
		rkeys[q] = c->key[r0 + s->rseg[q]];
	for (int side = 0; side < (diag ? 1 : 2); side++) {
		int64_t p0 = side ? c0 : r0, p1 = side ? c1 : r1;
		for (int64_t st = p0 / T; st <= (p1 - 1) / T; st++) {
			int64_t lo = imax(p0, st * T), hi = imin(p1, (st + 1) * T);
			pthread_mutex_lock(&c->lock[st]);
			if (sil)
				for (int64_t p = lo; p < hi; p++) {
					int64_t o = p - p0;
					if (side)
						flush_sums(c, p, rkeys, nrs, s->cacc + o * nrs,
							   s->ccos ? s->ccos + o * nrs : NULL, 1);
					else
						flush_sums(c, p, ckeys, ncs, s->racc + o * ncs,
							   s->rcos ? s->rcos + o * ncs : NULL, 1);
				}
			if (c->k)
				push_cands(c, side ? kr.cc : kr.rc, side ? kr.ncc : kr.nrc, lo, hi);
			pthread_mutex_unlock(&c->lock[st]);
		}
	}
}

/* Pair index -> (I, J >= I) of nb blocks, numbered band by band (J - I = 0, 1, ...): near
 * blocks come first, so with cells ordered by label every row meets its likely neighbours
 * early and its kNN threshold is tight for the far blocks. */
static void pair_of(int64_t nb, int64_t p, int64_t *bi_out, int64_t *bj_out)
{
	int64_t lo = 0, hi = nb - 1;
	while (lo < hi) { /* last band starting at or before p */
		int64_t mid = (lo + hi + 1) / 2, start = mid * nb - mid * (mid - 1) / 2;
		if (start <= p)
			lo = mid;
		else
			hi = mid - 1;
	}
	*bi_out = p - (lo * nb - lo * (lo - 1) / 2);
	*bj_out = *bi_out + lo;
}

static void tile_of(const struct ap *c, int64_t p, int64_t *r0, int64_t *r1, int64_t *c0,
		    int64_t *c1)
{
	int64_t lo = 0, hi = c->nseg - 1;
	while (lo < hi) { /* last segment whose pairs start at or before p */
		int64_t mid = (lo + hi + 1) / 2;
		if (c->pfx[mid] <= p)
			lo = mid;
		else
			hi = mid - 1;
	}
	int64_t a = c->segb[lo], e = c->segb[lo + 1], nb = (e - a + T - 1) / T, bi, bj;
	pair_of(nb, p - c->pfx[lo], &bi, &bj);
	*r0 = a + bi * T;
	*r1 = imin(*r0 + T, e);
	*c0 = a + bj * T;
	*c1 = imin(*c0 + T, e);
}

static void *tile_worker(void *arg)
{
	struct ap *c = arg;
	struct scratch s;
	if (scratch_init(&s, c) < 0) {
		c->err = 1;
		return NULL;
	}
	for (;;) {
		int64_t p = (int64_t)atomic_fetch_add(&c->next, 1);
		if (p >= c->npairs)
			break;
		int64_t r0, r1, c0, c1;
		tile_of(c, p, &r0, &r1, &c0, &c1);
		do_tile(c, &s, r0, r1, c0, c1);
	}
	scratch_free(&s);
	return NULL;
}

/* Segments (whole range, or one per non-empty label) and their pair counts. */
static int set_tiles(struct ap *c, int within_label)
{
	int64_t ns = within_label ? c->L : 1;
	c->segb = sc_malloc((size_t)ns + 1, sizeof(int64_t));
	c->pfx = sc_malloc((size_t)ns + 1, sizeof(int64_t));
	if (!c->segb || !c->pfx)
		return SC_ENOMEM;
	c->nseg = 0;
	c->segb[0] = 0;
	c->pfx[0] = 0;
	c->flops = 0;
	for (int64_t g = 0; g < ns; g++) {
		int64_t a = within_label ? c->lstart[g] : 0, e = within_label ? c->lstart[g + 1] : c->n;
		if (e <= a)
			continue;
		int64_t nb = (e - a + T - 1) / T;
		c->segb[c->nseg] = a;
		c->segb[c->nseg + 1] = e;
		c->pfx[c->nseg + 1] = c->pfx[c->nseg] + nb * (nb + 1) / 2;
		c->nseg++;
		double len = (double)(e - a), sq = 0;
		for (int64_t bi = 0; bi < nb; bi++) {
			double r = (double)(imin(a + (bi + 1) * T, e) - (a + bi * T));
			sq += r * r;
		}
		c->flops += (double)c->d * (len * len + sq);
	}
	c->npairs = c->pfx[c->nseg];
	atomic_init(&c->next, 0);
	return 0;
}

/* ---- kNN finishing ---- */

static void *finish_worker(void *arg)
{
	struct ap *c = arg;
	int64_t d = c->d, avail = c->n - 1;
	int k = c->k, kk = c->kk;
	float *hv = sc_malloc((size_t)k, sizeof(float));
	int32_t *hi = sc_malloc((size_t)k, sizeof(int32_t)), *ci = sc_malloc((size_t)kk, sizeof(int32_t));
	void *scratch = sc_malloc((size_t)kk, sizeof(uint64_t));
	if (!hv || !hi || !ci || !scratch) {
		c->err = 1;
		goto out;
	}
	for (;;) {
		int64_t p0 = (int64_t)atomic_fetch_add(&c->next, 64);
		if (p0 >= c->n)
			break;
		for (int64_t p = p0; p < imin(p0 + 64, c->n); p++) {
			int64_t i = c->perm[p];
			int32_t *oi = c->out->idx + i * k;
			float *od = c->out->dist + i * k;
			uint64_t *a = c->buf + p * c->cap;
			if (c->cnt[p] > kk)
				sc_u64_select(a, c->cnt[p], kk);
			int nc = c->cnt[p] < kk ? c->cnt[p] : kk;
			for (int q = 0; q < nc; q++)
				ci[q] = (int32_t)(uint32_t)a[q];
			knn_finish_row(c->in->x + i * d, c->in->x, d, SC_KNN_EUCLIDEAN, ci, nc, k, oi, od,
				       scratch);
			if (c->cnt[p] >= avail)
				continue; /* every other row was a candidate */
			/* Left-out rows have approximate squared distance >= W (the kk-th kept), so
			 * true squared distance >= W - E (E: float32 error bound of the tile value).
			 * They cannot tie or beat the k-th kept distance when that is smaller. */
			double W = key_value(a[kk - 1]), ni = c->nrm[p];
			double E = (double)(d + 8) * 0x1p-24 * 1.01 * (ni + c->maxn);
			if (nc == kk && knn_margin_proven(W - E, od[k - 1]))
				continue;
			knn_exact_scan(c->in->x + i * d, c->in->x, c->n, d, i, SC_KNN_EUCLIDEAN, k, hv, hi,
				       oi, od, scratch);
			atomic_fetch_add(&c->exact_rows, 1);
		}
	}
out:
	free(hv);
	free(hi);
	free(ci);
	free(scratch);
	return NULL;
}

/* ---- silhouette finishing ---- */

static double sil_value(double a, double b)
{
	double mx = a > b ? a : b;
	double s = (b - a) / mx;
	return isnan(s) ? 0.0 : s;
}

static void finish_sil(const struct ap *c, struct sc_sil_result *out)
{
	int32_t L = c->L, B = c->B;
	const double inv = 1.0 / c->scale, cinv = 1.0 / c->cscale;
	for (int64_t i = 0; i < c->n; i++) {
		int32_t li = c->lab[i];
		int64_t ni = c->lstart[li + 1] - c->lstart[li];
		if (c->slab) {
			const int64_t *sl = c->slab + i * L;
			double a = ni > 1 ? (double)sl[li] * inv / (double)(ni - 1) : NAN, b = INFINITY;
			for (int32_t g = 0; g < L; g++) {
				int64_t ng = c->lstart[g + 1] - c->lstart[g];
				if (g != li && ng > 0 && (double)sl[g] * inv / (double)ng < b)
					b = (double)sl[g] * inv / (double)ng;
			}
			out->s_label[c->perm[i]] = ni > 1 ? sil_value(a, b) : 0.0;
		}
		if (!c->sown && !c->scos)
			continue;
		int32_t bi = c->key[i] % B;
		const int64_t *ks = c->kstart + (int64_t)li * B;
		int64_t nb = ks[bi + 1] - ks[bi];
		if (c->sown) {
			const int64_t *so = c->sown + i * B;
			double ab = nb > 1 ? (double)so[bi] * inv / (double)(nb - 1) : NAN, bb = INFINITY;
			for (int32_t k = 0; k < B; k++) {
				int64_t nk = ks[k + 1] - ks[k];
				if (k != bi && nk > 0 && (double)so[k] * inv / (double)nk < bb)
					bb = (double)so[k] * inv / (double)nk;
			}
			out->s_batch[c->perm[i]] = nb > 1 ? sil_value(ab, bb) : 0.0;
		}
		if (c->scos) {
			const int64_t *sc = c->scos + i * B;
			int64_t other = 0;
			for (int32_t k = 0; k < B; k++)
				if (k != bi)
					other += sc[k];
			double ac = nb > 1 ? (double)sc[bi] * cinv / (double)(nb - 1) : NAN;
			double bc = (double)other * cinv / (double)(ni - nb);
			out->s_bras[c->perm[i]] = sil_value(ac, bc);
		}
	}
}

/* ---- setup ---- */

static int check_input(const struct sc_allpairs_input *in)
{
	int sil = in->want_label || in->want_batch || in->want_bras;
	if (in->n < 1 || in->d < 1 || (sil && (!in->label || in->n_labels < 1)))
		return sc_seterr(SC_EUSAGE, "all-pairs pass: empty input");
	if (in->n > INT32_MAX || in->d > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "all-pairs pass: matrix too large for BLAS int sizes");
	if ((in->want_batch || in->want_bras) && !in->batch)
		return sc_seterr(SC_EUSAGE, "all-pairs pass: batch silhouettes need batch codes");
	if (in->knn_k < 0 || in->knn_k > SC_KNN_MAX_K || (in->knn_k > 0 && in->knn_k > in->n - 1))
		return sc_seterr(SC_EUSAGE, "k = %d needs between 1 and %lld candidate neighbours",
				 in->knn_k, (long long)(in->n - 1));
	int32_t L = in->label ? in->n_labels : 1, B = in->batch ? in->n_batches : 1;
	if (L < 1 || B < 1 || (int64_t)L * B > (1 << 24))
		return sc_seterr(SC_EUSAGE, "all-pairs pass: too many label x batch groups");
	for (int64_t i = 0; i < in->n; i++) {
		if (in->label && (in->label[i] < 0 || in->label[i] >= in->n_labels))
			return sc_seterr(SC_EUSAGE, "silhouette: label code out of range (cell %lld)",
					 (long long)i);
		if (in->batch && (in->batch[i] < 0 || in->batch[i] >= in->n_batches))
			return sc_seterr(SC_EUSAGE, "silhouette: batch code out of range (cell %lld)",
					 (long long)i);
	}
	return 0;
}

/* Counting sort by (label, batch): perm, sorted codes, range starts, rows and norms. */
static int sort_cells(struct ap *c)
{
	const struct sc_allpairs_input *in = c->in;
	int64_t nk = (int64_t)c->L * c->B, *cur = sc_malloc((size_t)nk, sizeof(int64_t));
	if (!cur)
		return SC_ENOMEM;
	for (int64_t i = 0; i < c->n; i++) {
		int64_t k = (int64_t)(in->label ? in->label[i] : 0) * c->B + (in->batch ? in->batch[i] : 0);
		c->kstart[k + 1]++;
	}
	for (int64_t k = 0; k < nk; k++)
		c->kstart[k + 1] += c->kstart[k];
	for (int32_t g = 0; g <= c->L; g++)
		c->lstart[g] = c->kstart[(int64_t)g * c->B];
	memcpy(cur, c->kstart, sizeof(int64_t) * (size_t)nk);
	c->maxn = 0;
	for (int64_t i = 0; i < c->n; i++) {
		int32_t g = in->label ? in->label[i] : 0;
		int64_t k = (int64_t)g * c->B + (in->batch ? in->batch[i] : 0);
		int64_t p = cur[k]++;
		c->perm[p] = i;
		c->lab[p] = g;
		c->key[p] = (int32_t)k;
		memcpy(c->xp + p * c->d, in->x + i * c->d, sizeof(float) * (size_t)c->d);
		double s = 0;
		for (int64_t j = 0; j < c->d; j++)
			s += (double)in->x[i * c->d + j] * in->x[i * c->d + j];
		c->nrm[p] = (float)s;
		if (c->nrm[p] > c->maxn)
			c->maxn = c->nrm[p];
	}
	free(cur);
	return 0;
}

/* Fixed-point scales: n sums of distances below the largest possible one stay under 2^61. */
static void set_scales(struct ap *c)
{
	double maxd = 2 * sqrt((double)c->maxn) * 1.01 + 1e-30, lim = ldexp(1.0, 61) / (double)c->n;
	c->scale = ldexp(1.0, (int)floor(log2(lim / maxd)));
	c->cscale = ldexp(1.0, (int)floor(log2(lim / 2.0)));
}

static int alloc_all(struct ap *c, struct sc_sil_result *sil, struct sc_knn *knn)
{
	const struct sc_allpairs_input *in = c->in;
	int64_t n = c->n;
	c->perm = sc_malloc((size_t)n, sizeof(int64_t));
	c->xp = sc_malloc((size_t)n * (size_t)c->d, sizeof(float));
	c->nrm = sc_malloc((size_t)n, sizeof(float));
	c->lab = sc_malloc((size_t)n, sizeof(int32_t));
	c->key = sc_malloc((size_t)n, sizeof(int32_t));
	c->lstart = sc_calloc((size_t)c->L + 1, sizeof(int64_t));
	c->kstart = sc_calloc((size_t)c->L * (size_t)c->B + 1, sizeof(int64_t));
	c->nstripes = (n + T - 1) / T;
	c->lock = sc_calloc((size_t)c->nstripes, sizeof(pthread_mutex_t));
	if (!c->perm || !c->xp || !c->nrm || !c->lab || !c->key || !c->lstart || !c->kstart ||
	    !c->lock)
		return SC_ENOMEM;
	if (in->want_label && (!(c->slab = sc_calloc((size_t)n, (size_t)c->L * sizeof(int64_t))) ||
			       !(sil->s_label = sc_malloc((size_t)n, sizeof(double)))))
		return SC_ENOMEM;
	if (in->want_batch && (!(c->sown = sc_calloc((size_t)n, (size_t)c->B * sizeof(int64_t))) ||
			       !(sil->s_batch = sc_malloc((size_t)n, sizeof(double)))))
		return SC_ENOMEM;
	if (in->want_bras && (!(c->scos = sc_calloc((size_t)n, (size_t)c->B * sizeof(int64_t))) ||
			      !(sil->s_bras = sc_malloc((size_t)n, sizeof(double)))))
		return SC_ENOMEM;
	if (c->k) {
		c->buf = sc_malloc((size_t)n, (size_t)c->cap * sizeof(uint64_t));
		c->cnt = sc_calloc((size_t)n, sizeof(int32_t));
		c->thr = sc_malloc((size_t)n, sizeof(uint32_t));
		if (!c->buf || !c->cnt || !c->thr || sc_knn_alloc(knn, n, c->k) < 0)
			return SC_ENOMEM;
		for (int64_t p = 0; p < n; p++)
			thr_set(c, p, INFINITY);
	}
	return 0;
}

static void ap_release(struct ap *c)
{
	free(c->perm);
	free(c->xp);
	free(c->nrm);
	free(c->lab);
	free(c->key);
	free(c->lstart);
	free(c->kstart);
	free(c->lock);
	free(c->slab);
	free(c->sown);
	free(c->scos);
	free(c->buf);
	free(c->cnt);
	free(c->thr);
	free(c->segb);
	free(c->pfx);
}

static int use_avx(void)
{
#ifdef AP_X86
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx") != 0;
#else
	return 0;
#endif
}

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int sc_allpairs_compute(const struct sc_allpairs_input *in, struct sc_sil_result *sil,
			struct sc_knn *knn, struct sc_allpairs_stats *stats)
{
	struct ap c;
	int ret = check_input(in), nt = in->threads > 0 ? in->threads : 1;
	struct sc_knn dummy = SC_KNN_INIT;
	double cpu0 = cpu_now();
	if (!knn)
		knn = &dummy;
	sil->s_label = sil->s_batch = sil->s_bras = NULL;
	knn->idx = NULL;
	knn->dist = NULL;
	if (ret < 0)
		return ret;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.n = in->n;
	c.d = in->d;
	c.L = in->label ? in->n_labels : 1;
	c.B = in->batch ? in->n_batches : 1;
	c.sil = in->want_label || in->want_batch || in->want_bras;
	c.k = in->knn_k;
	c.kk = (int)imin((int64_t)c.k + MARGIN, c.n - 1);
	c.cap = 2 * c.kk + 8; /* appends between two selections of the kk smallest */
	c.out = knn;
	c.use_avx = use_avx();
	atomic_init(&c.exact_rows, 0);
	if ((ret = alloc_all(&c, sil, knn)) < 0 || (ret = sort_cells(&c)) < 0)
		goto out;
	for (int64_t s = 0; s < c.nstripes; s++)
		pthread_mutex_init(&c.lock[s], NULL);
	set_scales(&c);
	/* batch silhouettes alone need only the within-label blocks */
	if ((ret = set_tiles(&c, !in->want_label && !c.k)) < 0)
		goto out;
	knn_run_threads(tile_worker, &c, nt);
	if (!c.err && c.k) {
		atomic_init(&c.next, 0);
		knn_run_threads(finish_worker, &c, nt);
	}
	for (int64_t s = 0; s < c.nstripes; s++)
		pthread_mutex_destroy(&c.lock[s]);
	if (c.err) {
		ret = sc_seterr(SC_ENOMEM, "all-pairs pass: out of memory for tiles");
		goto out;
	}
	if (c.sil)
		finish_sil(&c, sil);
	double eff = 0;
	for (int64_t s = 0; s < c.nseg; s++) {
		double len = (double)(c.segb[s + 1] - c.segb[s]);
		eff += 2.0 * len * len * (double)c.d;
	}
	sil->flops = eff;
	sil->flops_executed = c.flops;
	if (stats) {
		stats->flops = eff;
		stats->flops_executed = c.flops;
		stats->exact_rows = (int64_t)atomic_load(&c.exact_rows);
		stats->cpu_seconds = cpu_now() - cpu0;
	}
	ret = 0;
out:
	if (ret < 0) {
		sc_sil_result_release(sil);
		sc_knn_release(knn);
	}
	ap_release(&c);
	return ret;
}

double sc_allpairs_sgemm_gflops(const float *x, int64_t n, int64_t d, int threads,
				double *per_cpu)
{
	struct ap c;
	int nt = threads < 1 ? 1 : threads;
	double res = NAN;
	if (n < 1 || d < 1 || n > INT32_MAX || d > INT32_MAX)
		return NAN;
	memset(&c, 0, sizeof c);
	c.n = n;
	c.d = d;
	c.L = c.B = 1;
	c.sgemm_only = 1;
	c.xp = (float *)x; /* only read */
	c.nrm = sc_calloc((size_t)n, sizeof(float));
	if (c.nrm && set_tiles(&c, 0) == 0) {
		double t0 = sc_now(), u0 = cpu_now();
		knn_run_threads(tile_worker, &c, nt);
		double s = sc_now() - t0, u = cpu_now() - u0;
		if (!c.err && s > 0)
			res = c.flops / s / 1e9;
		if (per_cpu)
			*per_cpu = !c.err && u > 0 ? c.flops / u / 1e9 : NAN;
	}
	free(c.nrm);
	free(c.segb);
	free(c.pfx);
	return res;
}
