/* Random forest: histogram splits for large nodes, exact sorted splits for small ones. */
#include "rf.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_rng.h"

#define NBIN 256
#define HIST_MIN 512 /* nodes with at least this many in-bag rows use histograms */
#define FIX_SCALE 1125899906842624.0 /* 2^50: fixed-point probability sums */

struct fd {
	const double *X, *Xte;
	float *Xc;     /* d x n column-major float32 copy (sklearn trees use float32) */
	int64_t n, nte;
	int d, k, mtry, n_trees;
	const int32_t *y;
	uint8_t *bin;  /* d x n, column-major bin codes */
	double *edge;  /* d x NBIN: x <= edge[b] means bin <= b */
	int *nbin;     /* bins per feature */
	uint32_t seed;
	int next_tree, err;
	pthread_mutex_t lock;
	int64_t *acc;  /* summed fixed-point probabilities, nte x k (after the join) */
};

struct sv {
	double v;
	int32_t c, w;
};

struct frame {
	int64_t lo, hi;
	int id;
};

struct node {
	int feat, left, right, leaf; /* leaf >= 0: offset of its k fractions */
	double thr;
};

struct tws {
	int64_t *idx, *tidx;
	int32_t *wt, *twt;
	int32_t *cls, *tcls; /* class of each in-bag row, kept in step with idx */
	struct sv *sv;
	int32_t *ihist;
	double *cw, *lc;
	double *lcw;   /* weights of the classes present in the node, in class order */
	int32_t *lmap; /* class -> its index among the present ones */
	int nz;        /* classes present */
	int *perm;
	struct node *nodes;
	int nn, ncap;
	int64_t *leafv; /* leaf class fractions in fixed point (FIX_SCALE) */
	int64_t nl, lcap;
	int64_t *acc;
	struct frame *stack;
};

