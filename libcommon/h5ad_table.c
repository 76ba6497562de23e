/* The per-row JSONL table (obs or var): one object per row in row order carrying the row name
 * and the requested columns; missing values are null, numbers stay numbers (floats keep their
 * Python repr, e.g. 3019.0), booleans are JSON booleans and categoricals their string value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"
#include "sc_json.h"

static cJSON *cell_value(const struct sc_column *c, int64_t i)
{
	char buf[40];
	if (c->missing && c->missing[i])
		return cJSON_CreateNull();
	switch (c->kind) {
	case SC_COL_CATEGORICAL:
	case SC_COL_STRING: {
		const char *s = sc_col_string(c, i);
		return s ? cJSON_CreateString(s) : cJSON_CreateNull();
	}
	case SC_COL_BOOL: return cJSON_CreateBool(c->num[i] != 0);
	case SC_COL_INT: return cJSON_CreateNumber(c->num[i]);
	case SC_COL_FLOAT:
		if (!isfinite(c->num[i]))
			return cJSON_CreateNull();
		h5_fmt_num(c->num[i], H5T_FLOAT, buf);
		return cJSON_CreateRaw(buf);
	}
	return cJSON_CreateNull();
}

int sc_h5ad_write_table(struct sc_stream *s, const char *name_key, char **names, int64_t n,
			const struct sc_column *cols, int ncols)
{
	int ret = 0;
	for (int j = 0; j < ncols; j++)
		if (cols[j].n != n)
			return sc_seterr(SC_EINPUT, "column '%s' has %lld rows, expected %lld",
					 cols[j].name ? cols[j].name : "?", (long long)cols[j].n,
					 (long long)n);
	for (int64_t i = 0; i < n && ret == 0; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return sc_seterr(SC_ENOMEM, "out of memory");
		cJSON_AddStringToObject(o, name_key, names[i]);
		for (int j = 0; j < ncols; j++)
			cJSON_AddItemToObject(o, cols[j].name, cell_value(&cols[j], i));
		ret = sc_jsonl_write(s, o);
		cJSON_Delete(o);
	}
	return ret;
}

void sc_h5ad_table_release(struct sc_h5ad_table *t)
{
	if (!t)
		return;
	sc_strings_free(t->names, t->n);
	for (int j = 0; j < t->ncols; j++)
		sc_column_release(&t->cols[j]);
	free(t->cols);
	memset(t, 0, sizeof *t);
}

/* Split a comma-separated list into columns read from the frame; all columns when csv is NULL. */
int sc_h5ad_read_table(struct sc_h5ad *h, int var, const char *csv, struct sc_h5ad_table *t)
{
	char **want = NULL, *copy = NULL, *tok, *save = NULL;
	int64_t nwant = 0;
	int ret = -1;
	const char *df = var == 0 ? "obs" : var == 1 ? "var" : h->raw_var;
	memset(t, 0, sizeof *t);
	t->var = var;
	if (!df)
		return sc_seterr(SC_EINPUT, "'%s': no raw in the file", h->path);
	if (csv) {
		size_t cap = 1;
		for (const char *p = csv; *p; p++)
			cap += *p == ',';
		if (!(copy = sc_strdup(csv)) || !(want = sc_calloc(cap, sizeof *want)))
			goto out;
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (!(want[nwant++] = sc_strdup(tok)))
				goto out;
	} else if ((ret = h5_df_columns(h, df, &want, &nwant)) < 0) {
		goto out;
	}
	ret = -1;
	if (nwant > 100000 || !(t->cols = sc_calloc((size_t)nwant + 1, sizeof *t->cols)))
		goto out;
	for (int64_t j = 0; j < nwant; j++) {
		ret = h5_df_column(h, df, want[j], &t->cols[j]);
		if (ret < 0)
			goto out;
		t->ncols++;
	}
	t->n = var == 0 ? h->n_obs : var == 1 ? h->n_vars : h->n_raw_vars;
	ret = h5_df_names(h, df, t->n, &t->names);
out:
	if (ret < 0)
		sc_h5ad_table_release(t);
	sc_strings_free(want, nwant);
	free(copy);
	return ret;
}

int sc_h5ad_table_write(struct sc_stream *s, const struct sc_h5ad_table *t)
{
	return sc_h5ad_write_table(s, t->var ? "var_name" : "obs_name", t->names, t->n, t->cols,
				   t->ncols);
}
