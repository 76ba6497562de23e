/* StratifiedKFold and StratifiedShuffleSplit in scikit-learn 1.2.1's draw order. */
#include "cv_split.h"

#include <math.h>
#include <stdlib.h>

#include "sc_alloc.h"

int sc_cv_stratified_kfold(const int32_t *y, int64_t n, int n_splits, int shuffle,
			   uint32_t seed, int32_t *fold)
{
	int ret = SC_EINPUT;
	int32_t *enc = NULL, *map = NULL;
	int64_t *cnt = NULL, *alloc = NULL, *pos = NULL;
	int32_t k = 0, maxy = -1;
	struct sc_nprng rng;

	if (n_splits < 2) {
		ret = sc_seterr(SC_EUSAGE, "stratified k-fold needs at least 2 folds");
		goto out;
	}
	if (n < n_splits) {
		sc_seterr(SC_EINPUT, "cannot split %lld samples into %d folds", (long long)n,
			  n_splits);
		goto out;
	}
	for (int64_t i = 0; i < n; i++)
		if (y[i] > maxy)
			maxy = y[i];
	ret = SC_ENOMEM;
	map = sc_malloc((size_t)maxy + 1, sizeof(*map));
	enc = sc_malloc((size_t)n, sizeof(*enc));
	cnt = sc_calloc((size_t)maxy + 1, sizeof(*cnt));
	if (!map || !enc || !cnt)
		goto out;
	for (int32_t c = 0; c <= maxy; c++)
		map[c] = -1;
	/* encode by order of first appearance */
	for (int64_t i = 0; i < n; i++) {
		if (map[y[i]] < 0)
			map[y[i]] = k++;
		enc[i] = map[y[i]];
		cnt[enc[i]]++;
	}
	int64_t maxc = 0;
	for (int32_t c = 0; c < k; c++)
		if (cnt[c] > maxc)
			maxc = cnt[c];
	if (n_splits > maxc) {
		ret = sc_seterr(SC_EINPUT,
				"%d folds cannot exceed the number of members in each class", n_splits);
		goto out;
	}
	/* allocation[f][c] = count of class c in y_sorted[f::F]: the sorted labels are runs of
	 * each class, so position p within the sorted order goes to fold p mod F */
	alloc = sc_calloc((size_t)n_splits * (size_t)k, sizeof(*alloc));
	pos = sc_calloc((size_t)k, sizeof(*pos));
	if (!alloc || !pos)
		goto out;
	int64_t p = 0;
	for (int32_t c = 0; c < k; c++)
		for (int64_t j = 0; j < cnt[c]; j++, p++)
			alloc[(p % n_splits) * k + c]++;
	struct sc_nprng *r = NULL;
	if (shuffle) {
		sc_nprng_legacy(&rng, seed);
		r = &rng;
	}
	/* folds for class c: fold ids repeated by allocation, shuffled, then handed out to the
	 * class's samples in index order; all classes are built first, then assigned */
	int64_t *fc = NULL;
	int64_t total = 0;
	for (int32_t c = 0; c < k; c++)
		total += cnt[c];
	fc = sc_malloc((size_t)total, sizeof(*fc));
	if (!fc)
		goto out;
	int64_t off = 0;
	for (int32_t c = 0; c < k; c++) {
		int64_t m = 0;
		for (int f = 0; f < n_splits; f++)
			for (int64_t j = 0; j < alloc[f * k + c]; j++)
				fc[off + m++] = f;
		if (r)
			sc_nprng_shuffle(r, fc + off, m);
		pos[c] = off;
		off += m;
	}
	for (int64_t i = 0; i < n; i++)
		fold[i] = (int32_t)fc[pos[enc[i]]++];
	free(fc);
	ret = 0;
out:
	free(enc);
	free(map);
	free(cnt);
	free(alloc);
	free(pos);
	return ret;
}

