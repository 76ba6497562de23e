/* Close-and-forget for stream pointers owned by a cleanup path. */
#include "sc_stream_util.h"

int sc_close_ptr(struct sc_stream **s)
{
	int rc = sc_close(*s);
	*s = NULL;
	return rc;
}
