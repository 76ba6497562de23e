/* Categorical obs columns from JSONL, encoded in sorted-string order. */
#include "obs_labels.h"

#include <stdlib.h>
#include <string.h>

#include "name_index.h"
#include "sc_alloc.h"
#include "sc_json.h"


int sc_obs_labels_from_strings(const char *const *v, int64_t n, struct sc_obs_labels *out)
{
	int ret = SC_ENOMEM;
	struct sc_name_ix *e = NULL;
	int64_t m = 0;
	struct sc_obs_labels l = SC_OBS_LABELS_INIT;

	l.n = n;
	l.code = sc_malloc((size_t)n, sizeof(*l.code));
	e = sc_malloc((size_t)n, sizeof(*e));
	if (!l.code || !e)
		goto out;
	for (int64_t i = 0; i < n; i++) {
		l.code[i] = -1;
		if (v[i])
			e[m++] = (struct sc_name_ix){ v[i], i };
	}
	sc_name_ix_sort(e, m);
	int64_t k = 0;
	for (int64_t j = 0; j < m; j++)
		if (j == 0 || strcmp(e[j].s, e[j - 1].s))
			k++;
	if (k > INT32_MAX - 1) {
		ret = sc_seterr(SC_EINPUT, "too many categories");
		goto out;
	}
	l.cat = sc_calloc((size_t)k, sizeof(*l.cat));
	if (!l.cat)
		goto out;
	for (int64_t j = 0; j < m; j++) {
		if (j == 0 || strcmp(e[j].s, e[j - 1].s)) {
			if (!(l.cat[l.k] = sc_strdup(e[j].s)))
				goto out;
			l.k++;
		}
		l.code[e[j].i] = l.k - 1;
	}
	*out = l;
	l = (struct sc_obs_labels)SC_OBS_LABELS_INIT;
	ret = 0;
out:
	free(e);
	sc_obs_labels_release(&l);
	return ret;
}

/* The value of key in rec as text (caller frees), NULL for missing; *err on failure. */
static char *value_text(const cJSON *rec, const char *key, int *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(rec, key);
	char buf[40];
	*err = 0;
	if (!it || cJSON_IsNull(it))
		return NULL;
	if (cJSON_IsString(it))
		return sc_strdup(it->valuestring);
	if (cJSON_IsBool(it))
		return sc_strdup(cJSON_IsTrue(it) ? "True" : "False");
	if (cJSON_IsNumber(it)) {
		sc_fmt_double(it->valuedouble, 0, buf);
		return sc_strdup(buf);
	}
	*err = sc_seterr(SC_EINPUT, "obs column '%s' holds an object or array", key);
	return NULL;
}

int sc_obs_labels_read(struct sc_stream *s, const char *key, struct sc_obs_labels *out)
{
	int ret = SC_ENOMEM, rc, err;
	struct sc_jsonl r;
	cJSON *rec = NULL;
	char **v = NULL;
	int64_t n = 0, cap = 0, present = 0;

	sc_jsonl_init(&r, s);
	while ((rc = sc_jsonl_next(&r, &rec)) == 1) {
		if (n == cap) {
			int64_t nc = cap ? 2 * cap : 1024;
			char **nv = sc_realloc(v, (size_t)nc, sizeof(*v));
			if (!nv)
				goto out;
			v = nv;
			cap = nc;
		}
		v[n] = value_text(rec, key, &err);
		if (err) {
			ret = sc_preferr(err, "%s line %ld", sc_stream_name(s), r.lineno);
			goto out;
		}
		if (cJSON_GetObjectItemCaseSensitive(rec, key)) {
			present++;
			if (!v[n] && !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(rec, key)))
				goto out;
		}
		n++;
		cJSON_Delete(rec);
		rec = NULL;
	}
	if (rc < 0) {
		ret = rc;
		goto out;
	}
	if (n == 0) {
		ret = sc_seterr(SC_EINPUT, "obs table %s is empty", sc_stream_name(s));
		goto out;
	}
	if (present == 0) {
		ret = sc_seterr(SC_EINPUT, "obs table %s has no column '%s'", sc_stream_name(s),
				key);
		goto out;
	}
	ret = sc_obs_labels_from_strings((const char *const *)v, n, out);
out:
	cJSON_Delete(rec);
	for (int64_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	sc_jsonl_release(&r);
	return ret;
}

void sc_obs_labels_release(struct sc_obs_labels *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->k; i++)
		free(l->cat[i]);
	free(l->cat);
	free(l->code);
	*l = (struct sc_obs_labels)SC_OBS_LABELS_INIT;
}
