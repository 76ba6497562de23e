/* Reading metric JSONL into typed records. */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_canonjson.h"
#include "sc_json.h"
#include "sc_metric.h"
#include "sc_metricset.h"

static const char *lower_better[] = { "wall_s*", "*_seconds", "time_*", "*_time", "peak_rss*",
				      "*bytes*", "*memory*", "*mse*", "*mae*", "*loss*",
				      "*error*", "cpu_s*", "pcr", NULL }; /* pcr: raw batch variance share */
static const char *higher_better[] = { "nmi*", "ari*", "asw*", "*silhouette*", "ilisi*", "clisi*",
				       "kbet*", "graph_conn*", "pcr_comparison*", "isolated_label*", "scib_*",
				       "*f1*", "precision*", "recall*", "accuracy*", "*auroc*",
				       "*auprc*", "cell_cycle*", "hvg*", "trajectory*", "*_precision",
				       "*_recall", "*_accuracy", "bras*", "*lisi*", "*score*",
				       "*pearson*", "*spearman*", "*correlation*", "balanced_accuracy*",
				       "bio_conservation*", "batch_correction*", "total", "ari", "nmi",
				       NULL };

int sc_metric_higher_is_better(const char *metric, const char *unit)
{
	if (unit && (!strcmp(unit, "s") || !strcmp(unit, "bytes")))
		return 0;
	for (int i = 0; lower_better[i]; i++)
		if (fnmatch(lower_better[i], metric, 0) == 0)
			return 0;
	for (int i = 0; higher_better[i]; i++)
		if (fnmatch(higher_better[i], metric, 0) == 0)
			return 1;
	return -1;
}

void sc_metricset_release(struct sc_metricset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct sc_mrec *r = &set->r[i];
		free(r->dataset);
		free(r->model);
		free(r->task);
		free(r->metric);
		free(r->params);
		free(r->key);
		free(r->unit);
		free(r->tool);
		free(r->flavor);
	}
	free(set->r);
	for (size_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	memset(set, 0, sizeof *set);
}

static char *dup_field(const cJSON *rec, const char *k, int *bad)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(rec, k);
	if (it && !cJSON_IsString(it) && !cJSON_IsNull(it))
		*bad = 1;
	return sc_strdup(cJSON_IsString(it) ? it->valuestring : "");
}

static int opt_int(const cJSON *rec, const char *k, long long *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(rec, k);
	*out = -1;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9e15 ||
	    it->valuedouble != floor(it->valuedouble))
		return sc_seterr(SC_EINPUT, "\"%s\" must be a non-negative integer", k);
	*out = (long long)it->valuedouble;
	return 0;
}

