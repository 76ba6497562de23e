/* Matrices of an AnnData file: dense arrays of any numeric type as float32, CSR/CSC groups
 * (csr_matrix/csc_matrix 0.1.0 and legacy h5sparse_format) densified under a memory guard or
 * kept as CSR for graphs, and the <= 0.6 compound obsm whose fields are HDF5 ARRAY types.
 * Spec: ../shared/spec/h5ad_format.md section 4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"

#define WHAT_MAX 512

/* A sparse matrix as read from disk: major-axis pointers, minor indices, values. */
struct sparse {
	int64_t rows, cols, nnz;
	int csc;
	int64_t *indptr;
	int64_t *indices;
	float *data;
};

static void sparse_release(struct sparse *s)
{
	free(s->indptr);
	free(s->indices);
	free(s->data);
	memset(s, 0, sizeof *s);
}

/* Read a whole 1-D dataset member of g with memory type mt into *buf (elements of size sz). */
static int read_vec(const struct sc_h5ad *h, hid_t g, const char *name, hid_t mt, size_t sz,
		    int64_t want, const char *what, void **buf, int64_t *n)
{
	char w[WHAT_MAX];
	hid_t d;
	int ret;
	h5_fmt(w, sizeof w, "%s/%s", what, name);
	if ((d = h5_open(g, name, w)) < 0)
		return -1;
	if ((ret = h5_len(d, w, n)) < 0 || (ret = h5_check_filters(d, w)) < 0)
		goto out;
	if (want >= 0 && *n != want) {
		ret = sc_seterr(SC_EINPUT, "%s: has %lld entries, expected %lld", w, (long long)*n,
				(long long)want);
		goto out;
	}
	if ((ret = h5_guard(h, (uint64_t)*n, sz, w)) < 0)
		goto out;
	ret = -1;
	if (!(*buf = sc_malloc((size_t)*n + 1, sz)))
		goto out;
	if (*n > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) < 0) {
		ret = h5_fail(SC_EINPUT, w, "cannot read data (corrupt or truncated file?)");
		goto out;
	}
	ret = 0;
out:
	h5_close(d);
	return ret;
}

static int read_shape(hid_t g, const char *what, int64_t *rows, int64_t *cols)
{
	const char *names[] = { "shape", "h5sparse_shape" };
	for (int i = 0; i < 2; i++) {
		hid_t a, sp;
		int64_t s[2];
		int ok;
		if (H5Aexists(g, names[i]) <= 0)
			continue;
		a = H5Aopen(g, names[i], H5P_DEFAULT);
		sp = a >= 0 ? H5Aget_space(a) : -1;
		ok = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 2 &&
		     H5Aread(a, H5T_NATIVE_INT64, s) >= 0;
		h5_close(sp);
		h5_close(a);
		if (!ok)
			return h5_fail(SC_EINPUT, what, "bad sparse shape attribute");
		if (s[0] < 0 || s[1] < 0 || s[0] > (INT64_C(1) << 40) || s[1] > INT32_MAX)
			return sc_seterr(SC_EINPUT, "%s: absurd sparse shape %lld x %lld", what,
					 (long long)s[0], (long long)s[1]);
		*rows = s[0];
		*cols = s[1];
		return 0;
	}
	H5Eclear2(H5E_DEFAULT);
	return sc_seterr(SC_EINPUT, "%s: sparse matrix without a shape attribute", what);
}

