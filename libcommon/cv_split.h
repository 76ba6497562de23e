/* Cross-validation splitters with scikit-learn's exact draw order (scikit-learn 1.2.1
 * model_selection/_split.py; spec czb_smf_spec.md C1-C2), driven by numpy's legacy
 * RandomState (np_random.h). Labels are integer codes 0..K-1. */
#ifndef CV_SPLIT_H
#define CV_SPLIT_H

#include <stdint.h>

#include "np_random.h"
#include "sc_err.h"

/* StratifiedKFold(n_splits, shuffle, random_state=seed)._make_test_folds: fold[i] is the test
 * fold of sample i. Classes are re-encoded by order of first appearance, as sklearn does.
 * Fails (SC_EINPUT) when n_splits exceeds the number of samples or every class's size. */
int sc_cv_stratified_kfold(const int32_t *y, int64_t n, int n_splits, int shuffle,
			   uint32_t seed, int32_t *fold) SC_RESULT_USED;

/* sklearn.utils.extmath._approximate_mode(counts, n_draws, rng): out[k] draws per class. */
void sc_cv_approximate_mode(const int64_t *counts, int k, int64_t n_draws, struct sc_nprng *rng,
			    int64_t *out);

/* The test-set size of train_test_split / ShuffleSplit for a fractional test_size:
 * ceil(test_size * n). */
int64_t sc_cv_test_count(int64_t n, double test_size);

/* StratifiedShuffleSplit(n_splits=1, test_size, random_state=seed): the first split, as
 * train_test_split(..., stratify=y) returns it. train and test (caller-allocated, n_train and
 * n_test long, n_test = sc_cv_test_count) get sample indices in split order. Fails
 * (SC_EINPUT) when a class has fewer than 2 members or a part has fewer samples than classes. */
int sc_cv_stratified_shuffle_split(const int32_t *y, int64_t n, int n_classes, int64_t n_test,
				   uint32_t seed, int64_t *train, int64_t *test) SC_RESULT_USED;

#endif
