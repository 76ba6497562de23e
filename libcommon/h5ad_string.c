/* Element-level HDF5 reading for the AnnData reader: string and numeric attributes, 1-D
 * datasets and single fields of compound datasets (the <= 0.6 layout), with variable and
 * fixed-length strings of either charset, booleans stored as enums, and Python-style number
 * formatting. See ../shared/spec/h5ad_format.md sections 1 and 6. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"
#include "sc_json.h"

void h5_close(hid_t id)
{
	if (id < 0)
		return;
	switch (H5Iget_type(id)) {
	case H5I_GROUP: H5Gclose(id); break;
	case H5I_DATASET: H5Dclose(id); break;
	case H5I_DATATYPE: H5Tclose(id); break;
	case H5I_DATASPACE: H5Sclose(id); break;
	case H5I_ATTR: H5Aclose(id); break;
	case H5I_FILE: H5Fclose(id); break;
	case H5I_GENPROP_LST: H5Pclose(id); break;
	default: H5Oclose(id); break;
	}
}

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
	char *out = data;
	if (n == 0 && e->desc && e->desc[0])
		h5_fmt(out, 256, "%s", e->desc);
	return 0;
}

int h5_fail(int code, const char *what, const char *msg)
{
	char detail[256] = "";
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, detail);
	H5Eclear2(H5E_DEFAULT);
	if (detail[0])
		return sc_seterr(code, "%s: %s (hdf5: %s)", what, msg, detail);
	return sc_seterr(code, "%s: %s", what, msg);
}

H5I_type_t h5_kind(hid_t loc, const char *name)
{
	char buf[1024];
	char *p;
	hid_t o;
	H5I_type_t t;
	if (strlen(name) >= sizeof buf)
		return H5I_BADID;
	strcpy(buf, name);
	/* H5Lexists fails (rather than answering no) when a parent is missing: walk the path. */
	for (p = buf; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (buf[0] && H5Lexists(loc, buf, H5P_DEFAULT) <= 0) {
			H5Eclear2(H5E_DEFAULT);
			return H5I_BADID;
		}
		*p = '/';
	}
	if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		return H5I_BADID;
	}
	o = H5Oopen(loc, name, H5P_DEFAULT);
	if (o < 0) {
		H5Eclear2(H5E_DEFAULT);
		return H5I_BADID;
	}
	t = H5Iget_type(o);
	H5Oclose(o);
	return t;
}

hid_t h5_open(hid_t loc, const char *name, const char *what)
{
	hid_t o = H5I_INVALID_HID;
	if (h5_kind(loc, name) == H5I_BADID) {
		sc_seterr(SC_EINPUT, "%s: not found", what);
		return H5I_INVALID_HID;
	}
	o = H5Oopen(loc, name, H5P_DEFAULT);
	if (o < 0)
		h5_fail(SC_EINPUT, what, "cannot open");
	return o;
}

int h5_guard(const struct sc_h5ad *h, uint64_t elems, uint64_t elem_size, const char *what)
{
	uint64_t limit = (uint64_t)256 << 20, bytes;
	if (h && h->file_size < UINT64_MAX / 1100 && h->file_size * 1100 > limit)
		limit = h->file_size * 1100;
	if (elem_size && elems > UINT64_MAX / elem_size)
		return sc_seterr(SC_EINPUT, "%s: absurd size (%llu elements)", what,
				 (unsigned long long)elems);
	bytes = elems * elem_size;
	if (bytes > limit)
		return sc_seterr(SC_EINPUT,
				 "%s: claims %llu elements (%.3g GB), more than the file can hold",
				 what, (unsigned long long)elems, (double)bytes / 1e9);
	return 0;
}

/* The LZF decoder can only return whole chunks of the size h5py recorded: check that this
 * size is the dataset's real chunk size before HDF5 trusts the filter's output. */
static int lzf_chunk_check(hid_t dset, hid_t dcpl, size_t nelm, const unsigned *cd, const char *what)
{
	hsize_t dims[H5S_MAX_RANK];
	hid_t t = H5Dget_type(dset);
	int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, dims);
	uint64_t bytes = t >= 0 ? H5Tget_size(t) : 0;
	h5_close(t);
	for (int i = 0; i < rank; i++)
		bytes = dims[i] && bytes > UINT64_MAX / dims[i] ? UINT64_MAX : bytes * dims[i];
	if (rank < 1 || nelm < 3 || bytes != cd[2])
		return sc_seterr(SC_EINPUT, "%s: LZF filter parameters do not match the chunk size", what);
	return 0;
}

