/* libFuzzer target: reading one column of a JSONL table must never crash or leak. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "jsonl_column.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	char **v = NULL;
	int64_t n = 0;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_jsonl_column_read(s, "cell_type", &v, &n) == 0)
		sc_jsonl_column_free(v, n);
	sc_abort(s);
	close(fd);
	return 0;
}
