/* A compressed sparse row matrix, the in-memory form of graphs (connectivities, distances)
 * and sparse expression. The CSR graph stream (man5/scbench-formats.5) serialises it. */
#ifndef SC_CSR_H
#define SC_CSR_H

#include <stdint.h>

#include "sc_err.h"

struct sc_csr {
	int64_t rows, cols, nnz;
	int64_t *indptr; /* rows + 1 */
	int32_t *indices;
	float *data;
};
#define SC_CSR_INIT { 0, 0, 0, NULL, NULL, NULL }

/* Allocate for rows and nnz entries (indptr zeroed). */
int sc_csr_alloc(struct sc_csr *m, int64_t rows, int64_t cols, int64_t nnz) SC_RESULT_USED;
/* Check structure: indptr monotone from 0 to nnz, indices in [0, cols). */
int sc_csr_validate(const struct sc_csr *m) SC_RESULT_USED;
void sc_csr_release(struct sc_csr *m);

#endif
