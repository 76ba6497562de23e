/* scib-metrics kBET: diffusion-map neighbours, acceptance over all cells (see kbet_sm.h). */
#include "kbet_sm.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eigsh.h"
#include "graph_conn.h"
#include "kbet.h"
#include "knn.h"
#include "sc_alloc.h"

int openblas_get_num_threads(void);
void openblas_set_num_threads(int);

double sc_kbet_sm_acceptance(const int32_t *nb, int64_t m, int64_t kk, const int32_t *bat,
			     int32_t n_batches, double alpha)
{
	if (m <= 0 || kk <= 0 || n_batches < 1)
		return NAN;
	int64_t *cnt = calloc((size_t)n_batches, sizeof(int64_t));
	int64_t *obs = calloc((size_t)n_batches, sizeof(int64_t));
	double *e = calloc((size_t)n_batches, sizeof(double)), rate = NAN;
	int32_t present = 0;
	int64_t acc = 0;
	if (!cnt || !obs || !e)
		goto out;
	for (int64_t i = 0; i < m; i++)
		cnt[bat[i]]++;
	for (int32_t b = 0; b < n_batches; b++) {
		present += cnt[b] > 0;
		e[b] = (double)kk * ((double)cnt[b] / (double)m);
	}
	if (present < 2) { /* dof 0: JAX's gammainc(0, x) is NaN, and NaN >= alpha is false */
		rate = 0;
		goto out;
	}
	double half_dof = (present - 1) / 2.0;
	for (int64_t i = 0; i < m; i++) {
		memset(obs, 0, sizeof(int64_t) * (size_t)n_batches);
		for (int64_t j = 0; j < kk; j++)
			obs[bat[nb[i * kk + j]]]++;
		double chi = 0;
		for (int32_t b = 0; b < n_batches; b++) {
			if (cnt[b] == 0)
				continue;
			double t = (double)obs[b] - e[b];
			chi += t * t / e[b];
		}
		acc += sc_gamma_q(half_dof, chi / 2.0) >= alpha;
	}
	rate = (double)acc / (double)m;
out:
	free(cnt);
	free(obs);
	free(e);
	return rate;
}

/* Local float64 CSR over a vertex set. */
struct lcsr {
	int64_t n;
	int64_t *ptr;
	int32_t *col;
	double *val;
};

static void lcsr_release(struct lcsr *a)
{
	free(a->ptr);
	free(a->col);
	free(a->val);
	memset(a, 0, sizeof *a);
}

/* Rows verts[0..nv) of (ptr, col, val) keeping columns with map[col] >= 0, renumbered. */
static int lcsr_sub(const int64_t *ptr, const int32_t *col, const double *val, const int32_t *verts,
		    int64_t nv, const int32_t *map, struct lcsr *out)
{
	int64_t nnz = 0;
	out->n = nv;
	out->ptr = sc_calloc((size_t)nv + 1, sizeof(int64_t));
	if (!out->ptr)
		return SC_ENOMEM;
	for (int64_t a = 0; a < nv; a++)
		for (int64_t p = ptr[verts[a]]; p < ptr[verts[a] + 1]; p++)
			nnz += map[col[p]] >= 0;
	out->col = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(int32_t));
	out->val = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(double));
	if (!out->col || !out->val)
		return SC_ENOMEM;
	nnz = 0;
	for (int64_t a = 0; a < nv; a++) {
		for (int64_t p = ptr[verts[a]]; p < ptr[verts[a] + 1]; p++)
			if (map[col[p]] >= 0) {
				out->col[nnz] = map[col[p]];
				out->val[nnz++] = val[p];
			}
		out->ptr[a + 1] = nnz;
	}
	return 0;
}

static int32_t uf_root(int32_t *p, int32_t i)
{
	while (p[i] != i) {
		p[i] = p[p[i]];
		i = p[i];
	}
	return i;
}

/* One eigen-candidate: eigenvalue, its component and the column in that component's result. */
struct cand {
	double lam;
	int32_t comp, col;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	double ax = fabs(x->lam), ay = fabs(y->lam);
	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (x->lam != y->lam)
		return x->lam > y->lam ? -1 : 1;
	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

static int cand_alg_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->lam != y->lam)
		return x->lam > y->lam ? -1 : 1;
	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

