/* Isolated-label definition and scores (see isolated.h). */
#include <math.h>
#include <stdlib.h>

#include "isolated.h"
#include "sc_alloc.h"

int32_t sc_isolated_labels(const int32_t *label, int32_t n_labels, const int32_t *batch,
			   int32_t n_batches, int64_t n, int32_t iso_threshold,
			   enum sc_iso_flavor flavor, unsigned char *iso)
{
	unsigned char *seen = sc_calloc((size_t)n_labels, (size_t)n_batches);
	int32_t *nb = sc_calloc((size_t)n_labels, sizeof(int32_t)), thr = INT32_MAX, cnt = 0;
	int32_t all = 0;
	unsigned char *bseen = sc_calloc((size_t)n_batches, 1);
	if (!seen || !nb || !bseen) {
		cnt = SC_ENOMEM;
		goto out;
	}
	for (int64_t i = 0; i < n; i++) {
		unsigned char *f = seen + (size_t)label[i] * (size_t)n_batches + (size_t)batch[i];
		if (!*f) {
			*f = 1;
			nb[label[i]]++;
		}
		if (!bseen[batch[i]]) {
			bseen[batch[i]] = 1;
			all++;
		}
	}
	for (int32_t l = 0; l < n_labels; l++)
		if (nb[l] > 0 && nb[l] < thr)
			thr = nb[l];
	if (iso_threshold > 0)
		thr = iso_threshold;
	for (int32_t l = 0; l < n_labels; l++) {
		iso[l] = nb[l] > 0 && nb[l] <= thr;
		if (flavor == SC_ISO_SCIB && thr == all)
			iso[l] = 0;
		cnt += iso[l];
	}
out:
	free(seen);
	free(nb);
	free(bseen);
	return cnt;
}

double sc_isolated_asw(const double *s, const int32_t *label, int32_t n_labels, int64_t n,
		       const unsigned char *iso)
{
	double *sum = calloc((size_t)n_labels, sizeof(double)), tot = 0;
	int64_t *c = calloc((size_t)n_labels, sizeof(int64_t));
	int32_t k = 0;
	if (!sum || !c) {
		free(sum);
		free(c);
		return NAN;
	}
	for (int64_t i = 0; i < n; i++) {
		sum[label[i]] += (s[i] + 1) / 2;
		c[label[i]]++;
	}
	for (int32_t l = 0; l < n_labels; l++)
		if (iso[l] && c[l] > 0) {
			tot += sum[l] / (double)c[l];
			k++;
		}
	free(sum);
	free(c);
	return k ? tot / k : NAN;
}

double sc_isolated_max_f1(const int32_t *clusters, int32_t n_clusters, const int32_t *label,
			  int32_t target, int64_t n)
{
	int64_t *tp = calloc((size_t)n_clusters, sizeof(int64_t));
	int64_t *sz = calloc((size_t)n_clusters, sizeof(int64_t)), pos = 0;
	double best = 0;
	if (!tp || !sz)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		sz[clusters[i]]++;
		if (label[i] == target) {
			tp[clusters[i]]++;
			pos++;
		}
	}
	for (int32_t c = 0; c < n_clusters; c++) {
		/* F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (|cluster| + |label|) */
		double f = sz[c] + pos > 0 ? 2.0 * (double)tp[c] / (double)(sz[c] + pos) : 0;
		if (f > best)
			best = f;
	}
out:
	free(tp);
	free(sz);
	return best;
}
