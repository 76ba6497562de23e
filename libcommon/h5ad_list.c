/* An inventory of an AnnData file as JSON records: the file (layout, sizes, modalities), X,
 * layers, obsm, obsp (and pre-0.7 uns/neighbors graphs), obs and var columns with their kinds
 * and category counts. Matrices are described from metadata only, without reading data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"

#define WHAT_MAX 512

struct names {
	char **v;
	int n, cap, err;
};

static herr_t name_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
	struct names *l = data;
	char **nv;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		if (!(nv = sc_realloc(l->v, (size_t)l->cap, sizeof *nv))) {
			l->err = 1;
			return -1;
		}
		l->v = nv;
	}
	if (!(l->v[l->n] = sc_strdup(name))) {
		l->err = 1;
		return -1;
	}
	l->n++;
	return l->n > 100000 ? 1 : 0;
}

static int group_names(hid_t loc, const char *group, struct names *l)
{
	hid_t g;
	memset(l, 0, sizeof *l);
	if (h5_kind(loc, group) != H5I_GROUP)
		return 0;
	g = H5Gopen2(loc, group, H5P_DEFAULT);
	if (g >= 0)
		H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, name_cb, l);
	H5Eclear2(H5E_DEFAULT);
	h5_close(g);
	return l->err ? SC_ENOMEM : 0;
}

static void names_free(struct names *l)
{
	sc_strings_free(l->v, l->n);
	memset(l, 0, sizeof *l);
}

static cJSON *shape_json(int64_t r, int64_t c)
{
	cJSON *a = cJSON_CreateArray();
	cJSON_AddItemToArray(a, cJSON_CreateNumber((double)r));
	cJSON_AddItemToArray(a, cJSON_CreateNumber((double)c));
	return a;
}

/* Describe a matrix element at loc/path from its metadata. */
static cJSON *describe_matrix(hid_t loc, const char *path, const char *kind, const char *key)
{
	cJSON *o = cJSON_CreateObject();
	hid_t x = H5Oopen(loc, path, H5P_DEFAULT), d = H5I_INVALID_HID, t = H5I_INVALID_HID,
	      sp = H5I_INVALID_HID;
	char dtype[32] = "unknown", *enc = NULL, *fmt = NULL;
	cJSON_AddStringToObject(o, "kind", kind);
	if (key)
		cJSON_AddStringToObject(o, "key", key);
	if (x < 0)
		goto out;
	if (H5Iget_type(x) == H5I_DATASET) {
		hsize_t dims[H5S_MAX_RANK] = { 0, 1 };
		int r;
		sp = H5Dget_space(x);
		t = H5Dget_type(x);
		r = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
		if (r == 1)
			dims[1] = 1;
		if (r >= 1)
			cJSON_AddItemToObject(o, "shape", shape_json((int64_t)dims[0], (int64_t)dims[1]));
		cJSON_AddStringToObject(o, "format", H5Tget_class(t) == H5T_COMPOUND ? "dataframe" : "dense");
		if (t >= 0 && H5Tget_class(t) != H5T_COMPOUND)
			h5_dtype_name(t, dtype);
	} else {
		int64_t rows = -1, cols = -1, nnz = 0;
		hsize_t sdims[2] = { 0, 0 };
		if (h5_encoding(x, &enc) < 0 || h5_attr_string(x, "h5sparse_format", &fmt) < 0)
			sc_clearerr();
		if ((enc && !strcmp(enc, "csc_matrix")) || (fmt && !strcmp(fmt, "csc")))
			cJSON_AddStringToObject(o, "format", "csc");
		else if ((enc && !strcmp(enc, "csr_matrix")) || (fmt && !strcmp(fmt, "csr")))
			cJSON_AddStringToObject(o, "format", "csr");
		else
			cJSON_AddStringToObject(o, "format", enc ? enc : "group");
		const char *names[] = { "shape", "h5sparse_shape" };
		for (int i = 0; i < 2; i++) {
			int64_t s[2];
			hid_t a;
			if (H5Aexists(x, names[i]) <= 0)
				continue;
			a = H5Aopen(x, names[i], H5P_DEFAULT);
			if (a >= 0 && H5Aread(a, H5T_NATIVE_INT64, s) >= 0) {
				rows = s[0];
				cols = s[1];
			}
			h5_close(a);
			break;
		}
		if (rows >= 0)
			cJSON_AddItemToObject(o, "shape", shape_json(rows, cols));
		if (h5_kind(x, "data") == H5I_DATASET && (d = H5Dopen2(x, "data", H5P_DEFAULT)) >= 0) {
			sp = H5Dget_space(d);
			t = H5Dget_type(d);
			if (sp >= 0 && H5Sget_simple_extent_dims(sp, sdims, NULL) == 1)
				nnz = (int64_t)sdims[0];
			h5_dtype_name(t, dtype);
			cJSON_AddNumberToObject(o, "nnz", (double)nnz);
			if (rows > 0 && cols > 0)
				cJSON_AddNumberToObject(o, "density", (double)nnz / ((double)rows * (double)cols));
		}
	}
	cJSON_AddStringToObject(o, "dtype", dtype);
out:
	H5Eclear2(H5E_DEFAULT);
	free(enc);
	free(fmt);
	h5_close(sp);
	h5_close(t);
	h5_close(d);
	h5_close(x);
	return o;
}

