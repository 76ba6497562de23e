/* Silhouettes of an embedding, all from one tiled pass over the pairwise distances.
 *
 * The cells are reordered by (label, batch) so that every label and every batch-within-label
 * is a contiguous column range; each BLAS tile of dot products is then turned into euclidean
 * (and, for BRAS, cosine) distances and summed per range, so no n x n matrix is ever held.
 * One pass gives, per cell:
 *   - the label silhouette (classes = labels; sklearn silhouette_samples, scib and
 *     scib-metrics silhouette_label, czbenchmarks silhouette_score);
 *   - the batch silhouette within its label (classes = batches among the cells of the same
 *     label; scib silhouette_batch, scib-metrics silhouette_batch);
 *   - BRAS (scib-metrics bras: cosine distance, b = mean distance to the cells of the same
 *     label in other batches).
 * Singleton classes give s = 0 (sklearn's 0/0 rule). Distances come from float32 dot
 * products (sgemm over block pairs I <= J: each tile feeds its rows and, transposed, its
 * columns) with float64 norms; tile sums are added in 64-bit fixed point, which is
 * associative, so the result is the same for any thread count. The pass is allpairs.h's,
 * which can also produce the kNN in the same sweep. */
#ifndef SILHOUETTE_H
#define SILHOUETTE_H

#include <stdint.h>

#include "sc_err.h"

struct sc_sil_input {
	const float *x;        /* n x d, row-major */
	int64_t n, d;
	const int32_t *label;  /* n codes in [0, n_labels) */
	int32_t n_labels;
	const int32_t *batch;  /* n codes in [0, n_batches), or NULL (no batch silhouettes) */
	int32_t n_batches;
	int want_bras;         /* also compute the cosine BRAS silhouette */
	int threads;           /* worker threads (>= 1); output does not depend on it */
};

struct sc_sil_result {
	double *s_label; /* n: per-cell label silhouette */
	double *s_batch; /* n (or NULL): per-cell batch silhouette within the label */
	double *s_bras;  /* n (or NULL): per-cell BRAS silhouette within the label */
	double flops;    /* the all-pairs distance work, 2 n^2 d (the effective rate's numerator) */
	double flops_executed; /* GEMM flops actually run: about half, by symmetry */
};
#define SC_SIL_RESULT_INIT { NULL, NULL, NULL, 0, 0 }

/* Compute the per-cell silhouettes; out's arrays are allocated here (release with
 * sc_sil_result_release). */
int sc_silhouette_compute(const struct sc_sil_input *in, struct sc_sil_result *out) SC_RESULT_USED;
void sc_sil_result_release(struct sc_sil_result *r);

/* Mean of s over all cells (the silhouette score, unscaled). */
double sc_silhouette_mean(const double *s, int64_t n);

/* Batch silhouette aggregate (scib silhouette_batch / scib-metrics silhouette_batch and
 * bras): per label, skip it when it holds one batch or as many batches as cells; else the
 * mean of 1 - |s| (or |s| when !scale) over its cells; then the unweighted mean over kept
 * labels. Returns NAN when every label is skipped; *n_kept receives the count. */
double sc_silhouette_batch_score(const double *s, const int32_t *label, int32_t n_labels,
				 const int32_t *batch, int32_t n_batches, int64_t n, int scale,
				 int32_t *n_kept);

#endif
