/* The PCA baseline pipeline and its outputs. */
#include "pca_baseline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvg.h"
#include "jsonl_column.h"
#include "pca.h"
#include "sc_alloc.h"
#include "sc_json.h"

int sc_pcab_run(struct sc_matrix *X, const struct sc_pcab_params *p, struct sc_pcab_result *r)
{
	int ret = SC_ENOMEM;
	int64_t n = X->rows, g = X->cols;
	r->n = n;
	r->g = g;
	if (n < 2 || g < 1)
		return sc_seterr(SC_EINPUT, "counts matrix has %lld cells x %lld genes; need 2+ cells",
				 (long long)n, (long long)g);
	r->hvg = sc_malloc((size_t)g, 1);
	r->disp_norm = sc_malloc((size_t)g, sizeof(double));
	if (!r->hvg || !r->disp_norm)
		goto out;
	if ((ret = sc_normalize_log1p(X->data, n, g, p->threads, &r->target)) < 0)
		goto out;
	if ((ret = sc_hvg_seurat(X->data, n, g, p->n_top_genes, p->threads, r->hvg, &r->n_hvg, r->disp_norm)) < 0)
		goto out;
	/* keep the HVG columns, compacting each row in place */
	int64_t h = r->n_hvg;
	for (int64_t i = 0; i < n; i++) {
		const float *src = X->data + i * g;
		float *dst = X->data + i * h;
		for (int64_t j = 0, c = 0; j < g; j++)
			if (r->hvg[j])
				dst[c++] = src[j];
	}
	r->k = p->n_pcs;
	if (r->k > h || r->k > n - 1) {
		ret = sc_seterr(SC_EINPUT, "--n-pcs %d exceeds min(cells - 1, %lld HVGs)", r->k,
				(long long)h);
		goto out;
	}
	ret = SC_ENOMEM;
	r->scores = sc_malloc((size_t)n, (size_t)r->k * sizeof(float));
	r->ratio = sc_malloc((size_t)r->k, sizeof(double));
	if (!r->scores || !r->ratio)
		goto out;
	ret = sc_pca_run(X->data, n, h, r->k, p->threads, r->scores, r->ratio);
out:
	return ret;
}

int sc_pcab_write(struct sc_stream *s, const struct sc_pcab_result *r)
{
	int ret = SC_ENOMEM;
	cJSON *h = cJSON_CreateObject(), *a;
	if (!h)
		return ret;
	cJSON_AddStringToObject(h, "source", "pca-baseline");
	cJSON_AddStringToObject(h, "key", "X_pca");
	cJSON_AddNumberToObject(h, "n_pcs", r->k);
	cJSON_AddNumberToObject(h, "n_hvg", (double)r->n_hvg);
	cJSON_AddNumberToObject(h, "normalize_target", r->target);
	a = cJSON_AddArrayToObject(h, "variance_ratio");
	for (int c = 0; a && c < r->k; c++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(r->ratio[c]));
	if (a && !(ret = sc_mat_write_header(s, r->n, r->k, h)))
		ret = sc_mat_write_rows(s, r->scores, r->n, r->k);
	cJSON_Delete(h);
	return ret;
}

int sc_pcab_write_hvg(struct sc_stream *s, const struct sc_pcab_result *r, char *const *names)
{
	int ret = 0;
	char buf[32];
	for (int64_t j = 0; j < r->g && !ret; j++) {
		if (!r->hvg[j])
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return SC_ENOMEM;
		snprintf(buf, sizeof(buf), "%lld", (long long)j);
		cJSON_AddStringToObject(o, "var_name", names ? names[j] : buf);
		cJSON_AddNumberToObject(o, "var_index", (double)j);
		sc_json_add_number(o, "dispersion_norm", r->disp_norm[j]);
		ret = sc_jsonl_write(s, o);
		cJSON_Delete(o);
	}
	return ret;
}

int sc_var_names_read(struct sc_stream *s, char ***names, int64_t *n)
{
	return sc_jsonl_names_read(s, "var_name", names, n);
}

void sc_var_names_free(char **names, int64_t n)
{
	sc_jsonl_column_free(names, n);
}

void sc_pcab_release(struct sc_pcab_result *r)
{
	if (!r)
		return;
	free(r->hvg);
	free(r->disp_norm);
	free(r->scores);
	free(r->ratio);
	memset(r, 0, sizeof(*r));
}
