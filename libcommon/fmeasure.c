/* Flat and hierarchical F-measures (cellarium-cas numerics). */
#include <stdlib.h>
#include <string.h>

#include "cas_csv.h"
#include "fmeasure.h"
#include "strtab.h"

static double pairwise(const double *a, size_t n)
{
	if (n < 8) {
		double res = 0.0;
		for (size_t i = 0; i < n; i++)
			res += a[i];
		return res;
	}
	if (n <= 128) {
		double r[8], res;
		size_t i;
		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += a[i];
		return res;
	}
	{
		size_t n2 = n / 2;
		n2 -= n2 % 8;
		return pairwise(a, n2) + pairwise(a + n2, n - n2);
	}
}

double sc_pairwise_sum(const double *a, size_t n) { return 0.0 + pairwise(a, n); }

double sc_fscore(double p, double r)
{
	if (p + r == 0)
		return 0.0;
	return ((2.0 * p) * r) / (p + r);
}

const char *const sc_fmeasure_cols[SC_FMEASURE_NCOL] = {
	"tp", "fp", "fn", "precision_micro", "recall_micro", "f1_micro", "f1_macro",
	"precision_macro", "recall_macro", "precision_weighted", "recall_weighted", "f1_weighted"
};

double sc_fmeasure_value(const struct sc_fmeasure *f, int i)
{
	const double v[SC_FMEASURE_NCOL] = { (double)f->tp, (double)f->fp, (double)f->fn,
					     f->precision_micro, f->recall_micro, f->f1_micro,
					     f->f1_macro, f->precision_macro, f->recall_macro,
					     f->precision_weighted, f->recall_weighted, f->f1_weighted };
	return v[i];
}

int sc_fmeasure_put_csv(struct sc_buf *b, const struct sc_fmeasure *f)
{
	if (sc_csv_put_int(b, f->tp) < 0 || sc_buf_add(b, ",", 1) < 0 ||
	    sc_csv_put_int(b, f->fp) < 0 || sc_buf_add(b, ",", 1) < 0 ||
	    sc_csv_put_int(b, f->fn) < 0)
		return SC_ENOMEM;
	for (int i = 3; i < SC_FMEASURE_NCOL; i++)
		if (sc_buf_add(b, ",", 1) < 0 || sc_csv_put_double(b, sc_fmeasure_value(f, i)) < 0)
			return SC_ENOMEM;
	return 0;
}

static double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

/* Micro values from integer counts. */
static void micro(struct sc_fmeasure *f, double tp, double fp, double fn)
{
	f->precision_micro = ratio(tp, tp + fp);
	f->recall_micro = ratio(tp, tp + fn);
	f->f1_micro = sc_fscore(f->precision_micro, f->recall_micro);
}

/* Per-class (or per-node) precision, recall, F and weight, in summation order. */
struct cls {
	double *p, *r, *f, *w, *tmp;
	int64_t n;
};

static int cls_alloc(struct cls *c, int64_t n)
{
	memset(c, 0, sizeof *c);
	c->p = sc_malloc((size_t)n, sizeof *c->p);
	c->r = sc_malloc((size_t)n, sizeof *c->r);
	c->f = sc_malloc((size_t)n, sizeof *c->f);
	c->w = sc_malloc((size_t)n, sizeof *c->w);
	c->tmp = sc_malloc((size_t)n, sizeof *c->tmp);
	return c->p && c->r && c->f && c->w && c->tmp ? 0 : SC_ENOMEM;
}

static void cls_free(struct cls *c)
{
	free(c->p);
	free(c->r);
	free(c->f);
	free(c->w);
	free(c->tmp);
}

/* Append one class from its hits, predicted count and true support. */
static void cls_add(struct cls *c, double hit, double pred, double sup)
{
	c->p[c->n] = ratio(hit, pred);
	c->r[c->n] = ratio(hit, sup);
	c->f[c->n] = sc_fscore(c->p[c->n], c->r[c->n]);
	c->w[c->n] = sup;
	c->n++;
}

/* Weighted mean of v by c->w: numpy's np.sum(v*w)/np.sum(w) (pairwise) for the flat
 * metrics, a plain left-to-right accumulation for the hierarchical ones (cas_spec §6.2, §7.2). */
static double wmean(struct cls *c, const double *v, int pairwise_sums)
{
	double s = 0, sw = 0;
	if (pairwise_sums) {
		for (int64_t i = 0; i < c->n; i++)
			c->tmp[i] = v[i] * c->w[i];
		s = sc_pairwise_sum(c->tmp, (size_t)c->n);
		sw = sc_pairwise_sum(c->w, (size_t)c->n);
	} else {
		for (int64_t i = 0; i < c->n; i++) {
			s += v[i] * c->w[i];
			sw += c->w[i];
		}
	}
	return sw == 0 ? 0.0 : s / sw;
}

