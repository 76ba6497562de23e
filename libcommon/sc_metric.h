/* Metric records: the one JSONL schema every scoring program writes and every consumer reads.
 *
 *   {"schema":"scbench.metric/1","task":"embedding","dataset":"kang","model":"X_pca",
 *    "metric":"asw_label","value":0.53,"flavor":"scib","params":{...},"reason":"..."}
 *
 * value is null exactly when the metric is undefined for the input, and reason then says why.
 * Readers refuse a schema they do not know (man5/scbench-formats.5). */
#ifndef SC_METRIC_H
#define SC_METRIC_H

#include <cjson/cJSON.h>

#include "sc_err.h"

#define SC_METRIC_SCHEMA "scbench.metric/1"

struct sc_metric_ctx {
	const char *task;    /* "embedding", "annotation", "label_prediction", ... */
	const char *dataset; /* may be NULL */
	const char *model;   /* may be NULL */
	const char *flavor;  /* may be NULL */
};

/* A new record (caller owns). A non-finite value becomes null; reason may be NULL otherwise.
 * Callers add "params" and any further context with cJSON calls. */
cJSON *sc_metric_new(const struct sc_metric_ctx *ctx, const char *metric, double value,
		     const char *reason);
/* Check a record read back: known schema, string metric, numeric or null value. */
int sc_metric_check(const cJSON *rec) SC_RESULT_USED;
/* The record's value, NAN for null. */
double sc_metric_value(const cJSON *rec);

#endif
