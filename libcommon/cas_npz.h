/* cellarium-cas' on-disk confusion matrices: confusion_matrix.npz as scipy.sparse.save_npz
 * writes it (a ZIP of indices.npy, indptr.npy, format.npy, shape.npy, data.npy: canonical CSR,
 * int32 indices, int64 data; the members are stored, not deflated) and
 * confusion_matrix_meta.json as json.dump(indent=2) writes it, so Python tooling reads what
 * scbench writes. ../shared/spec/cas_spec.md §4 and §5. */
#ifndef SC_CAS_NPZ_H
#define SC_CAS_NPZ_H

#include "confusion.h"

/* The npz of m (row = truth, column = prediction, shape n_labels x n_labels). */
int sc_cas_npz_write(struct sc_stream *s, const struct sc_cm *m) SC_RESULT_USED;
/* The meta JSON of m: the raw-sample keys, or the aggregate keys for a record with "group". */
int sc_cas_meta_write(struct sc_stream *s, const struct sc_cm *m) SC_RESULT_USED;
/* CRC-32 (ISO-HDLC, as ZIP uses) of p[0..n), continuing from crc (0 to start). */
uint32_t sc_crc32(uint32_t crc, const void *p, size_t n);

#endif
