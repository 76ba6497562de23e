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
	double *Z; /* n x rows scratch (BLAS path) */
	int threads;
	/* per-evaluation scratch, allocated once per fit by ctx_alloc */
	int rp;                      /* 0: BLAS path; else classes padded to 4s (fused path) */
	double *closs, *ccol, *cgrad; /* per chunk: loss, residual column sums, gradient */
	double *wt;                  /* fused path: d x rp transposed weights, then rp intercepts */
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

/* ---- AVX2 + FMA fused evaluation (x86-64, gcc/clang), chosen at run time ---- */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LR_SIMD 1
#define LR_TARGET __attribute__((target("avx2,fma")))
#define LR_MAXV 8 /* up to 32 classes on this path */
#define LR_UNROLL _Pragma("GCC unroll 16") /* keeps the accumulators in registers */

static int simd_state = -1; /* -1 undecided, 0 off, 1 on */

static int cpu_ok(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int sc_logreg_use_simd(int on)
{
	int prev = simd_state < 0 ? cpu_ok() : simd_state;
	simd_state = on < 0 ? cpu_ok() : on && cpu_ok();
	return prev;
}

static int simd_on(void)
{
	if (simd_state < 0)
		simd_state = cpu_ok();
	return simd_state;
}

/* exp(x) for x <= 0 to about 1 ulp: x = k ln2 + t with |t| <= ln2/2, the degree-13 Taylor
 * polynomial of e^t, 2^k added into the exponent. Values below e^-700 (far under one ulp of a
 * softmax sum, which is >= 1) come out as 0. */
LR_TARGET static inline __m256d exp4(__m256d x)
{
	static const double c[14] = { 1.0,
				      1.0,
				      1.0 / 2,
				      1.0 / 6,
				      1.0 / 24,
				      1.0 / 120,
				      1.0 / 720,
				      1.0 / 5040,
				      1.0 / 40320,
				      1.0 / 362880,
				      1.0 / 3628800,
				      1.0 / 39916800,
				      1.0 / 479001600,
				      1.0 / 6227020800.0 };
	const __m256d shift = _mm256_set1_pd(0x1.8p52), lo = _mm256_set1_pd(-700.0);
	__m256d tiny = _mm256_cmp_pd(x, lo, _CMP_LT_OQ);
	x = _mm256_max_pd(x, lo);
	__m256d kd = _mm256_fmadd_pd(x, _mm256_set1_pd(0x1.71547652b82fep0), shift);
	__m256i ki = _mm256_slli_epi64(_mm256_castpd_si256(kd), 52);
	kd = _mm256_sub_pd(kd, shift);
	__m256d t = _mm256_fnmadd_pd(kd, _mm256_set1_pd(0x1.62e42fee00000p-1), x);
	t = _mm256_fnmadd_pd(kd, _mm256_set1_pd(0x1.a39ef35793c76p-33), t);
	__m256d p = _mm256_set1_pd(c[13]);
	LR_UNROLL
	for (int j = 12; j >= 0; j--)
		p = _mm256_fmadd_pd(p, t, _mm256_set1_pd(c[j]));
	p = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(p), ki));
	return _mm256_andnot_pd(tiny, p);
}

/* Z[r0 + u][4v0 .. 4(v0+V)) = b + W x for u < RT rows (row stride 4nv): a register tile of
 * RT rows x V vectors, each element summed over the features in order as one row at a time
 * would be. */
