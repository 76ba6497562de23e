/* Metric record construction and validation. */
#include <math.h>
#include <string.h>

#include "sc_json.h"
#include "sc_metric.h"

static void add_opt_string(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

cJSON *sc_metric_new(const struct sc_metric_ctx *ctx, const char *metric, double value,
		     const char *reason)
{
	cJSON *o = cJSON_CreateObject();
	if (!o) {
		sc_seterr(SC_ENOMEM, "out of memory");
		return NULL;
	}
	cJSON_AddStringToObject(o, "schema", SC_METRIC_SCHEMA);
	if (ctx) {
		add_opt_string(o, "task", ctx->task);
		add_opt_string(o, "dataset", ctx->dataset);
		add_opt_string(o, "model", ctx->model);
	}
	cJSON_AddStringToObject(o, "metric", metric);
	sc_json_add_number(o, "value", value);
	if (ctx)
		add_opt_string(o, "flavor", ctx->flavor);
	if (!isfinite(value) || reason)
		cJSON_AddStringToObject(o, "reason", reason ? reason : "value is not finite");
	return o;
}

int sc_metric_check(const cJSON *rec)
{
	const char *schema = sc_json_get_string(rec, "schema");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "value");
	if (!schema)
		return sc_seterr(SC_EINPUT, "metric record without a \"schema\" field");
	if (strcmp(schema, SC_METRIC_SCHEMA) != 0)
		return sc_seterr(SC_EINPUT, "unknown metric schema '%s' (this version reads %s)",
				 schema, SC_METRIC_SCHEMA);
	if (!sc_json_get_string(rec, "metric"))
		return sc_seterr(SC_EINPUT, "metric record without a \"metric\" name");
	if (!v || !(cJSON_IsNumber(v) || cJSON_IsNull(v)))
		return sc_seterr(SC_EINPUT, "metric record \"value\" must be a number or null");
	return 0;
}

double sc_metric_value(const cJSON *rec)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "value");
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}
