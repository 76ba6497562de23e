/* Perturbation-response scores.
 *
 * scModelForge (ac29af1 eval/perturbation.py, spec czb_smf_spec.md B4): per-label mean
 * expression in float64, delta = mean(label) - mean(control) for every other label (sorted);
 * numpy default_rng(seed).permutation of the sorted labels, the first max(1, floor(P *
 * test_fraction)) (at most P - 1) held out; ridge (alpha 1, intercept) from a label's mean
 * embedding to its delta, fitted on the rest; the mean training delta as baseline; per
 * held-out label, over its n_top genes of largest |delta|: Pearson r, MSE and sign agreement
 * for model and baseline, and whether r_model > r_baseline.
 *
 * czbenchmarks (v0.15.0 PerturbationExpressionPredictionTask, spec A13): see
 * sc_perturb_czb_*. */
#ifndef PERTURB_H
#define PERTURB_H

#include <stdint.h>

#include "obs_labels.h"
#include "sc_err.h"
#include "sc_stream.h"

struct sc_perturb_params {
	const char *control;  /* "control" */
	int64_t n_top;        /* 50 */
	double test_fraction; /* 0.2 */
	uint64_t seed;        /* 42 */
	double alpha;         /* 1.0 */
};

enum { SC_PT_PEARSON, SC_PT_MSE, SC_PT_DIR, SC_PT_BPEARSON, SC_PT_BMSE, SC_PT_BDIR,
       SC_PT_ABOVE, SC_PT_NMETRIC };
extern const char *const sc_perturb_metric_name[SC_PT_NMETRIC];

struct sc_perturb_result {
	double m[SC_PT_NMETRIC];
	int64_t n_cells, n_perturbations, n_train, n_test, n_top;
	const char **test; /* n_test held-out labels in permutation order (borrowed) */
};
#define SC_PERTURB_RESULT_INIT { { 0 }, 0, 0, 0, 0, 0, NULL }

/* emb: n x d (float32), expr: n x g, lab: n labels (no missing). */
int sc_perturb_smf(const float *emb, int64_t d, const float *expr, int64_t g,
		   const struct sc_obs_labels *lab, const struct sc_perturb_params *p,
		   struct sc_perturb_result *r) SC_RESULT_USED;
void sc_perturb_result_release(struct sc_perturb_result *r);

#include "sc_metric.h"
/* The seven metric records, params {perturbation_key, control_label, n_top_genes,
 * test_fraction, seed}, with n_cells, n_perturbations, n_train, n_test and the held-out
 * labels (test_perturbations). A NaN mean (a constant vector in Pearson) becomes null with a
 * reason. */
int sc_perturb_write(struct sc_stream *s, const struct sc_perturb_result *r,
		     const struct sc_perturb_params *p, const char *key,
		     const struct sc_metric_ctx *ctx) SC_RESULT_USED;

#endif
