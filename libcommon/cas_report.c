/* Aggregation and the F-measure tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas_csv.h"
#include "cas_report.h"
#include "sc_metric.h"

int sc_cm_set_push(struct sc_cm_set *s, struct sc_cm *m)
{
	if (s->n == s->cap) {
		int64_t nc = s->cap ? s->cap * 2 : 16;
		struct sc_cm *p = sc_realloc(s->m, (size_t)nc, sizeof *p);
		if (!p)
			return SC_ENOMEM;
		s->m = p;
		s->cap = nc;
	}
	s->m[s->n++] = *m;
	memset(m, 0, sizeof *m);
	return 0;
}

int sc_cm_set_read(struct sc_stream *in, struct sc_cm_set *s)
{
	struct sc_jsonl r;
	struct sc_cm m;
	int rc;
	sc_jsonl_init(&r, in);
	while ((rc = sc_cm_read(&r, &m)) > 0)
		if ((rc = sc_cm_set_push(s, &m)) < 0) {
			sc_cm_release(&m);
			break;
		}
	sc_jsonl_release(&r);
	if (rc == 0 && s->n == 0)
		rc = sc_seterr(SC_EINPUT, "'%s': no confusion-matrix record", sc_stream_name(in));
	return rc;
}

int sc_cm_set_load(char *const *paths, int n, struct sc_cm_set *s)
{
	for (int i = 0; i < (n ? n : 1); i++) {
		struct sc_stream *in = sc_open(n ? paths[i] : "-", "r");
		int rc = in ? sc_cm_set_read(in, s) : SC_EIO;
		sc_abort(in);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sc_report_fmt_parse(const char *arg, enum sc_report_fmt *fmt)
{
	if (strcmp(arg, "csv") == 0)
		*fmt = SC_REPORT_CSV;
	else if (strcmp(arg, "jsonl") == 0)
		*fmt = SC_REPORT_JSONL;
	else
		return sc_seterr(SC_EUSAGE, "--format: '%s' is not csv|jsonl", arg);
	return 0;
}

void sc_cm_set_release(struct sc_cm_set *s)
{
	for (int64_t i = 0; i < s->n; i++)
		sc_cm_release(&s->m[i]);
	free(s->m);
	memset(s, 0, sizeof *s);
}

char *sc_cas_safe_name(const char *s)
{
	char *d = sc_strdup(s);
	for (char *p = d; p && *p; p++)
		if (*p == '/' || *p == '\\' || *p == ':')
			*p = '_';
	return d;
}

static const char *str_or(const struct sc_cm *m, const char *key, const char *dflt)
{
	const char *v = sc_json_get_string(m->meta, key);
	return v ? v : dflt;
}

struct gkey {
	const char *name;
	char *safe;
	const char *sample;
	int64_t idx;
};

static int cmp_gkey(const void *a, const void *b)
{
	const struct gkey *x = a, *y = b;
	int c = strcmp(x->safe, y->safe);
	if (c)
		return c;
	if ((c = strcmp(x->name, y->name)))
		return c;
	if ((c = strcmp(x->sample, y->sample)))
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Finish one group's matrices for one k. */
static int group_meta(struct sc_cm *acc, const char *by, const char *name, const char *safe,
		      cJSON *dirs, cJSON *samples, int64_t nmem, int64_t cells)
{
	cJSON *m = sc_cm_meta_new();
	if (!m)
		return SC_ENOMEM;
	cJSON_Delete(acc->meta);
	acc->meta = m;
	cJSON_AddStringToObject(m, "sample", safe);
	cJSON_AddStringToObject(m, "group", name);
	cJSON_AddStringToObject(m, "group_key", by);
	if (strcmp(by, "model_name") == 0)
		cJSON_AddStringToObject(m, "model_name", name);
	cJSON_AddNumberToObject(m, "k", acc->k);
	cJSON_AddItemToObject(m, "source_annotate_dirs", cJSON_Duplicate(dirs, 1));
	cJSON_AddItemToObject(m, "samples", cJSON_Duplicate(samples, 1));
	cJSON_AddNumberToObject(m, "n_samples_aggregated", (double)nmem);
	if (!cJSON_AddNumberToObject(m, "n_cells", (double)cells))
		return SC_ENOMEM;
	return 0;
}

