/* AnnData (.h5ad) and MuData (.h5mu) reading on libhdf5: every on-disk layout (anndata >= 0.8,
 * the 0.7 era, <= 0.6 compound datasets), dense and sparse matrices, dataframes with
 * categoricals, strings, numbers, booleans and nullable arrays. The spec is
 * ../shared/spec/h5ad_format.md.
 *
 * Ownership: sc_h5ad_open returns an object the caller frees with sc_h5ad_close; every _read
 * function fills a caller-owned struct released with its _release function. */
#ifndef SC_H5AD_H
#define SC_H5AD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sc_err.h"
#include "sc_csr.h"
#include "sc_matrix.h"

struct sc_h5ad;

/* Open read-only. mod selects a modality of an .h5mu (NULL: the root / a plain .h5ad). */
struct sc_h5ad *sc_h5ad_open(const char *path, const char *mod);
/* The same from an HDF5 file image in memory (buf is copied by HDF5; name is used in
 * messages). */
struct sc_h5ad *sc_h5ad_open_image(const void *buf, size_t len, const char *name, const char *mod);
void sc_h5ad_close(struct sc_h5ad *h);
int64_t sc_h5ad_n_obs(const struct sc_h5ad *h);
int64_t sc_h5ad_n_vars(const struct sc_h5ad *h);

enum sc_col_kind {
	SC_COL_CATEGORICAL, /* codes + categories (string form of any category dtype) */
	SC_COL_STRING,      /* strings; NULL entries are missing */
	SC_COL_FLOAT,       /* num[]; NaN = missing */
	SC_COL_INT,         /* num[] holds the integers exactly when |v| < 2^53; mask for nullable */
	SC_COL_BOOL         /* num[] 0/1; mask for nullable */
};

/* One dataframe column. str(i) of any kind is available through sc_col_string. */
struct sc_column {
	char *name;
	enum sc_col_kind kind;
	int64_t n;
	int32_t *codes;    /* CATEGORICAL: -1 = missing */
	char **categories; /* CATEGORICAL */
	int64_t n_categories;
	char **strings;   /* STRING */
	double *num;      /* FLOAT, INT, BOOL */
	uint8_t *missing; /* optional per-row mask (nullable arrays); NULL when none */
	char dtype[32];   /* pandas-like dtype name: "category", "float32", "int64", "bool", ... */
};

/* The row names (obs_names or var_names); *names has n entries, caller releases with
 * sc_strings_free(names, n). */
int sc_h5ad_obs_names(struct sc_h5ad *h, char ***names) SC_RESULT_USED;
int sc_h5ad_var_names(struct sc_h5ad *h, char ***names) SC_RESULT_USED;
void sc_strings_free(char **s, int64_t n);

/* Column names of obs / var in column order (caller frees with sc_strings_free). */
int sc_h5ad_obs_columns(struct sc_h5ad *h, char ***names, int64_t *n) SC_RESULT_USED;
int sc_h5ad_var_columns(struct sc_h5ad *h, char ***names, int64_t *n) SC_RESULT_USED;
/* Read one column; a missing column is SC_EINPUT naming it and listing what exists. */
int sc_h5ad_obs_column(struct sc_h5ad *h, const char *name, struct sc_column *out) SC_RESULT_USED;
int sc_h5ad_var_column(struct sc_h5ad *h, const char *name, struct sc_column *out) SC_RESULT_USED;
/* The string form of row i as Python's str() would print it (categorical value, number,
 * "True"/"False"); NULL when missing. Returned pointer is valid until the next call. */
const char *sc_col_string(const struct sc_column *c, int64_t i);
void sc_column_release(struct sc_column *c);

/* Write the per-row JSONL table: one object per row with name_key ("obs_name"/"var_name") set
 * to names[i] and each column under its name (categoricals as strings, missing as null,
 * floats in Python repr, booleans as JSON booleans). Columns must have n rows. */
struct sc_stream;
int sc_h5ad_write_table(struct sc_stream *s, const char *name_key, char **names, int64_t n,
			const struct sc_column *cols, int ncols) SC_RESULT_USED;

/* Row names plus a set of columns of obs (var = 0), var (var = 1) or raw's var (var = 2). */
struct sc_h5ad_table {
	int var;
	int64_t n;          /* rows */
	char **names;       /* n row names */
	struct sc_column *cols;
	int ncols;
};
/* Read the columns named in csv (comma-separated; NULL = every column) and the row names.
 * A missing column is SC_EINPUT naming it and listing what exists. */
int sc_h5ad_read_table(struct sc_h5ad *h, int var, const char *csv, struct sc_h5ad_table *t) SC_RESULT_USED;
/* Write it as JSONL (see sc_h5ad_write_table; the name key is obs_name or var_name). */
int sc_h5ad_table_write(struct sc_stream *s, const struct sc_h5ad_table *t) SC_RESULT_USED;
void sc_h5ad_table_release(struct sc_h5ad_table *t);

/* Dense float32 copies of matrices. Sparse X/layers are densified; max_bytes (0 = default
 * guard) refuses a densification larger than that with a clear message. */
int sc_h5ad_read_obsm(struct sc_h5ad *h, const char *key, struct sc_matrix *out) SC_RESULT_USED;
int sc_h5ad_read_X(struct sc_h5ad *h, const char *layer /* NULL = X */, uint64_t max_bytes,
		   struct sc_matrix *out) SC_RESULT_USED;

/* raw: X (raw/X, or raw.X in <= 0.6 files) densified like X, its gene count (-1 without raw)
 * and gene names (raw/var, raw.var); raw var columns through sc_h5ad_read_table(h, 2, ...). */
int sc_h5ad_read_raw_X(struct sc_h5ad *h, uint64_t max_bytes, struct sc_matrix *out) SC_RESULT_USED;
int64_t sc_h5ad_n_raw_vars(const struct sc_h5ad *h);
int sc_h5ad_raw_var_names(struct sc_h5ad *h, char ***names) SC_RESULT_USED;

/* obsp graphs (or uns/neighbors in old files) as CSR, rows sorted by column index. */
int sc_h5ad_read_obsp(struct sc_h5ad *h, const char *key, struct sc_csr *out) SC_RESULT_USED;

/* The file name given to sc_h5ad_open, and whether obs/var are <= 0.6 compound datasets. */
const char *sc_h5ad_path(const struct sc_h5ad *h);
int sc_h5ad_is_legacy(const struct sc_h5ad *h);

/* A numeric 1-D or 2-D dataset of any HDF5 file (e.g. a Multiverse embeddings.h5) as a dense
 * float32 matrix (1-D gives one column); out is caller-owned (sc_mat_release). */
int sc_h5_read_dataset_f32(const char *path, const char *dataset, struct sc_matrix *out) SC_RESULT_USED;

/* What the file holds, as JSON records: one array of objects, caller owns. Each has "kind":
 * "file" (path, layout, n_obs, n_vars, modalities), "X", "layer", "obsm", "obsp" (key, shape,
 * format dense/csr/csc, dtype, nnz and density when sparse), "obs"/"var" (column, type,
 * dtype, n_categories, n_missing). */
int sc_h5ad_list(struct sc_h5ad *h, cJSON **out) SC_RESULT_USED;

#endif
