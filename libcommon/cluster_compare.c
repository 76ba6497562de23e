/* NMI and ARI from a sparse contingency table (pairs sorted row-major, as scipy's find()
 * lists a CSR contingency matrix), with sklearn's and scib's arithmetic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_compare.h"
#include "name_index.h"
#include "sc_alloc.h"

static int i64cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* -sum (p/N)(ln p - ln N) over the non-empty classes. */
static double entropy(const int64_t *cnt, int64_t m, int64_t n)
{
	double h = 0, ln = log((double)n);
	for (int64_t i = 0; i < m; i++)
		if (cnt[i] > 0)
			h -= ((double)cnt[i] / (double)n) * (log((double)cnt[i]) - ln);
	return h;
}

static double binom2(double x) { return x * (x - 1) / 2; }

int sc_partition_compare(const int32_t *a, const int32_t *b, int64_t n,
			 struct sc_partition_scores *out)
{
	int64_t ma = 0, mb = 0, *key = NULL, *ca = NULL, *cb = NULL, nza = 0, nzb = 0;
	int ret = SC_ENOMEM, dense;
	for (int64_t i = 0; i < n; i++) {
		if (a[i] < 0 || b[i] < 0)
			return sc_seterr(SC_EINPUT, "negative label code at row %lld", (long long)i);
		if (a[i] >= ma)
			ma = (int64_t)a[i] + 1;
		if (b[i] >= mb)
			mb = (int64_t)b[i] + 1;
	}
	/* the contingency table: dense counts when it is no bigger than the input (then the
	 * non-zero cells are walked in the same row-major order as the sorted keys), else the
	 * sorted pair keys */
	dense = ma * mb <= n + 1024;
	key = dense ? sc_calloc((size_t)(ma * mb) + 1, sizeof(int64_t))
		    : sc_malloc((size_t)n + 1, sizeof(int64_t));
	ca = sc_calloc((size_t)ma + 1, sizeof(int64_t));
	cb = sc_calloc((size_t)mb + 1, sizeof(int64_t));
	if (!key || !ca || !cb)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		if (dense)
			key[(int64_t)a[i] * mb + b[i]]++;
		else
			key[i] = (int64_t)a[i] * mb + b[i];
		ca[a[i]]++;
		cb[b[i]]++;
	}
	for (int64_t i = 0; i < ma; i++)
		nza += ca[i] > 0;
	for (int64_t i = 0; i < mb; i++)
		nzb += cb[i] > 0;
	if (!dense)
		qsort(key, (size_t)n, sizeof(int64_t), i64cmp);
	out->n_a = nza;
	out->n_b = nzb;

	/* NMI (sklearn normalized_mutual_info_score, arithmetic) */
	double mi = 0, lnn = log((double)n);
	__int128 sumsq = 0, pa = 0, pb = 0;
	double idx_scib = 0, asum = 0, bsum = 0;
	for (int64_t s = 0, cells = dense ? ma * mb : n; s < cells;) {
		int64_t nij, i, j;
		if (dense) {
			nij = key[s];
			i = s / mb;
			j = s % mb;
			s++;
			if (nij == 0)
				continue;
		} else {
			int64_t e = s;
			while (e < n && key[e] == key[s])
				e++;
			nij = e - s;
			i = key[s] / mb;
			j = key[s] % mb;
			s = e;
		}
		double pij = (double)nij / (double)n;
		double outer = (double)(ca[i] * cb[j]);
		double t = pij * (log((double)nij) - lnn) + pij * (-log(outer) + lnn + lnn);
		if (fabs(t) >= 2.220446049250313e-16)
			mi += t;
		sumsq += (__int128)nij * nij;
		idx_scib += binom2((double)nij);
	}
	if (nza <= 1 || nzb <= 1)
		mi = 0;
	if (mi < 0)
		mi = 0;
	if ((nza == 1 && nzb == 1) || n == 0)
		out->nmi = 1.0;
	else if (mi == 0)
		out->nmi = 0.0;
	else
		out->nmi = mi / ((entropy(ca, ma, n) + entropy(cb, mb, n)) / 2);

	/* ARI, sklearn: pair confusion counts */
	for (int64_t i = 0; i < ma; i++) {
		pa += (__int128)ca[i] * ca[i];
		asum += binom2((double)ca[i]);
	}
	for (int64_t j = 0; j < mb; j++) {
		pb += (__int128)cb[j] * cb[j];
		bsum += binom2((double)cb[j]);
	}
	__int128 tp = sumsq - n, fp = pb - sumsq, fn = pa - sumsq;
	__int128 tn = (__int128)n * n - fp - fn - sumsq;
	if (fn == 0 && fp == 0) {
		out->ari = 1.0;
	} else {
		double num = 2.0 * (double)(tp * tn - fn * fp);
		double den = (double)((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
		out->ari = num / den;
	}
	/* ARI, scib: (index - expected) / (max - expected); 0/0 = NaN when both are trivial */
	double expct = asum * bsum / binom2((double)n), mx = 0.5 * (asum + bsum);
	out->ari_scib = (mx - expct) != 0 ? (idx_scib - expct) / (mx - expct) : NAN;
	ret = 0;
out:
	free(key);
	free(ca);
	free(cb);
	return ret;
}

double sc_nmi(const int32_t *a, const int32_t *b, int64_t n)
{
	struct sc_partition_scores s;
	return sc_partition_compare(a, b, n, &s) < 0 ? NAN : s.nmi;
}

double sc_ari(const int32_t *a, const int32_t *b, int64_t n)
{
	struct sc_partition_scores s;
	return sc_partition_compare(a, b, n, &s) < 0 ? NAN : s.ari;
}

int sc_labels_encode(const char *const *labels, int64_t n, int32_t *codes, int64_t *ncat)
{
	struct sc_name_ix *v;
	int32_t c = -1;
	for (int64_t i = 0; i < n; i++)
		if (!labels[i])
			return sc_seterr(SC_EINPUT, "missing label at row %lld", (long long)i);
	if (!(v = sc_malloc((size_t)n + 1, sizeof(*v))))
		return SC_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		v[i] = (struct sc_name_ix){ labels[i], i };
	sc_name_ix_sort(v, n);
	for (int64_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(v[i].s, v[i - 1].s) != 0)
			c++;
		codes[v[i].i] = c;
	}
	*ncat = c + 1;
	free(v);
	return 0;
}
