/* Aggregate scores (see scib_aggregate.h). */
#include <math.h>

#include "scib_aggregate.h"

static double nanmean(const double *v, int n, int *used)
{
	double s = 0;
	int c = 0;
	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			c++;
		}
	*used = c;
	return c ? s / c : NAN;
}

void sc_scib_aggregate(const double *bio, int nbio, const double *batch, int nbatch,
		       const struct sc_scib_weights *w, struct sc_scib_agg *out)
{
	out->bio = nanmean(bio, nbio, &out->n_bio);
	out->batch = nanmean(batch, nbatch, &out->n_batch);
	out->total = w->bio * out->bio + w->batch * out->batch;
}
