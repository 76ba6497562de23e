/* LISI kernels (see lisi.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisi.h"
#include "sc_alloc.h"

double sc_lisi_simpson(const double *dist, const int32_t *cls, int64_t m, double perplexity,
		       int32_t n_classes, double *p)
{
	double logu = log(perplexity), beta = 1, bmin = -INFINITY, bmax = INFINITY, h = 0;
	for (int tries = 0;; tries++) {
		double sp = 0, sdp = 0;
		for (int64_t j = 0; j < m; j++) {
			p[j] = cls[j] < 0 ? 0.0 : exp(-dist[j] * beta);
			sp += p[j];
			sdp += cls[j] < 0 ? 0.0 : dist[j] * p[j];
		}
		if (sp == 0) {
			h = 0;
			for (int64_t j = 0; j < m; j++)
				p[j] = 0;
		} else {
			h = log(sp) + beta * sdp / sp;
			for (int64_t j = 0; j < m; j++)
				p[j] /= sp;
		}
		double hd = h - logu;
		if (!(fabs(hd) > 1e-5) || tries >= 50)
			break;
		if (hd > 0) {
			bmin = beta;
			beta = isinf(bmax) ? beta * 2 : (beta + bmax) / 2;
		} else {
			bmax = beta;
			beta = isinf(bmin) ? beta / 2 : (beta + bmin) / 2;
		}
	}
	if (h == 0)
		return -1;
	/* Simpson index: sum over classes of (sum of P in the class)^2 */
	double acc[256], s = 0;
	if (n_classes <= 256) {
		memset(acc, 0, sizeof(double) * (size_t)n_classes);
		for (int64_t j = 0; j < m; j++)
			if (cls[j] >= 0)
				acc[cls[j]] += p[j];
		for (int32_t c = 0; c < n_classes; c++)
			s += acc[c] * acc[c];
		return s;
	}
	for (int64_t j = 0; j < m; j++)
		for (int64_t l = 0; l < m; l++)
			if (cls[j] >= 0 && cls[j] == cls[l])
				s += p[j] * p[l];
	return s;
}

/* Round to 6 significant digits, as C++ stream output (%g) then strtod would. */
static double round6(double x)
{
	static const double p10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	if (x == 0 || !isfinite(x))
		return x;
	double ax = fabs(x);
	int e = (int)floor(log10(ax)), s = 5 - e;
	/* the decimal m * 10^-s with m the 6-digit mantissa; exact powers of ten keep this
	 * equal to what "%.6g" then strtod give, except at exact half-way products */
	if (s < -22 || s > 22) {
		char buf[32];
		snprintf(buf, sizeof buf, "%.6g", x);
		return strtod(buf, NULL);
	}
	double m = s >= 0 ? nearbyint(ax * p10[s]) : nearbyint(ax / p10[-s]);
	if (m >= 1e6) { /* log10 rounded up to the next decade */
		char buf[32];
		snprintf(buf, sizeof buf, "%.6g", x);
		return strtod(buf, NULL);
	}
	double r = s >= 0 ? m / p10[s] : m * p10[-s];
	return x < 0 ? -r : r;
}

struct heap_ent {
	double d;
	int32_t v;
};

struct dj_ctx {
	const struct sc_csr *g;
	int64_t k0;
	int32_t *idx;
	double *dist;
	int32_t *count;
	atomic_long next;
	int err;
};

static void heap_push(struct heap_ent *h, int64_t *n, double d, int32_t v)
{
	int64_t i = (*n)++;
	while (i > 0) {
		int64_t p = (i - 1) / 2;
		if (h[p].d < d || (h[p].d == d && h[p].v <= v))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i].d = d;
	h[i].v = v;
}

static struct heap_ent heap_pop(struct heap_ent *h, int64_t *n)
{
	struct heap_ent top = h[0], last = h[--(*n)];
	int64_t i = 0;
	for (;;) {
		int64_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && (h[c + 1].d < h[c].d || (h[c + 1].d == h[c].d && h[c + 1].v < h[c].v)))
			c++;
		if (last.d < h[c].d || (last.d == h[c].d && last.v <= h[c].v))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = last;
	return top;
}