/* in-place sort of sv by value: quicksort (median of three) with insertion sort below 16 */
static void sort_sv(struct sv *a, int64_t n)
{
	while (n > 16) {
		int64_t m = n / 2;
		struct sv t;
		if (a[m].v < a[0].v)
			t = a[m], a[m] = a[0], a[0] = t;
		if (a[n - 1].v < a[0].v)
			t = a[n - 1], a[n - 1] = a[0], a[0] = t;
		if (a[n - 1].v < a[m].v)
			t = a[n - 1], a[n - 1] = a[m], a[m] = t;
		double p = a[m].v;
		int64_t i = 0, j = n - 1;
		for (;;) {
			while (a[i].v < p)
				i++;
			while (a[j].v > p)
				j--;
			if (i >= j)
				break;
			t = a[i], a[i] = a[j], a[j] = t;
			i++;
			j--;
		}
		/* recurse into the smaller part, loop on the larger */
		if (j + 1 < n - j - 1) {
			sort_sv(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			sort_sv(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (int64_t i = 1; i < n; i++) {
		struct sv x = a[i];
		int64_t j = i - 1;
		while (j >= 0 && a[j].v > x.v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = x;
	}
}

/* best split of feature f over idx[lo..hi) by sorting; returns 0 constant, 1 found */
static int split_sorted(struct fd *F, struct tws *W, int64_t lo, int64_t hi, int f,
			const double *cw, double tot, double *score, double *thr)
{
	int64_t m = hi - lo;
	int k = F->k;
	/* exact sort in near-linear time: a counting sort on the quantile bin code (bins are
	 * ordered value ranges), then each bin's few rows sorted by value */
	int64_t start[NBIN + 1];
	const uint8_t *bc = F->bin + (int64_t)f * F->n;
	const float *xc = F->Xc + (int64_t)f * F->n;
	if (m < 128) { /* small node: a plain sort beats the 256 bucket counters */
		for (int64_t i = 0; i < m; i++) {
			int64_t s = W->idx[lo + i];
			W->sv[i] = (struct sv){ xc[s], W->cls[lo + i], W->wt[lo + i] };
		}
		sort_sv(W->sv, m);
		goto scan;
	}
	memset(start, 0, sizeof(start));
	for (int64_t i = lo; i < hi; i++)
		start[bc[W->idx[i]] + 1]++;
	for (int b = 0; b < NBIN; b++)
		start[b + 1] += start[b];
	for (int64_t i = lo; i < hi; i++) {
		int64_t s = W->idx[i];
		struct sv *e = &W->sv[start[bc[s]]++];
		e->v = xc[s];
		e->c = W->cls[i];
		e->w = W->wt[i];
	}
	for (int64_t b0 = 0, b = 0; b < NBIN; b++) { /* start[b] is now the end of bin b */
		if (start[b] - b0 > 1)
			sort_sv(W->sv + b0, start[b] - b0);
		b0 = start[b];
	}
scan:
	if (W->sv[0].v >= W->sv[m - 1].v)
		return 0;
	double sl = 0, sr = 0, wl = 0;
	memset(W->lc, 0, (size_t)k * sizeof(double));
	for (int c = 0; c < k; c++)
		sr += cw[c] * cw[c];
	int found = 0;
	for (int64_t i = 0; i + 1 < m; i++) {
		int c = W->sv[i].c;
		double w = W->sv[i].w, rc = cw[c] - W->lc[c];
		sl += 2 * W->lc[c] * w + w * w;
		sr += -2 * rc * w + w * w;
		W->lc[c] += w;
		wl += w;
		if (W->sv[i + 1].v <= W->sv[i].v + 1e-7)
			continue;
		double sc = sl / wl + sr / (tot - wl);
		if (!found || sc > *score) {
			*score = sc;
			*thr = W->sv[i].v / 2.0 + W->sv[i + 1].v / 2.0;
			found = 1;
		}
	}
	return found;
}

/* best split of feature f by its histogram; returns 0 constant, 1 found */
static int split_hist(struct fd *F, struct tws *W, int64_t lo, int64_t hi, int f,
		      const double *cw, double tot, double *score, double *thr)
{
	int k = W->nz, nb = F->nbin[f], found = 0, first = NBIN, last = -1;
	const uint8_t *b = F->bin + (int64_t)f * F->n;
	const int32_t *restrict lmap = W->lmap;
	int32_t *h = W->ihist, bt[NBIN];
	memset(h, 0, (size_t)nb * k * sizeof(*h));
	memset(bt, 0, sizeof(bt));
	const int64_t *restrict idx = W->idx;
	const int32_t *restrict wt = W->wt, *restrict cls = W->cls;
	for (int64_t i = lo; i < hi; i++) {
		unsigned bb = b[idx[i]];
		int32_t w = wt[i];
		h[(size_t)bb * k + lmap[cls[i]]] += w;
		bt[bb] += w;
	}
	for (int j = 0; j < nb; j++)
		if (bt[j]) {
			if (first == NBIN)
				first = j;
			last = j;
		}
	if (first >= last)
		return 0;
	/* left/right sums of squared class weights, updated per class as bins move left; only the
	 * classes present, in class order, so the sums are those over all classes */
	double wl = 0, sl = 0, sr = 0;
	(void)cw;
	cw = W->lcw;
	memset(W->lc, 0, (size_t)k * sizeof(double));
	for (int c = 0; c < k; c++)
		sr += cw[c] * cw[c];
	for (int j = first; j < last; j++) {
		if (!bt[j])
			continue;
		const int32_t *hj = h + (size_t)j * k;
		for (int c = 0; c < k; c++) {
			if (!hj[c])
				continue;
			double w = hj[c], l = W->lc[c], r = cw[c] - l;
			sl += 2 * l * w + w * w;
			sr += -2 * r * w + w * w;
			W->lc[c] = l + w;
		}
		wl += bt[j];
		double sc = sl / wl + sr / (tot - wl);
		if (!found || sc > *score) {
			*score = sc;
			*thr = F->edge[(size_t)f * NBIN + j];
			found = 1;
		}
	}
	return found;
}

static int push_node(struct tws *W)
{
	if (W->nn == W->ncap) {
		int nc = W->ncap ? 2 * W->ncap : 1024;
		struct node *p = sc_realloc(W->nodes, (size_t)nc, sizeof(*p));
		if (!p)
			return SC_ENOMEM;
		W->nodes = p;
		W->ncap = nc;
	}
	W->nodes[W->nn] = (struct node){ -1, -1, -1, -1, 0 };
	return W->nn++;
}

static int make_leaf(struct fd *F, struct tws *W, int id, const double *cw, double tot)
{
	if (W->nl + F->k > W->lcap) {
		int64_t nc = W->lcap ? 2 * W->lcap : 4096 * F->k;
		int64_t *p = sc_realloc(W->leafv, (size_t)nc, sizeof(*p));
		if (!p)
			return SC_ENOMEM;
		W->leafv = p;
		W->lcap = nc;
	}
	W->nodes[id].leaf = (int)(W->nl / F->k);
	for (int c = 0; c < F->k; c++)
		W->leafv[W->nl++] = llround(cw[c] / tot * FIX_SCALE);
	return 0;
}

static int grow(struct fd *F, struct tws *W, struct sc_rng *rng, int64_t m)
{
	int sp = 0, k = F->k, rc;
	W->nn = 0;
	W->nl = 0;
	if ((rc = push_node(W)) < 0)
		return rc;
	W->stack[sp++] = (struct frame){ 0, m, 0 };
	while (sp > 0) {
		int64_t lo = W->stack[sp - 1].lo, hi = W->stack[sp - 1].hi;
		int id = W->stack[--sp].id, nz = 0, bf = -1;
		double tot = 0, best = 0, bthr = 0;
		memset(W->cw, 0, (size_t)k * sizeof(double));
		for (int64_t i = lo; i < hi; i++)
			W->cw[W->cls[i]] += W->wt[i];
		for (int c = 0; c < k; c++) {
			tot += W->cw[c];
			if (W->cw[c] > 0) {
				W->lmap[c] = nz;
				W->lcw[nz++] = W->cw[c];
			}
		}
		W->nz = nz;
		if (hi - lo >= 2 && nz > 1) {
			int evaluated = 0;
			for (int f = 0; f < F->d; f++)
				W->perm[f] = f;
			for (int j = 0; j < F->d && evaluated < F->mtry; j++) {
				int r = j + (int)sc_rng_below(rng, (uint64_t)(F->d - j)), f = W->perm[r];
				double sc = 0, thr = 0;
				W->perm[r] = W->perm[j];
				W->perm[j] = f;
				int ok = hi - lo >= HIST_MIN
						 ? split_hist(F, W, lo, hi, f, W->cw, tot, &sc, &thr)
						 : split_sorted(F, W, lo, hi, f, W->cw, tot, &sc, &thr);
				if (!ok)
					continue;
				evaluated++;
				if (bf < 0 || sc > best) {
					bf = f;
					best = sc;
					bthr = thr;
				}
			}
		}
		if (bf < 0) {
			if ((rc = make_leaf(F, W, id, W->cw, tot)) < 0)
				return rc;
			continue;
		}
		/* stable partition of idx[lo..hi) (and weights) on x <= thr: rows stay in ascending
		 * order inside every node, so the column gathers walk memory forwards */
		int64_t a = lo, nr = 0;
		const float *xb = F->Xc + (int64_t)bf * F->n;
		for (int64_t i = lo; i < hi; i++) {
			if (xb[W->idx[i]] <= bthr) {
				W->idx[a] = W->idx[i];
				W->cls[a] = W->cls[i];
				W->wt[a++] = W->wt[i];
			} else {
				W->tidx[nr] = W->idx[i];
				W->tcls[nr] = W->cls[i];
				W->twt[nr++] = W->wt[i];
			}
		}
		memcpy(W->idx + a, W->tidx, (size_t)nr * sizeof(*W->idx));
		memcpy(W->cls + a, W->tcls, (size_t)nr * sizeof(*W->cls));
		memcpy(W->wt + a, W->twt, (size_t)nr * sizeof(*W->wt));
		if (a == lo || a == hi) { /* cannot happen with a valid threshold; be safe */
			if ((rc = make_leaf(F, W, id, W->cw, tot)) < 0)
				return rc;
			continue;
		}
		int l = push_node(W), r = l >= 0 ? push_node(W) : l;
		if (r < 0)
			return r;
		W->nodes[id].feat = bf;
		W->nodes[id].thr = bthr;
		W->nodes[id].left = l;
		W->nodes[id].right = r;
		W->stack[sp++] = (struct frame){ a, hi, r };
		W->stack[sp++] = (struct frame){ lo, a, l };
	}
	return 0;
}

static void predict(struct fd *F, struct tws *W)
{
	for (int64_t i = 0; i < F->nte; i++) {
		const double *x = F->Xte + i * F->d;
		int id = 0;
		while (W->nodes[id].leaf < 0)
			id = (double)(float)x[W->nodes[id].feat] <= W->nodes[id].thr ? W->nodes[id].left
								      : W->nodes[id].right;
		const int64_t *v = W->leafv + (int64_t)W->nodes[id].leaf * F->k;
		for (int c = 0; c < F->k; c++)
			W->acc[i * F->k + c] += v[c];
	}
}

static void tws_release(struct tws *W)
{
	free(W->idx);
	free(W->wt);
	free(W->tidx);
	free(W->twt);
	free(W->cls);
	free(W->tcls);
	free(W->sv);
	free(W->ihist);
	free(W->cw);
	free(W->lc);
	free(W->lcw);
	free(W->lmap);
	free(W->perm);
	free(W->nodes);
	free(W->leafv);
	free(W->stack);
	free(W->acc);
}

static void *worker(void *arg)
{
	struct fd *F = arg;
	struct tws W;
	int32_t *cnt = NULL;
	int rc = SC_ENOMEM;
	memset(&W, 0, sizeof(W));
	W.idx = sc_malloc((size_t)F->n, sizeof(*W.idx));
	W.wt = sc_malloc((size_t)F->n, sizeof(*W.wt));
	W.tidx = sc_malloc((size_t)F->n, sizeof(*W.tidx));
	W.twt = sc_malloc((size_t)F->n, sizeof(*W.twt));
	W.cls = sc_malloc((size_t)F->n, sizeof(*W.cls));
	W.tcls = sc_malloc((size_t)F->n, sizeof(*W.tcls));
	W.sv = sc_malloc((size_t)F->n, sizeof(*W.sv));
	W.ihist = sc_malloc((size_t)NBIN * F->k, sizeof(int32_t));
	W.cw = sc_malloc((size_t)F->k, sizeof(double));
	W.lc = sc_malloc((size_t)F->k, sizeof(double));
	W.lcw = sc_malloc((size_t)F->k, sizeof(double));
	W.lmap = sc_calloc((size_t)F->k, sizeof(int32_t));
	W.perm = sc_malloc((size_t)F->d, sizeof(int));
	W.stack = sc_malloc((size_t)F->n + 1, sizeof(*W.stack));
	W.acc = sc_calloc((size_t)F->nte, (size_t)F->k * sizeof(int64_t));
	cnt = sc_malloc((size_t)F->n, sizeof(*cnt));
	if (!W.idx || !W.wt || !W.tidx || !W.twt || !W.cls || !W.tcls || !W.sv || !W.ihist || !W.cw || !W.lc || !W.lcw || !W.lmap || !W.perm ||
	    !W.stack ||
	    !W.acc || !cnt)
		goto out;
	for (;;) {
		pthread_mutex_lock(&F->lock);
		int t = F->err ? F->n_trees : F->next_tree++;
		pthread_mutex_unlock(&F->lock);
		if (t >= F->n_trees)
			break;
		struct sc_rng rng;
		sc_rng_seed(&rng, (uint64_t)F->seed * UINT64_C(0x9E3779B97F4A7C15) + (uint64_t)t);
		memset(cnt, 0, (size_t)F->n * sizeof(*cnt));
		for (int64_t i = 0; i < F->n; i++)
			cnt[sc_rng_below(&rng, (uint64_t)F->n)]++;
		int64_t m = 0;
		for (int64_t i = 0; i < F->n; i++)
			if (cnt[i]) {
				W.idx[m] = i;
				W.cls[m] = F->y[i];
				W.wt[m++] = cnt[i];
			}
		if ((rc = grow(F, &W, &rng, m)) < 0)
			goto out;
		predict(F, &W);
	}
	rc = 0;
	pthread_mutex_lock(&F->lock);
	for (int64_t i = 0; i < F->nte * F->k; i++)
		F->acc[i] += W.acc[i];
	pthread_mutex_unlock(&F->lock);
out:
	if (rc < 0) {
		pthread_mutex_lock(&F->lock);
		F->err = rc;
		pthread_mutex_unlock(&F->lock);
	}
	free(cnt);
	tws_release(&W);
	return NULL;
}

/* ascending sort of n floats by an LSD radix sort on their order-preserving bit keys */
static void sort_floats(float *v, uint32_t *key, uint32_t *tmp, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, &v[i], sizeof(u));
		key[i] = u & 0x80000000u ? ~u : u | 0x80000000u;
	}
	for (int sh = 0; sh < 32; sh += 8) {
		int64_t cnt[257] = { 0 };
		for (int64_t i = 0; i < n; i++)
			cnt[((key[i] >> sh) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			cnt[b + 1] += cnt[b];
		for (int64_t i = 0; i < n; i++)
			tmp[cnt[(key[i] >> sh) & 0xff]++] = key[i];
		uint32_t *t = key;
		key = tmp;
		tmp = t;
	}
	for (int64_t i = 0; i < n; i++) { /* four passes: the sorted keys are back in key */
		uint32_t u = key[i] & 0x80000000u ? key[i] & 0x7fffffffu : ~key[i];
		memcpy(&v[i], &u, sizeof(u));
	}
}

/* bin edges of feature f at sample quantiles (exact midpoints between distinct values) and
 * its bin codes; v, key and tmp are n-long scratch */
static void bin_feature(struct fd *F, int f, float *v, uint32_t *key, uint32_t *tmp)
{
	int64_t n = F->n;
	double *e = F->edge + (size_t)f * NBIN;
	int nb = 0;
	memcpy(v, F->Xc + (int64_t)f * n, (size_t)n * sizeof(*v));
	sort_floats(v, key, tmp, n);
	int64_t uniq = 1;
	for (int64_t i = 1; i < n; i++)
		uniq += v[i] != v[i - 1];
	for (int64_t i = 0; i + 1 < n && nb < NBIN - 1; i++) {
		if (v[i + 1] == v[i])
			continue;
		/* cut after v[i] when every value is its own bin, or at the next quantile */
		if (uniq <= NBIN || (i + 1) * NBIN >= (int64_t)(nb + 1) * n)
			e[nb++] = (double)v[i] / 2.0 + (double)v[i + 1] / 2.0;
	}
	F->nbin[f] = nb + 1;
	uint8_t *b = F->bin + (int64_t)f * n;
	for (int64_t i = 0; i < n; i++) {
		double x = F->Xc[(int64_t)f * n + i];
		int lo = 0, hi = nb; /* first edge with x <= edge, else nb */
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (x <= e[mid])
				hi = mid;
			else
				lo = mid + 1;
		}
		b[i] = (uint8_t)lo;
	}
}

static void *bin_worker(void *arg)
{
	struct fd *F = arg;
	float *v = sc_malloc((size_t)F->n, sizeof(*v));
	uint32_t *key = sc_malloc((size_t)F->n, sizeof(*key)), *tmp = sc_malloc((size_t)F->n,
										    sizeof(*tmp));
	int rc = v && key && tmp ? 0 : SC_ENOMEM;
	for (;;) {
		pthread_mutex_lock(&F->lock);
		if (rc < 0)
			F->err = rc;
		int f = F->err ? F->d : F->next_tree++;
		pthread_mutex_unlock(&F->lock);
		if (f >= F->d)
			break;
		bin_feature(F, f, v, key, tmp);
	}
	free(v);
	free(key);
	free(tmp);
	return NULL;
}

/* every feature's bins, features shared out over the threads (next_tree counts features) */
static int make_bins(struct fd *F, pthread_t *th, int nth)
{
	int started = 0;
	for (; started < nth - 1 && started < F->d; started++)
		if (pthread_create(&th[started], NULL, bin_worker, F))
			break;
	bin_worker(F);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	F->next_tree = 0;
	return F->err;
}

int sc_rf_fit_predict(const double *Xtr, int64_t ntr, int d, const int32_t *ytr, int k,
		      const double *Xte, int64_t nte, const struct sc_rf_opts *o, double *proba)
{
	int ret = SC_ENOMEM, nth = o->threads < 1 ? 1 : o->threads, started = 0;
	pthread_t *th = NULL;
	struct fd F;

	if (o->n_trees < 1 || o->n_trees > 2000)
		return sc_seterr(SC_EUSAGE, "random forest needs 1 to 2000 trees");
	if (ntr < 1)
		return sc_seterr(SC_EINPUT, "random forest has no training rows");
	memset(&F, 0, sizeof(F));
	F = (struct fd){ Xtr, Xte, NULL, ntr, nte, d, k, 0, o->n_trees, ytr, NULL, NULL, NULL,
			 o->seed, 0, 0, PTHREAD_MUTEX_INITIALIZER, NULL };
	F.mtry = (int)sqrt((double)d);
	if (F.mtry < 1)
		F.mtry = 1;
	F.bin = sc_malloc((size_t)ntr, (size_t)d);
	F.Xc = sc_malloc((size_t)ntr, (size_t)d * sizeof(float));
	F.edge = sc_malloc((size_t)d * NBIN, sizeof(double));
	F.nbin = sc_malloc((size_t)d, sizeof(int));
	F.acc = sc_calloc((size_t)nte, (size_t)k * sizeof(int64_t));
	th = sc_calloc((size_t)nth, sizeof(*th));
	if (!F.Xc || !F.bin || !F.edge || !F.nbin || !F.acc || !th)
		goto out;
	for (int64_t i = 0; i < ntr; i++)
		for (int f = 0; f < d; f++)
			F.Xc[(int64_t)f * ntr + i] = (float)Xtr[i * d + f];
	if ((ret = make_bins(&F, th, nth)) < 0)
		goto out;
	for (; started < nth; started++)
		if (pthread_create(&th[started], NULL, worker, &F))
			break;
	if (started == 0)
		worker(&F);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if ((ret = F.err) < 0)
		goto out;
	for (int64_t i = 0; i < nte * k; i++)
		proba[i] = (double)F.acc[i] / FIX_SCALE / o->n_trees;
	ret = 0;
out:
	free(F.Xc);
	free(F.bin);
	free(F.edge);
	free(F.nbin);
	free(F.acc);
	free(th);
	return ret;
}
