/* scModelForge's perturbation benchmark. */
#include "perturb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "np_random.h"
#include "ridge.h"
#include "sc_alloc.h"
#include "sc_json.h"

const char *const sc_perturb_metric_name[SC_PT_NMETRIC] = {
	"pearson_mean", "mse_mean", "direction_accuracy", "baseline_pearson_mean",
	"baseline_mse_mean", "baseline_direction_accuracy", "fraction_above_baseline"
};

struct av {
	double a;
	int64_t i;
};

static int cmp_av(const void *x, const void *y)
{
	const struct av *p = x, *q = y;
	if (p->a != q->a)
		return p->a > q->a ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

static int sgn(double v)
{
	return (v > 0) - (v < 0);
}

/* scores of prediction pr against actual ac over the genes idx[0..k) */
static void score(const double *ac, const double *pr, const int64_t *idx, int64_t k, double *x,
		  double *y, double *r, double *mse, double *dir)
{
	double s = 0, agree = 0;
	for (int64_t j = 0; j < k; j++) {
		x[j] = ac[idx[j]];
		y[j] = pr[idx[j]];
		s += (x[j] - y[j]) * (x[j] - y[j]);
		agree += sgn(x[j]) == sgn(y[j]);
	}
	*r = sc_pearson(x, y, k);
	*mse = s / k;
	*dir = agree / k;
}

int sc_perturb_smf(const float *emb, int64_t d, const float *expr, int64_t g,
		   const struct sc_obs_labels *lab, const struct sc_perturb_params *p,
		   struct sc_perturb_result *r)
{
	int ret = SC_ENOMEM, K = lab->k, ctrl = -1;
	int64_t n = lab->n, P = K - 1, *cnt = NULL, *perm = NULL, *idx = NULL;
	double *mean = NULL, *me = NULL, *Xtr = NULL, *Ytr = NULL, *W = NULL, *b = NULL,
	       *base = NULL, *pred = NULL, *xs = NULL, *ys = NULL;
	int *lbl = NULL; /* label position among the P non-control labels -> category */
	struct av *av = NULL;
	struct sc_nprng rng;

	for (int64_t i = 0; i < n; i++)
		if (lab->code[i] < 0)
			return sc_seterr(SC_EINPUT, "cell %lld has no perturbation label", (long long)i);
	for (int c = 0; c < K; c++)
		if (!strcmp(lab->cat[c], p->control))
			ctrl = c;
	if (ctrl < 0)
		return sc_seterr(SC_EINPUT, "no control cells (label '%s' absent)", p->control);
	if (P < 2)
		return sc_seterr(SC_EINPUT, "%lld perturbation%s besides the control; need 2",
				 (long long)P, P == 1 ? "" : "s");
	cnt = sc_calloc((size_t)K, sizeof(*cnt));
	mean = sc_calloc((size_t)K, (size_t)g * sizeof(double));
	me = sc_calloc((size_t)K, (size_t)d * sizeof(double));
	lbl = sc_malloc((size_t)P, sizeof(*lbl));
	perm = sc_malloc((size_t)P, sizeof(*perm));
	if (!cnt || !mean || !me || !lbl || !perm)
		goto out;
	for (int64_t i = 0; i < n; i++)
		cnt[lab->code[i]]++;
	/* group means: sum of x * (1/n_g) in cell order, float64 (the reference's weighted
	 * indicator product); embeddings summed then divided */
	for (int64_t i = 0; i < n; i++) {
		int c = lab->code[i];
		double w = 1.0 / (double)cnt[c];
		for (int64_t j = 0; j < g; j++)
			mean[c * g + j] += (double)expr[i * g + j] * w;
		for (int64_t j = 0; j < d; j++)
			me[c * d + j] += emb[i * d + j];
	}
	for (int c = 0; c < K; c++)
		for (int64_t j = 0; j < d; j++)
			me[c * d + j] /= (double)cnt[c];
	for (int c = 0, q = 0; c < K; c++)
		if (c != ctrl)
			lbl[q++] = c;
	/* hold-out: the first n_test of default_rng(seed).permutation(sorted labels) */
	int64_t n_test = (int64_t)floor((double)P * p->test_fraction);
	if (n_test < 1)
		n_test = 1;
	if (n_test > P - 1)
		n_test = P - 1;
	sc_nprng_default(&rng, p->seed);
	sc_nprng_permutation(&rng, perm, P);
	int64_t ntr = P - n_test, k = p->n_top < g ? p->n_top : g;
	Xtr = sc_malloc((size_t)ntr, (size_t)d * sizeof(double));
	Ytr = sc_malloc((size_t)ntr, (size_t)g * sizeof(double));
	W = sc_malloc((size_t)d, (size_t)g * sizeof(double));
	b = sc_malloc((size_t)g, sizeof(double));
	base = sc_calloc((size_t)g, sizeof(double));
	pred = sc_malloc((size_t)g, sizeof(double));
	xs = sc_malloc((size_t)k, sizeof(double));
	ys = sc_malloc((size_t)k, sizeof(double));
	idx = sc_malloc((size_t)k, sizeof(*idx));
	av = sc_malloc((size_t)g, sizeof(*av));
	r->test = sc_malloc((size_t)n_test, sizeof(*r->test));
	if (!Xtr || !Ytr || !W || !b || !base || !pred || !xs || !ys || !idx || !av || !r->test)
		goto out;
	for (int64_t t = 0; t < ntr; t++) {
		int c = lbl[perm[n_test + t]];
		memcpy(Xtr + t * d, me + c * d, (size_t)d * sizeof(double));
		for (int64_t j = 0; j < g; j++) {
			Ytr[t * g + j] = mean[c * g + j] - mean[ctrl * g + j];
			base[j] += Ytr[t * g + j];
		}
	}
	for (int64_t j = 0; j < g; j++)
		base[j] /= (double)ntr;
	if ((ret = sc_ridge_fit(Xtr, ntr, d, Ytr, g, p->alpha, W, b)) < 0)
		goto out;
	double acc[SC_PT_NMETRIC] = { 0 };
	for (int64_t t = 0; t < n_test; t++) {
		int c = lbl[perm[t]];
		r->test[t] = lab->cat[c];
		sc_ridge_predict(me + c * d, 1, d, W, b, g, pred);
		for (int64_t j = 0; j < g; j++)
			av[j] = (struct av){ fabs(mean[c * g + j] - mean[ctrl * g + j]), j };
		qsort(av, (size_t)g, sizeof(*av), cmp_av);
		for (int64_t j = 0; j < k; j++)
			idx[j] = av[j].i;
		double *delta = mean + c * g; /* turned into the delta in place below */
		for (int64_t j = 0; j < g; j++)
			delta[j] -= mean[ctrl * g + j];
		double rm, mm, dm, rb, mb, db;
		score(delta, pred, idx, k, xs, ys, &rm, &mm, &dm);
		score(delta, base, idx, k, xs, ys, &rb, &mb, &db);
		acc[SC_PT_PEARSON] += rm;
		acc[SC_PT_MSE] += mm;
		acc[SC_PT_DIR] += dm;
		acc[SC_PT_BPEARSON] += rb;
		acc[SC_PT_BMSE] += mb;
		acc[SC_PT_BDIR] += db;
		acc[SC_PT_ABOVE] += rm > rb;
	}
	for (int m = 0; m < SC_PT_NMETRIC; m++)
		r->m[m] = acc[m] / (double)n_test;
	r->n_cells = n;
	r->n_perturbations = P;
	r->n_train = ntr;
	r->n_test = n_test;
	r->n_top = p->n_top;
	ret = 0;
out:
	free(cnt);
	free(mean);
	free(me);
	free(lbl);
	free(perm);
	free(Xtr);
	free(Ytr);
	free(W);
	free(b);
	free(base);
	free(pred);
	free(xs);
	free(ys);
	free(idx);
	free(av);
	return ret;
}

void sc_perturb_result_release(struct sc_perturb_result *r)
{
	if (!r)
		return;
	free(r->test);
	r->test = NULL;
}

int sc_perturb_write(struct sc_stream *s, const struct sc_perturb_result *r,
		     const struct sc_perturb_params *p, const char *key,
		     const struct sc_metric_ctx *ctx)
{
	int ret = 0;
	for (int m = 0; m < SC_PT_NMETRIC && !ret; m++) {
		cJSON *rec = sc_metric_new(ctx, sc_perturb_metric_name[m], r->m[m],
					   isfinite(r->m[m]) ? NULL
							     : "Pearson r undefined (constant values) "
							       "for a held-out perturbation");
		if (!rec)
			return SC_ENOMEM;
		cJSON *par = cJSON_AddObjectToObject(rec, "params");
		cJSON_AddStringToObject(par, "perturbation_key", key);
		cJSON_AddStringToObject(par, "control_label", p->control);
		cJSON_AddNumberToObject(par, "n_top_genes", (double)p->n_top);
		sc_json_add_number(par, "test_fraction", p->test_fraction);
		cJSON_AddNumberToObject(par, "seed", (double)p->seed);
		cJSON_AddNumberToObject(rec, "n_cells", (double)r->n_cells);
		cJSON_AddNumberToObject(rec, "n_perturbations", (double)r->n_perturbations);
		cJSON_AddNumberToObject(rec, "n_train", (double)r->n_train);
		cJSON_AddNumberToObject(rec, "n_test", (double)r->n_test);
		cJSON *a = cJSON_AddArrayToObject(rec, "test_perturbations");
		for (int64_t t = 0; a && t < r->n_test; t++)
			cJSON_AddItemToArray(a, cJSON_CreateString(r->test[t]));
		ret = sc_jsonl_write(s, rec);
		cJSON_Delete(rec);
	}
	return ret;
}
