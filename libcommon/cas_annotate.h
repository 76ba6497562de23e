/* Inputs of the annotation benchmark: per-cell label tables (CSV as cellarium-cas annotate
 * writes inferred_labels.csv, TSV with a header, or JSONL records), the annotate output
 * directory contract (metadata.json, inferred_labels.csv, ontology_resource.json, truth in the
 * h5ad at input_path), and the confusion-matrix build that ties them to confusion.h.
 * ../shared/spec/cas_spec.md §2 and §4.
 *
 * Ownership: sc_rows borrows its stream; values are valid until the next sc_rows_next. Every
 * other out-parameter is owned by the caller. */
#ifndef SC_CAS_ANNOTATE_H
#define SC_CAS_ANNOTATE_H

#include <stdint.h>

#include "cas_csv.h"
#include "confusion.h"
#include "sc_json.h"

enum sc_rows_fmt { SC_ROWS_AUTO, SC_ROWS_CSV, SC_ROWS_TSV, SC_ROWS_JSONL };

/* Reads chosen columns of a per-cell table. Missing values (pandas NA tokens in CSV/TSV, null
 * or an absent key in JSONL) read as "nan", as pandas' str() of NaN does. */
struct sc_rows {
	enum sc_rows_fmt fmt;
	struct sc_csv csv;
	int ncols;
	int *idx;          /* CSV/TSV: field index per column */
	char **keys;       /* JSONL: key per column */
	char **val;        /* current values */
	size_t *vlen;
	cJSON *rec;        /* JSONL: current record */
	struct sc_buf num; /* JSONL: number text */
	int64_t row;
	const char *what;
};

/* Open over s, reading columns cols[0..ncols): the first nreq must exist (error naming the
 * column and the table), the others are cut at the first missing one; *navail gets how many
 * are read. AUTO: JSONL when the first line starts with '{', else TSV. */
int sc_rows_open(struct sc_rows *r, struct sc_stream *s, enum sc_rows_fmt fmt,
		 char *const *cols, int ncols, int nreq, int *navail) SC_RESULT_USED;
/* Next row: 1, 0 at end, <0 on error. Values in r->val / r->vlen. */
int sc_rows_next(struct sc_rows *r) SC_RESULT_USED;
void sc_rows_release(struct sc_rows *r);

/* The ranked prediction columns for top-k: [inferred] when top_k is 1, else prefix_1..prefix_K
 * where inferred is "prefix_1" (an error otherwise, as upstream). Free with sc_cas_strings_free. */
int sc_cas_rank_columns(const char *inferred, int top_k, char ***cols) SC_RESULT_USED;
void sc_cas_strings_free(char **s, int64_t n);

/* metadata.json: input_path (required) and model_name ("unknown" when absent; null is an
 * error, since upstream's aggregation crashes on it). */
struct sc_cas_meta {
	char *input_path, *model_name;
};
int sc_cas_meta_read(const char *dir, struct sc_cas_meta *m) SC_RESULT_USED;
void sc_cas_meta_release(struct sc_cas_meta *m);
/* cl_names of an ontology_resource.json. */
int sc_cas_cl_names(const char *path, char ***names, int64_t *n) SC_RESULT_USED;
/* Truth labels: an obs column of an h5ad as strings (missing -> "nan"). */
int sc_cas_truth_h5ad(const char *path, const char *col, char ***truth, int64_t *n) SC_RESULT_USED;
/* The label order for plain tables: the lines of a labels file, the sorted term ids of an
 * ontology file, or (both NULL) none: *u stays NULL. Free with sc_cas_strings_free. */
int sc_cas_label_order_read(const char *labels, const char *onto, char ***u, int64_t *n) SC_RESULT_USED;

struct sc_cas_opts {
	const char *gt_label;       /* truth column */
	const char *inferred_label; /* rank-1 prediction column */
	int top_k;
	enum sc_unknown unknown;
};

/* Matrices k = 1..top_k for one annotate directory (out has top_k slots, meta filled:
 * sample, model_name, test_sample, annotate_dir, gt_label, inferred_label, k,
 * inferred_labels, n_cells). truth_path, when not NULL, replaces the h5ad truth with a table. */
int sc_cas_build_dir(const char *dir, const char *truth_path, const struct sc_cas_opts *o,
		     struct sc_cm *out, int64_t *skipped) SC_RESULT_USED;
/* Matrices from plain tables (truth and predictions may be the same file). universe NULL: the
 * observed labels in strcmp order. sample/model name the record. */
int sc_cas_build_plain(const char *truth_path, const char *pred_path, char *const *universe,
		       int64_t n_universe, const struct sc_cas_opts *o, const char *sample,
		       const char *model, struct sc_cm *out, int64_t *skipped) SC_RESULT_USED;

#endif
