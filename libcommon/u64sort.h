/* Sorting and selection of 64-bit keys, for the kNN kernels' (distance bits, index) keys. */
#ifndef U64SORT_H
#define U64SORT_H

#include <stdint.h>

/* Hoare partition of a[lo..hi] (lo < hi) around the median of a[lo], a[mid], a[hi]: returns j
 * with a[lo..j] <= pivot <= a[j+1..hi]. */
int sc_u64_partition(uint64_t *a, int lo, int hi);
/* Sort a[0..n) ascending. */
void sc_u64_sort(uint64_t *a, int n);
/* Rearrange a[0..n) so that a[m - 1] is its m-th smallest and a[0..m - 1) are not larger. */
void sc_u64_select(uint64_t *a, int n, int m);

#endif
