/* obs JSONL columns to category codes (see obs_codes.h). */
#include <stdlib.h>
#include <string.h>

#include "cluster_compare.h"
#include "obs_codes.h"
#include "sc_alloc.h"
#include "sc_json.h"

static char *value_string(const cJSON *v)
{
	char buf[64];
	if (cJSON_IsString(v))
		return sc_strdup(v->valuestring);
	if (cJSON_IsBool(v))
		return sc_strdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v)) {
		sc_fmt_double(v->valuedouble, 1, buf);
		return sc_strdup(buf);
	}
	return NULL;
}

int sc_obs_read_codes(struct sc_stream *s, struct sc_obs_column *cols, int ncol, int64_t *n)
{
	struct sc_jsonl r;
	char ***str = sc_calloc((size_t)ncol, sizeof(char **));
	int64_t rows = 0, cap = 0;
	cJSON *rec = NULL;
	int ret = SC_ENOMEM;
	sc_jsonl_init(&r, s);
	if (!str)
		goto out;
	for (;;) {
		ret = sc_jsonl_next(&r, &rec);
		if (ret <= 0)
			break;
		if (rows == cap) {
			int64_t nc = cap ? cap * 2 : 1024;
			for (int c = 0; c < ncol; c++) {
				char **t = sc_realloc(str[c], (size_t)nc, sizeof(char *));
				if (!t) {
					ret = SC_ENOMEM;
					goto out;
				}
				memset(t + cap, 0, sizeof(char *) * (size_t)(nc - cap));
				str[c] = t;
			}
			cap = nc;
		}
		for (int c = 0; c < ncol; c++)
			str[c][rows] = NULL;
		for (int c = 0; c < ncol; c++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, cols[c].key);
			if (!v || cJSON_IsNull(v)) {
				ret = sc_seterr(SC_EINPUT, "obs line %ld: %s '%s'", r.lineno,
						v ? "missing value for" : "no column", cols[c].key);
				goto out;
			}
			if (!(str[c][rows] = value_string(v))) {
				ret = sc_seterr(SC_EINPUT, "obs line %ld: column '%s' is not a string, number or boolean",
						r.lineno, cols[c].key);
				goto out;
			}
		}
		rows++;
		cJSON_Delete(rec);
		rec = NULL;
	}
	if (ret < 0)
		goto out;
	if (rows == 0) {
		ret = sc_seterr(SC_EINPUT, "obs table is empty");
		goto out;
	}
	for (int c = 0; c < ncol; c++) {
		cols[c].codes = sc_malloc((size_t)rows, sizeof(int32_t));
		if (!cols[c].codes) {
			ret = SC_ENOMEM;
			goto out;
		}
		ret = sc_labels_encode((const char *const *)str[c], rows, cols[c].codes, &cols[c].n_levels);
		if (ret < 0)
			goto out;
	}
	*n = rows;
	ret = 0;
out:
	cJSON_Delete(rec);
	for (int c = 0; str && c < ncol; c++) {
		for (int64_t i = 0; str[c] && i < rows; i++)
			free(str[c][i]);
		if (str[c] && rows < cap) /* a row being filled when an error struck */
			free(str[c][rows]);
		free(str[c]);
	}
	free(str);
	sc_jsonl_release(&r);
	return ret;
}

void sc_obs_column_release(struct sc_obs_column *c)
{
	if (!c)
		return;
	free(c->codes);
	c->codes = NULL;
}
