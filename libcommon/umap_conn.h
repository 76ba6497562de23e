/* Connectivity graphs from a kNN result (self excluded, rows sorted), as scanpy builds them.
 *
 * sc_conn_umap reproduces umap-learn's fuzzy_simplicial_set as scanpy 1.9 calls it
 * (local_connectivity 1, set_op_mix_ratio 1, bandwidth 1) with n_neighbors = knn->k + 1,
 * because scanpy's n_neighbors counts the cell itself: rho_i = the first positive distance,
 * sigma_i by umap's bisection (target log2(n_neighbors), at most 64 steps, tolerance 1e-5),
 * floored at 1e-3 x the row's mean distance (self's 0 included) or, when rho_i = 0, at 1e-3 x
 * the mean of all distances; directed weights exp(-(d - rho)/sigma) in float32, then the fuzzy
 * union A + A' - A.*A' in float32 with zeros dropped. perf_anchors.md section 1.2.
 *
 * sc_conn_gauss: scanpy's method="gauss" with knn=True: sigma_i^2 = median of row i's squared
 * non-self distances, w = sqrt(2 s_i s_j / (s_i^2 + s_j^2)) exp(-d^2 / (s_i^2 + s_j^2)) on the
 * union of both directions. sc_conn_binary: 1 on the union pattern.
 *
 * Every result is a symmetric rows x rows CSR with sorted rows and no diagonal; out is
 * caller-owned (sc_csr_release). */
#ifndef SC_UMAP_CONN_H
#define SC_UMAP_CONN_H

#include "knn.h"
#include "sc_csr.h"
#include "sc_stream.h"

enum sc_conn_kind {
	SC_CONN_UMAP = 0,
	SC_CONN_GAUSS = 1,
	SC_CONN_BINARY = 2
};

int sc_conn_kind_parse(const char *s, enum sc_conn_kind *out) SC_RESULT_USED;
const char *sc_conn_kind_name(enum sc_conn_kind k);

/* rho and sigma per row (float32, as umap's smooth_knn_dist); arrays of knn->n. */
int sc_umap_sigmas(const struct sc_knn *knn, float *rho, float *sigma) SC_RESULT_USED;

int sc_conn_umap(const struct sc_knn *knn, struct sc_csr *out) SC_RESULT_USED;
int sc_conn_gauss(const struct sc_knn *knn, struct sc_csr *out) SC_RESULT_USED;
int sc_conn_binary(const struct sc_knn *knn, struct sc_csr *out) SC_RESULT_USED;
/* Dispatch on kind. */
int sc_conn_build(const struct sc_knn *knn, enum sc_conn_kind kind, struct sc_csr *out) SC_RESULT_USED;
/* scanpy's obsp/distances: the directed kNN distance graph (k entries per row, sorted by
 * column). */
int sc_knn_to_csr(const struct sc_knn *knn, struct sc_csr *out) SC_RESULT_USED;

/* The inverse of sc_knn_to_csr for a distances graph from another tool (scanpy's
 * obsp/distances): each row's off-diagonal entries sorted by (distance, column). Every row
 * must hold the same number of them, at least 1; negative or non-finite distances are
 * refused. out is caller-owned. */
int sc_csr_to_knn(const struct sc_csr *g, struct sc_knn *out) SC_RESULT_USED;

/* A graph for clustering from a stream that is either a CSR graph (SCCSR1: validated, then
 * checked square, symmetric and non-negative) or a kNN stream (SCKNN1: connectivities of the
 * given kind built from it; scanpy_k > 0 first keeps scanpy_k - 1 neighbours per row, an
 * error when the stream has fewer). out is caller-owned. */
int sc_conn_load(struct sc_stream *s, enum sc_conn_kind kind, int scanpy_k,
		 struct sc_csr *out) SC_RESULT_USED;

#endif
