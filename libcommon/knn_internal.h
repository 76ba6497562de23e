/* Shared between knn.c and knn_approx.c; not for cmd/. */
#ifndef SC_KNN_INTERNAL_H
#define SC_KNN_INTERNAL_H

#include "knn.h"

double knn_exact_dist(const float *a, const float *b, int64_t d, enum sc_knn_metric metric);
/* float32 estimate: squared euclidean or 1 - cos (a filter, never a reported distance). */
float knn_fast_dist(const float *a, const float *b, int64_t d, enum sc_knn_metric metric);
/* Bounded max-heap of (v, idx) with capacity cap; *len grows to cap. */
void knn_heap_push(float *hv, int32_t *hi, int *len, int cap, float v, int32_t idx);
/* Push the entries of one tile row c[0..rb) below the row's heap threshold (column self, if
 * >= 0, is skipped); indices are base + column. */
void knn_scan_row(const float *c, int rb, int32_t base, int self, float *hv, int32_t *hi, int *hl,
		  int kk);
/* Rows augmented for the one-sgemm distance tile: ref rows [-2y, |y|^2], query rows [x, 1]
 * (n x (d+1), caller frees). */
float *knn_augment(const float *x, int64_t n, int64_t d, int ref);
/* Exact re-ranking of nc candidates into k outputs; scratch holds nc (float, int32) pairs. */
void knn_finish_row(const float *q, const float *ref, int64_t d, enum sc_knn_metric metric,
		    const int32_t *cand, int nc, int k, int32_t *oidx, float *odist, void *scratch);
/* Run fn(arg) on `threads` threads (the caller's included) with BLAS held to one thread. */
int knn_run_threads(void *(*fn)(void *), void *arg, int threads);

#endif