void sc_cv_approximate_mode(const int64_t *counts, int k, int64_t n_draws, struct sc_nprng *rng,
			    int64_t *out)
{
	double sum = 0, *cont = NULL, *rem = NULL, fl = 0;
	int64_t *inds = NULL, *perm = NULL;
	for (int i = 0; i < k; i++)
		sum += (double)counts[i];
	cont = sc_malloc((size_t)k, sizeof(*cont));
	rem = sc_malloc((size_t)k, sizeof(*rem));
	inds = sc_malloc((size_t)k, sizeof(*inds));
	perm = sc_malloc((size_t)k, sizeof(*perm));
	if (!cont || !rem || !inds || !perm) {
		for (int i = 0; i < k; i++)
			out[i] = 0;
		goto out;
	}
	for (int i = 0; i < k; i++) {
		cont[i] = (double)counts[i] / sum * (double)n_draws; /* numpy's operation order */
		double f = floor(cont[i]);
		out[i] = (int64_t)f;
		fl += f;
		rem[i] = cont[i] - f;
	}
	int64_t need = (int64_t)((double)n_draws - fl);
	double last = INFINITY;
	while (need > 0) {
		/* the next distinct remainder value below the last one, descending */
		double v = -INFINITY;
		for (int i = 0; i < k; i++)
			if (rem[i] < last && rem[i] > v)
				v = rem[i];
		if (v == -INFINITY)
			break;
		last = v;
		int m = 0;
		for (int i = 0; i < k; i++)
			if (rem[i] == v)
				inds[m++] = i;
		int64_t take = m < need ? m : need;
		/* rng.choice(inds, take, replace=False) = inds[permutation(m)[:take]] */
		sc_nprng_permutation(rng, perm, m);
		for (int64_t j = 0; j < take; j++)
			out[inds[perm[j]]]++;
		need -= take;
	}
out:
	free(cont);
	free(rem);
	free(inds);
	free(perm);
}

int64_t sc_cv_test_count(int64_t n, double test_size)
{
	return (int64_t)ceil(test_size * (double)n);
}

int sc_cv_stratified_shuffle_split(const int32_t *y, int64_t n, int n_classes, int64_t n_test,
				   uint32_t seed, int64_t *train, int64_t *test)
{
	int ret = SC_ENOMEM;
	int64_t *cnt = NULL, *start = NULL, *idx = NULL, *ni = NULL, *ti = NULL, *rem = NULL,
		*perm = NULL, *fill = NULL;
	int64_t n_train = n - n_test, a = 0, b = 0;
	struct sc_nprng rng;

	cnt = sc_calloc((size_t)n_classes, sizeof(*cnt));
	start = sc_calloc((size_t)n_classes + 1, sizeof(*start));
	ni = sc_calloc((size_t)n_classes, sizeof(*ni));
	ti = sc_calloc((size_t)n_classes, sizeof(*ti));
	rem = sc_calloc((size_t)n_classes, sizeof(*rem));
	fill = sc_calloc((size_t)n_classes, sizeof(*fill));
	idx = sc_malloc((size_t)n, sizeof(*idx));
	perm = sc_malloc((size_t)n, sizeof(*perm));
	if (!cnt || !start || !ni || !ti || !rem || !fill || !idx || !perm)
		goto out;
	ret = SC_EINPUT;
	for (int64_t i = 0; i < n; i++) {
		if (y[i] < 0 || y[i] >= n_classes) {
			sc_seterr(SC_EINPUT, "label code %d out of range", (int)y[i]);
			goto out;
		}
		cnt[y[i]]++;
	}
	for (int c = 0; c < n_classes; c++) {
		if (cnt[c] < 2) {
			sc_seterr(SC_EINPUT, "a class has fewer than 2 members; stratified split "
					     "needs at least 2 per class");
			goto out;
		}
		start[c + 1] = start[c] + cnt[c];
	}
	if (n_train < n_classes || n_test < n_classes) {
		sc_seterr(SC_EINPUT, "train (%lld) or test (%lld) part smaller than the %d classes",
			  (long long)n_train, (long long)n_test, n_classes);
		goto out;
	}
	/* the class's indices in ascending order (a stable argsort) */
	for (int64_t i = 0; i < n; i++)
		idx[start[y[i]] + fill[y[i]]++] = i;
	sc_nprng_legacy(&rng, seed);
	sc_cv_approximate_mode(cnt, n_classes, n_train, &rng, ni);
	for (int c = 0; c < n_classes; c++)
		rem[c] = cnt[c] - ni[c];
	sc_cv_approximate_mode(rem, n_classes, n_test, &rng, ti);
	for (int c = 0; c < n_classes; c++) {
		sc_nprng_permutation(&rng, perm, cnt[c]);
		for (int64_t j = 0; j < ni[c]; j++)
			train[a++] = idx[start[c] + perm[j]];
		for (int64_t j = ni[c]; j < ni[c] + ti[c]; j++)
			test[b++] = idx[start[c] + perm[j]];
	}
	if (a != n_train || b != n_test) {
		ret = sc_seterr(SC_EINPUT, "stratified split sizes do not add up");
		goto out;
	}
	sc_nprng_shuffle(&rng, train, n_train);
	sc_nprng_shuffle(&rng, test, n_test);
	ret = 0;
out:
	free(cnt);
	free(start);
	free(idx);
	free(ni);
	free(ti);
	free(rem);
	free(perm);
	free(fill);
	return ret;
}
