/* scIB aggregate scores: bio-conservation mean, batch-correction mean and
 * total = w_bio * bio + w_batch * batch (scib paper, scib-metrics Benchmarker, scModelForge
 * embedding_quality: 0.6 / 0.4). Means skip undefined (NaN) metrics, as pandas and nanmean
 * do; a group with no defined metric is NaN, and so is the total then. No min-max scaling
 * across methods here (that needs several embeddings: report-md does it). */
#ifndef SCIB_AGGREGATE_H
#define SCIB_AGGREGATE_H

struct sc_scib_weights {
	double bio, batch;
};

struct sc_scib_agg {
	double bio, batch, total;
	int n_bio, n_batch; /* defined metrics that entered each mean */
};

void sc_scib_aggregate(const double *bio, int nbio, const double *batch, int nbatch,
		       const struct sc_scib_weights *w, struct sc_scib_agg *out);

#endif
