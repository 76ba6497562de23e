/* The binary stream header and the matrix stream.
 *
 * Every binary stream starts with one text line "MAGIC {json}\n" (see man5/scbench-formats.5).
 * The matrix stream (magic SCMAT1) follows it with rows*cols little-endian float32 values in
 * row-major order. The header's "rows", "cols" and "dtype":"f32le" are required; any other
 * fields are metadata carried along (source, key, provenance). */
#ifndef SC_MATRIX_H
#define SC_MATRIX_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "sc_stream.h"

#define SC_HDR_MAX_LINE (1u << 20)
#define SC_MAT_MAGIC "SCMAT1"
/* Guards against hostile headers: checked before anything is allocated. */
#define SC_MAT_MAX_ROWS (INT64_C(1) << 40)
#define SC_MAT_MAX_COLS (INT64_C(1) << 24)
#define SC_MAT_MAX_BYTES (INT64_C(1) << 42)

/* Read a header line and check its magic; *hdr is the JSON object (caller owns). */
int sc_hdr_read(struct sc_stream *s, const char *magic, cJSON **hdr) SC_RESULT_USED;
/* Read a header line whatever its magic (up to 15 characters, copied into magic). */
int sc_hdr_read_any(struct sc_stream *s, char magic[16], cJSON **hdr) SC_RESULT_USED;
/* Write "MAGIC <compact json>\n". */
int sc_hdr_write(struct sc_stream *s, const char *magic, const cJSON *hdr) SC_RESULT_USED;

struct sc_matrix {
	int64_t rows, cols;
	float *data; /* rows*cols, row-major */
	cJSON *meta; /* the header object; owned */
};
#define SC_MATRIX_INIT { 0, 0, NULL, NULL }

/* Read a whole matrix stream: header, payload, and a check that nothing follows. Memory grows
 * as data arrives, so a header claiming more rows than the input holds fails as truncated. */
int sc_mat_read(struct sc_stream *s, struct sc_matrix *m) SC_RESULT_USED;
/* Incremental reading: header first, then rows in blocks. */
int sc_mat_read_header(struct sc_stream *s, int64_t *rows, int64_t *cols, cJSON **hdr) SC_RESULT_USED;
int sc_mat_read_rows(struct sc_stream *s, float *buf, int64_t nrows, int64_t cols) SC_RESULT_USED;
/* Checks that the stream has no bytes after the payload. */
int sc_mat_read_end(struct sc_stream *s) SC_RESULT_USED;

/* Write a header: rows, cols, dtype plus the fields of extra (may be NULL; borrowed). */
int sc_mat_write_header(struct sc_stream *s, int64_t rows, int64_t cols, const cJSON *extra) SC_RESULT_USED;
int sc_mat_write_rows(struct sc_stream *s, const float *buf, int64_t nrows, int64_t cols) SC_RESULT_USED;
/* Header (from m->meta) and payload. */
int sc_mat_write(struct sc_stream *s, const struct sc_matrix *m) SC_RESULT_USED;

/* Running summary of matrix values (mat-info): counts of finite/NaN/Inf values, min, max
 * and the float64 sum of finite values in row order. */
struct sc_mat_stats {
	uint64_t finite, nan, inf;
	double min, max, sum;
	int64_t first_bad_row; /* -1 when all finite */
};
void sc_mat_stats_init(struct sc_mat_stats *st);
void sc_mat_stats_add(struct sc_mat_stats *st, const float *rows, int64_t nrows, int64_t cols,
		      int64_t first_row_index);

/* Index of the first row with a NaN or Inf, or -1 when all values are finite. */
int64_t sc_mat_first_nonfinite(const struct sc_matrix *m);
/* Allocate a rows x cols zeroed matrix (meta NULL). */
int sc_mat_alloc(struct sc_matrix *m, int64_t rows, int64_t cols) SC_RESULT_USED;
void sc_mat_release(struct sc_matrix *m);

#endif
