/* Sets of confusion matrices and what the annotation programs do with them: aggregation by
 * model (or any record key), and the cellarium-cas F-measure tables (wide CSV with _k{n}
 * suffixes, the hierarchical CSV) or metric JSONL records.
 *
 * Ownership: a set owns its matrices; sc_cm_set_push takes ownership of the matrix pushed. */
#ifndef SC_CAS_REPORT_H
#define SC_CAS_REPORT_H

#include "confusion.h"
#include "fmeasure.h"

struct sc_cm_set {
	struct sc_cm *m;
	int64_t n, cap;
};

/* Append m (ownership moves into the set; *m is zeroed). */
int sc_cm_set_push(struct sc_cm_set *s, struct sc_cm *m) SC_RESULT_USED;
/* Read every record of a confusion-matrix JSONL stream. */
int sc_cm_set_read(struct sc_stream *in, struct sc_cm_set *s) SC_RESULT_USED;
/* Read the confusion-matrix JSONL files paths[0..n) in order into s ("-" = stdin; n == 0
 * reads stdin), as the annotation programs take their FILE... arguments. */
int sc_cm_set_load(char *const *paths, int n, struct sc_cm_set *s) SC_RESULT_USED;
void sc_cm_set_release(struct sc_cm_set *s);
/* cellarium's safe directory name: '/', '\' and ':' become '_' (caller frees). */
char *sc_cas_safe_name(const char *s);

/* Sum the sample matrices of in grouped by the string field `by` (model_name by default) and
 * by k: groups in order of their safe names, k ascending; label orders must agree within a
 * group. Two names with the same safe name: the later in name order wins (as upstream). */
int sc_cm_aggregate(const struct sc_cm_set *in, const char *by, struct sc_cm_set *out) SC_RESULT_USED;

enum sc_report_fmt { SC_REPORT_CSV, SC_REPORT_JSONL };
/* --format argument: "csv" or "jsonl"; anything else is SC_EUSAGE. */
int sc_report_fmt_parse(const char *arg, enum sc_report_fmt *fmt) SC_RESULT_USED;
/* The flat table: one row per record "sample" in order of first appearance, every k found in
 * the input as a _k{n} column block. Group records (with a "group" field) give group_name
 * rows. */
int sc_cas_fmeasure_report(const struct sc_cm_set *s, enum sc_report_fmt fmt,
			   struct sc_stream *out) SC_RESULT_USED;
/* The hierarchical table over the records with k == k_sel. */
int sc_cas_hfmeasure_report(const struct sc_cm_set *s, struct sc_hfmeasure *h, int k_sel,
			    enum sc_unknown unknown, enum sc_report_fmt fmt,
			    struct sc_stream *out) SC_RESULT_USED;

#endif
