/* Cohorts, member results and the evaluation report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_cohort.h"
#include "sc_json.h"
#include "sc_metric.h"
#include "sc_stream.h"

#define MAX_COHORT (64u << 20)

cJSON *sc_json_read_file(const char *path)
{
	struct sc_stream *s = sc_open(path, "r");
	struct sc_buf b = SC_BUF_INIT;
	cJSON *j = NULL;
	char chunk[65536];
	ssize_t k = 0;
	if (!s)
		return NULL;
	while ((k = sc_read(s, chunk, sizeof chunk)) > 0)
		if (b.len > MAX_COHORT || sc_buf_add(&b, chunk, (size_t)k) < 0) {
			k = -1;
			break;
		}
	if (k == 0) {
		size_t n = b.len;
		const char *nl = b.data ? memchr(b.data, '\n', b.len) : NULL;
		if (nl && (j = cJSON_ParseWithLength(b.data, b.len)) == NULL)
			n = (size_t)(nl - b.data); /* JSONL: the first record */
		if (!j)
			j = cJSON_ParseWithLength(b.data ? b.data : "", n);
		if (!j || !cJSON_IsObject(j)) {
			cJSON_Delete(j);
			j = NULL;
			sc_seterr(SC_EINPUT, "'%s' is not a JSON object", path);
		}
	}
	sc_abort(s);
	sc_buf_release(&b);
	return j;
}

static const char *str_field(const cJSON *o, const char *k, const char *dflt, int *bad)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!it || cJSON_IsNull(it))
		return dflt;
	if (!cJSON_IsString(it) || strpbrk(it->valuestring, "\t\n\r\x1f")) {
		*bad = 1;
		return dflt;
	}
	return it->valuestring;
}

static char *resolve(const char *dir, const char *p)
{
	struct sc_buf b = SC_BUF_INIT;
	if (!*p || p[0] == '/' || !strcmp(dir, "."))
		return sc_strdup(p);
	if (sc_buf_addf(&b, "%s/%s", dir, p) < 0)
		return NULL;
	return b.data;
}

void sc_cohort_release(struct sc_cohort *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->m[i].dataset_path);
		free(c->m[i].artifact_dir);
	}
	free(c->m);
	free(c->dir);
	cJSON_Delete(c->root);
	memset(c, 0, sizeof *c);
}

static int safe_id(const char *s)
{
	return *s && s[0] != '.' && !strpbrk(s, "/\\\t\n\r\x1f") && strlen(s) < 200;
}

int sc_cohort_read(const char *path, struct sc_cohort *c)
{
	const cJSON *sv, *mem, *it;
	const char *slash = strrchr(path, '/');
	int rc = SC_EINPUT;
	memset(c, 0, sizeof *c);
	if (!(c->root = sc_json_read_file(path)))
		return sc_preferr(SC_EINPUT, "cohort");
	c->dir = slash ? sc_malloc((size_t)(slash - path) + 1, 1) : sc_strdup(".");
	if (!c->dir)
		return SC_ENOMEM;
	if (slash) {
		memcpy(c->dir, path, (size_t)(slash - path));
		c->dir[slash - path] = '\0';
	}
	sv = cJSON_GetObjectItemCaseSensitive(c->root, "schema_version");
	mem = cJSON_GetObjectItemCaseSensitive(c->root, "members");
	if (!cJSON_IsNumber(sv) || sv->valuedouble != 1)
		return sc_seterr(SC_EINPUT, "'%s': cohort schema_version is not 1", path);
	if (!cJSON_IsArray(mem) || cJSON_GetArraySize(mem) > 1000000)
		return sc_seterr(SC_EINPUT, "'%s': cohort has no members array", path);
	if (!(c->m = sc_calloc((size_t)cJSON_GetArraySize(mem) + 1, sizeof *c->m)))
		return SC_ENOMEM;
	cJSON_ArrayForEach(it, mem) {
		struct sc_cohort_member *m = &c->m[c->n];
		int bad = 0;
		const char *dp, *ad;
		if (!cJSON_IsObject(it))
			return sc_seterr(SC_EINPUT, "'%s': member %zu is not an object", path, c->n);
		m->member_id = str_field(it, "member_id", "", &bad);
		m->dataset_slug = str_field(it, "dataset_slug", "", &bad);
		m->model_slug = str_field(it, "model_slug", "", &bad);
		m->source = str_field(it, "source", "submitted", &bad);
		m->label_key = str_field(it, "label_key", "cell_type", &bad);
		m->batch_key = str_field(it, "batch_key", "batch", &bad);
		dp = str_field(it, "dataset_path_resolved", NULL, &bad);
		if (!dp)
			dp = str_field(it, "dataset_path", "", &bad);
		ad = str_field(it, "artifact_dir", "", &bad);
		c->n++;
		if (bad || !safe_id(m->member_id))
			return sc_seterr(SC_EINPUT, "'%s': member %zu has a bad member_id or a field that is not a "
					 "string on one line", path, c->n - 1);
		if (!(m->dataset_path = resolve(c->dir, dp)) || !(m->artifact_dir = resolve(c->dir, ad)))
			return SC_ENOMEM;
		for (size_t k = 0; k + 1 < c->n; k++)
			if (!strcmp(c->m[k].member_id, m->member_id))
				return sc_seterr(SC_EINPUT, "'%s': member_id '%s' appears twice", path, m->member_id);
	}
	rc = 0;
	return rc;
}

