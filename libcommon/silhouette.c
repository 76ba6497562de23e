/* Silhouettes fused into BLAS tiles (see silhouette.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sc_alloc.h"
#include "sc_progress.h"
#include "silhouette.h"

#define TILE 256

struct sil_ctx {
	const struct sc_sil_input *in;
	int64_t n, d;
	int32_t L, B;
	float *xp;       /* cells in (label, batch) order */
	float *nrm;      /* squared norms, float */
	int32_t *lab;    /* sorted labels */
	int32_t *bat;    /* sorted batches (0 when no batch) */
	int64_t *lstart; /* L + 1 label ranges */
	int64_t *kstart; /* L*B + 1 (label, batch) ranges */
	/* Sums in fixed point (value * scale, int64): integer addition is associative, so the
	 * totals do not depend on which thread adds which tile first. */
	int64_t *slab;   /* n x L euclidean sums to each label */
	int64_t *sown;   /* n x B euclidean sums to each batch of the own label */
	int64_t *scos;   /* n x B cosine sums to each batch of the own label */
	double scale, cscale;
	atomic_long next;
	int64_t nb;      /* block count; pairs (I, J >= I) are the work items */
	int64_t npairs;
	int err;
	int sgemm_only; /* calibration: the tiles' sgemm calls alone */
	double flops;   /* executed GEMM flops */
};

static void fx_add(int64_t *p, double v, double scale)
{
	__atomic_fetch_add(p, (int64_t)llround(v * scale), __ATOMIC_RELAXED);
}

/* out[k] = sqrt(max(0, ni + nj[k] - 2 g[k])). */
static void dist_row(const float *g, const float *nj, float ni, float *out, int64_t m)
{
	int64_t k = 0;
#ifdef __SSE2__
	__m128 vni = _mm_set1_ps(ni), two = _mm_set1_ps(2.0f), zero = _mm_setzero_ps();
	for (; k + 4 <= m; k += 4) {
		__m128 v = _mm_sub_ps(_mm_add_ps(vni, _mm_loadu_ps(nj + k)),
				      _mm_mul_ps(two, _mm_loadu_ps(g + k)));
		_mm_storeu_ps(out + k, _mm_sqrt_ps(_mm_max_ps(v, zero)));
	}
#endif
	for (; k < m; k++) {
		float v = ni + nj[k] - 2.0f * g[k];
		out[k] = sqrtf(v > 0.0f ? v : 0.0f);
	}
}

