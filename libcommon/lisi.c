/* LISI kernels (see lisi.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisi.h"
#include "sc_alloc.h"

/* The perplexity calibration: P (into p) from the last evaluated beta; returns the entropy.
 * mask (may be NULL) < 0 masks an entry (P = 0). Depends only on the distances. */
static double lisi_calibrate(const double *dist, const int32_t *mask, int64_t m,
			     double perplexity, double *p)
{
	double logu = log(perplexity), beta = 1, bmin = -INFINITY, bmax = INFINITY, h = 0, sp;
	for (int tries = 0;; tries++) {
		double sdp = 0;
		sp = 0;
		if (mask)
			for (int64_t j = 0; j < m; j++) {
				p[j] = mask[j] < 0 ? 0.0 : exp(-dist[j] * beta);
				sp += p[j];
				sdp += mask[j] < 0 ? 0.0 : dist[j] * p[j];
			}
		else
			for (int64_t j = 0; j < m; j++) {
				p[j] = exp(-dist[j] * beta);
				sp += p[j];
				sdp += dist[j] * p[j];
			}
		h = sp == 0 ? 0 : log(sp) + beta * sdp / sp;
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
	/* P of the last beta, normalised once: the values normalising every try gave */
	for (int64_t j = 0; j < m; j++)
		p[j] = sp == 0 ? 0 : p[j] / sp;
	return h;
}

/* Simpson index of the calibrated weights p: sum over classes of (sum of P in the class)^2. */
static double lisi_simpson_p(const double *p, const int32_t *cls, int64_t m, int32_t n_classes)
{
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

double sc_lisi_simpson(const double *dist, const int32_t *cls, int64_t m, double perplexity,
		       int32_t n_classes, double *p)
{
	if (lisi_calibrate(dist, cls, m, perplexity, p) == 0)
		return -1;
	return lisi_simpson_p(p, cls, m, n_classes);
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

/* Per-node search state of one thread: settled and queued stamps (the source's index) and
 * the best queued length, packed so one cache line serves a node. */
struct node_state {
	double tent;
	int32_t tstamp, stamp;
};

/* One graph entry: neighbour and weight side by side, so a row is one stream. */
struct edge {
	int32_t v;
	float w;
};

struct dj_ctx {
	const struct sc_csr *g;
	int64_t k0;
	int32_t *idx;
	double *dist;
	int32_t *count;
	const int32_t *order; /* sources in breadth-first order, for cache locality */
	const struct edge *edges; /* the graph's entries, index and weight together */
	atomic_long next;
	atomic_int err;
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

/* Offer v to the max-heap bh of at most k values; returns its maximum once it holds k. */
static double bound_offer(double *bh, int64_t *bn, int64_t k, double v)
{
	int64_t i;
	if (*bn < k) {
		i = (*bn)++;
		while (i > 0 && bh[(i - 1) / 2] < v) {
			bh[i] = bh[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		bh[i] = v;
		return *bn == k ? bh[0] : INFINITY;
	}
	if (v >= bh[0])
		return bh[0];
	i = 0;
	for (;;) {
		int64_t c = 2 * i + 1;
		if (c >= k)
			break;
		if (c + 1 < k && bh[c + 1] > bh[c])
			c++;
		if (bh[c] <= v)
			break;
		bh[i] = bh[c];
		i = c;
	}
	bh[i] = v;
	return bh[0];
}

/* Bounded Dijkstra from s: the first k0 cells settled after s, in (length, index) order.
 * Pruning: bh holds the first queued lengths of distinct cells; once k0 of them are at most
 * B, those k0 cells are all settled before any entry longer than B could pop, so entries
 * longer than B are never queued (the settle order up to the k0-th cell is unchanged). */
static int dijkstra_row(struct dj_ctx *c, int32_t s, struct node_state *st, double *bh,
			struct heap_ent **heap, int64_t *cap)
{
	const struct sc_csr *g = c->g;
	int64_t hn = 0, found = 0, bn = 0, k0 = c->k0;
	int32_t *oi = c->idx + (int64_t)s * k0;
	double *od = c->dist + (int64_t)s * k0, bound = INFINITY;
	if (g->indptr[s + 1] == g->indptr[s]) {
		c->count[s] = 0;
		return 0;
	}
	heap_push(*heap, &hn, 0.0, s);
	while (hn > 0) {
		struct heap_ent e = heap_pop(*heap, &hn);
		if (st[e.v].stamp == s)
			continue;
		st[e.v].stamp = s;
		if (e.v != s) {
			oi[found] = e.v;
			od[found] = round6(e.d);
			if (++found == k0)
				break;
		}
		for (int64_t p = g->indptr[e.v]; p < g->indptr[e.v + 1]; p++) {
			int32_t u = c->edges[p].v;
			struct node_state *t = st + u;
			double nd = e.d + (double)c->edges[p].w;
			int first = t->tstamp != s;
			if (t->stamp == s || (!first && t->tent <= nd) || nd > bound)
				continue; /* settled, already queued at least as close, or too far */
			t->tstamp = s;
			t->tent = nd;
			if (first && u != s)
				bound = bound_offer(bh, &bn, k0, nd);
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
	int64_t cap = 1024, n = c->g->rows;
	struct node_state *st = malloc(sizeof *st * (size_t)n);
	double *bh = malloc(sizeof(double) * (size_t)c->k0);
	struct heap_ent *heap = malloc(sizeof *heap * (size_t)cap);
	if (!st || !heap || !bh) {
		atomic_store(&c->err, 1);
		goto out;
	}
	for (int64_t i = 0; i < n; i++) {
		st[i].stamp = st[i].tstamp = -1;
		st[i].tent = 0;
	}
	for (;;) {
		long r0 = atomic_fetch_add(&c->next, 256);
		if (r0 >= n || atomic_load(&c->err))
			break;
		for (int64_t q = r0; q < r0 + 256 && q < n; q++)
			if (dijkstra_row(c, c->order[q], st, bh, &heap, &cap) < 0) {
				atomic_store(&c->err, 1);
				goto out;
			}
	}
out:
	free(st);
	free(bh);
	free(heap);
	return NULL;
}

/* Breadth-first order of the cells (each component from its lowest index): consecutive
 * sources then search overlapping balls, so their graph rows stay in cache. */
static int32_t *bfs_order(const struct sc_csr *g)
{
	int64_t n = g->rows, head = 0, tail = 0;
	int32_t *order = sc_malloc((size_t)(n > 0 ? n : 1), sizeof(int32_t));
	unsigned char *seen = sc_calloc((size_t)(n > 0 ? n : 1), 1);
	if (!order || !seen) {
		free(order);
		free(seen);
		return NULL;
	}
	for (int64_t r = 0; r < n; r++) {
		if (seen[r])
			continue;
		seen[r] = 1;
		order[tail++] = (int32_t)r;
		while (head < tail) {
			int32_t v = order[head++];
			for (int64_t p = g->indptr[v]; p < g->indptr[v + 1]; p++) {
				int32_t u = g->indices[p];
				if (!seen[u]) {
					seen[u] = 1;
					order[tail++] = u;
				}
			}
		}
	}
	free(seen);
	return order;
}

int sc_lisi_graph_neighbors(const struct sc_csr *g, int64_t k0, int threads, int32_t *idx,
			    double *dist, int32_t *count)
{
	struct dj_ctx c;
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads), started = 0;
	if (k0 < 1)
		return sc_seterr(SC_EUSAGE, "lisi: k0 must be positive");
	if (g->rows >= INT32_MAX)
		return sc_seterr(SC_EUSAGE, "lisi: too many cells (%lld)", (long long)g->rows);
	for (int64_t p = 0; p < g->nnz; p++)
		if (!(g->data[p] >= 0))
			return sc_seterr(SC_EINPUT, "lisi: negative or NaN graph weight (entry %lld)",
					 (long long)p);
	memset(&c, 0, sizeof c);
	c.g = g;
	c.k0 = k0;
	c.idx = idx;
	c.dist = dist;
	c.count = count;
	struct edge *edges = sc_malloc((size_t)(g->nnz > 0 ? g->nnz : 1), sizeof *edges);
	if (!edges || !(c.order = bfs_order(g))) {
		free(edges);
		return sc_seterr(SC_ENOMEM, "lisi: out of memory for the search order");
	}
	for (int64_t p = 0; p < g->nnz; p++) {
		edges[p].v = g->indices[p];
		edges[p].w = g->data[p];
	}
	c.edges = edges;
	atomic_init(&c.next, 0);
	atomic_init(&c.err, 0);
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, dj_worker, &c) != 0)
			break;
	dj_worker(&c);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	free((void *)c.order);
	free(edges);
	if (atomic_load(&c.err))
		return sc_seterr(SC_ENOMEM, "lisi: out of memory in the path search");
	return 0;
}

struct cal_ctx {
	double *dist;
	int32_t *count;
	int64_t n, k0;
	atomic_long next;
	atomic_int err;
};

static void *cal_worker(void *arg)
{
	struct cal_ctx *c = arg;
	int64_t k0 = c->k0;
	double *p = malloc(sizeof(double) * (size_t)k0), perp = (double)(k0 / 3);
	if (!p) {
		atomic_store(&c->err, 1);
		return NULL;
	}
	for (;;) {
		long r0 = atomic_fetch_add(&c->next, 512);
		if (r0 >= c->n)
			break;
		for (int64_t i = r0; i < r0 + 512 && i < c->n; i++) {
			if (c->count[i] < k0)
				continue;
			double *row = c->dist + i * k0;
			if (lisi_calibrate(row, NULL, k0, perp, p) == 0)
				c->count[i] = -1;
			memcpy(row, p, sizeof(double) * (size_t)k0);
		}
	}
	free(p);
	return NULL;
}

int sc_lisi_graph_weights(double *dist, int32_t *count, int64_t n, int64_t k0, int threads)
{
	struct cal_ctx c;
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads), started = 0;
	if (k0 < 1)
		return sc_seterr(SC_EUSAGE, "lisi: k0 must be positive");
	memset(&c, 0, sizeof c);
	c.dist = dist;
	c.count = count;
	c.n = n;
	c.k0 = k0;
	atomic_init(&c.next, 0);
	atomic_init(&c.err, 0);
	if (nt > 1 && n < 4096)
		nt = 1;
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, cal_worker, &c) != 0)
			break;
	cal_worker(&c);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (atomic_load(&c.err))
		return sc_seterr(SC_ENOMEM, "lisi: out of memory in the calibration");
	return 0;
}

int sc_lisi_graph_classes(const int32_t *idx, const double *p, const int32_t *count, int64_t n,
			  int64_t k0, const int32_t *cls, int32_t n_classes, double *lisi)
{
	int32_t *c = sc_malloc((size_t)k0, sizeof(int32_t));
	if (!c)
		return SC_ENOMEM;
	for (int64_t i = 0; i < n; i++) {
		if (count[i] == 0) {
			lisi[i] = NAN;
			continue;
		}
		if (count[i] < 0) {
			lisi[i] = -1;
			continue;
		}
		if (count[i] < k0) {
			lisi[i] = 1;
			continue;
		}
		for (int64_t j = 0; j < k0; j++)
			c[j] = cls[idx[i * k0 + j]];
		lisi[i] = 1.0 / lisi_simpson_p(p + i * k0, c, k0, n_classes);
	}
	free(c);
	return 0;
}

int sc_lisi_graph(const int32_t *idx, const double *dist, const int32_t *count, int64_t n,
		  int64_t k0, const int32_t *cls, int32_t n_classes, double *lisi)
{
	int ret = SC_ENOMEM;
	double *p = sc_malloc((size_t)n, (size_t)k0 * sizeof(double));
	int32_t *cnt = sc_malloc((size_t)n, sizeof(int32_t));
	if (!p || !cnt)
		goto out;
	memcpy(p, dist, sizeof(double) * (size_t)n * (size_t)k0);
	memcpy(cnt, count, sizeof(int32_t) * (size_t)n);
	if ((ret = sc_lisi_graph_weights(p, cnt, n, k0, 1)) == 0)
		ret = sc_lisi_graph_classes(idx, p, cnt, n, k0, cls, n_classes, lisi);
out:
	free(p);
	free(cnt);
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
