/* Unconstrained L-BFGS with a strong-Wolfe line search, set up like scipy's L-BFGS-B as
 * scikit-learn calls it (history 10, sufficient decrease 1e-3, curvature 0.9, first step
 * 1/||g||, then 1): stops when max|g| <= gtol, when the relative decrease of f is at most ftol,
 * or after max_iter iterations. */
#ifndef LBFGS_H
#define LBFGS_H

#include "sc_err.h"

/* f(x) into *f and its gradient into g; returns 0 or a negative SC_E* code. */
typedef int (*sc_lbfgs_fn)(void *ctx, const double *x, double *f, double *g);

struct sc_lbfgs_opts {
	int m;        /* history (10) */
	int max_iter; /* iterations (scipy maxiter) */
	int max_ls;   /* line-search evaluations per iteration (scipy maxls, 20) */
	double gtol;  /* projected-gradient tolerance (scipy gtol = sklearn tol) */
	double ftol;  /* relative-reduction tolerance (scipy ftol, 2.220446049250313e-09) */
};

enum { SC_LBFGS_CONVERGED = 0, SC_LBFGS_MAXITER = 1, SC_LBFGS_ABNORMAL = 2 };

/* Minimise from x (n values, updated in place). *status gets SC_LBFGS_*, *n_iter the
 * iterations done (scipy's nit). Returns 0 or the callback's/allocation error. */
int sc_lbfgs_minimize(sc_lbfgs_fn fn, void *ctx, double *x, int n,
		      const struct sc_lbfgs_opts *o, int *status, int *n_iter) SC_RESULT_USED;

#endif