static const char *kind_name(enum sc_col_kind k)
{
	static const char *n[] = { "categorical", "string", "float", "int", "bool" };
	return n[k];
}

static int list_columns(struct sc_h5ad *h, const char *df, cJSON *arr)
{
	char **cols = NULL;
	int64_t n = 0;
	int ret = !strcmp(df, "obs") ? sc_h5ad_obs_columns(h, &cols, &n) : sc_h5ad_var_columns(h, &cols, &n);
	for (int64_t i = 0; ret == 0 && i < n; i++) {
		struct sc_column c;
		cJSON *o;
		int64_t miss = 0;
		ret = !strcmp(df, "obs") ? sc_h5ad_obs_column(h, cols[i], &c) : sc_h5ad_var_column(h, cols[i], &c);
		if (ret < 0)
			break;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", df);
		cJSON_AddStringToObject(o, "column", cols[i]);
		cJSON_AddStringToObject(o, "type", kind_name(c.kind));
		cJSON_AddStringToObject(o, "dtype", c.dtype);
		if (c.kind == SC_COL_CATEGORICAL)
			cJSON_AddNumberToObject(o, "n_categories", (double)c.n_categories);
		for (int64_t j = 0; j < c.n; j++)
			miss += sc_col_string(&c, j) == NULL;
		cJSON_AddNumberToObject(o, "n_missing", (double)miss);
		cJSON_AddItemToArray(arr, o);
		sc_column_release(&c);
	}
	sc_strings_free(cols, n);
	return ret;
}

static void list_group(hid_t root, const char *group, const char *kind, cJSON *arr, struct names *l)
{
	char path[WHAT_MAX];
	for (int i = 0; i < l->n; i++) {
		h5_fmt(path, sizeof path, "%s/%s", group, l->v[i]);
		cJSON_AddItemToArray(arr, describe_matrix(root, path, kind, l->v[i]));
	}
	(void)group;
}

static cJSON *file_record(struct sc_h5ad *h)
{
	cJSON *o = cJSON_CreateObject();
	char *enc = NULL, *fenc = NULL;
	hid_t froot = H5Gopen2(h->file, "/", H5P_DEFAULT);
	struct names mods;
	cJSON_AddStringToObject(o, "kind", "file");
	cJSON_AddStringToObject(o, "path", h->path);
	if (h5_encoding(h->root, &enc) < 0 || (froot >= 0 && h5_encoding(froot, &fenc) < 0))
		sc_clearerr();
	cJSON_AddStringToObject(o, "layout", h->legacy ? "anndata<=0.6" : enc && !strcmp(enc, "anndata") ? "anndata>=0.8" : enc && !strcmp(enc, "MuData") ? "mudata" : "anndata-0.7");
	if (h->mod)
		cJSON_AddStringToObject(o, "mod", h->mod);
	cJSON_AddNumberToObject(o, "n_obs", (double)h->n_obs);
	cJSON_AddNumberToObject(o, "n_vars", (double)h->n_vars);
	if (h->raw_var)
		cJSON_AddNumberToObject(o, "n_raw_vars", (double)h->n_raw_vars);
	if (fenc && !strcmp(fenc, "MuData") && group_names(h->file, "mod", &mods) == 0) {
		cJSON *a = cJSON_AddArrayToObject(o, "modalities");
		for (int i = 0; i < mods.n; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(mods.v[i]));
		names_free(&mods);
	}
	h5_close(froot);
	free(enc);
	free(fenc);
	return o;
}