/* Sum members g[e..j) at k into one aggregate record appended to out (none when no member
 * has this k). */
static int sum_group(const struct sc_cm_set *in, const struct gkey *g, int64_t e, int64_t j, int k,
		     const char *by, struct sc_cm_set *out)
{
	struct sc_cm acc = { 0 };
	cJSON *dirs = cJSON_CreateArray(), *samples = cJSON_CreateArray();
	int64_t nmem = 0, cells = 0;
	const char *prev = NULL;
	int rc = dirs && samples ? 0 : SC_ENOMEM;
	for (int64_t x = e; rc == 0 && x < j; x++) {
		const struct sc_cm *m = &in->m[g[x].idx];
		if (m->k != k)
			continue;
		if (prev && strcmp(prev, g[x].sample) == 0)
			sc_log(1, "sample '%s' appears twice at k=%d; both counted", prev, k);
		prev = g[x].sample;
		if (nmem == 0)
			rc = sc_cm_copy(&acc, m);
		else if ((rc = sc_cm_add(&acc, m)) < 0)
			sc_preferr(rc, "group '%s', sample '%s'", g[x].name, g[x].sample);
		nmem++;
		cells += sc_cm_total(m);
		cJSON_AddItemToArray(dirs, cJSON_CreateString(str_or(m, "annotate_dir", g[x].sample)));
		cJSON_AddItemToArray(samples, cJSON_CreateString(g[x].sample));
	}
	if (rc == 0 && nmem > 0) {
		acc.k = k;
		if ((rc = group_meta(&acc, by, g[e].name, g[e].safe, dirs, samples, nmem, cells)) == 0)
			rc = sc_cm_set_push(out, &acc);
	}
	sc_cm_release(&acc);
	cJSON_Delete(dirs);
	cJSON_Delete(samples);
	return rc;
}

int sc_cm_aggregate(const struct sc_cm_set *in, const char *by, struct sc_cm_set *out)
{
	struct gkey *g = sc_calloc((size_t)in->n, sizeof *g);
	int kmax = 0, rc = SC_ENOMEM;
	int64_t i, j;
	if (!g)
		return SC_ENOMEM;
	for (i = 0; i < in->n; i++) {
		const struct sc_cm *m = &in->m[i];
		if (cJSON_GetObjectItemCaseSensitive(m->meta, "group")) {
			rc = sc_seterr(SC_EINPUT, "record %lld is already an aggregate", (long long)i + 1);
			goto out;
		}
		if (!(g[i].name = sc_json_get_string(m->meta, by))) {
			rc = sc_seterr(SC_EINPUT, "record %lld (sample '%s') has no string field '%s'",
				       (long long)i + 1, str_or(m, "sample", "?"), by);
			goto out;
		}
		if (!(g[i].safe = sc_cas_safe_name(g[i].name)))
			goto out;
		g[i].sample = str_or(m, "sample", "");
		g[i].idx = i;
		if (m->k > kmax)
			kmax = m->k;
	}
	qsort(g, (size_t)in->n, sizeof *g, cmp_gkey);
	for (i = 0; i < in->n; i = j) {
		int64_t e = i;
		/* [i, j): same safe name; only the last name (in name order) survives */
		for (j = i; j < in->n && strcmp(g[j].safe, g[i].safe) == 0; j++)
			if (strcmp(g[j].name, g[e].name) != 0)
				e = j;
		if (e != i)
			sc_log(1, "group names '%s' and '%s' share the safe name '%s'; the "
			       "later wins, as upstream", g[i].name, g[e].name, g[e].safe);
		for (int k = 1; k <= kmax; k++)
			if ((rc = sum_group(in, g, e, j, k, by, out)) < 0)
				goto out;
	}
	rc = 0;
out:
	for (i = 0; i < in->n; i++)
		free(g[i].safe);
	free(g);
	return rc;
}

/* ---- tables ---- */

struct row {
	const char *id;
	int64_t first;
	int64_t *byk; /* record index per k (1..kmax), -1 none */
};

