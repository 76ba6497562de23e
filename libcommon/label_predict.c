/* czbenchmarks label prediction and the scModelForge linear probe. */
#include "label_predict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cv_split.h"
#include "knn_classify.h"
#include "logreg.h"
#include "rf.h"
#include "sc_alloc.h"
#include "scaler.h"
#include "sc_json.h"

#include <stdio.h>

const char *const sc_lp_clf_name[SC_LP_NCLF] = { "lr", "knn", "rf" };

/* Gather rows of X into a float64 matrix, scaled (scale != NULL) then rounded to float32 the
 * way numpy's in-place X /= scale_ on float32 data rounds it. */
static void gather(const struct sc_matrix *X, const int64_t *rows, int64_t n, const double *mean,
		   const double *scale, double *out)
{
	int64_t d = X->cols;
	if (scale) {
		sc_scaler_transform(X->data, d, rows, n, mean, scale, 0, out);
		for (int64_t i = 0; i < n * d; i++)
			out[i] = (double)(float)out[i];
		return;
	}
	for (int64_t r = 0; r < n; r++)
		for (int64_t j = 0; j < d; j++)
			out[r * d + j] = X->data[rows[r] * d + j];
}

struct fold_ws {
	int64_t *tr, *te;
	int32_t *ytr, *yte, *pred;
	double *Xtr, *Xte, *proba, *mean, *scale;
};

static void ws_release(struct fold_ws *w)
{
	free(w->tr);
	free(w->te);
	free(w->ytr);
	free(w->yte);
	free(w->pred);
	free(w->Xtr);
	free(w->Xte);
	free(w->proba);
	free(w->mean);
	free(w->scale);
}

static int ws_alloc(struct fold_ws *w, int64_t n, int64_t d, int k)
{
	memset(w, 0, sizeof(*w));
	w->tr = sc_malloc((size_t)n, sizeof(int64_t));
	w->te = sc_malloc((size_t)n, sizeof(int64_t));
	w->ytr = sc_malloc((size_t)n, sizeof(int32_t));
	w->yte = sc_malloc((size_t)n, sizeof(int32_t));
	w->pred = sc_malloc((size_t)n, sizeof(int32_t));
	w->Xtr = sc_malloc((size_t)n, (size_t)d * sizeof(double));
	w->Xte = sc_malloc((size_t)n, (size_t)d * sizeof(double));
	w->proba = sc_malloc((size_t)n, (size_t)k * sizeof(double));
	w->mean = sc_malloc((size_t)d, sizeof(double));
	w->scale = sc_malloc((size_t)d, sizeof(double));
	return w->tr && w->te && w->ytr && w->yte && w->pred && w->Xtr && w->Xte && w->proba &&
			       w->mean && w->scale
		       ? 0
		       : SC_ENOMEM;
}

/* Fit classifier clf on (Xtr, ytr) and fill proba for Xte; row gets convergence info. */
static int fit_predict(int clf, struct fold_ws *w, int64_t ntr, int64_t nte, int d, int k,
		       const struct sc_lp_params *p, struct sc_lp_row *row)
{
	int ret;
	row->converged = 1;
	row->n_iter = 0;
	if (clf == SC_LP_LR) {
		struct sc_logreg m = SC_LOGREG_INIT;
		struct sc_logreg_opts o = { 1.0, p->lr_max_iter, 1e-4, p->threads };
		ret = sc_logreg_fit(w->Xtr, ntr, d, w->ytr, k, &o, &m);
		if (!ret)
			ret = sc_logreg_predict_proba(&m, w->Xte, nte, w->proba);
		row->converged = m.converged;
		row->n_iter = m.n_iter;
		sc_logreg_release(&m);
		return ret;
	}
	if (clf == SC_LP_KNN)
		return sc_knn_classify(w->Xtr, ntr, w->ytr, w->Xte, nte, d, k, p->knn_k, p->threads,
				       w->proba);
	struct sc_rf_opts ro = { p->rf_trees, p->seed, p->threads };
	return sc_rf_fit_predict(w->Xtr, ntr, d, w->ytr, k, w->Xte, nte, &ro, w->proba);
}

