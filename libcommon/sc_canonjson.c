/* Sorted-key JSON printer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_canonjson.h"
#include "sc_json.h"

int sc_canonjson_string(struct sc_buf *b, const char *s)
{
	int rc = sc_buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++) {
		switch (*p) {
		case '"': rc = sc_buf_adds(b, "\\\""); break;
		case '\\': rc = sc_buf_adds(b, "\\\\"); break;
		case '\n': rc = sc_buf_adds(b, "\\n"); break;
		case '\r': rc = sc_buf_adds(b, "\\r"); break;
		case '\t': rc = sc_buf_adds(b, "\\t"); break;
		case '\b': rc = sc_buf_adds(b, "\\b"); break;
		case '\f': rc = sc_buf_adds(b, "\\f"); break;
		default:
			if (*p < 0x20)
				rc = sc_buf_addf(b, "\\u%04x", *p);
			else
				rc = sc_buf_add(b, p, 1);
		}
	}
	return rc ? rc : sc_buf_add(b, "\"", 1);
}

static int cmp_items(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

static int indent(struct sc_buf *b, int pretty, int depth)
{
	int rc = 0;
	if (!pretty)
		return 0;
	rc = sc_buf_add(b, "\n", 1);
	for (int i = 0; rc == 0 && i < depth; i++)
		rc = sc_buf_add(b, "  ", 2);
	return rc;
}

static int print_value(struct sc_buf *b, const cJSON *it, int pretty, int depth);

static int print_container(struct sc_buf *b, const cJSON *it, int pretty, int depth)
{
	int is_obj = cJSON_IsObject(it), n = cJSON_GetArraySize(it), rc = 0, i = 0;
	const cJSON **kids = NULL;
	const cJSON *c;
	if (n == 0)
		return sc_buf_adds(b, is_obj ? "{}" : "[]");
	if (!(kids = sc_malloc((size_t)n, sizeof *kids)))
		return SC_ENOMEM;
	cJSON_ArrayForEach(c, it) kids[i++] = c;
	if (is_obj)
		qsort(kids, (size_t)n, sizeof *kids, cmp_items);
	rc = sc_buf_adds(b, is_obj ? "{" : "[");
	for (i = 0; rc == 0 && i < n; i++) {
		if (i && (rc = sc_buf_adds(b, ",")) < 0)
			break;
		if ((rc = indent(b, pretty, depth + 1)) < 0)
			break;
		if (is_obj && ((rc = sc_canonjson_string(b, kids[i]->string ? kids[i]->string : "")) < 0 ||
			       (rc = sc_buf_adds(b, pretty ? ": " : ":")) < 0))
			break;
		rc = print_value(b, kids[i], pretty, depth + 1);
	}
	if (rc == 0 && (rc = indent(b, pretty, depth)) == 0)
		rc = sc_buf_adds(b, is_obj ? "}" : "]");
	free(kids);
	return rc;
}

static int print_value(struct sc_buf *b, const cJSON *it, int pretty, int depth)
{
	char num[40];
	if (cJSON_IsObject(it) || cJSON_IsArray(it))
		return print_container(b, it, pretty, depth);
	if (cJSON_IsString(it))
		return sc_canonjson_string(b, it->valuestring ? it->valuestring : "");
	if (cJSON_IsNumber(it)) {
		double v = it->valuedouble;
		if (!isfinite(v))
			return sc_buf_adds(b, "null");
		sc_fmt_double(v, fabs(v) < 9007199254740992.0 && v == floor(v), num);
		return sc_buf_adds(b, num);
	}
	if (cJSON_IsBool(it))
		return sc_buf_adds(b, cJSON_IsTrue(it) ? "true" : "false");
	return sc_buf_adds(b, "null");
}

int sc_canonjson_print(struct sc_buf *b, const cJSON *item, int pretty)
{
	return print_value(b, item, pretty, 0);
}