/* Rows in order of first appearance of each "sample"; the last record per (row, k) wins. */
static int make_rows(const struct sc_cm_set *s, int kmax, struct row **rows, int64_t *nrows,
		     int *is_group)
{
	struct row *r = sc_calloc((size_t)s->n, sizeof *r);
	int64_t n = 0;
	if (!r)
		return SC_ENOMEM;
	*is_group = -1;
	for (int64_t i = 0; i < s->n; i++) {
		const char *id = str_or(&s->m[i], "sample", "");
		int grp = cJSON_GetObjectItemCaseSensitive(s->m[i].meta, "group") != NULL;
		int64_t x;
		if (*is_group >= 0 && grp != *is_group) {
			*rows = r;
			*nrows = n;
			return sc_seterr(SC_EINPUT, "input mixes per-sample and aggregated records "
					 "(record %lld)", (long long)i + 1);
		}
		*is_group = grp;
		for (x = 0; x < n && strcmp(r[x].id, id) != 0; x++)
			;
		if (x == n) {
			r[n].id = id;
			r[n].first = i;
			if (!(r[n].byk = sc_malloc((size_t)kmax + 1, sizeof *r[n].byk))) {
				*rows = r;
				*nrows = n;
				return SC_ENOMEM;
			}
			for (int k = 0; k <= kmax; k++)
				r[n].byk[k] = -1;
			n++;
		}
		r[x].byk[s->m[i].k] = i;
	}
	*rows = r;
	*nrows = n;
	return 0;
}

static void free_rows(struct row *r, int64_t n)
{
	for (int64_t i = 0; r && i < n; i++)
		free(r[i].byk);
	free(r);
}

static int put_names(struct sc_buf *b, const struct sc_cm *m, int is_group)
{
	if (is_group)
		return sc_csv_put_field(b, str_or(m, "group", ""));
	if (sc_csv_put_field(b, str_or(m, "model_name", "")) < 0 || sc_buf_add(b, ",", 1) < 0)
		return SC_ENOMEM;
	return sc_csv_put_field(b, str_or(m, "test_sample", ""));
}

