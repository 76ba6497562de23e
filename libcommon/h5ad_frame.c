/* obs/var dataframes of every AnnData layout: row names (string, numeric or nullable-string
 * index), column lists (column-order, or compound fields), and columns: categoricals (0.8
 * groups, 0.7 codes + object-referenced __categories, <= 0.6 codes + uns/<col>_categories),
 * strings, numbers, booleans and nullable integer/boolean/string arrays.
 * Spec: ../shared/spec/h5ad_format.md section 3. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"

#define WHAT_MAX 512

int h5_df_columns(struct sc_h5ad *h, const char *df, char ***names, int64_t *n)
{
	hid_t o = H5I_INVALID_HID, t = H5I_INVALID_HID;
	char what[WHAT_MAX];
	int ret = -1, nm;
	h5_fmt(what, sizeof what, "'%s': %s", h->path, df);
	*names = NULL;
	*n = 0;
	if ((o = h5_open(h->root, df, what)) < 0)
		goto out;
	if (H5Iget_type(o) == H5I_GROUP) {
		ret = h5_attr_strings(o, "column-order", names, n);
		goto out;
	}
	if ((t = H5Dget_type(o)) < 0 || H5Tget_class(t) != H5T_COMPOUND ||
	    (nm = H5Tget_nmembers(t)) < 1) {
		ret = sc_seterr(SC_EINPUT, "%s: not a dataframe (expected a compound dataset)", what);
		goto out;
	}
	if (!(*names = sc_calloc((size_t)nm, sizeof **names)))
		goto out;
	for (int i = 1; i < nm; i++) { /* field 0 is the index */
		char *m = H5Tget_member_name(t, (unsigned)i);
		(*names)[i - 1] = m ? sc_strdup(m) : NULL;
		H5free_memory(m);
		if (!(*names)[i - 1]) {
			*n = i - 1;
			ret = sc_seterr(SC_EINPUT, "%s: cannot read field names", what);
			goto out;
		}
	}
	*n = nm - 1;
	ret = 0;
out:
	if (ret < 0) {
		sc_strings_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	h5_close(t);
	h5_close(o);
	return ret;
}

int h5_df_names(struct sc_h5ad *h, const char *df, int64_t want, char ***names)
{
	hid_t o = H5I_INVALID_HID, idx = H5I_INVALID_HID, t = H5I_INVALID_HID;
	char what[WHAT_MAX], *iname = NULL, *field = NULL;
	int64_t n = 0;
	int ret = -1;
	h5_fmt(what, sizeof what, "'%s': %s index", h->path, df);
	if ((o = h5_open(h->root, df, what)) < 0)
		goto out;
	if (H5Iget_type(o) == H5I_DATASET) {
		t = H5Dget_type(o);
		field = t >= 0 && H5Tget_class(t) == H5T_COMPOUND ? H5Tget_member_name(t, 0) : NULL;
		if (!field) {
			ret = sc_seterr(SC_EINPUT, "%s: not a compound dataset", what);
			goto out;
		}
		ret = h5_read_as_strings(h, o, field, want, what, names, &n);
		goto out;
	}
	if ((ret = h5_attr_string(o, "_index", &iname)) < 0)
		goto out;
	ret = -1;
	if (!iname && !(iname = sc_strdup("_index")))
		goto out;
	if (h5_kind(o, iname) == H5I_GROUP) {
		char sub[WHAT_MAX];
		h5_fmt(sub, sizeof sub, "%s/values", iname);
		idx = h5_open(o, sub, what);
	} else {
		idx = h5_open(o, iname, what);
	}
	if (idx < 0)
		goto out;
	ret = h5_read_as_strings(h, idx, NULL, want, what, names, &n);
out:
	H5free_memory(field);
	free(iname);
	h5_close(t);
	h5_close(idx);
	h5_close(o);
	return ret;
}

int sc_h5ad_obs_names(struct sc_h5ad *h, char ***names) { return h5_df_names(h, "obs", h->n_obs, names); }
int sc_h5ad_var_names(struct sc_h5ad *h, char ***names) { return h5_df_names(h, "var", h->n_vars, names); }
int sc_h5ad_obs_columns(struct sc_h5ad *h, char ***names, int64_t *n) { return h5_df_columns(h, "obs", names, n); }
int sc_h5ad_var_columns(struct sc_h5ad *h, char ***names, int64_t *n) { return h5_df_columns(h, "var", names, n); }

void sc_column_release(struct sc_column *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->codes);
	sc_strings_free(c->categories, c->n_categories);
	sc_strings_free(c->strings, c->n);
	free(c->num);
	free(c->missing);
	memset(c, 0, sizeof *c);
}

