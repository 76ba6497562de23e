/* embeddings.h5 inspection, writing and identity binding; obs names of AnnData/MuData files. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "sc_alloc.h"
#include "jsonl_column.h"
#include "sc_embfile.h"
#include "sc_h5ad.h"
#include "sc_json.h"
#include "sc_matrix.h"

#define BLOCK_VALUES (1 << 18)

static void quiet_hdf5(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Read a scalar string attribute (variable or fixed length) into out. 1 read, 0 absent. */
static int read_str_attr(hid_t obj, const char *name, char *out, size_t outsz)
{
	hid_t aid = -1, ft = -1, mt = -1;
	char *vs = NULL, *fs = NULL;
	int rc = 0;
	out[0] = '\0';
	if (H5Aexists(obj, name) <= 0)
		return 0;
	rc = SC_EINPUT;
	if ((aid = H5Aopen(obj, name, H5P_DEFAULT)) < 0 || (ft = H5Aget_type(aid)) < 0 ||
	    H5Tget_class(ft) != H5T_STRING || (mt = H5Tcopy(H5T_C_S1)) < 0 ||
	    H5Tset_cset(mt, H5Tget_cset(ft)) < 0)
		goto out;
	if (H5Tis_variable_str(ft) > 0) {
		if (H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Aread(aid, mt, &vs) < 0 || !vs)
			goto out;
		snprintf(out, outsz, "%s", vs);
	} else {
		size_t sz = H5Tget_size(ft);
		if (sz == 0 || sz > 4096 || !(fs = sc_calloc(sz + 1, 1)) || H5Tset_size(mt, sz) < 0 ||
		    H5Aread(aid, mt, fs) < 0)
			goto out;
		snprintf(out, outsz, "%.*s", (int)strnlen(fs, sz), fs);
	}
	rc = 1;
out:
	if (rc < 0)
		sc_seterr(SC_EINPUT, "attribute '%s' is not a readable string", name);
	if (vs)
		H5free_memory(vs);
	free(fs);
	if (mt >= 0)
		H5Tclose(mt);
	if (ft >= 0)
		H5Tclose(ft);
	if (aid >= 0)
		H5Aclose(aid);
	return rc;
}

static uint64_t count_nonfinite(const double *v, size_t n)
{
	uint64_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += !isfinite(v[i]);
	return bad;
}

/* Rows per block of a rows x cols latent transfer (about BLOCK_VALUES values). */
static int64_t block_rows(int64_t rows, int64_t cols)
{
	int64_t block = cols ? BLOCK_VALUES / cols + 1 : rows;
	return block > rows ? rows : block;
}

/* Read (write = 0) or write nr rows of latent from row r through buf of memory type mt. */
static int latent_rows(hid_t did, hid_t fsp, int64_t r, int64_t nr, int64_t cols, hid_t mt,
		       void *buf, int write)
{
	hsize_t start[2] = { (hsize_t)r, 0 }, cnt[2] = { (hsize_t)nr, (hsize_t)cols };
	hid_t msp = H5Screate_simple(2, cnt, NULL);
	int ok = msp >= 0 && H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0 &&
		 (write ? H5Dwrite(did, mt, msp, fsp, H5P_DEFAULT, buf)
			: H5Dread(did, mt, msp, fsp, H5P_DEFAULT, buf)) >= 0;
	if (msp >= 0)
		H5Sclose(msp);
	return ok ? 0 : -1;
}

