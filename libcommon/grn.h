/* scModelForge's GRN benchmark (ac29af1 eval/grn.py, spec czb_smf_spec.md B5): a gene's
 * representation is the mean embedding of the cells that express it (X > 0) when at least
 * min_cells do; each truth edge (gene1, gene2) in file order whose genes both have one is
 * scored by the cosine of the two (0 when a norm is 0), labelled 1 when the pair's last weight
 * in the file is > 0; auroc and auprc (step-wise average precision) over the scored edges.
 * Fewer than 2 scored edges, or one label class, is the reference's degenerate result:
 * 0.5 and 0.5 with a reason. */
#ifndef GRN_H
#define GRN_H

#include <stdint.h>

#include "sc_err.h"
#include "sc_stream.h"

struct sc_grn_edge {
	char *g1, *g2;
	double weight;
};

struct sc_grn_truth {
	int64_t n;
	struct sc_grn_edge *e;
};
#define SC_GRN_TRUTH_INIT { 0, NULL }

/* Parse a TSV with a header naming columns gene1, gene2 and weight (any order, others
 * ignored); weights must be finite numbers. */
int sc_grn_truth_read(struct sc_stream *s, struct sc_grn_truth *t) SC_RESULT_USED;
/* The same from a buffer (fuzzing, tests). */
int sc_grn_truth_parse(const char *buf, size_t len, struct sc_grn_truth *t) SC_RESULT_USED;
void sc_grn_truth_release(struct sc_grn_truth *t);

struct sc_grn_result {
	double auroc, auprc;
	int64_t n_genes, n_edges;
	const char *reason; /* non-NULL for the degenerate result */
};

/* emb: n x d embedding; expr: n x g expression; names: g gene names. */
int sc_grn_score(const float *emb, int64_t n, int64_t d, const float *expr, int64_t g,
		 char *const *names, const struct sc_grn_truth *t, int64_t min_cells,
		 struct sc_grn_result *r) SC_RESULT_USED;

#endif