const char *sc_cohort_project(const char *r)
{
	static const char *same[] = { "no_embeddings", "missing_dataset", "unsupported_dataset", "obs_mismatch", NULL };
	if (!strcmp(r, "ready"))
		return "pending";
	if (!strcmp(r, "training_failed") || !strcmp(r, "cancelled"))
		return "training_failed";
	if (!strcmp(r, "bad_artifact_manifest"))
		return "bad_manifest";
	for (int i = 0; same[i]; i++)
		if (!strcmp(r, same[i]))
			return same[i];
	return "not_ready";
}

const char *sc_metric_display_label(const char *m)
{
	static const char *map[][2] = {
		{ "nmi_leiden", "Leiden NMI" }, { "ari_leiden", "Leiden ARI" }, { "nmi_kmeans", "KMeans NMI" },
		{ "ari_kmeans", "KMeans ARI" }, { "asw_label", "Silhouette label" }, { "clisi", "cLISI" },
		{ "isolated_label_f1", "Isolated labels" }, { "isolated_label_asw", "Isolated labels" },
		{ "asw_batch", "Silhouette batch" }, { "ilisi", "iLISI" }, { "kbet", "KBET" },
		{ "graph_conn", "Graph connectivity" }, { "pcr", "PCR comparison" },
		{ "pcr_comparison", "PCR comparison" }, { "scib_bio", "Bio conservation" },
		{ "scib_batch", "Batch correction" }, { "scib_total", "Total" }, { NULL, NULL }
	};
	for (int i = 0; map[i][0]; i++)
		if (!strcmp(m, map[i][0]))
			return map[i][1];
	return m;
}

