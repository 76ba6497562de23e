/* One symmetric all-pairs distance pass that feeds every consumer at once: the exact
 * euclidean kNN top-k and the silhouettes (label; batch within label; BRAS cosine).
 *
 * The cells are reordered by (label, batch) so every label and every batch-within-label is a
 * contiguous range. The pass runs one sgemm per pair of row blocks I <= J (half the n^2 d
 * work); each tile of squared distances then feeds
 *   - the silhouette sums of its rows and, transposed, of its columns (float32 distances,
 *     sums in double per tile, added across tiles in 64-bit fixed point, which is
 *     associative: the result does not depend on the thread count);
 *   - the kNN candidate heaps of its rows and columns, through a threshold filter (only
 *     entries below a row's current k-th candidate are inserted).
 * The kNN is exactly sc_knn_exact's result (self excluded, sorted by distance then index,
 * true distances recomputed in double): every row's candidates are re-ranked exactly, and a
 * row whose candidate margin cannot be proven wider than the float32 error bound (ties,
 * duplicate points) is recomputed by an exact scan over all cells.
 * When only the batch silhouette is asked for, only the within-label blocks are computed
 * (sum over labels of n_label^2, not n^2). */
#ifndef ALLPAIRS_H
#define ALLPAIRS_H

#include <stdint.h>

#include "knn.h"
#include "sc_err.h"
#include "silhouette.h"

struct sc_allpairs_input {
	const float *x; /* n x d, row-major, finite */
	int64_t n, d;
	const int32_t *label; /* n codes in [0, n_labels), or NULL (kNN only) */
	int32_t n_labels;
	const int32_t *batch; /* n codes in [0, n_batches), or NULL */
	int32_t n_batches;
	int want_label; /* per-cell label silhouette (all pairs) */
	int want_batch; /* batch silhouette within the label (needs batch) */
	int want_bras;  /* cosine BRAS within the label (needs batch) */
	int knn_k;      /* > 0: exact euclidean kNN with this k (1 <= k <= n - 1) */
	int threads;    /* >= 1; output does not depend on it */
};

/* Per-pass figures (for logs and benchmarks). */
struct sc_allpairs_stats {
	double flops;          /* the all-pairs work 2 n^2 d (or sum of 2 n_label^2 d) */
	double flops_executed; /* GEMM flops run: about half, by symmetry */
	int64_t exact_rows;    /* kNN rows recomputed by an exact scan */
	double cpu_seconds;    /* process CPU time of the pass (all threads) */
};

/* Fill sil (arrays asked for; others NULL) and knn (when knn_k > 0); both caller-owned,
 * released with sc_sil_result_release / sc_knn_release. stats may be NULL. */
int sc_allpairs_compute(const struct sc_allpairs_input *in, struct sc_sil_result *sil,
			struct sc_knn *knn, struct sc_allpairs_stats *stats) SC_RESULT_USED;

/* Calibration for benchmarks: GFLOP/s of the same sgemm calls as the pass (the tiles of
 * block pairs I <= J on the first n rows of x), without the distance work; *per_cpu (if not
 * NULL) receives GFLOP per CPU-second (all threads), which a busy machine disturbs less.
 * NAN on bad sizes or allocation failure. */
double sc_allpairs_sgemm_gflops(const float *x, int64_t n, int64_t d, int threads,
				double *per_cpu);

#endif
