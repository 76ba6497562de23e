/* Checked allocation: sizes from untrusted input go through these so that an overflow or a
 * hostile header becomes an SC_ENOMEM error with a message, never a wrapped size. */
#ifndef SC_ALLOC_H
#define SC_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

/* a*b into *out; returns SC_ENOMEM (with a message) on overflow. */
int sc_mul_size(size_t a, size_t b, size_t *out) SC_RESULT_USED;
/* malloc/calloc/realloc of n*size bytes; NULL with the error set on overflow or failure.
 * A zero request returns a valid unique pointer. */
void *sc_malloc(size_t n, size_t size);
void *sc_calloc(size_t n, size_t size);
void *sc_realloc(void *p, size_t n, size_t size);
/* strdup that sets the error on failure. */
char *sc_strdup(const char *s);

/* A growable byte buffer (text building, JSON output). */
struct sc_buf {
	char *data;
	size_t len, cap;
};
#define SC_BUF_INIT { NULL, 0, 0 }
int sc_buf_grow(struct sc_buf *b, size_t extra) SC_RESULT_USED;
int sc_buf_add(struct sc_buf *b, const void *p, size_t n) SC_RESULT_USED;
int sc_buf_adds(struct sc_buf *b, const char *s) SC_RESULT_USED;
int sc_buf_addf(struct sc_buf *b, const char *fmt, ...) SC_FORMAT(2, 3) SC_RESULT_USED;
void sc_buf_release(struct sc_buf *b);

#endif
