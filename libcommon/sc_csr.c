/* CSR allocation and validation. */
#include <stdlib.h>

#include "sc_alloc.h"
#include "sc_csr.h"

int sc_csr_alloc(struct sc_csr *m, int64_t rows, int64_t cols, int64_t nnz)
{
	if (rows < 0 || cols < 0 || nnz < 0)
		return sc_seterr(SC_EINPUT, "negative CSR size");
	m->indptr = sc_calloc((size_t)rows + 1, sizeof(int64_t));
	m->indices = sc_malloc((size_t)nnz, sizeof(int32_t));
	m->data = sc_malloc((size_t)nnz, sizeof(float));
	if (!m->indptr || !m->indices || !m->data) {
		sc_csr_release(m);
		return SC_ENOMEM;
	}
	m->rows = rows;
	m->cols = cols;
	m->nnz = nnz;
	return 0;
}

int sc_csr_validate(const struct sc_csr *m)
{
	if (m->indptr[0] != 0 || m->indptr[m->rows] != m->nnz)
		return sc_seterr(SC_EINPUT, "CSR indptr does not run from 0 to nnz (%lld)",
				 (long long)m->nnz);
	for (int64_t i = 0; i < m->rows; i++) {
		if (m->indptr[i + 1] < m->indptr[i])
			return sc_seterr(SC_EINPUT, "CSR indptr decreases at row %lld", (long long)i);
		for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++)
			if (m->indices[p] < 0 || m->indices[p] >= m->cols)
				return sc_seterr(SC_EINPUT, "CSR column index %d out of range in row %lld",
						 m->indices[p], (long long)i);
	}
	return 0;
}

void sc_csr_release(struct sc_csr *m)
{
	if (!m)
		return;
	free(m->indptr);
	free(m->indices);
	free(m->data);
	m->indptr = NULL;
	m->indices = NULL;
	m->data = NULL;
	m->rows = m->cols = m->nnz = 0;
}
