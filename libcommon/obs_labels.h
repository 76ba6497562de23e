/* One categorical column of a per-cell obs table (JSONL, one object per cell in row order),
 * encoded as pandas encodes pd.Categorical(values.astype(str)): categories are the sorted
 * distinct strings (byte order) and codes run 0..K-1. A missing key or a JSON null is a
 * missing value (code -1). Numbers are read as their shortest round-trip text, booleans as
 * "True"/"False" (Python str()). */
#ifndef OBS_LABELS_H
#define OBS_LABELS_H

#include <stdint.h>

#include "sc_err.h"
#include "sc_stream.h"

struct sc_obs_labels {
	int64_t n;     /* cells */
	int32_t *code; /* n codes, -1 = missing */
	int k;         /* categories */
	char **cat;    /* k sorted names */
};
#define SC_OBS_LABELS_INIT { 0, NULL, 0, NULL }

/* Read column key from the obs JSONL stream s. Fails when no record has the key. */
int sc_obs_labels_read(struct sc_stream *s, const char *key, struct sc_obs_labels *out)
	SC_RESULT_USED;
/* Build from n strings (NULL = missing); the strings are copied. */
int sc_obs_labels_from_strings(const char *const *v, int64_t n, struct sc_obs_labels *out)
	SC_RESULT_USED;
void sc_obs_labels_release(struct sc_obs_labels *l);

#endif
