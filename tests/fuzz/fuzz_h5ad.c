/* libFuzzer target: the AnnData reader on hostile but well-formed HDF5 content.
 *
 * The input bytes drive the construction of an in-memory HDF5 file (layout modern, 0.7 or
 * <= 0.6; dataframes with categoricals whose codes may be out of range, columns of the wrong
 * length, nullable arrays with short masks, references to the wrong object; dense and sparse
 * matrices with lying shapes, indptr and indices), whose image is then read through
 * sc_h5ad_open_image: list, every column, names, obsm, X, layers, obsp. The reader must fail
 * cleanly or succeed with consistent results, never crash or over-read.
 *
 * Raw bytes are not fed to HDF5 itself: libhdf5 1.10.8 has memory errors of its own on corrupt
 * metadata (e.g. in its attribute message decoder), which no caller can prevent. Raw LZF
 * chunks are, to fuzz the LZF decoder (h5ad_lzf.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "sc.h"
#include "sc_h5ad.h"

struct in {
	const uint8_t *p;
	size_t n, i;
};

static unsigned nb(struct in *in) { return in->i < in->n ? in->p[in->i++] : 0; }

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

static void enc(hid_t o, const char *type, const char *ver)
{
	attr_s(o, "encoding-type", type);
	attr_s(o, "encoding-version", ver);
}

static void ds1(hid_t loc, const char *name, hid_t ft, hid_t mt, hsize_t n, const void *buf)
{
	hid_t sp = H5Screate_simple(1, &n, NULL), d = H5Dcreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	if (n)
		H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
	H5Dclose(d);
	H5Sclose(sp);
}

/* n values from the input: small signed integers (codes, indices, counts) */
static void ints(struct in *in, int64_t *v, size_t n, int lo)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)nb(in) + lo;
}

static const char *const names[] = { "a", "b", "a", "", "x\xc3\xa9", "nan" };

static void strs(struct in *in, hid_t loc, const char *name, size_t n)
{
	const char *v[64];
	hid_t t = vstr();
	for (size_t i = 0; i < n; i++)
		v[i] = names[nb(in) % 6];
	ds1(loc, name, t, t, n, v);
	H5Tclose(t);
}

/* a length that is usually right */
static size_t len(struct in *in, size_t n)
{
	unsigned b = nb(in);
	return b < 200 ? n : b < 230 ? n + 1 : (n ? n - 1 : 0);
}