/* y = A x for A stored as its upper triangle (struct lcsr; a row's diagonal entries first). */
static void upper_op(void *ctx, const double *x, double *y)
{
	const struct lcsr *a = ctx;
	memset(y, 0, sizeof(double) * (size_t)a->n);
	for (int64_t i = 0; i < a->n; i++) {
		double xi = x[i], s0 = 0, s1 = 0;
		int64_t p = a->ptr[i], e = a->ptr[i + 1];
		for (; p < e && a->col[p] == i; p++)
			s0 += a->val[p] * xi;
		for (; p + 2 <= e; p += 2) {
			int32_t j0 = a->col[p], j1 = a->col[p + 1];
			double v0 = a->val[p], v1 = a->val[p + 1];
			s0 += v0 * x[j0];
			s1 += v1 * x[j1];
			y[j0] += v0 * xi;
			y[j1] += v1 * xi;
		}
		if (p < e) {
			s0 += a->val[p] * x[a->col[p]];
			y[a->col[p]] += a->val[p] * xi;
		}
		y[i] += s0 + s1;
	}
}

/* Top kc eigenpairs of one component's operator (dense when small). Returns 0, 1 (not
 * converged) or < 0. */
static int solve_component(const struct lcsr *t, int kc, double *ev, double *vec, int64_t *matvecs)
{
	int64_t n = t->n;
	if (n <= SC_EIGSH_DENSE_N) {
		double *a = sc_calloc((size_t)n * (size_t)n, sizeof(double));
		if (!a)
			return SC_ENOMEM;
		for (int64_t i = 0; i < n; i++)
			for (int64_t p = t->ptr[i]; p < t->ptr[i + 1]; p++) {
				int64_t j = t->col[p];
				a[i + j * n] += 0.5 * t->val[p]; /* symmetrise */
				a[j + i * n] += 0.5 * t->val[p];
			}
		int ret = sc_eigsh_dense_lm(a, n, kc, ev, vec);
		free(a);
		return ret;
	}
	/* the upper triangle only: each stored value serves both (i, j) and (j, i), which halves
	 * the bytes streamed per product and makes the operator exactly symmetric */
	struct lcsr u = { n, sc_calloc((size_t)n + 1, sizeof(int64_t)), NULL, NULL };
	int64_t nnz = 0;
	if (!u.ptr)
		return SC_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		for (int64_t p = t->ptr[i]; p < t->ptr[i + 1]; p++)
			nnz += t->col[p] >= i;
	u.col = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(int32_t));
	u.val = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(double));
	if (!u.col || !u.val) {
		lcsr_release(&u);
		return SC_ENOMEM;
	}
	nnz = 0;
	for (int64_t i = 0; i < n; i++) {
		for (int pass = 0; pass < 2; pass++) /* diagonal entries first */
			for (int64_t p = t->ptr[i]; p < t->ptr[i + 1]; p++)
				if (pass ? t->col[p] > i : t->col[p] == i) {
					u.col[nnz] = t->col[p];
					u.val[nnz++] = t->val[p];
				}
		u.ptr[i + 1] = nnz;
	}
	struct sc_eigsh_opts o;
	struct sc_eigsh_info info;
	sc_eigsh_defaults(&o);
	o.max_restarts = 300;
	int ret = sc_eigsh_lm(upper_op, &u, n, kc, &o, ev, vec, &info);
	lcsr_release(&u);
	*matvecs += info.matvecs;
	sc_log(3, "kbet: eigsh n %lld k %d: %d sweeps, %lld matvecs, residual %.3g%s", (long long)n,
	       kc, info.restarts, (long long)info.matvecs, info.max_resid,
	       ret == 1 ? " (not converged)" : "");
	return ret;
}

