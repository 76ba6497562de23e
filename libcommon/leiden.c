/* Leiden: fast local moving, refinement, aggregation (Traag et al. 2019), in the shape of
 * igraph's C implementation (see leiden.h). Every gain is written
 *
 *     gain(v -> C) = w(v, C) - res * nw[v] * cw[C]
 *
 * with node weights nw (strength for modularity, size for CPM), cluster weight sums cw and
 * res = gamma / W (modularity) or gamma (CPM); the constant terms common to all targets
 * cancel. Weights are kept in double; the original graph's float32 weights are widened once. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* One level's graph (arrays owned, except ord). ord, when set, is the order in which the
 * nodes were numbered by the caller (level 0, see struct prep): every loop whose order can
 * change a result (sums across nodes, the queue, renumbering, grouping) walks the nodes as
 * ord[0], ord[1], ..., so that the partitions are exactly those of the unpermuted graph. */
struct lgraph {
	int64_t n;
	int64_t *ptr;
	int32_t *adj;
	double *w;  /* edge weights, or NULL when wf holds them */
	float *wf;  /* level 0: the input's float32 weights, widened exactly where read */
	double *nw; /* node weights */
	const int32_t *ord;
};

/* The i-th node in the caller's order. */
static inline int32_t node_at(const struct lgraph *g, int64_t i)
{
	return g->ord ? g->ord[i] : (int32_t)i;
}

static void lg_release(struct lgraph *g)
{
	free(g->ptr);
	free(g->adj);
	free(g->w);
	free(g->wf);
	free(g->nw);
	memset(g, 0, sizeof(*g));
}

/* Per cluster: the edge weight to it from the node being moved (ew, with seen marking it in
 * the touched list), the cluster's weight sum and size. All read together in the inner loops,
 * so they share a cache line. */
struct cl {
	double ew;
	double cw;
	int32_t seen;
	int32_t size;
};

