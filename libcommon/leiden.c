/* Leiden: fast local moving, refinement, aggregation (Traag et al. 2019), in the shape of
 * igraph's C implementation (see leiden.h). Every gain is written
 *
 *     gain(v -> C) = w(v, C) - res * nw[v] * cw[C]
 *
 * with node weights nw (strength for modularity, size for CPM), cluster weight sums cw and
 * res = gamma / W (modularity) or gamma (CPM); the constant terms common to all targets
 * cancel. Weights are kept in double; the original graph's float32 weights are widened once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_compare.h"
#include "leiden.h"
#include "sc_alloc.h"
#include "sc_rng.h"

void sc_leiden_defaults(struct sc_leiden_opts *o)
{
	o->objective = SC_LEIDEN_MODULARITY;
	o->resolution = 1.0;
	o->use_weights = 1;
	o->iterations = 2;
	o->beta = 0.01;
	o->seed = 0;
}

int sc_leiden_objective_parse(const char *s, enum sc_leiden_objective *out)
{
	if (strcmp(s, "modularity") == 0 || strcmp(s, "rb") == 0)
		*out = SC_LEIDEN_MODULARITY;
	else if (strcmp(s, "cpm") == 0 || strcmp(s, "CPM") == 0)
		*out = SC_LEIDEN_CPM;
	else
		return sc_seterr(SC_EUSAGE, "unknown objective '%s' (modularity or cpm)", s);
	return 0;
}

/* One level's graph: ptr/adj may borrow the input CSR (level 0). */
struct lgraph {
	int64_t n;
	int64_t *ptr;
	int32_t *adj;
	double *w;  /* owned */
	double *nw; /* node weights, owned */
	int own;    /* ptr/adj owned */
};

static void lg_release(struct lgraph *g)
{
	if (g->own) {
		free(g->ptr);
		free(g->adj);
	}
	free(g->w);
	free(g->nw);
	memset(g, 0, sizeof(*g));
}

/* A cluster's accumulator: both fields are touched together, so they share a cache line. */
struct cacc {
	double ew;
	int32_t seen;
};

/* Scratch shared by the phases, sized for the original node count. */
struct work {
	struct sc_rng rng;
	double res, beta;
	struct cacc *ce;   /* per cluster: edge weight to it and whether it is in touched */
	int32_t *touched;  /* clusters with ew set */
	double *cw;        /* cluster weight sums */
	int64_t *csize;    /* nodes per cluster */
	int32_t *queue;
	uint8_t *inq;
	int32_t *empty;    /* stack of empty cluster ids */
	int32_t *order;
	double *ext;       /* refinement: external weight inside the subset */
	uint8_t *nonsingle;
	int32_t *ref;      /* refined membership */
	double *cum;
	int32_t *start, *members;
};

