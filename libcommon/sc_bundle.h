/* Model-run artifact bundles in Multiverse's format (schema_version "1"), verified and sealed
 * with one shared definition, so bundles from either tool are read by the other.
 *
 *   DIR/artifact_manifest.json     sorted keys, 2-space indent, no trailing newline
 *   DIR/artifact_manifest.sha256   "<64 hex>  artifact_manifest.json\n" (sha256sum -c)
 *   DIR/embeddings.h5, job_spec.json, metrics.json(l), *.log, ...
 *
 * Verification never modifies the bundle. Each failure has a readiness status (Multiverse's
 * vocabulary) and a stable code; the check order fixes which is reported first (see
 * artifact-verify(1)). Sealing lists every regular file (logs and job_spec included) and
 * marks coverage "all" in an "x_scbench" block that Multiverse readers ignore. */
#ifndef SC_BUNDLE_H
#define SC_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sc_err.h"
#include "sc_sha256.h"

#define SC_BUNDLE_MANIFEST "artifact_manifest.json"
#define SC_BUNDLE_SIDECAR "artifact_manifest.sha256"
#define SC_BUNDLE_EMBEDDING "embeddings.h5"
#define SC_BUNDLE_MAX_MANIFEST (64u << 20)
#define SC_BUNDLE_MAX_ENTRIES 1000000

struct sc_manifest_entry {
	char *name;
	char sha256[SC_SHA256_HEXLEN + 1];
	uint64_t size;
};

struct sc_manifest {
	struct sc_manifest_entry *e;
	size_t n;
	int coverage_all; /* x_scbench.coverage == "all" */
};

/* Parse a manifest body. On failure returns SC_EINPUT with *code set to MANIFEST_PARSE,
 * SCHEMA_VERSION or MANIFEST_SHAPE (entries must have a string name, a 64-hex sha256, an
 * integer size >= 0; names must be unique). Release with sc_manifest_release. */
int sc_manifest_parse(const char *text, size_t len, struct sc_manifest *m,
		      const char **code) SC_RESULT_USED;
void sc_manifest_release(struct sc_manifest *m);
/* Parse a sidecar: one line "<64 hex><two spaces or space-star>artifact_manifest.json" with
 * an optional final newline. The digest is returned lowercased. */
int sc_sidecar_parse(const char *text, size_t len, char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;
/* Lexical safety of an entry name: relative, no "..", "." or empty segment, no leading '/' or
 * '~', no backslash, CR, LF or other control character. 0 when safe, SC_EINPUT otherwise. */
int sc_bundle_name_check(const char *name) SC_RESULT_USED;

/* The result of verifying one bundle. */
struct sc_bundle_status {
	const char *status; /* "ready", "missing_artifact_dir", "no_embeddings", ... */
	const char *code;   /* NULL when ready */
	char reason[1024];
	char manifest_sha256[SC_SHA256_HEXLEN + 1]; /* "" when the manifest was not read */
	long long files_checked;
	unsigned long long bytes_hashed;
	int64_t n_obs, n_dim; /* embedding shape, -1 when unknown */
};

struct sc_verify_opts {
	const char *dataset; /* --dataset: check rows and obs digest against it (may be NULL) */
	double finite_min;   /* minimum finite fraction of the embedding (default 1.0) */
	int strict;          /* apply the all-files rule even without x_scbench.coverage */
};

/* Verify DIR. Returns 0 when the checks ran (the verdict is in *st), <0 only on a failure
 * outside the bundle (out of memory). */
int sc_bundle_verify(const char *dir, const struct sc_verify_opts *o,
		     struct sc_bundle_status *st) SC_RESULT_USED;
/* The status record (scbench.status/1) for DIR (caller owns). */
cJSON *sc_bundle_status_json(const char *dir, const struct sc_bundle_status *st);

struct sc_seal_opts {
	const char *dataset_slug;     /* dataset_fingerprint.slug ("unknown" when NULL) */
	int64_t n_obs;                /* -1: taken from the embedding's rows */
	const char *dataset_sha256;   /* dataset_fingerprint.path_sha256 (may be NULL) */
	const char *obs_sha256;       /* x_scbench.obs_names_sha256 (may be NULL) */
	const char *attempt_id;       /* physical_attempt_id; NULL: a random UUID4 */
};

/* Seal DIR: hash every regular file, then write the manifest to a temporary, the sidecar
 * atomically, and rename the manifest into place (manifest last). Refuses symlinks, devices,
 * FIFOs and names with control characters or backslashes. hex gets the manifest's digest. */
int sc_bundle_seal(const char *dir, const struct sc_seal_opts *o,
		   char hex[SC_SHA256_HEXLEN + 1]) SC_RESULT_USED;

#endif
