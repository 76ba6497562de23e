/* Silhouettes (see silhouette.h); the all-pairs pass itself lives in allpairs.c. */
#include <math.h>
#include <stdlib.h>

#include "allpairs.h"
#include "silhouette.h"

int sc_silhouette_compute(const struct sc_sil_input *in, struct sc_sil_result *out)
{
	struct sc_allpairs_input a = { .x = in->x, .n = in->n, .d = in->d, .label = in->label,
				       .n_labels = in->n_labels, .batch = in->batch,
				       .n_batches = in->n_batches, .want_label = 1,
				       .want_batch = in->batch != NULL,
				       .want_bras = in->batch != NULL && in->want_bras,
				       .threads = in->threads };
	return sc_allpairs_compute(&a, out, NULL, NULL);
}

void sc_sil_result_release(struct sc_sil_result *r)
{
	if (!r)
		return;
	free(r->s_label);
	free(r->s_batch);
	free(r->s_bras);
	r->s_label = r->s_batch = r->s_bras = NULL;
}

double sc_silhouette_mean(const double *s, int64_t n)
{
	double t = 0;
	for (int64_t i = 0; i < n; i++)
		t += s[i];
	return n > 0 ? t / (double)n : NAN;
}

double sc_silhouette_batch_score(const double *s, const int32_t *label, int32_t n_labels,
				 const int32_t *batch, int32_t n_batches, int64_t n, int scale,
				 int32_t *n_kept)
{
	double *sum = calloc((size_t)n_labels, sizeof(double));
	int64_t *cnt = calloc((size_t)n_labels, sizeof(int64_t));
	int32_t *nb = calloc((size_t)n_labels, sizeof(int32_t));
	unsigned char *seen = calloc((size_t)n_labels * (size_t)n_batches, 1);
	double total = 0, res = NAN;
	int32_t kept = 0;
	if (!sum || !cnt || !nb || !seen)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		int32_t g = label[i];
		unsigned char *f = seen + (size_t)g * (size_t)n_batches + (size_t)batch[i];
		if (!*f) {
			*f = 1;
			nb[g]++;
		}
		cnt[g]++;
		sum[g] += scale ? 1.0 - fabs(s[i]) : fabs(s[i]);
	}
	for (int32_t g = 0; g < n_labels; g++) {
		if (cnt[g] == 0 || nb[g] == 1 || nb[g] == cnt[g])
			continue;
		total += sum[g] / (double)cnt[g];
		kept++;
	}
	res = kept > 0 ? total / kept : NAN;
out:
	if (n_kept)
		*n_kept = kept;
	free(sum);
	free(cnt);
	free(nb);
	free(seen);
	return res;
}