int sc_kbet_sm_diffmap(const struct sc_csr *g, const int32_t *cells, int64_t m,
		       const int32_t *loc, int n_comps, float *emb, double *evals, int64_t *matvecs)
{
	if (m < 2 || n_comps < 1)
		return sc_seterr(SC_EUSAGE, "kbet: a diffusion map needs 2 cells and 1 component");
	int ncomp = (int)(n_comps < m - 1 ? n_comps : m - 1), ret = SC_ENOMEM, nc = 0;
	int64_t nnz = 0, mv = 0;
	struct lcsr t = { 0, NULL, NULL, NULL }, sub = { 0, NULL, NULL, NULL };
	double *q = sc_calloc((size_t)m, sizeof(double)), *z = sc_calloc((size_t)m, sizeof(double));
	int32_t *root = sc_malloc((size_t)m, sizeof(int32_t)), *cid = sc_malloc((size_t)m, sizeof(int32_t));
	int32_t *verts = sc_malloc((size_t)m, sizeof(int32_t)), *map = sc_malloc((size_t)m, sizeof(int32_t));
	int64_t *cstart = sc_calloc((size_t)m + 1, sizeof(int64_t));
	struct cand *cands = NULL;
	double **cvec = NULL, **cval = NULL;
	if (!q || !z || !root || !cid || !verts || !map || !cstart)
		goto out;
	/* W restricted to the cells (stored non-zeros only), in float64 */
	t.n = m;
	t.ptr = sc_calloc((size_t)m + 1, sizeof(int64_t));
	if (!t.ptr)
		goto out;
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = g->indptr[cells[a]]; p < g->indptr[cells[a] + 1]; p++)
			nnz += loc[g->indices[p]] >= 0 && g->data[p] != 0;
	t.col = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(int32_t));
	t.val = sc_malloc((size_t)(nnz ? nnz : 1), sizeof(double));
	if (!t.col || !t.val)
		goto out;
	nnz = 0;
	for (int64_t a = 0; a < m; a++) {
		root[a] = (int32_t)a;
		for (int64_t p = g->indptr[cells[a]]; p < g->indptr[cells[a] + 1]; p++) {
			int32_t j = loc[g->indices[p]];
			if (j < 0 || g->data[p] == 0)
				continue;
			t.col[nnz] = j;
			t.val[nnz++] = g->data[p];
			q[j] += g->data[p]; /* column sums */
		}
		t.ptr[a + 1] = nnz;
	}
	for (int64_t a = 0; a < m; a++)
		if (!(q[a] > 0)) {
			ret = sc_seterr(SC_EINPUT, "kbet: a cell without neighbours in its label's graph");
			goto out;
		}
	/* K = Q^-1 W Q^-1, z = sqrt(column sums of K), T = Z^-1 K Z^-1 */
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = t.ptr[a]; p < t.ptr[a + 1]; p++) {
			t.val[p] = (1.0 / q[a]) * t.val[p] * (1.0 / q[t.col[p]]);
			z[t.col[p]] += t.val[p];
		}
	for (int64_t a = 0; a < m; a++)
		z[a] = sqrt(z[a]);
	for (int64_t a = 0; a < m; a++)
		for (int64_t p = t.ptr[a]; p < t.ptr[a + 1]; p++) {
			t.val[p] = (1.0 / z[a]) * t.val[p] * (1.0 / z[t.col[p]]);
			int32_t x = uf_root(root, (int32_t)a), y = uf_root(root, t.col[p]);
			if (x != y)
				root[x > y ? x : y] = x < y ? x : y;
		}
	/* components, numbered by their first cell; cells grouped by component */
	for (int64_t a = 0; a < m; a++) {
		int32_t r = uf_root(root, (int32_t)a);
		cid[a] = r == a ? nc++ : cid[r];
		cstart[cid[a] + 1]++;
	}
	for (int c = 0; c < nc; c++)
		cstart[c + 1] += cstart[c];
	{
		int64_t *cur = sc_malloc((size_t)nc, sizeof(int64_t));
		if (!cur)
			goto out;
		memcpy(cur, cstart, sizeof(int64_t) * (size_t)nc);
		for (int64_t a = 0; a < m; a++) {
			map[a] = (int32_t)(cur[cid[a]] - cstart[cid[a]]);
			verts[cur[cid[a]]++] = (int32_t)a;
		}
		free(cur);
	}
	cands = sc_malloc((size_t)m, sizeof(struct cand));
	cvec = sc_calloc((size_t)nc, sizeof(double *));
	cval = sc_calloc((size_t)nc, sizeof(double *));
	if (!cands || !cvec || !cval)
		goto out;
	int64_t ncand = 0;
	for (int c = 0; c < nc; c++) {
		int64_t n_c = cstart[c + 1] - cstart[c];
		int kc = n_c <= SC_EIGSH_DENSE_N ? (int)(n_c < ncomp ? n_c : ncomp)
						 : (int)(n_c - 1 < ncomp ? n_c - 1 : ncomp);
		/* map: local cell -> index within its component; edges never leave a component */
		if ((ret = lcsr_sub(t.ptr, t.col, t.val, verts + cstart[c], n_c, map, &sub)) < 0)
			goto out;
		cval[c] = sc_malloc((size_t)kc, sizeof(double));
		cvec[c] = sc_malloc((size_t)kc * (size_t)n_c, sizeof(double));
		ret = SC_ENOMEM;
		if (!cval[c] || !cvec[c])
			goto out;
		ret = solve_component(&sub, kc, cval[c], cvec[c], &mv);
		lcsr_release(&sub);
		if (ret != 0)
			goto out;
		for (int u = 0; u < kc; u++)
			cands[ncand++] = (struct cand){ cval[c][u], c, u };
	}
	qsort(cands, (size_t)ncand, sizeof *cands, cand_cmp);
	qsort(cands, (size_t)ncomp, sizeof *cands, cand_alg_cmp); /* scipy's order, reversed */
	for (int u = 0; u < ncomp; u++) {
		const struct cand *cd = &cands[u];
		/* float32 as scib-metrics: cast, + 1e-8, l / (1 - l) unless l == 1 exactly */
		float l = (float)cd->lam;
		l = l + 1e-8f;
		float s = l == 1.0f ? 1.0f : l / (1.0f - l);
		if (evals)
			evals[u] = cd->lam;
		int64_t c0 = cstart[cd->comp], n_c = cstart[cd->comp + 1] - c0;
		const double *v = cvec[cd->comp] + (size_t)cd->col * (size_t)n_c;
		for (int64_t a = 0; a < m; a++)
			emb[a * ncomp + u] = 0.0f;
		for (int64_t x = 0; x < n_c; x++)
			emb[(int64_t)verts[c0 + x] * ncomp + u] = (float)v[x] * s;
	}
	ret = 0;
