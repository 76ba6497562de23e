/* Sorted (string, row) indexes: the name -> row lookups and sorted-category encodings of
 * obs/var names, labels and gene lists. Strings are borrowed, never copied. */
#ifndef SC_NAME_INDEX_H
#define SC_NAME_INDEX_H

#include <stdint.h>

struct sc_name_ix {
	const char *s;
	int64_t i;
};

/* Sort by string (byte order, strcmp), then by row: a deterministic total order. */
void sc_name_ix_sort(struct sc_name_ix *v, int64_t n);
/* Row of s in a sorted index, -1 if absent; among duplicates the first row (last = 0) or the
 * last row (last = 1, as a Python dict built from the names keeps). */
int64_t sc_name_ix_find(const struct sc_name_ix *v, int64_t n, const char *s, int last);

#endif
