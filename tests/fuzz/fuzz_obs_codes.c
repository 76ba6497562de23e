/* libFuzzer target: obs JSONL columns to category codes (obs_codes.h). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "obs_codes.h"
#include "sc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s) {
		struct sc_obs_column c[2] = { { "cell_type", NULL, 0 }, { "batch", NULL, 0 } };
		int64_t n = 0;
		if (sc_obs_read_codes(s, c, 2, &n) == 0)
			for (int64_t i = 0; i < n; i++)
				if (c[0].codes[i] < 0 || c[0].codes[i] >= c[0].n_levels ||
				    c[1].codes[i] < 0 || c[1].codes[i] >= c[1].n_levels)
					abort();
		sc_obs_column_release(&c[0]);
		sc_obs_column_release(&c[1]);
	}
	sc_abort(s);
	close(fd);
	return 0;
}
