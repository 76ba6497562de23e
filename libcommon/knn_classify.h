/* k-nearest-neighbour classification (scikit-learn KNeighborsClassifier, uniform weights,
 * euclidean): proba[c] = share of the k nearest training rows with class c.
 *
 * Candidates (k + 8) come from the fused float32 GEMM top-k search of knn.h (sc_knn_query),
 * then are re-ranked by exact float64 distances, so the selected set is the float64 one (ties
 * in distance go to the lower training index). Output does not depend on the thread count. */
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