static void cls_finish(struct cls *c, int pairwise_sums, struct sc_fmeasure *f)
{
	if (c->n > 0) {
		f->f1_macro = sc_pairwise_sum(c->f, (size_t)c->n) / (double)c->n;
		f->precision_macro = sc_pairwise_sum(c->p, (size_t)c->n) / (double)c->n;
		f->recall_macro = sc_pairwise_sum(c->r, (size_t)c->n) / (double)c->n;
	}
	f->precision_weighted = wmean(c, c->p, pairwise_sums);
	f->recall_weighted = wmean(c, c->r, pairwise_sums);
	f->f1_weighted = wmean(c, c->f, pairwise_sums);
}

int sc_fmeasure_flat(const struct sc_cm *m, struct sc_fmeasure *f)
{
	int64_t n = m->n_labels, na = 0, *sup = NULL, *pred = NULL, *diag = NULL;
	struct cls c = { 0 };
	int rc = SC_ENOMEM;
	memset(f, 0, sizeof *f);
	sup = sc_calloc((size_t)n, sizeof *sup);
	pred = sc_calloc((size_t)n, sizeof *pred);
	diag = sc_calloc((size_t)n, sizeof *diag);
	if (!sup || !pred || !diag)
		goto out;
	for (int64_t e = 0; e < m->nnz; e++) {
		sup[m->ti[e]] += m->cnt[e];
		pred[m->pi[e]] += m->cnt[e];
		if (m->ti[e] == m->pi[e])
			diag[m->ti[e]] += m->cnt[e];
		else
			f->fp += m->cnt[e];
	}
	for (int64_t k = 0; k < n; k++) {
		f->tp += diag[k];
		na += sup[k] > 0 || pred[k] > 0;
	}
	f->fn = f->fp;
	micro(f, (double)f->tp, (double)f->fp, (double)f->fn);
	if (cls_alloc(&c, na) < 0)
		goto out;
	/* active classes: true or predicted, in label order */
	for (int64_t k = 0; k < n; k++)
		if (sup[k] > 0 || pred[k] > 0)
			cls_add(&c, (double)diag[k], (double)pred[k], (double)sup[k]);
	cls_finish(&c, 1, f);
	rc = 0;
out:
	cls_free(&c);
	free(sup);
	free(pred);
	free(diag);
	return rc;
}

/* ---- hierarchical ---- */

struct sc_hfmeasure {
	const struct sc_onto *o;
	int64_t root;   /* term index removed from every set, -1 none */
	int32_t **sets; /* per term: ancestor set without root, lazily built */
	int64_t *set_n; /* -1 = not built */
	uint8_t *mark;
	int32_t *scratch;
	int64_t scratch_cap;
};

struct sc_hfmeasure *sc_hfmeasure_new(const struct sc_onto *o, const char *root)
{
	struct sc_hfmeasure *h = sc_calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->o = o;
	h->root = root && *root ? sc_onto_find(o, root) : -1;
	if (root && *root && h->root < 0)
		sc_log(1, "root '%s' is not an ontology term; no term is removed", root);
	h->sets = sc_calloc((size_t)o->n, sizeof *h->sets);
	h->set_n = sc_malloc((size_t)o->n, sizeof *h->set_n);
	h->mark = sc_calloc((size_t)o->n, 1);
	if (!h->sets || !h->set_n || !h->mark) {
		sc_hfmeasure_free(h);
		return NULL;
	}
	for (int64_t i = 0; i < o->n; i++)
		h->set_n[i] = -1;
	return h;
}

void sc_hfmeasure_free(struct sc_hfmeasure *h)
{
	if (!h)
		return;
	for (int64_t i = 0; h->sets && i < h->o->n; i++)
		free(h->sets[i]);
	free(h->sets);
	free(h->set_n);
	free(h->mark);
	free(h->scratch);
	free(h);
}

/* The scoring set of label index li: its term's ancestors without the root, or (term < 0,
 * SELF policy) the one pseudo-node o->n + li. */
