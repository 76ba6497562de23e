/* libFuzzer target: the matrix stream reader (plain and zstd) must never crash or over-read. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "sc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	struct sc_matrix m = SC_MATRIX_INIT;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_mat_read(s, &m) == 0)
		(void)sc_mat_first_nonfinite(&m);
	sc_mat_release(&m);
	sc_abort(s);
	close(fd);
	return 0;
}
