/* Accuracy, P/R/F1 averages and OvR ROC AUC from predictions. */
#include "clf_metrics.h"

#include <math.h>
#include <stdlib.h>

#include "rank_metrics.h"
#include "sc_alloc.h"

void sc_clf_argmax(const double *proba, int64_t n, int k, int32_t *pred)
{
	for (int64_t i = 0; i < n; i++) {
		const double *p = proba + i * k;
		int b = 0;
		for (int c = 1; c < k; c++)
			if (p[c] > p[b])
				b = c;
		pred[i] = b;
	}
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

static double auroc(const int32_t *yt, const double *proba, int64_t n, int k)
{
	double *s = sc_malloc((size_t)n, sizeof(*s));
	uint8_t *l = sc_malloc((size_t)n, sizeof(*l));
	int64_t *sup = sc_calloc((size_t)k, sizeof(*sup));
	double r = NAN;
	int present = 0;
	if (!s || !l || !sup)
		goto out;
	for (int64_t i = 0; i < n; i++)
		sup[yt[i]]++;
	for (int c = 0; c < k; c++)
		present += sup[c] > 0;
	if (present != k || k < 2)
		goto out; /* sklearn: columns must match the classes of y_true */
	if (k == 2) {
		for (int64_t i = 0; i < n; i++) {
			s[i] = proba[i * 2 + 1];
			l[i] = yt[i] == 1;
		}
		r = sc_roc_auc(s, l, n);
		goto out;
	}
	r = 0;
	for (int c = 0; c < k; c++) {
		for (int64_t i = 0; i < n; i++) {
			s[i] = proba[i * k + c];
			l[i] = yt[i] == c;
		}
		r += sc_roc_auc(s, l, n);
	}
	r /= k;
out:
	free(s);
	free(l);
	free(sup);
	return r;
}

void sc_clf_score(const int32_t *yt, const int32_t *yp, const double *proba, int64_t n, int k,
		  enum sc_avg avg, struct sc_clf_scores *out)
{
	int64_t *tp = sc_calloc((size_t)k, sizeof(*tp)), *nt = sc_calloc((size_t)k, sizeof(*nt)),
		*np = sc_calloc((size_t)k, sizeof(*np));
	int64_t correct = 0;
	out->accuracy = out->precision = out->recall = out->f1 = out->auroc = NAN;
	if (!tp || !nt || !np || n == 0)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		nt[yt[i]]++;
		np[yp[i]]++;
		if (yt[i] == yp[i]) {
			tp[yt[i]]++;
			correct++;
		}
	}
	out->accuracy = (double)correct / (double)n;
	double P = 0, R = 0, F = 0, wsum = 0;
	int nl = 0;
	for (int c = 0; c < k; c++) {
		if (avg == SC_AVG_BINARY && c != 1)
			continue;
		if (avg == SC_AVG_MACRO && nt[c] == 0 && np[c] == 0)
			continue;
		double p = ratio((double)tp[c], (double)np[c]), r = ratio((double)tp[c], (double)nt[c]);
		double f = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
		double w = avg == SC_AVG_WEIGHTED ? (double)nt[c] : 1.0;
		P += w * p;
		R += w * r;
		F += w * f;
		wsum += w;
		nl++;
	}
	if (nl > 0 && wsum > 0) {
		out->precision = P / wsum;
		out->recall = R / wsum;
		out->f1 = F / wsum;
	}
	if (proba)
		out->auroc = auroc(yt, proba, n, k);
out:
	free(tp);
	free(nt);
	free(np);
}