/* Scratch of one run, sized for the original node count (one per thread). */
struct work {
	struct sc_rng rng;
	double res, beta;
	struct cl *c;
	int32_t *touched;  /* clusters with ew set */
	int32_t *queue;
	uint8_t *inq;
	int32_t *empty;    /* stack of empty cluster ids */
	int32_t *order;
	double *ext;       /* refinement: external weight inside the subset */
	uint8_t *nonsingle;
	int32_t *ref;      /* refined membership */
	double *cum;
	int32_t *start, *members;
	int32_t *aggof, *lmemb, *prev, *memb;
	struct lgraph lv[2]; /* aggregated levels, reused (ping-pong) */
	int64_t cap[2];      /* entries allocated in lv[i].adj/w */
	int64_t ncap[2];     /* nodes allocated in lv[i].ptr/nw */
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

/* Renumber memb (values < n) to 0..m-1 in order of first appearance (walking g's nodes in
 * the caller's order); returns m. */
static int64_t renumber(const struct lgraph *g, int32_t *memb, int32_t *map)
{
	int64_t m = 0, n = g->n;
	for (int64_t i = 0; i < n; i++)
		map[i] = -1;
	for (int64_t i = 0; i < n; i++) {
		int32_t v = node_at(g, i);
		if (map[memb[v]] < 0)
			map[memb[v]] = (int32_t)m++;
		memb[v] = map[memb[v]];
	}
	return m;
}

/* Edge p's weight; fw (a constant in each specialised copy of the hot loops) says whether
 * the weights are g's float32 ones (level 0) or doubles (aggregated levels). Widening a float
 * is exact, so both give the same doubles; the float copy halves the level-0 rows' bytes. */
#define WT(g, fw, p) ((fw) ? (double)(g)->wf[p] : (g)->w[p])
#define HOT static inline __attribute__((always_inline))

/* Prefetch distances (nodes ahead in the visiting order) for the row pointer and the row. */
#define PF_FAR 8
#define PF_NEAR 4

/* Sum the weights of the edges adj/w[lo..hi) of node v (self loop skipped) into the ew of
 * the clusters memb[] of their ends, listing newly seen clusters in touched[nt..); returns the
 * new nt. Runs of neighbours in the same cluster accumulate in a register, added in the same
 * order as one edge at a time (same rounding), without a store-to-load chain per edge. */
HOT int64_t gather(const int32_t *restrict adj, const double *restrict w,
		   const float *restrict wf, int fw, int64_t lo, int64_t hi, int32_t v,
		   const int32_t *restrict memb, struct cl *restrict cl,
		   int32_t *restrict touched, int64_t nt)
{
	int32_t lc = -1;
	double acc = 0;
	for (int64_t p = lo; p < hi; p++) {
		int32_t u = adj[p];
		if (u == v)
			continue;
		int32_t c = memb[u];
		if (c != lc) {
			if (lc >= 0)
				cl[lc].ew = acc;
			lc = c;
			if (!cl[c].seen) {
				cl[c].seen = 1;
				touched[nt++] = c;
			}
			acc = cl[c].ew;
		}
		acc += fw ? (double)wf[p] : w[p];
	}
	if (lc >= 0)
		cl[lc].ew = acc;
	return nt;
}

/* Queue-based fast local moving; returns the number of clusters (memb renumbered). */
HOT int64_t fast_move_t(const struct lgraph *g, int32_t *restrict memb, struct work *wk, int fw)
{
	int64_t n = g->n, head = 0, count = n, nempty = 0;
	struct cl *restrict cl = wk->c;
	const int64_t *restrict ptr = g->ptr;
	const int32_t *restrict adj = g->adj;
	const double *restrict w = g->w;
	const float *restrict wf = g->wf;
	for (int64_t c = 0; c < n; c++) {
		cl[c].cw = 0;
		cl[c].size = 0;
	}
	for (int64_t i = 0; i < n; i++) {
		int32_t v = node_at(g, i);
		cl[memb[v]].cw += g->nw[v];
		cl[memb[v]].size++;
		wk->queue[i] = v;
		wk->inq[v] = 1;
	}
	for (int64_t c = n - 1; c >= 0; c--)
		if (cl[c].size == 0)
			wk->empty[nempty++] = (int32_t)c;
	shuffle(&wk->rng, wk->queue, n);
	while (count > 0) {
		int32_t v = wk->queue[head];
		int32_t cur = memb[v], best = cur;
		int64_t nt = 0;
		/* the queue is in random order: fetch the rows of the nodes a few places ahead */
		if (count > PF_FAR) {
			int64_t f = head + PF_FAR, h = head + PF_NEAR;
			int32_t uf = wk->queue[f >= n ? f - n : f], uh = wk->queue[h >= n ? h - n : h];
			__builtin_prefetch(&ptr[uf]);
			__builtin_prefetch(&memb[uf]);
			__builtin_prefetch(&adj[ptr[uh]]);
			if (fw) {
				__builtin_prefetch(&wf[ptr[uh]]);
			} else {
				__builtin_prefetch(&w[ptr[uh]]);
				__builtin_prefetch(&w[ptr[uh]] + 8);
			}
			__builtin_prefetch(&cl[memb[uh]]);
		}
		head = head + 1 == n ? 0 : head + 1;
		count--;
		wk->inq[v] = 0;
		cl[cur].cw -= g->nw[v];
		if (--cl[cur].size == 0)
			wk->empty[nempty++] = cur;
		wk->touched[nt++] = cur;
		cl[cur].seen = 1;
		cl[cur].ew = 0;
		nt = gather(adj, w, wf, fw, ptr[v], ptr[v + 1], v, memb, cl, wk->touched, nt);
		if (nempty > 0 && !cl[wk->empty[nempty - 1]].seen) {
			int32_t e = wk->empty[nempty - 1];
			wk->touched[nt++] = e;
			cl[e].seen = 1;
			cl[e].ew = 0;
		}
		double kv = g->nw[v] * wk->res;
		double maxd = cl[cur].ew - kv * cl[cur].cw;
		for (int64_t t = 0; t < nt; t++) {
			struct cl *x = cl + wk->touched[t];
			double diff = x->ew - kv * x->cw;
			x->ew = 0;
			x->seen = 0;
			if (diff > maxd) {
				maxd = diff;
				best = wk->touched[t];
			}
		}
		if (cl[best].size == 0) /* taking an empty cluster: pop it from the stack */
			for (int64_t t = nempty - 1; t >= 0; t--)
				if (wk->empty[t] == best) {
					wk->empty[t] = wk->empty[--nempty];
					break;
				}
		cl[best].cw += g->nw[v];
		cl[best].size++;
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
	return renumber(g, memb, wk->touched);
}

static int64_t fast_move(const struct lgraph *g, int32_t *memb, struct work *wk)
{
	return g->wf ? fast_move_t(g, memb, wk, 1) : fast_move_t(g, memb, wk, 0);
}

/* Group g's nodes by part (ids < m): wk->order[wk->start[c] .. wk->start[c + 1]), each group
 * in the caller's node order. */
static void group(const struct lgraph *g, const int32_t *part, int64_t m, struct work *wk)
{
	int64_t n = g->n;
	for (int64_t c = 0; c <= m; c++)
		wk->start[c] = 0;
	for (int64_t v = 0; v < n; v++)
		wk->start[part[v] + 1]++;
	for (int64_t c = 0; c < m; c++)
		wk->start[c + 1] += wk->start[c];
	for (int64_t i = 0; i < n; i++) {
		int32_t v = node_at(g, i);
		wk->order[wk->start[part[v]]++] = v;
	}
	for (int64_t c = m; c > 0; c--)
		wk->start[c] = wk->start[c - 1];
	wk->start[0] = 0;
}

/* Refine each cluster of memb (ids < m) into wk->ref; returns the refined cluster count. */
HOT int64_t refine_t(const struct lgraph *g, const int32_t *restrict memb, int64_t m,
		    struct work *wk, int fw)
{
	int64_t n = g->n;
	struct cl *restrict cl = wk->c;
	int32_t *restrict ref = wk->ref;
	/* below this, exp((diff - maxd) / beta) is exactly 0 in double: skip the call */
	const double cut = -746.0 * wk->beta;
	group(g, memb, m, wk);
	for (int64_t v = 0; v < n; v++) {
		wk->ref[v] = (int32_t)v;
		cl[v].cw = g->nw[v];
		wk->nonsingle[v] = 0;
		double e = 0;
		for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++)
			if (g->adj[p] != v && memb[g->adj[p]] == memb[v])
				e += WT(g, fw, p);
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
			if (wk->nonsingle[own] || wk->ext[own] < cl[own].cw * (total - cl[own].cw) * wk->res)
				continue;
			double extv = wk->ext[own];
			cl[own].cw = 0;
			wk->ext[own] = 0;
			wk->touched[nt++] = own;
			cl[own].seen = 1;
			cl[own].ew = 0;
			{
				int32_t lc = -1;
				double acc = 0;
				for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
					int32_t u = g->adj[p];
					if (u == v || memb[u] != c)
						continue;
					int32_t rc = ref[u];
					if (rc != lc) { /* runs in a register, as in gather() */
						if (lc >= 0)
							cl[lc].ew = acc;
						lc = rc;
						if (!cl[rc].seen) {
							cl[rc].seen = 1;
							wk->touched[nt++] = rc;
						}
						acc = cl[rc].ew;
					}
					acc += WT(g, fw, p);
				}
				if (lc >= 0)
					cl[lc].ew = acc;
			}
			double kv = g->nw[v] * wk->res, maxd = 0, acc = 0;
			for (int64_t t = 0; t < nt; t++) {
				int32_t rc = wk->touched[t];
				wk->cum[t] = -1;
				if (wk->ext[rc] >= cl[rc].cw * (total - cl[rc].cw) * wk->res) {
					double diff = cl[rc].ew - kv * cl[rc].cw;
					wk->cum[t] = diff;
					if (diff > maxd)
						maxd = diff;
				}
			}
			for (int64_t t = 0; t < nt; t++) {
				double diff = wk->cum[t];
				/* the best candidate (at least one) weighs exp(0) = 1 exactly; once it is
				 * in, acc >= 1 and a weight below e^-40 < 2^-53 (half an ulp of 1) leaves
				 * acc unchanged, so its exp need not be computed */
				if (diff == maxd)
					acc += 1.0;
				else if (diff >= 0 && diff - maxd >= cut &&
					 !(acc >= 1.0 && (diff - maxd) / wk->beta < -40.0))
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
			cl[chosen].cw += g->nw[v];
			wk->ext[chosen] += extv - 2 * cl[chosen].ew;
			for (int64_t t = 0; t < nt; t++) {
				cl[wk->touched[t]].ew = 0;
				cl[wk->touched[t]].seen = 0;
			}
			if (chosen != own) {
				wk->ref[v] = chosen;
				wk->nonsingle[chosen] = 1;
			}
		}
	}
	return renumber(g, wk->ref, wk->touched);
}