static int metrics_object(const char *path, cJSON *eval)
{
	struct sc_stream *s = sc_open(path, "r");
	struct sc_jsonl r;
	cJSON *rec = NULL;
	int rc;
	if (!s)
		return SC_EIO;
	sc_jsonl_init(&r, s);
	while ((rc = sc_jsonl_next(&r, &rec)) == 1) {
		const char *label;
		if ((rc = sc_metric_check(rec)) < 0) {
			sc_preferr(rc, "%s:%ld", path, r.lineno);
			break;
		}
		label = sc_metric_display_label(sc_json_get_string(rec, "metric"));
		cJSON_DeleteItemFromObjectCaseSensitive(eval, label);
		sc_json_add_number(eval, label, sc_metric_value(rec)); /* NaN -> null, as Multiverse's sanitiser */
		cJSON_Delete(rec);
		rec = NULL;
	}
	cJSON_Delete(rec);
	sc_jsonl_release(&r);
	sc_abort(s);
	return rc < 0 ? rc : 0;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

int sc_member_result_json(const struct sc_member_result *r, cJSON **out)
{
	cJSON *o = cJSON_CreateObject(), *m, *e;
	int rc = 0;
	static const char *errs[] = { "evaluation_failed", "obs_mismatch", "no_embeddings", "missing_dataset", NULL };
	if (!o)
		return SC_ENOMEM;
	cJSON_AddNumberToObject(o, "schema_version", 1);
	add_str(o, "member_id", r->member_id);
	add_str(o, "status", r->status);
	add_str(o, "reason", r->reason ? r->reason : "");
	add_str(o, "code", r->code);
	add_str(o, "artifact_dir", r->artifact_dir);
	add_str(o, "dataset_path", r->dataset_path);
	add_str(o, "started_at", r->started_at);
	add_str(o, "finished_at", r->finished_at);
	if (isnan(r->duration))
		cJSON_AddNullToObject(o, "duration_seconds");
	else
		cJSON_AddNumberToObject(o, "duration_seconds", round(r->duration * 1000) / 1000);
	add_str(o, "artifact_manifest_sha256", r->manifest_sha256);
	add_str(o, "tool_version", r->tool_version);
	add_str(o, "params_sha256", r->params_sha256);
	add_str(o, "metrics_jsonl", r->metrics_jsonl);
	m = cJSON_AddObjectToObject(o, "metrics");
	e = cJSON_AddObjectToObject(m, "evaluation");
	if (r->metrics_jsonl)
		rc = metrics_object(r->metrics_jsonl, e);
	for (int i = 0; errs[i]; i++)
		if (!strcmp(r->status, errs[i])) {
			cJSON *er = cJSON_AddObjectToObject(o, "error");
			cJSON_AddStringToObject(er, "message", r->reason ? r->reason : r->status);
		}
	if (rc < 0) {
		cJSON_Delete(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int same_str(const cJSON *o, const char *k, const char *v)
{
	const char *s = sc_json_get_string(o, k);
	return v ? s && !strcmp(s, v) : !s;
}

int sc_member_result_current(const char *path, const char *manifest_sha256, const char *tool_version,
			     const char *params_sha256)
{
	cJSON *j = sc_json_read_file(path);
	int ok = j && same_str(j, "status", "done") && same_str(j, "artifact_manifest_sha256", manifest_sha256) &&
		 same_str(j, "tool_version", tool_version) && same_str(j, "params_sha256", params_sha256);
	sc_clearerr();
	cJSON_Delete(j);
	return ok;
}

static void count(cJSON *counts, const char *k)
{
	cJSON *it = cJSON_GetObjectItemCaseSensitive(counts, k);
	if (it)
		cJSON_SetNumberValue(it, it->valuedouble + 1);
	else
		cJSON_AddNumberToObject(counts, k, 1);
}

static void copy_field(cJSON *dst, const cJSON *src, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(src, k);
	cJSON_AddItemToObject(dst, k, it ? cJSON_Duplicate(it, 1) : cJSON_CreateNull());
}

int sc_cohort_report(const struct sc_cohort *c, cJSON **out, int *all_done)
{
	static const char *meta[] = { "launch_id", "manifest_hash", "backend", "seed", "experiment_name", "created_at", NULL };
	cJSON *rep = cJSON_CreateObject(), *rc_ = cJSON_CreateObject(), *sc_ = cJSON_CreateObject(), *table;
	struct sc_buf p = SC_BUF_INIT;
	int rc = 0;
	*all_done = 1;
	cJSON_AddNumberToObject(rep, "schema_version", 1);
	for (int i = 0; meta[i]; i++)
		copy_field(rep, c->root, meta[i]);
	cJSON_AddNumberToObject(rep, "total", (double)c->n);
	cJSON_AddItemToObject(rep, "readiness_counts", rc_);
	cJSON_AddItemToObject(rep, "status_counts", sc_);
	table = cJSON_AddArrayToObject(rep, "table");
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		const struct sc_cohort_member *m = &c->m[i];
		cJSON *rd = NULL, *ev = NULL, *row = cJSON_CreateObject();
		const char *ready = "not_ready", *status, *reason = "";
		p.len = 0;
		if ((rc = sc_buf_addf(&p, "%s/readiness/%s.json", c->dir, m->member_id)) < 0)
			break;
		if ((rd = sc_json_read_file(p.data)) && sc_json_get_string(rd, "status")) {
			ready = sc_json_get_string(rd, "status");
			reason = sc_json_get_string(rd, "reason") ? sc_json_get_string(rd, "reason") : "";
		}
		p.len = 0;
		if ((rc = sc_buf_addf(&p, "%s/evaluations/%s.json", c->dir, m->member_id)) < 0)
			break;
		ev = sc_json_read_file(p.data);
		sc_clearerr();
		status = ev && sc_json_get_string(ev, "status") ? sc_json_get_string(ev, "status") : sc_cohort_project(ready);
		if (ev && sc_json_get_string(ev, "reason"))
			reason = sc_json_get_string(ev, "reason");
		count(rc_, ready);
		count(sc_, status);
		*all_done &= !strcmp(status, "done");
		cJSON_AddStringToObject(row, "member_id", m->member_id);
		cJSON_AddStringToObject(row, "dataset", m->dataset_slug);
		cJSON_AddStringToObject(row, "model", m->model_slug);
		cJSON_AddStringToObject(row, "source", m->source);
		cJSON_AddStringToObject(row, "readiness_status", ready);
		cJSON_AddStringToObject(row, "eval_status", status);
		cJSON_AddStringToObject(row, "reason", reason);
		cJSON_AddStringToObject(row, "artifact_dir", m->artifact_dir);
		{
			const cJSON *mm = cJSON_GetObjectItemCaseSensitive(ev, "metrics");
			cJSON_AddItemToObject(row, "metrics", mm ? cJSON_Duplicate(mm, 1) : cJSON_CreateObject());
		}
		cJSON_AddItemToArray(table, row);
		cJSON_Delete(rd);
		cJSON_Delete(ev);
	}
	sc_buf_release(&p);
	if (rc < 0) {
		cJSON_Delete(rep);
		return rc;
	}
	*out = rep;
	return 0;
}
