/* Ranking metrics of binary labels against scores, as scikit-learn 1.2.1 computes them:
 * ROC AUC (trapezoidal area over distinct score thresholds, ties counted half) and average
 * precision (sum over distinct thresholds of (R_n - R_{n-1}) P_n, no interpolation). */
#ifndef RANK_METRICS_H
#define RANK_METRICS_H

#include <stdint.h>

#include "sc_err.h"

/* label[i] != 0 is positive. NaN when either class is absent (sklearn raises there). */
double sc_roc_auc(const double *score, const uint8_t *label, int64_t n);
/* NaN when there are no rows; 0 positives gives 0 as sklearn's recall = 1 convention does not
 * apply here: callers treat that case before. */
double sc_average_precision(const double *score, const uint8_t *label, int64_t n);

#endif