/* Class filter and re-encoding: kept rows and their codes 0..k-1 in sorted order. */
static int filter_classes(const struct sc_obs_labels *lab, int min_size, struct sc_lp_result *r,
			  int32_t **ycodes)
{
	int ret = SC_ENOMEM;
	int64_t *cnt = sc_calloc((size_t)lab->k + 1, sizeof(*cnt));
	int32_t *map = sc_malloc((size_t)lab->k + 1, sizeof(*map));
	if (!cnt || !map)
		goto out;
	for (int64_t i = 0; i < lab->n; i++)
		if (lab->code[i] >= 0)
			cnt[lab->code[i]]++;
	r->k = 0;
	for (int c = 0; c < lab->k; c++)
		map[c] = cnt[c] >= min_size ? r->k++ : -1;
	if (r->k < 2) {
		ret = sc_seterr(SC_EINPUT, "%d class%s with at least %d cells; label prediction "
					   "needs two",
				r->k, r->k == 1 ? "" : "es", min_size);
		goto out;
	}
	r->classes = sc_malloc((size_t)r->k, sizeof(*r->classes));
	r->kept = sc_malloc((size_t)lab->n, sizeof(*r->kept));
	*ycodes = sc_malloc((size_t)lab->n, sizeof(**ycodes));
	if (!r->classes || !r->kept || !*ycodes)
		goto out;
	for (int c = 0; c < lab->k; c++)
		if (map[c] >= 0)
			r->classes[map[c]] = lab->cat[c];
	r->n_kept = 0;
	for (int64_t i = 0; i < lab->n; i++)
		if (lab->code[i] >= 0 && map[lab->code[i]] >= 0) {
			(*ycodes)[r->n_kept] = map[lab->code[i]];
			r->kept[r->n_kept++] = i;
		}
	r->binary = r->k == 2;
	ret = 0;
out:
	free(cnt);
	free(map);
	return ret;
}

static int check_input(const struct sc_matrix *X, const struct sc_obs_labels *lab)
{
	if (X->rows != lab->n)
		return sc_seterr(SC_EINPUT, "matrix has %lld rows but the obs table %lld cells",
				 (long long)X->rows, (long long)lab->n);
	int64_t bad = sc_mat_first_nonfinite(X);
	if (bad >= 0)
		return sc_seterr(SC_EINPUT, "NaN or Inf in the embedding (row %lld)",
				 (long long)bad);
	if (X->cols < 1 || X->cols > INT32_MAX)
		return sc_seterr(SC_EINPUT, "embedding has no columns");
	return 0;
}

int sc_lp_czbenchmarks(const struct sc_matrix *X, const struct sc_obs_labels *lab,
		       const struct sc_lp_params *p, struct sc_lp_result *r)
{
	int ret, d = (int)X->cols;
	int32_t *y = NULL;
	struct fold_ws w;

	memset(&w, 0, sizeof(w));
	if ((ret = check_input(X, lab)) < 0)
		return ret;
	if ((ret = filter_classes(lab, p->min_class_size, r, &y)) < 0)
		goto out;
	ret = SC_ENOMEM;
	r->fold = sc_malloc((size_t)r->n_kept, sizeof(*r->fold));
	r->rows = sc_calloc((size_t)SC_LP_NCLF * p->n_folds, sizeof(*r->rows));
	if (!r->fold || !r->rows || ws_alloc(&w, r->n_kept, d, r->k) < 0)
		goto out;
	if ((ret = sc_cv_stratified_kfold(y, r->n_kept, p->n_folds, 1, p->seed, r->fold)) < 0)
		goto out;
	for (int clf = 0; clf < SC_LP_NCLF; clf++) {
		if (!(p->classifiers & (1u << clf)))
			continue;
		for (int f = 0; f < p->n_folds; f++) {
			int64_t ntr = 0, nte = 0;
			for (int64_t i = 0; i < r->n_kept; i++) {
				if (r->fold[i] == f) {
					w.yte[nte] = y[i];
					w.te[nte++] = r->kept[i];
				} else {
					w.ytr[ntr] = y[i];
					w.tr[ntr++] = r->kept[i];
				}
			}
			int scaled = clf != SC_LP_RF;
			if (scaled)
				sc_scaler_fit(X->data, d, w.tr, ntr, w.mean, w.scale);
			gather(X, w.tr, ntr, w.mean, scaled ? w.scale : NULL, w.Xtr);
			gather(X, w.te, nte, w.mean, scaled ? w.scale : NULL, w.Xte);
			struct sc_lp_row *row = &r->rows[r->n_rows++];
			row->clf = clf;
			row->split = f;
			if ((ret = fit_predict(clf, &w, ntr, nte, d, r->k, p, row)) < 0)
				goto out;
			sc_clf_argmax(w.proba, nte, r->k, w.pred);
			sc_clf_score(w.yte, w.pred, w.proba, nte, r->k,
				     r->binary ? SC_AVG_BINARY : SC_AVG_MACRO, &row->s);
		}
	}
	ret = 0;
out:
	free(y);
	ws_release(&w);
	return ret;
}