/* Sum in double with a fixed association (eight lanes). */
static double sum_range(const float *v, int64_t m)
{
	double a[8] = { 0 };
	int64_t k = 0;
	for (; k + 8 <= m; k += 8)
		for (int l = 0; l < 8; l++)
			a[l] += v[k + l];
	for (int l = 0; k < m; k++, l++)
		a[l] += v[k];
	return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

static float cos_dist(float g, float ni, float nj)
{
	float v = 1.0f - g / sqrtf(ni * nj);
	return v < 0.0f ? 0.0f : (v > 2.0f ? 2.0f : v);
}

static int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

/* Row i (of block I) against columns [c0, c1): per-label and per-own-batch sums. */
static void row_side(struct sil_ctx *c, int64_t i, const float *grow, const float *drow,
		     int64_t c0, int64_t c1, float *cbuf)
{
	int32_t li = c->lab[i];
	for (int32_t g = c->lab[c0]; g < c->L && c->lstart[g] < c1; g++) {
		int64_t a = imax(c->lstart[g], c0), b = imin(c->lstart[g + 1], c1);
		if (a >= b)
			continue;
		if (g != li || !c->sown) {
			fx_add(c->slab + i * c->L + g, sum_range(drow + (a - c0), b - a), c->scale);
			continue;
		}
		double tot = 0;
		for (int32_t bb = 0; bb < c->B; bb++) {
			int64_t k = (int64_t)g * c->B + bb;
			int64_t sa = imax(c->kstart[k], a), sb = imin(c->kstart[k + 1], b);
			if (sa >= sb)
				continue;
			double s = sum_range(drow + (sa - c0), sb - sa);
			tot += s;
			fx_add(c->sown + i * c->B + bb, s, c->scale);
		}
		fx_add(c->slab + i * c->L + g, tot, c->scale);
		if (!c->scos)
			continue;
		for (int64_t j = a; j < b; j++)
			cbuf[j - a] = j == i ? 0.0f : cos_dist(grow[j - c0], c->nrm[i], c->nrm[j]);
		for (int32_t bb = 0; bb < c->B; bb++) {
			int64_t k = (int64_t)g * c->B + bb;
			int64_t sa = imax(c->kstart[k], a), sb = imin(c->kstart[k + 1], b);
			if (sa < sb)
				fx_add(c->scos + i * c->B + bb, sum_range(cbuf + (sa - a), sb - sa), c->cscale);
		}
	}
}

/* The transposed contributions of an off-diagonal tile: for each (label, batch) run of the
 * block's rows [r0, r1), column sums over the run go to the columns' accumulators. */
static void col_side(struct sil_ctx *c, int64_t r0, int64_t r1, int64_t c0, int64_t c1,
		     const float *G, const float *D, double *cs, double *cc)
{
	int64_t m = c1 - c0;
	for (int64_t s0 = r0; s0 < r1;) {
		int32_t g = c->lab[s0], b = c->bat[s0];
		int64_t k = (int64_t)g * c->B + b, s1 = imin(c->kstart[k + 1], r1);
		/* columns sharing label g (contiguous): own-batch and cosine sums too */
		int64_t ga = imax(c->lstart[g], c0), gb = imin(c->lstart[g + 1], c1);
		for (int64_t j = 0; j < m; j++)
			cs[j] = 0;
		for (int64_t i = s0; i < s1; i++) {
			const float *dr = D + (i - r0) * m;
			for (int64_t j = 0; j < m; j++)
				cs[j] += dr[j];
		}
		for (int64_t j = c0; j < c1; j++) {
			fx_add(c->slab + j * c->L + g, cs[j - c0], c->scale);
			if (c->sown && j >= ga && j < gb)
				fx_add(c->sown + j * c->B + b, cs[j - c0], c->scale);
		}
		if (c->scos && ga < gb) {
			for (int64_t j = ga; j < gb; j++)
				cc[j - ga] = 0;
			for (int64_t i = s0; i < s1; i++) {
				const float *gr = G + (i - r0) * m;
				for (int64_t j = ga; j < gb; j++)
					cc[j - ga] += cos_dist(gr[j - c0], c->nrm[i], c->nrm[j]);
			}
			for (int64_t j = ga; j < gb; j++)
				fx_add(c->scos + j * c->B + b, cc[j - ga], c->cscale);
		}
		s0 = s1;
	}
}

/* Pair index -> (I, J >= I): pairs are numbered block-row by block-row. */
static void pair_of(int64_t nb, int64_t p, int64_t *bi_out, int64_t *bj_out)
{
	int64_t lo = 0, hi = nb - 1;
	while (lo < hi) { /* first row whose pairs end after p */
		int64_t mid = (lo + hi) / 2, end = (mid + 1) * nb - mid * (mid + 1) / 2;
		if (end > p)
			hi = mid;
		else
			lo = mid + 1;
	}
	*bi_out = lo;
	*bj_out = lo + (p - (lo * nb - lo * (lo - 1) / 2));
}

static void *worker(void *arg)
{
	struct sil_ctx *c = arg;
	size_t t2 = (size_t)TILE * TILE;
	float *G = malloc(sizeof(float) * t2), *D = malloc(sizeof(float) * t2);
	float *cbuf = malloc(sizeof(float) * TILE);
	double *cs = malloc(sizeof(double) * TILE), *cc = malloc(sizeof(double) * TILE);
	if (!G || !D || !cbuf || !cs || !cc) {
		c->err = 1;
		goto out;
	}
	for (;;) {
		long p = atomic_fetch_add(&c->next, 1);
		if (p >= c->npairs)
			break;
		int64_t bi, bj;
		pair_of(c->nb, p, &bi, &bj);
		int64_t r0 = bi * TILE, r1 = imin(r0 + TILE, c->n);
		int64_t c0 = bj * TILE, c1 = imin(c0 + TILE, c->n), m = c1 - c0;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)m, (int)c->d,
			    1.0f, c->xp + r0 * c->d, (int)c->d, c->xp + c0 * c->d, (int)c->d, 0.0f, G,
			    (int)m);
		if (c->sgemm_only)
			continue;
		for (int64_t i = r0; i < r1; i++) {
			float *dr = D + (i - r0) * m;
			dist_row(G + (i - r0) * m, c->nrm + c0, c->nrm[i], dr, m);
			if (bi == bj)
				dr[i - c0] = 0.0f;
			row_side(c, i, G + (i - r0) * m, dr, c0, c1, cbuf);
		}
		if (bi != bj)
			col_side(c, r0, r1, c0, c1, G, D, cs, cc);
	}
