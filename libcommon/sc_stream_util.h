/* Small conveniences over sc_stream for programs' close-and-check paths. */
#ifndef SC_STREAM_UTIL_H
#define SC_STREAM_UTIL_H

#include "sc_alloc.h"
#include "sc_stream.h"

/* sc_close(*s), then *s = NULL whatever the result (sc_close always frees), so a later
 * sc_abort(*s) on the cleanup path is a no-op. A NULL *s gives 0. */
int sc_close_ptr(struct sc_stream **s) SC_RESULT_USED;

/* Append the rest of s to b. Returns 0 at end of stream, 1 as soon as b holds more than max
 * bytes (max 0 = no limit; the caller words the message), <0 on a read or memory error. */
int sc_stream_slurp(struct sc_stream *s, size_t max, struct sc_buf *b) SC_RESULT_USED;

#endif
