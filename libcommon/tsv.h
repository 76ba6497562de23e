/* A small tab-separated table: a header line naming the columns, then rows of exactly as many
 * fields (blank lines skipped, a trailing CR dropped). Fields are NUL-terminated strings in
 * one buffer owned by the table. */
#ifndef TSV_H
#define TSV_H

#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"
#include "sc_stream.h"

struct sc_tsv {
	int ncol;
	int64_t nrow;
	char **head;  /* ncol names */
	char **field; /* nrow x ncol */
	char *buf;
};
#define SC_TSV_INIT { 0, 0, NULL, NULL, NULL }

int sc_tsv_parse(const char *data, size_t len, struct sc_tsv *t) SC_RESULT_USED;
int sc_tsv_read(struct sc_stream *s, struct sc_tsv *t) SC_RESULT_USED;
/* Column index of name, or SC_EINPUT with a message naming the column. */
int sc_tsv_col(const struct sc_tsv *t, const char *name) SC_RESULT_USED;
static inline const char *sc_tsv_get(const struct sc_tsv *t, int64_t r, int c)
{
	return t->field[r * t->ncol + c];
}
void sc_tsv_release(struct sc_tsv *t);

#endif