LR_TARGET static inline __attribute__((always_inline)) void
fwd_tile(const double *X, int d, int nv, const double *Wt, const double *bias, int r0, int RT,
	 int v0, int V, double *Z)
{
	__m256d acc[8][2];
	const double *x = X + (size_t)r0 * d;
	LR_UNROLL
	for (int u = 0; u < RT; u++)
		for (int j = 0; j < V; j++)
			acc[u][j] = _mm256_loadu_pd(bias + 4 * (v0 + j));
	for (int t = 0; t < d; t++) {
		const double *w = Wt + (size_t)t * 4 * nv + 4 * v0;
		__m256d w0 = _mm256_loadu_pd(w), w1 = V > 1 ? _mm256_loadu_pd(w + 4) : w0;
		LR_UNROLL
		for (int u = 0; u < RT; u++) {
			__m256d b = _mm256_set1_pd(x[(size_t)u * d + t]);
			acc[u][0] = _mm256_fmadd_pd(b, w0, acc[u][0]);
			if (V > 1)
				acc[u][1] = _mm256_fmadd_pd(b, w1, acc[u][1]);
		}
	}
	LR_UNROLL
	for (int u = 0; u < RT; u++)
		for (int j = 0; j < V; j++)
			_mm256_store_pd(Z + (size_t)(r0 + u) * 4 * nv + 4 * (v0 + j), acc[u][j]);
}

/* Z (nb x 4nv) = scores of a block of nb rows. Tiles of 8 accumulators: 4 rows x 2 vectors, or
 * 8 rows x 1 vector for an odd last vector (fewer would wait on the FMA latency). */
LR_TARGET static inline __attribute__((always_inline)) void
fwd_block(const double *X, int nb, int d, int nv, const double *Wt, const double *bias, double *Z)
{
	int r = 0, v2 = nv & ~1;
	for (; r + 4 <= nb; r += 4)
		for (int v = 0; v < v2; v += 2)
			fwd_tile(X, d, nv, Wt, bias, r, 4, v, 2, Z);
	for (; r < nb; r++)
		for (int v = 0; v < v2; v += 2)
			fwd_tile(X, d, nv, Wt, bias, r, 1, v, 2, Z);
	if (v2 == nv)
		return;
	for (r = 0; r + 8 <= nb; r += 8)
		fwd_tile(X, d, nv, Wt, bias, r, 8, v2, 1, Z);
	for (; r < nb; r++)
		fwd_tile(X, d, nv, Wt, bias, r, 1, v2, 1, Z);
}

/* one row's scores z (4nv, aligned): softmax, residual p - onehot(y) written over z and added
 * into the residual column sums. Returns max - z_y; the softmax sum is multiplied into *sp. */
LR_TARGET static inline __attribute__((always_inline)) double
row_softmax(double *z, int nv, int32_t y, double *col, double *sp)
{
	__m256d a[LR_MAXV];
	double h[4] __attribute__((aligned(32)));
	LR_UNROLL
	for (int v = 0; v < nv; v++)
		a[v] = _mm256_load_pd(z + 4 * v);
	__m256d m4 = a[0];
	LR_UNROLL
	for (int v = 0; v < nv; v++)
		m4 = _mm256_max_pd(m4, a[v]);
	/* the row maximum in every lane */
	m4 = _mm256_max_pd(m4, _mm256_permute2f128_pd(m4, m4, 1));
	m4 = _mm256_max_pd(m4, _mm256_permute_pd(m4, 5));
	double mx = _mm256_cvtsd_f64(m4), zy = z[y], s;
	__m256d sv = _mm256_setzero_pd();
	LR_UNROLL
	for (int v = 0; v < nv; v++) {
		a[v] = exp4(_mm256_sub_pd(a[v], m4));
		sv = _mm256_add_pd(sv, a[v]);
	}
	_mm256_store_pd(h, sv);
	s = (h[0] + h[1]) + (h[2] + h[3]);
	*sp *= s;
	/* residual p - onehot(y): 1 subtracted in the lane of class y by a lane-index mask */
	__m256d inv = _mm256_set1_pd(1.0 / s), one = _mm256_set1_pd(1.0);
	__m256i yv = _mm256_set1_epi64x(y), lane = _mm256_set_epi64x(3, 2, 1, 0);
	LR_UNROLL
	for (int v = 0; v < nv; v++) {
		__m256i li = _mm256_add_epi64(lane, _mm256_set1_epi64x(4 * v));
		__m256d hot = _mm256_and_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(li, yv)), one);
		a[v] = _mm256_sub_pd(_mm256_mul_pd(a[v], inv), hot);
		_mm256_store_pd(z + 4 * v, a[v]);
		_mm256_storeu_pd(col + 4 * v, _mm256_add_pd(_mm256_loadu_pd(col + 4 * v), a[v]));
	}
	return mx - zy;
}

