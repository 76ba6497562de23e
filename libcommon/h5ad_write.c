/* AnnData writer for the modern (anndata >= 0.8) layout; see sc_h5ad_write.h and
 * ../shared/spec/h5ad_format.md sections 1-5 for every element written here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"
#include "sc_h5ad_write.h"

struct sc_h5w {
	hid_t file;
	char *path, *tmp;
};

static int wfail(const char *what)
{
	return h5_fail(SC_EIO, what, "cannot write");
}

static hid_t str_type(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);
	H5Tset_size(t, H5T_VARIABLE);
	H5Tset_cset(t, H5T_CSET_UTF8);
	return t;
}

static hid_t bool_type(void)
{
	hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
	int8_t v = 0;
	H5Tenum_insert(t, "FALSE", &v);
	v = 1;
	H5Tenum_insert(t, "TRUE", &v);
	return t;
}

static int attr_str(hid_t o, const char *name, const char *value)
{
	hid_t t = str_type(), sp = H5Screate(H5S_SCALAR), a;
	int ret = 0;
	a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0 || H5Awrite(a, t, &value) < 0)
		ret = wfail(name);
	h5_close(a);
	h5_close(sp);
	h5_close(t);
	return ret;
}

static int encode(hid_t o, const char *type, const char *version)
{
	return attr_str(o, "encoding-type", type) < 0 ? -1 : attr_str(o, "encoding-version", version);
}

static int attr_bool(hid_t o, const char *name, int v)
{
	hid_t t = bool_type(), sp = H5Screate(H5S_SCALAR), a;
	int8_t b = (int8_t)(v != 0);
	int ret = 0;
	a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0 || H5Awrite(a, t, &b) < 0)
		ret = wfail(name);
	h5_close(a);
	h5_close(sp);
	h5_close(t);
	return ret;
}

/* column-order: vlen strings, or an empty float64 array as h5py writes an empty list. */
static int attr_strs(hid_t o, const char *name, char *const *v, int64_t n)
{
	hsize_t d = (hsize_t)n;
	hid_t t = n ? str_type() : H5Tcopy(H5T_IEEE_F64LE), sp = H5Screate_simple(1, &d, NULL), a;
	double dummy = 0;
	int ret = 0;
	a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0 || H5Awrite(a, t, n ? (const void *)v : (const void *)&dummy) < 0)
		ret = wfail(name);
	h5_close(a);
	h5_close(sp);
	h5_close(t);
	return ret;
}

static hid_t group(hid_t loc, const char *name, const char *enc, const char *ver)
{
	hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	if (g < 0) {
		wfail(name);
		return g;
	}
	if (enc && encode(g, enc, ver) < 0) {
		H5Gclose(g);
		return H5I_INVALID_HID;
	}
	return g;
}