static int64_t refine(const struct lgraph *g, const int32_t *memb, int64_t m, struct work *wk)
{
	return g->wf ? refine_t(g, memb, m, wk, 1) : refine_t(g, memb, m, wk, 0);
}

/* Grow a level's arrays to nodes/entries (kept between levels and passes). */
static int lg_reserve(struct work *wk, int i, int64_t nodes, int64_t entries)
{
	struct lgraph *g = &wk->lv[i];
	if (nodes > wk->ncap[i]) {
		free(g->ptr);
		free(g->nw);
		g->ptr = sc_malloc((size_t)nodes + 1, sizeof(int64_t));
		g->nw = sc_malloc((size_t)nodes + 1, sizeof(double));
		wk->ncap[i] = g->ptr && g->nw ? nodes : 0;
		if (!g->ptr || !g->nw)
			return SC_ENOMEM;
	}
	if (entries > wk->cap[i]) {
		free(g->adj);
		free(g->w);
		g->adj = sc_malloc((size_t)entries + 1, sizeof(int32_t));
		g->w = sc_malloc((size_t)entries + 1, sizeof(double));
		wk->cap[i] = g->adj && g->w ? entries : 0;
		if (!g->adj || !g->w)
			return SC_ENOMEM;
	}
	return 0;
}

