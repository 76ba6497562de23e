/* Mean normalised batch entropy of kNN neighbourhoods (see batch_entropy.h). */
#include <math.h>
#include <stdlib.h>

#include "batch_entropy.h"

double sc_batch_entropy(const int32_t *idx, int64_t n, int64_t k, const int32_t *batch,
			int32_t n_batches)
{
	int64_t *cnt = calloc((size_t)n_batches, sizeof(int64_t));
	unsigned char *present = calloc((size_t)n_batches, 1);
	double tot = 0, res = NAN;
	int32_t nb = 0;
	if (!cnt || !present || n < 1 || k < 1)
		goto out;
	for (int64_t i = 0; i < n; i++)
		if (!present[batch[i]]) {
			present[batch[i]] = 1;
			nb++;
		}
	if (nb < 2)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		for (int64_t j = 0; j < k; j++)
			cnt[batch[idx[i * k + j]]]++;
		double h = 0;
		for (int32_t b = 0; b < n_batches; b++) {
			if (cnt[b]) {
				double p = (double)cnt[b] / (double)k;
				h -= p * log(p);
			}
			cnt[b] = 0;
		}
		tot += h / log((double)nb);
	}
	res = tot / (double)n;
out:
	free(cnt);
	free(present);
	return res;
}
