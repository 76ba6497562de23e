/* u64sort: sorting and selection of 64-bit keys, by hand and against invariants. */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "u64sort.h"

static int sorted(const uint64_t *a, int n)
{
	for (int i = 1; i < n; i++)
		if (a[i - 1] > a[i])
			return 0;
	return 1;
}

int main(void)
{
	uint64_t h[] = { 5, 1, 4, 1, 3 };
	sc_u64_sort(h, 5);
	ok(h[0] == 1 && h[1] == 1 && h[2] == 3 && h[3] == 4 && h[4] == 5, "hand case sorts with a duplicate");
	uint64_t s[] = { 9, 7, 8, 2, 6, 2 };
	sc_u64_select(s, 6, 3);
	ok(s[2] == 6 && s[0] <= 6 && s[1] <= 6 && s[0] + s[1] == 4, "select: third smallest in place, smaller before");

	enum { N = 1000 };
	static uint64_t a[N], b[N];
	uint64_t x = 88172645463325252u;
	int ok_sort = 1, ok_sel = 1;
	for (int rep = 0; rep < 50; rep++) {
		int n = 1 + rep * 19 % N, m = 1 + rep * 7 % n;
		for (int i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			a[i] = b[i] = rep % 5 == 0 ? x % 4 : x; /* some runs full of ties */
		}
		sc_u64_sort(a, n);
		ok_sort &= sorted(a, n);
		sc_u64_select(b, n, m);
		for (int i = 0; i < n; i++)
			ok_sel &= i < m - 1 ? b[i] <= b[m - 1] : b[i] >= b[m - 1];
		ok_sel &= b[m - 1] == a[m - 1];
	}
	ok(ok_sort, "random and tie-heavy arrays come out sorted");
	ok(ok_sel, "select puts the m-th smallest at m - 1 with the smaller ones before it");
	return tap_done();
}
