/* libFuzzer target: the TSV table reader (DE tables, control maps). */
#include <stdint.h>
#include <string.h>

#include "tsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_tsv t;
	if (sc_tsv_parse((const char *)data, size, &t) == 0) {
		for (int64_t r = 0; r < t.nrow; r++)
			for (int c = 0; c < t.ncol; c++)
				if (strchr(sc_tsv_get(&t, r, c), '\t'))
					__builtin_trap();
		(void)sc_tsv_col(&t, "gene");
		sc_tsv_release(&t);
	}
	return 0;
}