/* Fill r from rec; SC_EINPUT with a message on a malformed field. */
static int parse_rec(const cJSON *rec, struct sc_mrec *r)
{
	const cJSON *hib = cJSON_GetObjectItemCaseSensitive(rec, "higher_is_better");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(rec, "params");
	const cJSON *fam = cJSON_GetObjectItemCaseSensitive(rec, "family");
	struct sc_buf b = SC_BUF_INIT;
	int bad = 0, rc;
	if ((rc = sc_metric_check(rec)) < 0)
		return rc;
	r->dataset = dup_field(rec, "dataset", &bad);
	r->model = dup_field(rec, "model", &bad);
	r->task = dup_field(rec, "task", &bad);
	r->metric = dup_field(rec, "metric", &bad);
	r->unit = dup_field(rec, "unit", &bad);
	r->tool = dup_field(rec, "tool", &bad);
	r->flavor = dup_field(rec, "flavor", &bad);
	if (!r->dataset || !r->model || !r->task || !r->metric || !r->unit || !r->tool || !r->flavor)
		return SC_ENOMEM;
	if (bad)
		return sc_seterr(SC_EINPUT, "dataset, model, task, unit, tool and flavor must be strings");
	if (params && !cJSON_IsObject(params) && !cJSON_IsNull(params))
		return sc_seterr(SC_EINPUT, "\"params\" must be an object");
	if (cJSON_IsObject(params) && cJSON_GetArraySize(params) > 0 &&
	    (rc = sc_canonjson_print(&b, params, 0)) < 0)
		return rc;
	r->params = sc_strdup(b.len ? b.data : "");
	sc_buf_release(&b);
	if (!r->params)
		return SC_ENOMEM;
	if ((rc = opt_int(rec, "seed", &r->seed)) < 0 || (rc = opt_int(rec, "repeat", &r->repeat)) < 0)
		return rc;
	if (hib && !cJSON_IsBool(hib) && !cJSON_IsNull(hib))
		return sc_seterr(SC_EINPUT, "\"higher_is_better\" must be a boolean");
	r->hib = cJSON_IsBool(hib) ? cJSON_IsTrue(hib) : -1;
	if (fam && !(cJSON_IsString(fam) && (!strcmp(fam->valuestring, "scientific") ||
					    !strcmp(fam->valuestring, "performance"))))
		return sc_seterr(SC_EINPUT, "\"family\" must be scientific or performance");
	r->family = fam ? (!strcmp(fam->valuestring, "performance") ? SC_FAMILY_PERFORMANCE : SC_FAMILY_SCIENTIFIC)
			: (!strcmp(r->unit, "s") || !strcmp(r->unit, "bytes")) ? SC_FAMILY_PERFORMANCE
										 : SC_FAMILY_SCIENTIFIC;
	r->value = sc_metric_value(rec);
	{
		struct sc_buf k = SC_BUF_INIT;
		if ((rc = sc_buf_addf(&k, "%s\x1f%s\x1f%s\x1f%s\x1f%s", r->dataset, r->model, r->task, r->metric,
				      r->params)) < 0)
			return rc;
		r->key = k.data;
	}
	return 0;
}

int sc_metricset_read(struct sc_metricset *set, struct sc_stream *in)
{
	struct sc_jsonl rd;
	cJSON *rec = NULL;
	char *fname = sc_strdup(sc_stream_name(in)), **nf;
	int rc;
	if (!fname || !(nf = sc_realloc(set->files, set->nfiles + 1, sizeof *nf))) {
		free(fname);
		return SC_ENOMEM;
	}
	set->files = nf;
	set->files[set->nfiles++] = fname;
	sc_jsonl_init(&rd, in);
	while ((rc = sc_jsonl_next(&rd, &rec)) == 1) {
		struct sc_mrec *r;
		if (set->n == set->cap) {
			size_t cap = set->cap ? 2 * set->cap : 64;
			struct sc_mrec *p = sc_realloc(set->r, cap, sizeof *p);
			if (!p) {
				rc = SC_ENOMEM;
				break;
			}
			set->r = p;
			set->cap = cap;
		}
		r = &set->r[set->n++];
		memset(r, 0, sizeof *r);
		r->file = fname;
		r->line = rd.lineno;
		if ((rc = parse_rec(rec, r)) < 0) {
			sc_preferr(rc, "%s:%ld", fname, rd.lineno);
			break;
		}
		cJSON_Delete(rec);
		rec = NULL;
	}
	cJSON_Delete(rec);
	sc_jsonl_release(&rd);
	return rc < 0 ? rc : 0;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct sc_mrec *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	if (x->seed != y->seed)
		return x->seed < y->seed ? -1 : 1;
	if (x->repeat != y->repeat)
		return x->repeat < y->repeat ? -1 : 1;
	c = strcmp(x->file, y->file);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int sc_metricset_finish(struct sc_metricset *set)
{
	if (set->r)
		qsort(set->r, set->n, sizeof *set->r, cmp_rec);
	for (size_t i = 1; i < set->n; i++) {
		const struct sc_mrec *a = &set->r[i - 1], *b = &set->r[i];
		if (!strcmp(a->key, b->key) && a->seed == b->seed && a->repeat == b->repeat)
			return sc_seterr(SC_EINPUT, "%s:%ld: duplicate record for %s/%s/%s (first at %s:%ld)",
					 b->file, b->line, b->dataset, b->model, b->metric, a->file, a->line);
	}
	return 0;
}
