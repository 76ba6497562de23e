/* Multiverse launch cohorts (cohort.json, schema_version 1) and their evaluation files:
 * evaluations/<member_id>.json (MemberResult, schema_version 1, plus scbench's code,
 * artifact_manifest_sha256, tool_version, params_sha256 and metrics_jsonl) and the derived
 * evaluation_report.json, rebuilt from the files every time. Readiness statuses (Multiverse's
 * vocabulary, from artifact-verify) project to evaluation statuses as in Multiverse. */
#ifndef SC_COHORT_H
#define SC_COHORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "sc_err.h"

struct sc_cohort_member {
	const char *member_id, *dataset_slug, *model_slug, *source;
	char *dataset_path, *artifact_dir; /* resolved against the cohort's directory; "" if none */
	const char *label_key, *batch_key;
};

struct sc_cohort {
	cJSON *root; /* owns the strings the members point to */
	struct sc_cohort_member *m;
	size_t n;
	char *dir; /* the directory holding cohort.json */
};

/* Read and check a cohort: schema_version 1, members with a safe member_id (a plain file
 * name), unique ids, string fields without tabs, newlines or unit separators. */
int sc_cohort_read(const char *path, struct sc_cohort *c) SC_RESULT_USED;
void sc_cohort_release(struct sc_cohort *c);

/* Evaluation status for a readiness status that never reached the evaluator. */
const char *sc_cohort_project(const char *readiness);
/* scib-metrics' column label for a metric id ("Leiden NMI", "Silhouette label", ...), or the
 * id itself when it has none. */
const char *sc_metric_display_label(const char *metric);

struct sc_member_result {
	const char *member_id, *status, *reason, *code, *artifact_dir, *dataset_path;
	const char *started_at, *finished_at, *metrics_jsonl, *manifest_sha256, *tool_version,
		*params_sha256;
	double duration; /* NaN: not recorded */
};

/* The MemberResult object (metrics read from r->metrics_jsonl when set). */
int sc_member_result_json(const struct sc_member_result *r, cJSON **out) SC_RESULT_USED;
/* 1 when the result file exists, is "done" and has the same manifest digest, tool version and
 * parameters digest; 0 otherwise. */
int sc_member_result_current(const char *path, const char *manifest_sha256, const char *tool_version,
			     const char *params_sha256);
/* evaluation_report.json from the cohort and <dir>/evaluations, <dir>/readiness. *all_done is
 * set when every member's status is done. */
int sc_cohort_report(const struct sc_cohort *c, cJSON **out, int *all_done) SC_RESULT_USED;
/* Read a whole JSON file (or the first record of a JSONL file) as an object. */
cJSON *sc_json_read_file(const char *path);

#endif
