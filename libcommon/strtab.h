/* A string interning table: maps byte strings to dense ids 0..n-1 in first-insertion order.
 * Used for label universes (confusion matrices) and ontology term ids, where lookups sit in
 * the per-cell hot loop, so keys are hashed once and compared with memcmp.
 *
 * Ownership: the table owns copies of its keys; sc_strtab_key returns a borrowed pointer that
 * stays valid until sc_strtab_free. */
#ifndef SC_STRTAB_H
#define SC_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

struct sc_strtab;

/* A new empty table (NULL with the error set on allocation failure). */
struct sc_strtab *sc_strtab_new(void);
void sc_strtab_free(struct sc_strtab *t);
/* The id of key[0..len), inserting it when absent. Returns the id (>= 0) or a negative SC_E*
 * code; *added (may be NULL) is set to 1 when the key was new. */
int64_t sc_strtab_intern(struct sc_strtab *t, const char *key, size_t len, int *added);
/* The id of key[0..len), or -1 when absent. */
int64_t sc_strtab_find(const struct sc_strtab *t, const char *key, size_t len);
/* Number of keys, and key i (NUL-terminated, borrowed) with its length. */
int64_t sc_strtab_count(const struct sc_strtab *t);
const char *sc_strtab_key(const struct sc_strtab *t, int64_t id, size_t *len);

#endif
