/* Ontologies as is_a DAGs, read from the three places annotation benchmarks find them: a
 * cellarium-cas ontology_resource.json (cl_names, children_dictionary, optional
 * ancestors_dictionary), an OBO 1.2/1.4 file ([Term] stanzas, id/name/is_a/is_obsolete), and
 * OBO-Graphs JSON (nodes with IRIs, "is_a" edges). Terms are indexed 0..n-1 in strcmp order of
 * their ids; ancestor sets are computed on demand.
 *
 * Ownership: readers return an ontology the caller frees with sc_onto_free. */
#ifndef SC_ONTOLOGY_H
#define SC_ONTOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

/* Largest ontology file read, and most terms. */
#define SC_ONTO_MAX_BYTES (1u << 30)
#define SC_ONTO_MAX_TERMS (1 << 24)

enum sc_onto_format { SC_ONTO_AUTO, SC_ONTO_RESOURCE, SC_ONTO_OBO, SC_ONTO_OBOGRAPH };

struct sc_onto {
	int64_t n;
	char **ids;     /* sorted */
	char **names;   /* label per term, NULL when unknown */
	uint8_t *obsolete;
	int64_t *par_off; /* CSR parents: par[par_off[i] .. par_off[i+1]) */
	int32_t *par;
	/* Resource with an ancestors_dictionary: explicit sets (without self) for the terms
	 * that have one (anc_off[i] == anc_off[i+1] and !has_anc[i]: fall back to {t}). */
	int explicit_anc;
	uint8_t *has_anc;
	int64_t *anc_off;
	int32_t *anc;
	void *index; /* id -> term (struct sc_strtab) */
};

/* Parse text of the given format (AUTO sniffs: a JSON object with "graphs" is OBO-Graphs,
 * another JSON object a resource, anything else OBO). what names the source in messages.
 * OBO and OBO-Graphs refuse a cyclic is_a; a resource tolerates cycles (as cellarium does). */
int sc_onto_parse(const char *text, size_t len, enum sc_onto_format fmt, const char *what,
		  struct sc_onto **out) SC_RESULT_USED;
/* Read a file ("-" = stdin, zstd transparently) and parse it. */
int sc_onto_read(const char *path, enum sc_onto_format fmt, struct sc_onto **out) SC_RESULT_USED;
/* Parse "auto", "resource", "obo", "obographs". */
int sc_onto_format_parse(const char *s, enum sc_onto_format *out) SC_RESULT_USED;
void sc_onto_free(struct sc_onto *o);
/* Term index of an id, or -1. */
int64_t sc_onto_find(const struct sc_onto *o, const char *id);
/* The ancestor set of term t, self included, sorted ascending, into *out (grown as needed,
 * caller frees); returns its size or <0. mark is caller scratch of o->n bytes, all zero on
 * entry and on return. */
int64_t sc_onto_ancestors(const struct sc_onto *o, int64_t t, uint8_t *mark, int32_t **out,
			  int64_t *cap) SC_RESULT_USED;

#endif
