/* Deterministic scib kBET (see kbet.h). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "graph_conn.h"
#include "kbet.h"
#include "sc_alloc.h"

#define KBET_MAX_POWER 26

/* Lower regularized gamma by its series, for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double sum = 1.0 / a, term = sum, ap = a;
	for (int k = 0; k < 10000; k++) {
		ap += 1;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * 1e-16)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Upper regularized gamma by its continued fraction (modified Lentz), for x >= a + 1. */
static double gamma_q_cf(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
	for (int i = 1; i < 10000; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double sc_gamma_q(double a, double x)
{
	if (!(a > 0) || isnan(x))
		return NAN;
	if (x <= 0)
		return 1;
	if (x < a + 1)
		return 1 - gamma_p_series(a, x);
	return gamma_q_cf(a, x);
}

int64_t sc_kbet_k0(const int64_t *batch_counts, int32_t n_batches, int64_t n_cells)
{
	int64_t tot = 0, present = 0;
	for (int32_t b = 0; b < n_batches; b++)
		if (batch_counts[b] > 0) {
			tot += batch_counts[b];
			present++;
		}
	int64_t q = present ? (int64_t)floor((double)tot / (double)present / 4.0) : 0;
	int64_t k0 = q > 10 ? q : 10;
	if (k0 > 70)
		k0 = 70;
	const int64_t size_max = INT64_C(2147483647);
	if (n_cells > 0 && k0 * n_cells >= size_max)
		k0 = size_max / n_cells;
	return k0;
}

double sc_kbet_rejection(const int32_t *nb, int64_t m, int64_t kk, const int32_t *bat,
			 const double *freq, int32_t n_batches, int64_t k0, double alpha,
			 const unsigned char *tested)
{
	int64_t cnt[256], rej = 0, tot = 0;
	int32_t dof = -1;
	for (int32_t b = 0; b < n_batches; b++)
		if (freq[b] > 0)
			dof++;
	if (n_batches > 256 || dof < 1)
		return NAN;
	for (int64_t i = 0; i < m; i++) {
		if (!tested[i])
			continue;
		memset(cnt, 0, sizeof(int64_t) * (size_t)n_batches);
		cnt[bat[i]]++;
		for (int64_t j = 0; j < kk; j++)
			if (nb[i * kk + j] >= 0)
				cnt[bat[nb[i * kk + j]]]++;
		double chi = 0;
		for (int32_t b = 0; b < n_batches; b++) {
			if (freq[b] <= 0)
				continue;
			double e = (double)k0 * freq[b], t = (double)cnt[b] - e;
			chi += t * t / e;
		}
		double p = sc_gamma_q(dof / 2.0, chi / 2.0);
		rej += p < alpha;
		tot++;
	}
	return tot ? (double)rej / (double)tot : NAN;
}

/* Local row-normalised subgraph over the used cells (loc maps global -> local or -1). */
struct lgraph {
	int64_t m;
	int64_t *ptr;
	int32_t *col;
	double *w;
};

static int lgraph_build(const struct sc_csr *g, const int32_t *cells, int64_t m,
			const int32_t *loc, struct lgraph *lg)
{
	int64_t nnz = 0;
	lg->m = m;
	lg->ptr = sc_calloc((size_t)m + 1, sizeof(int64_t));
	if (!lg->ptr)
		return SC_ENOMEM;
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = g->indptr[cells[a]]; p < g->indptr[cells[a] + 1]; p++)
			nnz += loc[g->indices[p]] >= 0 && g->data[p] > 0;
	lg->col = sc_malloc((size_t)nnz, sizeof(int32_t));
	lg->w = sc_malloc((size_t)nnz, sizeof(double));
	if (!lg->col || !lg->w)
		return SC_ENOMEM;
	nnz = 0;
	for (int64_t a = 0; a < m; a++) {
		int64_t start = nnz;
		double s = 0;
		for (int64_t p = g->indptr[cells[a]]; p < g->indptr[cells[a] + 1]; p++) {
			int32_t j = loc[g->indices[p]];
			if (j < 0 || !(g->data[p] > 0))
				continue;
			lg->col[nnz] = j;
			lg->w[nnz++] = g->data[p];
			s += g->data[p];
		}
		for (int64_t p = start; p < nnz; p++)
			lg->w[p] /= s;
		lg->ptr[a + 1] = nnz;
	}
	return 0;
}

static void lgraph_release(struct lgraph *lg)
{
	free(lg->ptr);
	free(lg->col);
	free(lg->w);
}

struct dscratch {
	double *cur, *nxt, *acc;
	int32_t *cl, *nl;
	unsigned char *innxt;
	double *hv;
	int32_t *hi;
};

/* Min-heap of (value, index) keeping the kk largest; ties: larger index is weaker. */
static int weaker(double va, int32_t ia, double vb, int32_t ib)
{
	return va < vb || (va == vb && ia > ib);
}

static void heap_offer(double *hv, int32_t *hi, int64_t *hn, int64_t kk, double v, int32_t ix)
{
	int64_t i;
	if (*hn < kk) {
		i = (*hn)++;
		while (i > 0 && weaker(v, ix, hv[(i - 1) / 2], hi[(i - 1) / 2])) {
			hv[i] = hv[(i - 1) / 2];
			hi[i] = hi[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		hv[i] = v;
		hi[i] = ix;
		return;
	}
	if (!weaker(hv[0], hi[0], v, ix))
		return;
	i = 0;
	for (;;) {
		int64_t c = 2 * i + 1;
		if (c >= kk)
			break;
		if (c + 1 < kk && weaker(hv[c + 1], hi[c + 1], hv[c], hi[c]))
			c++;
		if (!weaker(hv[c], hi[c], v, ix))
			break;
		hv[i] = hv[c];
		hi[i] = hi[c];
		i = c;
	}
	hv[i] = v;
	hi[i] = ix;
}

/* Row a of T + ... + T^P: returns the non-zero count (diagonal included) and writes the kk
 * strongest off-diagonal entries' local indices into out (-1 padded). The powers before the
 * last are propagated sparsely; the last one is scattered into the dense accumulator, which
 * is then scanned once (cheaper than tracking a support that covers most of the label). */
static int64_t diffuse_row(const struct lgraph *lg, int64_t a, int P, int64_t kk,
			   struct dscratch *s, int32_t *out)
{
	int64_t nc = 0, m = lg->m;
	for (int64_t p = lg->ptr[a]; p < lg->ptr[a + 1]; p++) {
		int32_t j = lg->col[p];
		s->cur[j] = lg->w[p];
		s->cl[nc++] = j;
	}
	for (int step = 1; step < P; step++) {
		int last = step == P - 1;
		int64_t nn = 0;
		for (int64_t q = 0; q < nc; q++) {
			int32_t j = s->cl[q];
			double v = s->cur[j];
			s->acc[j] += v;
			s->cur[j] = 0;
			const int32_t *col = lg->col + lg->ptr[j];
			const double *w = lg->w + lg->ptr[j];
			int64_t deg = lg->ptr[j + 1] - lg->ptr[j];
			if (last) {
				for (int64_t p = 0; p < deg; p++)
					s->acc[col[p]] += v * w[p];
				continue;
			}
			for (int64_t p = 0; p < deg; p++) {
				int32_t l = col[p];
				if (!s->innxt[l]) {
					s->innxt[l] = 1;
					s->nl[nn++] = l;
				}
				s->nxt[l] += v * w[p];
			}
		}
		if (last)
			break;
		double *t = s->cur;
		s->cur = s->nxt;
		s->nxt = t;
		int32_t *tl = s->cl;
		s->cl = s->nl;
		s->nl = tl;
		nc = nn;
		for (int64_t q = 0; q < nc; q++)
			s->innxt[s->cl[q]] = 0;
	}
	if (P == 1)
		for (int64_t q = 0; q < nc; q++) {
			s->acc[s->cl[q]] += s->cur[s->cl[q]];
			s->cur[s->cl[q]] = 0;
		}
	int64_t hn = 0, nz = 0;
	for (int64_t j = 0; j < m; j++) {
		double v = s->acc[j];
		if (v == 0)
			continue;
		nz++;
		s->acc[j] = 0;
		if (j != a)
			heap_offer(s->hv, s->hi, &hn, kk, v, (int32_t)j);
	}
	for (int64_t q = 0; q < kk; q++)
		out[q] = q < hn ? s->hi[q] : -1;
	return nz;
}

/* The pruned path for T + T^2 + T^3 (the power scib stops at unless a row is short).
 * Per row a: S1 = the row of T, r = the row of T^2 by the same sparse product as
 * diffuse_row; the heavy part of r (r_j >= rho) is pushed one step further, which gives a
 * lower bound L(b) of M(a, b) = T + T^2 + T^3, and the light part adds at most
 * rho_out * csum(b) (rho_out = the largest light r_j, csum = T's column sums). Every b whose
 * upper bound reaches the kk-th largest lower bound is a candidate; its M is summed exactly
 * over T's column b, and the kk largest candidates are the neighbours. The set equals
 * diffuse_row's: anything left out is below the kk-th value by a wide margin, and when the
 * kk-th and the next candidate are within 1e-12 (where a different summation order could
 * swap them) the row falls back to diffuse_row. */
#define KBET_RHO_FRAC 0.25

struct lfast {
	int ok;
	struct lgraph pg; /* the label's T with cells in breadth-first order, for locality */
	int32_t *orig; /* breadth-first position -> the label's cell */
	int64_t *tptr; /* pg's columns: rows tj with values tw */
	int32_t *tj, *hubs; /* hubs: cells by decreasing column sum */
	double *tw, *csum;
};

static void lfast_release(struct lfast *f)
{
	lgraph_release(&f->pg);
	free(f->orig);
	free(f->tptr);
	free(f->tj);
	free(f->hubs);
	free(f->tw);
	free(f->csum);
	memset(f, 0, sizeof *f);
}

struct hub {
	double csum;
	int32_t cell;
};

static int cmp_hub(const void *x, const void *y)
{
	const struct hub *a = x, *b = y;
	if (a->csum != b->csum)
		return a->csum < b->csum ? 1 : -1;
	return (a->cell > b->cell) - (a->cell < b->cell);
}

/* The pruned path's index: T renumbered breadth-first, its columns, column sums and hubs.
 * f->ok = 0 (no pruned path) when a row repeats a column. */
static int lfast_build(const struct lgraph *lg, struct lfast *f)
{
	int64_t m = lg->m, nnz = lg->ptr[m], head = 0, tail = 0;
	int32_t *inv = NULL;
	int64_t *pos = NULL;
	memset(f, 0, sizeof *f);
	f->pg.m = m;
	f->pg.ptr = sc_calloc((size_t)m + 1, sizeof(int64_t));
	f->pg.col = sc_malloc((size_t)(nnz > 0 ? nnz : 1), sizeof(int32_t));
	f->pg.w = sc_malloc((size_t)(nnz > 0 ? nnz : 1), sizeof(double));
	f->orig = sc_malloc((size_t)(m > 0 ? m : 1), sizeof(int32_t));
	f->tptr = sc_calloc((size_t)m + 1, sizeof(int64_t));
	f->tj = sc_malloc((size_t)(nnz > 0 ? nnz : 1), sizeof(int32_t));
	f->tw = sc_malloc((size_t)(nnz > 0 ? nnz : 1), sizeof(double));
	f->csum = sc_calloc((size_t)(m > 0 ? m : 1), sizeof(double));
	f->hubs = sc_malloc((size_t)(m > 0 ? m : 1), sizeof(int32_t));
	inv = sc_malloc((size_t)(m > 0 ? m : 1), sizeof(int32_t));
	pos = sc_malloc((size_t)m + 1, sizeof(int64_t));
	if (!f->pg.ptr || !f->pg.col || !f->pg.w || !f->orig || !f->tptr || !f->tj || !f->tw ||
	    !f->csum || !f->hubs || !inv || !pos) {
		free(inv);
		free(pos);
		lfast_release(f);
		return SC_ENOMEM;
	}
	f->ok = 1;
	for (int64_t b = 0; b < m; b++)
		inv[b] = -1;
	for (int64_t r = 0; r < m; r++) { /* breadth-first numbering */
		if (inv[r] >= 0)
			continue;
		inv[r] = (int32_t)tail;
		f->orig[tail++] = (int32_t)r;
		while (head < tail) {
			int32_t v = f->orig[head++];
			for (int64_t p = lg->ptr[v]; p < lg->ptr[v + 1]; p++)
				if (inv[lg->col[p]] < 0) {
					inv[lg->col[p]] = (int32_t)tail;
					f->orig[tail++] = lg->col[p];
				}
		}
	}
	for (int64_t a = 0; a < m; a++) {
		int32_t o = f->orig[a];
		int64_t q = f->pg.ptr[a];
		for (int64_t p = lg->ptr[o]; p < lg->ptr[o + 1]; p++, q++) {
			f->pg.col[q] = inv[lg->col[p]];
			f->pg.w[q] = lg->w[p];
		}
		f->pg.ptr[a + 1] = q;
	}
	for (int64_t b = 0; b < m; b++)
		inv[b] = -1; /* now: the last row seen with column b */
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = f->pg.ptr[a]; p < f->pg.ptr[a + 1]; p++) {
			int32_t b = f->pg.col[p];
			if (inv[b] == a)
				f->ok = 0;
			inv[b] = (int32_t)a;
			f->tptr[b + 1]++;
		}
	for (int64_t b = 0; b < m; b++)
		f->tptr[b + 1] += f->tptr[b];
	memcpy(pos, f->tptr, sizeof(int64_t) * ((size_t)m + 1));
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = f->pg.ptr[a]; p < f->pg.ptr[a + 1]; p++) {
			int64_t q = pos[f->pg.col[p]]++;
			f->tj[q] = (int32_t)a;
			f->tw[q] = f->pg.w[p];
			f->csum[f->pg.col[p]] += f->pg.w[p];
		}
	free(inv);
	free(pos);
	struct hub *hb = sc_malloc((size_t)(m > 0 ? m : 1), sizeof *hb);
	if (!hb) {
		lfast_release(f);
		return SC_ENOMEM;
	}
	for (int64_t b = 0; b < m; b++) {
		hb[b].csum = f->csum[b];
		hb[b].cell = (int32_t)b;
	}
	qsort(hb, (size_t)m, sizeof *hb, cmp_hub);
	for (int64_t b = 0; b < m; b++)
		f->hubs[b] = hb[b].cell;
	free(hb);
	return 0;
}

/* Per-cell state of the pruned path, packed so one cache line serves a cell: T's row, T^2's
 * row and the heavy part's push (cleared after each row), and the row stamps of S2 and of
 * the touched list. */
struct fnode {
	double t1, r, part;
	int32_t st2, stu;
};

struct fscratch {
	struct fnode *nd;
	double *vals, *ub, *tmp;
	double hint; /* half the last row's tau0: a cheap filter for the next selection */
	int32_t *s1, *ul, *cand;
};

static void fscratch_release(struct fscratch *s)
{
	free(s->nd);
	free(s->vals);
	free(s->ub);
	free(s->tmp);
	free(s->s1);
	free(s->ul);
	free(s->cand);
}

static int fscratch_alloc(struct fscratch *s, int64_t m)
{
	s->nd = malloc(sizeof *s->nd * (size_t)m);
	s->vals = malloc(sizeof(double) * (size_t)m);
	s->ub = malloc(sizeof(double) * (size_t)m);
	s->tmp = malloc(sizeof(double) * (size_t)m);
	s->s1 = malloc(sizeof(int32_t) * (size_t)m);
	s->ul = malloc(sizeof(int32_t) * ((size_t)m + 1)); /* + 1: branch-free appends */
	s->cand = malloc(sizeof(int32_t) * ((size_t)m + 1));
	if (!s->nd || !s->vals || !s->ub || !s->tmp || !s->s1 || !s->ul || !s->cand)
		return -1;
	for (int64_t b = 0; b < m; b++) {
		s->nd[b].t1 = s->nd[b].r = s->nd[b].part = 0;
		s->nd[b].st2 = s->nd[b].stu = -1;
	}
	return 0;
}

/* The k-th largest (k >= 1) of v[0..n), n >= k; reorders v. */
static double kth_largest(double *v, int64_t n, int64_t k)
{
	int64_t lo = 0, hi = n - 1, t = k - 1;
	while (lo < hi) {
		double a = v[lo], b = v[(lo + hi) / 2], c = v[hi];
		double piv = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] > piv)
				i++;
			while (v[j] < piv)
				j--;
			if (i <= j) {
				double x = v[i];
				v[i++] = v[j];
				v[j--] = x;
			}
		}
		if (t <= j)
			hi = j;
		else if (t >= i)
			lo = i;
		else
			return v[t];
	}
	return v[t];
}

