/* Close-and-forget for stream pointers owned by a cleanup path; reading a stream whole. */
#include "sc_stream_util.h"

int sc_close_ptr(struct sc_stream **s)
{
	int rc = sc_close(*s);
	*s = NULL;
	return rc;
}

int sc_stream_slurp(struct sc_stream *s, size_t max, struct sc_buf *b)
{
	for (;;) {
		ssize_t got;
		int rc = sc_buf_grow(b, 65536);
		if (rc < 0)
			return rc;
		if ((got = sc_read(s, b->data + b->len, 65536)) <= 0)
			return (int)got;
		b->len += (size_t)got;
		if (max && b->len > max)
			return 1;
	}
}
