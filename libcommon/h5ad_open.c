/* Opening an .h5ad / .h5mu: checks that turn a missing, empty, non-HDF5 or truncated file into
 * one clear message, modality selection for MuData, layout detection (compound obs = anndata
 * <= 0.6, groups otherwise) and the obs/var sizes. Also the generic dataset reader used for
 * embeddings.h5-style files. Spec: ../shared/spec/h5ad_format.md sections 2, 9 and 10. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "h5ad_internal.h"
#include "sc_alloc.h"

void h5_quiet(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Length of the row index of a dataframe (obs or var) under root. */
static int frame_len(struct sc_h5ad *h, const char *df, int64_t *n)
{
	hid_t o = H5I_INVALID_HID, idx = H5I_INVALID_HID;
	char *iname = NULL;
	char what[300];
	int ret = -1;
	H5I_type_t k = h5_kind(h->root, df);

	h5_fmt(what, sizeof what, "'%s': %s", h->path, df);
	if (k == H5I_BADID) {
		ret = sc_seterr(SC_EINPUT, "%s: not found (not an AnnData file?)", what);
		goto out;
	}
	if ((o = h5_open(h->root, df, what)) < 0)
		goto out;
	if (k == H5I_DATASET) {
		ret = h5_len(o, what, n);
		goto out;
	}
	if ((ret = h5_attr_string(o, "_index", &iname)) < 0)
		goto out;
	ret = -1;
	if (!iname && !(iname = sc_strdup("_index")))
		goto out;
	h5_fmt(what, sizeof what, "'%s': %s/%s", h->path, df, iname);
	if (h5_kind(o, iname) == H5I_GROUP) { /* nullable-string-array index */
		char sub[300];
		h5_fmt(sub, sizeof sub, "%s/values", iname);
		if ((idx = h5_open(o, sub, what)) < 0)
			goto out;
	} else if ((idx = h5_open(o, iname, what)) < 0) {
		goto out;
	}
	ret = h5_len(idx, what, n);
out:
	free(iname);
	h5_close(idx);
	h5_close(o);
	return ret;
}

static int select_root(struct sc_h5ad *h, const char *mod)
{
	char *enc = NULL, *avail = NULL;
	char name[512];
	int ret = 0;
	if (!mod) {
		h->root = H5Gopen2(h->file, "/", H5P_DEFAULT);
		return h->root < 0 ? h5_fail(SC_EINPUT, h->path, "cannot open root group") : 0;
	}
	if (strchr(mod, '/') || strlen(mod) > 256) {
		return sc_seterr(SC_EINPUT, "'%s': bad modality name '%s'", h->path, mod);
	}
	h5_fmt(name, sizeof name, "mod/%s", mod);
	if (h5_kind(h->file, name) != H5I_GROUP) {
		avail = h5_members(h->file, "mod");
		ret = sc_seterr(SC_EINPUT, "'%s': no modality '%s' (available: %s)", h->path, mod,
				avail ? avail : "?");
		goto out;
	}
	if ((h->root = H5Gopen2(h->file, name, H5P_DEFAULT)) < 0)
		ret = h5_fail(SC_EINPUT, name, "cannot open modality");
	else if (!(h->mod = sc_strdup(mod)))
		ret = SC_ENOMEM;
out:
	free(enc);
	free(avail);
	return ret;
}

static int check_file(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		return sc_seterr(SC_EINPUT, "cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(st->st_mode))
		return sc_seterr(SC_EINPUT, "cannot open '%s': is a directory", path);
	if (st->st_size == 0)
		return sc_seterr(SC_EINPUT, "'%s': empty file", path);
	return 0;
}

struct sc_h5ad *sc_h5ad_open(const char *path, const char *mod)
{
	struct sc_h5ad *h = NULL;
	struct stat st;
	htri_t is;

	h5_quiet();
	if (check_file(path, &st) < 0)
		return NULL;
	is = H5Fis_hdf5(path);
	if (is <= 0) {
		if (is < 0)
			h5_fail(SC_EINPUT, path, "cannot read file");
		else
			sc_seterr(SC_EINPUT, "'%s': not an HDF5 file", path);
		return NULL;
	}
	if (!(h = sc_calloc(1, sizeof *h)))
		return NULL;
	h->file = h->root = H5I_INVALID_HID;
	h->file_size = (uint64_t)st.st_size;
	if (!(h->path = sc_strdup(path)))
		goto fail;
	h->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (h->file < 0) {
		char what[300];
		h5_fmt(what, sizeof what, "'%s'", path);
		h5_fail(SC_EINPUT, what, "cannot open HDF5 file (truncated or corrupt?)");
		goto fail;
	}
	if (select_root(h, mod) < 0)
		goto fail;
	h->legacy = h5_kind(h->root, "obs") == H5I_DATASET;
	if (frame_len(h, "obs", &h->n_obs) < 0 || frame_len(h, "var", &h->n_vars) < 0)
		goto fail;
	return h;
fail:
	sc_h5ad_close(h);
	return NULL;
}

void sc_h5ad_close(struct sc_h5ad *h)
{
	if (!h)
		return;
	h5_close(h->root);
	if (h->file >= 0)
		H5Fclose(h->file);
	H5Eclear2(H5E_DEFAULT);
	free(h->path);
	free(h->mod);
	free(h);
}

int64_t sc_h5ad_n_obs(const struct sc_h5ad *h) { return h->n_obs; }
int64_t sc_h5ad_n_vars(const struct sc_h5ad *h) { return h->n_vars; }
const char *sc_h5ad_path(const struct sc_h5ad *h) { return h->path; }
int sc_h5ad_is_legacy(const struct sc_h5ad *h) { return h->legacy; }
