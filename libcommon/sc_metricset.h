/* A set of metric records (scbench.metric/1) read from JSONL, parsed into typed fields for
 * the consumers (report-md, metric-gate). Each record keeps its source file and line so a
 * report can cite where every number came from. The identity of a record is
 * (dataset, model, task, metric, canonical params) plus its seed and repeat; a duplicate
 * identity within one set is an input error. */
#ifndef SC_METRICSET_H
#define SC_METRICSET_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "sc_err.h"
#include "sc_stream.h"

enum sc_family { SC_FAMILY_SCIENTIFIC, SC_FAMILY_PERFORMANCE };

struct sc_mrec {
	char *dataset, *model, *task, *metric; /* "" when absent */
	char *params;                          /* canonical compact JSON, "" when absent */
	char *key;                             /* dataset \x1f model \x1f task \x1f metric \x1f params */
	char *unit, *tool, *flavor;            /* "" when absent */
	long long seed, repeat;                /* -1 when absent */
	double value;                          /* NaN for null */
	int hib;                               /* higher_is_better: 1, 0, or -1 (not given) */
	enum sc_family family;
	const char *file;                      /* borrowed from the set */
	long line;
};

struct sc_metricset {
	struct sc_mrec *r;
	size_t n, cap;
	char **files;
	size_t nfiles;
};

/* Append every record of in (named name in messages) to set. Unknown schema versions,
 * malformed records and duplicate identities are SC_EINPUT naming the file and line. */
int sc_metricset_read(struct sc_metricset *set, struct sc_stream *in) SC_RESULT_USED;
/* Sort by (key, seed, repeat) and refuse duplicates. */
int sc_metricset_finish(struct sc_metricset *set) SC_RESULT_USED;
void sc_metricset_release(struct sc_metricset *set);
/* Direction of a metric: the record's flag when given, else the built-in table (scIB and
 * classification scores higher; times, memory, errors and losses lower); -1 when unknown. */
int sc_metric_higher_is_better(const char *metric, const char *unit);

#endif
