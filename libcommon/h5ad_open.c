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
	h5_lzf_register();
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

/* The common part: open with a file access property list (default or core image). */
static struct sc_h5ad *open_with(const char *path, const char *mod, hid_t fapl, uint64_t size)
{
	struct sc_h5ad *h = sc_calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->file = h->root = H5I_INVALID_HID;
	h->file_size = size;
	if (!(h->path = sc_strdup(path)))
		goto fail;
	h->file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
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
	h->raw_var = h5_kind(h->root, "raw/var") != H5I_BADID ? "raw/var"
		     : h5_kind(h->root, "raw.var") != H5I_BADID ? "raw.var"
								    : NULL;
	if (h->raw_var && frame_len(h, h->raw_var, &h->n_raw_vars) < 0) {
		sc_log(2, "ignoring raw: %s", sc_errmsg());
		h->raw_var = NULL; /* a broken raw does not make the file unreadable */
	}
	return h;
fail:
	sc_h5ad_close(h);
	return NULL;
}

struct sc_h5ad *sc_h5ad_open(const char *path, const char *mod)
{
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
	return open_with(path, mod, H5P_DEFAULT, (uint64_t)st.st_size);
}

struct sc_h5ad *sc_h5ad_open_image(const void *buf, size_t len, const char *name, const char *mod)
{
	static const unsigned char sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
	struct sc_h5ad *h = NULL;
	hid_t fapl;
	size_t off;

	h5_quiet();
	if (len == 0)
		return sc_seterr(SC_EINPUT, "'%s': empty file", name), NULL;
	/* the superblock sits at 0 or a power of two >= 512 (after a user block) */
	for (off = 0; off + 8 <= len; off = off ? 2 * off : 512)
		if (!memcmp((const char *)buf + off, sig, 8))
			break;
	if (off + 8 > len)
		return sc_seterr(SC_EINPUT, "'%s': not an HDF5 file", name), NULL;
	fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 ||
	    H5Pset_file_image(fapl, (void *)buf, len) < 0)
		h5_fail(SC_EINPUT, name, "cannot set up an in-memory file");
	else
		h = open_with(name, mod, fapl, (uint64_t)len);
	if (fapl >= 0)
		H5Pclose(fapl);
	return h;
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
