/* k-nearest-neighbour classification (scikit-learn KNeighborsClassifier, uniform weights,
 * euclidean): proba[c] = share of the k nearest training rows with class c.
 *
 * Neighbours come from a tiled float32 GEMM (||t||^2 - 2 q.t) with the top-k candidates kept
 * per query inside the tile loop, then re-ranked by exact float64 distances, so the selected
 * set is the float64 one (ties in distance go to the lower training index). Threads split the
 * query rows; the result does not depend on the thread count. */
#ifndef KNN_CLASSIFY_H
#define KNN_CLASSIFY_H

#include <stdint.h>

#include "sc_err.h"

/* train: ntr x d, test: nte x d, float64 row-major; ytr codes in [0, n_classes).
 * proba: nte x n_classes. k <= ntr. */
int sc_knn_classify(const double *train, int64_t ntr, const int32_t *ytr, const double *test,
		    int64_t nte, int d, int n_classes, int k, int threads, double *proba)
	SC_RESULT_USED;

#endif