const char *sc_col_string(const struct sc_column *c, int64_t i)
{
	static _Thread_local char buf[40];
	if (i < 0 || i >= c->n || (c->missing && c->missing[i]))
		return NULL;
	switch (c->kind) {
	case SC_COL_CATEGORICAL: return c->codes[i] < 0 ? NULL : c->categories[c->codes[i]];
	case SC_COL_STRING: return c->strings[i];
	case SC_COL_FLOAT:
		if (isnan(c->num[i]))
			return NULL;
		h5_fmt_num(c->num[i], H5T_FLOAT, buf);
		return buf;
	case SC_COL_INT: h5_fmt_num(c->num[i], H5T_INTEGER, buf); return buf;
	case SC_COL_BOOL: return c->num[i] != 0 ? "True" : "False";
	}
	return NULL;
}

/* Codes (as doubles) + categories -> a categorical column; takes ownership of cats. */
static int make_categorical(struct sc_column *out, const double *codes, int64_t n, char **cats,
			    int64_t ncat, const char *what)
{
	if (ncat > INT32_MAX) {
		sc_strings_free(cats, ncat);
		return sc_seterr(SC_EINPUT, "%s: too many categories", what);
	}
	out->kind = SC_COL_CATEGORICAL;
	out->categories = cats;
	out->n_categories = ncat;
	if (!(out->codes = sc_malloc((size_t)n + 1, sizeof *out->codes)))
		return SC_ENOMEM;
	for (int64_t i = 0; i < n; i++) {
		double v = codes[i];
		if (!(v >= -1 && v < (double)ncat) || v != floor(v))
			return sc_seterr(SC_EINPUT,
					 "%s: code %g at row %lld is outside the %lld categories", what,
					 v, (long long)i, (long long)ncat);
		out->codes[i] = (int32_t)v;
	}
	h5_fmt(out->dtype, sizeof out->dtype, "category");
	return 0;
}

/* Numbers of a plain array as a FLOAT/INT/BOOL column (takes ownership of num). */
static void set_numeric(struct sc_column *out, double *num, H5T_class_t cls, const char *dtype)
{
	out->num = num;
	out->kind = cls == H5T_FLOAT ? SC_COL_FLOAT : cls == H5T_ENUM ? SC_COL_BOOL : SC_COL_INT;
	h5_fmt(out->dtype, sizeof out->dtype, "%s", dtype);
}

/* A plain dataset (or compound field): strings or numbers. */
static int read_plain(struct sc_h5ad *h, hid_t d, const char *field, const char *what,
		      struct sc_column *out)
{
	hid_t t = h5_elem_type(d, field, what);
	double *num = NULL;
	char dtype[32];
	H5T_class_t cls;
	int64_t n;
	int ret;
	if (t < 0)
		return -1;
	if (H5Tget_class(t) == H5T_STRING) {
		out->kind = SC_COL_STRING;
		h5_fmt(out->dtype, sizeof out->dtype, "object");
		ret = h5_read_strings(h, d, field, out->n, what, &out->strings, &n);
	} else {
		ret = h5_read_doubles(h, d, field, out->n, what, &num, &n, &cls, dtype);
		if (ret == 0)
			set_numeric(out, num, cls, dtype);
	}
	h5_close(t);
	return ret;
}

/* Categories of a legacy compound column: uns/<col>_categories (obs wins over var). */
static int legacy_categories(struct sc_h5ad *h, const char *df, const char *name, char ***cats,
			     int64_t *ncat)
{
	char path[WHAT_MAX], what[WHAT_MAX];
	hid_t d;
	int ret;
	*cats = NULL;
	*ncat = -1;
	if (strcmp(df, "obs") && strcmp(df, "var"))
		return 0; /* raw.var: no categories are reattached */
	h5_fmt(path, sizeof path, "uns/%s_categories", name);
	if (h5_kind(h->root, path) != H5I_DATASET)
		return 0;
	if (!strcmp(df, "var")) {
		hid_t o = H5Dopen2(h->root, "obs", H5P_DEFAULT), t = o >= 0 ? H5Dget_type(o) : -1;
		int taken = t >= 0 && H5Tget_member_index(t, name) >= 0;
		H5Eclear2(H5E_DEFAULT);
		h5_close(t);
		h5_close(o);
		if (taken)
			return 0;
	}
	h5_fmt(what, sizeof what, "'%s': %s", h->path, path);
	if ((d = h5_open(h->root, path, what)) < 0)
		return -1;
	ret = h5_read_as_strings(h, d, NULL, -1, what, cats, ncat);
	h5_close(d);
	return ret;
}

