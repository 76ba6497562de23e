/* libFuzzer target: the per-cell table readers (CSV as inferred_labels.csv, TSV and JSONL by
 * sniffing) feeding the confusion-matrix builder. */
#include <stdint.h>
#include <unistd.h>

#include "cas_annotate.h"
#include "fuzz_util.h"

static void one(const char *path, enum sc_rows_fmt fmt)
{
	char *cols[] = { "truth", "p_1", "p_2", "p_3" };
	struct sc_stream *s = sc_open(path, "r");
	struct sc_cm_builder *b = sc_cm_builder_new(3);
	struct sc_rows r = { 0 };
	struct sc_cm m[3];
	int na = 0;
	if (s && b && sc_rows_open(&r, s, fmt, cols, 4, 2, &na) == 0) {
		while (sc_rows_next(&r) == 1)
			if (sc_cm_builder_add(b, r.val[0], r.vlen[0], r.val + 1, r.vlen + 1, na - 1) < 0)
				break;
		if (sc_cm_builder_finish(b, NULL, 0, SC_UNKNOWN_ERROR, "fuzz", m, NULL) == 0)
			for (int k = 0; k < 3; k++)
				sc_cm_release(&m[k]);
	}
	sc_rows_release(&r);
	sc_cm_builder_free(b);
	sc_abort(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	if (fd < 0)
		return 0;
	one(path, SC_ROWS_CSV);
	one(path, SC_ROWS_AUTO);
	close(fd);
	return 0;
}