int sc_lp_linear_probe(const struct sc_matrix *X, const struct sc_obs_labels *lab,
		       const struct sc_lp_params *p, struct sc_lp_result *r, double *f1_macro,
		       double *f1_weighted)
{
	int ret, d = (int)X->cols;
	int64_t n = lab->n;
	struct fold_ws w;
	struct sc_clf_scores sw;

	memset(&w, 0, sizeof(w));
	if ((ret = check_input(X, lab)) < 0)
		return ret;
	for (int64_t i = 0; i < n; i++)
		if (lab->code[i] < 0)
			return sc_seterr(SC_EINPUT, "cell %lld has no label", (long long)i);
	if (lab->k < 2)
		return sc_seterr(SC_EINPUT, "a single class; the linear probe needs two");
	r->k = lab->k;
	r->binary = lab->k == 2;
	r->n_test = sc_cv_test_count(n, p->test_size);
	r->n_train = n - r->n_test;
	ret = SC_ENOMEM;
	r->classes = sc_malloc((size_t)r->k, sizeof(*r->classes));
	r->train = sc_malloc((size_t)r->n_train, sizeof(*r->train));
	r->test = sc_malloc((size_t)r->n_test, sizeof(*r->test));
	r->rows = sc_calloc(1, sizeof(*r->rows));
	if (!r->classes || !r->train || !r->test || !r->rows || ws_alloc(&w, n, d, r->k) < 0)
		goto out;
	for (int c = 0; c < r->k; c++)
		r->classes[c] = lab->cat[c];
	if ((ret = sc_cv_stratified_shuffle_split(lab->code, n, lab->k, r->n_test, p->seed,
						  r->train, r->test)) < 0)
		goto out;
	for (int64_t i = 0; i < r->n_train; i++)
		w.ytr[i] = lab->code[r->train[i]];
	for (int64_t i = 0; i < r->n_test; i++)
		w.yte[i] = lab->code[r->test[i]];
	gather(X, r->train, r->n_train, NULL, NULL, w.Xtr);
	gather(X, r->test, r->n_test, NULL, NULL, w.Xte);
	r->n_rows = 1;
	if ((ret = fit_predict(SC_LP_LR, &w, r->n_train, r->n_test, d, r->k, p, r->rows)) < 0)
		goto out;
	sc_clf_argmax(w.proba, r->n_test, r->k, w.pred);
	/* the probe reports no AUROC: scores from the predictions only */
	sc_clf_score(w.yte, w.pred, NULL, r->n_test, r->k, SC_AVG_MACRO, &r->rows->s);
	sc_clf_score(w.yte, w.pred, NULL, r->n_test, r->k, SC_AVG_WEIGHTED, &sw);
	*f1_macro = r->rows->s.f1;
	*f1_weighted = sw.f1;
	ret = 0;
out:
	ws_release(&w);
	return ret;
}

void sc_lp_result_release(struct sc_lp_result *r)
{
	if (!r)
		return;
	free(r->classes);
	free(r->kept);
	free(r->fold);
	free(r->rows);
	free(r->train);
	free(r->test);
	memset(r, 0, sizeof(*r));
}

static const char *const score_name[5] = { "accuracy", "f1", "precision", "recall", "auroc" };

static double score_of(const struct sc_clf_scores *s, int m)
{
	switch (m) {
	case 0: return s->accuracy;
	case 1: return s->f1;
	case 2: return s->precision;
	case 3: return s->recall;
	default: return s->auroc;
	}
}

static int emit(struct sc_stream *s, cJSON *rec)
{
	int ret = rec ? sc_jsonl_write(s, rec) : SC_ENOMEM;
	cJSON_Delete(rec);
	return ret;
}

static cJSON *record(const struct sc_metric_ctx *ctx, const char *metric, double v,
		     const char *classifier, int split, const struct sc_lp_result *r)
{
	cJSON *rec = sc_metric_new(ctx, metric, v, isfinite(v) ? NULL
							       : "undefined for this fold (no "
								 "finite value to average)");
	if (!rec)
		return NULL;
	cJSON *par = cJSON_AddObjectToObject(rec, "params");
	cJSON_AddStringToObject(par, "classifier", classifier);
	if (split >= 0)
		cJSON_AddNumberToObject(par, "split", split);
	cJSON_AddNumberToObject(rec, "n_cells", (double)r->n_kept);
	cJSON_AddNumberToObject(rec, "n_classes", r->k);
	cJSON_AddStringToObject(rec, "average", r->binary ? "binary" : "macro");
	return rec;
}

/* mean over the rows of classifier mask (pandas mean: NaN skipped) */
static double mean_rows(const struct sc_lp_result *r, unsigned mask, int m, int *all_conv)
{
	double s = 0;
	int n = 0;
	*all_conv = 1;
	for (int i = 0; i < r->n_rows; i++) {
		if (!(mask & (1u << r->rows[i].clf)))
			continue;
		if (r->rows[i].clf == SC_LP_LR && !r->rows[i].converged)
			*all_conv = 0;
		double v = score_of(&r->rows[i].s, m);
		if (isfinite(v)) {
			s += v;
			n++;
		}
	}
	return n ? s / n : NAN;
}

