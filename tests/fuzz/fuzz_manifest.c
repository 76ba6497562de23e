/* libFuzzer target: the artifact manifest and sidecar parsers and the entry-name checks. The
 * first byte picks the parser; the rest is the input. */
#include <stdint.h>
#include <string.h>

#include "sc.h"
#include "sc_bundle.h"
#include "sc_canonjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_manifest m;
	const char *code;
	char hex[65];
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (sc_manifest_parse((const char *)data + 1, size - 1, &m, &code) == 0) {
			for (size_t i = 0; i < m.n; i++)
				(void)sc_bundle_name_check(m.e[i].name);
			sc_manifest_release(&m);
		}
		break;
	case 1: (void)sc_sidecar_parse((const char *)data + 1, size - 1, hex); break;
	default: {
		char name[4097];
		size_t n = size - 1 < sizeof name - 1 ? size - 1 : sizeof name - 1;
		memcpy(name, data + 1, n);
		name[n] = '\0';
		(void)sc_bundle_name_check(name);
		cJSON *j = cJSON_ParseWithLength(name, n);
		if (j) {
			struct sc_buf b = SC_BUF_INIT;
			(void)sc_canonjson_print(&b, j, data[0] & 4);
			sc_buf_release(&b);
			cJSON_Delete(j);
		}
	}
	}
	return 0;
}