static void column(struct in *in, hid_t df, const char *name, size_t n, int v07)
{
	int64_t v[64];
	size_t m = len(in, n);
	unsigned kind = nb(in) % 7;
	hid_t g;
	ints(in, v, m, -2);
	switch (kind) {
	case 0: /* categorical: codes maybe out of range, categories of some dtype */
		if (v07) {
			hobj_ref_t ref;
			hid_t sp, a, d;
			hid_t cg = H5Lexists(df, "__categories", H5P_DEFAULT) > 0 ? H5Gopen2(df, "__categories", H5P_DEFAULT)
										   : H5Gcreate2(df, "__categories", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
			strs(in, cg, name, nb(in) % 4);
			H5Gclose(cg);
			ds1(df, name, H5T_STD_I8LE, H5T_NATIVE_INT64, m, v);
			d = H5Dopen2(df, name, H5P_DEFAULT);
			H5Rcreate(&ref, df, nb(in) & 1 ? "__categories" : "__categories/x", H5R_OBJECT, -1);
			sp = H5Screate(H5S_SCALAR);
			a = H5Acreate2(d, "categories", H5T_STD_REF_OBJ, sp, H5P_DEFAULT, H5P_DEFAULT);
			H5Awrite(a, H5T_STD_REF_OBJ, &ref);
			H5Aclose(a);
			H5Sclose(sp);
			H5Dclose(d);
			break;
		}
		g = H5Gcreate2(df, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		enc(g, "categorical", "0.2.0");
		ds1(g, "codes", nb(in) & 1 ? H5T_STD_I16LE : H5T_STD_I8LE, H5T_NATIVE_INT64, m, v);
		if (nb(in) & 1) {
			int64_t c[8];
			size_t k = nb(in) % 8;
			ints(in, c, k, 0);
			ds1(g, "categories", nb(in) & 1 ? H5T_IEEE_F64LE : H5T_STD_I64LE, H5T_NATIVE_INT64, k, c);
		} else {
			strs(in, g, "categories", nb(in) % 5);
		}
		H5Gclose(g);
		break;
	case 1: ds1(df, name, H5T_IEEE_F32LE, H5T_NATIVE_INT64, m, v); break;
	case 2: ds1(df, name, nb(in) & 1 ? H5T_STD_U64LE : H5T_STD_I32LE, H5T_NATIVE_INT64, m, v); break;
	case 3: strs(in, df, name, m); break;
	case 4: { /* bool enum */
		hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
		int8_t f = 0, tr = 1, b[64];
		H5Tenum_insert(t, "FALSE", &f);
		H5Tenum_insert(t, "TRUE", &tr);
		for (size_t i = 0; i < m; i++)
			b[i] = (int8_t)(v[i] & 1);
		ds1(df, name, t, t, m, b);
		H5Tclose(t);
		break;
	}
	case 5: /* nullable with a mask of maybe another length */
		g = H5Gcreate2(df, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		enc(g, nb(in) & 1 ? "nullable-integer" : "nullable-string-array", "0.1.0");
		if (nb(in) & 1)
			ds1(g, "values", H5T_STD_I64LE, H5T_NATIVE_INT64, m, v);
		else
			strs(in, g, "values", m);
		ds1(g, "mask", H5T_STD_U8LE, H5T_NATIVE_INT64, len(in, m), v);
		H5Gclose(g);
		break;
	default: /* a group of an unknown encoding */
		g = H5Gcreate2(df, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		enc(g, "awkward-array", "0.1.0");
		H5Gclose(g);
	}
}

static void frame(struct in *in, hid_t file, const char *df, size_t n, int v07)
{
	static const char *const cols[] = { "c0", "c1", "c2", "c3", "c4" };
	hid_t g = H5Gcreate2(file, df, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), t, sp, a;
	size_t k = nb(in) % 5, listed = k + (nb(in) > 240);
	hsize_t hk = listed;
	enc(g, "dataframe", v07 ? "0.1.0" : "0.2.0");
	attr_s(g, "_index", "_index");
	t = vstr();
	sp = H5Screate_simple(1, &hk, NULL);
	a = H5Acreate2(g, "column-order", t, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, t, cols);
	H5Aclose(a);
	H5Sclose(sp);
	H5Tclose(t);
	strs(in, g, "_index", n);
	for (size_t j = 0; j < k; j++)
		column(in, g, cols[j], n, v07);
	H5Gclose(g);
}

/* <= 0.6: a compound obs of index + an int8 field, and uns/f_categories */
static void legacy(struct in *in, hid_t file, size_t n)
{
	struct row {
		char idx[4];
		int8_t f;
	} r[64];
	hid_t s4 = H5Tcopy(H5T_C_S1), ct = H5Tcreate(H5T_COMPOUND, sizeof(struct row)), uns;
	memset(r, 0, sizeof r);
	H5Tset_size(s4, 4);
	H5Tinsert(ct, "index", 0, s4);
	H5Tinsert(ct, "f", offsetof(struct row, f), H5T_NATIVE_INT8);
	for (size_t i = 0; i < n; i++) {
		memset(r[i].idx, 'a' + (int)(nb(in) % 26), 4);
		r[i].f = (int8_t)(nb(in) % 5 - 1);
	}
	ds1(file, "obs", ct, ct, n, r);
	ds1(file, "var", ct, ct, nb(in) % 4, r);
	uns = H5Gcreate2(file, "uns", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	strs(in, uns, "f_categories", nb(in) % 4);
	H5Gclose(uns);
	H5Tclose(ct);
	H5Tclose(s4);
}

/* a matrix at path: dense of some shape, or CSR/CSC with lying shape, indptr, indices */
static void matrix(struct in *in, hid_t file, const char *path, size_t rows, size_t cols)
{
	int64_t ip[66], ix[64], sh[2];
	hid_t g, sp, a;
	hsize_t two = 2, d[2];
	size_t r = len(in, rows), c = len(in, cols) % 16, nnz = nb(in) % 32, major;
	int csc;
	if (nb(in) > 200 && r > 0 && c > 0) { /* one LZF chunk of raw input bytes */
		unsigned cd[3] = { 4, 261, nb(in) < 240 ? (unsigned)(r * c * 4) : nb(in) };
		unsigned char raw[96];
		hsize_t off[2] = { 0, 0 };
		size_t rn = nb(in) % sizeof raw;
		hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
		for (size_t i = 0; i < rn; i++)
			raw[i] = (unsigned char)nb(in);
		d[0] = r;
		d[1] = c;
		H5Pset_chunk(dcpl, 2, d);
		H5Pset_filter(dcpl, 32000, H5Z_FLAG_OPTIONAL, nb(in) & 1 ? 3 : 0, cd);
		sp = H5Screate_simple(2, d, NULL);
		g = H5Dcreate2(file, path, H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
		H5Dwrite_chunk(g, H5P_DEFAULT, 0, off, rn, raw);
		H5Dclose(g);
		H5Sclose(sp);
		H5Pclose(dcpl);
		return;
	}
	if (nb(in) & 1) {
		float v[16 * 64] = { 0 };
		d[0] = r;
		d[1] = c;
		sp = H5Screate_simple(2, d, NULL);
		g = H5Dcreate2(file, path, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		H5Dwrite(g, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
		H5Dclose(g);
		H5Sclose(sp);
		return;
	}
	g = H5Gcreate2(file, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	csc = nb(in) & 1;
	enc(g, csc ? "csc_matrix" : "csr_matrix", "0.1.0");
	sh[0] = (int64_t)r;
	sh[1] = (int64_t)c;
	if (nb(in) > 250)
		sh[0] = INT64_C(1) << 50;
	sp = H5Screate_simple(1, &two, NULL);
	a = H5Acreate2(g, "shape", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Awrite(a, H5T_NATIVE_INT64, sh);
	H5Aclose(a);
	H5Sclose(sp);
	ip[0] = nb(in) > 250;
	for (size_t i = 1; i < 66; i++)
		ip[i] = ip[i - 1] + (nb(in) % 4 == 0) - (nb(in) == 255);
	major = csc ? c : r;
	if (nb(in) < 230) /* usually consistent with indptr */
		nnz = ip[major] < 0 ? 0 : ip[major] > 64 ? 64 : (size_t)ip[major];
	for (size_t k = 0; k < nnz; k++)
		ix[k] = (int64_t)(nb(in) % ((csc ? r : c) + 2)) - (nb(in) == 255);
	ds1(g, "indptr", H5T_STD_I64LE, H5T_NATIVE_INT64, len(in, major + 1), ip);
	ds1(g, "indices", H5T_STD_I32LE, H5T_NATIVE_INT64, nnz, ix);
	ds1(g, "data", H5T_IEEE_F32LE, H5T_NATIVE_INT64, len(in, nnz), ix);
	H5Gclose(g);
}

static void read_all(struct sc_h5ad *h, cJSON *list)
{
	cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		const char *kind = sc_json_get_string(it, "kind"), *key = sc_json_get_string(it, "key");
		struct sc_matrix m = SC_MATRIX_INIT;
		struct sc_csr g = SC_CSR_INIT;
		if (!kind || (!key && strcmp(kind, "X")))
			continue;
		if (!strcmp(kind, "obsm") && sc_h5ad_read_obsm(h, key, &m) == 0 && m.rows != sc_h5ad_n_obs(h))
			abort();
		if ((!strcmp(kind, "X") || !strcmp(kind, "layer")) && sc_h5ad_read_X(h, key, 1 << 24, &m) == 0 &&
		    (m.rows != sc_h5ad_n_obs(h) || m.cols != sc_h5ad_n_vars(h)))
			abort();
		if (!strcmp(kind, "obsp") && sc_h5ad_read_obsp(h, key, &g) == 0 && sc_csr_validate(&g) != 0)
			abort();
		sc_mat_release(&m);
		sc_csr_release(&g);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size, 0 };
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f;
	unsigned layout = nb(&in) % 3;
	size_t n = nb(&in) % 40, nv = nb(&in) % 12;
	ssize_t len_img;
	void *img = NULL;
	struct sc_h5ad *h;
	struct sc_h5ad_table t;
	cJSON *list = NULL;

	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	sc_h5ad_close(sc_h5ad_open_image("", 0, "-", NULL)); /* registers the LZF decoder */
	H5Pset_fapl_core(fapl, 1 << 16, 0);
	f = H5Fcreate("fuzz-build.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
	if (layout == 0) {
		hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
		enc(root, "anndata", "0.1.0");
		H5Gclose(root);
	}
	if (layout == 2) {
		legacy(&in, f, n);
	} else {
		frame(&in, f, "obs", n, layout == 1);
		frame(&in, f, "var", nv, layout == 1);
	}
	if (nb(&in) & 1)
		matrix(&in, f, "X", n, nv);
	H5Gclose(H5Gcreate2(f, "obsm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
	H5Gclose(H5Gcreate2(f, "obsp", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
	H5Gclose(H5Gcreate2(f, "layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
	matrix(&in, f, "obsm/e", n, 1 + nb(&in) % 8);
	matrix(&in, f, "obsp/g", n, n);
	matrix(&in, f, "layers/l", n, nv);
	H5Fflush(f, H5F_SCOPE_GLOBAL);
	len_img = H5Fget_file_image(f, NULL, 0);
	if (len_img > 0 && (img = malloc((size_t)len_img)) != NULL &&
	    H5Fget_file_image(f, img, (size_t)len_img) == len_img) {
		h = sc_h5ad_open_image(img, (size_t)len_img, "fuzz.h5ad", NULL);
		if (h && sc_h5ad_list(h, &list) == 0)
			read_all(h, list);
		if (h && sc_h5ad_read_table(h, 0, NULL, &t) == 0)
			sc_h5ad_table_release(&t);
		if (h && sc_h5ad_read_table(h, 1, NULL, &t) == 0)
			sc_h5ad_table_release(&t);
		cJSON_Delete(list);
		sc_h5ad_close(h);
	}
	free(img);
	H5Fclose(f);
	H5Pclose(fapl);
	return 0;
}