/* Bounded Dijkstra from s; stamp marks settled nodes for this source. */
static int dijkstra_row(struct dj_ctx *c, int64_t s, int64_t *stamp, int64_t *tstamp,
			double *tent, struct heap_ent **heap, int64_t *cap)
{
	const struct sc_csr *g = c->g;
	int64_t hn = 0, found = 0;
	int32_t *oi = c->idx + s * c->k0;
	double *od = c->dist + s * c->k0;
	if (g->indptr[s + 1] == g->indptr[s]) {
		c->count[s] = 0;
		return 0;
	}
	heap_push(*heap, &hn, 0.0, (int32_t)s);
	while (hn > 0 && found < c->k0) {
		struct heap_ent e = heap_pop(*heap, &hn);
		if (stamp[e.v] == s)
			continue;
		stamp[e.v] = s;
		if (e.v != s) {
			oi[found] = e.v;
			od[found] = round6(e.d);
			found++;
		}
		for (int64_t p = g->indptr[e.v]; p < g->indptr[e.v + 1]; p++) {
			int32_t u = g->indices[p];
			double nd = e.d + (double)g->data[p];
			if (stamp[u] == s || (tstamp[u] == s && tent[u] <= nd))
				continue; /* settled, or already queued at least as close */
			tstamp[u] = s;
			tent[u] = nd;
			if (hn >= *cap) {
				struct heap_ent *nh = realloc(*heap, sizeof **heap * (size_t)(*cap * 2));
				if (!nh)
					return -1;
				*heap = nh;
				*cap *= 2;
			}
			heap_push(*heap, &hn, nd, u);
		}
	}
	c->count[s] = (int32_t)found;
	return 0;
}

static void *dj_worker(void *arg)
{
	struct dj_ctx *c = arg;
	int64_t cap = 1024, *stamp = malloc(sizeof(int64_t) * (size_t)c->g->rows);
	int64_t *tstamp = malloc(sizeof(int64_t) * (size_t)c->g->rows);
	double *tent = malloc(sizeof(double) * (size_t)c->g->rows);
	struct heap_ent *heap = malloc(sizeof *heap * (size_t)cap);
	if (!stamp || !heap || !tstamp || !tent) {
		c->err = 1;
		goto out;
	}
	for (int64_t i = 0; i < c->g->rows; i++)
		stamp[i] = tstamp[i] = -1;
	for (;;) {
		long r0 = atomic_fetch_add(&c->next, 256);
		if (r0 >= c->g->rows)
			break;
		for (int64_t s = r0; s < r0 + 256 && s < c->g->rows; s++)
			if (dijkstra_row(c, s, stamp, tstamp, tent, &heap, &cap) < 0) {
				c->err = 1;
				goto out;
			}
	}
out:
	free(stamp);
	free(tstamp);
	free(tent);
	free(heap);
	return NULL;
}

int sc_lisi_graph_neighbors(const struct sc_csr *g, int64_t k0, int threads, int32_t *idx,
			    double *dist, int32_t *count)
{
	struct dj_ctx c = { g, k0, idx, dist, count, 0, 0 };
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads), started = 0;
	if (k0 < 1)
		return sc_seterr(SC_EUSAGE, "lisi: k0 must be positive");
	for (int64_t p = 0; p < g->nnz; p++)
		if (!(g->data[p] >= 0))
			return sc_seterr(SC_EINPUT, "lisi: negative or NaN graph weight (entry %lld)",
					 (long long)p);
	atomic_init(&c.next, 0);
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, dj_worker, &c) != 0)
			break;
	dj_worker(&c);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (c.err)
		return sc_seterr(SC_ENOMEM, "lisi: out of memory in the path search");
	return 0;
}

int sc_lisi_graph(const int32_t *idx, const double *dist, const int32_t *count, int64_t n,
		  int64_t k0, const int32_t *cls, int32_t n_classes, double *lisi)
{
	int ret = SC_ENOMEM;
	double *p = sc_malloc((size_t)k0, sizeof(double));
	int32_t *c = sc_malloc((size_t)k0, sizeof(int32_t));
	if (!p || !c)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		if (count[i] == 0) {
			lisi[i] = NAN;
			continue;
		}
		if (count[i] < k0) {
			lisi[i] = 1;
			continue;
		}
		for (int64_t j = 0; j < k0; j++)
			c[j] = cls[idx[i * k0 + j]];
		lisi[i] = 1.0 / sc_lisi_simpson(dist + i * k0, c, k0, (double)(k0 / 3), n_classes, p);
	}
	ret = 0;
out:
	free(p);
	free(c);
	return ret;
}

int sc_lisi_knn(const int32_t *idx, const float *dist, int64_t n, int64_t k, const int32_t *cls,
		int32_t n_classes, double perplexity, double *lisi)
{
	int ret = SC_ENOMEM;
	double *p = sc_malloc((size_t)k, sizeof(double)), *dd = sc_malloc((size_t)k, sizeof(double));
	int32_t *c = sc_malloc((size_t)k, sizeof(int32_t));
	if (!p || !c || !dd)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < k; j++) {
			int32_t v = idx[i * k + j];
			c[j] = (v == i || v < 0) ? -1 : cls[v];
			dd[j] = dist[i * k + j];
		}
		lisi[i] = 1.0 / sc_lisi_simpson(dd, c, k, perplexity, n_classes, p);
	}
	ret = 0;
out:
	free(p);
	free(dd);
	free(c);
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double sc_nanmedian(const double *v, int64_t n)
{
	double *w = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1)), r = NAN;
	int64_t m = 0;
	if (!w)
		return NAN;
	for (int64_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			w[m++] = v[i];
	if (m > 0) {
		qsort(w, (size_t)m, sizeof(double), cmp_double);
		r = m % 2 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
	}
	free(w);
	return r;
}
