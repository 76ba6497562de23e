/* The regression gate: join a baseline and a current metric set, decide per row whether the
 * current run regressed, improved or is unchanged, with direction-aware tolerances; paired
 * one-sided tests and a t-interval on the mean delta for multi-seed scientific metrics
 * (flagging comparisons too small for any p-value to reach alpha), and median ratios with a
 * Mann-Whitney U test for performance records. The rules are in metric-gate(1). */
#ifndef SC_GATE_H
#define SC_GATE_H

#include <stddef.h>

#include "sc_metricset.h"
#include "sc_stream.h"

enum sc_gate_test { SC_TEST_WILCOXON, SC_TEST_SIGNFLIP, SC_TEST_TTEST };
enum sc_gate_family { SC_GATE_ALL, SC_GATE_SCIENTIFIC, SC_GATE_PERFORMANCE };

struct sc_gate_tol {
	char *pattern; /* fnmatch glob on the metric name */
	double value;
	int relative; /* given with a % suffix: a fraction of |baseline| */
};

struct sc_gate_opts {
	struct sc_gate_tol *tol;
	size_t ntol;
	double tol_default, alpha, factor, alpha_perf;
	enum sc_gate_test test;
	enum sc_gate_family family;
	int rule_ci, allow_missing;
	int allow_empty; /* nothing compared is not an error (bench-gate runs one family at a time) */
};

/* Parse "--tol nmi_leiden=0.01,asw_*=0.005,wall_s.*=10%" into o (appends; caller releases
 * with sc_gate_opts_release). */
int sc_gate_parse_tol(struct sc_gate_opts *o, const char *spec) SC_RESULT_USED;
void sc_gate_opts_init(struct sc_gate_opts *o);
void sc_gate_opts_release(struct sc_gate_opts *o);

struct sc_gate_row {
	char *label; /* dataset/model/metric[ task][ params] */
	const char *metric, *verdict, *test;
	enum sc_family family;
	int hib, underpowered, exact;
	size_t n, nb, nc;      /* pairs (scientific) or repeats per side (performance) */
	double base, cur;      /* means (scientific) or medians (performance) */
	double delta, tol;     /* delta = s*(cur - base): > 0 is better; tol absolute */
	double p, ci_lo, ci_hi, ratio; /* NaN when not applicable */
};

struct sc_gate {
	struct sc_gate_row *row;
	size_t n;
	size_t regressions, improvements, compared;
};

/* Compare (g is released again on failure). Returns SC_EINPUT on a join error (a baseline metric missing from current without
 * allow_missing, nothing compared, conflicting or unknown direction, unpaired seeds). */
int sc_gate_run(const struct sc_metricset *base, const struct sc_metricset *cur,
		const struct sc_gate_opts *o, struct sc_gate *g) SC_RESULT_USED;
void sc_gate_release(struct sc_gate *g);
/* Renderings: an aligned text table, scbench.gate/1 JSONL, a Markdown table. */
int sc_gate_write_table(struct sc_stream *s, const struct sc_gate *g) SC_RESULT_USED;
int sc_gate_write_jsonl(struct sc_stream *s, const struct sc_gate *g) SC_RESULT_USED;
int sc_gate_write_markdown(struct sc_stream *s, const struct sc_gate *g) SC_RESULT_USED;

#endif
