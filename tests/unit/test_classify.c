/* Classification kernels: ranking metrics with ties, F1 with absent classes, the softmax
 * regression gradient against finite differences, L-BFGS on a quadratic, scaler. */
#include <math.h>
#include <stdlib.h>

#include "../../libcommon/clf_metrics.h"
#include "../../libcommon/lbfgs.h"
#include "../../libcommon/logreg.h"
#include "../../libcommon/rank_metrics.h"
#include "../../libcommon/scaler.h"
#include "tap.h"

static int quad(void *ctx, const double *x, double *f, double *g)
{
	(void)ctx;
	*f = (x[0] - 3) * (x[0] - 3) + 10 * (x[1] + 1) * (x[1] + 1);
	g[0] = 2 * (x[0] - 3);
	g[1] = 20 * (x[1] + 1);
	return 0;
}

static void grad_check(int k)
{
	enum { N = 7, D = 3 };
	double X[N * D], w[8 * (D + 1)] = { 0 }, g[8 * (D + 1)], g2[8 * (D + 1)], f, fp, fm;
	int32_t y[N];
	int r = k == 2 ? 1 : k, nw = r * (D + 1), good = 1;
	for (int i = 0; i < N * D; i++)
		X[i] = sin(1.7 * i + 0.3);
	for (int i = 0; i < N; i++)
		y[i] = i % k;
	for (int i = 0; i < nw; i++)
		w[i] = 0.3 * cos(2.1 * i);
	if (sc_logreg_loss_grad(X, N, D, y, k, 0.7, w, &f, g) < 0)
		good = 0;
	for (int i = 0; i < nw && good; i++) {
		double h = 1e-6, s = w[i];
		w[i] = s + h;
		good &= sc_logreg_loss_grad(X, N, D, y, k, 0.7, w, &fp, g2) == 0;
		w[i] = s - h;
		good &= sc_logreg_loss_grad(X, N, D, y, k, 0.7, w, &fm, g2) == 0;
		w[i] = s;
		if (fabs((fp - fm) / (2 * h) - g[i]) > 1e-6)
			good = 0;
	}
	ok(good, "logistic gradient matches finite differences (K = %d)", k);
}

/* the fused AVX2 evaluation and the BLAS one agree to rounding (odd row count, classes not a
 * multiple of 4, large logits so the softmax saturates) */
static void simd_vs_blas(int k)
{
	enum { N = 301, D = 11 };
	static double X[N * D], w[32 * (D + 1)], g1[32 * (D + 1)], g2[32 * (D + 1)];
	int32_t y[N];
	double f1, f2, gmax = 0, dmax = 0;
	for (int i = 0; i < N * D; i++)
		X[i] = 3 * sin(0.37 * i * i + 0.1);
	for (int i = 0; i < N; i++)
		y[i] = (i * 7) % k;
	for (int i = 0; i < k * (D + 1); i++)
		w[i] = 9 * cos(1.3 * i);
	int prev = sc_logreg_use_simd(0);
	int good = sc_logreg_loss_grad(X, N, D, y, k, 1.0, w, &f1, g1) == 0;
	sc_logreg_use_simd(1);
	good &= sc_logreg_loss_grad(X, N, D, y, k, 1.0, w, &f2, g2) == 0;
	sc_logreg_use_simd(prev);
	for (int i = 0; i < k * (D + 1); i++) {
		gmax = fmax(gmax, fabs(g1[i]));
		dmax = fmax(dmax, fabs(g1[i] - g2[i]));
	}
	ok(good && fabs(f1 - f2) <= 1e-12 * fabs(f1) && dmax <= 1e-12 * gmax,
	   "fused and BLAS loss/gradient agree (K = %d: f %.17g vs %.17g, grad diff %.3g of %.3g)",
	   k, f1, f2, dmax, gmax);
}

int main(void)
{
	/* sklearn docs: roc_auc_score([0,0,1,1],[.1,.4,.35,.8]) = 0.75, AP = 0.8333... */
	double s1[4] = { 0.1, 0.4, 0.35, 0.8 };
	uint8_t l1[4] = { 0, 0, 1, 1 };
	is_near(sc_roc_auc(s1, l1, 4), 0.75, 1e-15, "ROC AUC, sklearn example");
	is_near(sc_average_precision(s1, l1, 4), 5.0 / 6.0, 1e-15, "AP, sklearn example");
	/* ties: the tied positive counts half against each tied negative: 3/4; AP = .5*1 + .5*.5 */
	double s2[4] = { 0.5, 0.5, 0.5, 0.9 };
	uint8_t l2[4] = { 0, 1, 0, 1 };
	is_near(sc_roc_auc(s2, l2, 4), 0.75, 1e-15, "ROC AUC with tied scores");
	is_near(sc_average_precision(s2, l2, 4), 0.75, 1e-15, "AP with tied scores");
	uint8_t l3[4] = { 1, 1, 1, 1 };
	ok(isnan(sc_roc_auc(s2, l3, 4)), "ROC AUC undefined with one class");

	/* class 2 predicted but absent from y_true counts in macro (P = R = F = 0); class 3,
	 * absent from both, does not */
	int32_t yt[4] = { 0, 0, 1, 1 }, yp[4] = { 0, 0, 1, 2 };
	struct sc_clf_scores sc;
	sc_clf_score(yt, yp, NULL, 4, 4, SC_AVG_MACRO, &sc);
	is_near(sc.accuracy, 0.75, 1e-15, "accuracy");
	is_near(sc.f1, (1 + 2.0 / 3 + 0) / 3, 1e-15, "macro F1 with a class absent from y_true");
	is_near(sc.precision, 2.0 / 3, 1e-15, "macro precision");
	is_near(sc.recall, 0.5, 1e-15, "macro recall");
	sc_clf_score(yt, yp, NULL, 4, 4, SC_AVG_WEIGHTED, &sc);
	is_near(sc.f1, (2 * 1 + 2 * 2.0 / 3) / 4, 1e-15, "weighted F1");
	int32_t yb[4] = { 0, 1, 1, 0 }, pb[4] = { 1, 1, 0, 0 };
	sc_clf_score(yb, pb, NULL, 4, 2, SC_AVG_BINARY, &sc);
	is_near(sc.f1, 0.5, 1e-15, "binary F1 for class 1");
	double proba[8] = { 0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7 };
	sc_clf_score(yb, pb, proba, 4, 2, SC_AVG_BINARY, &sc);
	is_near(sc.auroc, 0.75, 1e-15, "binary ROC AUC on proba[:,1]");

	grad_check(2);
	grad_check(3);
	grad_check(4);
	grad_check(7);
	simd_vs_blas(3);
	simd_vs_blas(5);
	simd_vs_blas(20);
	simd_vs_blas(32);

	double x[2] = { 0, 0 };
	int st, it;
	struct sc_lbfgs_opts o = { 10, 100, 20, 1e-8, 0 };
	ok(sc_lbfgs_minimize(quad, NULL, x, 2, &o, &st, &it) == 0 && st == SC_LBFGS_CONVERGED,
	   "L-BFGS converges on a quadratic");
	is_near(x[0], 3, 1e-6, "minimiser x");
	is_near(x[1], -1, 1e-6, "minimiser y");

	/* scaler: population std; a constant column keeps scale 1 */
	float Xs[6] = { 1, 5, 3, 5, 5, 5 };
	double mean[2], scale[2];
	sc_scaler_fit(Xs, 2, NULL, 3, mean, scale);
	is_near(scale[0], sqrt(8.0 / 3), 1e-12, "scale = population std");
	is_near(scale[1], 1, 0, "constant feature scale 1");
	return tap_done();
}
