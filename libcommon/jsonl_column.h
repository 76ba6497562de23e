/* One column of a per-cell JSONL table (man5/scbench-formats.5, obs JSONL) as strings:
 * strings as they are, numbers in their shortest round-trip form, booleans "true"/"false";
 * null or a missing key gives NULL. */
#ifndef SC_JSONL_COLUMN_H
#define SC_JSONL_COLUMN_H

#include <stdint.h>

#include "sc_stream.h"

/* Read every record of s; *values (caller frees with sc_jsonl_column_free) gets *n entries. */
int sc_jsonl_column_read(struct sc_stream *s, const char *key, char ***values,
			 int64_t *n) SC_RESULT_USED;
void sc_jsonl_column_free(char **values, int64_t n);
/* Strict form for name columns (var_name, obs_name): every record must hold a string under
 * key, else SC_EINPUT naming the line. Free with sc_jsonl_column_free. */
int sc_jsonl_names_read(struct sc_stream *s, const char *key, char ***names,
			int64_t *n) SC_RESULT_USED;
/* Open path, read the column, and check it has exactly n rows (and, when required, a value
 * in every row); the message names the file. *values has n entries. */
int sc_jsonl_column_load(const char *path, const char *key, int64_t n, int required,
			 char ***values) SC_RESULT_USED;

#endif
