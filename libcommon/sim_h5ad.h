/* Writing a simulated dataset (sc_simulate.h) as an AnnData file, so that pipelines and the
 * demo can start from .h5ad like real data. */
#ifndef SIM_H5AD_H
#define SIM_H5AD_H

#include "sc_err.h"
#include "sc_simulate.h"

/* obs: index cell<i>, categorical cell_type (type_NN) and batch (batch_N); var: gene<NNNNN>
 * (none when no counts); obsm: X_latent (no batch effect) and X_observed (with it); X: the
 * counts as CSR when simulated. Modern anndata layout, written atomically. */
int sc_sim_write_h5ad(const struct sc_sim *sim, const char *path) SC_RESULT_USED;

#endif
