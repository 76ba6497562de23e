/* ROC AUC and average precision over distinct score thresholds. */
#include "rank_metrics.h"

#include <math.h>
#include <stdlib.h>

#include "sc_alloc.h"

struct sl {
	double s;
	uint8_t y;
};

static int cmp_desc(const void *a, const void *b)
{
	double x = ((const struct sl *)a)->s, y = ((const struct sl *)b)->s;
	return (x < y) - (x > y);
}

/* Sorted copy (descending score); NULL on allocation failure. */
static struct sl *sorted(const double *score, const uint8_t *label, int64_t n)
{
	struct sl *v = sc_malloc((size_t)n, sizeof(*v));
	if (!v)
		return NULL;
	for (int64_t i = 0; i < n; i++)
		v[i] = (struct sl){ score[i], (uint8_t)(label[i] != 0) };
	qsort(v, (size_t)n, sizeof(*v), cmp_desc);
	return v;
}

double sc_roc_auc(const double *score, const uint8_t *label, int64_t n)
{
	struct sl *v = sorted(score, label, n);
	double tp = 0, fp = 0, ptp = 0, pfp = 0, area = 0;
	if (!v)
		return NAN;
	for (int64_t i = 0; i < n; i++) {
		tp += v[i].y;
		fp += !v[i].y;
		if (i + 1 < n && v[i + 1].s == v[i].s)
			continue;
		area += (fp - pfp) * (tp + ptp) / 2.0;
		ptp = tp;
		pfp = fp;
	}
	free(v);
	if (tp == 0 || fp == 0)
		return NAN;
	return area / (tp * fp);
}

double sc_average_precision(const double *score, const uint8_t *label, int64_t n)
{
	struct sl *v = sorted(score, label, n);
	double tp = 0, fp = 0, total = 0, prev_r = 0, ap = 0;
	if (!v || n == 0) {
		free(v);
		return NAN;
	}
	for (int64_t i = 0; i < n; i++)
		total += v[i].y;
	for (int64_t i = 0; i < n; i++) {
		tp += v[i].y;
		fp += !v[i].y;
		if (i + 1 < n && v[i + 1].s == v[i].s)
			continue;
		double r = total > 0 ? tp / total : 1.0, p = tp / (tp + fp);
		ap += (r - prev_r) * p;
		prev_r = r;
	}
	free(v);
	return ap;
}
