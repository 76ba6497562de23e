/* normalize_total + log1p and Seurat-flavour highly variable genes (scanpy 1.9.8). */
#include "hvg.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

/* float32 pairwise sum as numpy reduces a contiguous float32 row (blocks of 8 lanes below 128
 * elements, halves above) */
static float pairwise_sum(const float *a, int64_t n)
{
	if (n < 8) {
		float s = 0;
		for (int64_t i = 0; i < n; i++)
			s += a[i];
		return s;
	}
	if (n <= 128) {
		float r[8];
		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		int64_t i;
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			s += a[i];
		return s;
	}
	int64_t h = n / 2;
	h -= h % 8;
	return pairwise_sum(a, h) + pairwise_sum(a + h, n - h);
}

/* Elementwise passes shared over threads: rows [0, n) in blocks for the log1p pass, genes
 * [0, g) in ranges for the HVG sums (each gene still summed over the rows in order), so
 * results do not depend on the thread count. */
struct par {
	float *X;
	const float *c;
	float T;
	int64_t n, g, next, nblk;
	double *mean, *sq;
	int mode; /* 0 log1p rows, 1 expm1 sums per gene range */
	pthread_mutex_t lock;
};

#define PAR_ROWS 256
#define PAR_GENES 64

static void log1p_rows(struct par *P, int64_t i0, int64_t i1)
{
	for (int64_t i = i0; i < i1; i++) {
		float ci = P->c[i] == 0 ? 1.0f : P->c[i];
		float f = ci / P->T;
		float *x = P->X + i * P->g;
		for (int64_t j = 0; j < P->g; j++) /* counts are mostly 0, and log1p(0 / f) = +0 */
			if (x[j] != 0)
				x[j] = log1pf(x[j] / f);
	}
}

static void expm1_genes(struct par *P, int64_t j0, int64_t j1)
{
	for (int64_t i = 0; i < P->n; i++) {
		const float *x = P->X + i * P->g;
		for (int64_t j = j0; j < j1; j++) {
			if (x[j] == 0) /* expm1(0) = 0 adds nothing to either sum */
				continue;
			float e = expm1f(x[j]);
			P->mean[j] += e;
			P->sq[j] += e * e; /* float32 square, float64 sum (numpy's X*X then mean) */
		}
	}
}

static void *par_worker(void *arg)
{
	struct par *P = arg;
	int64_t step = P->mode ? PAR_GENES : PAR_ROWS, lim = P->mode ? P->g : P->n;
	for (;;) {
		pthread_mutex_lock(&P->lock);
		int64_t b = P->next++;
		pthread_mutex_unlock(&P->lock);
		if (b >= P->nblk)
			break;
		int64_t a = b * step, e = a + step < lim ? a + step : lim;
		if (P->mode)
			expm1_genes(P, a, e);
		else
			log1p_rows(P, a, e);
	}
	return NULL;
}

static void par_run(struct par *P, int threads)
{
	pthread_t th[64];
	int nth = threads < 1 ? 1 : threads > 64 ? 64 : threads, started = 0;
	int64_t step = P->mode ? PAR_GENES : PAR_ROWS, lim = P->mode ? P->g : P->n;
	P->next = 0;
	P->nblk = (lim + step - 1) / step;
	for (; started < nth - 1 && started < P->nblk - 1; started++)
		if (pthread_create(&th[started], NULL, par_worker, P))
			break;
	par_worker(P);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
}

int sc_normalize_log1p(float *X, int64_t n, int64_t g, int threads, float *target)
{
	float *c = sc_malloc((size_t)n, sizeof(*c)), *pos = sc_malloc((size_t)n, sizeof(*pos));
	int64_t np = 0;
	int ret = SC_ENOMEM;
	if (!c || !pos)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		const float *x = X + i * g;
		for (int64_t j = 0; j < g; j++)
			if (!(x[j] >= 0) || isinf(x[j])) {
				ret = sc_seterr(SC_EINPUT, "count matrix value %g at row %lld column "
							   "%lld is negative or not finite",
						(double)x[j], (long long)i, (long long)j);
				goto out;
			}
		c[i] = pairwise_sum(x, g);
		if (c[i] > 0)
			pos[np++] = c[i];
	}
	if (np == 0) {
		ret = sc_seterr(SC_EINPUT, "every cell has zero counts");
		goto out;
	}
	qsort(pos, (size_t)np, sizeof(*pos), cmp_float);
	/* numpy median: the middle value, or the float32 mean of the two middle ones */
	float T = np % 2 ? pos[np / 2] : (pos[np / 2 - 1] + pos[np / 2]) / 2.0f;
	*target = T;
	struct par P = { X, c, T, n, g, 0, 0, NULL, NULL, 0, PTHREAD_MUTEX_INITIALIZER };
	par_run(&P, threads);
	ret = 0;
