/* Flat and hierarchical F-measures from a confusion matrix, computed the way cellarium-cas
 * 1.8.1 computes them (../shared/spec/cas_spec.md §6-§8), down to the summation order: numpy's
 * pairwise summation over the active classes in label order, F = ((2p)r)/(p+r) of the rounded
 * p and r, zero_division 0.
 *
 * The hierarchical measures (sc_hfmeasure_*) use ancestor sets from an ontology (ontology.h):
 * A(t) = {t} + is_a ancestors - {root}; micro values are Kiritchenko's pooled hP/hR/hF; macro and
 * weighted are per ontology node, over nodes with nonzero hierarchical true support, iterated
 * in ontology node order (upstream iterates a Python set, so its last bits vary). */
#ifndef SC_FMEASURE_H
#define SC_FMEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "confusion.h"
#include "ontology.h"
#include "sc_alloc.h"

/* numpy's float64 sum: 0.0 + pairwise(a[0..n)) (blocks of 8 accumulators up to 128, halving
 * above). */
double sc_pairwise_sum(const double *a, size_t n);
/* The F operator: ((2.0*p)*r)/(p+r), 0 when p+r == 0. */
double sc_fscore(double p, double r);

/* The twelve values of one row, in cellarium's column order. */
struct sc_fmeasure {
	int64_t tp, fp, fn;
	double precision_micro, recall_micro, f1_micro;
	double f1_macro, precision_macro, recall_macro;
	double precision_weighted, recall_weighted, f1_weighted;
};
#define SC_FMEASURE_NCOL 12
/* Column names in order ("tp", "fp", "fn", "precision_micro", ...). */
extern const char *const sc_fmeasure_cols[SC_FMEASURE_NCOL];
/* Value of column i as a double (the three counts converted). */
double sc_fmeasure_value(const struct sc_fmeasure *f, int i);
/* Append the twelve fields (counts as integers, the rest Python repr), comma-separated. */
int sc_fmeasure_put_csv(struct sc_buf *b, const struct sc_fmeasure *f) SC_RESULT_USED;

/* Flat micro/macro/weighted metrics of m. */
int sc_fmeasure_flat(const struct sc_cm *m, struct sc_fmeasure *out) SC_RESULT_USED;

/* Hierarchical context: the ontology (borrowed), the root removed from every set ("" or
 * NULL: none), and caches of ancestor sets shared by every matrix scored. */
struct sc_hfmeasure;
struct sc_hfmeasure *sc_hfmeasure_new(const struct sc_onto *o, const char *root);
void sc_hfmeasure_free(struct sc_hfmeasure *h);
/* Hierarchical metrics of m. A nonzero cell whose label is not an ontology term: error naming
 * the label and `what` (SC_UNKNOWN_ERROR), dropped (SKIP), or scored with A(t) = {t} as
 * cellarium's cache does (SELF). */
int sc_hfmeasure_compute(struct sc_hfmeasure *h, const struct sc_cm *m, enum sc_unknown unknown,
			 const char *what, struct sc_fmeasure *out) SC_RESULT_USED;

#endif
