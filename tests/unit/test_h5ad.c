/* Unit tests for the AnnData reader and writer on small files built here, one per on-disk
 * layout: the writer's modern files (every column kind), hand-made 0.7 (object-referenced
 * __categories) and <= 0.6 (compound datasets, uns/<col>_categories, h5sparse) files, a
 * MuData file with a user block, and hostile shapes that must fail cleanly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <openssl/evp.h>

#include "sc.h"
#include "sc_h5ad.h"
#include "sc_h5ad_write.h"
#include "tap.h"

static char dir[] = "/tmp/sc_h5ad_XXXXXX";

static const char *tpath(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* ---- raw HDF5 helpers for the hand-made layouts ---- */

static hid_t vstr(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);
	H5Tset_size(t, H5T_VARIABLE);
	H5Tset_cset(t, H5T_CSET_UTF8);
	return t;
}

static void attr_s(hid_t o, const char *name, const char *v)
{
	hid_t t = vstr(), sp = H5Screate(H5S_SCALAR), a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, t, &v);
	H5Aclose(a);
	H5Sclose(sp);
	H5Tclose(t);
}

static void attr_strs(hid_t o, const char *name, const char **v, hsize_t n)
{
	hid_t t = vstr(), sp = H5Screate_simple(1, &n, NULL), a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, t, v);
	H5Aclose(a);
	H5Sclose(sp);
	H5Tclose(t);
}

static void attr_shape(hid_t o, const char *name, int64_t r, int64_t c)
{
	hsize_t two = 2;
	int64_t s[2] = { r, c };
	hid_t sp = H5Screate_simple(1, &two, NULL), a = H5Acreate2(o, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, H5T_NATIVE_INT64, s);
	H5Aclose(a);
	H5Sclose(sp);
}

static hid_t ds(hid_t loc, const char *name, hid_t ft, hid_t mt, int rank, const hsize_t *dims, const void *buf)
{
	hid_t sp = H5Screate_simple(rank, dims, NULL), d = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
	H5Sclose(sp);
	return d;
}

static void ds1(hid_t loc, const char *name, hid_t ft, hid_t mt, hsize_t n, const void *buf)
{
	H5Dclose(ds(loc, name, ft, mt, 1, &n, buf));
}

static void strs(hid_t loc, const char *name, const char **v, hsize_t n)
{
	hid_t t = vstr();
	ds1(loc, name, t, t, n, v);
	H5Tclose(t);
}