int sc_h5ad_list(struct sc_h5ad *h, cJSON **out)
{
	cJSON *arr = cJSON_CreateArray();
	struct names l;
	int ret = 0;
	if (!arr)
		return sc_seterr(SC_ENOMEM, "out of memory");
	cJSON_AddItemToArray(arr, file_record(h));
	if (h5_kind(h->root, "X") != H5I_BADID)
		cJSON_AddItemToArray(arr, describe_matrix(h->root, "X", "X", NULL));
	if (h5_kind(h->root, "raw/X") != H5I_BADID)
		cJSON_AddItemToArray(arr, describe_matrix(h->root, "raw/X", "raw", NULL));
	else if (h5_kind(h->root, "raw.X") != H5I_BADID)
		cJSON_AddItemToArray(arr, describe_matrix(h->root, "raw.X", "raw", NULL));
	if ((ret = group_names(h->root, "layers", &l)) == 0) {
		list_group(h->root, "layers", "layer", arr, &l);
		names_free(&l);
	}
	if (ret == 0 && h5_kind(h->root, "obsm") == H5I_DATASET) { /* <= 0.6 compound obsm */
		hid_t d = H5Dopen2(h->root, "obsm", H5P_DEFAULT), t = d >= 0 ? H5Dget_type(d) : -1;
		int nm = t >= 0 && H5Tget_class(t) == H5T_COMPOUND ? H5Tget_nmembers(t) : 0;
		for (int i = 0; i < nm; i++) {
			char *m = H5Tget_member_name(t, (unsigned)i);
			hid_t ft = H5Tget_member_type(t, (unsigned)i);
			hsize_t ad[H5S_MAX_RANK] = { 1 };
			char dtype[32] = "unknown";
			cJSON *o = cJSON_CreateObject();
			if (H5Tget_class(ft) == H5T_ARRAY && H5Tget_array_ndims(ft) == 1) {
				hid_t b = H5Tget_super(ft);
				H5Tget_array_dims2(ft, ad);
				h5_dtype_name(b, dtype);
				h5_close(b);
			} else {
				h5_dtype_name(ft, dtype);
			}
			cJSON_AddStringToObject(o, "kind", "obsm");
			cJSON_AddStringToObject(o, "key", m ? m : "?");
			cJSON_AddItemToObject(o, "shape", shape_json(h->n_obs, (int64_t)ad[0]));
			cJSON_AddStringToObject(o, "format", "dense");
			cJSON_AddStringToObject(o, "dtype", dtype);
			cJSON_AddItemToArray(arr, o);
			H5free_memory(m);
			h5_close(ft);
		}
		h5_close(t);
		h5_close(d);
		H5Eclear2(H5E_DEFAULT);
	} else if (ret == 0 && (ret = group_names(h->root, "obsm", &l)) == 0) {
		list_group(h->root, "obsm", "obsm", arr, &l);
		names_free(&l);
	}
	if (ret == 0 && (ret = group_names(h->root, "obsp", &l)) == 0) {
		if (l.n == 0) {
			names_free(&l);
			ret = group_names(h->root, "uns/neighbors", &l);
			for (int i = 0; ret == 0 && i < l.n; i++) {
				char p[WHAT_MAX];
				h5_fmt(p, sizeof p, "uns/neighbors/%s", l.v[i]);
				if (strcmp(l.v[i], "params") && h5_kind(h->root, p) == H5I_GROUP)
					cJSON_AddItemToArray(arr, describe_matrix(h->root, p, "obsp", l.v[i]));
			}
		} else {
			list_group(h->root, "obsp", "obsp", arr, &l);
		}
		names_free(&l);
	}
	if (ret == 0)
		ret = list_columns(h, "obs", arr);
	if (ret == 0)
		ret = list_columns(h, "var", arr);
	if (ret < 0) {
		cJSON_Delete(arr);
		return ret;
	}
	*out = arr;
	return 0;
}
