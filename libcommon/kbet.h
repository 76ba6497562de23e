/* kBET (Buettner 2019) as scib 1.2.1 runs it, made deterministic.
 *
 * Per label: skipped (NaN) with fewer than 10 cells or a single batch, and NaN with exactly
 * 10 cells (R kBET fails there); k0 = clamp(floor(mean present-batch size / 4), 10, 70);
 * within-label components of the connectivity graph (one component: all cells; several:
 * the components of >= 3 k0 cells if they hold >= 75 % of the label, else rejection 1);
 * neighbours = the k0 largest entries of T + T^2 + T^3 (+ further powers until every row has
 * k0 + 1 non-zeros, at most 26) of the row-normalised subgraph T, diagonal excluded; R's test
 * neighbourhood = the k0 - 1 strongest of them plus the cell; chi-square test of the batch
 * counts against k0 times the label's batch frequencies, rejected when p < alpha.
 * R kBET averages the rejection over 100 random 10 % samples; its expected value is the
 * rejection rate over all tested cells, which is what is computed here.
 * With several components scib's quirk is kept: the diffusion neighbours of the kept cells
 * are in the kept cells' own numbering and R reads them as the label's numbering (index j =
 * the label's j-th cell), and the dropped cells are tested with only themselves.
 * Score = 1 - mean over labels of the rejection rates (NaN labels skipped). */
#ifndef KBET_H
#define KBET_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"

/* Upper regularized incomplete gamma Q(a, x) = 1 - pchisq(2x, 2a). */
double sc_gamma_q(double a, double x);

/* k0 from the batch sizes of one label (scib's choice). */
int64_t sc_kbet_k0(const int64_t *batch_counts, int32_t n_batches, int64_t n_cells);

/* Rejection rate of one label's cells given their neighbourhoods: nb is m x kk local
 * indices (-1 = absent), bat the local batch codes, freq the expected batch frequencies,
 * k0 the expected neighbourhood size; test rows with tested[i] != 0. */
double sc_kbet_rejection(const int32_t *nb, int64_t m, int64_t kk, const int32_t *bat,
			 const double *freq, int32_t n_batches, int64_t k0, double alpha,
			 const unsigned char *tested);

/* scib's diffusion neighbours of the subgraph of g induced by cells[0..m) (distinct): for each
 * cell the k0 - 1 strongest entries of T + T^2 + T^3 (+ further powers while a row has fewer
 * than k0 + 1 non-zeros) as local indices, -1 padded, in no particular order; nb is m x (k0 - 1).
 * pruned = 0 sums the powers row by row in full (the reference the pruned path must equal).
 * Returns 0, 1 when some row never reaches k0 + 1 non-zeros, or a negative error. */
int sc_kbet_diffusion_nn(const struct sc_csr *g, const int32_t *cells, int64_t m, int64_t k0,
			 int threads, int pruned, int32_t *nb) SC_RESULT_USED;

/* The whole scib kBET on connectivities g (symmetric). per_label (may be NULL) receives each
 * label's rejection rate (NaN when skipped). *score = 1 - nanmean (NaN when all skipped). */
int sc_kbet_scib(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
		 const int32_t *batch, int32_t n_batches, double alpha, int threads,
		 double *per_label, double *score) SC_RESULT_USED;

#endif
