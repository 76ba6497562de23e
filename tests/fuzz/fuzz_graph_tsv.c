/* libFuzzer target: the graph TSV and partition readers of score-scib (graph_tsv.h). The
 * first byte picks the reader and the cell count. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "graph_tsv.h"
#include "sc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (size < 1)
		return 0;
	int64_t n = 1 + data[0] % 64;
	int fd = fuzz_memfile(data + 1, size - 1, path);
	struct sc_stream *s;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && data[0] & 0x80) {
		int32_t ids[64], nc;
		(void)sc_partition_read(s, n, NULL, ids, &nc);
	} else if (s) {
		struct sc_csr g = SC_CSR_INIT;
		if (sc_graph_tsv_read(s, n, &g) == 0 && sc_csr_validate(&g) != 0)
			abort(); /* a graph that was accepted must be well formed */
		sc_csr_release(&g);
	}
	sc_abort(s);
	close(fd);
	return 0;
}
