/* embeddings.h5, the embedding file of a model-run artifact bundle (Multiverse's contract):
 * exactly one top-level dataset "latent", 2-D float (n_obs x n_dim), row i = cell i of the
 * dataset's obs order. scbench binds the rows to their cells with attributes on "latent"
 * (Multiverse's validator looks only at the top-level keys, so attributes keep it happy):
 *   obs_names_sha256  SHA-256 of the obs names joined by "\n", with a trailing "\n"
 *   n_obs             the row count the digest covers
 * Also here: the obs names (and count) of an .h5ad/.h5mu dataset, read directly with libhdf5
 * (anndata >= 0.7 dataframe groups, and the string index field of <= 0.6 compound tables). */
#ifndef SC_EMBFILE_H
#define SC_EMBFILE_H

#include <stdint.h>

#include "sc_err.h"
#include "sc_sha256.h"
#include "sc_stream.h"

struct sc_embinfo {
	int64_t rows, cols;
	uint64_t nonfinite;                         /* NaN/Inf values in latent */
	char obs_sha256[SC_SHA256_HEXLEN + 1];      /* "" when the attribute is absent */
	int64_t attr_n_obs;                         /* -1 when absent */
};

/* Inspect an embeddings.h5. On a layout problem returns SC_EINPUT with *code set to one of
 * Multiverse's issue codes (EMBEDDING_UNREADABLE, EMBEDDING_BAD_LAYOUT, EMBEDDING_NOT_FLOAT)
 * and the message saying what is wrong. Reads the values in row blocks (O(cols) memory). */
int sc_embfile_inspect(const char *path, struct sc_embinfo *info, const char **code) SC_RESULT_USED;
/* Write path atomically (temporary + fsync + rename) from a matrix stream: a float32 "latent"
  * plus the identity attributes when obs_sha256 is not NULL (the stream must then have n_obs
 * rows). Streams rows in blocks. */
int sc_embfile_write(const char *path, struct sc_stream *in, const char *obs_sha256,
		     int64_t n_obs) SC_RESULT_USED;
/* Write latent as a matrix stream (header carries source and obs_names_sha256). */
int sc_embfile_export(const char *path, struct sc_stream *out) SC_RESULT_USED;
/* Set (or replace) the identity attributes on an existing file's "latent". */
int sc_embfile_bind(const char *path, const char *obs_sha256, int64_t n_obs) SC_RESULT_USED;

/* The obs names of an .h5ad or .h5mu file. *names is NULL (and *n still set) when the file
 * is a <= 0.6 compound table whose names this reader does not decode. Caller frees with
 * sc_embfile_names_free. */
int sc_dataset_obs_names(const char *path, char ***names, int64_t *n) SC_RESULT_USED;
void sc_embfile_names_free(char **names, int64_t n);
/* The obs_name of every record of an obs JSONL table (sc-simulate --obs-out, emb-extract).
 * A record without a string obs_name is an error naming its line. */
int sc_obs_jsonl_names(struct sc_stream *in, char ***names, int64_t *n) SC_RESULT_USED;
/* The digest bound into embeddings.h5: names joined by "\n" with a trailing "\n". */
int sc_obs_names_sha256(char *const *names, int64_t n, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;

#endif