/* Open-group sparse reader with full structural validation. */
static int read_sparse(const struct sc_h5ad *h, hid_t g, const char *what, struct sparse *s, int full)
{
	char *enc = NULL, *fmt = NULL;
	int64_t major, n;
	int ret;
	memset(s, 0, sizeof *s);
	if ((ret = h5_encoding(g, &enc)) < 0 || (ret = h5_attr_string(g, "h5sparse_format", &fmt)) < 0)
		goto out;
	if ((enc && !strcmp(enc, "csc_matrix")) || (fmt && !strcmp(fmt, "csc")))
		s->csc = 1;
	else if (!(enc && !strcmp(enc, "csr_matrix")) && !(fmt && !strcmp(fmt, "csr"))) {
		ret = sc_seterr(SC_EINPUT, "%s: a group that is not a csr/csc matrix (encoding '%s')",
				what, enc ? enc : fmt ? fmt : "none");
		goto out;
	}
	if ((ret = read_shape(g, what, &s->rows, &s->cols)) < 0)
		goto out;
	major = s->csc ? s->cols : s->rows;
	if ((ret = read_vec(h, g, "indptr", H5T_NATIVE_INT64, 8, major + 1, what,
			    (void **)&s->indptr, &n)) < 0)
		goto out;
	s->nnz = s->indptr[major];
	if (s->indptr[0] != 0 || s->nnz < 0) {
		ret = sc_seterr(SC_EINPUT, "%s/indptr: must start at 0", what);
		goto out;
	}
	for (int64_t i = 0; i < major; i++)
		if (s->indptr[i + 1] < s->indptr[i]) {
			ret = sc_seterr(SC_EINPUT, "%s/indptr: decreases at %lld", what, (long long)i);
			goto out;
		}
	if (!full) { /* structure only: the caller reads indices and data in slices */
		ret = 0;
		goto out;
	}
	if ((ret = read_vec(h, g, "indices", H5T_NATIVE_INT64, 8, s->nnz, what,
			    (void **)&s->indices, &n)) < 0 ||
	    (ret = read_vec(h, g, "data", H5T_NATIVE_FLOAT, 4, s->nnz, what, (void **)&s->data, &n)) < 0)
		goto out;
	for (int64_t i = 0; i < s->nnz; i++)
		if (s->indices[i] < 0 || s->indices[i] >= (s->csc ? s->rows : s->cols)) {
			ret = sc_seterr(SC_EINPUT, "%s/indices: entry %lld = %lld out of range", what,
					(long long)i, (long long)s->indices[i]);
			goto out;
		}
	ret = 0;
out:
	if (ret < 0)
		sparse_release(s);
	free(enc);
	free(fmt);
	return ret;
}

static uint64_t default_guard(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || psz <= 0)
		return (uint64_t)8 << 30;
	return (uint64_t)pages * (uint64_t)psz / 2;
}

static int mem_guard(int64_t rows, int64_t cols, uint64_t max_bytes, const char *what)
{
	uint64_t bytes;
	if (max_bytes == 0)
		max_bytes = default_guard();
	if (rows < 0 || cols < 0 || (cols && (uint64_t)rows > UINT64_MAX / 4 / (uint64_t)cols))
		return sc_seterr(SC_EINPUT, "%s: absurd shape", what);
	bytes = (uint64_t)rows * (uint64_t)cols * 4;
	if (bytes > max_bytes)
		return sc_seterr(SC_ENOMEM,
				 "%s: a dense %lld x %lld float32 matrix needs %.3g GB, over the "
				 "memory limit of %.3g GB",
				 what, (long long)rows, (long long)cols, (double)bytes / 1e9,
				 (double)max_bytes / 1e9);
	return 0;
}

static int densify(const struct sparse *s, uint64_t max_bytes, const char *what,
		   struct sc_matrix *out)
{
	int ret;
	if ((ret = mem_guard(s->rows, s->cols, max_bytes, what)) < 0 ||
	    (ret = sc_mat_alloc(out, s->rows, s->cols)) < 0)
		return ret;
	for (int64_t i = 0; i < (s->csc ? s->cols : s->rows); i++)
		for (int64_t p = s->indptr[i]; p < s->indptr[i + 1]; p++) {
			int64_t r = s->csc ? s->indices[p] : i, c = s->csc ? i : s->indices[p];
			out->data[r * s->cols + c] += s->data[p]; /* duplicates add, as scipy does */
		}
	return 0;
}