static void shuffle(struct sc_rng *r, int32_t *a, int64_t n)
{
	for (int64_t i = n - 1; i > 0; i--) {
		int64_t j = (int64_t)sc_rng_below(r, (uint64_t)i + 1);
		int32_t t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* Renumber memb (values < n) to 0..m-1 in order of first appearance; returns m. */
static int64_t renumber(int32_t *memb, int64_t n, int32_t *map)
{
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++)
		map[i] = -1;
	for (int64_t i = 0; i < n; i++) {
		if (map[memb[i]] < 0)
			map[memb[i]] = (int32_t)m++;
		memb[i] = map[memb[i]];
	}
	return m;
}

/* Queue-based fast local moving; returns the number of clusters (memb renumbered). */
static int64_t fast_move(const struct lgraph *g, int32_t *memb, struct work *wk)
{
	int64_t n = g->n, head = 0, count = n, nempty = 0;
	for (int64_t c = 0; c < n; c++) {
		wk->cw[c] = 0;
		wk->csize[c] = 0;
	}
	for (int64_t v = 0; v < n; v++) {
		wk->cw[memb[v]] += g->nw[v];
		wk->csize[memb[v]]++;
		wk->queue[v] = (int32_t)v;
		wk->inq[v] = 1;
	}
	for (int64_t c = n - 1; c >= 0; c--)
		if (wk->csize[c] == 0)
			wk->empty[nempty++] = (int32_t)c;
	shuffle(&wk->rng, wk->queue, n);
	while (count > 0) {
		int32_t v = wk->queue[head];
		int32_t cur = memb[v], best = cur;
		int64_t nt = 0;
		head = head + 1 == n ? 0 : head + 1;
		count--;
		wk->inq[v] = 0;
		wk->cw[cur] -= g->nw[v];
		if (--wk->csize[cur] == 0)
			wk->empty[nempty++] = cur;
		wk->touched[nt++] = cur;
		wk->ce[cur].seen = 1;
		wk->ce[cur].ew = 0;
		for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
			int32_t u = g->adj[p];
			if (u == v)
				continue;
			int32_t c = memb[u];
			if (!wk->ce[c].seen) {
				wk->ce[c].seen = 1;
				wk->touched[nt++] = c;
			}
			wk->ce[c].ew += g->w[p];
		}
		if (nempty > 0 && !wk->ce[wk->empty[nempty - 1]].seen) {
			int32_t e = wk->empty[nempty - 1];
			wk->touched[nt++] = e;
			wk->ce[e].seen = 1;
			wk->ce[e].ew = 0;
		}
		double kv = g->nw[v] * wk->res;
		double maxd = wk->ce[cur].ew - kv * wk->cw[cur];
		for (int64_t t = 0; t < nt; t++) {
			int32_t c = wk->touched[t];
			double diff = wk->ce[c].ew - kv * wk->cw[c];
			if (diff > maxd) {
				maxd = diff;
				best = c;
			}
		}
		for (int64_t t = 0; t < nt; t++)
			{
				wk->ce[wk->touched[t]].ew = 0;
				wk->ce[wk->touched[t]].seen = 0;
			}
		if (wk->csize[best] == 0) /* taking an empty cluster: pop it from the stack */
			for (int64_t t = nempty - 1; t >= 0; t--)
				if (wk->empty[t] == best) {
					wk->empty[t] = wk->empty[--nempty];
					break;
				}
		wk->cw[best] += g->nw[v];
		wk->csize[best]++;
		if (best != cur) {
			memb[v] = best;
			for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
				int32_t u = g->adj[p];
				if (!wk->inq[u] && memb[u] != best) {
					int64_t tail = head + count;
					wk->queue[tail >= n ? tail - n : tail] = u;
					wk->inq[u] = 1;
					count++;
				}
			}
		}
	}
	return renumber(memb, n, wk->touched);
}

/* Refine each cluster of memb (ids < m) into wk->ref; returns the refined cluster count. */
static int64_t refine(const struct lgraph *g, const int32_t *memb, int64_t m, struct work *wk)
{
	int64_t n = g->n;
	/* nodes grouped by cluster (counting sort) */
	for (int64_t c = 0; c <= m; c++)
		wk->start[c] = 0;
	for (int64_t v = 0; v < n; v++)
		wk->start[memb[v] + 1]++;
	for (int64_t c = 0; c < m; c++)
		wk->start[c + 1] += wk->start[c];
	for (int64_t v = 0; v < n; v++)
		wk->order[wk->start[memb[v]]++] = (int32_t)v;
	for (int64_t c = m; c > 0; c--)
		wk->start[c] = wk->start[c - 1];
	wk->start[0] = 0;
	for (int64_t v = 0; v < n; v++) {
		wk->ref[v] = (int32_t)v;
		wk->cw[v] = g->nw[v];
		wk->nonsingle[v] = 0;
		double e = 0;
		for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++)
			if (g->adj[p] != v && memb[g->adj[p]] == memb[v])
				e += g->w[p];
		wk->ext[v] = e;
	}
	for (int64_t c = 0; c < m; c++) {
		int32_t *nodes = wk->order + wk->start[c];
		int64_t cnt = wk->start[c + 1] - wk->start[c];
		double total = 0;
		for (int64_t a = 0; a < cnt; a++)
			total += g->nw[nodes[a]];
		memcpy(wk->members, nodes, sizeof(int32_t) * (size_t)cnt);
		shuffle(&wk->rng, wk->members, cnt);
		for (int64_t a = 0; a < cnt; a++) {
			int32_t v = wk->members[a], own = wk->ref[v], chosen = own;
			int64_t nt = 0;
			if (wk->nonsingle[own] || wk->ext[own] < wk->cw[own] * (total - wk->cw[own]) * wk->res)
				continue;
			double extv = wk->ext[own];
			wk->cw[own] = 0;
			wk->ext[own] = 0;
			wk->touched[nt++] = own;
			wk->ce[own].seen = 1;
			wk->ce[own].ew = 0;
			for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
				int32_t u = g->adj[p];
				if (u == v || memb[u] != c)
					continue;
				int32_t rc = wk->ref[u];
				if (!wk->ce[rc].seen) {
					wk->ce[rc].seen = 1;
					wk->touched[nt++] = rc;
				}
				wk->ce[rc].ew += g->w[p];
			}
			double kv = g->nw[v] * wk->res, maxd = 0, acc = 0;
			for (int64_t t = 0; t < nt; t++) {
				int32_t rc = wk->touched[t];
				wk->cum[t] = -1;
				if (wk->ext[rc] >= wk->cw[rc] * (total - wk->cw[rc]) * wk->res) {
					double diff = wk->ce[rc].ew - kv * wk->cw[rc];
					wk->cum[t] = diff;
					if (diff > maxd)
						maxd = diff;
				}
			}
			for (int64_t t = 0; t < nt; t++) {
				double diff = wk->cum[t];
				if (diff >= 0)
					acc += exp((diff - maxd) / wk->beta);
				wk->cum[t] = acc;
			}
			if (acc > 0) {
				double r = sc_rng_uniform(&wk->rng) * acc;
				int64_t t = 0;
				while (t < nt - 1 && wk->cum[t] <= r)
					t++;
				chosen = wk->touched[t];
			}
			wk->cw[chosen] += g->nw[v];
			wk->ext[chosen] += extv - 2 * wk->ce[chosen].ew;
			for (int64_t t = 0; t < nt; t++)
				{
				wk->ce[wk->touched[t]].ew = 0;
				wk->ce[wk->touched[t]].seen = 0;
			}
			if (chosen != own) {
				wk->ref[v] = chosen;
				wk->nonsingle[chosen] = 1;
			}
		}
	}
	return renumber(wk->ref, n, wk->touched);
}

