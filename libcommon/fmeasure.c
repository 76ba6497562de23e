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

int sc_fmeasure_flat(const struct sc_cm *m, struct sc_fmeasure *f)
{
	int64_t n = m->n_labels, na = 0, *sup = NULL, *pred = NULL, *diag = NULL;
	double *p = NULL, *r = NULL, *fc = NULL, *w = NULL, *pw = NULL, *rw = NULL, *fw = NULL;
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
	for (int64_t c = 0; c < n; c++) {
		f->tp += diag[c];
		na += sup[c] > 0 || pred[c] > 0;
	}
	f->fn = f->fp;
	micro(f, (double)f->tp, (double)f->fp, (double)f->fn);
	p = sc_malloc((size_t)na, sizeof *p);
	r = sc_malloc((size_t)na, sizeof *r);
	fc = sc_malloc((size_t)na, sizeof *fc);
	w = sc_malloc((size_t)na, sizeof *w);
	pw = sc_malloc((size_t)na, sizeof *pw);
	rw = sc_malloc((size_t)na, sizeof *rw);
	fw = sc_malloc((size_t)na, sizeof *fw);
	if (!p || !r || !fc || !w || !pw || !rw || !fw)
		goto out;
	na = 0;
	for (int64_t c = 0; c < n; c++) {
		if (!(sup[c] > 0 || pred[c] > 0))
			continue;
		p[na] = ratio((double)diag[c], (double)pred[c]);
		r[na] = ratio((double)diag[c], (double)sup[c]);
		fc[na] = sc_fscore(p[na], r[na]);
		w[na] = (double)sup[c];
		pw[na] = p[na] * w[na];
		rw[na] = r[na] * w[na];
		fw[na] = fc[na] * w[na];
		na++;
	}
	if (na > 0) {
		f->f1_macro = sc_pairwise_sum(fc, (size_t)na) / (double)na;
		f->precision_macro = sc_pairwise_sum(p, (size_t)na) / (double)na;
		f->recall_macro = sc_pairwise_sum(r, (size_t)na) / (double)na;
	}
	{
		double s = sc_pairwise_sum(w, (size_t)na);
		if (s != 0) {
			f->precision_weighted = sc_pairwise_sum(pw, (size_t)na) / s;
			f->recall_weighted = sc_pairwise_sum(rw, (size_t)na) / s;
			f->f1_weighted = sc_pairwise_sum(fw, (size_t)na) / s;
		}
	}
	rc = 0;
out:
	free(sup);
	free(pred);
	free(diag);
	free(p);
	free(r);
	free(fc);
	free(w);
	free(pw);
	free(rw);
	free(fw);
	return rc;
}

/* ---- hierarchical ---- */