static int read_dense(const struct sc_h5ad *h, hid_t d, const char *what, uint64_t max_bytes,
		      struct sc_matrix *out)
{
	hid_t sp = H5Dget_space(d), t = H5Dget_type(d);
	hsize_t dims[H5S_MAX_RANK];
	int rank, ret = -1;
	H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
	if (sp < 0 || t < 0) {
		ret = h5_fail(SC_EINPUT, what, "cannot read dataset");
		goto out;
	}
	if (c != H5T_INTEGER && c != H5T_FLOAT) {
		ret = sc_seterr(SC_EINPUT, "%s: not a numeric matrix", what);
		goto out;
	}
	rank = H5Sget_simple_extent_dims(sp, dims, NULL);
	if (rank < 1 || rank > 2) {
		ret = sc_seterr(SC_EINPUT, "%s: expected a 1-D or 2-D array, found rank %d", what, rank);
		goto out;
	}
	if (rank == 1)
		dims[1] = 1;
	if (dims[0] > (hsize_t)(INT64_C(1) << 40) || dims[1] > (hsize_t)INT32_MAX) {
		ret = sc_seterr(SC_EINPUT, "%s: absurd shape", what);
		goto out;
	}
	if ((ret = h5_check_filters(d, what)) < 0 ||
	    (ret = mem_guard((int64_t)dims[0], (int64_t)dims[1], max_bytes, what)) < 0 ||
	    (ret = h5_guard(h, (uint64_t)dims[0] * dims[1], 4, what)) < 0 ||
	    (ret = sc_mat_alloc(out, (int64_t)dims[0], (int64_t)dims[1])) < 0)
		goto out;
	if (dims[0] * dims[1] > 0 &&
	    H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data) < 0) {
		ret = h5_fail(SC_EINPUT, what, "cannot read data (corrupt or truncated file?)");
		sc_mat_release(out);
		goto out;
	}
	ret = 0;
out:
	h5_close(sp);
	h5_close(t);
	return ret;
}

/* count elements of a 1-D dataset from offset off, converted to memory type mt. */
static int read_slice(hid_t d, hid_t mt, int64_t off, int64_t count, void *buf, const char *what)
{
	hsize_t start = (hsize_t)off, cnt = (hsize_t)count;
	hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &cnt, NULL);
	int ret = 0;
	if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &cnt, NULL) < 0 ||
	    H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf) < 0)
		ret = h5_fail(SC_EINPUT, what, "cannot read data (corrupt or truncated file?)");
	h5_close(fs);
	h5_close(ms);
	return ret;
}

static hid_t open_vec(const struct sc_h5ad *h, hid_t g, const char *name, int64_t want,
		      const char *what, char *w, size_t wsize)
{
	int64_t n = 0;
	hid_t d;
	h5_fmt(w, wsize, "%s/%s", what, name);
	if ((d = h5_open(g, name, w)) < 0)
		return d;
	if (h5_len(d, w, &n) < 0 || h5_check_filters(d, w) < 0 ||
	    (n != want && sc_seterr(SC_EINPUT, "%s: has %lld entries, expected %lld", w, (long long)n,
				    (long long)want))) {
		h5_close(d);
		return H5I_INVALID_HID;
	}
	return d;
}

