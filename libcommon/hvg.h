/* Preprocessing of a dense counts matrix as scanpy 1.9.8 does it for czbenchmarks' PCA
 * baseline (spec czb_smf_spec.md A3), in float32 like numpy on float32 data:
 *   normalize_total: c_i = row sum, T = median of the positive c_i, x <- x / (c_i / T)
 *                    (zero rows stay zero);
 *   log1p:           x <- ln(1 + x);
 *   highly_variable_genes(flavor="seurat", n_bins=20): on expm1(x), per-gene mean and unbiased
 *                    variance (E[x^2] - E[x]^2 in float64, x^2 in float32), dispersion
 *                    ln(var/mean) (0 -> NaN), genes binned by ln(1+mean) into 20 equal-width
 *                    right-closed bins (pandas cut), z = (disp - bin mean) / bin std (a bin
 *                    whose std is undefined gets z = disp / disp... i.e. mean 0, std = its mean),
 *                    then every gene with nan_to_num(z) >= the n-th largest finite z. */
#ifndef HVG_H
#define HVG_H

#include <stdint.h>

#include "sc_err.h"

/* Both run on `threads` threads with results independent of the count.
 * In place on the n x g row-major matrix: normalize_total to the median, then log1p.
 * *target gets T. Fails on negative or non-finite counts. */
int sc_normalize_log1p(float *X, int64_t n, int64_t g, int threads, float *target)
	SC_RESULT_USED;

/* Seurat-flavour HVG on log1p data: sel[j] = 1 for selected genes, *n_sel their count;
 * disp_norm (may be NULL) gets z per gene (NaN where undefined). n_top >= g selects all. */
int sc_hvg_seurat(const float *X, int64_t n, int64_t g, int64_t n_top, int threads,
		  uint8_t *sel, int64_t *n_sel, double *disp_norm) SC_RESULT_USED;

#endif