/* Order of candidates: larger value first, then smaller index (diffuse_row's order). */
static int ahead(double va, int32_t ia, double vb, int32_t ib)
{
	return va > vb || (va == vb && ia < ib);
}

/* Puts the k strongest of (vals, ids)[0..n) first (n > k >= 1). */
static void select_top(double *v, int32_t *id, int64_t n, int64_t k)
{
	int64_t lo = 0, hi = n - 1, t = k - 1;
	while (lo < hi) {
		int64_t mid = (lo + hi) / 2;
		double pv = v[mid];
		int32_t pi = id[mid];
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (ahead(v[i], id[i], pv, pi))
				i++;
			while (ahead(pv, pi, v[j], id[j]))
				j--;
			if (i <= j) {
				double x = v[i];
				int32_t y = id[i];
				v[i] = v[j];
				id[i++] = id[j];
				v[j] = x;
				id[j--] = y;
			}
		}
		if (t <= j)
			hi = j;
		else if (t >= i)
			lo = i;
		else
			return;
	}
}

/* One row by the pruned path: 1 with out filled (and *nz >= k0 + 1 known), 0 when the row
 * must go to diffuse_row instead. Leaves the scratch clean. */
static int fast_row(const struct lgraph *lg, const struct lfast *f, int64_t a, int64_t k0,
		    int64_t kk, struct fscratch *s, int32_t *out)
{
	int32_t stamp = (int32_t)a, *s2 = s->cand;
	int64_t n1 = 0, n2 = 0, nu = 0, nv = 0, nc = 0, cnt = 0, nall = 0, m = lg->m;
	int64_t ne = 0, nin = 0;
	int done = 0;
	double rho, rout = 0, tau, tau0, thr, ukk;
	for (int64_t p = lg->ptr[a]; p < lg->ptr[a + 1]; p++) {
		s->nd[lg->col[p]].t1 = lg->w[p];
		s->s1[n1++] = lg->col[p];
	}
	for (int64_t q = 0; q < n1; q++) { /* r = row a of T^2, as diffuse_row sums it */
		int32_t j = s->s1[q];
		double v = s->nd[j].t1;
		for (int64_t p = lg->ptr[j]; p < lg->ptr[j + 1]; p++) {
			int32_t l = lg->col[p];
			s2[n2] = l; /* branch-free: kept when l is new */
			n2 += s->nd[l].st2 != stamp;
			s->nd[l].st2 = stamp;
			s->nd[l].r += v * lg->w[p];
		}
	}
	for (int64_t q = 0; q < n2; q++) {
		s->nd[s2[q]].stu = stamp;
		s->ul[nu++] = s2[q];
	}
	for (int64_t q = 0; q < n1; q++)
		if (s->nd[s->s1[q]].stu != stamp) {
			s->nd[s->s1[q]].stu = stamp;
			s->ul[nu++] = s->s1[q];
		}
	for (int64_t q = 0; q < nu; q++) { /* only values >= the hint go to the selection */
		int32_t b = s->ul[q];
		double v = s->nd[b].t1 + s->nd[b].r;
		cnt += v > 0;
		nall += b != a;
		if (b != a && v >= s->hint)
			s->vals[nv++] = v;
	}
	if (cnt < k0 + 1 || nall <= kk)
		goto out;
	if (nv < kk) /* the hint was too high: select among all */
		for (int64_t q = nv = 0; q < nu; q++)
			if (s->ul[q] != a)
				s->vals[nv++] = s->nd[s->ul[q]].t1 + s->nd[s->ul[q]].r;
	tau0 = kth_largest(s->vals, nv, kk);
	s->hint = 0.5 * tau0;
	rho = KBET_RHO_FRAC * tau0;
	for (int64_t q = 0; q < n2; q++) { /* the heavy part of r, one step on */
		int32_t j = s2[q];
		double v = s->nd[j].r;
		if (v < rho) {
			if (v > rout)
				rout = v;
			continue;
		}
		for (int64_t p = lg->ptr[j]; p < lg->ptr[j + 1]; p++) {
			int32_t l = lg->col[p];
			s->nd[l].part += v * lg->w[p];
			s->ul[nu] = l;
			nu += s->nd[l].stu != stamp;
			s->nd[l].stu = stamp;
		}
	}
	nv = 0; /* L >= T + T^2, so the kk-th largest L is at least tau0 */
	for (int64_t q = 0; q < nu; q++) {
		int32_t b = s->ul[q];
		double lb = s->nd[b].t1 + s->nd[b].r + s->nd[b].part;
		if (b != a && lb >= tau0)
			s->vals[nv++] = lb;
	}
	if (nv < kk)
		goto out;
	tau = kth_largest(s->vals, nv, kk);
	if (!(tau > 0))
		goto out;
	thr = tau * (1 - 1e-9);
	/* candidates: every b whose upper bound ub reaches thr (s2, aliasing cand, is done) */
	for (int64_t q = 0; q < nu; q++) {
		int32_t b = s->ul[q];
		double lb = s->nd[b].t1 + s->nd[b].r + s->nd[b].part, ub = (lb + rout * f->csum[b]) * (1 + 1e-9);
		if (b != a && ub >= thr) {
			s->ub[nc] = ub;
			s->vals[nc] = lb * (1 - 1e-9);
			s->cand[nc++] = b;
		}
	}
	for (int64_t q = 0; q < m; q++) {
		int32_t h = f->hubs[q];
		double ub = rout * f->csum[h] * (1 + 1e-9);
		if (ub < thr)
			break;
		if (s->nd[h].stu != stamp && h != a) {
			s->ub[nc] = ub;
			s->vals[nc] = 0;
			s->cand[nc++] = h;
		}
	}
	if (nc <= kk)
		goto out;
	/* b is surely in when its lower bound exceeds the (kk+1)-th largest upper bound (fewer
	 * than kk others can pass it); the others get M exactly (up to the summation order)
	 * and compete for the remaining places */
	memcpy(s->tmp, s->ub, sizeof(double) * (size_t)nc);
	ukk = kth_largest(s->tmp, nc, kk + 1);
	for (int64_t q = 0; q < nc; q++) {
		int32_t b = s->cand[q];
		if (s->vals[q] > ukk) {
			if (nin == kk) /* cannot happen (at most kk bounds exceed ukk) */
				goto out;
			out[nin++] = b;
			continue;
		}
		/* four partial sums break the chain of dependent additions */
		double v0 = 0, v1 = 0, v2 = 0, v3 = 0, v;
		int64_t e = f->tptr[b], e1 = f->tptr[b + 1];
		for (; e + 4 <= e1; e += 4) {
			v0 += s->nd[f->tj[e]].r * f->tw[e];
			v1 += s->nd[f->tj[e + 1]].r * f->tw[e + 1];
			v2 += s->nd[f->tj[e + 2]].r * f->tw[e + 2];
			v3 += s->nd[f->tj[e + 3]].r * f->tw[e + 3];
		}
		for (; e < e1; e++)
			v0 += s->nd[f->tj[e]].r * f->tw[e];
		v = s->nd[b].t1 + s->nd[b].r + ((v0 + v1) + (v2 + v3));
		s->cand[ne] = b;
		s->vals[ne++] = v;
	}
	if (nin < kk && ne <= kk - nin)
		goto out;
	if (nin < kk) {
		int64_t want = kk - nin;
		double vk, next = 0;
		select_top(s->vals, s->cand, ne, want);
		vk = s->vals[0];
		for (int64_t q = 1; q < want; q++)
			if (s->vals[q] < vk)
				vk = s->vals[q];
		for (int64_t q = want; q < ne; q++)
			if (s->vals[q] > next)
				next = s->vals[q];
		if (!(vk > 0) || !(vk > thr) || !(next < vk * (1 - 1e-12)))
			goto out;
		memcpy(out + nin, s->cand, sizeof(int32_t) * (size_t)want);
	}
	done = 1;
out:
	for (int64_t q = 0; q < nu; q++) {
		int32_t b = s->ul[q];
		s->nd[b].t1 = s->nd[b].r = s->nd[b].part = 0;
	}
	return done;
}