static int emit_jsonl(struct sc_stream *out, const struct sc_cm *m, int is_group, const char *pre,
		      const struct sc_fmeasure *f, int k)
{
	struct sc_metric_ctx ctx = { "annotation", NULL, NULL, "cellarium-cas" };
	ctx.dataset = is_group ? NULL : str_or(m, "test_sample", NULL);
	ctx.model = is_group ? str_or(m, "group", NULL) : str_or(m, "model_name", NULL);
	for (int i = 0; i < SC_FMEASURE_NCOL; i++) {
		char name[64];
		cJSON *rec, *p;
		int rc;
		snprintf(name, sizeof name, "%s%s", pre, sc_fmeasure_cols[i]);
		if (!(rec = sc_metric_new(&ctx, name, sc_fmeasure_value(f, i), NULL)))
			return SC_ENOMEM;
		p = cJSON_AddObjectToObject(rec, "params");
		cJSON_AddNumberToObject(p, "k", k);
		cJSON_AddStringToObject(p, "sample", str_or(m, "sample", ""));
		if (is_group)
			cJSON_AddStringToObject(p, "group_key", str_or(m, "group_key", ""));
		rc = sc_jsonl_write(out, rec);
		cJSON_Delete(rec);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int header(struct sc_buf *b, int is_group, const char *pre, const int *ks, int nk)
{
	if (sc_buf_adds(b, is_group ? "group_name" : "model_name,test_sample") < 0)
		return SC_ENOMEM;
	for (int x = 0; x < nk; x++)
		for (int i = 0; i < SC_FMEASURE_NCOL; i++) {
			if (ks && sc_buf_addf(b, ",%s%s_k%d", pre, sc_fmeasure_cols[i], ks[x]) < 0)
				return SC_ENOMEM;
			if (!ks && sc_buf_addf(b, ",%s%s", pre, sc_fmeasure_cols[i]) < 0)
				return SC_ENOMEM;
		}
	return sc_buf_add(b, "\n", 1);
}

int sc_cas_fmeasure_report(const struct sc_cm_set *s, enum sc_report_fmt fmt, struct sc_stream *out)
{
	struct row *rows = NULL;
	struct sc_buf b = SC_BUF_INIT;
	int64_t nrows = 0;
	int kmax = 0, ks[SC_CM_MAX_K], nk = 0, is_group, rc;
	for (int64_t i = 0; i < s->n; i++)
		kmax = s->m[i].k > kmax ? s->m[i].k : kmax;
	if ((rc = make_rows(s, kmax, &rows, &nrows, &is_group)) < 0)
		goto out;
	for (int k = 1; k <= kmax; k++)
		for (int64_t r = 0; r < nrows; r++)
			if (rows[r].byk[k] >= 0) {
				ks[nk++] = k;
				break;
			}
	for (int64_t r = 0; r < nrows; r++)
		for (int x = 0; x < nk; x++)
			if (rows[r].byk[ks[x]] < 0) {
				rc = sc_seterr(SC_EINPUT, "sample '%s' has no k=%d matrix (other samples do)",
					       rows[r].id, ks[x]);
				goto out;
			}
	if (fmt == SC_REPORT_CSV && (rc = header(&b, is_group, "", ks, nk)) < 0)
		goto out;
	for (int64_t r = 0; r < nrows; r++) {
		const struct sc_cm *m0 = &s->m[rows[r].byk[ks[0]]];
		if (fmt == SC_REPORT_CSV && (rc = put_names(&b, m0, is_group)) < 0)
			goto out;
		for (int x = 0; x < nk; x++) {
			struct sc_fmeasure f;
			const struct sc_cm *m = &s->m[rows[r].byk[ks[x]]];
			if ((rc = sc_fmeasure_flat(m, &f)) < 0)
				goto out;
			if (fmt == SC_REPORT_JSONL) {
				if ((rc = emit_jsonl(out, m, is_group, "", &f, ks[x])) < 0)
					goto out;
			} else if ((rc = sc_buf_add(&b, ",", 1)) < 0 ||
				   (rc = sc_fmeasure_put_csv(&b, &f)) < 0) {
				goto out;
			}
		}
		if (fmt == SC_REPORT_CSV && (rc = sc_buf_add(&b, "\n", 1)) < 0)
			goto out;
	}
	rc = b.len ? sc_write(out, b.data, b.len) : 0;
out:
	free_rows(rows, nrows);
	sc_buf_release(&b);
	return rc;
}

int sc_cas_hfmeasure_report(const struct sc_cm_set *s, struct sc_hfmeasure *h, int k_sel,
			    enum sc_unknown unknown, enum sc_report_fmt fmt, struct sc_stream *out)
{
	struct row *rows = NULL;
	struct sc_buf b = SC_BUF_INIT;
	int64_t nrows = 0, used = 0;
	int kmax = 0, is_group, rc;
	for (int64_t i = 0; i < s->n; i++)
		kmax = s->m[i].k > kmax ? s->m[i].k : kmax;
	if ((rc = make_rows(s, kmax, &rows, &nrows, &is_group)) < 0)
		goto out;
	if (fmt == SC_REPORT_CSV && (rc = header(&b, is_group, "h_", NULL, 1)) < 0)
		goto out;
	for (int64_t r = 0; r < nrows; r++) {
		struct sc_fmeasure f;
		const struct sc_cm *m;
		if (k_sel > kmax || rows[r].byk[k_sel] < 0)
			continue;
		m = &s->m[rows[r].byk[k_sel]];
		used++;
		if ((rc = sc_hfmeasure_compute(h, m, unknown, rows[r].id, &f)) < 0)
			goto out;
		if (fmt == SC_REPORT_JSONL) {
			if ((rc = emit_jsonl(out, m, is_group, "h_", &f, k_sel)) < 0)
				goto out;
			continue;
		}
		if ((rc = put_names(&b, m, is_group)) < 0 || (rc = sc_buf_add(&b, ",", 1)) < 0 ||
		    (rc = sc_fmeasure_put_csv(&b, &f)) < 0 || (rc = sc_buf_add(&b, "\n", 1)) < 0)
			goto out;
	}
	if (!used) {
		rc = sc_seterr(SC_EINPUT, "no record with k=%d", k_sel);
		goto out;
	}
	rc = b.len ? sc_write(out, b.data, b.len) : 0;
out:
	free_rows(rows, nrows);
	sc_buf_release(&b);
	return rc;
}
