/* libFuzzer target: the GRN truth TSV parser. */
#include <stdint.h>
#include <string.h>

#include "grn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_grn_truth t = SC_GRN_TRUTH_INIT;
	if (sc_grn_truth_parse((const char *)data, size, &t) == 0) {
		for (int64_t i = 0; i < t.n; i++)
			if (!t.e[i].g1[0] || !t.e[i].g2[0])
				__builtin_trap();
		sc_grn_truth_release(&t);
	}
	return 0;
}