/* Aggregate g by part (ids < m) into ng. */
static int aggregate(const struct lgraph *g, const int32_t *part, int64_t m, struct lgraph *ng,
		     struct work *wk)
{
	int64_t n = g->n, cap = 0;
	memset(ng, 0, sizeof(*ng));
	ng->own = 1;
	ng->n = m;
	ng->ptr = sc_calloc((size_t)m + 1, sizeof(int64_t));
	ng->nw = sc_calloc((size_t)m + 1, sizeof(double));
	if (!ng->ptr || !ng->nw)
		return SC_ENOMEM;
	for (int64_t c = 0; c <= m; c++)
		wk->start[c] = 0;
	for (int64_t v = 0; v < n; v++)
		wk->start[part[v] + 1]++;
	for (int64_t c = 0; c < m; c++)
		wk->start[c + 1] += wk->start[c];
	for (int64_t v = 0; v < n; v++)
		wk->order[wk->start[part[v]]++] = (int32_t)v;
	for (int64_t c = m; c > 0; c--)
		wk->start[c] = wk->start[c - 1];
	wk->start[0] = 0;
	/* one pass: the aggregated graph never has more entries than g, so size for that and
	 * shrink afterwards */
	cap = g->ptr[n];
	ng->adj = sc_malloc((size_t)cap + 1, sizeof(int32_t));
	ng->w = sc_malloc((size_t)cap + 1, sizeof(double));
	if (!ng->adj || !ng->w)
		return SC_ENOMEM;
	int64_t w = 0;
	for (int64_t c = 0; c < m; c++) {
		int64_t nt = 0;
		for (int64_t a = wk->start[c]; a < wk->start[c + 1]; a++) {
			int32_t v = wk->order[a];
			ng->nw[c] += g->nw[v];
			for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
				int32_t d = part[g->adj[p]];
				if (!wk->ce[d].seen) {
					wk->ce[d].seen = 1;
					wk->touched[nt++] = d;
				}
				wk->ce[d].ew += g->w[p];
			}
		}
		for (int64_t t = 0; t < nt; t++) {
			int32_t d = wk->touched[t];
			ng->adj[w] = d;
			ng->w[w] = wk->ce[d].ew;
			w++;
			wk->ce[d].ew = 0;
			wk->ce[d].seen = 0;
		}
		ng->ptr[c + 1] = w;
	}
	int32_t *na = sc_realloc(ng->adj, (size_t)w + 1, sizeof(int32_t));
	double *nwt = sc_realloc(ng->w, (size_t)w + 1, sizeof(double));
	if (na)
		ng->adj = na;
	if (nwt)
		ng->w = nwt;
	return 0;
}

