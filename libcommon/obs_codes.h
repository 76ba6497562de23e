/* Categorical obs columns from an obs JSONL table (man5/scbench-formats.5) as dense codes in
 * pandas category order (sorted unique strings, sc_labels_encode). Values are read as
 * strings: JSON strings as they are, numbers printed the shortest round-trip way (integers
 * without ".0"), booleans as true/false. A missing key or a null value is an input error
 * naming the line and the key. */
#ifndef OBS_CODES_H
#define OBS_CODES_H

#include <stdint.h>

#include "sc_stream.h"

struct sc_obs_column {
	const char *key; /* borrowed */
	int32_t *codes;  /* n entries, owned */
	int64_t n_levels;
};

/* Read every record of s and fill the ncol columns; *n receives the number of records. */
int sc_obs_read_codes(struct sc_stream *s, struct sc_obs_column *cols, int ncol,
		      int64_t *n) SC_RESULT_USED;
void sc_obs_column_release(struct sc_obs_column *c);

#endif
