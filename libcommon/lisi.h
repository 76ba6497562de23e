/* LISI (local inverse Simpson index, Korsunsky 2019) in the two reference flavours.
 *
 * scib (graph LISI, scib 1.2.1 ilisi_graph/clisi_graph): for every cell with an edge, the
 * k0 = 90 cells nearest by shortest path over the connectivity graph with edge length equal
 * to the connectivity weight (scib's knn_graph.cpp quirk), path lengths rounded to 6
 * significant digits as its text round trip does, perplexity k0/3. Cells with fewer than k0
 * reachable cells get LISI 1; cells without edges get none (NaN).
 * scib-metrics (lisi_knn): the stored kNN distances, self entries masked, perplexity
 * ncols/3.
 * Shared: beta bisection to entropy ln(perplexity) (tol 1e-5, 50 tries), Simpson index of the
 * class probabilities, LISI = 1/Simpson, and -1 when the entropy is exactly 0. */
#ifndef LISI_H
#define LISI_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"

/* Simpson index of one cell: dist/cls hold m neighbours (cls < 0 masks an entry). */
double sc_lisi_simpson(const double *dist, const int32_t *cls, int64_t m, double perplexity,
		       int32_t n_classes, double *scratch);

/* scib graph neighbours: for each row, the k0 nearest by path length (self excluded), sorted;
 * idx/dist are n x k0; count[i] = number found (< k0 when fewer are reachable; 0 without
 * edges). Lengths rounded to 6 significant digits. */
int sc_lisi_graph_neighbors(const struct sc_csr *g, int64_t k0, int threads, int32_t *idx,
			    double *dist, int32_t *count) SC_RESULT_USED;

/* The perplexity calibration of every full graph row, in place, threaded: dist (n x k0 path
 * lengths, perplexity k0/3) becomes the neighbour weights P; a row whose entropy is 0 gets
 * count[i] = -1 (its LISI is -1). The weights depend only on the distances, so cLISI and
 * iLISI share them. Deterministic for any thread count. */
int sc_lisi_graph_weights(double *dist, int32_t *count, int64_t n, int64_t k0,
			  int threads) SC_RESULT_USED;

/* Per-cell LISI of classes cls from weights made by sc_lisi_graph_weights. */
int sc_lisi_graph_classes(const int32_t *idx, const double *p, const int32_t *count, int64_t n,
			  int64_t k0, const int32_t *cls, int32_t n_classes, double *lisi) SC_RESULT_USED;

/* Per-cell LISI from graph neighbours (scib rules for short rows and cells without edges). */
int sc_lisi_graph(const int32_t *idx, const double *dist, const int32_t *count, int64_t n,
		  int64_t k0, const int32_t *cls, int32_t n_classes, double *lisi) SC_RESULT_USED;

/* Per-cell LISI from a kNN table (n x k, int32 indices, float distances), self masked
 * (entries equal to the row index or negative), with the given perplexity
 * (scib-metrics: 30 with its self-inclusive 90-NN, i.e. 89 other cells). */
int sc_lisi_knn(const int32_t *idx, const float *dist, int64_t n, int64_t k, const int32_t *cls,
		int32_t n_classes, double perplexity, double *lisi) SC_RESULT_USED;

/* numpy nanmedian of v (NaN skipped; NaN when nothing is left). Reorders a copy. */
double sc_nanmedian(const double *v, int64_t n);

#endif
