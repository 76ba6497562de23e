/* Small conveniences over sc_stream for programs' close-and-check paths. */
#ifndef SC_STREAM_UTIL_H
#define SC_STREAM_UTIL_H

#include "sc_stream.h"

/* sc_close(*s), then *s = NULL whatever the result (sc_close always frees), so a later
 * sc_abort(*s) on the cleanup path is a no-op. A NULL *s gives 0. */
int sc_close_ptr(struct sc_stream **s) SC_RESULT_USED;

#endif
