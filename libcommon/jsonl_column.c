/* Reading one column of a JSONL table. */
#include <stdlib.h>

#include "jsonl_column.h"
#include "sc_alloc.h"
#include "sc_json.h"

static char *as_string(const cJSON *v)
{
	char num[40];
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsString(v))
		return sc_strdup(v->valuestring);
	if (cJSON_IsBool(v))
		return sc_strdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v)) {
		sc_fmt_double(v->valuedouble, 1, num);
		return sc_strdup(num);
	}
	return NULL;
}

int sc_jsonl_column_read(struct sc_stream *s, const char *key, char ***values, int64_t *n)
{
	struct sc_jsonl r;
	cJSON *rec = NULL;
	char **v = NULL;
	int64_t m = 0, cap = 0;
	int rc, present = 0;
	sc_jsonl_init(&r, s);
	while ((rc = sc_jsonl_next(&r, &rec)) > 0) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(rec, key);
		if (m == cap) {
			int64_t nc = cap ? cap * 2 : 1024;
			char **nv = sc_realloc(v, (size_t)nc, sizeof(char *));
			if (!nv) {
				rc = SC_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		present |= it != NULL;
		v[m] = as_string(it);
		if (it && !cJSON_IsNull(it) && !v[m]) {
			rc = sc_seterr(SC_EINPUT, "'%s' line %ld: \"%s\" is not a string, number or boolean",
				       sc_stream_name(s), r.lineno, key);
			m++;
			break;
		}
		m++;
		cJSON_Delete(rec);
		rec = NULL;
	}
	cJSON_Delete(rec);
	sc_jsonl_release(&r);
	if (rc == 0 && m > 0 && !present)
		rc = sc_seterr(SC_EINPUT, "'%s': no record has the key \"%s\"", sc_stream_name(s), key);
	if (rc < 0) {
		sc_jsonl_column_free(v, m);
		return rc;
	}
	*values = v;
	*n = m;
	return 0;
}

void sc_jsonl_column_free(char **values, int64_t n)
{
	if (!values)
		return;
	for (int64_t i = 0; i < n; i++)
		free(values[i]);
	free(values);
}

int sc_jsonl_column_load(const char *path, const char *key, int64_t n, int required,
			 char ***values)
{
	struct sc_stream *s = sc_open(path, "r");
	int64_t m = 0;
	int rc;
	*values = NULL;
	if (!s)
		return SC_EIO;
	rc = sc_jsonl_column_read(s, key, values, &m);
	sc_abort(s);
	if (rc == 0 && m != n)
		rc = sc_seterr(SC_EINPUT, "'%s' has %lld rows, the graph has %lld cells", path,
			       (long long)m, (long long)n);
	for (int64_t i = 0; rc == 0 && required && i < n; i++)
		if (!(*values)[i])
			rc = sc_seterr(SC_EINPUT, "'%s' row %lld: no \"%s\"", path, (long long)i, key);
	if (rc < 0) {
		sc_jsonl_column_free(*values, m);
		*values = NULL;
	}
	return rc;
}

int sc_jsonl_names_read(struct sc_stream *s, const char *key, char ***names, int64_t *n)
{
	struct sc_jsonl rd;
	cJSON *rec = NULL;
	char **v = NULL;
	int64_t cnt = 0, cap = 0;
	int rc, ret = SC_ENOMEM;
	sc_jsonl_init(&rd, s);
	while ((rc = sc_jsonl_next(&rd, &rec)) == 1) {
		const char *nm = sc_json_get_string(rec, key);
		if (!nm) {
			ret = sc_seterr(SC_EINPUT, "%s line %ld: no string \"%s\"",
					sc_stream_name(s), rd.lineno, key);
			goto out;
		}
		if (cnt == cap) {
			int64_t nc = cap ? 2 * cap : 1024;
			char **nv = sc_realloc(v, (size_t)nc, sizeof(*v));
			if (!nv)
				goto out;
			v = nv;
			cap = nc;
		}
		if (!(v[cnt] = sc_strdup(nm)))
			goto out;
		cnt++;
		cJSON_Delete(rec);
		rec = NULL;
	}
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	ret = 0;
out:
	cJSON_Delete(rec);
	sc_jsonl_column_free(v, cnt);
	sc_jsonl_release(&rd);
	return ret;
}
