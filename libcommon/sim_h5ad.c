/* A simulated dataset as .h5ad (see sim_h5ad.h): the same names and labels sc-simulate
 * writes to its obs table, so either output can feed the same pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_h5ad_write.h"
#include "sim_h5ad.h"

static char **numbered(const char *fmt, int64_t n)
{
	char **v = sc_calloc((size_t)n + 1, sizeof *v);
	char buf[64];
	for (int64_t i = 0; v && i < n; i++) {
		snprintf(buf, sizeof buf, fmt, (long long)i);
		if (!(v[i] = sc_strdup(buf))) {
			sc_strings_free(v, i);
			return NULL;
		}
	}
	return v;
}

/* Counts (dense) as CSR, keeping the nonzeros. */
static int counts_csr(const struct sc_sim *sim, struct sc_csr *m)
{
	int64_t nnz = 0, k = 0;
	for (int64_t i = 0; i < sim->n * sim->genes; i++)
		nnz += sim->counts[i] != 0;
	if (sc_csr_alloc(m, sim->n, sim->genes, nnz) < 0)
		return -1;
	for (int64_t i = 0; i < sim->n; i++) {
		for (int g = 0; g < sim->genes; g++) {
			float v = sim->counts[i * sim->genes + g];
			if (v != 0) {
				m->indices[k] = g;
				m->data[k++] = v;
			}
		}
		m->indptr[i + 1] = k;
	}
	return 0;
}

int sc_sim_write_h5ad(const struct sc_sim *sim, const char *path)
{
	struct sc_column cols[2];
	struct sc_csr x = SC_CSR_INIT;
	struct sc_h5w *w = NULL;
	char **cells = NULL, **genes = NULL;
	int ret = -1;

	memset(cols, 0, sizeof cols);
	if (!(cells = numbered("cell%lld", sim->n)) || !(genes = numbered("gene%05lld", sim->genes)))
		goto out;
	for (int j = 0; j < 2; j++) {
		int k = j ? sim->batches : sim->types;
		cols[j].name = (char *)(j ? "batch" : "cell_type");
		cols[j].kind = SC_COL_CATEGORICAL;
		cols[j].n = sim->n;
		cols[j].n_categories = k;
		cols[j].codes = j ? sim->batch : sim->type;
		if (!(cols[j].categories = numbered(j ? "batch_%lld" : "type_%02lld", k)))
			goto out;
	}
	if (!(w = sc_h5w_create(path)) || sc_h5w_frame(w, "obs", cells, sim->n, cols, 2) < 0 ||
	    sc_h5w_frame(w, "var", genes, sim->genes, NULL, 0) < 0 ||
	    sc_h5w_dense(w, "obsm/X_latent", sim->latent, sim->n, sim->d) < 0 ||
	    sc_h5w_dense(w, "obsm/X_observed", sim->observed, sim->n, sim->d) < 0)
		goto out;
	if (sim->counts && (counts_csr(sim, &x) < 0 || sc_h5w_csr(w, "X", &x) < 0))
		goto out;
	ret = sc_h5w_close(w);
	w = NULL;
out:
	sc_h5w_abort(w);
	sc_csr_release(&x);
	sc_strings_free(cells, sim->n);
	sc_strings_free(genes, sim->genes);
	for (int j = 0; j < 2; j++)
		sc_strings_free(cols[j].categories, cols[j].n_categories);
	return ret;
}
