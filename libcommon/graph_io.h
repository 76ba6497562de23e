/* The CSR graph stream (magic SCCSR1, man5/scbench-formats.5): a header line
 *   SCCSR1 {"rows":R,"cols":C,"nnz":Z,"indptr":"i64le","indices":"i32le","data":"f32le",...}
 * then indptr (R+1 int64), indices (Z int32), data (Z float32), all little-endian. Column
 * indices are strictly increasing within a row. It serialises struct sc_csr. */
#ifndef SC_GRAPH_IO_H
#define SC_GRAPH_IO_H

#include <cjson/cJSON.h>

#include "sc_csr.h"
#include "sc_stream.h"

#define SC_GRAPH_MAGIC "SCCSR1"
#define SC_GRAPH_MAX_NNZ (INT64_C(1) << 36)

/* Write header (rows, cols, nnz, dtypes, plus the fields of extra, borrowed, may be NULL) and
 * payload. */
int sc_graph_write(struct sc_stream *s, const struct sc_csr *g, const cJSON *extra) SC_RESULT_USED;
/* Text form: "i<TAB>j<TAB>w" per stored entry, w as %.9g (float32 round trip). */
int sc_graph_write_tsv(struct sc_stream *s, const struct sc_csr *g) SC_RESULT_USED;
/* Read and validate: indptr from 0 to nnz and monotone, indices in range and strictly
 * increasing per row, data finite; nothing after the payload. *hdr as for sc_knn_read. */
int sc_graph_read(struct sc_stream *s, struct sc_csr *g, cJSON **hdr) SC_RESULT_USED;
/* The same after the caller read the header line itself; hdr is borrowed. */
int sc_graph_read_payload(struct sc_stream *s, const cJSON *hdr, struct sc_csr *g) SC_RESULT_USED;
/* A graph Leiden can use: square, no negative weight, and symmetric (same pattern and values
 * within 1e-6 relative). The message names the first offending entry. */
int sc_graph_check_symmetric(const struct sc_csr *g) SC_RESULT_USED;
/* Sort each row's entries by column and sum duplicates (for graphs from other tools). */
int sc_csr_sort_rows(struct sc_csr *g) SC_RESULT_USED;

#endif
