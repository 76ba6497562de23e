/* Comparing two partitions of the same n items, as scib and scikit-learn do (scib_spec.md
 * section 2). Labels are dense codes >= 0 (sc_labels_encode makes them from strings).
 *
 * - NMI with arithmetic-mean normalisation (sklearn normalized_mutual_info_score, natural
 *   log): 1.0 when both partitions have a single class, 0.0 when the mutual information is 0.
 * - ARI, sklearn flavour (adjusted_rand_score: 1.0 in the degenerate cases) and scib flavour
 *   (scib.metrics.ari: NaN when both partitions are trivial, i.e. max index == expected). */
#ifndef SC_CLUSTER_COMPARE_H
#define SC_CLUSTER_COMPARE_H

#include <stdint.h>

#include "sc_err.h"

struct sc_partition_scores {
	double nmi;       /* arithmetic */
	double ari;       /* sklearn */
	double ari_scib;  /* scib's own formula (NaN on degenerate input) */
	int64_t n_a, n_b; /* number of distinct classes on each side */
};

int sc_partition_compare(const int32_t *a, const int32_t *b, int64_t n,
			 struct sc_partition_scores *out) SC_RESULT_USED;
/* Convenience wrappers: NaN on error (bad codes, allocation failure). */
double sc_nmi(const int32_t *a, const int32_t *b, int64_t n);
double sc_ari(const int32_t *a, const int32_t *b, int64_t n);

/* Dense codes from strings, ordered like pandas categories (sorted unique byte strings):
 * codes[i] in [0, *ncat). NULL strings are refused (SC_EINPUT naming the row). */
int sc_labels_encode(const char *const *labels, int64_t n, int32_t *codes,
		     int64_t *ncat) SC_RESULT_USED;

#endif
