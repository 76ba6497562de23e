/* Quicksort and quickselect over 64-bit keys (one partition for both). */
#include "u64sort.h"

int sc_u64_partition(uint64_t *a, int lo, int hi)
{
	uint64_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi], t;
	uint64_t p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
	int i = lo - 1, j = hi + 1;
	for (;;) {
		do
			i++;
		while (a[i] < p);
		do
			j--;
		while (a[j] > p);
		if (i >= j)
			return j;
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

void sc_u64_sort(uint64_t *a, int n)
{
	while (n > 16) {
		int j = sc_u64_partition(a, 0, n - 1);
		/* recurse on the smaller part, loop on the larger */
		if (j + 1 < n - j - 1) {
			sc_u64_sort(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			sc_u64_sort(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (int i = 1; i < n; i++) {
		uint64_t v = a[i];
		int j = i - 1;
		for (; j >= 0 && a[j] > v; j--)
			a[j + 1] = a[j];
		a[j + 1] = v;
	}
}

void sc_u64_select(uint64_t *a, int n, int m)
{
	int lo = 0, hi = n - 1, want = m - 1;
	while (hi > lo) {
		int j = sc_u64_partition(a, lo, hi);
		if (want <= j)
			hi = j;
		else
			lo = j + 1;
	}
}