out:
	free(c);
	free(pos);
	return ret;
}

int sc_hvg_seurat(const float *X, int64_t n, int64_t g, int64_t n_top, int threads,
		  uint8_t *sel, int64_t *n_sel, double *disp_norm)
{
	int ret = SC_ENOMEM;
	double *mean = sc_calloc((size_t)g, sizeof(*mean)), *sq = sc_calloc((size_t)g, sizeof(*sq)),
	       *disp = sc_malloc((size_t)g, sizeof(*disp)), *z = sc_malloc((size_t)g, sizeof(*z)),
	       *fin = sc_malloc((size_t)g, sizeof(*fin));
	int *bin = sc_malloc((size_t)g, sizeof(*bin));
	double bmean[20], bstd[20];

	if (!mean || !sq || !disp || !z || !fin || !bin)
		goto out;
	if (n < 2) {
		ret = sc_seterr(SC_EINPUT, "highly variable genes need at least 2 cells");
		goto out;
	}
	struct par P = { (float *)X, NULL, 0, n, g, 0, 0, mean, sq, 1, PTHREAD_MUTEX_INITIALIZER };
	par_run(&P, threads);
	double mn = INFINITY, mx = -INFINITY;
	for (int64_t j = 0; j < g; j++) {
		double m = mean[j] / n, v = (sq[j] / n - m * m) * ((double)n / (n - 1));
		if (m == 0)
			m = 1e-12;
		double d = v / m;
		disp[j] = d == 0 ? NAN : log(d);
		mean[j] = log1p(m);
		if (mean[j] < mn)
			mn = mean[j];
		if (mean[j] > mx)
			mx = mean[j];
	}
	/* pandas cut(bins=20): linspace edges, lowest lowered by 0.1 % of the range,
	 * right-closed; bin = searchsorted(edges, x, left) - 1 */
	double edges[21], step = (mx - mn) / 20;
	for (int b = 0; b < 21; b++)
		edges[b] = b * step + mn;
	edges[20] = mx;
	edges[0] -= (mx - mn) * 0.001;
	for (int64_t j = 0; j < g; j++) {
		int b = 0;
		while (b < 20 && edges[b] < mean[j])
			b++;
		bin[j] = b > 0 ? b - 1 : 0;
		if (mx == mn)
			bin[j] = 0;
	}
	/* per-bin mean (Kahan, as pandas' group_mean) and sample std (Welford, group_var) of
	 * the non-NaN dispersions */
	for (int b = 0; b < 20; b++) {
		double s = 0, comp = 0, wm = 0, m2 = 0;
		int64_t cnt = 0;
		for (int64_t j = 0; j < g; j++) {
			if (bin[j] != b || isnan(disp[j]))
				continue;
			double y = disp[j] - comp, t = s + y;
			comp = (t - s) - y;
			s = t;
			cnt++;
			double dl = disp[j] - wm;
			wm += dl / cnt;
			m2 += dl * (disp[j] - wm);
		}
		bmean[b] = cnt ? s / cnt : NAN;
		bstd[b] = cnt > 1 ? sqrt(m2 / (cnt - 1)) : NAN;
		if (isnan(bstd[b])) { /* scanpy: one gene in the bin -> z = 1 */
			bstd[b] = bmean[b];
			bmean[b] = 0;
		}
	}
	int64_t nf = 0;
	for (int64_t j = 0; j < g; j++) {
		z[j] = (disp[j] - bmean[bin[j]]) / bstd[bin[j]];
		if (!isnan(z[j]))
			fin[nf++] = z[j];
		if (disp_norm)
			disp_norm[j] = z[j];
	}
	*n_sel = 0;
	if (n_top >= g || nf == 0) {
		for (int64_t j = 0; j < g; j++)
			sel[j] = 1;
		*n_sel = g;
		ret = 0;
		goto out;
	}
	qsort(fin, (size_t)nf, sizeof(*fin), cmp_desc);
	double cut = fin[(n_top < nf ? n_top : nf) - 1];
	for (int64_t j = 0; j < g; j++) {
		double zz = isnan(z[j]) ? 0.0 : z[j]; /* numpy nan_to_num */
		sel[j] = zz >= cut;
		*n_sel += sel[j];
	}
	ret = 0;
out:
	free(mean);
	free(sq);
	free(disp);
	free(z);
	free(fin);
	free(bin);
	return ret;
}