static int read_legacy(struct sc_h5ad *h, const char *df, const char *name, struct sc_column *out)
{
	hid_t d = H5I_INVALID_HID, t = H5I_INVALID_HID;
	char what[WHAT_MAX], **cats = NULL, dtype[32];
	double *codes = NULL;
	int64_t ncat = -1, n = 0;
	H5T_class_t cls;
	int ret = -1;
	h5_fmt(what, sizeof what, "'%s': %s column '%s'", h->path, df, name);
	if ((d = h5_open(h->root, df, what)) < 0)
		goto out;
	if ((ret = legacy_categories(h, df, name, &cats, &ncat)) < 0)
		goto out;
	t = h5_elem_type(d, name, what);
	if (ncat >= 0 && t >= 0 && H5Tget_class(t) == H5T_INTEGER) {
		double mx = -1;
		if ((ret = h5_read_doubles(h, d, name, out->n, what, &codes, &n, &cls, dtype)) < 0)
			goto out;
		for (int64_t i = 0; i < n; i++)
			mx = codes[i] > mx ? codes[i] : mx;
		if (mx < (double)ncat) { /* anndata's _clean_uns only converts when codes fit */
			ret = make_categorical(out, codes, n, cats, ncat, what);
			cats = NULL;
		} else {
			set_numeric(out, codes, cls, dtype);
			codes = NULL;
		}
		goto out;
	}
	ret = read_plain(h, d, name, what, out);
out:
	sc_strings_free(cats, ncat);
	free(codes);
	h5_close(t);
	h5_close(d);
	return ret;
}

/* values + mask groups (nullable-integer / -boolean / -string-array). */
static int read_nullable(struct sc_h5ad *h, hid_t g, const char *enc, const char *what,
			 struct sc_column *out)
{
	hid_t v = H5I_INVALID_HID, m = H5I_INVALID_HID;
	double *mask = NULL;
	int64_t n = 0;
	int ret = -1;
	if ((v = h5_open(g, "values", what)) < 0 || (m = h5_open(g, "mask", what)) < 0)
		goto out;
	if ((ret = read_plain(h, v, NULL, what, out)) < 0)
		goto out;
	if ((ret = h5_read_doubles(h, m, NULL, out->n, what, &mask, &n, NULL, NULL)) < 0)
		goto out;
	ret = -1;
	if (!(out->missing = sc_calloc((size_t)n + 1, 1)))
		goto out;
	for (int64_t i = 0; i < n; i++)
		out->missing[i] = mask[i] != 0;
	if (!strcmp(enc, "nullable-string-array")) {
		h5_fmt(out->dtype, sizeof out->dtype, "string");
	} else if (!strcmp(enc, "nullable-boolean")) {
		out->kind = SC_COL_BOOL;
		h5_fmt(out->dtype, sizeof out->dtype, "boolean");
	} else if (out->kind == SC_COL_INT) {
		char d[32];
		h5_fmt(d, sizeof d, "%s", out->dtype);
		h5_fmt(out->dtype, sizeof out->dtype, "%s%s", d[0] == 'u' ? "UInt" : "Int",
			 d + (d[0] == 'u' ? 4 : 3));
	}
	ret = 0;
out:
	free(mask);
	h5_close(v);
	h5_close(m);
	return ret;
}

/* Dataset with a 0.7-style 'categories' object reference (or a __categories/<name> entry). */
static hid_t categories_of(hid_t df, hid_t d, const char *name)
{
	hid_t a = H5I_INVALID_HID, t = H5I_INVALID_HID, c = H5I_INVALID_HID;
	hobj_ref_t ref;
	char path[WHAT_MAX];
	if (H5Aexists(d, "categories") > 0 && (a = H5Aopen(d, "categories", H5P_DEFAULT)) >= 0 &&
	    (t = H5Aget_type(a)) >= 0 && H5Tget_class(t) == H5T_REFERENCE &&
	    H5Aread(a, H5T_STD_REF_OBJ, &ref) >= 0)
		c = H5Rdereference2(d, H5P_DEFAULT, H5R_OBJECT, &ref);
	h5_close(t);
	h5_close(a);
	H5Eclear2(H5E_DEFAULT);
	if (c >= 0 && H5Iget_type(c) != H5I_DATASET) {
		h5_close(c);
		c = H5I_INVALID_HID;
	}
	h5_fmt(path, sizeof path, "__categories/%s", name);
	if (c < 0 && a >= 0 && h5_kind(df, path) == H5I_DATASET)
		c = H5Dopen2(df, path, H5P_DEFAULT);
	return c;
}

