/* Sparse confusion matrices for cell-type annotation, as cellarium-cas builds them: rows are
 * truth, columns prediction, both indexed by one label order (the ontology's cl_names), and a
 * top-k rule where a truth found among the first k ranked predictions counts as predicted,
 * otherwise the rank-1 prediction stands. The record format ("scbench.cm/1" confusion-matrix
 * JSONL) is specified in man5/scbench-formats.5.
 *
 * Ownership: struct sc_cm owns everything it points to (release with sc_cm_release); the
 * builder owns its interned labels until sc_cm_builder_free. */
#ifndef SC_CONFUSION_H
#define SC_CONFUSION_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sc_json.h"
#include "sc_stream.h"

#define SC_CM_SCHEMA "scbench.cm/1"
/* Most labels in one label order, and most ranks considered. */
#define SC_CM_MAX_LABELS (1 << 26)
#define SC_CM_MAX_K 64

/* One confusion matrix: nnz nonzero cells, sorted by (truth, prediction), counts > 0. */
struct sc_cm {
	cJSON *meta; /* every record field except label_order and entries ("schema" first) */
	int k;       /* the record's "k" */
	char **labels;
	int64_t n_labels;
	int64_t nnz;
	int32_t *ti, *pi;
	int64_t *cnt;
};

/* What to do with a label missing from the label order. */
enum sc_unknown { SC_UNKNOWN_ERROR, SC_UNKNOWN_SKIP, SC_UNKNOWN_SELF };
/* Parse "error", "skip" (and "self" when allow_self) into *out. */
int sc_unknown_parse(const char *s, int allow_self, enum sc_unknown *out) SC_RESULT_USED;

void sc_cm_release(struct sc_cm *m);
/* A new meta object holding only {"schema": SC_CM_SCHEMA} (caller owns). */
cJSON *sc_cm_meta_new(void);
/* Sum of all counts. */
int64_t sc_cm_total(const struct sc_cm *m);
/* Whether two matrices have the same label order, label for label. */
int sc_cm_same_labels(const struct sc_cm *a, const struct sc_cm *b);
/* acc += add (same label order required: SC_EINPUT otherwise). */
int sc_cm_add(struct sc_cm *acc, const struct sc_cm *add) SC_RESULT_USED;
/* Deep copy. */
int sc_cm_copy(struct sc_cm *dst, const struct sc_cm *src) SC_RESULT_USED;

/* Write one record (a JSONL line). */
int sc_cm_write(struct sc_stream *s, const struct sc_cm *m) SC_RESULT_USED;
/* Turn a parsed record into a matrix, validating schema, k, labels and entries (unsorted or
 * repeated entries are sorted and merged). Takes ownership of rec in every case. */
int sc_cm_from_json(cJSON *rec, struct sc_cm *out) SC_RESULT_USED;
/* The next record of a confusion-matrix JSONL stream: 1, 0 at end, <0 with a message naming
 * the stream and line. */
int sc_cm_read(struct sc_jsonl *r, struct sc_cm *out) SC_RESULT_USED;

/* Builder: feed cells, get one matrix per k = 1..top_k. Labels are interned as they come, so
 * no per-cell storage is kept: cells are counted by (truth, rank-1, first hit rank). */
struct sc_cm_builder;
struct sc_cm_builder *sc_cm_builder_new(int top_k);
void sc_cm_builder_free(struct sc_cm_builder *b);
/* One cell: its truth and nr >= 1 ranked predictions (rank 1 first). Ranks past top_k are
 * ignored. */
int sc_cm_builder_add(struct sc_cm_builder *b, const char *truth, size_t tl,
		      char *const *ranks, const size_t *rl, int nr) SC_RESULT_USED;
int64_t sc_cm_builder_cells(const struct sc_cm_builder *b);
/* Build the top_k matrices into out[0..top_k) (meta left NULL, k set). universe gives the
 * label order (NULL: the observed truth and rank-1 labels in strcmp order). A label outside
 * it is an error naming the label and `what`, or with SC_UNKNOWN_SKIP drops the cell (counted
 * in *skipped). The builder can be reset and reused after this. */
int sc_cm_builder_finish(struct sc_cm_builder *b, char *const *universe, int64_t n_universe,
			 enum sc_unknown unknown, const char *what, struct sc_cm *out,
			 int64_t *skipped) SC_RESULT_USED;
/* Forget the cells (keeps interned labels). */
void sc_cm_builder_reset(struct sc_cm_builder *b);

#endif