/* G[t][4v0 .. 4(v0+V)) for t in [t0, t0+T) += sum over the nb rows, in row order, of
 * x_i[t] r_i: the tile stays in registers across the rows, and each element sees the same
 * sequence of fused multiply-adds as a row-at-a-time update would. */
LR_TARGET static inline __attribute__((always_inline)) void
grad_tile(const double *X, const double *R, int nb, int d, int nv, int t0, int T, int v0, int V,
	  double *G)
{
	__m256d acc[8][2];
	LR_UNROLL
	for (int u = 0; u < T; u++)
		for (int j = 0; j < V; j++)
			acc[u][j] = _mm256_loadu_pd(G + (size_t)(t0 + u) * 4 * nv + 4 * (v0 + j));
	for (int i = 0; i < nb; i++) {
		const double *x = X + (size_t)i * d + t0, *r = R + (size_t)i * 4 * nv + 4 * v0;
		__m256d r0 = _mm256_load_pd(r), r1 = V > 1 ? _mm256_load_pd(r + 4) : r0;
		LR_UNROLL
		for (int u = 0; u < T; u++) {
			__m256d b = _mm256_set1_pd(x[u]);
			acc[u][0] = _mm256_fmadd_pd(b, r0, acc[u][0]);
			if (V > 1)
				acc[u][1] = _mm256_fmadd_pd(b, r1, acc[u][1]);
		}
	}
	LR_UNROLL
	for (int u = 0; u < T; u++)
		for (int j = 0; j < V; j++)
			_mm256_storeu_pd(G + (size_t)(t0 + u) * 4 * nv + 4 * (v0 + j), acc[u][j]);
}

/* G (d x 4nv) += X^T R over a block of nb rows, in tiles of 4 features x 2 vectors or 8
 * features x 1 vector */
LR_TARGET static inline __attribute__((always_inline)) void
grad_block(const double *X, const double *R, int nb, int d, int nv, double *G)
{
	int t = 0, v2 = nv & ~1;
	for (; t + 4 <= d; t += 4)
		for (int v = 0; v < v2; v += 2)
			grad_tile(X, R, nb, d, nv, t, 4, v, 2, G);
	for (; t < d; t++)
		for (int v = 0; v < v2; v += 2)
			grad_tile(X, R, nb, d, nv, t, 1, v, 2, G);
	if (v2 == nv)
		return;
	for (t = 0; t + 8 <= d; t += 8)
		grad_tile(X, R, nb, d, nv, t, 8, v2, 1, G);
	for (; t < d; t++)
		grad_tile(X, R, nb, d, nv, t, 1, v2, 1, G);
}

#define LR_BLK 32 /* rows per gradient block (even) */

