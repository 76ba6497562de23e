/* Correlations as scipy 1.10 computes them, in float64: Pearson r (centred, each side divided
 * by its norm, the dot product clipped to [-1, 1]; NaN for constant input or n < 2) and
 * Spearman rho (Pearson on average ranks). */
#ifndef CORR_H
#define CORR_H

#include <stdint.h>

double sc_pearson(const double *x, const double *y, int64_t n);
/* NaN on allocation failure or the undefined cases of Pearson. */
double sc_spearman(const double *x, const double *y, int64_t n);
/* Average ranks (1-based, ties share their mean rank) of x into r. Returns 0 or SC_ENOMEM. */
int sc_rank_average(const double *x, int64_t n, double *r);

#endif