out:
	if (matvecs)
		*matvecs += mv;
	for (int c = 0; c < nc && cvec; c++)
		free(cvec[c]);
	for (int c = 0; c < nc && cval; c++)
		free(cval[c]);
	free(cvec);
	free(cval);
	free(cands);
	lcsr_release(&t);
	lcsr_release(&sub);
	free(q);
	free(z);
	free(root);
	free(cid);
	free(verts);
	free(map);
	free(cstart);
	return ret;
}

struct sm_ctx {
	const struct sc_csr *g;
	const int32_t *label, *batch, *order, *comp;
	const int64_t *lstart, *csize;
	const int32_t *sched; /* labels by decreasing size: the longest start first */
	const int *ncomp;     /* diffusion components of each label (see sc_kbet_sm) */
	int32_t n_labels, n_batches;
	const struct sc_kbet_sm_opts *o;
	double *per;
	atomic_int next;
	pthread_mutex_t mu;
	int err;
	char msg[256];
	int32_t eig_failures, fragmented;
	int64_t matvecs;
};

/* One label's acceptance into *rate (NaN when skipped). loc: n entries, all -1 on entry and
 * on return. */
static int sm_label(struct sm_ctx *c, int32_t l, int32_t *loc, double *rate, int *eigfail,
		    int *frag, int64_t *mv)
{
	const int32_t *cells = c->order + c->lstart[l];
	int64_t ng = c->lstart[l + 1] - c->lstart[l], m = 0, k0;
	int64_t *bc = sc_calloc((size_t)c->n_batches, sizeof(int64_t));
	int32_t *used = sc_malloc((size_t)(ng ? ng : 1), sizeof(int32_t));
	int32_t *bat = NULL, *nb = NULL, present = 0;
	float *emb = NULL;
	struct sc_knn knn = SC_KNN_INIT;
	int ret = SC_ENOMEM, single = 1;
	*rate = NAN;
	if (!bc || !used)
		goto out;
	for (int64_t a = 0; a < ng; a++)
		bc[c->batch[cells[a]]]++;
	for (int32_t b = 0; b < c->n_batches; b++)
		present += bc[b] > 0;
	ret = 0;
	if (ng < 10 || present < 2)
		goto out;
	k0 = sc_kbet_k0(bc, c->n_batches, ng);
	for (int64_t a = 1; a < ng; a++)
		single &= c->comp[cells[a]] == c->comp[cells[0]];
	for (int64_t a = 0; a < ng; a++)
		if (single || c->csize[c->comp[cells[a]]] >= 3 * k0)
			used[m++] = cells[a];
	if (!single && (double)m / (double)ng < 0.75) {
		*rate = 0;
		*frag = 1;
		goto out;
	}
	for (int64_t a = 0; a < m; a++)
		loc[used[a]] = (int32_t)a;
	int ncomp = c->ncomp[l];
	int64_t kk = k0 < m - 1 ? k0 : m - 1, w = k0 + 1;
	ret = SC_ENOMEM;
	emb = sc_malloc((size_t)m, (size_t)ncomp * sizeof(float));
	bat = sc_malloc((size_t)m, sizeof(int32_t));
	nb = sc_malloc((size_t)m, (size_t)w * sizeof(int32_t));
	if (!emb || !bat || !nb)
		goto out;
	ret = sc_kbet_sm_diffmap(c->g, used, m, loc, ncomp, emb, NULL, mv);
	if (ret < 0)
		goto out;
	if (ret == 1) {
		*rate = 0;
		*eigfail = 1;
		ret = 0;
		goto out;
	}
	if ((ret = sc_knn_exact(emb, m, ncomp, (int)kk, SC_KNN_EUCLIDEAN, 1, &knn)) < 0)
		goto out;
	for (int64_t a = 0; a < m; a++) {
		int32_t *row = nb + a * w;
		bat[a] = c->batch[used[a]];
		row[0] = (int32_t)a;
		for (int64_t j = 0; j < kk; j++)
			row[1 + j] = knn.idx[a * kk + j];
		for (int64_t j = kk; j < k0; j++) /* pynndescent's -1 slot, read by numpy as the last cell */
			row[1 + j] = (int32_t)(m - 1);
	}
	*rate = sc_kbet_sm_acceptance(nb, m, w, bat, c->n_batches, c->o->alpha);
out:
	for (int64_t a = 0; used && a < m; a++)
		loc[used[a]] = -1;
	sc_knn_release(&knn);
	free(bc);
	free(used);
	free(bat);
	free(nb);
	free(emb);
	return ret;
}