int h5_check_filters(hid_t dset, const char *what)
{
	hid_t dcpl = H5Dget_create_plist(dset);
	int ret = 0, nf;
	if (dcpl < 0)
		return h5_fail(SC_EINPUT, what, "cannot read dataset properties");
	nf = H5Pget_nfilters(dcpl);
	for (int i = 0; i < nf; i++) {
		unsigned flags = 0, cfg = 0, cd[8] = { 0 };
		size_t nelm = 8;
		char name[64] = "";
		H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nelm, cd,
						 sizeof name, name, &cfg);
		if (id < 0) {
			ret = h5_fail(SC_EINPUT, what, "cannot read filter pipeline");
			break;
		}
		if (id == 32000 && (ret = lzf_chunk_check(dset, dcpl, nelm, cd, what)) < 0)
			break;
		if (H5Zfilter_avail(id) <= 0) {
			ret = sc_seterr(SC_EINPUT,
					"%s: compressed with HDF5 filter %d (%s), which this build cannot "
					"decode (rewrite the file with gzip or no compression)",
					what, (int)id,
					id == 32000 ? "lzf" : id == 32001 ? "blosc" : id == 32008 ? "bitshuffle" : id == 32015 ? "zstd" : name[0] ? name : "unknown");
			break;
		}
	}
	H5Eclear2(H5E_DEFAULT);
	H5Pclose(dcpl);
	return ret;
}

int h5_len(hid_t dset, const char *what, int64_t *n)
{
	hid_t sp = H5Dget_space(dset);
	int rank, ret = 0;
	hsize_t dims[H5S_MAX_RANK];
	if (sp < 0)
		return h5_fail(SC_EINPUT, what, "cannot read dataspace");
	if (H5Sget_simple_extent_type(sp) == H5S_NULL) {
		*n = 0;
		goto out;
	}
	rank = H5Sget_simple_extent_dims(sp, dims, NULL);
	if (rank < 0)
		ret = h5_fail(SC_EINPUT, what, "cannot read dataspace");
	else if (rank == 0)
		*n = 1;
	else if (rank == 1 && dims[0] <= (hsize_t)INT64_MAX)
		*n = (int64_t)dims[0];
	else
		ret = sc_seterr(SC_EINPUT, "%s: expected a 1-D array, found rank %d", what, rank);
out:
	H5Sclose(sp);
	return ret;
}

hid_t h5_elem_type(hid_t dset, const char *field, const char *what)
{
	hid_t t = H5Dget_type(dset), m;
	int idx;
	if (t < 0) {
		h5_fail(SC_EINPUT, what, "cannot read datatype");
		return H5I_INVALID_HID;
	}
	if (!field)
		return t;
	if (H5Tget_class(t) != H5T_COMPOUND || (idx = H5Tget_member_index(t, field)) < 0) {
		H5Eclear2(H5E_DEFAULT);
		H5Tclose(t);
		sc_seterr(SC_EINPUT, "%s: no field '%s'", what, field);
		return H5I_INVALID_HID;
	}
	m = H5Tget_member_type(t, (unsigned)idx);
	H5Tclose(t);
	if (m < 0)
		h5_fail(SC_EINPUT, what, "cannot read field type");
	return m;
}