struct dctx {
	const struct lgraph *lg;
	const struct lfast *f; /* the pruned path for P = 3 (NULL: none) */
	atomic_long nfast;
	int64_t kk;
	int P;
	int32_t *nb;
	atomic_long next;
	int64_t minnz;
	pthread_mutex_t mu;
	int err;
};

static void *diffuse_worker(void *arg)
{
	struct dctx *c = arg;
	struct dscratch s;
	struct fscratch fs;
	int64_t m = c->lg->m, minnz = INT64_MAX, nfast = 0;
	int fast = c->P == 3 && c->f && c->f->ok;
	memset(&s, 0, sizeof s);
	memset(&fs, 0, sizeof fs);
	s.cur = calloc((size_t)m, sizeof(double));
	s.nxt = calloc((size_t)m, sizeof(double));
	s.acc = calloc((size_t)m, sizeof(double));
	s.cl = malloc(sizeof(int32_t) * (size_t)m);
	s.nl = malloc(sizeof(int32_t) * (size_t)m);
	s.innxt = calloc((size_t)m, 1);
	s.hv = malloc(sizeof(double) * ((size_t)c->kk + 1));
	s.hi = malloc(sizeof(int32_t) * ((size_t)c->kk + 1));
	if (!s.cur || !s.nxt || !s.acc || !s.cl || !s.nl || !s.innxt || !s.hv || !s.hi ||
	    (fast && fscratch_alloc(&fs, m) < 0)) {
		pthread_mutex_lock(&c->mu);
		c->err = 1;
		pthread_mutex_unlock(&c->mu);
		goto out;
	}
	for (;;) {
		long r0 = atomic_fetch_add(&c->next, 64);
		if (r0 >= m)
			break;
		for (int64_t q = r0; q < r0 + 64 && q < m; q++) {
			int64_t nz, a = fast ? c->f->orig[q] : q;
			int32_t *out = c->nb + a * c->kk;
			if (fast && fast_row(&c->f->pg, c->f, q, c->kk + 1, c->kk, &fs, out)) {
				for (int64_t e = 0; e < c->kk; e++)
					out[e] = c->f->orig[out[e]];
				nz = c->kk + 2; /* at least k0 + 1, all the caller asks */
				nfast++;
			} else
				nz = diffuse_row(c->lg, a, c->P, c->kk, &s, out);
			if (nz < minnz)
				minnz = nz;
		}
	}
	atomic_fetch_add(&c->nfast, nfast);
	pthread_mutex_lock(&c->mu);
	if (minnz < c->minnz)
		c->minnz = minnz;
	pthread_mutex_unlock(&c->mu);
out:
	fscratch_release(&fs);
	free(s.cur);
	free(s.nxt);
	free(s.acc);
	free(s.cl);
	free(s.nl);
	free(s.innxt);
	free(s.hv);
	free(s.hi);
	return NULL;
}