/* A 1-D or 2-D dataset with the given file/memory types and optional encoding. */
static int dataset(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int rank,
		   const hsize_t *dims, const void *buf, const char *enc, const char *ver)
{
	hid_t sp = H5Screate_simple(rank, dims, NULL), d;
	int ret = 0;
	d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	if (d < 0 || H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
		ret = wfail(name);
	else if (enc)
		ret = encode(d, enc, ver);
	h5_close(d);
	h5_close(sp);
	return ret;
}

static int strings(hid_t loc, const char *name, char *const *v, int64_t n)
{
	hsize_t d = (hsize_t)n;
	hid_t t = str_type();
	int ret = dataset(loc, name, t, t, 1, &d, v, "string-array", "0.2.0");
	h5_close(t);
	return ret;
}

static int mask(hid_t g, const struct sc_column *c)
{
	hsize_t d = (hsize_t)c->n;
	hid_t t = bool_type();
	int8_t *m = sc_calloc((size_t)c->n + 1, 1);
	int ret = -1;
	if (m) {
		for (int64_t i = 0; i < c->n; i++)
			m[i] = (int8_t)((c->missing && c->missing[i]) ||
					 (c->kind == SC_COL_STRING && !c->strings[i]));
		ret = dataset(g, "mask", t, t, 1, &d, m, "array", "0.2.0");
	}
	free(m);
	h5_close(t);
	return ret;
}

static int write_categorical(hid_t df, const struct sc_column *c)
{
	hsize_t d = (hsize_t)c->n;
	hid_t g = group(df, c->name, "categorical", "0.2.0");
	hid_t ft = c->n_categories < 127 ? H5T_STD_I8LE : c->n_categories < 32767 ? H5T_STD_I16LE : H5T_STD_I32LE;
	int ret = -1;
	if (g < 0)
		return -1;
	if (attr_bool(g, "ordered", 0) == 0 && strings(g, "categories", c->categories, c->n_categories) == 0)
		ret = dataset(g, "codes", ft, H5T_NATIVE_INT32, 1, &d, c->codes, "array", "0.2.0");
	H5Gclose(g);
	return ret;
}

static int write_strings(hid_t df, const struct sc_column *c)
{
	const char **v = sc_calloc((size_t)c->n + 1, sizeof *v);
	int has_null = 0, ret = -1;
	hid_t g = H5I_INVALID_HID;
	if (!v)
		return -1;
	for (int64_t i = 0; i < c->n; i++) {
		v[i] = c->strings[i] && !(c->missing && c->missing[i]) ? c->strings[i] : "";
		has_null |= v[i] != c->strings[i];
	}
	if (!has_null)
		ret = strings(df, c->name, (char *const *)v, c->n);
	else if ((g = group(df, c->name, "nullable-string-array", "0.1.0")) >= 0 &&
		 strings(g, "values", (char *const *)v, c->n) == 0)
		ret = mask(g, c);
	h5_close(g);
	free(v);
	return ret;
}

static int write_numbers(hid_t df, const struct sc_column *c)
{
	hsize_t d = (hsize_t)c->n;
	hid_t g = H5I_INVALID_HID, loc = df, t = H5I_INVALID_HID;
	const char *name = c->name;
	int8_t *b = NULL;
	int ret = -1;
	if (c->missing && c->kind != SC_COL_FLOAT) {
		g = group(df, c->name, c->kind == SC_COL_BOOL ? "nullable-boolean" : "nullable-integer", "0.1.0");
		if (g < 0)
			return -1;
		loc = g;
		name = "values";
	}
	if (c->kind == SC_COL_BOOL) {
		if (!(b = sc_calloc((size_t)c->n + 1, 1)))
			goto out;
		for (int64_t i = 0; i < c->n; i++)
			b[i] = (int8_t)(c->num[i] != 0);
		t = bool_type();
		ret = dataset(loc, name, t, t, 1, &d, b, "array", "0.2.0");
	} else if (c->kind == SC_COL_INT) {
		ret = dataset(loc, name, H5T_STD_I64LE, H5T_NATIVE_DOUBLE, 1, &d, c->num, "array", "0.2.0");
	} else {
		ret = dataset(loc, name, strcmp(c->dtype, "float32") ? H5T_IEEE_F64LE : H5T_IEEE_F32LE,
			      H5T_NATIVE_DOUBLE, 1, &d, c->num, "array", "0.2.0");
	}
	if (ret == 0 && g >= 0)
		ret = mask(g, c);
out:
	free(b);
	h5_close(t);
	h5_close(g);
	return ret;
}

int sc_h5w_frame(struct sc_h5w *w, const char *name, char *const *index, int64_t n,
		 const struct sc_column *cols, int ncols)
{
	hid_t g = group(w->file, name, "dataframe", "0.2.0");
	char **order = NULL;
	int ret = -1;
	if (g < 0)
		return -1;
	if (!(order = sc_calloc((size_t)ncols + 1, sizeof *order)))
		goto out;
	for (int j = 0; j < ncols; j++) {
		if (cols[j].n != n || !strcmp(cols[j].name, "_index")) {
			ret = sc_seterr(SC_EUSAGE, "%s column '%s': bad length or name", name, cols[j].name);
			goto out;
		}
		order[j] = cols[j].name;
	}
	if (attr_str(g, "_index", "_index") < 0 || attr_strs(g, "column-order", order, ncols) < 0 ||
	    strings(g, "_index", index, n) < 0)
		goto out;
	for (int j = 0; j < ncols; j++) {
		const struct sc_column *c = &cols[j];
		int rc = c->kind == SC_COL_CATEGORICAL ? write_categorical(g, c)
			 : c->kind == SC_COL_STRING    ? write_strings(g, c)
						       : write_numbers(g, c);
		if (rc < 0)
			goto out;
	}
	ret = 0;
out:
	free(order);
	h5_close(g);
	return ret;
}

/* Create the dict groups on the way to path (e.g. "obsm" for "obsm/X_pca"). */
static int parents(struct sc_h5w *w, const char *path)
{
	char buf[512];
	char *p;
	if (strlen(path) >= sizeof buf)
		return sc_seterr(SC_EUSAGE, "path too long");
	strcpy(buf, path);
	for (p = buf; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (h5_kind(w->file, buf) == H5I_BADID) {
			hid_t g = group(w->file, buf, "dict", "0.1.0");
			if (g < 0)
				return -1;
			H5Gclose(g);
		}
		*p = '/';
	}
	return 0;
}

int sc_h5w_dense(struct sc_h5w *w, const char *path, const float *data, int64_t rows, int64_t cols)
{
	hsize_t d[2] = { (hsize_t)rows, (hsize_t)cols };
	if (parents(w, path) < 0)
		return -1;
	return dataset(w->file, path, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, d, data, "array", "0.2.0");
}

int sc_h5w_csr(struct sc_h5w *w, const char *path, const struct sc_csr *m)
{
	hsize_t nnz = (hsize_t)m->nnz, np = (hsize_t)m->rows + 1, two = 2;
	int64_t shape[2] = { m->rows, m->cols };
	hid_t g, sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
	int ret = -1;
	if (parents(w, path) < 0 || (g = group(w->file, path, "csr_matrix", "0.1.0")) < 0)
		return -1;
	sp = H5Screate_simple(1, &two, NULL);
	a = H5Acreate2(g, "shape", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0 || H5Awrite(a, H5T_NATIVE_INT64, shape) < 0) {
		wfail("shape");
		goto out;
	}
	if (dataset(g, "data", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 1, &nnz, m->data, NULL, NULL) < 0 ||
	    dataset(g, "indices", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &nnz, m->indices, NULL, NULL) < 0 ||
	    dataset(g, "indptr", m->nnz > INT32_MAX ? H5T_STD_I64LE : H5T_STD_I32LE, H5T_NATIVE_INT64, 1,
		    &np, m->indptr, NULL, NULL) < 0)
		goto out;
	ret = 0;
out:
	h5_close(a);
	h5_close(sp);
	h5_close(g);
	return ret;
}

struct sc_h5w *sc_h5w_create(const char *path)
{
	static const char *dicts[] = { "obsm", "varm", "obsp", "varp", "layers", "uns" };
	struct sc_h5w *w = sc_calloc(1, sizeof *w);
	hid_t root = H5I_INVALID_HID;
	int fd;
	h5_quiet();
	if (!w)
		return NULL;
	w->file = H5I_INVALID_HID;
	if (!(w->path = sc_strdup(path)) || !(w->tmp = sc_malloc(strlen(path) + 16, 1)))
		goto fail;
	sprintf(w->tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(w->tmp)) < 0) {
		sc_seterr(SC_EIO, "cannot create '%s': %s", w->tmp, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
		goto fail;
	}
	{
		mode_t um = umask(0);
		umask(um);
		if (fchmod(fd, 0666 & ~um) < 0)
			sc_log(3, "cannot chmod %s", w->tmp);
	}
	close(fd);
	if ((w->file = H5Fcreate(w->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
		wfail(path);
		goto fail;
	}
	root = H5Gopen2(w->file, "/", H5P_DEFAULT);
	if (root < 0 || encode(root, "anndata", "0.1.0") < 0)
		goto fail;
	for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
		hid_t g = group(w->file, dicts[i], "dict", "0.1.0");
		if (g < 0)
			goto fail;
		H5Gclose(g);
	}
	h5_close(root);
	return w;
fail:
	h5_close(root);
	sc_h5w_abort(w);
	return NULL;
}

void sc_h5w_abort(struct sc_h5w *w)
{
	if (!w)
		return;
	if (w->file >= 0)
		H5Fclose(w->file);
	H5Eclear2(H5E_DEFAULT);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	free(w);
}

int sc_h5w_close(struct sc_h5w *w)
{
	int ret = 0, fd;
	if (!w)
		return 0;
	if (H5Fclose(w->file) < 0)
		ret = wfail(w->path);
	w->file = H5I_INVALID_HID;
	if (ret == 0 && (fd = open(w->tmp, O_RDONLY)) >= 0) {
		if (fsync(fd) < 0)
			ret = sc_seterr(SC_EIO, "cannot sync '%s': %s", w->path, strerror(errno));
		close(fd);
	}
	if (ret == 0 && rename(w->tmp, w->path) < 0)
		ret = sc_seterr(SC_EIO, "cannot rename to '%s': %s", w->path, strerror(errno));
	if (ret == 0) {
		free(w->tmp);
		w->tmp = NULL;
	}
	sc_h5w_abort(w);
	return ret;
}
