/* libFuzzer target: the SCCSR1 reader and the symmetry check must never crash or over-read;
 * an accepted graph has a valid CSR structure; kNN conversion of it must not crash either. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "graph_io.h"
#include "umap_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	struct sc_csr g = SC_CSR_INIT;
	struct sc_knn k = SC_KNN_INIT;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_conn_load(s, SC_CONN_UMAP, 0, &g) == 0) {
		if (sc_csr_validate(&g) != 0)
			__builtin_trap();
		(void)sc_csr_to_knn(&g, &k);
	}
	sc_knn_release(&k);
	sc_csr_release(&g);
	sc_abort(s);
	close(fd);
	return 0;
}
