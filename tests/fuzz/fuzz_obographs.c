/* libFuzzer target: the JSON ontology readers (OBO-Graphs and the cellarium-cas resource,
 * told apart by the auto sniffing), then ancestor closures and hierarchical scoring. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmeasure.h"
#include "ontology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_onto *o = NULL;
	if (sc_onto_parse((const char *)data, size, SC_ONTO_AUTO, "fuzz", &o) == 0) {
		struct sc_hfmeasure *h = sc_hfmeasure_new(o, "CL:0000000");
		struct sc_cm m;
		struct sc_fmeasure f;
		int64_t n = o->n < 64 ? o->n : 64;
		memset(&m, 0, sizeof m);
		m.labels = o->ids; /* borrowed for the test matrix */
		m.n_labels = n;
		m.ti = calloc((size_t)n + 1, sizeof *m.ti);
		m.pi = calloc((size_t)n + 1, sizeof *m.pi);
		m.cnt = calloc((size_t)n + 1, sizeof *m.cnt);
		for (int64_t i = 0; m.ti && m.pi && m.cnt && i < n; i++) {
			m.ti[i] = (int32_t)i;
			m.pi[i] = (int32_t)((i * 7 + 3) % n);
			m.cnt[i] = 1 + i % 3;
			m.nnz = i + 1;
		}
		if (h)
			(void)sc_hfmeasure_compute(h, &m, SC_UNKNOWN_SELF, "fuzz", &f);
		free(m.ti);
		free(m.pi);
		free(m.cnt);
		sc_hfmeasure_free(h);
		sc_onto_free(o);
	}
	return 0;
}