LR_TARGET static inline __attribute__((always_inline)) double
chunk_nv(const double *X, const int32_t *y, int64_t i0, int64_t i1, int d, int nv,
	 const double *Wt, const double *bias, double *G, double *col)
{
	/* each softmax sum is in [1, 32]: one log per product of 16 of them. The loss is
	 * summed by row pairs (and a last odd row) exactly as the earlier row-pair kernel did,
	 * so the bits do not change. */
	double loss = 0, sp = 1;
	double Z[LR_BLK * 4 * LR_MAXV] __attribute__((aligned(32)));
	int pairs = 0;
	for (int64_t b = i0; b < i1; b += LR_BLK) {
		int64_t e = b + LR_BLK < i1 ? b + LR_BLK : i1, i = b;
		fwd_block(X + b * d, (int)(e - b), d, nv, Wt, bias, Z);
		for (; i + 1 < e; i += 2) {
			double *z = Z + (i - b) * 4 * nv, l = 0;
			l += row_softmax(z, nv, y[i], col, &sp);
			l += row_softmax(z + 4 * nv, nv, y[i + 1], col, &sp);
			loss += l;
			if (++pairs == 8) {
				loss += log(sp);
				sp = 1;
				pairs = 0;
			}
		}
		if (i < e) { /* an odd row at the end of the chunk */
			double l = 0;
			l += row_softmax(Z + (i - b) * 4 * nv, nv, y[i], col, &sp);
			loss += l;
		}
		grad_block(X + b * d, Z, (int)(e - b), d, nv, G);
	}
	return loss + log(sp);
}

/* rows [i0, i1) into G (zeroed here, d x 4nv) and col (4nv); returns their loss */
LR_TARGET static double chunk_simd(const double *X, const int32_t *y, int64_t i0, int64_t i1,
				   int d, int nv, const double *Wt, const double *bias, double *G,
				   double *col)
{
	memset(G, 0, (size_t)d * 4 * nv * sizeof(*G));
	memset(col, 0, (size_t)4 * nv * sizeof(*col));
	switch (nv) {
	case 1: return chunk_nv(X, y, i0, i1, d, 1, Wt, bias, G, col);
	case 2: return chunk_nv(X, y, i0, i1, d, 2, Wt, bias, G, col);
	case 3: return chunk_nv(X, y, i0, i1, d, 3, Wt, bias, G, col);
	case 4: return chunk_nv(X, y, i0, i1, d, 4, Wt, bias, G, col);
	case 5: return chunk_nv(X, y, i0, i1, d, 5, Wt, bias, G, col);
	case 6: return chunk_nv(X, y, i0, i1, d, 6, Wt, bias, G, col);
	case 7: return chunk_nv(X, y, i0, i1, d, 7, Wt, bias, G, col);
	default: return chunk_nv(X, y, i0, i1, d, 8, Wt, bias, G, col);
	}
}
#else
int sc_logreg_use_simd(int on)
{
	(void)on;
	return 0;
}
#endif

#define LR_CHUNK 2048 /* rows per task: partial sums are combined in chunk order */

struct lr_job {
	struct lr_ctx *c;
	const double *w;
	double *cgrad; /* per chunk: R^T X, rows x d (fused path: d x rp) */
	int64_t nchunk;
	double *closs, *ccol; /* per chunk: loss, column sums of the residual (rp of them) */
	int64_t next;
	pthread_mutex_t lock;
	int rp;                 /* 0: BLAS path; else classes padded to 4s for the fused path */
	const double *Wt, *bias; /* fused path: d x rp transposed weights, rp intercepts */
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
#ifdef LR_SIMD
		if (J->rp) {
			J->closs[ch] = chunk_simd(J->c->X, J->c->y, i0, i1, d, J->rp / 4, J->Wt,
						  J->bias, J->cgrad + ch * J->rp * d,
						  J->ccol + ch * J->rp);
			continue;
		}
#endif
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
	struct lr_job J = { c, w, c->cgrad, (c->n + LR_CHUNK - 1) / LR_CHUNK, c->closs, c->ccol, 0,
			    PTHREAD_MUTEX_INITIALIZER, c->rp, NULL, NULL };
	int rs = J.rp ? J.rp : r; /* per-chunk row stride of the partial sums */
	if (J.rp) {
		/* padded classes get weight 0 and intercept -1e300: probability 0, residual 0 */
		double *wt = c->wt;
		for (int j = 0; j < J.rp; j++) {
			for (int t = 0; t < d; t++)
				wt[(size_t)t * J.rp + j] = j < r ? w[(size_t)j * (d + 1) + t] : 0.0;
			wt[(size_t)d * J.rp + j] = j < r ? w[(size_t)j * (d + 1) + d] : -1e300;
		}
		J.Wt = wt;
		J.bias = wt + (size_t)d * J.rp;
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
		if (J.rp) {
			const double *G = J.cgrad + ch * J.rp * d;
			for (int t = 0; t < d; t++)
				for (int j = 0; j < r; j++)
					g[(size_t)j * (d + 1) + t] += G[(size_t)t * J.rp + j];
		} else {
			for (int j = 0; j < r; j++)
				for (int t = 0; t < d; t++)
					g[(size_t)j * (d + 1) + t] += J.cgrad[(ch * r + j) * d + t];
		}
		for (int j = 0; j < r; j++)
			g[(size_t)j * (d + 1) + d] += J.ccol[ch * rs + j];
	}
	*f = loss + pen / (2 * c->C);
	return 0;
}