static hid_t grp(hid_t loc, const char *name)
{
	return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

/* a sparse group: CSR (or CSC) with the given arrays; legacy uses h5sparse attributes */
static void sparse(hid_t loc, const char *name, int legacy, int csc, int64_t r, int64_t c,
		   const int64_t *indptr, hsize_t np, const int32_t *idx, const float *val, hsize_t nnz)
{
	hid_t g = grp(loc, name);
	if (legacy) {
		attr_s(g, "h5sparse_format", csc ? "csc" : "csr");
		attr_shape(g, "h5sparse_shape", r, c);
	} else {
		attr_s(g, "encoding-type", csc ? "csc_matrix" : "csr_matrix");
		attr_s(g, "encoding-version", "0.1.0");
		attr_shape(g, "shape", r, c);
	}
	ds1(g, "indptr", H5T_STD_I64LE, H5T_NATIVE_INT64, np, indptr);
	ds1(g, "indices", H5T_STD_U16LE, H5T_NATIVE_INT32, nnz, idx);
	ds1(g, "data", H5T_IEEE_F64LE, H5T_NATIVE_FLOAT, nnz, val);
	H5Gclose(g);
}

static const char *col_str(const struct sc_column *c, int64_t i)
{
	const char *s = sc_col_string(c, i);
	return s ? s : "<NA>";
}

/* "a|b|c" of a column's string values */
static const char *joined(const struct sc_column *c)
{
	static char buf[512];
	buf[0] = '\0';
	for (int64_t i = 0; i < c->n; i++) {
		if (i)
			strcat(buf, "|");
		strncat(buf, col_str(c, i), sizeof buf - strlen(buf) - 2);
	}
	return buf;
}

static int check_col(struct sc_h5ad *h, const char *name, const char *dtype, const char *want)
{
	struct sc_column c;
	int good;
	if (sc_h5ad_obs_column(h, name, &c) < 0) {
		ok(0, "column %s: %s", name, sc_errmsg());
		return 0;
	}
	good = !strcmp(c.dtype, dtype) && !strcmp(joined(&c), want);
	ok(good, "column %s: dtype %s values %s (got %s %s)", name, dtype, want, c.dtype, joined(&c));
	sc_column_release(&c);
	return good;
}

/* ---- 1. the writer's modern layout, every column kind ---- */

static void test_modern(void)
{
	char *cells[] = { "c0", "c1", "c2", "c3" }, *genes[] = { "g0", "g1", "g2" };
	char *cats[] = { "B", "A", "C" }, *s[] = { "w", "x", "y", "z" }, *ns[] = { "p", NULL, "r", "" };
	int32_t codes[] = { 0, -1, 2, 0 }, none[] = { -1, -1, -1, -1 };
	double f[] = { 1.5, NAN, 3019.0, 0.1f }, iv[] = { 7, -2, 0, 1234567 }, bv[] = { 1, 0, 1, 0 };
	uint8_t miss[] = { 0, 1, 0, 0 };
	struct sc_column cols[9];
	float emb[4 * 2] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	/* layer: row 0 unsorted with a duplicate, row 1 empty, rows 2-3 one entry */
	int64_t ip[] = { 0, 3, 3, 4, 5 };
	int32_t ix[] = { 2, 0, 2, 1, 0 };
	float dv[] = { 1, 2, 3, 4, 5 };
	struct sc_csr L = { 4, 3, 5, ip, ix, dv };
	int64_t gp[] = { 0, 2, 3, 3, 4 };
	int32_t gx[] = { 3, 1, 0, 2 };
	float gv[] = { 0.5f, 0.25f, 1, 2 };
	struct sc_csr G = { 4, 4, 4, gp, gx, gv };
	struct sc_h5w *w;
	struct sc_h5ad *h;
	struct sc_matrix m = SC_MATRIX_INIT;
	struct sc_csr g = SC_CSR_INIT;
	char **names = NULL;
	cJSON *list = NULL;

	memset(cols, 0, sizeof cols);
	cols[0] = (struct sc_column){ "cat", SC_COL_CATEGORICAL, 4, codes, cats, 3, NULL, NULL, NULL, "" };
	cols[1] = (struct sc_column){ "empty", SC_COL_CATEGORICAL, 4, none, NULL, 0, NULL, NULL, NULL, "" };
	cols[2] = (struct sc_column){ "str", SC_COL_STRING, 4, NULL, NULL, 0, s, NULL, NULL, "" };
	cols[3] = (struct sc_column){ "nstr", SC_COL_STRING, 4, NULL, NULL, 0, ns, NULL, NULL, "" };
	cols[4] = (struct sc_column){ "f32", SC_COL_FLOAT, 4, NULL, NULL, 0, NULL, f, NULL, "float32" };
	cols[5] = (struct sc_column){ "i64", SC_COL_INT, 4, NULL, NULL, 0, NULL, iv, NULL, "int64" };
	cols[6] = (struct sc_column){ "nint", SC_COL_INT, 4, NULL, NULL, 0, NULL, iv, miss, "int64" };
	cols[7] = (struct sc_column){ "b", SC_COL_BOOL, 4, NULL, NULL, 0, NULL, bv, NULL, "bool" };
	cols[8] = (struct sc_column){ "nb", SC_COL_BOOL, 4, NULL, NULL, 0, NULL, bv, miss, "bool" };

	w = sc_h5w_create(tpath("modern.h5ad"));
	ok(w != NULL, "writer created (%s)", sc_errmsg());
	ok(sc_h5w_frame(w, "obs", cells, 4, cols, 9) == 0, "obs written (%s)", sc_errmsg());
	ok(sc_h5w_frame(w, "var", genes, 3, NULL, 0) == 0, "var written");
	ok(sc_h5w_dense(w, "obsm/X_emb", emb, 4, 2) == 0 && sc_h5w_csr(w, "layers/L", &L) == 0 &&
		   sc_h5w_csr(w, "obsp/g", &G) == 0 && sc_h5w_csr(w, "X", &L) == 0,
	   "matrices written");
	ok(access(tpath("modern.h5ad"), F_OK) != 0, "nothing at the target before close");
	ok(sc_h5w_close(w) == 0, "closed");

	h = sc_h5ad_open(tpath("modern.h5ad"), NULL);
	ok(h && sc_h5ad_n_obs(h) == 4 && sc_h5ad_n_vars(h) == 3, "reopened: 4 x 3 (%s)", sc_errmsg());
	if (!h)
		return;
	ok(sc_h5ad_obs_names(h, &names) == 0 && !strcmp(names[3], "c3"), "obs names");
	sc_strings_free(names, 4);
	check_col(h, "cat", "category", "B|<NA>|C|B");
	check_col(h, "empty", "category", "<NA>|<NA>|<NA>|<NA>");
	check_col(h, "str", "object", "w|x|y|z");
	check_col(h, "nstr", "string", "p|<NA>|r|");
	check_col(h, "f32", "float32", "1.5|<NA>|3019.0|0.10000000149011612");
	check_col(h, "i64", "int64", "7|-2|0|1234567");
	check_col(h, "nint", "Int64", "7|<NA>|0|1234567");
	check_col(h, "b", "bool", "True|False|True|False");
	check_col(h, "nb", "boolean", "True|<NA>|True|False");

	ok(sc_h5ad_read_obsm(h, "X_emb", &m) == 0 && m.rows == 4 && m.cols == 2 && m.data[5] == 6,
	   "obsm X_emb 4 x 2");
	sc_mat_release(&m);
	ok(sc_h5ad_read_X(h, "L", 0, &m) == 0 && m.rows == 4 && m.cols == 3, "layer L densified");
	if (m.data) {
		float want[12] = { 2, 0, 4, 0, 0, 0, 0, 4, 0, 5, 0, 0 };
		ok(memcmp(m.data, want, sizeof want) == 0, "duplicates add up, empty row stays zero");
	}
	sc_mat_release(&m);
	ok(sc_h5ad_read_X(h, NULL, 40, &m) == SC_ENOMEM && strstr(sc_errmsg(), "memory limit"),
	   "max_bytes 40 refuses a 48-byte X: %s", sc_errmsg());
	ok(sc_h5ad_read_obsp(h, "g", &g) == 0 && g.nnz == 4 && g.indices[0] == 1 && g.indices[1] == 3 &&
		   g.data[0] == 0.25f && sc_csr_validate(&g) == 0,
	   "obsp g: row sorted by column with values following");
	sc_csr_release(&g);
	ok(sc_h5ad_read_obsm(h, "nope", &m) == SC_EINPUT && strstr(sc_errmsg(), "available: X_emb"),
	   "missing obsm key lists keys: %s", sc_errmsg());
	ok(sc_h5ad_obs_column(h, "nope", &cols[0]) == SC_EINPUT && strstr(sc_errmsg(), "cat, empty, str"),
	   "missing obs column lists columns: %s", sc_errmsg());
	ok(sc_h5ad_list(h, &list) == 0 && cJSON_GetArraySize(list) == 1 + 1 + 1 + 1 + 1 + 9,
	   "list: file, X, layer, obsm, obsp and 9 columns (%d)", list ? cJSON_GetArraySize(list) : -1);
	cJSON_Delete(list);
	sc_h5ad_close(h);
}

/* ---- 2. modern extras: categories of other dtypes, CSC, nullable-string index ---- */

static void test_modern_extras(void)
{
	hid_t f, obs, g, var;
	int64_t cats_i[] = { 10, 20 };
	double cats_f[] = { 0.5, 2.0 };
	int8_t codes[] = { 1, 0, -1, 1 }, mask[] = { 0, 1, 0 };
	const char *order[] = { "cat", "empty", "str", "nstr", "f32", "i64", "nint", "b", "nb", "ci", "cf" };
	const char *vals[] = { "g0", "", "g2" };
	int64_t ip[] = { 0, 1, 3, 4 }; /* CSC over 3 columns of a 4 x 3 matrix */
	int32_t ix[] = { 3, 0, 1, 2 };
	float dv[] = { 1, 2, 3, 4 };
	struct sc_h5ad *h;
	struct sc_matrix m = SC_MATRIX_INIT;
	char **names = NULL;

	f = H5Fopen(tpath("modern.h5ad"), H5F_ACC_RDWR, H5P_DEFAULT);
	obs = H5Gopen2(f, "obs", H5P_DEFAULT);
	H5Adelete(obs, "column-order");
	attr_strs(obs, "column-order", order, 11);
	for (int k = 0; k < 2; k++) {
		g = grp(obs, k ? "cf" : "ci");
		attr_s(g, "encoding-type", "categorical");
		attr_s(g, "encoding-version", "0.2.0");
		ds1(g, "codes", H5T_STD_I8LE, H5T_NATIVE_INT8, 4, codes);
		if (k)
			ds1(g, "categories", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, cats_f);
		else
			ds1(g, "categories", H5T_STD_I64LE, H5T_NATIVE_INT64, 2, cats_i);
		H5Gclose(g);
	}
	H5Gclose(obs);
	sparse(f, "layers/C", 0, 1, 4, 3, ip, 4, ix, dv, 4);
	var = H5Gopen2(f, "var", H5P_DEFAULT);
	H5Ldelete(var, "_index", H5P_DEFAULT);
	g = grp(var, "_index");
	attr_s(g, "encoding-type", "nullable-string-array");
	attr_s(g, "encoding-version", "0.1.0");
	strs(g, "values", vals, 3);
	ds1(g, "mask", H5T_STD_I8LE, H5T_NATIVE_INT8, 3, mask);
	H5Gclose(g);
	H5Gclose(var);
	H5Fclose(f);

	h = sc_h5ad_open(tpath("modern.h5ad"), NULL);
	ok(h != NULL, "reopened with extras (%s)", sc_errmsg());
	if (!h)
		return;
	check_col(h, "ci", "category", "20|10|<NA>|20");
	check_col(h, "cf", "category", "2.0|0.5|<NA>|2.0");
	ok(sc_h5ad_read_X(h, "C", 0, &m) == 0, "CSC layer read (%s)", sc_errmsg());
	if (m.data) {
		float want[12] = { 0, 2, 0, 0, 3, 0, 0, 0, 4, 1, 0, 0 };
		ok(memcmp(m.data, want, sizeof want) == 0, "CSC densified column-wise");
	}
	sc_mat_release(&m);
	ok(sc_h5ad_n_vars(h) == 3 && sc_h5ad_var_names(h, &names) == 0 && !strcmp(names[2], "g2"),
	   "nullable-string-array var index");
	sc_strings_free(names, 3);
	sc_h5ad_close(h);
}

/* ---- 3. anndata 0.7: categories by object reference ---- */

static void test_v07(void)
{
	hid_t f = H5Fcreate(tpath("v07.h5ad"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), obs, cg, d, sp, a, var;
	const char *idx[] = { "a", "b", "c" }, *cats[] = { "T", "B" }, *order[] = { "ct", "num", "s" };
	const char *sv[] = { "x", "y", "z" }, *genes[] = { "g" };
	int8_t codes[] = { 1, -1, 0 };
	double num[] = { 0.25, 1e-7, -3 };
	float X[] = { 1, 2, 3 };
	hsize_t dims[2] = { 3, 1 };
	hobj_ref_t ref;
	struct sc_h5ad *h;

	obs = grp(f, "obs");
	attr_s(obs, "_index", "_index");
	attr_s(obs, "encoding-type", "dataframe");
	attr_s(obs, "encoding-version", "0.1.0");
	attr_strs(obs, "column-order", order, 3);
	strs(obs, "_index", idx, 3);
	cg = grp(obs, "__categories");
	strs(cg, "ct", cats, 2);
	H5Gclose(cg);
	d = ds(obs, "ct", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, dims, codes);
	H5Rcreate(&ref, obs, "__categories/ct", H5R_OBJECT, -1);
	sp = H5Screate(H5S_SCALAR);
	a = H5Acreate2(d, "categories", H5T_STD_REF_OBJ, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, H5T_STD_REF_OBJ, &ref);
	H5Aclose(a);
	H5Sclose(sp);
	H5Dclose(d);
	ds1(obs, "num", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, num);
	strs(obs, "s", sv, 3);
	H5Gclose(obs);
	var = grp(f, "var");
	attr_s(var, "_index", "_index");
	strs(var, "_index", genes, 1);
	H5Gclose(var);
	H5Dclose(ds(f, "X", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dims, X));
	H5Fclose(f);

	h = sc_h5ad_open(tpath("v07.h5ad"), NULL);
	ok(h && sc_h5ad_n_obs(h) == 3 && sc_h5ad_n_vars(h) == 1, "0.7 file opens 3 x 1 (%s)", sc_errmsg());
	if (!h)
		return;
	check_col(h, "ct", "category", "B|<NA>|T");
	check_col(h, "num", "float64", "0.25|1e-07|-3.0");
	check_col(h, "s", "object", "x|y|z");
	sc_h5ad_close(h);
}

/* ---- 4. anndata <= 0.6: compound datasets ---- */

static void test_legacy(void)
{
	struct row {
		char index[5];
		int8_t grp;
		float val;
		int64_t cnt;
	} rows[3] = { { "r1", 1, 0.5f, 3 }, { "r2", 0, 1.5f, 4 }, { "r3ab", 1, -2, 5 } };
	struct orow {
		float pca[3];
		double umap[2];
	} orows[3] = { { { 1, 2, 3 }, { 0.1, 0.2 } }, { { 4, 5, 6 }, { 0.3, 0.4 } }, { { 7, 8, 9 }, { 0.5, 0.6 } } };
	struct vrow {
		const char *index;
	} vrows[2] = { { "gA" }, { "gB" } };
	hid_t f = H5Fcreate(tpath("legacy.h5ad"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	hid_t s5 = H5Tcopy(H5T_C_S1), ct, vt, ot, a3, a2, uns, nb, s3;
	hsize_t three = 3, two = 2, n3 = 3, n2 = 2;
	int64_t ip[] = { 0, 1, 1, 2 }, gp[] = { 0, 1, 2, 2 };
	int32_t ix[] = { 1, 0 }, gx[] = { 2, 0 };
	float dv[] = { 9, 8 }, gv[] = { 0.5f, 0.5f };
	const char cats[2][3] = { { 'x', 0, 0 }, { 'y', 'y', 0 } };
	struct sc_h5ad *h;
	struct sc_matrix m = SC_MATRIX_INIT;
	struct sc_csr g = SC_CSR_INIT;
	char **names = NULL;

	H5Tset_size(s5, 5);
	H5Tset_strpad(s5, H5T_STR_NULLPAD);
	ct = H5Tcreate(H5T_COMPOUND, sizeof(struct row));
	H5Tinsert(ct, "index", HOFFSET(struct row, index), s5);
	H5Tinsert(ct, "grp", HOFFSET(struct row, grp), H5T_NATIVE_INT8);
	H5Tinsert(ct, "val", HOFFSET(struct row, val), H5T_NATIVE_FLOAT);
	H5Tinsert(ct, "cnt", HOFFSET(struct row, cnt), H5T_NATIVE_INT64);
	ds1(f, "obs", ct, ct, 3, rows);
	vt = H5Tcreate(H5T_COMPOUND, sizeof(struct vrow));
	s3 = vstr();
	H5Tinsert(vt, "index", 0, s3);
	ds1(f, "var", vt, vt, 2, vrows);
	a3 = H5Tarray_create2(H5T_NATIVE_FLOAT, 1, &three);
	a2 = H5Tarray_create2(H5T_NATIVE_DOUBLE, 1, &two);
	ot = H5Tcreate(H5T_COMPOUND, sizeof(struct orow));
	H5Tinsert(ot, "X_pca", HOFFSET(struct orow, pca), a3);
	H5Tinsert(ot, "X_umap", HOFFSET(struct orow, umap), a2);
	ds1(f, "obsm", ot, ot, 3, orows);
	sparse(f, "X", 1, 0, 3, 2, ip, 4, ix, dv, 2);
	uns = grp(f, "uns");
	{
		hid_t fs = H5Tcopy(H5T_C_S1);
		H5Tset_size(fs, 3);
		ds1(uns, "grp_categories", fs, fs, n2, cats);
		H5Tclose(fs);
	}
	nb = grp(uns, "neighbors");
	sparse(nb, "distances", 1, 0, 3, 3, gp, 4, gx, gv, 2);
	H5Gclose(nb);
	H5Gclose(uns);
	(void)n3;
	H5Tclose(s5);
	H5Tclose(s3);
	H5Tclose(ct);
	H5Tclose(vt);
	H5Tclose(ot);
	H5Tclose(a3);
	H5Tclose(a2);
	H5Fclose(f);

	h = sc_h5ad_open(tpath("legacy.h5ad"), NULL);
	ok(h && sc_h5ad_is_legacy(h) && sc_h5ad_n_obs(h) == 3 && sc_h5ad_n_vars(h) == 2,
	   "legacy file opens 3 x 2 (%s)", sc_errmsg());
	if (!h)
		return;
	ok(sc_h5ad_obs_names(h, &names) == 0 && !strcmp(names[2], "r3ab") && !strcmp(names[0], "r1"),
	   "fixed-length index trimmed");
	sc_strings_free(names, 3);
	ok(sc_h5ad_var_names(h, &names) == 0 && !strcmp(names[1], "gB"), "vlen var index");
	sc_strings_free(names, 2);
	check_col(h, "grp", "category", "yy|x|yy");
	check_col(h, "val", "float32", "0.5|1.5|-2.0");
	check_col(h, "cnt", "int64", "3|4|5");
	ok(sc_h5ad_read_obsm(h, "X_pca", &m) == 0 && m.cols == 3 && m.data[8] == 9, "ARRAY field X_pca");
	sc_mat_release(&m);
	ok(sc_h5ad_read_obsm(h, "X_umap", &m) == 0 && m.cols == 2 && m.data[5] == 0.6f, "f64 ARRAY field X_umap");
	sc_mat_release(&m);
	ok(sc_h5ad_read_X(h, NULL, 0, &m) == 0 && m.data[1] == 9 && m.data[4] == 8 && m.data[0] == 0,
	   "h5sparse X densified");
	sc_mat_release(&m);
	ok(sc_h5ad_read_obsp(h, "distances", &g) == 0 && g.nnz == 2 && g.indices[0] == 2,
	   "uns/neighbors/distances as obsp (%s)", sc_errmsg());
	sc_csr_release(&g);
	sc_h5ad_close(h);
}

/* ---- 5. MuData with a 512-byte user block ---- */

static void test_h5mu(void)
{
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), f, mod, rna, obs;
	const char *cells[] = { "a", "b" }, *genes[] = { "g1", "g2", "g3" }, *none[] = { NULL };
	float X[6] = { 1, 2, 3, 4, 5, 6 }, J[2] = { 7, 8 };
	hsize_t d23[2] = { 2, 3 }, d21[2] = { 2, 1 };
	struct sc_h5ad *h;
	struct sc_matrix m = SC_MATRIX_INIT;
	FILE *fp;

	H5Pset_userblock(fcpl, 512);
	f = H5Fcreate(tpath("x.h5mu"), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
	attr_s(f, "encoding-type", "MuData");
	attr_s(f, "encoding-version", "0.1.0");
	for (int k = 0; k < 2; k++) {
		hid_t base = k ? (mod = grp(f, "mod"), rna = grp(mod, "rna")) : f;
		if (k)
			attr_s(rna, "encoding-type", "anndata");
		obs = grp(base, "obs");
		attr_s(obs, "_index", "_index");
		attr_strs(obs, "column-order", none, 0);
		strs(obs, "_index", cells, 2);
		H5Gclose(obs);
		obs = grp(base, "var");
		attr_s(obs, "_index", "_index");
		strs(obs, "_index", genes, k ? 3 : 1);
		H5Gclose(obs);
	}
	H5Dclose(ds(rna, "X", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, d23, X));
	obs = grp(f, "obsm");
	H5Dclose(ds(obs, "X_joint", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, d21, J));
	H5Gclose(obs);
	H5Gclose(rna);
	H5Gclose(mod);
	H5Fclose(f);
	H5Pclose(fcpl);
	fp = fopen(tpath("x.h5mu"), "r+");
	fputs("MuData (format-version=0.1.0;creator=test)", fp);
	fclose(fp);

	h = sc_h5ad_open(tpath("x.h5mu"), "rna");
	ok(h && sc_h5ad_n_obs(h) == 2 && sc_h5ad_n_vars(h) == 3, "h5mu modality rna 2 x 3 (%s)", sc_errmsg());
	ok(h && sc_h5ad_read_X(h, NULL, 0, &m) == 0 && m.data[5] == 6, "rna X");
	sc_mat_release(&m);
	sc_h5ad_close(h);
	h = sc_h5ad_open(tpath("x.h5mu"), NULL);
	ok(h && sc_h5ad_read_obsm(h, "X_joint", &m) == 0 && m.data[1] == 8, "root obsm of an h5mu");
	sc_mat_release(&m);
	sc_h5ad_close(h);
	ok(!sc_h5ad_open(tpath("x.h5mu"), "atac") && strstr(sc_errmsg(), "available: rna"),
	   "unknown modality lists modalities: %s", sc_errmsg());
}

/* ---- 6. hostile and inconsistent files ---- */

static void write_bad(const char *name, int what)
{
	char *cells[] = { "a", "b" }, *g[] = { "g" };
	int32_t bad_codes[] = { 0, 5 };
	char *cats[] = { "x", "y" };
	struct sc_column c = { "c", SC_COL_CATEGORICAL, 2, bad_codes, cats, 2, NULL, NULL, NULL, "" };
	struct sc_h5w *w = sc_h5w_create(tpath(name));
	float e[6] = { 0 };
	int ok_ = sc_h5w_frame(w, "obs", cells, 2, what == 0 ? &c : NULL, what == 0) == 0 &&
		  sc_h5w_frame(w, "var", g, 1, NULL, 0) == 0;
	if (what == 1)
		ok_ = ok_ && sc_h5w_dense(w, "obsm/X_short", e, 3, 2) == 0;
	ok_ = sc_h5w_close(w) == 0 && ok_;
	if (what == 2) { /* a chunked dataset claiming 2^36 x 4 floats with no storage */
		hid_t f = H5Fopen(tpath(name), H5F_ACC_RDWR, H5P_DEFAULT), o = H5Gopen2(f, "obsm", H5P_DEFAULT);
		hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
		hsize_t dims[2] = { (hsize_t)1 << 36, 4 }, ch[2] = { 1024, 4 };
		hid_t sp = H5Screate_simple(2, dims, NULL), d;
		H5Pset_chunk(dcpl, 2, ch);
		d = H5Dcreate2(o, "X_huge", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
		H5Dclose(d);
		H5Sclose(sp);
		H5Pclose(dcpl);
		H5Gclose(o);
		H5Fclose(f);
	}
	if (what == 3) { /* CSR with indptr going down */
		int64_t ip[] = { 0, 2, 1 };
		int32_t ix[] = { 0, 0 };
		float v[] = { 1, 1 };
		hid_t f = H5Fopen(tpath(name), H5F_ACC_RDWR, H5P_DEFAULT);
		sparse(f, "X", 0, 0, 2, 1, ip, 3, ix, v, 2);
		H5Fclose(f);
	}
	ok(ok_, "wrote %s", name);
}

static void test_hostile(void)
{
	struct sc_h5ad *h;
	struct sc_column c;
	struct sc_matrix m = SC_MATRIX_INIT;
	FILE *fp;

	write_bad("badcode.h5ad", 0);
	h = sc_h5ad_open(tpath("badcode.h5ad"), NULL);
	ok(h && sc_h5ad_obs_column(h, "c", &c) == SC_EINPUT && strstr(sc_errmsg(), "outside the 2 categories"),
	   "categorical code 5 of 2 categories refused: %s", sc_errmsg());
	sc_h5ad_close(h);
	write_bad("short.h5ad", 1);
	h = sc_h5ad_open(tpath("short.h5ad"), NULL);
	ok(h && sc_h5ad_read_obsm(h, "X_short", &m) == SC_EINPUT && strstr(sc_errmsg(), "has 3 rows"),
	   "obsm with the wrong row count refused: %s", sc_errmsg());
	sc_h5ad_close(h);
	write_bad("huge.h5ad", 2);
	h = sc_h5ad_open(tpath("huge.h5ad"), NULL);
	ok(h && sc_h5ad_read_obsm(h, "X_huge", &m) < 0 && strstr(sc_errmsg(), "more than the file can hold"),
	   "2^36-row dataset refused before allocation: %s", sc_errmsg());
	sc_h5ad_close(h);
	write_bad("indptr.h5ad", 3);
	h = sc_h5ad_open(tpath("indptr.h5ad"), NULL);
	ok(h && sc_h5ad_read_X(h, NULL, 0, &m) == SC_EINPUT && strstr(sc_errmsg(), "indptr"),
	   "decreasing indptr refused: %s", sc_errmsg());
	sc_h5ad_close(h);

	ok(!sc_h5ad_open(tpath("none.h5ad"), NULL) && strstr(sc_errmsg(), "No such file"), "missing file: %s", sc_errmsg());
	fp = fopen(tpath("text.h5ad"), "w");
	fputs("hello\n", fp);
	fclose(fp);
	ok(!sc_h5ad_open(tpath("text.h5ad"), NULL) && strstr(sc_errmsg(), "not an HDF5 file"), "text file: %s", sc_errmsg());
	fclose(fopen(tpath("empty.h5ad"), "w"));
	ok(!sc_h5ad_open(tpath("empty.h5ad"), NULL) && strstr(sc_errmsg(), "empty file"), "empty file: %s", sc_errmsg());
	ok(truncate(tpath("huge.h5ad"), 3000) == 0 && !sc_h5ad_open(tpath("huge.h5ad"), NULL) &&
		   strstr(sc_errmsg(), "truncated"),
	   "truncated file: %s", sc_errmsg());
}

/* ---- 7. generic dataset reading (embeddings.h5) ---- */

static void test_dataset(void)
{
	hid_t f = H5Fcreate(tpath("emb.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), g = grp(f, "model");
	double e[6] = { 1, 2, 3, 4, 5, 6.25 };
	hsize_t d[2] = { 3, 2 };
	struct sc_matrix m = SC_MATRIX_INIT;
	H5Dclose(ds(g, "embeddings", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d, e));
	H5Gclose(g);
	H5Fclose(f);
	ok(sc_h5_read_dataset_f32(tpath("emb.h5"), "model/embeddings", &m) == 0 && m.rows == 3 &&
		   m.cols == 2 && m.data[5] == 6.25f,
	   "embeddings.h5 dataset as float32 3 x 2 (%s)", sc_errmsg());
	sc_mat_release(&m);
	ok(sc_h5_read_dataset_f32(tpath("emb.h5"), "nope", &m) == SC_EINPUT && strstr(sc_errmsg(), "no such dataset"),
	   "missing dataset: %s", sc_errmsg());
}

/* ---- 8. every obs column of the golden files, numeric ones included, through sc_col_string
 * (Python str() formatting): sha256 of the values joined by "\n" as the golden README says ---- */

static void sha_hex(const struct sc_buf *b, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(b->data ? b->data : "", b->len, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static int golden_file(const char *shared, const char *base)
{
	char path[2048], hex[65];
	struct sc_stream *s;
	struct sc_buf txt = SC_BUF_INIT;
	cJSON *g = NULL, *it;
	struct sc_h5ad *h = NULL;
	int bad = 0, n = 0;
	snprintf(path, sizeof path, "%s/golden/h5ad/%s", shared, base);
	if (!(s = sc_open(path, "r")))
		return -1;
	struct sc_buf line = SC_BUF_INIT;
	while (sc_getline(s, &line, 1 << 24) == 1 && sc_buf_add(&txt, line.data, line.len) == 0 &&
	       sc_buf_add(&txt, "\n", 1) == 0)
		;
	sc_buf_release(&line);
	if (sc_close(s) < 0)
		printf("# cannot read %s\n", path);
	if (sc_buf_add(&txt, "", 1) == 0)
		g = cJSON_Parse(txt.data);
	sc_buf_release(&txt);
	if (!cJSON_IsString(cJSON_GetObjectItem(g, "file"))) {
		ok(0, "%s: unreadable golden record", base);
		cJSON_Delete(g);
		return 0;
	}
	snprintf(path, sizeof path, "%s/data/%s", shared, cJSON_GetObjectItem(g, "file")->valuestring);
	h = sc_h5ad_open(path, NULL);
	cJSON *cols = h ? cJSON_GetObjectItem(g, "obs") : NULL;
	cJSON_ArrayForEach(it, cols)
	{
		struct sc_column c;
		struct sc_buf b = SC_BUF_INIT;
		const char *want = cJSON_GetObjectItem(it, "sha256")->valuestring;
		if (sc_h5ad_obs_column(h, it->string, &c) < 0) {
			bad++;
			continue;
		}
		for (int64_t i = 0; i < c.n; i++) {
			const char *v = sc_col_string(&c, i);
			if (c.kind == SC_COL_BOOL && v)
				v = !strcmp(v, "True") ? "true" : "false";
			if ((i && sc_buf_add(&b, "\n", 1) < 0) || (v && sc_buf_adds(&b, v) < 0))
				break;
		}
		sha_hex(&b, hex);
		if (strcmp(hex, want)) {
			printf("# %s %s (%s): sha256 differs\n", base, it->string, c.dtype);
			bad++;
		}
		n++;
		sc_buf_release(&b);
		sc_column_release(&c);
	}
	ok(h && bad == 0 && n == cJSON_GetArraySize(cJSON_GetObjectItem(g, "obs")),
	   "%s: all %d obs columns hash like anndata's str() values (%d differ)", base, n, bad);
	sc_h5ad_close(h);
	cJSON_Delete(g);
	return 0;
}

static void test_golden(void)
{
	const char *shared = getenv("SCBENCH_SHARED");
	char path[512];
	FILE *ls;
	if (!shared || !*shared)
		shared = "../shared";
	snprintf(path, sizeof path, "ls '%s/golden/h5ad' 2>/dev/null", shared);
	ls = popen(path, "r");
	int n = 0;
	while (ls && fgets(path, sizeof path, ls)) {
		path[strcspn(path, "\n")] = '\0';
		if (strstr(path, ".json") && golden_file(shared, path) == 0)
			n++;
	}
	if (ls)
		pclose(ls);
	if (n == 0)
		ok(1, "# SKIP ../shared is absent: golden h5ad records not checked");
}

/* ---- 9. h5py's LZF filter (id 32000): chunks written raw, decoded by the reader ---- */

static void lzf_dataset(hid_t loc, const char *name, const unsigned char *chunk, size_t clen, int with_size)
{
	hsize_t dims[2] = { 4, 16 }, off[2] = { 0, 0 };
	unsigned cd[3] = { 4, 261, 256 };
	hid_t sp = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d;
	H5Pset_chunk(dcpl, 2, dims);
	H5Pset_filter(dcpl, 32000, H5Z_FLAG_OPTIONAL, with_size ? 3 : 0, cd);
	d = H5Dcreate2(loc, name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	H5Dwrite_chunk(d, H5P_DEFAULT, 0, off, clen, chunk);
	H5Dclose(d);
	H5Pclose(dcpl);
	H5Sclose(sp);
}

static void test_lzf(void)
{
	char *cells[] = { "a", "b", "c", "d" }, *g[] = { "g" };
	struct sc_h5w *w = sc_h5w_create(tpath("lzf.h5ad"));
	unsigned char ones[] = { 3, 0, 0, 0x80, 0x3f, 0xe0, 243, 3 }, lit[256 + 8], bad[] = { 3, 0, 0, 0x80, 0x3f, 0xe0, 243, 9 };
	struct sc_h5ad *h;
	struct sc_matrix m = SC_MATRIX_INIT;
	hid_t f, o;
	int good = 1;
	/* literal runs: 8 runs of 32 bytes holding the floats 0..63 */
	for (int r = 0; r < 8; r++) {
		lit[r * 33] = 31;
		for (int k = 0; k < 8; k++) {
			float v = (float)(r * 8 + k);
			memcpy(&lit[r * 33 + 1 + 4 * k], &v, 4);
		}
	}
	ok(w && sc_h5w_frame(w, "obs", cells, 4, NULL, 0) == 0 && sc_h5w_frame(w, "var", g, 1, NULL, 0) == 0 &&
		   sc_h5w_close(w) == 0,
	   "base file for lzf");
	f = H5Fopen(tpath("lzf.h5ad"), H5F_ACC_RDWR, H5P_DEFAULT);
	o = H5Gopen2(f, "obsm", H5P_DEFAULT);
	lzf_dataset(o, "ones", ones, sizeof ones, 1);
	lzf_dataset(o, "lit", lit, 8 * 33, 1);
	lzf_dataset(o, "nohint", lit, 8 * 33, 0);
	lzf_dataset(o, "bad", bad, sizeof bad, 1);
	H5Gclose(o);
	H5Fclose(f);
	h = sc_h5ad_open(tpath("lzf.h5ad"), NULL);
	ok(h && sc_h5ad_read_obsm(h, "ones", &m) == 0 && m.rows == 4 && m.cols == 16,
	   "lzf back-reference chunk decoded (%s)", sc_errmsg());
	for (int i = 0; m.data && i < 64; i++)
		good &= m.data[i] == 1.0f;
	ok(m.data && good, "overlapping back-reference expands to 64 ones");
	sc_mat_release(&m);
	good = 1;
	ok(h && sc_h5ad_read_obsm(h, "lit", &m) == 0, "lzf literal runs (%s)", sc_errmsg());
	for (int i = 0; m.data && i < 64; i++)
		good &= m.data[i] == (float)i;
	ok(m.data && good, "literal runs give 0..63");
	sc_mat_release(&m);
	ok(h && sc_h5ad_read_obsm(h, "nohint", &m) == SC_EINPUT && strstr(sc_errmsg(), "LZF filter parameters"),
	   "lzf without the chunk size refused: %s", sc_errmsg());
	ok(h && sc_h5ad_read_obsm(h, "bad", &m) == SC_EINPUT && strstr(sc_errmsg(), "cannot read"),
	   "a back-reference before the start is refused: %s", sc_errmsg());
	sc_h5ad_close(h);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_modern();
	test_modern_extras();
	test_v07();
	test_legacy();
	test_h5mu();
	test_hostile();
	test_dataset();
	test_lzf();
	test_golden();
	if (getenv("SCBENCH_H5AD_KEEP")) { /* seeds for tests/fuzz/corpus/h5ad */
		char cmd[600];
		snprintf(cmd, sizeof cmd, "cp '%s'/v07.h5ad '%s'/legacy.h5ad '%s'/x.h5mu '%.200s'/", dir, dir, dir,
			 getenv("SCBENCH_H5AD_KEEP"));
		if (system(cmd) != 0)
			printf("# could not keep the files\n");
	}
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