struct sc_hfmeasure {
	const struct sc_onto *o;
	int64_t root;      /* term index removed from every set, -1 none */
	int32_t **sets;    /* per term: ancestor set without root, lazily built */
	int64_t *set_n;    /* -1 = not built */
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

/* The scoring set of term t (built on first use). */
static int get_set(struct sc_hfmeasure *h, int64_t t, const int32_t **set, int64_t *n)
{
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

int sc_hfmeasure_compute(struct sc_hfmeasure *h, const struct sc_cm *m, enum sc_unknown unknown,
			 const char *what, struct sc_fmeasure *f)
{
	const struct sc_onto *o = h->o;
	int64_t nn = o->n + m->n_labels; /* terms, then pseudo-nodes for unknown labels */
	int64_t *node = NULL, *tp = NULL, *fp = NULL, *fn = NULL, nact = 0;
	double htp = 0, hfp = 0, hfn = 0, *p = NULL, *r = NULL, *fc = NULL;
	int rc = SC_ENOMEM;
	memset(f, 0, sizeof *f);
	node = sc_malloc((size_t)m->n_labels, sizeof *node);
	tp = sc_calloc((size_t)nn, sizeof *tp);
	fp = sc_calloc((size_t)nn, sizeof *fp);
	fn = sc_calloc((size_t)nn, sizeof *fn);
	if (!node || !tp || !fp || !fn)
		goto out;
	for (int64_t i = 0; i < m->n_labels; i++)
		node[i] = sc_onto_find(o, m->labels[i]);
	for (int64_t e = 0; e < m->nnz; e++) {
		int64_t a = node[m->ti[e]], b = node[m->pi[e]], na, nb, x = 0, y = 0;
		const int32_t *A, *B;
		int32_t sa, sb;
		double c = (double)m->cnt[e];
		if (a < 0 || b < 0) {
			const char *lab = m->labels[a < 0 ? m->ti[e] : m->pi[e]];
			if (unknown == SC_UNKNOWN_SKIP)
				continue;
			if (unknown == SC_UNKNOWN_ERROR) {
				rc = sc_seterr(SC_EINPUT, "%s label '%s' is not in the ontology (%s)",
					       a < 0 ? "truth" : "predicted", lab, what ? what : "input");
				goto out;
			}
		}
		/* unknown labels under SELF: the one-element set {pseudo-node} */
		if (a >= 0) {
			if ((rc = get_set(h, a, &A, &na)) < 0)
				goto out;
		} else {
			sa = (int32_t)(o->n + m->ti[e]);
			A = &sa;
			na = 1;
		}
		if (b >= 0) {
			if ((rc = get_set(h, b, &B, &nb)) < 0)
				goto out;
		} else {
			sb = (int32_t)(o->n + m->pi[e]);
			B = &sb;
			nb = 1;
		}
		rc = SC_ENOMEM;
		while (x < na || y < nb) {
			if (y == nb || (x < na && A[x] < B[y])) {
				fn[A[x++]] += m->cnt[e];
				hfn += c;
			} else if (x == na || B[y] < A[x]) {
				fp[B[y++]] += m->cnt[e];
				hfp += c;
			} else {
				tp[A[x]] += m->cnt[e];
				htp += c;
				x++;
				y++;
			}
		}
	}
	f->tp = (int64_t)htp;
	f->fp = (int64_t)hfp;
	f->fn = (int64_t)hfn;
	micro(f, htp, hfp, hfn);
	for (int64_t i = 0; i < nn; i++)
		nact += tp[i] + fn[i] > 0;
	p = sc_malloc((size_t)nact, sizeof *p);
	r = sc_malloc((size_t)nact, sizeof *r);
	fc = sc_malloc((size_t)nact, sizeof *fc);
	if (!p || !r || !fc)
		goto out;
	{
		double sp = 0, sr = 0, sf = 0, ss = 0;
		int64_t k = 0;
		for (int64_t i = 0; i < nn; i++) {
			double s;
			if (tp[i] + fn[i] <= 0)
				continue;
			s = (double)(tp[i] + fn[i]);
			p[k] = ratio((double)tp[i], (double)(tp[i] + fp[i]));
			r[k] = (double)tp[i] / s;
			fc[k] = sc_fscore(p[k], r[k]);
			sp += p[k] * s;
			sr += r[k] * s;
			sf += fc[k] * s;
			ss += s;
			k++;
		}
		if (nact > 0) {
			f->f1_macro = sc_pairwise_sum(fc, (size_t)nact) / (double)nact;
			f->precision_macro = sc_pairwise_sum(p, (size_t)nact) / (double)nact;
			f->recall_macro = sc_pairwise_sum(r, (size_t)nact) / (double)nact;
		}
		if (ss != 0) {
			f->precision_weighted = sp / ss;
			f->recall_weighted = sr / ss;
			f->f1_weighted = sf / ss;
		}
	}
	rc = 0;
out:
	free(node);
	free(tp);
	free(fp);
	free(fn);
	free(p);
	free(r);
	free(fc);
	return rc;
}
