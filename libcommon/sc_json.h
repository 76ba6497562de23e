/* JSON and JSONL on cJSON, with numbers printed the shortest way that reads back to the same
 * double (Python repr style), so values survive a trip through any JSON tool. */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <cjson/cJSON.h>

#include "sc_alloc.h"
#include "sc_stream.h"

/* Largest JSONL line accepted (a guard against unterminated garbage). */
#define SC_JSONL_MAX_LINE (256u << 20)

/* Format a double into out (>= 32 bytes): shortest round-trip digits; exponent form when the
 * decimal exponent is < -4 or >= 16, like Python's repr ("0.1", "1e-05", "1e+16", "1.0").
 * Integral values print without ".0" when int_style is set (JSON integers).
 * Non-finite values give "NaN", "Infinity", "-Infinity". */
void sc_fmt_double(double v, int int_style, char *out);
/* Append the compact JSON text of item to b; non-finite numbers become null. */
int sc_json_print(struct sc_buf *b, const cJSON *item) SC_RESULT_USED;
/* Write item as one JSONL line. */
int sc_jsonl_write(struct sc_stream *s, const cJSON *item) SC_RESULT_USED;

/* A JSONL reader: skips blank lines, counts lines for messages. */
struct sc_jsonl {
	struct sc_stream *s; /* borrowed */
	struct sc_buf line;
	long lineno;
};
void sc_jsonl_init(struct sc_jsonl *r, struct sc_stream *s);
/* Next record into *out (caller frees with cJSON_Delete). 1 record, 0 end, <0 error naming
 * the file and line. Records must be JSON objects. */
int sc_jsonl_next(struct sc_jsonl *r, cJSON **out) SC_RESULT_USED;
void sc_jsonl_release(struct sc_jsonl *r);

/* Accessors that fail with a message naming the key. */
int sc_json_get_int64(const cJSON *obj, const char *key, long long min, long long max,
		      long long *out) SC_RESULT_USED;
const char *sc_json_get_string(const cJSON *obj, const char *key); /* NULL if absent/not str */
/* Add a number that becomes null when not finite. */
cJSON *sc_json_add_number(cJSON *obj, const char *key, double v);

#endif
