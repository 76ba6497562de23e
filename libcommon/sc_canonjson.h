/* Canonical JSON text for anything that is hashed or must be byte-identical across runs:
 * object keys sorted by byte order, numbers the shortest round-trip way (integers as
 * integers), non-ASCII kept as UTF-8, control characters escaped. Two layouts:
 *   compact  {"a":1,"b":[1,2]}          (JSONL records, digests of params)
 *   pretty   2-space indent, ": " and "," as Python's json.dumps(indent=2, sort_keys=True)
 * Non-finite numbers become null. cJSON's printer neither sorts nor indents this way. */
#ifndef SC_CANONJSON_H
#define SC_CANONJSON_H

#include <cjson/cJSON.h>

#include "sc_alloc.h"

/* Append the canonical text of item to b (no trailing newline). */
int sc_canonjson_print(struct sc_buf *b, const cJSON *item, int pretty) SC_RESULT_USED;
/* Append a JSON string literal for s. */
int sc_canonjson_string(struct sc_buf *b, const char *s) SC_RESULT_USED;

#endif