/* scratch for eval(): the BLAS path's n x rows Z, or the fused path's padded weights, and the
 * per-chunk partial sums */
static int ctx_alloc(struct lr_ctx *c)
{
	int r = nrows(c->k);
	int64_t nchunk = (c->n + LR_CHUNK - 1) / LR_CHUNK;
	c->rp = 0;
#ifdef LR_SIMD
	if (r >= 3 && r <= 4 * LR_MAXV && simd_on())
		c->rp = (r + 3) / 4 * 4;
#endif
	int rs = c->rp ? c->rp : r;
	c->closs = sc_malloc((size_t)nchunk, sizeof(double));
	c->ccol = sc_malloc((size_t)nchunk * (size_t)rs, sizeof(double));
	c->cgrad = sc_malloc((size_t)nchunk * (size_t)rs, (size_t)c->d * sizeof(double));
	if (c->rp)
		c->wt = sc_malloc((size_t)c->rp, (size_t)(c->d + 1) * sizeof(double));
	else
		c->Z = sc_malloc((size_t)c->n, (size_t)r * sizeof(double));
	return c->closs && c->ccol && c->cgrad && (c->rp ? c->wt != NULL : c->Z != NULL)
		       ? 0
		       : SC_ENOMEM;
}

static void ctx_free(struct lr_ctx *c)
{
	free(c->Z);
	free(c->closs);
	free(c->ccol);
	free(c->cgrad);
	free(c->wt);
}

static int lr_fn(void *ctx, const double *x, double *f, double *g)
{
	return eval(ctx, x, f, g);
}

int sc_logreg_loss_grad(const double *X, int64_t n, int d, const int32_t *y, int k, double C,
			const double *w, double *f, double *g)
{
	struct lr_ctx c = { X, n, d, k, y, C, NULL, 1, 0, NULL, NULL, NULL, NULL };
	int ret = ctx_alloc(&c);
	if (!ret)
		ret = eval(&c, w, f, g);
	ctx_free(&c);
	return ret;
}

int sc_logreg_fit(const double *X, int64_t n, int d, const int32_t *y, int k,
		  const struct sc_logreg_opts *o, struct sc_logreg *m)
{
	int ret = SC_ENOMEM, status, nit;
	struct lr_ctx c = { X, n, d, k, y, o->C, NULL, o->threads, 0, NULL, NULL, NULL, NULL };
	struct sc_lbfgs_opts lo = { 10, o->max_iter, 20, o->tol, 2.220446049250313e-09 };
	int r = nrows(k);

	if (k < 2 || n < 1 || d < 1 || n > INT32_MAX)
		return sc_seterr(SC_EUSAGE, "logistic regression needs 2+ classes and 1+ rows");
	m->d = d;
	m->k = k;
	m->w = sc_calloc((size_t)r, (size_t)(d + 1) * sizeof(double));
	if (!m->w || ctx_alloc(&c) < 0)
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
	ctx_free(&c);
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