/* CSR densified a block of rows at a time, so that memory stays near the dense result. */
static int densify_rows(const struct sc_h5ad *h, hid_t g, const struct sparse *s, uint64_t max_bytes,
			const char *what, struct sc_matrix *out)
{
	char wi[WHAT_MAX], wd[WHAT_MAX];
	hid_t di = H5I_INVALID_HID, dd = H5I_INVALID_HID;
	int64_t *idx = NULL, block = 1 << 20, r0, r1;
	float *val = NULL;
	int ret;
	for (int64_t r = 0; r < s->rows; r++)
		if (s->indptr[r + 1] - s->indptr[r] > block)
			block = s->indptr[r + 1] - s->indptr[r];
	if ((ret = mem_guard(s->rows, s->cols, max_bytes, what)) < 0 ||
	    (ret = h5_guard(h, (uint64_t)block, 12, what)) < 0)
		return ret;
	ret = -1;
	if ((di = open_vec(h, g, "indices", s->nnz, what, wi, sizeof wi)) < 0 ||
	    (dd = open_vec(h, g, "data", s->nnz, what, wd, sizeof wd)) < 0 ||
	    !(idx = sc_malloc((size_t)block, sizeof *idx)) || !(val = sc_malloc((size_t)block, sizeof *val)) ||
	    sc_mat_alloc(out, s->rows, s->cols) < 0)
		goto out;
	for (r0 = 0; r0 < s->rows; r0 = r1) {
		int64_t p0 = s->indptr[r0], n;
		for (r1 = r0 + 1; r1 < s->rows && s->indptr[r1 + 1] - p0 <= block; r1++)
			;
		n = s->indptr[r1] - p0;
		if (n > 0 && (read_slice(di, H5T_NATIVE_INT64, p0, n, idx, wi) < 0 ||
			      read_slice(dd, H5T_NATIVE_FLOAT, p0, n, val, wd) < 0))
			goto fail;
		for (int64_t r = r0; r < r1; r++)
			for (int64_t p = s->indptr[r]; p < s->indptr[r + 1]; p++) {
				int64_t c = idx[p - p0];
				if (c < 0 || c >= s->cols) {
					sc_seterr(SC_EINPUT, "%s: entry %lld = %lld out of range", wi,
						  (long long)p, (long long)c);
					goto fail;
				}
				out->data[r * s->cols + c] += val[p - p0];
			}
	}
	ret = 0;
	goto out;
fail:
	sc_mat_release(out);
out:
	free(idx);
	free(val);
	h5_close(di);
	h5_close(dd);
	return ret;
}

/* A matrix element (dense dataset or sparse group) at root/path, densified. */
static int read_matrix(struct sc_h5ad *h, const char *path, const char *what, uint64_t max_bytes,
		       struct sc_matrix *out)
{
	hid_t o = h5_open(h->root, path, what);
	struct sparse s;
	int ret;
	if (o < 0)
		return -1;
	if (H5Iget_type(o) == H5I_DATASET) {
		ret = read_dense(h, o, what, max_bytes, out);
	} else if ((ret = read_sparse(h, o, what, &s, 0)) == 0) {
		if (s.csc) {
			sparse_release(&s);
			if ((ret = read_sparse(h, o, what, &s, 1)) == 0)
				ret = densify(&s, max_bytes, what, out);
		} else {
			ret = densify_rows(h, o, &s, max_bytes, what, out);
		}
		sparse_release(&s);
	}
	h5_close(o);
	return ret;
}

/* <= 0.6: obsm is a compound dataset, one (ARRAY or scalar) field per key. */
static int read_compound_field(struct sc_h5ad *h, hid_t d, const char *key, const char *what,
			       struct sc_matrix *out)
{
	hid_t ft = h5_elem_type(d, key, what), mt = H5I_INVALID_HID, ct = H5I_INVALID_HID;
	hsize_t adims[H5S_MAX_RANK];
	int64_t n = 0, k = 1;
	int ret = -1;
	if (ft < 0)
		return -1;
	if ((ret = h5_len(d, what, &n)) < 0)
		goto out;
	ret = -1;
	if (H5Tget_class(ft) == H5T_ARRAY) {
		hid_t base = H5Tget_super(ft);
		int r = H5Tget_array_ndims(ft);
		H5T_class_t bc = H5Tget_class(base);
		h5_close(base);
		if (r < 1 || r > H5S_MAX_RANK || H5Tget_array_dims2(ft, adims) < 0 ||
		    (bc != H5T_FLOAT && bc != H5T_INTEGER)) {
			ret = sc_seterr(SC_EINPUT, "%s: unsupported field type", what);
			goto out;
		}
		for (int i = 0; i < r; i++)
			k *= (int64_t)adims[i];
		adims[0] = (hsize_t)k;
		mt = H5Tarray_create2(H5T_NATIVE_FLOAT, 1, adims);
	} else if (H5Tget_class(ft) == H5T_FLOAT || H5Tget_class(ft) == H5T_INTEGER) {
		mt = H5Tcopy(H5T_NATIVE_FLOAT);
	} else {
		ret = sc_seterr(SC_EINPUT, "%s: not a numeric field", what);
		goto out;
	}
	if (k < 1 || k > INT32_MAX || (ret = h5_guard(h, (uint64_t)n, (uint64_t)k * 4, what)) < 0 ||
	    (ret = h5_check_filters(d, what)) < 0 || (ret = sc_mat_alloc(out, n, k)) < 0)
		goto out;
	ret = -1;
	ct = H5Tcreate(H5T_COMPOUND, (size_t)k * 4);
	if (ct < 0 || H5Tinsert(ct, key, 0, mt) < 0 ||
	    (n > 0 && H5Dread(d, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data) < 0)) {
		ret = h5_fail(SC_EINPUT, what, "cannot read data");
		sc_mat_release(out);
		goto out;
	}
	ret = 0;
out:
	h5_close(ct);
	h5_close(mt);
	h5_close(ft);
	return ret;
}