/* Scan latent in row blocks, counting non-finite values. */
static int scan_values(hid_t did, hid_t fsp, int64_t rows, int64_t cols, uint64_t *bad)
{
	int64_t block = block_rows(rows, cols);
	double *buf = NULL;
	int rc = SC_ENOMEM;
	*bad = 0;
	if (rows == 0 || cols == 0)
		return 0;
	if (!(buf = sc_malloc((size_t)block * (size_t)cols, sizeof *buf)))
		goto out;
	rc = SC_EINPUT;
	for (int64_t r = 0; r < rows; r += block) {
		int64_t nr = rows - r < block ? rows - r : block;
		if (latent_rows(did, fsp, r, nr, cols, H5T_NATIVE_DOUBLE, buf, 0) < 0) {
			sc_seterr(SC_EINPUT, "cannot read latent rows from %lld", (long long)r);
			goto out;
		}
		*bad += count_nonfinite(buf, (size_t)nr * (size_t)cols);
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int sc_embfile_inspect(const char *path, struct sc_embinfo *info, const char **code)
{
	hid_t fid = -1, did = -1, tid = -1, fsp = -1;
	H5G_info_t gi;
	hsize_t dims[2];
	char name[16];
	int rc = SC_EINPUT;
	memset(info, 0, sizeof *info);
	info->attr_n_obs = -1;
	*code = "EMBEDDING_UNREADABLE";
	quiet_hdf5();
	if (H5Fis_hdf5(path) <= 0 || (fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
		sc_seterr(SC_EINPUT, "'%s' is not a readable HDF5 file", path);
		goto out;
	}
	*code = "EMBEDDING_BAD_LAYOUT";
	if (H5Gget_info(fid, &gi) < 0 || gi.nlinks != 1 ||
	    H5Lget_name_by_idx(fid, ".", H5_INDEX_NAME, H5_ITER_INC, 0, name, sizeof name, H5P_DEFAULT) < 0 ||
	    strcmp(name, "latent") != 0) {
		sc_seterr(SC_EINPUT, "'%s' must hold exactly one top-level object named 'latent'", path);
		goto out;
	}
	if ((did = H5Dopen2(fid, "latent", H5P_DEFAULT)) < 0 || (fsp = H5Dget_space(did)) < 0 ||
	    H5Sget_simple_extent_ndims(fsp) != 2 || H5Sget_simple_extent_dims(fsp, dims, NULL) != 2) {
		sc_seterr(SC_EINPUT, "'%s': latent must be a 2-D dataset", path);
		goto out;
	}
	if (dims[1] > (hsize_t)SC_MAT_MAX_COLS || dims[0] > (hsize_t)SC_MAT_MAX_ROWS) {
		sc_seterr(SC_EINPUT, "'%s': latent shape %llu x %llu is past the size guard", path,
			  (unsigned long long)dims[0], (unsigned long long)dims[1]);
		goto out;
	}
	*code = "EMBEDDING_NOT_FLOAT";
	if ((tid = H5Dget_type(did)) < 0 || H5Tget_class(tid) != H5T_FLOAT) {
		sc_seterr(SC_EINPUT, "'%s': latent is not a floating-point dataset", path);
		goto out;
	}
	info->rows = (int64_t)dims[0];
	info->cols = (int64_t)dims[1];
	*code = "EMBEDDING_UNREADABLE";
	if (scan_values(did, fsp, info->rows, info->cols, &info->nonfinite) < 0)
		goto out;
	if (read_str_attr(did, "obs_names_sha256", info->obs_sha256, sizeof info->obs_sha256) < 0)
		goto out;
	if (H5Aexists(did, "n_obs") > 0) {
		hid_t aid = H5Aopen(did, "n_obs", H5P_DEFAULT);
		long long v = -1;
		herr_t e = aid < 0 ? -1 : H5Aread(aid, H5T_NATIVE_LLONG, &v);
		if (aid >= 0)
			H5Aclose(aid);
		if (e < 0 || v < 0) {
			sc_seterr(SC_EINPUT, "'%s': attribute n_obs is not a non-negative integer", path);
			goto out;
		}
		info->attr_n_obs = v;
	}
	*code = NULL;
	rc = 0;
out:
	if (fsp >= 0)
		H5Sclose(fsp);
	if (tid >= 0)
		H5Tclose(tid);
	if (did >= 0)
		H5Dclose(did);
	if (fid >= 0)
		H5Fclose(fid);
	return rc;
}

static int write_attrs(hid_t did, const char *obs_sha256, int64_t n_obs)
{
	hid_t st = -1, sp = -1, aid = -1;
	long long n = n_obs;
	int rc = SC_EIO;
	if (H5Aexists(did, "obs_names_sha256") > 0 && H5Adelete(did, "obs_names_sha256") < 0)
		goto out;
	if (H5Aexists(did, "n_obs") > 0 && H5Adelete(did, "n_obs") < 0)
		goto out;
	if ((st = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(st, H5T_VARIABLE) < 0 ||
	    H5Tset_cset(st, H5T_CSET_UTF8) < 0 || (sp = H5Screate(H5S_SCALAR)) < 0)
		goto out;
	if ((aid = H5Acreate2(did, "obs_names_sha256", st, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(aid, st, &obs_sha256) < 0 || H5Aclose(aid) < 0)
		goto out;
	if ((aid = H5Acreate2(did, "n_obs", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(aid, H5T_NATIVE_LLONG, &n) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		sc_seterr(SC_EIO, "cannot write the identity attributes on latent");
	if (aid >= 0)
		H5Aclose(aid);
	if (sp >= 0)
		H5Sclose(sp);
	if (st >= 0)
		H5Tclose(st);
	return rc;
}

static int fsync_path(const char *p)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC), rc = 0;
	if (fd < 0 || fsync(fd) < 0)
		rc = sc_seterr(SC_EIO, "cannot fsync '%s': %s", p, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Copy the matrix payload into latent block by block. */
static int copy_rows(struct sc_stream *in, hid_t did, hid_t fsp, int64_t rows, int64_t cols)
{
	int64_t block = block_rows(rows, cols);
	float *buf = NULL;
	int rc = SC_ENOMEM;
	if (rows == 0 || cols == 0)
		return sc_mat_read_end(in);
	if (!(buf = sc_malloc((size_t)block * (size_t)cols, sizeof *buf)))
		goto out;
	for (int64_t r = 0; r < rows; r += block) {
		int64_t nr = rows - r < block ? rows - r : block;
		if ((rc = sc_mat_read_rows(in, buf, nr, cols)) < 0)
			goto out;
		rc = SC_EIO;
		if (latent_rows(did, fsp, r, nr, cols, H5T_NATIVE_FLOAT, buf, 1) < 0) {
			sc_seterr(SC_EIO, "cannot write latent rows");
			goto out;
		}
	}
	rc = sc_mat_read_end(in);
out:
	free(buf);
	return rc;
}

int sc_embfile_write(const char *path, struct sc_stream *in, const char *obs_sha256, int64_t n_obs)
{
	char *tmp = NULL;
	hid_t fid = -1, did = -1, fsp = -1;
	int64_t rows = 0, cols = 0;
	cJSON *hdr = NULL;
	int rc = SC_ENOMEM;
	size_t n = strlen(path) + 32;
	quiet_hdf5();
	if (!(tmp = sc_malloc(n, 1)))
		goto out;
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if ((rc = sc_mat_read_header(in, &rows, &cols, &hdr)) < 0)
		goto out;
	if (obs_sha256 && rows != n_obs) {
		rc = sc_seterr(SC_EINPUT, "the embedding has %lld rows but there are %lld obs names",
			       (long long)rows, (long long)n_obs);
		goto out;
	}
	rc = SC_EIO;
	{
		hsize_t dims[2] = { (hsize_t)rows, (hsize_t)cols };
		if ((fid = H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
			sc_seterr(SC_EIO, "cannot create '%s'", tmp);
			goto out;
		}
		if ((fsp = H5Screate_simple(2, dims, NULL)) < 0 ||
		    (did = H5Dcreate2(fid, "latent", H5T_IEEE_F32LE, fsp, H5P_DEFAULT, H5P_DEFAULT,
				      H5P_DEFAULT)) < 0) {
			sc_seterr(SC_EIO, "cannot create latent in '%s'", tmp);
			goto out;
		}
	}
	if ((rc = copy_rows(in, did, fsp, rows, cols)) < 0)
		goto out;
	if (obs_sha256 && (rc = write_attrs(did, obs_sha256, rows)) < 0)
		goto out;
	H5Sclose(fsp);
	H5Dclose(did);
	fsp = did = -1;
	rc = H5Fclose(fid) < 0 ? sc_seterr(SC_EIO, "cannot close '%s'", tmp) : 0;
	fid = -1;
	if (rc == 0 && (rc = fsync_path(tmp)) == 0 && rename(tmp, path) < 0)
		rc = sc_seterr(SC_EIO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
out:
	if (fsp >= 0)
		H5Sclose(fsp);
	if (did >= 0)
		H5Dclose(did);
	if (fid >= 0)
		H5Fclose(fid);
	if (rc < 0 && tmp)
		unlink(tmp);
	cJSON_Delete(hdr);
	free(tmp);
	return rc;
}

int sc_embfile_bind(const char *path, const char *obs_sha256, int64_t n_obs)
{
	hid_t fid = -1, did = -1;
	int rc = SC_EIO;
	quiet_hdf5();
	if ((fid = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)) < 0 ||
	    (did = H5Dopen2(fid, "latent", H5P_DEFAULT)) < 0) {
		sc_seterr(SC_EIO, "cannot open latent in '%s' for writing", path);
		goto out;
	}
	if ((rc = write_attrs(did, obs_sha256, n_obs)) < 0)
		goto out;
	H5Dclose(did);
	did = -1;
	rc = H5Fclose(fid) < 0 ? sc_seterr(SC_EIO, "cannot close '%s'", path) : 0;
	fid = -1;
out:
	if (did >= 0)
		H5Dclose(did);
	if (fid >= 0)
		H5Fclose(fid);
	return rc;
}

void sc_embfile_names_free(char **names, int64_t n)
{
	sc_strings_free(names, n);
}

int sc_dataset_obs_names(const char *path, char ***names, int64_t *n)
{
	struct sc_h5ad *h = sc_h5ad_open(path, NULL);
	int rc;
	*names = NULL;
	*n = 0;
	if (!h)
		return SC_EINPUT;
	if ((rc = sc_h5ad_obs_names(h, names)) == 0)
		*n = sc_h5ad_n_obs(h);
	sc_h5ad_close(h);
	return rc;
}

int sc_obs_names_sha256(char *const *names, int64_t n, char hex[SC_SHA256_HEXLEN + 1])
{
	struct sc_sha256 *h = sc_sha256_new();
	int rc = h ? 0 : SC_ENOMEM;
	for (int64_t i = 0; rc == 0 && i < n; i++)
		if ((rc = sc_sha256_update(h, names[i], strlen(names[i]))) == 0)
			rc = sc_sha256_update(h, "\n", 1);
	if (rc == 0)
		rc = sc_sha256_final(h, hex);
	sc_sha256_free(h);
	return rc;
}

int sc_obs_jsonl_names(struct sc_stream *in, char ***names, int64_t *n)
{
	return sc_jsonl_names_read(in, "obs_name", names, n);
}

int sc_embfile_export(const char *path, struct sc_stream *out)
{
	struct sc_embinfo info;
	const char *code;
	hid_t fid = -1, did = -1, fsp = -1;
	float *buf = NULL;
	cJSON *extra = NULL;
	int64_t block;
	int rc;
	if ((rc = sc_embfile_inspect(path, &info, &code)) < 0)
		return rc;
	block = block_rows(info.rows, info.cols);
	rc = SC_ENOMEM;
	if (!(extra = cJSON_CreateObject()) || !(buf = sc_malloc((size_t)(block ? block : 1) * (size_t)(info.cols ? info.cols : 1), sizeof *buf)))
		goto out;
	cJSON_AddStringToObject(extra, "source", "embeddings.h5:latent");
	if (info.obs_sha256[0])
		cJSON_AddStringToObject(extra, "obs_names_sha256", info.obs_sha256);
	if ((rc = sc_mat_write_header(out, info.rows, info.cols, extra)) < 0)
		goto out;
	rc = SC_EINPUT;
	if ((fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0 || (did = H5Dopen2(fid, "latent", H5P_DEFAULT)) < 0 ||
	    (fsp = H5Dget_space(did)) < 0) {
		sc_seterr(SC_EINPUT, "cannot reopen latent in '%s'", path);
		goto out;
	}
	for (int64_t r = 0; info.cols && r < info.rows; r += block) {
		int64_t nr = info.rows - r < block ? info.rows - r : block;
		if (latent_rows(did, fsp, r, nr, info.cols, H5T_NATIVE_FLOAT, buf, 0) < 0) {
			sc_seterr(SC_EINPUT, "cannot read latent rows from %lld", (long long)r);
			goto out;
		}
		if ((rc = sc_mat_write_rows(out, buf, nr, info.cols)) < 0)
			goto out;
		rc = SC_EINPUT;
	}
	rc = 0;
out:
	if (fsp >= 0)
		H5Sclose(fsp);
	if (did >= 0)
		H5Dclose(did);
	if (fid >= 0)
		H5Fclose(fid);
	cJSON_Delete(extra);
	free(buf);
	return rc;
}