out:
	free(G);
	free(D);
	free(cbuf);
	free(cs);
	free(cc);
	return NULL;
}

static double sil_value(double a, double b)
{
	double mx = a > b ? a : b;
	double s = (b - a) / mx;
	return isnan(s) ? 0.0 : s;
}

/* Turn the sums into per-cell silhouettes (written in original cell order). */
static void finish(struct sil_ctx *c, const int64_t *perm, struct sc_sil_result *out)
{
	int32_t L = c->L, B = c->B;
	for (int64_t i = 0; i < c->n; i++) {
		int32_t li = c->lab[i];
		int64_t ni = c->lstart[li + 1] - c->lstart[li];
		const int64_t *sl = c->slab + i * L;
		const double inv = 1.0 / c->scale, cinv = 1.0 / c->cscale;
		double a = ni > 1 ? (double)sl[li] * inv / (double)(ni - 1) : NAN, b = INFINITY;
		for (int32_t g = 0; g < L; g++) {
			int64_t ng = c->lstart[g + 1] - c->lstart[g];
			if (g != li && ng > 0 && (double)sl[g] * inv / (double)ng < b)
				b = (double)sl[g] * inv / (double)ng;
		}
		out->s_label[perm[i]] = ni > 1 ? sil_value(a, b) : 0.0;
		if (!c->sown)
			continue;
		int32_t bi = c->bat[i];
		const int64_t *ks = c->kstart + (int64_t)li * B;
		int64_t nb = ks[bi + 1] - ks[bi];
		const int64_t *so = c->sown + i * B;
		double ab = nb > 1 ? (double)so[bi] * inv / (double)(nb - 1) : NAN, bb = INFINITY;
		for (int32_t k = 0; k < B; k++) {
			int64_t nk = ks[k + 1] - ks[k];
			if (k != bi && nk > 0 && (double)so[k] * inv / (double)nk < bb)
				bb = (double)so[k] * inv / (double)nk;
		}
		out->s_batch[perm[i]] = nb > 1 ? sil_value(ab, bb) : 0.0;
		if (!c->scos)
			continue;
		const int64_t *sc = c->scos + i * B;
		int64_t other = 0;
		for (int32_t k = 0; k < B; k++)
			if (k != bi)
				other += sc[k];
		double ac = nb > 1 ? (double)sc[bi] * cinv / (double)(nb - 1) : NAN;
		double bc = (double)other * cinv / (double)(ni - nb);
		out->s_bras[perm[i]] = sil_value(ac, bc);
	}
}

static int check_input(const struct sc_sil_input *in)
{
	if (in->n < 1 || in->d < 1 || in->n_labels < 1)
		return sc_seterr(SC_EUSAGE, "silhouette: empty input");
	if (in->n > INT32_MAX || in->d > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "silhouette: matrix too large for BLAS int sizes");
	if (in->batch && (in->n_batches < 1 || (int64_t)in->n_labels * in->n_batches > (1 << 24)))
		return sc_seterr(SC_EUSAGE, "silhouette: too many label x batch groups");
	for (int64_t i = 0; i < in->n; i++) {
		if (in->label[i] < 0 || in->label[i] >= in->n_labels)
			return sc_seterr(SC_EUSAGE, "silhouette: label code out of range (cell %lld)",
					 (long long)i);
		if (in->batch && (in->batch[i] < 0 || in->batch[i] >= in->n_batches))
			return sc_seterr(SC_EUSAGE, "silhouette: batch code out of range (cell %lld)",
					 (long long)i);
	}
	return 0;
}

