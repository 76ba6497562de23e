/* Writing AnnData files in the modern layout (anndata >= 0.8 on-disk format, as anndata 0.8
 * writes it: root encoding attributes, dataframe 0.2.0 with string-array index and
 * column-order, categorical 0.2.0, nullable arrays, array 0.2.0, csr_matrix 0.1.0, dict
 * mappings). Used for synthetic data (sc-simulate --h5ad) and tests.
 *
 * The file is written to a temporary name beside the target and renamed into place by a
 * successful sc_h5w_close(); sc_h5w_abort() removes it. Arguments are borrowed. */
#ifndef SC_H5AD_WRITE_H
#define SC_H5AD_WRITE_H

#include <stdint.h>

#include "sc_csr.h"
#include "sc_err.h"
#include "sc_h5ad.h"

struct sc_h5w;

/* Start a new file (obsm, varm, obsp, varp, layers, uns created empty). NULL on error. */
struct sc_h5w *sc_h5w_create(const char *path);
/* Write a dataframe ("obs", "var", or "raw/var") with its row index and columns: categorical
 * columns as categorical groups, strings with NULLs as nullable-string-array, ints/bools with
 * a missing mask as nullable-integer/-boolean, floats as float32 or float64 after c->dtype. */
int sc_h5w_frame(struct sc_h5w *w, const char *name, char *const *index, int64_t n,
		 const struct sc_column *cols, int ncols) SC_RESULT_USED;
/* A dense float32 matrix at path ("X", "obsm/X_pca", "layers/counts"); parents are created as
 * dict groups. */
int sc_h5w_dense(struct sc_h5w *w, const char *path, const float *data, int64_t rows,
		 int64_t cols) SC_RESULT_USED;
/* A CSR matrix at path (csr_matrix 0.1.0: data float32, indices int32, indptr int32 or int64). */
int sc_h5w_csr(struct sc_h5w *w, const char *path, const struct sc_csr *m) SC_RESULT_USED;
/* Close and rename into place; always frees w. */
int sc_h5w_close(struct sc_h5w *w) SC_RESULT_USED;
/* Discard the partial file; NULL accepted. */
void sc_h5w_abort(struct sc_h5w *w);

#endif