static int get_set(struct sc_hfmeasure *h, int64_t t, int64_t li, int32_t *self,
		   const int32_t **set, int64_t *n)
{
	if (t < 0) {
		*self = (int32_t)(h->o->n + li);
		*set = self;
		*n = 1;
		return 0;
	}
	if (h->set_n[t] < 0) {
		int64_t k = sc_onto_ancestors(h->o, t, h->mark, &h->scratch, &h->scratch_cap), w = 0;
		if (k < 0)
			return (int)k;
		if (!(h->sets[t] = sc_malloc((size_t)k, sizeof *h->sets[t])))
			return SC_ENOMEM;
		for (int64_t i = 0; i < k; i++)
			if (h->scratch[i] != h->root)
				h->sets[t][w++] = h->scratch[i];
		h->set_n[t] = w;
	}
	*set = h->sets[t];
	*n = h->set_n[t];
	return 0;
}

/* Merge two sorted sets, crediting count c to tp/fp/fn per node and in total. */
static void credit(const int32_t *A, int64_t na, const int32_t *B, int64_t nb, int64_t c,
		   int64_t *tp, int64_t *fp, int64_t *fn, double tot[3])
{
	int64_t x = 0, y = 0;
	while (x < na || y < nb) {
		if (y == nb || (x < na && A[x] < B[y])) {
			fn[A[x++]] += c;
			tot[2] += (double)c;
		} else if (x == na || B[y] < A[x]) {
			fp[B[y++]] += c;
			tot[1] += (double)c;
		} else {
			tp[A[x]] += c;
			tot[0] += (double)c;
			x++;
			y++;
		}
	}
}

/* Per-node counts over every nonzero cell of m; tot = h_tp, h_fp, h_fn. */
static int accumulate(struct sc_hfmeasure *h, const struct sc_cm *m, const int64_t *node,
		      enum sc_unknown unknown, const char *what, int64_t *tp, int64_t *fp,
		      int64_t *fn, double tot[3])
{
	for (int64_t e = 0; e < m->nnz; e++) {
		int64_t a = node[m->ti[e]], b = node[m->pi[e]], na, nb;
		const int32_t *A, *B;
		int32_t sa, sb;
		int rc;
		if ((a < 0 || b < 0) && unknown != SC_UNKNOWN_SELF) {
			if (unknown == SC_UNKNOWN_SKIP)
				continue;
			return sc_seterr(SC_EINPUT, "%s label '%s' is not in the ontology (%s)",
					 a < 0 ? "truth" : "predicted",
					 m->labels[a < 0 ? m->ti[e] : m->pi[e]], what ? what : "input");
		}
		if ((rc = get_set(h, a, m->ti[e], &sa, &A, &na)) < 0 ||
		    (rc = get_set(h, b, m->pi[e], &sb, &B, &nb)) < 0)
			return rc;
		credit(A, na, B, nb, m->cnt[e], tp, fp, fn, tot);
	}
	return 0;
}

int sc_hfmeasure_compute(struct sc_hfmeasure *h, const struct sc_cm *m, enum sc_unknown unknown,
			 const char *what, struct sc_fmeasure *f)
{
	int64_t nn = h->o->n + m->n_labels; /* terms, then pseudo-nodes for unknown labels */
	int64_t *node = NULL, *tp = NULL, *fp = NULL, *fn = NULL, nact = 0;
	double tot[3] = { 0, 0, 0 };
	struct cls c = { 0 };
	int rc = SC_ENOMEM;
	memset(f, 0, sizeof *f);
	node = sc_malloc((size_t)m->n_labels, sizeof *node);
	tp = sc_calloc((size_t)nn, sizeof *tp);
	fp = sc_calloc((size_t)nn, sizeof *fp);
	fn = sc_calloc((size_t)nn, sizeof *fn);
	if (!node || !tp || !fp || !fn)
		goto out;
	for (int64_t i = 0; i < m->n_labels; i++)
		node[i] = sc_onto_find(h->o, m->labels[i]);
	if ((rc = accumulate(h, m, node, unknown, what, tp, fp, fn, tot)) < 0)
		goto out;
	f->tp = (int64_t)tot[0];
	f->fp = (int64_t)tot[1];
	f->fn = (int64_t)tot[2];
	micro(f, tot[0], tot[1], tot[2]);
	for (int64_t i = 0; i < nn; i++)
		nact += tp[i] + fn[i] > 0;
	if ((rc = cls_alloc(&c, nact)) < 0)
		goto out;
	/* nodes with hierarchical true support, in term order (upstream: set order) */
	for (int64_t i = 0; i < nn; i++)
		if (tp[i] + fn[i] > 0)
			cls_add(&c, (double)tp[i], (double)(tp[i] + fp[i]), (double)(tp[i] + fn[i]));
	cls_finish(&c, 0, f);
	rc = 0;
out:
	cls_free(&c);
	free(node);
	free(tp);
	free(fp);
	free(fn);
	return rc;
}
