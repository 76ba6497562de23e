/* Small-sample statistics for the regression gate: summaries, the Student t quantile, the
 * exact one-sided Wilcoxon signed-rank and sign-flip tests on paired deltas, and the
 * Mann-Whitney U test on unpaired repeats. All p-values are one-sided for "less": the
 * probability, under no change, of a statistic at most as large as the one observed (pass
 * negated data for "greater"). Exact enumeration up to SC_STATS_EXACT_MAX pairs. */
#ifndef SC_STATS_H
#define SC_STATS_H

#include <stddef.h>

#include "sc_err.h"

#define SC_STATS_EXACT_MAX 20

struct sc_summary {
	size_t n;
	double mean, sd, median, min, max; /* sd with ddof = 1 (NaN when n < 2) */
};

/* Summary of x[0..n) (n >= 1). */
int sc_stats_summary(const double *x, size_t n, struct sc_summary *s) SC_RESULT_USED;
/* The p-quantile of Student's t with df degrees of freedom (0 < p < 1, df >= 1). */
double sc_stats_t_quantile(double p, double df);
/* CDF of Student's t. */
double sc_stats_t_cdf(double t, double df);
/* Two-sided (1 - alpha) t-interval of the mean; NaN bounds when n < 2. */
void sc_stats_t_interval(const struct sc_summary *s, double alpha, double *lo, double *hi);

/* Wilcoxon signed-rank, one-sided (H1: the deltas tend to be negative). Zeros are ranked and
 * then dropped (Pratt), ties get mid-ranks. n <= SC_STATS_EXACT_MAX: the exact permutation
 * distribution of W+ (ties included, on doubled ranks; *exact = 1); otherwise the normal
 * approximation with tie and zero corrections (*exact = 0). p = 1 when every delta is 0. */
int sc_wilcoxon_less(const double *d, size_t n, double *p, int *exact) SC_RESULT_USED;
/* Sign-flip permutation test of mean(d) < 0: exact over 2^n sign patterns up to
 * SC_STATS_EXACT_MAX, else 100000 random patterns from a fixed seed (*exact = 0). */
int sc_signflip_less(const double *d, size_t n, double *p, int *exact) SC_RESULT_USED;
/* Mann-Whitney U, one-sided (H1: x tends to be smaller than y); exact when there are no
 * ties and na + nb <= 40, else the normal approximation with tie correction. */
int sc_mannwhitney_less(const double *x, size_t na, const double *y, size_t nb, double *p,
			int *exact) SC_RESULT_USED;
/* The smallest p-value an exact one-sided signed-rank or sign test can reach with n pairs:
 * 2^-n. A comparison is underpowered when this is not below alpha. */
double sc_stats_min_p(size_t n);

#endif
