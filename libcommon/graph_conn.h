/* Graph connectivity (scIB batch-correction metric): per label, the share of its cells in the
 * largest connected component of the subgraph induced by the label, averaged over labels.
 *   scib (graph_connectivity): components of the symmetric connectivity graph (weak = strong).
 *   scib-metrics (graph_connectivity): strongly connected components of the directed kNN
 *   graph (every stored neighbour is an arc i -> j). */
#ifndef GRAPH_CONN_H
#define GRAPH_CONN_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"

/* Component labels of the subgraph of g restricted to edges whose ends share a label
 * (weak components: an edge joins both ways). comp[i] = component id (root index). */
int sc_graph_components_by_label(const struct sc_csr *g, const int32_t *label, int32_t *comp) SC_RESULT_USED;

/* scib flavour on a graph; per_label (may be NULL) receives each label's value. Labels
 * without cells give NaN there and make the mean NaN, as scib does with unused categories. */
int sc_graph_conn_scib(const struct sc_csr *g, const int32_t *label, int32_t n_labels,
		       double *per_label, double *score) SC_RESULT_USED;

/* scib-metrics flavour on a kNN table (n x k neighbour indices, self allowed). */
int sc_graph_conn_knn_scc(const int32_t *idx, int64_t n, int64_t k, const int32_t *label,
			  int32_t n_labels, double *per_label, double *score) SC_RESULT_USED;

#endif
