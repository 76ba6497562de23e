/* Private helpers of the AnnData reader (h5ad_*.c); never included from cmd/.
 *
 * Every helper returns 0 or a negative SC_E* code with the message set, names what it read
 * as "<object path>" relative to the file, and leaves HDF5's own error printing off. */
#ifndef H5AD_INTERNAL_H
#define H5AD_INTERNAL_H

#include <stdint.h>

#include <hdf5.h>

#include "sc_h5ad.h"

struct sc_h5ad {
	hid_t file;
	hid_t root;       /* "/" or /mod/<name> of an .h5mu */
	char *path;       /* file name, for messages */
	char *mod;        /* modality or NULL */
	int legacy;       /* obs/var are compound datasets (anndata <= 0.6) */
	int64_t n_obs, n_vars;
	const char *raw_var; /* "raw/var" (0.7+), "raw.var" (<= 0.6) or NULL without raw */
	int64_t n_raw_vars;
	uint64_t file_size;
};

/* Raw reads larger than this many bytes are refused: max(256 MiB, 1100 x file size), which
 * any real gzip ratio stays under, so a hostile shape cannot make us allocate terabytes. */
int h5_guard(const struct sc_h5ad *h, uint64_t elems, uint64_t elem_size, const char *what) SC_RESULT_USED;

/* Dataframes by path ("obs", "var", "raw/var", "raw.var"): columns, one column, row names. */
int h5_df_columns(struct sc_h5ad *h, const char *df, char ***names, int64_t *n) SC_RESULT_USED;
int h5_df_column(struct sc_h5ad *h, const char *df, const char *name, struct sc_column *out) SC_RESULT_USED;
int h5_df_names(struct sc_h5ad *h, const char *df, int64_t want, char ***names) SC_RESULT_USED;

/* Turn off HDF5's automatic error printing and register the LZF decoder (idempotent). */
void h5_quiet(void);
/* Make h5py's LZF filter (id 32000) available for reading (idempotent; h5_quiet calls it). */
void h5_lzf_register(void);
/* Set an error "what: msg" and append the innermost HDF5 error description if any. */
int h5_fail(int code, const char *what, const char *msg);

/* Object kind at loc/name: H5I_GROUP, H5I_DATASET, or H5I_BADID when absent (every path
 * component is checked, so a missing parent is "absent" rather than an error). */
H5I_type_t h5_kind(hid_t loc, const char *name);
/* H5Oopen that reports "name: not found" on failure. */
hid_t h5_open(hid_t loc, const char *name, const char *what);
/* Close any HDF5 id (H5I_INVALID_HID / negative accepted). */
void h5_close(hid_t id);

/* String attribute (scalar or 1-element, variable or fixed length) into *out; *out = NULL and
 * 0 returned when the attribute is absent or not a string. */
int h5_attr_string(hid_t obj, const char *name, char **out) SC_RESULT_USED;
/* A 1-D string attribute (column-order) into out and n; an empty numeric array gives n = 0. */
int h5_attr_strings(hid_t obj, const char *name, char ***out, int64_t *n) SC_RESULT_USED;
/* The encoding-type attribute (NULL when absent). */
int h5_encoding(hid_t obj, char **out) SC_RESULT_USED;

/* Number of elements of a 1-D dataset (a scalar counts 1); error for rank > 1. */
int h5_len(hid_t dset, const char *what, int64_t *n) SC_RESULT_USED;

/* Reading a 1-D dataset, or one field of a 1-D compound dataset (field != NULL), element-wise.
 * want = -1 accepts any length, otherwise the length must equal want. */
int h5_read_strings(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		    const char *what, char ***out, int64_t *n) SC_RESULT_USED;
/* Numbers (integers, floats, booleans as 0/1) as doubles; *cls tells which (H5T_INTEGER,
 * H5T_FLOAT, H5T_ENUM for booleans). dtype gets the numpy name ("float32", "bool", ...). */
int h5_read_doubles(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		    const char *what, double **out, int64_t *n, H5T_class_t *cls, char dtype[32]) SC_RESULT_USED;
/* Any 1-D array element as strings the way Python str() prints its values (categories of any
 * dtype, numeric indexes). */
int h5_read_as_strings(const struct sc_h5ad *h, hid_t dset, const char *field, int64_t want,
		       const char *what, char ***out, int64_t *n) SC_RESULT_USED;
/* The element type of a dataset or of one of its compound fields (caller closes). */
hid_t h5_elem_type(hid_t dset, const char *field, const char *what);
/* numpy-like dtype name of an HDF5 type ("float32", "int64", "uint8", "bool", "object"). */
void h5_dtype_name(hid_t type, char out[32]);
/* Refuse datasets that need an HDF5 filter that is not available, naming its id. */
int h5_check_filters(hid_t dset, const char *what) SC_RESULT_USED;

/* Comma-separated member names of a group (for "available: ..." messages); caller frees. */
char *h5_members(hid_t loc, const char *group);

/* snprintf without truncation warnings (messages and paths are cut, never overflowed). */
void h5_fmt(char *buf, size_t size, const char *fmt, ...) SC_FORMAT(3, 4);

/* Python str() of a double (repr) / integer into out (>= 40 bytes). */
void h5_fmt_num(double v, H5T_class_t cls, char out[40]);

#endif
