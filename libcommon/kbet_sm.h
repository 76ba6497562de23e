/* kBET as scib-metrics 0.6.0 computes it (kbet_per_label; spec/scib_spec.md section 8.2).
 *
 * Per label (on the UMAP connectivities of the 50-NN graph):
 * - skipped (NaN) with fewer than 10 cells or a single batch;
 * - k0 = clamp(floor(mean present-batch size / 4), 10, 70), as scib (sc_kbet_k0);
 * - within-label components: one component -> all cells; several -> the cells of the
 *   components of >= 3 k0 cells if they hold >= 75 % of the label (batch frequencies then
 *   recomputed from those cells), else acceptance 0;
 * - diffusion map of the (sub)graph W: q = column sums of W, K = Q^-1 W Q^-1, z = sqrt(column
 *   sums of K), T = Z^-1 K Z^-1; the top n_comps eigenpairs of T by magnitude in
 *   float64 (sc_eigsh_lm; each component of a several-component subgraph solved on its own,
 *   since eigenvalue 1 repeats once per component); eigenvalues cast to float32, + 1e-8 in
 *   float32, scaled to l / (1 - l) except l == 1 exactly (weight 1); embedding = float32
 *   eigenvectors x scaled eigenvalues; n_comps is scib-metrics' running value: it starts at
 *   opts.n_comps and every label that reaches this step (in label order) lowers it to
 *   min(n_comps, m - 1) for itself and all later labels (scib-metrics reassigns its
 *   diffusion_n_comps argument inside the loop);
 * - neighbourhood = the cell and its k0 nearest others in that embedding (exact euclidean
 *   kNN; scib-metrics asks pynndescent for k0 + 1 neighbours). With exactly 10 cells k0 + 1 =
 *   11 > 10: pynndescent leaves the missing slot at -1, which numpy reads as the label's last
 *   cell; that is reproduced;
 * - chi-square test of the neighbourhood's batch counts against (k0 + 1) x the batch
 *   frequencies, dof = batches present - 1 (none left: every cell rejected, as JAX's
 *   gammainc(0, .) is NaN); acceptance = mean over the cells of [p >= alpha];
 * - an eigensolver that does not converge gives acceptance 0 (scib-metrics' ValueError path).
 * Score = nanmean over labels of the acceptance rates (NaN when every label is skipped).
 * Labels run in parallel (one thread each, OpenBLAS at one thread): identical for any count. */
#ifndef KBET_SM_H
#define KBET_SM_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"

struct sc_kbet_sm_opts {
	double alpha;  /* 0.05 */
	int n_comps;   /* diffusion components, 100 */
	int threads;   /* >= 1 */
};

struct sc_kbet_sm_info {
	int32_t labels_scored;    /* labels with a number */
	int32_t eig_failures;     /* labels scored 0 because the eigensolver did not converge */
	int32_t fragmented;       /* labels scored 0 for small components */
	int64_t matvecs;          /* operator applications, all labels */
	int32_t n_comps_min;      /* diffusion components of the last label run (0: none) */
};

/* Acceptance rate of m cells given their neighbourhoods nb (m x kk local indices, the cell
 * itself included), local batch codes bat and alpha; expected counts kk x the batch
 * frequencies of the m cells. NaN when m == 0. */
double sc_kbet_sm_acceptance(const int32_t *nb, int64_t m, int64_t kk, const int32_t *bat,
			     int32_t n_batches, double alpha);

/* The float32 diffusion-map embedding (m x ncomp row-major, ncomp = min(n_comps, m - 1)) of
 * the subgraph of g on cells[0..m) (loc: global -> local index or -1, for these cells).
 * Returns 0, 1 when the eigensolver did not converge, or a negative SC_E* code. evals
 * (may be NULL; ncomp entries) receives the float64 eigenvalues in the embedding's order. */
int sc_kbet_sm_diffmap(const struct sc_csr *g, const int32_t *cells, int64_t m,
		       const int32_t *loc, int n_comps, float *emb, double *evals,
		       int64_t *matvecs) SC_RESULT_USED;

/* The whole scib-metrics kBET on the symmetric connectivities g. per_label (may be NULL)
 * receives each label's acceptance (NaN when skipped); info may be NULL. */
int sc_kbet_sm(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
	       const int32_t *batch, int32_t n_batches, const struct sc_kbet_sm_opts *o,
	       double *per_label, struct sc_kbet_sm_info *info, double *score) SC_RESULT_USED;

#endif
