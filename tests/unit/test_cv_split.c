/* CV splitters: scikit-learn's documented _approximate_mode examples and fold invariants. */
#include <stdlib.h>

#include "../../libcommon/cv_split.h"
#include "tap.h"

static int mode_is(const int64_t *counts, int k, int64_t n, uint32_t seed, const int64_t *want)
{
	struct sc_nprng r;
	int64_t out[8];
	sc_nprng_legacy(&r, seed);
	sc_cv_approximate_mode(counts, k, n, &r, out);
	for (int i = 0; i < k; i++)
		if (out[i] != want[i])
			return 0;
	return 1;
}

int main(void)
{
	/* the examples in sklearn.utils.extmath._approximate_mode's docstring */
	ok(mode_is((int64_t[]){ 4, 2 }, 2, 3, 0, (int64_t[]){ 2, 1 }), "approximate_mode([4,2],3)");
	ok(mode_is((int64_t[]){ 5, 2 }, 2, 4, 0, (int64_t[]){ 3, 1 }), "approximate_mode([5,2],4)");
	ok(mode_is((int64_t[]){ 2, 2, 2, 1 }, 4, 2, 0, (int64_t[]){ 0, 1, 1, 0 }),
	   "approximate_mode([2,2,2,1],2,rng=0)");
	ok(mode_is((int64_t[]){ 2, 2, 2, 1 }, 4, 2, 42, (int64_t[]){ 1, 1, 0, 0 }),
	   "approximate_mode([2,2,2,1],2,rng=42)");

	/* 23 samples of 3 classes in 5 folds: each class spread evenly, fold sizes differ by <= 1 */
	int32_t y[23], fold[23];
	for (int i = 0; i < 23; i++)
		y[i] = i % 3 == 0 ? 2 : (i % 3 == 1 ? 0 : 1);
	ok(sc_cv_stratified_kfold(y, 23, 5, 1, 42, fold) == 0, "kfold runs");
	int per[5][3] = { { 0 } }, size[5] = { 0 }, even = 1, bal = 1;
	for (int i = 0; i < 23; i++) {
		per[fold[i]][y[i]]++;
		size[fold[i]]++;
	}
	for (int f = 0; f < 5; f++) {
		if (size[f] < 4 || size[f] > 5)
			bal = 0;
		for (int c = 0; c < 3; c++)
			if (per[f][c] < 1 || per[f][c] > 2)
				even = 0;
	}
	ok(bal, "fold sizes differ by at most one");
	ok(even, "each class spread over folds as evenly as possible");
	/* unshuffled: a class's samples take fold ids in ascending runs */
	ok(sc_cv_stratified_kfold(y, 23, 5, 0, 0, fold) == 0, "unshuffled kfold runs");
	int asc = 1, last[3] = { -1, -1, -1 };
	for (int i = 0; i < 23; i++) {
		if (fold[i] < last[y[i]])
			asc = 0;
		last[y[i]] = fold[i];
	}
	ok(asc, "unshuffled folds ascend within each class");
	ok(sc_cv_stratified_kfold(y, 23, 9, 1, 42, fold) == SC_EINPUT,
	   "more folds than members of every class is refused");

	/* shuffle split: parts partition the samples and keep class proportions */
	int64_t tr[23], te[23];
	int64_t nt = sc_cv_test_count(23, 0.2);
	ok(nt == 5, "test count ceil(0.2*23) = 5");
	ok(sc_cv_stratified_shuffle_split(y, 23, 3, nt, 42, tr, te) == 0, "shuffle split runs");
	int seen[23] = { 0 }, part = 1, tc[3] = { 0 };
	for (int i = 0; i < 18; i++)
		seen[tr[i]]++;
	for (int i = 0; i < 5; i++) {
		seen[te[i]]++;
		tc[y[te[i]]]++;
	}
	for (int i = 0; i < 23; i++)
		part &= seen[i] == 1;
	ok(part, "train and test partition the samples");
	ok(tc[0] >= 1 && tc[1] >= 1 && tc[2] >= 1, "every class in the test part");
	int32_t y1[4] = { 0, 0, 0, 1 };
	ok(sc_cv_stratified_shuffle_split(y1, 4, 2, 1, 42, tr, te) == SC_EINPUT,
	   "a class with one member is refused");
	return tap_done();
}
