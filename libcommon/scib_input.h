/* Loading and cross-checking score-scib's inputs: the embedding (matrix stream), the obs
 * table, and the optional graph, kNN stream, partition and unintegrated embedding. Every row
 * count must agree with the embedding's; NaN/Inf in an embedding is refused naming the row. */
#ifndef SCIB_INPUT_H
#define SCIB_INPUT_H

#include "knn.h"
#include "obs_codes.h"
#include "sc_csr.h"
#include "sc_matrix.h"
#include "scib_suite.h"

struct sc_scib_paths {
	const char *matrix, *obs, *label_key, *batch_key; /* batch_key may be NULL */
	const char *graph, *graph_tsv, *knn, *clusters, *pre; /* each may be NULL */
	const char *cluster_key; /* JSONL partitions: the field (NULL: "leiden") */
};

struct sc_scib_data {
	struct sc_matrix x, pre;
	struct sc_obs_column col[2];
	struct sc_csr graph;
	struct sc_knn knn;
	int32_t *clusters;
	struct sc_scib_input in; /* points into the fields above */
};

void sc_scib_data_init(struct sc_scib_data *d);
int sc_scib_data_load(const struct sc_scib_paths *p, struct sc_scib_data *d) SC_RESULT_USED;
void sc_scib_data_release(struct sc_scib_data *d);

#endif
