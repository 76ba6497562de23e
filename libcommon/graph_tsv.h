/* Text forms of graphs and partitions, as the golden files and other tools write them:
 *   graph TSV: one stored entry per line, "i<TAB>j<TAB>w" (0-based indices, w a finite
 *              number >= 0); lines may come in any order; duplicates are summed.
 *   partition: JSONL records with an integer cluster field, or one cluster id (an integer >= 0) per line, in cell order, or "row<TAB>id"
 *              lines; an optional first header line (not starting with a digit) is skipped.
 * Both readers validate every line (the message names the line) and the cell count. */
#ifndef GRAPH_TSV_H
#define GRAPH_TSV_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_stream.h"

/* Read a graph TSV over n cells into g (caller releases with sc_csr_release). */
int sc_graph_tsv_read(struct sc_stream *s, int64_t n, struct sc_csr *g) SC_RESULT_USED;
/* Read n cluster ids; *n_clusters = max id + 1. JSONL lines (cluster-leiden's per-cell
 * records) are read too: the integer under key (NULL: "leiden"). */
int sc_partition_read(struct sc_stream *s, int64_t n, const char *key, int32_t *ids,
		      int32_t *n_clusters) SC_RESULT_USED;

#endif