static int work_alloc(struct work *wk, int64_t n)
{
	size_t z = (size_t)n + 2;
	wk->ce = sc_calloc(z, sizeof(struct cacc));
	wk->touched = sc_malloc(z, sizeof(int32_t));
	wk->cw = sc_malloc(z, sizeof(double));
	wk->csize = sc_malloc(z, sizeof(int64_t));
	wk->queue = sc_malloc(z, sizeof(int32_t));
	wk->inq = sc_malloc(z, 1);
	wk->empty = sc_malloc(z, sizeof(int32_t));
	wk->order = sc_malloc(z, sizeof(int32_t));
	wk->ext = sc_malloc(z, sizeof(double));
	wk->nonsingle = sc_malloc(z, 1);
	wk->ref = sc_malloc(z, sizeof(int32_t));
	wk->cum = sc_malloc(z, sizeof(double));
	wk->start = sc_malloc(z, sizeof(int32_t));
	wk->members = sc_malloc(z, sizeof(int32_t));
	if (!wk->ce || !wk->touched || !wk->cw || !wk->csize || !wk->queue || !wk->inq ||
	    !wk->empty || !wk->order || !wk->ext || !wk->nonsingle || !wk->ref || !wk->cum ||
	    !wk->start || !wk->members)
		return SC_ENOMEM;
	return 0;
}

static void work_release(struct work *wk)
{
	free(wk->ce);
	free(wk->touched);
	free(wk->cw);
	free(wk->csize);
	free(wk->queue);
	free(wk->inq);
	free(wk->empty);
	free(wk->order);
	free(wk->ext);
	free(wk->nonsingle);
	free(wk->ref);
	free(wk->cum);
	free(wk->start);
	free(wk->members);
}

/* One Leiden pass from memb (modified in place). */
static int leiden_pass(const struct lgraph *g0, int32_t *memb, struct work *wk, int32_t *aggof,
		       int32_t *lmemb)
{
	struct lgraph cur = *g0, next;
	int64_t n0 = g0->n;
	int ret = 0;
	cur.own = 0; /* level 0 is borrowed; free only w/nw of later levels */
	for (int64_t v = 0; v < n0; v++) {
		aggof[v] = (int32_t)v;
		lmemb[v] = memb[v];
	}
	for (int level = 0;; level++) {
		int64_t m = fast_move(&cur, lmemb, wk);
		if (m >= cur.n)
			break;
		int64_t mr = refine(&cur, lmemb, m, wk);
		int32_t *part = wk->ref;
		if (mr >= cur.n) {
			part = lmemb;
			mr = m;
		}
		if ((ret = aggregate(&cur, part, mr, &next, wk)) < 0) {
			lg_release(&next);
			break;
		}
		for (int64_t v = 0; v < n0; v++)
			aggof[v] = part[aggof[v]];
		/* the aggregated nodes start in their unrefined cluster */
		for (int64_t v = 0; v < cur.n; v++)
			wk->queue[part[v]] = lmemb[v];
		for (int64_t c = 0; c < mr; c++)
			lmemb[c] = wk->queue[c];
		if (level > 0)
			lg_release(&cur);
		cur = next;
	}
	for (int64_t v = 0; v < n0; v++)
		memb[v] = lmemb[aggof[v]];
	if (cur.own)
		lg_release(&cur);
	return ret;
}

struct csort {
	int64_t size, first;
	int32_t c;
};

