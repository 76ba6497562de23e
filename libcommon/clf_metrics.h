/* Classification scores as scikit-learn 1.2.1 computes them from predicted codes (and class
 * probabilities): accuracy; precision, recall and F1 averaged "macro" (unweighted over the
 * labels in y_true and y_pred), "weighted" (by support in y_true) or "binary" (class 1);
 * an undefined ratio counts 0 (zero_division="warn"). ROC AUC: binary on proba[:,1], else
 * one-vs-rest macro over the classes of y_true. */
#ifndef CLF_METRICS_H
#define CLF_METRICS_H

#include <stdint.h>

enum sc_avg { SC_AVG_MACRO, SC_AVG_WEIGHTED, SC_AVG_BINARY };

struct sc_clf_scores {
	double accuracy, precision, recall, f1, auroc;
};

/* yt, yp: n codes in [0, k); proba: n x k or NULL (auroc NaN then). auroc is NaN where
 * sklearn raises (a class of the model absent from y_true, or one class only). */
void sc_clf_score(const int32_t *yt, const int32_t *yp, const double *proba, int64_t n, int k,
		  enum sc_avg avg, struct sc_clf_scores *out);
/* argmax per row, ties to the lowest index */
void sc_clf_argmax(const double *proba, int64_t n, int k, int32_t *pred);

#endif