/* Aggregate g by part (ids < m) into ng (arrays from lg_reserve, at least g's size). */
HOT void aggregate_t(const struct lgraph *g, const int32_t *restrict part, int64_t m,
		     struct lgraph *ng, struct work *wk, int fw)
{
	struct cl *restrict cl = wk->c;
	int64_t w = 0;
	ng->n = m;
	ng->ptr[0] = 0;
	group(g, part, m, wk);
	for (int64_t c = 0; c < m; c++) {
		int64_t nt = 0;
		double nw = 0;
		for (int64_t a = wk->start[c]; a < wk->start[c + 1]; a++) {
			int32_t v = wk->order[a];
			nw += g->nw[v];
			int32_t lc = -1;
			double acc = 0;
			for (int64_t p = g->ptr[v]; p < g->ptr[v + 1]; p++) {
				int32_t d = part[g->adj[p]];
				if (d != lc) { /* runs in a register, as in gather() */
					if (lc >= 0)
						cl[lc].ew = acc;
					lc = d;
					if (!cl[d].seen) {
						cl[d].seen = 1;
						wk->touched[nt++] = d;
					}
					acc = cl[d].ew;
				}
				acc += WT(g, fw, p);
			}
			if (lc >= 0)
				cl[lc].ew = acc;
		}
		ng->nw[c] = nw;
		for (int64_t t = 0; t < nt; t++) {
			int32_t d = wk->touched[t];
			ng->adj[w] = d;
			ng->w[w] = cl[d].ew;
			w++;
			cl[d].ew = 0;
			cl[d].seen = 0;
		}
		ng->ptr[c + 1] = w;
	}
}

static void aggregate(const struct lgraph *g, const int32_t *part, int64_t m, struct lgraph *ng,
		      struct work *wk)
{
	if (g->wf)
		aggregate_t(g, part, m, ng, wk, 1);
	else
		aggregate_t(g, part, m, ng, wk, 0);
}

static void work_release(struct work *wk)
{
	free(wk->c);
	free(wk->touched);
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
	free(wk->aggof);
	free(wk->lmemb);
	free(wk->prev);
	free(wk->memb);
	for (int i = 0; i < 2; i++)
		lg_release(&wk->lv[i]);
	memset(wk, 0, sizeof(*wk));
}