static int read_group_col(struct sc_h5ad *h, hid_t df, const char *name, const char *what,
			  struct sc_column *out)
{
	hid_t o = H5I_INVALID_HID, c = H5I_INVALID_HID, k = H5I_INVALID_HID;
	char *enc = NULL, **cats = NULL;
	double *codes = NULL;
	int64_t ncat = 0, n = 0;
	int ret = -1;
	if ((o = h5_open(df, name, what)) < 0)
		goto out;
	if (H5Iget_type(o) == H5I_DATASET) {
		if ((c = categories_of(df, o, name)) >= 0) {
			k = o;
			o = H5I_INVALID_HID;
			goto categorical;
		}
		ret = read_plain(h, o, NULL, what, out);
		goto out;
	}
	if ((ret = h5_encoding(o, &enc)) < 0)
		goto out;
	ret = -1;
	if (enc && !strcmp(enc, "categorical")) {
		if ((k = h5_open(o, "codes", what)) < 0 || (c = h5_open(o, "categories", what)) < 0)
			goto out;
		goto categorical;
	}
	if (enc && !strncmp(enc, "nullable-", 9)) {
		ret = read_nullable(h, o, enc, what, out);
		goto out;
	}
	ret = sc_seterr(SC_EINPUT, "%s: unsupported column encoding '%s'", what, enc ? enc : "none");
	goto out;
categorical:
	if ((ret = h5_read_doubles(h, k, NULL, out->n, what, &codes, &n, NULL, NULL)) < 0 ||
	    (ret = h5_read_as_strings(h, c, NULL, -1, what, &cats, &ncat)) < 0)
		goto out;
	ret = make_categorical(out, codes, n, cats, ncat, what);
	cats = NULL;
out:
	sc_strings_free(cats, ncat);
	free(codes);
	free(enc);
	h5_close(c);
	h5_close(k);
	h5_close(o);
	return ret;
}

int h5_df_column(struct sc_h5ad *h, const char *df, const char *name, struct sc_column *out)
{
	char **cols = NULL, what[WHAT_MAX];
	int64_t ncols = 0, i;
	hid_t g = H5I_INVALID_HID;
	int ret;

	memset(out, 0, sizeof *out);
	out->n = !strcmp(df, "obs") ? h->n_obs : !strcmp(df, "var") ? h->n_vars : h->n_raw_vars;
	if ((ret = h5_df_columns(h, df, &cols, &ncols)) < 0)
		goto out;
	for (i = 0; i < ncols && strcmp(cols[i], name); i++)
		;
	if (i == ncols) {
		struct sc_buf b = SC_BUF_INIT;
		for (int64_t j = 0; j < ncols && b.len < 600; j++)
			if (sc_buf_addf(&b, "%s%s", j ? ", " : "", cols[j]) < 0)
				break;
		ret = sc_seterr(SC_EINPUT, "'%s': %s column '%s' not found (available: %s%s)",
				h->path, df, name, b.data ? b.data : "none",
				b.len >= 600 ? ", ..." : "");
		sc_buf_release(&b);
		goto out;
	}
	h5_fmt(what, sizeof what, "'%s': %s column '%s'", h->path, df, name);
	if (!(out->name = sc_strdup(name))) {
		ret = SC_ENOMEM;
		goto out;
	}
	if (h->legacy) {
		ret = read_legacy(h, df, name, out);
	} else if ((g = h5_open(h->root, df, what)) < 0) {
		ret = -1;
	} else {
		ret = read_group_col(h, g, name, what, out);
	}
out:
	if (ret < 0) {
		int64_t n = out->n;
		sc_column_release(out);
		out->n = n;
	}
	sc_strings_free(cols, ncols);
	h5_close(g);
	return ret;
}

int sc_h5ad_obs_column(struct sc_h5ad *h, const char *name, struct sc_column *out)
{
	return h5_df_column(h, "obs", name, out);
}

int sc_h5ad_var_column(struct sc_h5ad *h, const char *name, struct sc_column *out)
{
	return h5_df_column(h, "var", name, out);
}

int sc_h5ad_raw_var_names(struct sc_h5ad *h, char ***names)
{
	if (!h->raw_var)
		return sc_seterr(SC_EINPUT, "'%s': no raw in the file", h->path);
	return h5_df_names(h, h->raw_var, h->n_raw_vars, names);
}

int64_t sc_h5ad_n_raw_vars(const struct sc_h5ad *h) { return h->raw_var ? h->n_raw_vars : -1; }
