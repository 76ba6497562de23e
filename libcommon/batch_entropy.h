/* czbenchmarks entropy_per_cell (v0.15.0 metrics/utils.py compute_entropy_per_cell): for
 * each cell, the entropy of the batch composition of its k nearest neighbours (the cell
 * itself included), divided by ln(number of batches in the whole data); the mean over cells.
 * NaN with a single batch (0/0 upstream). */
#ifndef BATCH_ENTROPY_H
#define BATCH_ENTROPY_H

#include <stdint.h>

/* idx: n x k neighbour indices (including the cell). */
double sc_batch_entropy(const int32_t *idx, int64_t n, int64_t k, const int32_t *batch,
			int32_t n_batches);

#endif