static void *sm_worker(void *arg)
{
	struct sm_ctx *c = arg;
	int64_t n = c->g->rows, mv = 0;
	int32_t *loc = sc_malloc((size_t)n, sizeof(int32_t));
	int eigf = 0, frag = 0, ret = loc ? 0 : SC_ENOMEM;
	for (int64_t i = 0; loc && i < n; i++)
		loc[i] = -1;
	while (ret == 0) {
		int t = atomic_fetch_add(&c->next, 1);
		if (t >= c->n_labels)
			break;
		int32_t l = c->sched[t];
		int ef = 0, fr = 0;
		pthread_mutex_lock(&c->mu);
		int stop = c->err;
		pthread_mutex_unlock(&c->mu);
		if (stop)
			break;
		ret = sm_label(c, l, loc, &c->per[l], &ef, &fr, &mv);
		eigf += ef;
		frag += fr;
		sc_log(3, "kbet: label %d: %lld cells, acceptance %.6g%s", (int)l,
		       (long long)(c->lstart[l + 1] - c->lstart[l]), c->per[l],
		       ef ? " (eigensolver did not converge)" : "");
	}
	pthread_mutex_lock(&c->mu);
	if (ret < 0 && !c->err) {
		c->err = ret;
		snprintf(c->msg, sizeof c->msg, "%s", sc_errmsg());
	}
	c->eig_failures += eigf;
	c->fragmented += frag;
	c->matvecs += mv;
	pthread_mutex_unlock(&c->mu);
	free(loc);
	return NULL;
}

