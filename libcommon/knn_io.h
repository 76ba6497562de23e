/* The kNN stream (magic SCKNN1, man5/scbench-formats.5): a header line
 *   SCKNN1 {"n":N,"k":K,"metric":"euclidean","index":"i32le","dist":"f32le",...}
 * then, per row, K little-endian int32 neighbour indices followed by K float32 distances.
 * Rows exclude the cell itself and are sorted by distance (ties by index). */
#ifndef SC_KNN_IO_H
#define SC_KNN_IO_H

#include <cjson/cJSON.h>

#include "knn.h"
#include "sc_stream.h"

#define SC_KNN_MAGIC "SCKNN1"

/* Write header (n, k, metric, dtypes, plus the fields of extra, borrowed, may be NULL) and
 * rows. */
int sc_knn_write(struct sc_stream *s, const struct sc_knn *g, enum sc_knn_metric metric,
		 const cJSON *extra) SC_RESULT_USED;
/* Text form, the layout of the golden files: "i<TAB>j1<TAB>...<TAB>jk" per row (indices only). */
int sc_knn_write_tsv(struct sc_stream *s, const struct sc_knn *g) SC_RESULT_USED;
/* Read and validate a whole stream: indices in [0, n) and never the row itself, distances
 * finite, >= 0 and non-decreasing, nothing after the payload. *hdr (if hdr is not NULL)
 * receives the header object (caller owns); *metric (if not NULL) its metric. */
int sc_knn_read(struct sc_stream *s, struct sc_knn *g, enum sc_knn_metric *metric,
		cJSON **hdr) SC_RESULT_USED;

/* The same after the caller read the header line itself (sc_hdr_read_any, to sniff the
 * magic); hdr is borrowed. */
int sc_knn_read_payload(struct sc_stream *s, const cJSON *hdr, struct sc_knn *g,
			enum sc_knn_metric *metric) SC_RESULT_USED;

#endif