/* Diffusion neighbours of every used cell; returns 0, or 1 when some row never reaches
 * k0 + 1 non-zeros (scib's NeighborsError), or a negative error. */
static int diffusion_nn(const struct lgraph *lg, int64_t k0, int64_t kk, int threads, int pruned,
			int32_t *nb)
{
	struct dctx c;
	struct lfast f;
	pthread_t tid[64];
	int nt = threads < 1 ? 1 : (threads > 64 ? 64 : threads);
	memset(&c, 0, sizeof c);
	c.lg = lg;
	c.kk = kk;
	c.nb = nb;
	if (lfast_build(lg, &f) < 0)
		return sc_seterr(SC_ENOMEM, "kbet: out of memory for the column index");
	c.f = pruned ? &f : NULL;
	pthread_mutex_init(&c.mu, NULL);
	for (int P = 3; P <= KBET_MAX_POWER; P++) {
		int started = 0;
		c.P = P;
		c.minnz = INT64_MAX;
		atomic_init(&c.next, 0);
		atomic_init(&c.nfast, 0);
		for (; started < nt - 1; started++)
			if (pthread_create(&tid[started], NULL, diffuse_worker, &c) != 0)
				break;
		diffuse_worker(&c);
		for (int t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
		if (c.err) {
			pthread_mutex_destroy(&c.mu);
			lfast_release(&f);
			return sc_seterr(SC_ENOMEM, "kbet: out of memory in the diffusion");
		}
		sc_log(3, "kbet: %lld cells, power %d, fewest non-zeros %lld (need %lld), pruned rows %ld",
		       (long long)lg->m, P, (long long)c.minnz, (long long)k0 + 1,
		       (long)atomic_load(&c.nfast));
		if (c.minnz >= k0 + 1) {
			pthread_mutex_destroy(&c.mu);
			lfast_release(&f);
			return 0;
		}
	}
	pthread_mutex_destroy(&c.mu);
	lfast_release(&f);
	return 1;
}

/* The several-components case as scib runs it: the diffusion neighbours come from the
 * sub-subgraph of the kept components, in its own 0-based numbering, and scib writes them
 * unmapped into the rows of the kept cells in the label's numbering. R therefore reads each
 * neighbour index j as the label's j-th cell (cells after the first dropped one are shifted).
 * Dropped cells keep all-NA rows: R tests them too, with the cell alone as its neighbourhood. */
static int kbet_scib_subsub(const int32_t *nb, const int32_t *cells, int64_t ng, int64_t kk,
			    const int32_t *batch, const double *freq, int32_t n_batches, int64_t k0,
			    double alpha, const int32_t *loc, int32_t *bat, unsigned char *tested,
			    double *rate)
{
	int32_t *nb2 = sc_malloc((size_t)ng, (size_t)(kk > 0 ? kk : 1) * sizeof(int32_t));
	if (!nb2)
		return SC_ENOMEM;
	for (int64_t p = 0; p < ng; p++) {
		int32_t a = loc[cells[p]];
		bat[p] = batch[cells[p]];
		tested[p] = 1;
		for (int64_t q = 0; q < kk; q++)
			nb2[p * kk + q] = a >= 0 ? nb[(int64_t)a * kk + q] : -1;
	}
	*rate = sc_kbet_rejection(nb2, ng, kk, bat, freq, n_batches, k0, alpha, tested);
	free(nb2);
	return 0;
}

/* One label: its rejection rate (NaN when skipped). */
static int kbet_label(const struct sc_csr *g, const int32_t *cells, int64_t ng,
		      const int32_t *comp, const int64_t *csize, const int32_t *batch,
		      int32_t n_batches, double alpha, int threads, int32_t *loc,
		      double *rate)
{
	int ret = SC_ENOMEM;
	int64_t *bc = sc_calloc((size_t)n_batches, sizeof(int64_t));
	double *freq = sc_calloc((size_t)n_batches, sizeof(double));
	int32_t *used = sc_malloc((size_t)ng, sizeof(int32_t)), *bat = sc_malloc((size_t)ng, sizeof(int32_t));
	int32_t *nb = NULL;
	unsigned char *tested = sc_calloc((size_t)ng, 1);
	struct lgraph lg = { 0, NULL, NULL, NULL };
	int32_t present = 0;
	int64_t m = 0, k0 = 0;
	int single = 1;
	*rate = NAN;
	if (!bc || !freq || !used || !bat || !tested)
		goto out;
	for (int64_t a = 0; a < ng; a++)
		bc[batch[cells[a]]]++;
	for (int32_t b = 0; b < n_batches; b++) {
		present += bc[b] > 0;
		freq[b] = (double)bc[b] / (double)ng;
	}
	ret = 0;
	if (ng <= 10 || present < 2)
		goto out;
	k0 = sc_kbet_k0(bc, n_batches, ng);
	for (int64_t a = 1; a < ng; a++)
		single &= comp[cells[a]] == comp[cells[0]];
	for (int64_t a = 0; a < ng; a++)
		if (single || csize[comp[cells[a]]] >= 3 * k0)
			used[m++] = cells[a];
	if (!single && (double)m / (double)ng < 0.75) {
		*rate = 1;
		goto out;
	}
	for (int64_t a = 0; a < m; a++)
		loc[used[a]] = (int32_t)a;
	ret = lgraph_build(g, used, m, loc, &lg);
	if (ret < 0)
		goto out;
	nb = sc_malloc((size_t)m, (size_t)(k0 - 1 > 0 ? k0 - 1 : 1) * sizeof(int32_t));
	ret = SC_ENOMEM;
	if (!nb)
		goto out;
	ret = diffusion_nn(&lg, k0, k0 - 1, threads, 1, nb);
	if (ret < 0)
		goto out;
	if (ret == 1) {
		*rate = 1;
		ret = 0;
		goto out;
	}
	if (single) {
		for (int64_t a = 0; a < m; a++) {
			bat[a] = batch[used[a]];
			tested[a] = 1;
		}
		*rate = sc_kbet_rejection(nb, m, k0 - 1, bat, freq, n_batches, k0, alpha, tested);
		goto out;
	}
	ret = kbet_scib_subsub(nb, cells, ng, k0 - 1, batch, freq, n_batches, k0, alpha, loc, bat,
			       tested, rate);
out:
	for (int64_t a = 0; used && a < ng && a < m; a++)
		loc[used[a]] = -1;
	lgraph_release(&lg);
	free(bc);
	free(freq);
	free(used);
	free(bat);
	free(nb);
	free(tested);
	return ret;
}

int sc_kbet_scib(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
		 const int32_t *batch, int32_t n_batches, double alpha, int threads,
		 double *per_label, double *score)
{
	int64_t n = g->rows;
	int ret = SC_ENOMEM;
	int32_t *comp = sc_malloc((size_t)n, sizeof(int32_t)), *loc = sc_malloc((size_t)n, sizeof(int32_t));
	int32_t *order = sc_malloc((size_t)n, sizeof(int32_t));
	int64_t *csize = sc_calloc((size_t)n, sizeof(int64_t));
	int64_t *lstart = sc_calloc((size_t)n_labels + 1, sizeof(int64_t));
	double tot = 0;
	int64_t cnt = 0;
	if (!comp || !loc || !order || !csize || !lstart)
		goto out;
	if (n_batches > 256) {
		ret = sc_seterr(SC_EUSAGE, "kbet: more than 256 batches");
		goto out;
	}
	ret = sc_graph_components_by_label(g, label, comp);
	if (ret < 0)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		csize[comp[i]]++;
		lstart[label[i] + 1]++;
		loc[i] = -1;
	}
	for (int32_t l = 0; l < n_labels; l++)
		lstart[l + 1] += lstart[l];
	{
		int64_t *pos = sc_malloc((size_t)n_labels + 1, sizeof(int64_t));
		if (!pos) {
			ret = SC_ENOMEM;
			goto out;
		}
		memcpy(pos, lstart, sizeof(int64_t) * ((size_t)n_labels + 1));
		for (int64_t i = 0; i < n; i++)
			order[pos[label[i]]++] = (int32_t)i;
		free(pos);
	}
	for (int32_t l = 0; l < n_labels; l++) {
		double r;
		ret = kbet_label(g, order + lstart[l], lstart[l + 1] - lstart[l], comp, csize, batch,
				 n_batches, alpha, threads, loc, &r);
		if (ret < 0)
			goto out;
		sc_log(3, "kbet: label %d: %lld cells, rejection %.6g", l,
		       (long long)(lstart[l + 1] - lstart[l]), r);
		if (per_label)
			per_label[l] = r;
		if (!isnan(r)) {
			tot += r;
			cnt++;
		}
	}
	*score = cnt ? 1 - tot / (double)cnt : NAN;
	ret = 0;
out:
	free(comp);
	free(loc);
	free(order);
	free(csize);
	free(lstart);
	return ret;
}

int sc_kbet_diffusion_nn(const struct sc_csr *g, const int32_t *cells, int64_t m, int64_t k0,
			 int threads, int pruned, int32_t *nb)
{
	int ret = SC_ENOMEM;
	int32_t *loc = sc_malloc((size_t)(g->rows > 0 ? g->rows : 1), sizeof(int32_t));
	struct lgraph lg = { 0, NULL, NULL, NULL };
	if (k0 < 2 || m < 1)
		ret = sc_seterr(SC_EUSAGE, "kbet: need k0 >= 2 and at least one cell");
	if (!loc || k0 < 2 || m < 1)
		goto out;
	for (int64_t i = 0; i < g->rows; i++)
		loc[i] = -1;
	for (int64_t a = 0; a < m; a++)
		loc[cells[a]] = (int32_t)a;
	if ((ret = lgraph_build(g, cells, m, loc, &lg)) == 0)
		ret = diffusion_nn(&lg, k0, k0 - 1, threads, pruned, nb);
out:
	lgraph_release(&lg);
	free(loc);
	return ret;
}