/* Counting sort by (label, batch): perm, sorted codes and range starts. */
static void sort_cells(struct sil_ctx *c, int64_t *perm)
{
	const struct sc_sil_input *in = c->in;
	int64_t nk = (int64_t)c->L * c->B;
	for (int64_t i = 0; i < c->n; i++) {
		int64_t k = (int64_t)in->label[i] * c->B + (in->batch ? in->batch[i] : 0);
		c->kstart[k + 1]++;
	}
	for (int64_t k = 0; k < nk; k++)
		c->kstart[k + 1] += c->kstart[k];
	for (int32_t g = 0; g <= c->L; g++)
		c->lstart[g] = c->kstart[(int64_t)g * c->B];
	/* stable placement with a cursor per key */
	int64_t *cur = malloc(sizeof(int64_t) * (size_t)(nk > 0 ? nk : 1));
	if (!cur) {
		c->err = 1;
		return;
	}
	memcpy(cur, c->kstart, sizeof(int64_t) * (size_t)nk);
	for (int64_t i = 0; i < c->n; i++) {
		int64_t k = (int64_t)in->label[i] * c->B + (in->batch ? in->batch[i] : 0);
		int64_t p = cur[k]++;
		perm[p] = i;
		c->lab[p] = in->label[i];
		c->bat[p] = in->batch ? in->batch[i] : 0;
		memcpy(c->xp + p * c->d, in->x + i * c->d, sizeof(float) * (size_t)c->d);
		double s = 0;
		for (int64_t j = 0; j < c->d; j++)
			s += (double)in->x[i * c->d + j] * in->x[i * c->d + j];
		c->nrm[p] = (float)s;
	}
	free(cur);
}

/* Work items: the pairs (I, J >= I) of TILE-row blocks; executed GEMM flops. */
static void set_tiles(struct sil_ctx *c)
{
	c->nb = (c->n + TILE - 1) / TILE;
	c->npairs = c->nb * (c->nb + 1) / 2;
	atomic_init(&c->next, 0);
	double sq = 0;
	for (int64_t bi = 0; bi < c->nb; bi++) {
		double r = (double)(imin((bi + 1) * TILE, c->n) - bi * TILE);
		sq += r * r;
	}
	c->flops = (double)c->d * ((double)c->n * (double)c->n + sq);
}

/* Fixed-point scales: n sums of distances below the largest possible one stay under 2^61. */
static void set_scales(struct sil_ctx *c)
{
	double mx = 0;
	for (int64_t i = 0; i < c->n; i++)
		if (c->nrm[i] > mx)
			mx = c->nrm[i];
	double maxd = 2 * sqrt(mx) * 1.01 + 1e-30, lim = ldexp(1.0, 61) / (double)c->n;
	c->scale = ldexp(1.0, (int)floor(log2(lim / maxd)));
	c->cscale = ldexp(1.0, (int)floor(log2(lim / 2.0)));
}

int sc_silhouette_compute(const struct sc_sil_input *in, struct sc_sil_result *out)
{
	struct sil_ctx c;
	int64_t *perm = NULL;
	pthread_t *tid = NULL;
	int ret = check_input(in), blas_threads = openblas_get_num_threads();
	if (ret < 0)
		return ret;
	memset(&c, 0, sizeof c);
	c.in = in;
	c.n = in->n;
	c.d = in->d;
	c.L = in->n_labels;
	c.B = in->batch ? in->n_batches : 1;
	int nt = in->threads > 0 ? in->threads : 1;
	ret = SC_ENOMEM;
	perm = sc_malloc((size_t)c.n, sizeof *perm);
	c.xp = sc_malloc((size_t)c.n * (size_t)c.d, sizeof(float));
	c.nrm = sc_malloc((size_t)c.n, sizeof(float));
	c.lab = sc_malloc((size_t)c.n, sizeof(int32_t));
	c.bat = sc_malloc((size_t)c.n, sizeof(int32_t));
	c.lstart = sc_calloc((size_t)c.L + 1, sizeof(int64_t));
	c.kstart = sc_calloc((size_t)c.L * (size_t)c.B + 1, sizeof(int64_t));
	c.slab = sc_calloc((size_t)c.n, (size_t)c.L * sizeof(int64_t));
	out->s_label = sc_malloc((size_t)c.n, sizeof(double));
	if (!perm || !c.xp || !c.nrm || !c.lab || !c.bat || !c.lstart || !c.kstart || !c.slab ||
	    !out->s_label)
		goto out;
	if (in->batch) {
		c.sown = sc_calloc((size_t)c.n, (size_t)c.B * sizeof(int64_t));
		out->s_batch = sc_malloc((size_t)c.n, sizeof(double));
		if (!c.sown || !out->s_batch)
			goto out;
		if (in->want_bras) {
			c.scos = sc_calloc((size_t)c.n, (size_t)c.B * sizeof(int64_t));
			out->s_bras = sc_malloc((size_t)c.n, sizeof(double));
			if (!c.scos || !out->s_bras)
				goto out;
		}
	}
	sort_cells(&c, perm);
	if (c.err)
		goto out;
	set_tiles(&c);
	set_scales(&c);
	openblas_set_num_threads(1);
	tid = sc_calloc((size_t)nt, sizeof *tid);
	if (!tid)
		goto out;
	int started = 0;
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, worker, &c) != 0)
			break;
	worker(&c);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	openblas_set_num_threads(blas_threads);
	if (c.err) {
		ret = sc_seterr(SC_ENOMEM, "silhouette: out of memory for tiles");
		goto out;
	}
	finish(&c, perm, out);
	out->flops = 2.0 * (double)c.n * (double)c.n * (double)c.d;
	out->flops_executed = c.flops;
	ret = 0;
