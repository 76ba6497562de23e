/* libFuzzer target: the JSONL reader and the serializer (print of what was parsed). */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "sc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	struct sc_stream *s;
	struct sc_jsonl r;
	cJSON *o = NULL;
	if (fd < 0)
		return 0;
	s = sc_open(path, "r");
	if (s) {
		sc_jsonl_init(&r, s);
		while (sc_jsonl_next(&r, &o) == 1) {
			struct sc_buf b = SC_BUF_INIT;
			(void)sc_json_print(&b, o);
			(void)sc_metric_check(o);
			sc_buf_release(&b);
			cJSON_Delete(o);
		}
		sc_jsonl_release(&r);
	}
	sc_abort(s);
	close(fd);
	return 0;
}
