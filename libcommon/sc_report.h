/* The report behind report-md: from metric records to a document (sc_doc) and its figures.
 * Per dataset: a models x metrics table (mean over seeds, +- sd when there are several), the
 * scIB aggregate (bio conservation, batch correction, total = 0.6 bio + 0.4 batch, optionally
 * on min-max scaled metrics), a ranking, baseline deltas, a label-prediction table (a row per
 * model and classifier) and a linear-probe table kept out of the aggregate, timings; then
 * provenance (inputs and their digests, tools) and a source appendix citing file:line for
 * every number. The output is a pure function of the inputs: stable orders, fixed formatting,
 * no clock. */
#ifndef SC_REPORT_H
#define SC_REPORT_H

#include <stddef.h>

#include "sc_doc.h"
#include "sc_metricset.h"

struct sc_report_input {
	const char *name, *sha256; /* sha256 may be NULL (stdin) */
};

struct sc_report_opts {
	const char *title;
	int minmax;             /* scale each metric across models before aggregating */
	const char *figlink;    /* figure link prefix in the Markdown, NULL: no figures */
	int sources;            /* include the source appendix */
};

struct sc_report_figure {
	char *name; /* file name, e.g. "kang_results.svg" */
	char *svg;
};

struct sc_report {
	struct sc_doc *doc;
	struct sc_report_figure *fig;
	size_t nfig;
};

/* Build the report (out is released again on failure). */
int sc_report_build(const struct sc_metricset *cur, const struct sc_metricset *base,
		    const struct sc_report_input *in, size_t nin, const struct sc_report_opts *o,
		    struct sc_report *out) SC_RESULT_USED;
void sc_report_release(struct sc_report *r);
/* Whether a metric name is one of score-scib's aggregate records (bio_conservation,
 * batch_correction, total), which the report recomputes rather than tabulates. */
int sc_report_is_aggregate(const char *metric);

/* scIB group of a metric id: "bio", "batch" or NULL. */
const char *sc_report_scib_group(const char *metric);

#endif
