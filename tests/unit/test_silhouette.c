/* Silhouette kernels: hand-checkable cases and agreement with a direct O(n^2) computation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "silhouette.h"
#include "tap.h"

/* Direct per-cell silhouette over a subset (mask) with classes cls, euclidean or cosine,
 * b = nearest other class or mean of all other cells (mean_other). */
static double direct(const float *x, int64_t n, int64_t d, const int32_t *cls, const int *mask,
		     int64_t i, int cosine, int mean_other)
{
	double sum[64] = { 0 };
	int64_t cnt[64] = { 0 };
	for (int64_t j = 0; j < n; j++) {
		if (!mask[j])
			continue;
		double dd = 0, xx = 0, yy = 0, xy = 0;
		for (int64_t k = 0; k < d; k++) {
			double a = x[i * d + k], b = x[j * d + k];
			dd += (a - b) * (a - b);
			xx += a * a;
			yy += b * b;
			xy += a * b;
		}
		double v = cosine ? 1 - xy / sqrt(xx * yy) : sqrt(dd);
		if (j == i)
			v = 0;
		sum[cls[j]] += v;
		cnt[cls[j]]++;
	}
	int c = cls[i];
	if (cnt[c] < 2)
		return 0;
	double a = sum[c] / (double)(cnt[c] - 1), b = INFINITY, os = 0;
	int64_t on = 0;
	for (int k = 0; k < 64; k++) {
		if (k == c || !cnt[k])
			continue;
		os += sum[k];
		on += cnt[k];
		if (sum[k] / (double)cnt[k] < b)
			b = sum[k] / (double)cnt[k];
	}
	if (mean_other)
		b = os / (double)on;
	double s = (b - a) / (a > b ? a : b);
	return isnan(s) ? 0 : s;
}

static void two_sets(void)
{
	/* Two pairs on a line: {0, 1} and {10, 11}. For cell 0: a = 1, b = (10 + 11)/2 = 10.5,
	 * s = 9.5/10.5. Cell 1: a = 1, b = (9 + 10)/2 = 9.5, s = 8.5/9.5. */
	float x[4] = { 0, 1, 10, 11 };
	int32_t lab[4] = { 0, 0, 1, 1 };
	struct sc_sil_input in = { x, 4, 1, lab, 2, NULL, 0, 0, 1 };
	struct sc_sil_result r = SC_SIL_RESULT_INIT;
	ok(sc_silhouette_compute(&in, &r) == 0, "two separated pairs: computed");
	is_near(r.s_label[0], 9.5 / 10.5, 1e-6, "cell 0: s = 9.5/10.5");
	is_near(r.s_label[1], 8.5 / 9.5, 1e-6, "cell 1: s = 8.5/9.5");
	is_near(r.s_label[2], 8.5 / 9.5, 1e-6, "cell 2: s = 8.5/9.5 by symmetry");
	is_near(sc_silhouette_mean(r.s_label, 4), (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-6,
		"mean silhouette");
	sc_sil_result_release(&r);

	/* A singleton class has s = 0 (sklearn). */
	int32_t lab2[4] = { 0, 0, 0, 1 };
	in.label = lab2;
	ok(sc_silhouette_compute(&in, &r) == 0 && r.s_label[3] == 0.0, "singleton class: s = 0");
	sc_sil_result_release(&r);
}

static void random_agreement(int threads)
{
	int64_t n = 700, d = 7;
	float *x = malloc(sizeof(float) * (size_t)(n * d));
	int32_t *lab = malloc(sizeof(int32_t) * (size_t)n), *bat = malloc(sizeof(int32_t) * (size_t)n);
	int *all = malloc(sizeof(int) * (size_t)n), *mask = malloc(sizeof(int) * (size_t)n);
	unsigned s = 12345;
	for (int64_t i = 0; i < n; i++) {
		s = s * 1103515245u + 12345u;
		lab[i] = (int32_t)((s >> 16) % 5);
		s = s * 1103515245u + 12345u;
		bat[i] = (int32_t)((s >> 16) % 3);
		if (lab[i] == 4)
			bat[i] = 1; /* one label in a single batch */
		for (int64_t k = 0; k < d; k++) {
			s = s * 1103515245u + 12345u;
			x[i * d + k] = (float)((s >> 8) % 10000) / 1000.0f + (float)lab[i] +
				       0.3f * (float)bat[i] + 1.0f;
		}
		all[i] = 1;
	}
	struct sc_sil_input in = { x, n, d, lab, 5, bat, 3, 1, threads };
	struct sc_sil_result r = SC_SIL_RESULT_INIT;
	ok(sc_silhouette_compute(&in, &r) == 0, "random 700 x 7 (%d threads): computed", threads);
	double el = 0, eb = 0, ec = 0;
	for (int64_t i = 0; i < n; i++) {
		double w = direct(x, n, d, lab, all, i, 0, 0);
		el = fmax(el, fabs(w - r.s_label[i]));
		for (int64_t j = 0; j < n; j++)
			mask[j] = lab[j] == lab[i];
		if (lab[i] != 4) {
			eb = fmax(eb, fabs(direct(x, n, d, bat, mask, i, 0, 0) - r.s_batch[i]));
			ec = fmax(ec, fabs(direct(x, n, d, bat, mask, i, 1, 1) - r.s_bras[i]));
		}
	}
	ok(el < 1e-5, "label silhouette matches the direct computation (max err %.2g)", el);
	ok(eb < 1e-5, "batch silhouette within label matches (max err %.2g)", eb);
	ok(ec < 1e-4, "BRAS cosine mean-other silhouette matches (max err %.2g)", ec);
	int32_t kept = 0;
	double bs = sc_silhouette_batch_score(r.s_batch, lab, 5, bat, 3, n, 1, &kept);
	ok(kept == 4 && bs > 0 && bs <= 1, "batch score skips the single-batch label (kept %d)",
	   kept);
	sc_sil_result_release(&r);
	free(x);
	free(lab);
	free(bat);
	free(all);
	free(mask);
}

static void batch_score_cases(void)
{
	double s[4] = { 0.5, -0.5, 0.2, 0.2 };
	int32_t lab[4] = { 0, 0, 1, 1 }, bat[4] = { 0, 1, 0, 0 }, kept;
	/* label 0 has two batches but 2 cells = 2 batches: skipped; label 1 one batch: skipped */
	double v = sc_silhouette_batch_score(s, lab, 2, bat, 2, 4, 1, &kept);
	ok(isnan(v) && kept == 0, "every label skipped: NaN, not a number");
	int32_t bat2[4] = { 0, 1, 0, 1 }, lab2[4] = { 0, 0, 0, 0 };
	v = sc_silhouette_batch_score(s, lab2, 1, bat2, 2, 4, 1, &kept);
	is_near(v, 1 - (0.5 + 0.5 + 0.2 + 0.2) / 4, 1e-15, "one label: mean of 1 - |s|");
}

int main(void)
{
	two_sets();
	random_agreement(1);
	random_agreement(3);
	batch_score_cases();
	return tap_done();
}
