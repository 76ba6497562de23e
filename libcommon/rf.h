/* Random forest classifier in the manner of scikit-learn's RandomForestClassifier defaults:
 * n_trees trees grown to purity (min_samples_split 2, min_samples_leaf 1), gini, sqrt(d)
 * candidate features per node (more are drawn while all drawn ones are constant), bootstrap of
 * n rows with replacement (the counts act as sample weights), midpoint thresholds, class
 * probabilities = mean over trees of the weighted leaf class fractions.
 *
 * Not bit-compatible with scikit-learn (its tree builder and RNG are not ported): large nodes
 * split on per-feature histograms of up to 256 quantile bins (exact when a feature has at most
 * 256 distinct values), nodes below 512 rows on exactly sorted values. Trees are grown on
 * `threads` threads; each tree's RNG is seeded from (seed, tree index) and probabilities are
 * summed in fixed point, so results do not depend on the thread count. */
#ifndef RF_H
#define RF_H

#include <stdint.h>

#include "sc_err.h"

struct sc_rf_opts {
	int n_trees;   /* 100 */
	uint32_t seed; /* 42 */
	int threads;
};

/* Fit on Xtr (ntr x d, float64 row-major, codes ytr in [0, k)) and write class
 * probabilities of Xte into proba (nte x k). */
int sc_rf_fit_predict(const double *Xtr, int64_t ntr, int d, const int32_t *ytr, int k,
		      const double *Xte, int64_t nte, const struct sc_rf_opts *o, double *proba)
	SC_RESULT_USED;

#endif