out:
	if (ret < 0) {
		sc_sil_result_release(out);
	}
	free(tid);
	free(perm);
	free(c.xp);
	free(c.nrm);
	free(c.lab);
	free(c.bat);
	free(c.lstart);
	free(c.kstart);
	free(c.slab);
	free(c.sown);
	free(c.scos);
	return ret;
}

void sc_sil_result_release(struct sc_sil_result *r)
{
	if (!r)
		return;
	free(r->s_label);
	free(r->s_batch);
	free(r->s_bras);
	r->s_label = r->s_batch = r->s_bras = NULL;
}

double sc_silhouette_mean(const double *s, int64_t n)
{
	double t = 0;
	for (int64_t i = 0; i < n; i++)
		t += s[i];
	return n > 0 ? t / (double)n : NAN;
}

double sc_silhouette_batch_score(const double *s, const int32_t *label, int32_t n_labels,
				 const int32_t *batch, int32_t n_batches, int64_t n, int scale,
				 int32_t *n_kept)
{
	double *sum = calloc((size_t)n_labels, sizeof(double));
	int64_t *cnt = calloc((size_t)n_labels, sizeof(int64_t));
	int32_t *nb = calloc((size_t)n_labels, sizeof(int32_t));
	unsigned char *seen = calloc((size_t)n_labels * (size_t)n_batches, 1);
	double total = 0, res = NAN;
	int32_t kept = 0;
	if (!sum || !cnt || !nb || !seen)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		int32_t g = label[i];
		unsigned char *f = seen + (size_t)g * (size_t)n_batches + (size_t)batch[i];
		if (!*f) {
			*f = 1;
			nb[g]++;
		}
		cnt[g]++;
		sum[g] += scale ? 1.0 - fabs(s[i]) : fabs(s[i]);
	}
	for (int32_t g = 0; g < n_labels; g++) {
		if (cnt[g] == 0 || nb[g] == 1 || nb[g] == cnt[g])
			continue;
		total += sum[g] / (double)cnt[g];
		kept++;
	}
	res = kept > 0 ? total / kept : NAN;
out:
	if (n_kept)
		*n_kept = kept;
	free(sum);
	free(cnt);
	free(nb);
	free(seen);
	return res;
}

double sc_silhouette_sgemm_gflops(const float *x, int64_t n, int64_t d, int threads)
{
	struct sil_ctx c;
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads), started = 0;
	int blas_threads = openblas_get_num_threads();
	if (n < 1 || d < 1 || n > INT32_MAX || d > INT32_MAX)
		return NAN;
	memset(&c, 0, sizeof c);
	c.n = n;
	c.d = d;
	c.xp = (float *)x; /* only read */
	c.sgemm_only = 1;
	set_tiles(&c);
	openblas_set_num_threads(1);
	double t0 = sc_now();
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, worker, &c) != 0)
			break;
	worker(&c);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	double s = sc_now() - t0;
	openblas_set_num_threads(blas_threads);
	return c.err || s <= 0 ? NAN : c.flops / s / 1e9;
}
