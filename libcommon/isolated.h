/* Isolated labels (scib isolated_labels_asw / isolated_labels_f1, scib-metrics
 * isolated_labels): the labels present in the fewest batches (or in at most iso_threshold
 * batches). scib returns none when that count equals the number of batches (every label in
 * every batch); scib-metrics has no such guard. */
#ifndef ISOLATED_H
#define ISOLATED_H

#include <stdint.h>

#include "sc_err.h"

enum sc_iso_flavor { SC_ISO_SCIB, SC_ISO_SCIB_METRICS };

/* Mark the isolated labels in iso[n_labels]; returns their count (0 = none), or < 0. */
int32_t sc_isolated_labels(const int32_t *label, int32_t n_labels, const int32_t *batch,
			   int32_t n_batches, int64_t n, int32_t iso_threshold,
			   enum sc_iso_flavor flavor, unsigned char *iso);

/* Isolated-label ASW: mean over isolated labels of the mean of (s + 1) / 2 over the label's
 * cells, from per-cell label silhouettes s. NaN with no isolated label. */
double sc_isolated_asw(const double *s, const int32_t *label, int32_t n_labels, int64_t n,
		       const unsigned char *iso);

/* Best binary F1 of "cluster == c" against "label == L" over the clusters c of a partition
 * (scib max_f1). */
double sc_isolated_max_f1(const int32_t *clusters, int32_t n_clusters, const int32_t *label,
			  int32_t target, int64_t n);

#endif
