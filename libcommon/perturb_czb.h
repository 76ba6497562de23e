/* czbenchmarks' perturbation expression prediction (v0.15.0
 * tasks/single_cell/perturbation_expression_prediction.py and
 * datasets/single_cell_perturbation.py, spec czb_smf_spec.md A13).
 *
 * DE table (TSV: condition, gene, logfoldchange, pval_adj): rows with pval_adj < 1e-4 and
 * |logfoldchange| >= 1 are kept. Masked genes: numpy's legacy global RNG seeded once with
 * seed; per condition in order of first appearance, n = floor(0.5 x its rows) genes drawn
 * without replacement (permutation(rows)[:n]) when n >= 5. Per condition with targets: the
 * targets present in the prediction's genes, truth = their logfoldchange; treated and control
 * rows from the control map (TSV: condition, treated, control; pairs whose barcodes are not in
 * the prediction are dropped); effect = ln((t + 1e-8) / (c + 1e-8)) of the treated and control
 * column means ("ratio"; the difference t - c for the whole condition if any mean is <= 0) or
 * t - c ("difference"); Spearman rho of truth against effect, NaN -> 0. */
#ifndef PERTURB_CZB_H
#define PERTURB_CZB_H

#include <stdint.h>

#include "sc_err.h"
#include "sc_metric.h"
#include "sc_stream.h"
#include "tsv.h"

struct sc_pczb_cond {
	const char *name;     /* borrowed from the DE table */
	int64_t n_genes;      /* genes scored */
	int64_t n_pairs;      /* treated/control pairs used */
	int used_difference;  /* ratio fell back to the difference */
	double spearman;
};

/* pred: n x g predictions; cells and genes: their names (row, column order). */
int sc_pczb_score(const float *pred, int64_t n, int64_t g, char *const *cells,
		  char *const *genes, const struct sc_tsv *de, const struct sc_tsv *cmap,
		  int difference, uint32_t seed, struct sc_pczb_cond **out, int64_t *nout)
	SC_RESULT_USED;

/* Read everything (prediction matrix, obs with obs_name, var with var_name, DE table, control
 * map), score and write one spearman_correlation_calculation record per condition. */
int sc_perturb_czb_run(struct sc_stream *pred, struct sc_stream *obs, struct sc_stream *var,
		       struct sc_stream *de, struct sc_stream *cmap, int difference, uint32_t seed,
		       const struct sc_metric_ctx *ctx, struct sc_stream *out) SC_RESULT_USED;

#endif
