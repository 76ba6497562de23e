/* Byte streams with transparent zstd and atomic output files.
 *
 * sc_open(path, "r") reads a file or stdin ("-"), sniffing the first bytes: a zstd frame
 * (28 b5 2f fd) is decompressed on the fly, anything else passes through.
 * sc_open(path, "w") writes stdout ("-" or NULL) or a regular file through a temporary file
 * in the same directory, renamed over the target by a successful sc_close(); "wz" (or a path
 * ending in ".zst") compresses with zstd. sc_abort() discards a half-written output, and a
 * SIGINT/SIGTERM removes pending temporaries. Programs use these for all data I/O. */
#ifndef SC_STREAM_H
#define SC_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sc_alloc.h"
#include "sc_err.h"

struct sc_stream;

/* Open for "r", "w" or "wz". NULL with the error set on failure. */
struct sc_stream *sc_open(const char *path, const char *mode);
/* Read up to n bytes (fewer only at end of input). Returns the count, or <0 on error. */
ssize_t sc_read(struct sc_stream *s, void *buf, size_t n) SC_RESULT_USED;
/* Read exactly n bytes; a short read is SC_EINPUT "truncated". */
int sc_read_exact(struct sc_stream *s, void *buf, size_t n, const char *what) SC_RESULT_USED;
/* Read one line into *line without its '\n' (a final unterminated line counts). Returns 1 for a
 * line, 0 at end of input, <0 on error (including a line longer than max bytes). */
int sc_getline(struct sc_stream *s, struct sc_buf *line, size_t max) SC_RESULT_USED;
/* 1 when no byte is left, 0 when more data follows, <0 on error. */
int sc_at_eof(struct sc_stream *s) SC_RESULT_USED;
int sc_write(struct sc_stream *s, const void *buf, size_t n) SC_RESULT_USED;
int sc_puts(struct sc_stream *s, const char *str) SC_RESULT_USED;
int sc_printf(struct sc_stream *s, const char *fmt, ...) SC_FORMAT(2, 3) SC_RESULT_USED;
/* Finish: for writers flush, end the zstd frame, fsync and rename into place. Always frees s.
 * Returns <0 if anything failed (the temporary is then removed). NULL is accepted. */
int sc_close(struct sc_stream *s) SC_RESULT_USED;
/* Discard: a writer's temporary is removed and the target left untouched. NULL is accepted. */
void sc_abort(struct sc_stream *s);
/* The name used in messages ("<stdin>", "<stdout>" or the path). */
const char *sc_stream_name(const struct sc_stream *s);
/* Whether the underlying descriptor is a terminal. */
int sc_stream_isatty(const struct sc_stream *s);
/* Bytes consumed from (or produced into) the stream so far, after decompression. */
uint64_t sc_stream_offset(const struct sc_stream *s);

/* Check stdout was written out completely (call at exit when stdout carried data). */
int sc_close_stdout(void) SC_RESULT_USED;

#endif