static int csort_cmp(const void *a, const void *b)
{
	const struct csort *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

/* Renumber by decreasing size, ties by smallest member; returns the cluster count or -1. */
static int64_t canonical(int32_t *memb, int64_t n)
{
	int64_t m = 0, k = 0;
	struct csort *cs = NULL;
	int32_t *map = NULL;
	for (int64_t v = 0; v < n; v++)
		if (memb[v] >= m)
			m = (int64_t)memb[v] + 1;
	cs = sc_malloc((size_t)m + 1, sizeof(*cs));
	map = sc_malloc((size_t)m + 1, sizeof(int32_t));
	if (!cs || !map) {
		k = -1;
		goto out;
	}
	for (int64_t c = 0; c < m; c++)
		cs[c] = (struct csort){ 0, n, (int32_t)c };
	for (int64_t v = n - 1; v >= 0; v--) {
		cs[memb[v]].size++;
		cs[memb[v]].first = v;
	}
	qsort(cs, (size_t)m, sizeof(*cs), csort_cmp);
	for (int64_t t = 0; t < m; t++) {
		map[cs[t].c] = (int32_t)t;
		if (cs[t].size > 0)
			k++;
	}
	for (int64_t v = 0; v < n; v++)
		memb[v] = map[memb[v]];
out:
	free(cs);
	free(map);
	return k;
}

/* Level-0 graph: borrows the CSR structure, widens weights, computes node weights. */
static int lg_init(struct lgraph *g, const struct sc_csr *a, const struct sc_leiden_opts *o,
		   double *total)
{
	double tot = 0;
	memset(g, 0, sizeof(*g));
	g->n = a->rows;
	g->ptr = a->indptr;
	g->adj = a->indices;
	g->w = sc_malloc((size_t)a->nnz + 1, sizeof(double));
	g->nw = sc_malloc((size_t)a->rows + 1, sizeof(double));
	if (!g->w || !g->nw)
		return SC_ENOMEM;
	for (int64_t v = 0; v < a->rows; v++) {
		double s = 0;
		for (int64_t p = a->indptr[v]; p < a->indptr[v + 1]; p++) {
			g->w[p] = o->use_weights ? (double)a->data[p] : 1.0;
			s += g->w[p];
		}
		g->nw[v] = o->objective == SC_LEIDEN_CPM ? 1.0 : s;
		tot += s;
	}
	*total = tot;
	return 0;
}

double sc_leiden_quality(const struct sc_csr *g, const int32_t *memb,
			 enum sc_leiden_objective objective, double resolution, int use_weights)
{
	int64_t m = 0;
	double *in = NULL, *kc = NULL, tot = 0, q = 0;
	for (int64_t v = 0; v < g->rows; v++)
		if (memb[v] >= m)
			m = (int64_t)memb[v] + 1;
	in = sc_calloc((size_t)m + 1, sizeof(double));
	kc = sc_calloc((size_t)m + 1, sizeof(double));
	if (!in || !kc) {
		q = NAN;
		goto out;
	}
	for (int64_t v = 0; v < g->rows; v++)
		for (int64_t p = g->indptr[v]; p < g->indptr[v + 1]; p++) {
			double w = use_weights ? (double)g->data[p] : 1.0;
			tot += w;
			if (objective == SC_LEIDEN_CPM)
				continue;
			kc[memb[v]] += w;
			if (memb[g->indices[p]] == memb[v])
				in[memb[v]] += w;
		}
	if (objective == SC_LEIDEN_CPM) {
		for (int64_t v = 0; v < g->rows; v++) {
			kc[memb[v]] += 1;
			for (int64_t p = g->indptr[v]; p < g->indptr[v + 1]; p++)
				if (memb[g->indices[p]] == memb[v])
					in[memb[v]] += use_weights ? (double)g->data[p] : 1.0;
		}
		for (int64_t c = 0; c < m; c++)
			q += in[c] - resolution * kc[c] * (kc[c] - 1);
	} else if (tot > 0) {
		for (int64_t c = 0; c < m; c++)
			q += in[c] - resolution * kc[c] * kc[c] / tot;
	}
out:
	free(in);
	free(kc);
	return q;
}

double sc_modularity(const struct sc_csr *g, const int32_t *memb, int use_weights)
{
	double tot = 0;
	for (int64_t p = 0; p < g->nnz; p++)
		tot += use_weights ? (double)g->data[p] : 1.0;
	if (tot <= 0)
		return 0;
	return sc_leiden_quality(g, memb, SC_LEIDEN_MODULARITY, 1.0, use_weights) / tot;
}

int sc_leiden_run(const struct sc_csr *g, const struct sc_leiden_opts *o, int32_t *memb,
		  int32_t *n_clusters)
{
	struct lgraph g0;
	struct work wk;
	int32_t *aggof = NULL, *lmemb = NULL, *prev = NULL;
	double total = 0, qprev = -INFINITY;
	int64_t n = g->rows, m;
	int ret = SC_ENOMEM;
	memset(&wk, 0, sizeof(wk));
	memset(&g0, 0, sizeof(g0));
	if (g->rows != g->cols || g->rows > INT32_MAX)
		return sc_seterr(SC_EINPUT, "Leiden needs a square graph (%lld x %lld)",
				 (long long)g->rows, (long long)g->cols);
	if (o->iterations == 0 || o->iterations < -1 || !(o->beta > 0) || !isfinite(o->resolution))
		return sc_seterr(SC_EUSAGE, "bad Leiden parameters");
	if (lg_init(&g0, g, o, &total) < 0 || work_alloc(&wk, n) < 0)
		goto out;
	aggof = sc_malloc((size_t)n + 1, sizeof(int32_t));
	lmemb = sc_malloc((size_t)n + 1, sizeof(int32_t));
	prev = sc_malloc((size_t)n + 1, sizeof(int32_t));
	if (!aggof || !lmemb || !prev)
		goto out;
	sc_rng_seed(&wk.rng, o->seed);
	wk.beta = o->beta;
	wk.res = o->objective == SC_LEIDEN_CPM ? o->resolution
		 : total > 0 ? o->resolution / total : 0;
	for (int64_t v = 0; v < n; v++)
		memb[v] = (int32_t)v;
	for (int it = 0; o->iterations < 0 || it < o->iterations; it++) {
		memcpy(prev, memb, sizeof(int32_t) * (size_t)n);
		if ((ret = leiden_pass(&g0, memb, &wk, aggof, lmemb)) < 0)
			goto out;
		ret = SC_ENOMEM;
		if (canonical(memb, n) < 0)
			goto out;
		if (o->iterations < 0) {
			/* leidenalg's n_iterations=-1: stop once a pass changes nothing */
			double q = sc_leiden_quality(g, memb, o->objective, o->resolution, o->use_weights);
			if (memcmp(prev, memb, sizeof(int32_t) * (size_t)n) == 0 ||
			    !(q > qprev + 1e-12 * fabs(q)) || it >= 10000)
				break;
			qprev = q;
		}
	}
	m = canonical(memb, n);
	if (m < 0)
		goto out;
	*n_clusters = (int32_t)m;
	ret = 0;
out:
	lg_release(&g0);
	work_release(&wk);
	free(aggof);
	free(lmemb);
	free(prev);
	return ret;
}

int sc_leiden_sweep(const struct sc_csr *g, const struct sc_leiden_opts *o,
		    const double *resolutions, int nres, const int32_t *labels, int32_t *best,
		    int *best_index, double *nmi, double *ari, int32_t *ncl)
{
	struct sc_leiden_opts lo = *o;
	struct sc_partition_scores sc;
	int32_t *memb = sc_malloc((size_t)g->rows + 1, sizeof(int32_t)), k;
	double top = 0;
	int ret = SC_ENOMEM;
	if (!memb)
		goto out;
	*best_index = 0;
	for (int r = 0; r < nres; r++) {
		lo.resolution = resolutions[r];
		if ((ret = sc_leiden_run(g, &lo, memb, &k)) < 0 ||
		    (ret = sc_partition_compare(labels, memb, g->rows, &sc)) < 0)
			goto out;
		if (nmi)
			nmi[r] = sc.nmi;
		if (ari)
			ari[r] = sc.ari;
		if (ncl)
			ncl[r] = k;
		/* scib: strict improvement over a running max that starts at 0 */
		if (r == 0 || top < sc.nmi) /* the first run stands in when no NMI is positive */
			memcpy(best, memb, sizeof(int32_t) * (size_t)g->rows);
		if (top < sc.nmi) {
			top = sc.nmi;
			*best_index = r;
		}
	}
	ret = 0;
out:
	free(memb);
	return ret;
}

int sc_resolutions_parse(const char *spec, double *out, int max, int *n)
{
	char buf[64], *p1, *p2, *end;
	double a, b, st;
	if (strlen(spec) >= sizeof(buf) || !(p1 = strchr(strcpy(buf, spec), ':')) ||
	    !(p2 = strchr(p1 + 1, ':')))
		return sc_seterr(SC_EUSAGE, "--resolutions: expected A:B:STEP, got '%s'", spec);
	*p1++ = '\0';
	*p2++ = '\0';
	a = strtod(buf, &end);
	if (*end || end == buf || !isfinite(a) || a < 0)
		goto bad;
	b = strtod(p1, &end);
	if (*end || end == p1 || !isfinite(b) || b < a)
		goto bad;
	st = strtod(p2, &end);
	if (*end || end == p2 || !isfinite(st) || st <= 0)
		goto bad;
	*n = 0;
	for (long i = 0; a + (double)i * st <= b * (1 + 1e-12); i++) {
		if (*n == max)
			return sc_seterr(SC_EUSAGE, "--resolutions: more than %d values", max);
		snprintf(buf, sizeof(buf), "%.12g", a + (double)i * st);
		out[(*n)++] = strtod(buf, NULL);
	}
	return 0;
bad:
	return sc_seterr(SC_EUSAGE, "--resolutions: '%s' is not A:B:STEP with 0 <= A <= B, STEP > 0",
			 spec);
}