/* Read elements with memory type mt, wrapping it in a one-field compound for a field read. */
static int read_elems(hid_t dset, const char *field, hid_t mt, void *buf, hid_t *used,
		      const char *what)
{
	hid_t ct = H5I_INVALID_HID;
	int ret = 0;
	if (field) {
		ct = H5Tcreate(H5T_COMPOUND, H5Tget_size(mt));
		if (ct < 0 || H5Tinsert(ct, field, 0, mt) < 0) {
			h5_close(ct);
			return h5_fail(SC_EINPUT, what, "cannot build a field type");
		}
	}
	if (H5Dread(dset, field ? ct : mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
		ret = h5_fail(SC_EINPUT, what, "cannot read data (corrupt or truncated file?)");
	if (used && ret == 0)
		*used = ct >= 0 ? ct : H5Tcopy(mt);
	else
		h5_close(ct);
	return ret;
}

static void trim_fixed(char *s, size_t size, H5T_str_t pad)
{
	char *z = memchr(s, '\0', size);
	size_t len = z ? (size_t)(z - s) : size;
	if (pad == H5T_STR_SPACEPAD)
		while (len > 0 && s[len - 1] == ' ')
			len--;
	s[len] = '\0';
}

void sc_strings_free(char **s, int64_t n)
{
	if (!s)
		return;
	for (int64_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static int check_len(hid_t dset, int64_t want, const char *what, int64_t *n)
{
	int rc = h5_check_filters(dset, what);
	if (rc == 0)
		rc = h5_len(dset, what, n);
	if (rc < 0)
		return rc;
	if (want >= 0 && *n != want)
		return sc_seterr(SC_EINPUT, "%s: has %lld entries, expected %lld", what,
				 (long long)*n, (long long)want);
	return 0;
}

int h5_read_strings(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		    const char *what, char ***out, int64_t *nout)
{
	hid_t ft = H5I_INVALID_HID, mt = H5I_INVALID_HID, used = H5I_INVALID_HID,
	      sp = H5I_INVALID_HID;
	char **res = NULL, *raw = NULL;
	int64_t n = 0, i;
	size_t size;
	int ret = -1, vlen;

	if ((ret = check_len(dset, want, what, &n)) < 0)
		goto out;
	ret = -1;
	if ((ft = h5_elem_type(dset, field, what)) < 0)
		goto out;
	if (H5Tget_class(ft) != H5T_STRING) {
		ret = sc_seterr(SC_EINPUT, "%s: not a string array", what);
		goto out;
	}
	vlen = H5Tis_variable_str(ft) > 0;
	size = vlen ? sizeof(char *) : H5Tget_size(ft);
	if (size == 0 || (ret = h5_guard(h, (uint64_t)n, size + 16, what)) < 0)
		goto out;
	ret = -1;
	mt = H5Tcopy(H5T_C_S1);
	if (vlen)
		H5Tset_size(mt, H5T_VARIABLE);
	else
		H5Tset_size(mt, size);
	H5Tset_cset(mt, H5Tget_cset(ft));
	H5Tset_strpad(mt, vlen ? H5T_STR_NULLTERM : H5Tget_strpad(ft));
	if (!(raw = sc_calloc((size_t)n + 1, size)) || !(res = sc_calloc((size_t)n + 1, sizeof *res)))
		goto out;
	if (n > 0 && (ret = read_elems(dset, field, mt, raw, &used, what)) < 0)
		goto out;
	ret = -1;
	for (i = 0; i < n; i++) {
		if (vlen) {
			const char *s = ((char **)raw)[i];
			res[i] = sc_strdup(s ? s : "");
		} else {
			char *s = raw + (size_t)i * size;
			res[i] = sc_malloc(size + 1, 1);
			if (res[i]) {
				memcpy(res[i], s, size);
				res[i][size] = '\0';
				trim_fixed(res[i], size, H5Tget_strpad(ft));
			}
		}
		if (!res[i])
			break;
	}
	if (vlen && n > 0) {
		sp = H5Dget_space(dset);
		H5Dvlen_reclaim(used, sp, H5P_DEFAULT, raw);
	}
	if (i < n)
		goto out;
	*out = res;
	*nout = n;
	res = NULL;
	ret = 0;
out:
	sc_strings_free(res, n);
	free(raw);
	h5_close(ft);
	h5_close(mt);
	h5_close(used);
	h5_close(sp);
	return ret;
}

void h5_dtype_name(hid_t t, char out[32])
{
	size_t sz = H5Tget_size(t);
	switch (H5Tget_class(t)) {
	case H5T_FLOAT: h5_fmt(out, 32, "float%zu", sz * 8); break;
	case H5T_INTEGER:
		h5_fmt(out, 32, "%sint%zu", H5Tget_sign(t) == H5T_SGN_NONE ? "u" : "", sz * 8);
		break;
	case H5T_ENUM: h5_fmt(out, 32, "bool"); break;
	case H5T_STRING: h5_fmt(out, 32, "object"); break;
	default: h5_fmt(out, 32, "unknown"); break;
	}
}

/* An enum is a boolean in anndata files; read it as its integer base. */
static int is_bool_enum(hid_t t)
{
	return H5Tget_class(t) == H5T_ENUM && H5Tget_size(t) <= 8;
}

int h5_read_doubles(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		    const char *what, double **out, int64_t *nout, H5T_class_t *cls, char dtype[32])
{
	hid_t ft = H5I_INVALID_HID, mt = H5I_INVALID_HID;
	void *raw = NULL;
	double *res = NULL;
	int64_t n = 0;
	H5T_class_t c;
	int ret;

	if ((ret = check_len(dset, want, what, &n)) < 0)
		goto out;
	ret = -1;
	if ((ft = h5_elem_type(dset, field, what)) < 0)
		goto out;
	c = H5Tget_class(ft);
	if (c != H5T_INTEGER && c != H5T_FLOAT && !is_bool_enum(ft)) {
		ret = sc_seterr(SC_EINPUT, "%s: not a numeric or boolean array", what);
		goto out;
	}
	if ((ret = h5_guard(h, (uint64_t)n, 16, what)) < 0)
		goto out;
	ret = -1;
	if (!(res = sc_calloc((size_t)n + 1, sizeof *res)))
		goto out;
	if (c == H5T_ENUM) {
		/* no enum -> number conversion in HDF5: read the native enum, decode its base */
		size_t sz;
		mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
		sz = H5Tget_size(mt);
		if (!(raw = sc_calloc((size_t)n + 1, sz)))
			goto out;
		if (n > 0 && (ret = read_elems(dset, field, mt, raw, NULL, what)) < 0)
			goto out;
		for (int64_t i = 0; i < n; i++) {
			int64_t v = 0;
			const unsigned char *p = (const unsigned char *)raw + (size_t)i * sz;
			if (sz == 1)
				v = *(const int8_t *)p;
			else if (sz == 2)
				v = *(const int16_t *)(const void *)p;
			else if (sz == 4)
				v = *(const int32_t *)(const void *)p;
			else
				v = *(const int64_t *)(const void *)p;
			res[i] = v != 0;
		}
	} else if (n > 0 && (ret = read_elems(dset, field, H5T_NATIVE_DOUBLE, res, NULL, what)) < 0) {
		goto out;
	}
	if (dtype)
		h5_dtype_name(ft, dtype);
	if (cls)
		*cls = c;
	*out = res;
	*nout = n;
	res = NULL;
	ret = 0;
out:
	free(res);
	free(raw);
	h5_close(ft);
	h5_close(mt);
	return ret;
}

void h5_fmt_num(double v, H5T_class_t cls, char out[40])
{
	if (cls == H5T_ENUM)
		strcpy(out, v != 0 ? "True" : "False");
	else if (cls == H5T_INTEGER && fabs(v) < 9.2e18)
		h5_fmt(out, 40, "%lld", (long long)v);
	else if (isnan(v))
		strcpy(out, "nan");
	else if (isinf(v))
		strcpy(out, v > 0 ? "inf" : "-inf");
	else
		sc_fmt_double(v, 0, out);
}

int h5_read_as_strings(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		       const char *what, char ***out, int64_t *nout)
{
	hid_t ft = h5_elem_type(dset, field, what);
	double *num = NULL;
	char **res = NULL;
	int64_t n = 0, i = 0;
	H5T_class_t cls;
	int ret = -1;
	if (ft < 0)
		return -1;
	if (H5Tget_class(ft) == H5T_STRING) {
		ret = h5_read_strings(h, dset, field, want, what, out, nout);
		goto out;
	}
	if ((ret = h5_read_doubles(h, dset, field, want, what, &num, &n, &cls, NULL)) < 0)
		goto out;
	ret = -1;
	if (!(res = sc_calloc((size_t)n + 1, sizeof *res)))
		goto out;
	for (i = 0; i < n; i++) {
		char buf[40];
		h5_fmt_num(num[i], cls, buf);
		if (!(res[i] = sc_strdup(buf)))
			goto out;
	}
	*out = res;
	*nout = n;
	res = NULL;
	ret = 0;
out:
	sc_strings_free(res, i);
	free(num);
	h5_close(ft);
	return ret;
}

/* Read an attribute's string elements (vlen or fixed) into a new array. */
static int attr_strings(hid_t a, hid_t ft, int64_t n, const char *what, char ***out)
{
	hid_t mt = H5Tcopy(H5T_C_S1), sp = H5I_INVALID_HID;
	int vlen = H5Tis_variable_str(ft) > 0;
	size_t size = vlen ? sizeof(char *) : H5Tget_size(ft);
	char *raw = NULL, **res = NULL;
	int64_t i = 0;
	int ret = -1;
	if (vlen)
		H5Tset_size(mt, H5T_VARIABLE);
	else
		H5Tset_size(mt, size ? size : 1);
	H5Tset_cset(mt, H5Tget_cset(ft));
	if (!(raw = sc_calloc((size_t)n + 1, size)) || !(res = sc_calloc((size_t)n + 1, sizeof *res)))
		goto out;
	if (n > 0 && H5Aread(a, mt, raw) < 0) {
		ret = h5_fail(SC_EINPUT, what, "cannot read attribute");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (vlen) {
			const char *s = ((char **)raw)[i];
			res[i] = sc_strdup(s ? s : "");
		} else if ((res[i] = sc_malloc(size + 1, 1)) != NULL) {
			memcpy(res[i], raw + (size_t)i * size, size);
			res[i][size] = '\0';
			trim_fixed(res[i], size, H5Tget_strpad(ft));
		}
		if (!res[i])
			break;
	}
	if (vlen && n > 0) {
		sp = H5Aget_space(a);
		H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, raw);
	}
	if (i == n) {
		*out = res;
		res = NULL;
		ret = 0;
	}
out:
	sc_strings_free(res, i);
	free(raw);
	h5_close(mt);
	h5_close(sp);
	return ret;
}

static int attr_open(hid_t obj, const char *name, hid_t *a, hid_t *ft, int64_t *n)
{
	hid_t sp;
	hssize_t np;
	htri_t ex = H5Aexists(obj, name);
	*a = *ft = H5I_INVALID_HID;
	if (ex <= 0) {
		H5Eclear2(H5E_DEFAULT);
		return 0;
	}
	if ((*a = H5Aopen(obj, name, H5P_DEFAULT)) < 0 || (*ft = H5Aget_type(*a)) < 0)
		return h5_fail(SC_EINPUT, name, "cannot open attribute");
	sp = H5Aget_space(*a);
	np = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
	h5_close(sp);
	if (np < 0 || np > (1 << 24))
		return sc_seterr(SC_EINPUT, "attribute '%s': bad size", name);
	*n = np;
	return 1;
}

int h5_attr_string(hid_t obj, const char *name, char **out)
{
	hid_t a, ft;
	int64_t n = 0;
	char **v = NULL;
	int ret = attr_open(obj, name, &a, &ft, &n);
	*out = NULL;
	if (ret > 0 && H5Tget_class(ft) == H5T_STRING && n >= 1) {
		ret = attr_strings(a, ft, 1, name, &v);
		if (ret == 0) {
			*out = v[0];
			free(v);
		}
	}
	h5_close(a);
	h5_close(ft);
	return ret < 0 ? ret : 0;
}

int h5_attr_strings(hid_t obj, const char *name, char ***out, int64_t *nout)
{
	hid_t a, ft;
	int64_t n = 0;
	int ret = attr_open(obj, name, &a, &ft, &n);
	*out = NULL;
	*nout = 0;
	if (ret > 0) {
		if (H5Tget_class(ft) == H5T_STRING) {
			ret = attr_strings(a, ft, n, name, out);
			if (ret == 0)
				*nout = n;
		} else if (n == 0) {
			ret = 0; /* h5py writes an empty list as an empty float64 array */
		} else {
			ret = sc_seterr(SC_EINPUT, "attribute '%s': not strings", name);
		}
	}
	h5_close(a);
	h5_close(ft);
	return ret < 0 ? ret : 0;
}

int h5_encoding(hid_t obj, char **out)
{
	return h5_attr_string(obj, "encoding-type", out);
}

struct members {
	struct sc_buf b;
	int n, err;
};

static herr_t member_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
	struct members *m = data;
	if (m->n++ > 0 && sc_buf_adds(&m->b, ", ") < 0)
		m->err = 1;
	if (sc_buf_adds(&m->b, name) < 0)
		m->err = 1;
	return m->n > 200 ? 1 : 0;
}

char *h5_members(hid_t loc, const char *group)
{
	struct members m = { SC_BUF_INIT, 0, 0 };
	hid_t g = h5_kind(loc, group) == H5I_GROUP ? H5Gopen2(loc, group, H5P_DEFAULT) : -1;
	if (g >= 0)
		H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, member_cb, &m);
	H5Eclear2(H5E_DEFAULT);
	h5_close(g);
	if (m.err || sc_buf_add(&m.b, "", 1) < 0) {
		sc_buf_release(&m.b);
		return NULL;
	}
	if (m.n == 0) {
		sc_buf_release(&m.b);
		return sc_strdup("none");
	}
	return m.b.data;
}

void h5_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}
