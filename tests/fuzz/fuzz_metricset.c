/* libFuzzer target: metric JSONL into a metric set, then the gate (the set against itself)
 * and the report with figures, so every parser and renderer sees hostile records. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "sc.h"
#include "sc_gate.h"
#include "sc_metricset.h"
#include "sc_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	struct sc_metricset set = { 0 };
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_metricset_read(&set, s) == 0 && sc_metricset_finish(&set) == 0) {
		struct sc_gate_opts o;
		struct sc_gate g;
		struct sc_report r;
		struct sc_report_input in = { path, NULL };
		struct sc_report_opts ro = { "t", 1, "f", 1 };
		sc_gate_opts_init(&o);
		o.allow_empty = 1;
		if (sc_gate_run(&set, &set, &o, &g) == 0)
			sc_gate_release(&g);
		if (sc_report_build(&set, &set, &in, 1, &ro, &r) == 0)
			sc_report_release(&r);
	}
	sc_abort(s);
	sc_metricset_release(&set);
	close(fd);
	return 0;
}
