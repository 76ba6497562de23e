/* k-nearest-neighbour search: exact (BLAS sgemm tiles with the top-k selection fused into the
 * tile loop) and approximate (an inverted-file search on the same fused kernel, optionally
 * refined by neighbour-of-neighbour passes; see man1/knn-graph.1 for why).
 *
 * Conventions shared by every function here:
 * - x is row-major n x d float32, borrowed; it must be finite (callers check with
 *   sc_mat_first_nonfinite and refuse NaN/Inf naming the row).
 * - Results exclude the point itself, are sorted by distance then by index, and carry true
 *   distances (euclidean: sqrt of the sum of squares; cosine: 1 - cos), recomputed exactly in
 *   double for the k kept neighbours so the GEMM identity's cancellation never shows.
 * - Output is identical whatever the thread count.
 * - struct sc_knn is caller-owned: sc_knn_* fill it (releasing nothing first) and the caller
 *   frees it with sc_knn_release. */
#ifndef SC_KNN_H
#define SC_KNN_H

#include <stdint.h>

#include "sc_err.h"

enum sc_knn_metric {
	SC_KNN_EUCLIDEAN = 0,
	SC_KNN_COSINE = 1
};

/* n rows of k neighbours: idx[i*k + j], dist[i*k + j]. */
struct sc_knn {
	int64_t n;
	int k;
	int32_t *idx;
	float *dist;
};
#define SC_KNN_INIT { 0, 0, NULL, NULL }

/* Above this many cells knn-graph switches to the approximate search unless told otherwise. */
#define SC_KNN_AUTO_APPROX_N INT64_C(200000)
/* Largest k accepted anywhere (a guard for hostile headers and options). */
#define SC_KNN_MAX_K 4096

int sc_knn_alloc(struct sc_knn *g, int64_t n, int k) SC_RESULT_USED;
void sc_knn_release(struct sc_knn *g);
/* Parse "euclidean" / "cosine"; SC_EUSAGE otherwise. */
int sc_knn_metric_parse(const char *s, enum sc_knn_metric *out) SC_RESULT_USED;
const char *sc_knn_metric_name(enum sc_knn_metric m);

/* Exact all-vs-all kNN of the n rows of x, self excluded. Requires 1 <= k <= n - 1 (callers
 * clamp). threads >= 1. */
int sc_knn_exact(const float *x, int64_t n, int64_t d, int k, enum sc_knn_metric metric,
		 int threads, struct sc_knn *out) SC_RESULT_USED;

/* Exact kNN of nq query rows against nref reference rows (classifiers). exclude_self: query
 * row i and reference row i are the same point and i is never returned for it (needs
 * nq == nref). Requires 1 <= k <= nref (- 1 with exclude_self). out->n = nq. */
int sc_knn_query(const float *ref, int64_t nref, const float *query, int64_t nq, int64_t d,
		 int k, int exclude_self, enum sc_knn_metric metric, int threads,
		 struct sc_knn *out) SC_RESULT_USED;

/* Approximate all-vs-all kNN. */
struct sc_knn_approx_opts {
	uint64_t seed; /* sampling of the coarse centroids */
	int64_t lists; /* coarse cells; 0 = automatic (about 4 sqrt(n)) */
	int probes;    /* cells searched per point; 0 = automatic */
	int refine;    /* neighbour-of-neighbour passes after the cell search (default 0) */
};
void sc_knn_approx_defaults(struct sc_knn_approx_opts *o);
int sc_knn_approx(const float *x, int64_t n, int64_t d, int k, enum sc_knn_metric metric,
		  const struct sc_knn_approx_opts *o, int threads, struct sc_knn *out) SC_RESULT_USED;

/* Recall of g against exact neighbours on `samples` rows drawn with seed (all rows when
 * samples >= n): mean over rows of |approx set ∩ exact set| / k. */
int sc_knn_recall(const float *x, int64_t d, enum sc_knn_metric metric, const struct sc_knn *g,
		  int64_t samples, uint64_t seed, int threads, double *recall) SC_RESULT_USED;

/* Benchmark aid: the plain sgemm work of an exact search of x (the same tiles and threads, no
 * top-k), timed in wall and process CPU seconds. */
int sc_knn_gemm_baseline(const float *x, int64_t n, int64_t d, int threads, double *seconds,
			 double *cpu_seconds) SC_RESULT_USED;

/* The first k columns of in (k <= in->k) into out (caller-owned). scanpy's n_neighbors=K is
 * sc_knn_truncate(K - 1): scanpy counts the cell itself. */
int sc_knn_truncate(const struct sc_knn *in, int k, struct sc_knn *out) SC_RESULT_USED;

#endif