static int missing_key(struct sc_h5ad *h, const char *group, const char *kind, const char *key)
{
	char *avail = NULL;
	if (h5_kind(h->root, group) == H5I_DATASET) { /* legacy compound: list fields */
		hid_t d = H5Dopen2(h->root, group, H5P_DEFAULT), t = d >= 0 ? H5Dget_type(d) : -1;
		struct sc_buf b = SC_BUF_INIT;
		int nm = t >= 0 && H5Tget_class(t) == H5T_COMPOUND ? H5Tget_nmembers(t) : 0;
		for (int i = 0; i < nm; i++) {
			char *m = H5Tget_member_name(t, (unsigned)i);
			if (sc_buf_addf(&b, "%s%s", i ? ", " : "", m ? m : "?") < 0)
				i = nm;
			H5free_memory(m);
		}
		h5_close(t);
		h5_close(d);
		avail = b.data;
	} else {
		avail = h5_members(h->root, group);
	}
	sc_seterr(SC_EINPUT, "'%s': %s '%s' not found (available: %s)", h->path, kind, key,
		  avail ? avail : "none");
	free(avail);
	return SC_EINPUT;
}

int sc_h5ad_read_obsm(struct sc_h5ad *h, const char *key, struct sc_matrix *out)
{
	char what[WHAT_MAX], path[WHAT_MAX];
	hid_t d;
	int ret;
	h5_fmt(what, sizeof what, "'%s': obsm/%s", h->path, key);
	if (h5_kind(h->root, "obsm") == H5I_DATASET) {
		hid_t t;
		int has;
		if ((d = h5_open(h->root, "obsm", what)) < 0)
			return -1;
		t = H5Dget_type(d);
		has = t >= 0 && H5Tget_class(t) == H5T_COMPOUND && H5Tget_member_index(t, key) >= 0;
		H5Eclear2(H5E_DEFAULT);
		h5_close(t);
		ret = has ? read_compound_field(h, d, key, what, out) : missing_key(h, "obsm", "obsm key", key);
		h5_close(d);
	} else {
		h5_fmt(path, sizeof path, "obsm/%s", key);
		if (strchr(key, '/') || h5_kind(h->root, path) == H5I_BADID)
			return missing_key(h, "obsm", "obsm key", key);
		ret = read_matrix(h, path, what, (uint64_t)1 << 62, out);
	}
	if (ret == 0 && out->rows != h->n_obs) {
		ret = sc_seterr(SC_EINPUT, "%s: has %lld rows but the file has %lld cells", what,
				(long long)out->rows, (long long)h->n_obs);
		sc_mat_release(out);
	}
	return ret;
}

