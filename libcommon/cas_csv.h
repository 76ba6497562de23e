/* Delimited text as the peers write it: a streaming CSV/TSV record reader (RFC 4180 quoting
 * for CSV, plain tab splitting for TSV), pandas' default NA tokens, and a CSV writer that lays
 * fields and numbers out exactly like pandas DataFrame.to_csv (minimal quoting, Python repr
 * floats), which is what the cellarium-cas F-measure tables are.
 *
 * Ownership: sc_csv_open borrows the stream; field pointers returned by sc_csv_next point into
 * the reader's buffer and stay valid until the next call. */
#ifndef SC_CAS_CSV_H
#define SC_CAS_CSV_H

#include <stddef.h>

#include "sc_alloc.h"
#include "sc_stream.h"

/* Longest record accepted (a guard against an unterminated quote swallowing the file). */
#define SC_CSV_MAX_RECORD (64u << 20)
/* Most fields per record. */
#define SC_CSV_MAX_FIELDS 100000

struct sc_csv {
	struct sc_stream *s; /* borrowed */
	char delim;
	int quoting; /* 1: '"' quotes fields (CSV); 0: no quoting (TSV) */
	char *buf;
	size_t cap, start, end;
	int eof;
	long lineno; /* line number of the record last returned (1-based) */
	long nextline;
	int nf, capf;
	char **f;   /* field i, NUL-terminated, in buf */
	size_t *fl; /* field lengths */
};

/* Start reading s with the given delimiter; quoting as above. */
int sc_csv_open(struct sc_csv *r, struct sc_stream *s, char delim, int quoting) SC_RESULT_USED;
/* The next record: 1 (fields in r->f / r->fl, r->nf of them), 0 at end, <0 on error naming
 * the stream and line (unterminated quote, text after a closing quote, record too long). */
int sc_csv_next(struct sc_csv *r) SC_RESULT_USED;
void sc_csv_release(struct sc_csv *r);

/* Whether a field is one of pandas 1.5's default NA tokens ("", "NA", "nan", "NULL", ...). */
int sc_csv_is_na(const char *p, size_t n);

/* Writers (append to b): a field with pandas' minimal quoting (quoted when it holds the
 * delimiter ',', '"', '\n' or '\r', with '"' doubled); a double as Python repr; an integer. */
int sc_csv_put_field(struct sc_buf *b, const char *s) SC_RESULT_USED;
int sc_csv_put_double(struct sc_buf *b, double v) SC_RESULT_USED;
int sc_csv_put_int(struct sc_buf *b, long long v) SC_RESULT_USED;

#endif