static int work_alloc(struct work *wk, int64_t n)
{
	size_t z = (size_t)n + 2;
	memset(wk, 0, sizeof(*wk));
	wk->c = sc_calloc(z, sizeof(struct cl));
	wk->touched = sc_malloc(z, sizeof(int32_t));
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
	wk->aggof = sc_malloc(z, sizeof(int32_t));
	wk->lmemb = sc_malloc(z, sizeof(int32_t));
	wk->prev = sc_malloc(z, sizeof(int32_t));
	wk->memb = sc_malloc(z, sizeof(int32_t));
	if (!wk->c || !wk->touched || !wk->queue || !wk->inq || !wk->empty || !wk->order ||
	    !wk->ext || !wk->nonsingle || !wk->ref || !wk->cum || !wk->start || !wk->members ||
	    !wk->aggof || !wk->lmemb || !wk->prev || !wk->memb) {
		work_release(wk);
		return SC_ENOMEM;
	}
	return 0;
}

/* One Leiden pass from memb (modified in place). */
static int leiden_pass(const struct lgraph *g0, int32_t *memb, struct work *wk)
{
	const struct lgraph *cur = g0;
	int32_t *aggof = wk->aggof, *lmemb = wk->lmemb;
	int64_t n0 = g0->n;
	int side = 0, ret = 0;
	for (int64_t v = 0; v < n0; v++) {
		aggof[v] = (int32_t)v;
		lmemb[v] = memb[v];
	}
	for (;;) {
		int64_t m = fast_move(cur, lmemb, wk);
		if (m >= cur->n)
			break;
		int64_t mr = refine(cur, lmemb, m, wk);
		int32_t *part = wk->ref;
		if (mr >= cur->n) {
			part = lmemb;
			mr = m;
		}
		/* the aggregated graph never has more nodes or entries than cur */
		if ((ret = lg_reserve(wk, side, cur->n, cur->ptr[cur->n])) < 0)
			break;
		struct lgraph *next = &wk->lv[side];
		aggregate(cur, part, mr, next, wk);
		for (int64_t v = 0; v < n0; v++)
			aggof[v] = part[aggof[v]];
		/* the aggregated nodes start in their unrefined cluster */
		for (int64_t v = 0; v < cur->n; v++)
			wk->queue[part[v]] = lmemb[v];
		for (int64_t c = 0; c < mr; c++)
			lmemb[c] = wk->queue[c];
		cur = next;
		side ^= 1;
	}
	for (int64_t v = 0; v < n0; v++)
		memb[v] = lmemb[aggof[v]];
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

/* Renumber by decreasing size, ties by smallest member in the order ord (NULL: identity);
 * returns the cluster count or -1. */
static int64_t canonical(int32_t *memb, int64_t n, const int32_t *ord)
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
	for (int64_t i = n - 1; i >= 0; i--) {
		int32_t v = ord ? ord[i] : (int32_t)i;
		cs[memb[v]].size++;
		cs[memb[v]].first = i;
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

/* The level-0 graph, shared read-only by all runs on it: the input renumbered in
 * breadth-first order (from node 0, neighbours in stored order; each further component from
 * its smallest node), so that neighbours sit close in memory and the per-cluster arrays, indexed
 * by node at the start, are walked with good locality. perm[new] = old, inv[old] = new. */
struct prep {
	struct lgraph g;
	const struct sc_csr *a; /* the input */
	int32_t *perm, *inv;
	double total;
};

static void prep_release(struct prep *p)
{
	lg_release(&p->g);
	free(p->perm);
	free(p->inv);
	memset(p, 0, sizeof(*p));
}

static int prep_init(struct prep *p, const struct sc_csr *a, const struct sc_leiden_opts *o)
{
	int64_t n = a->rows, nnz = a->indptr[n], head = 0, tail = 0, w = 0;
	double tot = 0;
	memset(p, 0, sizeof(*p));
	p->g.n = n;
	p->g.ptr = sc_malloc((size_t)n + 1, sizeof(int64_t));
	p->g.nw = sc_malloc((size_t)n + 1, sizeof(double));
	p->g.adj = sc_malloc((size_t)nnz + 1, sizeof(int32_t));
	p->g.wf = sc_malloc((size_t)nnz + 1, sizeof(float));
	p->perm = sc_malloc((size_t)n + 1, sizeof(int32_t));
	p->inv = sc_malloc((size_t)n + 1, sizeof(int32_t));
	if (!p->g.ptr || !p->g.nw || !p->g.adj || !p->g.wf || !p->perm || !p->inv) {
		prep_release(p);
		return SC_ENOMEM;
	}
	for (int64_t v = 0; v < n; v++)
		p->inv[v] = -1;
	for (int64_t s = 0; s < n; s++) {
		if (p->inv[s] >= 0)
			continue;
		p->inv[s] = (int32_t)tail;
		p->perm[tail++] = (int32_t)s;
		while (head < tail) {
			int32_t v = p->perm[head++];
			for (int64_t q = a->indptr[v]; q < a->indptr[v + 1]; q++) {
				int32_t u = a->indices[q];
				if (p->inv[u] < 0) {
					p->inv[u] = (int32_t)tail;
					p->perm[tail++] = u;
				}
			}
		}
	}
	p->g.ptr[0] = 0;
	for (int64_t i = 0; i < n; i++) {
		int32_t v = p->perm[i];
		double s = 0;
		for (int64_t q = a->indptr[v]; q < a->indptr[v + 1]; q++) {
			float x = o->use_weights ? a->data[q] : 1.0f;
			p->g.adj[w] = p->inv[a->indices[q]];
			p->g.wf[w++] = x;
			s += (double)x;
		}
		p->g.ptr[i + 1] = w;
		p->g.nw[i] = o->objective == SC_LEIDEN_CPM ? 1.0 : s;
	}
	for (int64_t v = 0; v < n; v++) { /* W summed row by row in the input's order */
		double s = 0;
		for (int64_t q = a->indptr[v]; q < a->indptr[v + 1]; q++)
			s += o->use_weights ? (double)a->data[q] : 1.0;
		tot += s;
	}
	p->total = tot;
	p->g.ord = p->inv;
	p->a = a;
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

/* One run at resolution gamma on the prepared graph; out receives the canonical partition in
 * the input's node order. */
static int run_one(const struct prep *p, const struct sc_leiden_opts *o, double gamma,
		   struct work *wk, int32_t *out, int32_t *n_clusters)
{
	int64_t n = p->g.n, m;
	int32_t *memb = wk->memb;
	double qprev = -INFINITY;
	int ret;
	sc_rng_seed(&wk->rng, o->seed);
	wk->beta = o->beta;
	wk->res = o->objective == SC_LEIDEN_CPM ? gamma : p->total > 0 ? gamma / p->total : 0;
	for (int64_t v = 0; v < n; v++)
		memb[v] = (int32_t)v;
	for (int it = 0; o->iterations < 0 || it < o->iterations; it++) {
		memcpy(wk->prev, memb, sizeof(int32_t) * (size_t)n);
		if ((ret = leiden_pass(&p->g, memb, wk)) < 0)
			return ret;
		if (canonical(memb, n, p->g.ord) < 0)
			return SC_ENOMEM;
		if (o->iterations < 0) {
			/* leidenalg's n_iterations=-1: stop once a pass changes nothing */
			if (memcmp(wk->prev, memb, sizeof(int32_t) * (size_t)n) == 0 || it >= 10000)
				break;
			for (int64_t v = 0; v < n; v++)
				wk->lmemb[p->perm[v]] = memb[v];
			double q = sc_leiden_quality(p->a, wk->lmemb, o->objective, gamma, o->use_weights);
			if (!(q > qprev + 1e-12 * fabs(q)))
				break;
			qprev = q;
		}
	}
	for (int64_t v = 0; v < n; v++)
		out[p->perm[v]] = memb[v];
	if ((m = canonical(out, n, NULL)) < 0)
		return SC_ENOMEM;
	*n_clusters = (int32_t)m;
	return 0;
}

static int check_args(const struct sc_csr *g, const struct sc_leiden_opts *o)
{
	if (g->rows != g->cols || g->rows > INT32_MAX - 2)
		return sc_seterr(SC_EINPUT, "Leiden needs a square graph (%lld x %lld)",
				 (long long)g->rows, (long long)g->cols);
	if (o->iterations == 0 || o->iterations < -1 || !(o->beta > 0))
		return sc_seterr(SC_EUSAGE, "bad Leiden parameters");
	return 0;
}

/* Resolutions handed out one at a time to the threads; each run depends only on its own
 * resolution and the seed, so the split does not change any result. */
struct pool {
	const struct prep *p;
	const struct sc_leiden_opts *o;
	const double *res;
	int nres;
	int32_t *parts, *ncl;
	int64_t n;
	atomic_int next;
	int *rc; /* per resolution */
};

static void *pool_worker(void *arg)
{
	struct pool *pl = arg;
	struct work wk;
	int r, bad = work_alloc(&wk, pl->n);
	while ((r = atomic_fetch_add(&pl->next, 1)) < pl->nres) {
		if (bad < 0) {
			pl->rc[r] = SC_ENOMEM;
			continue;
		}
		pl->rc[r] = run_one(pl->p, pl->o, pl->res[r], &wk, pl->parts + (size_t)r * (size_t)pl->n,
				    &pl->ncl[r]);
	}
	if (bad == 0)
		work_release(&wk);
	return NULL;
}

int sc_leiden_runs(const struct sc_csr *g, const struct sc_leiden_opts *o,
		   const double *resolutions, int nres, int threads, int32_t *parts, int32_t *ncl)
{
	struct prep p;
	struct pool pl;
	pthread_t tid[64];
	int ret, started = 0, nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;
	int *rc = NULL;
	if ((ret = check_args(g, o)) < 0)
		return ret;
	for (int r = 0; r < nres; r++)
		if (!isfinite(resolutions[r]))
			return sc_seterr(SC_EUSAGE, "bad Leiden resolution");
	if (nres <= 0)
		return 0;
	if (nt > nres)
		nt = nres;
	if (!(rc = sc_calloc((size_t)nres, sizeof(int))))
		return SC_ENOMEM;
	if ((ret = prep_init(&p, g, o)) < 0) {
		free(rc);
		return ret;
	}
	pl = (struct pool){ .p = &p, .o = o, .res = resolutions, .nres = nres, .parts = parts,
			    .ncl = ncl, .n = g->rows, .rc = rc };
	atomic_init(&pl.next, 0);
	for (; started < nt - 1; started++)
		if (pthread_create(&tid[started], NULL, pool_worker, &pl) != 0)
			break;
	pool_worker(&pl);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	ret = 0;
	for (int r = 0; r < nres && ret == 0; r++)
		ret = rc[r];
	if (ret == SC_ENOMEM)
		ret = sc_seterr(SC_ENOMEM, "out of memory in Leiden");
	prep_release(&p);
	free(rc);
	return ret;
}

int sc_leiden_run(const struct sc_csr *g, const struct sc_leiden_opts *o, int32_t *memb,
		  int32_t *n_clusters)
{
	return sc_leiden_runs(g, o, &o->resolution, 1, 1, memb, n_clusters);
}

int sc_leiden_sweep(const struct sc_csr *g, const struct sc_leiden_opts *o,
		    const double *resolutions, int nres, int threads, const int32_t *labels,
		    int32_t *best, int *best_index, double *nmi, double *ari, int32_t *ncl)
{
	struct sc_partition_scores sc;
	int64_t n = g->rows;
	int32_t *parts = sc_malloc((size_t)n * (size_t)(nres > 0 ? nres : 1), sizeof(int32_t));
	int32_t *k = sc_malloc((size_t)(nres > 0 ? nres : 1), sizeof(int32_t));
	double top = 0;
	int ret = SC_ENOMEM;
	*best_index = 0;
	if (!parts || !k)
		goto out;
	if ((ret = sc_leiden_runs(g, o, resolutions, nres, threads, parts, k)) < 0)
		goto out;
	for (int r = 0; r < nres; r++) {
		const int32_t *memb = parts + (size_t)r * (size_t)n;
		if ((ret = sc_partition_compare(labels, memb, n, &sc)) < 0)
			goto out;
		if (nmi)
			nmi[r] = sc.nmi;
		if (ari)
			ari[r] = sc.ari;
		if (ncl)
			ncl[r] = k[r];
		/* scib: strict improvement over a running max that starts at 0; the first run
		 * stands in when no NMI is positive */
		if (top < sc.nmi) {
			top = sc.nmi;
			*best_index = r;
		}
	}
	if (nres > 0)
		memcpy(best, parts + (size_t)*best_index * (size_t)n, sizeof(int32_t) * (size_t)n);
	ret = 0;
out:
	free(parts);
	free(k);
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
