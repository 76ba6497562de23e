/* Shortest round-trip number formatting, a compact serializer, and the JSONL reader. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_json.h"

/* Digits and decimal exponent of the shortest %.Ne form that reads back as v. */
static int shortest(double v, char *digits, int *exp10)
{
	char tmp[40];
	int prec, nd = 0;
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is like "-1.2345e+05" */
	{
		const char *p = tmp;
		char *e;
		if (*p == '-')
			p++;
		for (; *p && *p != 'e'; p++)
			if (*p != '.')
				digits[nd++] = *p;
		digits[nd] = '\0';
		*exp10 = (int)strtol(p + 1, &e, 10);
	}
	/* trailing zeros carry no information */
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	return nd;
}

void sc_fmt_double(double v, int int_style, char *out)
{
	char digits[24];
	int nd, e, pos = 0;
	if (isnan(v)) {
		strcpy(out, "NaN");
		return;
	}
	if (isinf(v)) {
		strcpy(out, v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (v == 0) {
		strcpy(out, signbit(v) ? (int_style ? "-0" : "-0.0") : (int_style ? "0" : "0.0"));
		return;
	}
	nd = shortest(v, digits, &e);
	if (v < 0)
		out[pos++] = '-';
	if (e < -4 || e >= 16) {
		out[pos++] = digits[0];
		if (nd > 1) {
			out[pos++] = '.';
			memcpy(out + pos, digits + 1, (size_t)nd - 1);
			pos += nd - 1;
		}
		pos += sprintf(out + pos, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	} else if (e < 0) {
		out[pos++] = '0';
		out[pos++] = '.';
		for (int i = 0; i < -e - 1; i++)
			out[pos++] = '0';
		memcpy(out + pos, digits, (size_t)nd);
		pos += nd;
	} else {
		for (int i = 0; i <= e; i++)
			out[pos++] = i < nd ? digits[i] : '0';
		if (nd > e + 1) {
			out[pos++] = '.';
			memcpy(out + pos, digits + e + 1, (size_t)(nd - e - 1));
			pos += nd - e - 1;
		} else if (!int_style) {
			out[pos++] = '.';
			out[pos++] = '0';
		}
	}
	out[pos] = '\0';
}

static int print_string(struct sc_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (sc_buf_add(b, "\"", 1) < 0)
		return SC_ENOMEM;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[7];
		const char *add = NULL;
		size_t n = 2;
		switch (*p) {
		case '"': add = "\\\""; break;
		case '\\': add = "\\\\"; break;
		case '\n': add = "\\n"; break;
		case '\r': add = "\\r"; break;
		case '\t': add = "\\t"; break;
		case '\b': add = "\\b"; break;
		case '\f': add = "\\f"; break;
		default:
			if (*p < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				esc[6] = '\0';
				add = esc;
				n = 6;
			}
		}
		if (add ? sc_buf_add(b, add, n) < 0 : sc_buf_add(b, p, 1) < 0)
			return SC_ENOMEM;
	}
	return sc_buf_add(b, "\"", 1);
}

int sc_json_print(struct sc_buf *b, const cJSON *it)
{
	char num[40];
	const cJSON *c;
	int first = 1;
	switch (it->type & 0xff) {
	case cJSON_NULL: return sc_buf_adds(b, "null");
	case cJSON_False: return sc_buf_adds(b, "false");
	case cJSON_True: return sc_buf_adds(b, "true");
	case cJSON_Number:
		if (!isfinite(it->valuedouble))
			return sc_buf_adds(b, "null");
		sc_fmt_double(it->valuedouble, 1, num);
		return sc_buf_adds(b, num);
	case cJSON_String: return print_string(b, it->valuestring ? it->valuestring : "");
	case cJSON_Raw: return sc_buf_adds(b, it->valuestring ? it->valuestring : "null");
	case cJSON_Array:
	case cJSON_Object: {
		int obj = (it->type & 0xff) == cJSON_Object;
		if (sc_buf_adds(b, obj ? "{" : "[") < 0)
			return SC_ENOMEM;
		for (c = it->child; c; c = c->next) {
			if (!first && sc_buf_add(b, ",", 1) < 0)
				return SC_ENOMEM;
			first = 0;
			if (obj && (print_string(b, c->string ? c->string : "") < 0 ||
				    sc_buf_add(b, ":", 1) < 0))
				return SC_ENOMEM;
			if (sc_json_print(b, c) < 0)
				return SC_ENOMEM;
		}
		return sc_buf_adds(b, obj ? "}" : "]");
	}
	default: return sc_seterr(SC_EINPUT, "invalid JSON item");
	}
}

int sc_jsonl_write(struct sc_stream *s, const cJSON *item)
{
	struct sc_buf b = SC_BUF_INIT;
	int rc = sc_json_print(&b, item);
	if (rc == 0)
		rc = sc_buf_add(&b, "\n", 1);
	if (rc == 0)
		rc = sc_write(s, b.data, b.len);
	sc_buf_release(&b);
	return rc;
}

void sc_jsonl_init(struct sc_jsonl *r, struct sc_stream *s)
{
	r->s = s;
	r->line = (struct sc_buf)SC_BUF_INIT;
	r->lineno = 0;
}

int sc_jsonl_next(struct sc_jsonl *r, cJSON **out)
{
	*out = NULL;
	for (;;) {
		int rc = sc_getline(r->s, &r->line, SC_JSONL_MAX_LINE);
		const char *end = NULL;
		size_t i;
		cJSON *j;
		if (rc <= 0)
			return rc;
		r->lineno++;
		for (i = 0; i < r->line.len && strchr(" \t\r", r->line.data[i]); i++)
			;
		if (i == r->line.len)
			continue;
		if (memchr(r->line.data, '\0', r->line.len))
			return sc_seterr(SC_EINPUT, "'%s' line %ld: NUL byte in JSON text",
					 sc_stream_name(r->s), r->lineno);
		j = cJSON_ParseWithOpts(r->line.data, &end, 0);
		if (!j)
			return sc_seterr(SC_EINPUT, "'%s' line %ld: not valid JSON",
					 sc_stream_name(r->s), r->lineno);
		while (end && *end && strchr(" \t\r", *end))
			end++;
		if (end && *end) {
			cJSON_Delete(j);
			return sc_seterr(SC_EINPUT, "'%s' line %ld: trailing text after JSON value",
					 sc_stream_name(r->s), r->lineno);
		}
		if (!cJSON_IsObject(j)) {
			cJSON_Delete(j);
			return sc_seterr(SC_EINPUT, "'%s' line %ld: record is not a JSON object",
					 sc_stream_name(r->s), r->lineno);
		}
		*out = j;
		return 1;
	}
}

void sc_jsonl_release(struct sc_jsonl *r) { sc_buf_release(&r->line); }

int sc_json_get_int64(const cJSON *obj, const char *key, long long min, long long max,
		      long long *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	double v;
	if (!it)
		return sc_seterr(SC_EINPUT, "missing field \"%s\"", key);
	if (!cJSON_IsNumber(it))
		return sc_seterr(SC_EINPUT, "field \"%s\" is not a number", key);
	v = it->valuedouble;
	if (v != floor(v))
		return sc_seterr(SC_EINPUT, "field \"%s\" = %.17g is not an integer", key, v);
	if (!(v >= (double)min && v <= (double)max))
		return sc_seterr(SC_EINPUT, "field \"%s\" = %.17g is out of range [%lld, %lld]", key,
				 v, min, max);
	*out = (long long)v;
	return 0;
}

const char *sc_json_get_string(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

cJSON *sc_json_add_number(cJSON *obj, const char *key, double v)
{
	if (!isfinite(v))
		return cJSON_AddNullToObject(obj, key);
	return cJSON_AddNumberToObject(obj, key, v);
}