int sc_kbet_sm(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
	       const int32_t *batch, int32_t n_batches, const struct sc_kbet_sm_opts *o,
	       double *per_label, struct sc_kbet_sm_info *info, double *score)
{
	int64_t n = g->rows;
	int ret = SC_ENOMEM;
	struct sm_ctx c;
	memset(&c, 0, sizeof c);
	int32_t *comp = sc_malloc((size_t)n, sizeof(int32_t)), *order = sc_malloc((size_t)n, sizeof(int32_t));
	int64_t *csize = sc_calloc((size_t)n, sizeof(int64_t));
	int64_t *lstart = sc_calloc((size_t)n_labels + 1, sizeof(int64_t));
	int64_t *pos = sc_malloc((size_t)n_labels + 1, sizeof(int64_t));
	double *per = sc_malloc((size_t)(n_labels ? n_labels : 1), sizeof(double));
	int32_t *sched = sc_malloc((size_t)(n_labels ? n_labels : 1), sizeof(int32_t));
	int *ncomp = sc_malloc((size_t)(n_labels ? n_labels : 1), sizeof(int));
	int64_t *bc = sc_malloc((size_t)(n_batches ? n_batches : 1), sizeof(int64_t));
	*score = NAN;
	if (!comp || !order || !csize || !lstart || !pos || !per || !sched || !ncomp || !bc)
		goto out;
	if (o->n_comps < 1 || o->threads < 1 || !(o->alpha > 0 && o->alpha < 1)) {
		ret = sc_seterr(SC_EUSAGE, "kbet: bad parameters");
		goto out;
	}
	if ((ret = sc_graph_components_by_label(g, label, comp)) < 0)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		csize[comp[i]]++;
		lstart[label[i] + 1]++;
	}
	for (int32_t l = 0; l < n_labels; l++)
		lstart[l + 1] += lstart[l];
	memcpy(pos, lstart, sizeof(int64_t) * ((size_t)n_labels + 1));
	for (int64_t i = 0; i < n; i++)
		order[pos[label[i]]++] = (int32_t)i;
	for (int32_t l = 0; l < n_labels; l++) { /* insertion by decreasing size, then index */
		int32_t j = l;
		int64_t sz = lstart[l + 1] - lstart[l];
		while (j > 0 && lstart[sched[j - 1] + 1] - lstart[sched[j - 1]] < sz) {
			sched[j] = sched[j - 1];
			j--;
		}
		sched[j] = l;
	}
	/* scib-metrics assigns min(diffusion_n_comps, m - 1) back to diffusion_n_comps inside
	 * its loop over the labels (sorted), so a label of m cells lowers the number of
	 * components of every label after it; reproduced in label order before the parallel
	 * part. Only labels that reach the diffusion step take part. */
	int comps_min = 0;
	for (int32_t l = 0, run = o->n_comps; l < n_labels; l++) {
		int64_t ng = lstart[l + 1] - lstart[l], m = 0;
		const int32_t *cells = order + lstart[l];
		int32_t present = 0;
		int single = 1;
		ncomp[l] = 0;
		memset(bc, 0, sizeof(int64_t) * (size_t)n_batches);
		for (int64_t a = 0; a < ng; a++)
			bc[batch[cells[a]]]++;
		for (int32_t b = 0; b < n_batches; b++)
			present += bc[b] > 0;
		if (ng < 10 || present < 2)
			continue;
		int64_t k0 = sc_kbet_k0(bc, n_batches, ng);
		for (int64_t a = 1; a < ng; a++)
			single &= comp[cells[a]] == comp[cells[0]];
		for (int64_t a = 0; a < ng; a++)
			m += single || csize[comp[cells[a]]] >= 3 * k0;
		if (!single && (double)m / (double)ng < 0.75)
			continue;
		if (m - 1 < run)
			run = (int)(m - 1);
		ncomp[l] = run;
		comps_min = run;
	}
	c.ncomp = ncomp;
	c.sched = sched;
	c.g = g;
	c.label = label;
	c.batch = batch;
	c.order = order;
	c.comp = comp;
	c.lstart = lstart;
	c.csize = csize;
	c.n_labels = n_labels;
	c.n_batches = n_batches;
	c.o = o;
	c.per = per;
	atomic_init(&c.next, 0);
	pthread_mutex_init(&c.mu, NULL);
	{
		pthread_t tid[64];
		int nt = o->threads > 64 ? 64 : o->threads, started = 0;
		if (nt > n_labels)
			nt = n_labels > 0 ? n_labels : 1;
		int saved = openblas_get_num_threads();
		openblas_set_num_threads(1);
		for (; started < nt - 1; started++)
			if (pthread_create(&tid[started], NULL, sm_worker, &c) != 0)
				break;
		sm_worker(&c);
		for (int t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
		openblas_set_num_threads(saved);
	}
	pthread_mutex_destroy(&c.mu);
	if (c.err) {
		ret = sc_seterr(c.err, "%s", c.msg);
		goto out;
	}
	double tot = 0;
	int32_t cnt = 0;
	for (int32_t l = 0; l < n_labels; l++) {
		if (per_label)
			per_label[l] = per[l];
		if (!isnan(per[l])) {
			tot += per[l];
			cnt++;
		}
	}
	*score = cnt ? tot / cnt : NAN;
	if (info) {
		info->labels_scored = cnt;
		info->eig_failures = c.eig_failures;
		info->fragmented = c.fragmented;
		info->matvecs = c.matvecs;
		info->n_comps_min = comps_min;
	}
	ret = 0;
out:
	free(comp);
	free(order);
	free(csize);
	free(lstart);
	free(pos);
	free(per);
	free(sched);
	free(ncomp);
	free(bc);
	return ret;
}
