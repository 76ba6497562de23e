/* KMeans as scib-metrics 0.6.0 runs it for nmi_ari_cluster_labels_kmeans (utils/_kmeans.py):
 * data centred by column means; k-means++ with 2 + floor(ln k) local trials per centre
 * (candidates drawn in proportion to the current squared distance, the one with the lowest
 * potential kept); Lloyd iterations (nearest centroid, ties to the lowest index; empty
 * clusters move to the origin of the centred data) until at least max_iter iterations have
 * run and the inertia changes by at most tol = 1e-4 x the mean per-feature variance; one
 * initialisation. The random stream is sc_rng's, not JAX's threefry, so the partition equals
 * scib-metrics' only when both reach the same local optimum. Row blocks have a fixed size and
 * are reduced in block order, so the result does not depend on the thread count. */
#ifndef KMEANS_H
#define KMEANS_H

#include <stdint.h>

#include "sc_err.h"

int sc_kmeans(const float *x, int64_t n, int64_t d, int k, int max_iter, uint64_t seed,
	      int threads, int32_t *labels, double *inertia) SC_RESULT_USED;

#endif
