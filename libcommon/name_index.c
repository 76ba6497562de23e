/* Sorted (string, row) indexes. */
#include "name_index.h"

#include <stdlib.h>
#include <string.h>

static int cmp_name_ix(const void *a, const void *b)
{
	const struct sc_name_ix *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

void sc_name_ix_sort(struct sc_name_ix *v, int64_t n)
{
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_name_ix);
}

int64_t sc_name_ix_find(const struct sc_name_ix *v, int64_t n, const char *s, int last)
{
	int64_t lo = 0, hi = n, found = -1;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].s, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !strcmp(v[lo].s, s); lo++) {
		found = v[lo].i;
		if (!last)
			break;
	}
	return found;
}
