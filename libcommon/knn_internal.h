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
/* Unit-norm copy of the rows (zero rows stay zero) for cosine search; NULL when out of memory. */
float *knn_normalised(const float *x, int64_t n, int64_t d);
/* Exact re-ranking of nc candidates into k outputs; scratch holds nc (float, int32) pairs. */
void knn_finish_row(const float *q, const float *ref, int64_t d, enum sc_knn_metric metric,
		    const int32_t *cand, int nc, int k, int32_t *oidx, float *odist, void *scratch);
/* The k nearest reference rows of q by an exact scan (row self skipped, -1 for none), sorted
 * by distance then index; hv/hi hold k entries, scratch as for knn_finish_row. */
void knn_exact_scan(const float *q, const float *ref, int64_t nref, int64_t d, int64_t self,
		    enum sc_knn_metric metric, int k, float *hv, int32_t *hi, int32_t *oidx,
		    float *odist, void *scratch);
/* Whether a row whose left-out candidates all have true squared distance >= lower_sq can keep
 * its k-th distance dk: true when no left-out row can beat or tie dk (float rounding
 * included). */
int knn_margin_proven(double lower_sq, float dk);
/* Tile sizes of the one-sgemm distance tiles (query rows x reference rows). */
#define QB 512
#define RB 512

/* Per-thread buffers of a tiled search: one QB x RB distance tile, QB bounded heaps of kk
 * (hv, hi, lengths hl) and the re-ranking scratch of knn_finish_row. */
struct knn_tiles {
	float *tile, *hv;
	int32_t *hi;
	int *hl;
	void *scratch;
	int kk;
};
int knn_tiles_init(struct knn_tiles *t, int kk) SC_RESULT_USED;
void knn_tiles_release(struct knn_tiles *t);
/* Distance tile of qb augmented query rows qa (rows q0..) against rb augmented reference
 * rows ra (rows r0..), each row's entries pushed into its heap. With exclude_self the
 * column of the query's own row (q0 + a) is skipped. */
void knn_tiles_scan(struct knn_tiles *t, const float *qa, int64_t q0, int qb, const float *ra,
		    int64_t r0, int rb, int64_t d, int exclude_self);
/* Run fn(arg) on `threads` threads (the caller's included) with BLAS held to one thread. */
int knn_run_threads(void *(*fn)(void *), void *arg, int threads);

#endif