int sc_lp_write_czb(struct sc_stream *s, const struct sc_lp_result *r,
		    const struct sc_lp_params *p, const struct sc_metric_ctx *ctx)
{
	int ret = 0, conv;
	char name[64], mean[64] = "MEAN(";
	/* czbenchmarks names the aggregate by the sorted classifier names */
	static const int sorted_clf[SC_LP_NCLF] = { SC_LP_KNN, SC_LP_LR, SC_LP_RF };
	int first = 1;
	for (int i = 0; i < SC_LP_NCLF; i++)
		if (p->classifiers & (1u << sorted_clf[i])) {
			strcat(mean, first ? "" : ",");
			strcat(mean, sc_lp_clf_name[sorted_clf[i]]);
			first = 0;
		}
	strcat(mean, ")");
	for (int i = 0; i < r->n_rows && !ret; i++) {
		const struct sc_lp_row *row = &r->rows[i];
		for (int m = 0; m < 5 && !ret; m++) {
			cJSON *rec = record(ctx, score_name[m], score_of(&row->s, m),
					    sc_lp_clf_name[row->clf], row->split, r);
			if (rec && row->clf == SC_LP_LR) {
				cJSON_AddBoolToObject(rec, "converged", row->converged);
				cJSON_AddNumberToObject(rec, "n_iter", row->n_iter);
			}
			ret = emit(s, rec);
		}
	}
	for (int g = -1; g < SC_LP_NCLF && !ret; g++) {
		unsigned mask = g < 0 ? p->classifiers : 1u << g;
		if (g >= 0 && !(p->classifiers & mask))
			continue;
		for (int m = 0; m < 5 && !ret; m++) {
			snprintf(name, sizeof(name), "mean_fold_%s", score_name[m]);
			double v = mean_rows(r, mask, m, &conv);
			cJSON *rec = record(ctx, name, v, g < 0 ? mean : sc_lp_clf_name[g], -1, r);
			if (rec && (mask & (1u << SC_LP_LR)))
				cJSON_AddBoolToObject(rec, "converged", conv);
			ret = emit(s, rec);
		}
	}
	return ret;
}

int sc_lp_write_probe(struct sc_stream *s, const struct sc_lp_result *r,
		      const struct sc_lp_params *p, const struct sc_metric_ctx *ctx,
		      const char *label_key, double f1_macro, double f1_weighted)
{
	static const char *const names[3] = { "accuracy", "f1_macro", "f1_weighted" };
	double v[3] = { r->rows[0].s.accuracy, f1_macro, f1_weighted };
	int ret = 0;
	for (int m = 0; m < 3 && !ret; m++) {
		cJSON *rec = sc_metric_new(ctx, names[m], v[m], NULL);
		if (!rec)
			return SC_ENOMEM;
		cJSON *par = cJSON_AddObjectToObject(rec, "params");
		cJSON_AddStringToObject(par, "cell_type_key", label_key);
		sc_json_add_number(par, "test_size", p->test_size);
		cJSON_AddNumberToObject(par, "max_iter", p->lr_max_iter);
		cJSON_AddNumberToObject(par, "seed", p->seed);
		cJSON_AddNumberToObject(rec, "n_cells", (double)(r->n_train + r->n_test));
		cJSON_AddNumberToObject(rec, "n_classes", r->k);
		cJSON_AddBoolToObject(rec, "converged", r->rows[0].converged);
		cJSON_AddNumberToObject(rec, "n_iter", r->rows[0].n_iter);
		ret = emit(s, rec);
	}
	return ret;
}

int sc_lp_write_folds(struct sc_stream *s, const struct sc_lp_result *r)
{
	if (sc_puts(s, "cell\tfold\n") < 0)
		return SC_EIO;
	for (int64_t i = 0; i < r->n_kept; i++)
		if (sc_printf(s, "%lld\t%d\n", (long long)r->kept[i], (int)r->fold[i]) < 0)
			return SC_EIO;
	return 0;
}

int sc_lp_write_split(struct sc_stream *s, const struct sc_lp_result *r)
{
	if (sc_puts(s, "cell\tpart\torder\n") < 0)
		return SC_EIO;
	for (int64_t i = 0; i < r->n_train; i++)
		if (sc_printf(s, "%lld\ttrain\t%lld\n", (long long)r->train[i], (long long)i) < 0)
			return SC_EIO;
	for (int64_t i = 0; i < r->n_test; i++)
		if (sc_printf(s, "%lld\ttest\t%lld\n", (long long)r->test[i], (long long)i) < 0)
			return SC_EIO;
	return 0;
}
