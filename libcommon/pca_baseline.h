/* czbenchmarks' PCA baseline (tasks/utils.py run_standard_scrna_workflow, spec A3):
 * normalize_total to the median, log1p, Seurat-flavour HVG (n_top_genes, ties at the cutoff
 * kept), the HVG columns, centred PCA to n_pcs components, float32 scores. */
#ifndef PCA_BASELINE_H
#define PCA_BASELINE_H

#include <stdint.h>

#include "sc_matrix.h"
#include "sc_stream.h"

struct sc_pcab_params {
	int64_t n_top_genes; /* 3000 */
	int n_pcs;           /* 50 */
	int threads;
};

struct sc_pcab_result {
	int64_t n, g, n_hvg;
	uint8_t *hvg;       /* g flags */
	double *disp_norm;  /* g normalised dispersions (NaN where undefined) */
	float target;       /* normalize_total target (median count) */
	int k;
	float *scores;      /* n x k */
	double *ratio;      /* k variance ratios */
};
#define SC_PCAB_RESULT_INIT { 0 }

/* Run on the counts matrix X (consumed: transformed in place). */
int sc_pcab_run(struct sc_matrix *X, const struct sc_pcab_params *p, struct sc_pcab_result *r)
	SC_RESULT_USED;
/* Matrix stream of the scores; the header adds n_pcs, n_hvg, normalize_target,
 * variance_ratio (k values) and source "pca-baseline". */
int sc_pcab_write(struct sc_stream *s, const struct sc_pcab_result *r) SC_RESULT_USED;
/* HVG table: one JSONL record per selected gene in gene order: var_name (names may be NULL:
 * then the index as text), var_index, dispersion_norm. */
int sc_pcab_write_hvg(struct sc_stream *s, const struct sc_pcab_result *r,
		      char *const *names) SC_RESULT_USED;
/* Gene names of a var JSONL table (var_name of each record); *n gets the count. */
int sc_var_names_read(struct sc_stream *s, char ***names, int64_t *n) SC_RESULT_USED;
void sc_var_names_free(char **names, int64_t n);
void sc_pcab_release(struct sc_pcab_result *r);

#endif
