/* libFuzzer target: the confusion-matrix JSONL reader, then aggregation and both F-measure
 * tables written to /dev/null. */
#include <stdint.h>
#include <unistd.h>

#include "cas_report.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s, *out;
	struct sc_cm_set set = { 0 }, agg = { 0 };
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s && sc_cm_set_read(s, &set) == 0) {
		out = sc_open("/dev/null", "w");
		if (out) {
			(void)sc_cas_fmeasure_report(&set, SC_REPORT_CSV, out);
			if (sc_cm_aggregate(&set, "model_name", &agg) == 0)
				(void)sc_cas_fmeasure_report(&agg, SC_REPORT_JSONL, out);
			sc_abort(out);
		}
	}
	sc_cm_set_release(&set);
	sc_cm_set_release(&agg);
	sc_abort(s);
	close(fd);
	return 0;
}
