/* Label-prediction protocols over an embedding (cells x dims) and a categorical label.
 *
 * czbenchmarks (v0.15.0 MetadataLabelPredictionTask, spec czb_smf_spec.md A8): drop missing
 * labels and classes below min_class_size, codes in sorted string order, StratifiedKFold
 * (shuffle, seed) shared by every classifier, StandardScaler(with_mean=False) fitted on each
 * training fold for lr and knn, then lr (L2, C=1, lbfgs, 100 iterations), knn (k=5) and rf
 * (100 trees); per fold accuracy, precision, recall, f1 (binary for two classes with class 1
 * positive, else macro) and OvR macro ROC AUC.
 *
 * scModelForge linear_probe (ac29af1 eval/linear_probe.py, spec B2): codes in sorted order,
 * stratified 80/20 shuffle split (seed), logistic regression (1000 iterations) on the raw
 * embedding; accuracy, f1_macro, f1_weighted on the test part. */
#ifndef LABEL_PREDICT_H
#define LABEL_PREDICT_H

#include <stdint.h>

#include "clf_metrics.h"
#include "obs_labels.h"
#include "sc_matrix.h"
#include "sc_metric.h"
#include "sc_stream.h"

enum { SC_LP_LR, SC_LP_KNN, SC_LP_RF, SC_LP_NCLF };
extern const char *const sc_lp_clf_name[SC_LP_NCLF];

struct sc_lp_params {
	unsigned classifiers; /* bit (1 << SC_LP_*) per classifier */
	int n_folds;          /* 5 */
	int min_class_size;   /* 10 */
	uint32_t seed;        /* 42 */
	int threads;          /* worker threads (>= 1) */
	int lr_max_iter;      /* 100 (czbenchmarks), 1000 (probe) */
	double test_size;     /* probe: 0.2 */
	int knn_k;            /* 5 */
	int rf_trees;         /* 100 */
};

struct sc_lp_row {
	int clf, split;
	struct sc_clf_scores s;
	int converged; /* lr: the L-BFGS fit met its tolerance; others 1 */
	int n_iter;
};

struct sc_lp_result {
	int k;               /* classes kept */
	const char **classes; /* k names (borrowed from the labels) */
	int binary;          /* two classes: binary averaging */
	int64_t n_kept;
	int64_t *kept;  /* n_kept row indices of the input kept by the class filter */
	int32_t *fold;  /* n_kept test-fold ids */
	int n_rows;
	struct sc_lp_row *rows; /* classifier-major, split-minor */
	/* linear probe */
	int64_t n_train, n_test;
	int64_t *train, *test; /* row indices in split order */
};
#define SC_LP_RESULT_INIT { 0 }

/* The czbenchmarks protocol. Fails (SC_EINPUT) when fewer than two classes survive the
 * filter or the embedding holds NaN/Inf. */
int sc_lp_czbenchmarks(const struct sc_matrix *X, const struct sc_obs_labels *lab,
		       const struct sc_lp_params *p, struct sc_lp_result *r) SC_RESULT_USED;
/* The scModelForge linear probe: r->train/test get the split, r->rows one lr row (split 0)
 * with the test accuracy; *f1_macro and *f1_weighted the two F1 averages. */
int sc_lp_linear_probe(const struct sc_matrix *X, const struct sc_obs_labels *lab,
		       const struct sc_lp_params *p, struct sc_lp_result *r, double *f1_macro,
		       double *f1_weighted) SC_RESULT_USED;
void sc_lp_result_release(struct sc_lp_result *r);



/* Metric JSONL for a czbenchmarks result: the per-fold records (metrics accuracy, f1,
 * precision, recall, auroc with params {classifier, split}) then the mean records in
 * czbenchmarks' order (mean_fold_* for "MEAN(...)" of the classifiers run, sorted and
 * comma-joined, then per classifier). lr records carry "converged" (and "n_iter" per fold).
 * NaN fold values are skipped by the means, as pandas does. */
int sc_lp_write_czb(struct sc_stream *s, const struct sc_lp_result *r,
		    const struct sc_lp_params *p, const struct sc_metric_ctx *ctx) SC_RESULT_USED;
/* Metric JSONL for the linear probe: accuracy, f1_macro, f1_weighted. */
int sc_lp_write_probe(struct sc_stream *s, const struct sc_lp_result *r,
		      const struct sc_lp_params *p, const struct sc_metric_ctx *ctx,
		      const char *label_key, double f1_macro, double f1_weighted) SC_RESULT_USED;
/* Fold table: "cell<TAB>fold" per kept row (input row index). */
int sc_lp_write_folds(struct sc_stream *s, const struct sc_lp_result *r) SC_RESULT_USED;
/* Split table: "cell<TAB>part<TAB>order", train rows then test rows in split order. */
int sc_lp_write_split(struct sc_stream *s, const struct sc_lp_result *r) SC_RESULT_USED;
#endif
