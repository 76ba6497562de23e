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

#define TILE_R 128
#define TILE_C 2048

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
	double *slab;    /* n x L euclidean sums to each label */
	double *sown;    /* n x B euclidean sums to each batch of the own label */
	double *scos;    /* n x B cosine sums to each batch of the own label */
	atomic_long next;
	int64_t nblocks;
	int err;
	int sgemm_only; /* calibration: the tiles' sgemm calls alone */
};

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

/* Sum in double with a fixed association (eight lanes), independent of threads. */
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

static void cos_row(const float *g, const float *nj, float ni, float *out, int64_t m)
{
	for (int64_t k = 0; k < m; k++) {
		float v = 1.0f - g[k] / sqrtf(ni * nj[k]);
		out[k] = v < 0.0f ? 0.0f : (v > 2.0f ? 2.0f : v);
	}
}

/* One row i against columns [c0, c1): add the per-label and per-own-batch sums. */
static void row_block(struct sil_ctx *c, int64_t i, const float *grow, int64_t c0, int64_t c1,
		      float *dbuf)
{
	int32_t li = c->lab[i];
	int64_t m = c1 - c0;
	dist_row(grow, c->nrm + c0, c->nrm[i], dbuf, m);
	if (i >= c0 && i < c1)
		dbuf[i - c0] = 0.0f;
	double *sl = c->slab + i * c->L;
	/* labels whose range meets [c0, c1): first one by walking from the label of c0 */
	int32_t g = c->lab[c0];
	for (; g < c->L && c->lstart[g] < c1; g++) {
		int64_t a = c->lstart[g] > c0 ? c->lstart[g] : c0;
		int64_t b = c->lstart[g + 1] < c1 ? c->lstart[g + 1] : c1;
		if (a >= b)
			continue;
		if (g != li || !c->sown) {
			sl[g] += sum_range(dbuf + (a - c0), b - a);
			continue;
		}
		for (int32_t bb = 0; bb < c->B; bb++) {
			int64_t k = (int64_t)g * c->B + bb;
			int64_t sa = c->kstart[k] > a ? c->kstart[k] : a;
			int64_t sb = c->kstart[k + 1] < b ? c->kstart[k + 1] : b;
			if (sa >= sb)
				continue;
			double s = sum_range(dbuf + (sa - c0), sb - sa);
			sl[g] += s;
			c->sown[i * c->B + bb] += s;
		}
		if (c->scos) {
			float *cb = dbuf + m; /* second half of the buffer */
			cos_row(grow + (a - c0), c->nrm + a, c->nrm[i], cb, b - a);
			if (i >= a && i < b)
				cb[i - a] = 0.0f;
			for (int32_t bb = 0; bb < c->B; bb++) {
				int64_t k = (int64_t)g * c->B + bb;
				int64_t sa = c->kstart[k] > a ? c->kstart[k] : a;
				int64_t sb = c->kstart[k + 1] < b ? c->kstart[k + 1] : b;
				if (sa < sb)
					c->scos[i * c->B + bb] += sum_range(cb + (sa - a), sb - sa);
			}
		}
	}
}

static void *worker(void *arg)
{
	struct sil_ctx *c = arg;
	float *g = malloc(sizeof(float) * TILE_R * TILE_C);
	float *dbuf = malloc(sizeof(float) * 2 * TILE_C);
	if (!g || !dbuf) {
		c->err = 1;
		goto out;
	}
	for (;;) {
		long blk = atomic_fetch_add(&c->next, 1);
		if (blk >= c->nblocks)
			break;
		int64_t r0 = (int64_t)blk * TILE_R;
		int64_t r1 = r0 + TILE_R < c->n ? r0 + TILE_R : c->n;
		for (int64_t c0 = 0; c0 < c->n; c0 += TILE_C) {
			int64_t c1 = c0 + TILE_C < c->n ? c0 + TILE_C : c->n;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0),
				    (int)(c1 - c0), (int)c->d, 1.0f, c->xp + r0 * c->d, (int)c->d,
				    c->xp + c0 * c->d, (int)c->d, 0.0f, g, (int)(c1 - c0));
			for (int64_t i = r0; i < r1 && !c->sgemm_only; i++)
				row_block(c, i, g + (i - r0) * (c1 - c0), c0, c1, dbuf);
		}
	}
out:
	free(g);
	free(dbuf);
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
		const double *sl = c->slab + i * L;
		double a = ni > 1 ? sl[li] / (double)(ni - 1) : NAN, b = INFINITY;
		for (int32_t g = 0; g < L; g++) {
			int64_t ng = c->lstart[g + 1] - c->lstart[g];
			if (g != li && ng > 0 && sl[g] / (double)ng < b)
				b = sl[g] / (double)ng;
		}
		out->s_label[perm[i]] = ni > 1 ? sil_value(a, b) : 0.0;
		if (!c->sown)
			continue;
		int32_t bi = c->bat[i];
		const int64_t *ks = c->kstart + (int64_t)li * B;
		int64_t nb = ks[bi + 1] - ks[bi];
		const double *so = c->sown + i * B;
		double ab = nb > 1 ? so[bi] / (double)(nb - 1) : NAN, bb = INFINITY;
		for (int32_t k = 0; k < B; k++) {
			int64_t nk = ks[k + 1] - ks[k];
			if (k != bi && nk > 0 && so[k] / (double)nk < bb)
				bb = so[k] / (double)nk;
		}
		out->s_batch[perm[i]] = nb > 1 ? sil_value(ab, bb) : 0.0;
		if (!c->scos)
			continue;
		const double *sc = c->scos + i * B;
		double other = 0;
		for (int32_t k = 0; k < B; k++)
			if (k != bi)
				other += sc[k];
		double ac = nb > 1 ? sc[bi] / (double)(nb - 1) : NAN;
		double bc = other / (double)(ni - nb);
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
	c.slab = sc_calloc((size_t)c.n, (size_t)c.L * sizeof(double));
	out->s_label = sc_malloc((size_t)c.n, sizeof(double));
	if (!perm || !c.xp || !c.nrm || !c.lab || !c.bat || !c.lstart || !c.kstart || !c.slab ||
	    !out->s_label)
		goto out;
	if (in->batch) {
		c.sown = sc_calloc((size_t)c.n, (size_t)c.B * sizeof(double));
		out->s_batch = sc_malloc((size_t)c.n, sizeof(double));
		if (!c.sown || !out->s_batch)
			goto out;
		if (in->want_bras) {
			c.scos = sc_calloc((size_t)c.n, (size_t)c.B * sizeof(double));
			out->s_bras = sc_malloc((size_t)c.n, sizeof(double));
			if (!c.scos || !out->s_bras)
				goto out;
		}
	}
	sort_cells(&c, perm);
	if (c.err)
		goto out;
	c.nblocks = (c.n + TILE_R - 1) / TILE_R;
	atomic_init(&c.next, 0);
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
	c.nblocks = (n + TILE_R - 1) / TILE_R;
	atomic_init(&c.next, 0);
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
	return c.err || s <= 0 ? NAN : 2.0 * (double)n * (double)n * (double)d / s / 1e9;
}