int sc_h5ad_read_X(struct sc_h5ad *h, const char *layer, uint64_t max_bytes, struct sc_matrix *out)
{
	char what[WHAT_MAX], path[WHAT_MAX];
	int ret;
	if (layer) {
		h5_fmt(path, sizeof path, "layers/%s", layer);
		if (strchr(layer, '/') || h5_kind(h->root, path) == H5I_BADID)
			return missing_key(h, "layers", "layer", layer);
	} else {
		h5_fmt(path, sizeof path, "X");
		if (h5_kind(h->root, path) == H5I_BADID)
			return sc_seterr(SC_EINPUT, "'%s': no X matrix in the file", h->path);
	}
	h5_fmt(what, sizeof what, "'%s': %s", h->path, path);
	ret = read_matrix(h, path, what, max_bytes, out);
	if (ret == 0 && (out->rows != h->n_obs || out->cols != h->n_vars)) {
		sc_seterr(SC_EINPUT, "%s: shape %lld x %lld does not match %lld cells x %lld genes",
			  what, (long long)out->rows, (long long)out->cols, (long long)h->n_obs,
			  (long long)h->n_vars);
		sc_mat_release(out);
		ret = SC_EINPUT;
	}
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* CSR (rows sorted by column) from a CSR or CSC on-disk matrix. */
static int to_csr(const struct sparse *s, const char *what, struct sc_csr *out)
{
	int64_t *cnt = NULL, *tmp = NULL;
	int ret;
	if (s->nnz > INT64_MAX / 16 || (ret = sc_csr_alloc(out, s->rows, s->cols, s->nnz)) < 0)
		return sc_seterr(SC_ENOMEM, "%s: too large", what);
	ret = -1;
	if (!(cnt = sc_calloc((size_t)s->rows + 1, sizeof *cnt)))
		goto out;
	for (int64_t i = 0; i < (s->csc ? s->cols : s->rows); i++)
		for (int64_t p = s->indptr[i]; p < s->indptr[i + 1]; p++)
			cnt[(s->csc ? s->indices[p] : i) + 1]++;
	for (int64_t r = 0; r < s->rows; r++)
		cnt[r + 1] += cnt[r];
	memcpy(out->indptr, cnt, ((size_t)s->rows + 1) * sizeof *cnt);
	for (int64_t i = 0; i < (s->csc ? s->cols : s->rows); i++)
		for (int64_t p = s->indptr[i]; p < s->indptr[i + 1]; p++) {
			int64_t r = s->csc ? s->indices[p] : i, c = s->csc ? i : s->indices[p];
			int64_t q = cnt[r]++;
			out->indices[q] = (int32_t)c;
			out->data[q] = s->data[p];
		}
	/* sort each row by column (stable pairs of column, value-bits) */
	for (int64_t r = 0; r < s->rows; r++) {
		int64_t a = out->indptr[r], b = out->indptr[r + 1], m = b - a;
		int sorted = 1;
		for (int64_t q = a + 1; q < b && sorted; q++)
			sorted = out->indices[q - 1] <= out->indices[q];
		if (sorted)
			continue;
		free(tmp);
		if (!(tmp = sc_malloc((size_t)m, 2 * sizeof *tmp)))
			goto out;
		for (int64_t q = 0; q < m; q++) {
			float f = out->data[a + q];
			tmp[2 * q] = out->indices[a + q];
			tmp[2 * q + 1] = 0;
			memcpy(&tmp[2 * q + 1], &f, sizeof f);
		}
		qsort(tmp, (size_t)m, 2 * sizeof *tmp, cmp_entry);
		for (int64_t q = 0; q < m; q++) {
			out->indices[a + q] = (int32_t)tmp[2 * q];
			memcpy(&out->data[a + q], &tmp[2 * q + 1], sizeof(float));
		}
	}
	ret = 0;
out:
	free(cnt);
	free(tmp);
	if (ret < 0)
		sc_csr_release(out);
	return ret;
}

int sc_h5ad_read_obsp(struct sc_h5ad *h, const char *key, struct sc_csr *out)
{
	char what[WHAT_MAX], path[WHAT_MAX];
	struct sparse s;
	hid_t g = H5I_INVALID_HID;
	int ret = -1;
	h5_fmt(path, sizeof path, "obsp/%s", key);
	if (strchr(key, '/') || h5_kind(h->root, path) == H5I_BADID) {
		h5_fmt(path, sizeof path, "uns/neighbors/%s", key); /* pre-0.7 scanpy */
		if (strchr(key, '/') || h5_kind(h->root, path) != H5I_GROUP)
			return missing_key(h, "obsp", "obsp key", key);
	}
	h5_fmt(what, sizeof what, "'%s': %s", h->path, path);
	if ((g = h5_open(h->root, path, what)) < 0)
		return -1;
	if (H5Iget_type(g) != H5I_GROUP) {
		ret = sc_seterr(SC_EINPUT, "%s: a dense graph is not supported (expected CSR)", what);
	} else if ((ret = read_sparse(h, g, what, &s, 1)) == 0) {
		if (s.rows != h->n_obs || s.cols != h->n_obs)
			ret = sc_seterr(SC_EINPUT, "%s: shape %lld x %lld, expected %lld x %lld", what,
					(long long)s.rows, (long long)s.cols, (long long)h->n_obs,
					(long long)h->n_obs);
		else
			ret = to_csr(&s, what, out);
		sparse_release(&s);
	}
	h5_close(g);
	return ret;
}

int sc_h5_read_dataset_f32(const char *path, const char *dataset, struct sc_matrix *out)
{
	struct sc_h5ad h;
	char what[WHAT_MAX];
	int ret = -1;
	memset(&h, 0, sizeof h);
	h5_quiet();
	h.root = h.file = H5I_INVALID_HID;
	if (access(path, R_OK) < 0)
		return sc_seterr(SC_EINPUT, "cannot open '%s': no such readable file", path);
	if (H5Fis_hdf5(path) <= 0)
		return h5_fail(SC_EINPUT, path, "not an HDF5 file");
	h5_fmt(what, sizeof what, "'%s': %s", path, dataset);
	h.path = (char *)path;
	h.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (h.file < 0)
		return h5_fail(SC_EINPUT, what, "cannot open HDF5 file (truncated or corrupt?)");
	{
		hsize_t sz = 0;
		H5Fget_filesize(h.file, &sz);
		h.file_size = sz;
	}
	h.root = h.file;
	if (h5_kind(h.file, dataset) != H5I_DATASET) {
		ret = sc_seterr(SC_EINPUT, "%s: no such dataset", what);
	} else {
		hid_t d = H5Dopen2(h.file, dataset, H5P_DEFAULT);
		ret = d < 0 ? h5_fail(SC_EINPUT, what, "cannot open") : read_dense(&h, d, what, (uint64_t)1 << 62, out);
		h5_close(d);
	}
	H5Fclose(h.file);
	H5Eclear2(H5E_DEFAULT);
	return ret;
}

int sc_h5ad_read_raw_X(struct sc_h5ad *h, uint64_t max_bytes, struct sc_matrix *out)
{
	const char *path = h5_kind(h->root, "raw/X") != H5I_BADID ? "raw/X" : "raw.X";
	char what[WHAT_MAX];
	int ret;
	if (h5_kind(h->root, path) == H5I_BADID)
		return sc_seterr(SC_EINPUT, "'%s': no raw X in the file", h->path);
	h5_fmt(what, sizeof what, "'%s': %s", h->path, path);
	ret = read_matrix(h, path, what, max_bytes, out);
	if (ret == 0 && (out->rows != h->n_obs || (h->raw_var && out->cols != h->n_raw_vars))) {
		sc_seterr(SC_EINPUT, "%s: shape %lld x %lld does not match %lld cells x %lld raw genes", what,
			  (long long)out->rows, (long long)out->cols, (long long)h->n_obs,
			  (long long)h->n_raw_vars);
		sc_mat_release(out);
		ret = SC_EINPUT;
	}
	return ret;
}
