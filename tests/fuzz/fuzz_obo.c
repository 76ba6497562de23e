/* libFuzzer target: the OBO reader, then every term's ancestor closure. */
#include <stdint.h>
#include <stdlib.h>

#include "ontology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_onto *o = NULL;
	if (sc_onto_parse((const char *)data, size, SC_ONTO_OBO, "fuzz", &o) == 0) {
		uint8_t *mark = calloc((size_t)o->n, 1);
		int32_t *a = NULL;
		int64_t cap = 0;
		for (int64_t t = 0; mark && t < o->n && t < 512; t++)
			if (sc_onto_ancestors(o, t, mark, &a, &cap) < 0)
				break;
		free(a);
		free(mark);
		sc_onto_free(o);
	}
	return 0;
}
