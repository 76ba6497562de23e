/* Largest-magnitude eigenpairs of a large sparse symmetric operator (what scipy's
 * eigsh(which="LM") asks ARPACK for), in float64.
 *
 * Method: Lanczos with full reorthogonalisation (classical Gram-Schmidt applied twice, so the
 * projected matrix H = V'AV is formed column by column) and Krylov-Schur thick restart: after
 * each sweep of ncv basis vectors the Ritz pairs of H are ranked by |theta| (ties: larger
 * theta first), the best `keep` Ritz vectors and the last residual direction are kept, and the
 * sweep continues from there. A Ritz pair (theta, V y) is converged when its residual
 * beta |y_last| <= tol * max(|theta|, eps^(2/3)) (ARPACK's test); the solve ends when the k
 * best all are. The start vector is drawn from a seeded splitmix64 stream, so results are
 * reproducible; no threads are created and BLAS is called as configured by the caller.
 *
 * Exactly repeated eigenvalues: a single-vector Krylov space holds one direction per
 * eigenspace; further copies are found only when the space is exhausted (breakdown), where a
 * fresh random vector orthogonal to the basis is injected. Callers with a known reducible
 * structure (several graph components, each with eigenvalue 1) should solve per block.
 *
 * Small problems (n <= SC_EIGSH_DENSE_N or ncv >= n) are solved densely: the operator is
 * applied to the unit vectors and the full spectrum taken from LAPACK dsyevr.
 *
 * Memory: (2 ncv + 2) n doubles plus ncv^2. */
#ifndef SC_EIGSH_H
#define SC_EIGSH_H

#include <stdint.h>

#include "sc_err.h"

#define SC_EIGSH_DENSE_N 256

/* y = A x for the n x n symmetric operator (x and y never alias). */
typedef void (*sc_eigsh_op)(void *ctx, const double *x, double *y);

struct sc_eigsh_opts {
	int ncv;          /* basis size; 0 = scipy's default min(n, max(2k + 1, 20)) */
	int max_restarts; /* sweeps before giving up */
	double tol;       /* relative residual */
	uint64_t seed;    /* start vector */
};

struct sc_eigsh_info {
	int restarts;     /* sweeps run */
	int64_t matvecs;  /* operator applications */
	int nconv;        /* converged among the k wanted */
	double max_resid; /* largest relative residual estimate among the k returned */
};

void sc_eigsh_defaults(struct sc_eigsh_opts *o);

/* A CSR operator in float64 for sc_eigsh_csr_op (ctx = struct sc_eigsh_csr *). */
struct sc_eigsh_csr {
	int64_t n;
	const int64_t *ptr;
	const int32_t *col;
	const double *val;
};
void sc_eigsh_csr_op(void *ctx, const double *x, double *y);

/* The k eigenpairs of largest |lambda| (1 <= k < n), returned in decreasing algebraic order
 * (scipy's eigsh order reversed): evals[k], evecs column-major n x k (vector c at
 * evecs + c * n, unit norm, sign as it comes). info may be NULL. Returns 0 when converged, 1
 * when max_restarts sweeps did not converge (evals/evecs then hold the current best
 * estimates), or a negative SC_E* code. */
int sc_eigsh_lm(sc_eigsh_op op, void *ctx, int64_t n, int k, const struct sc_eigsh_opts *o,
		double *evals, double *evecs, struct sc_eigsh_info *info) SC_RESULT_USED;

/* The same selection from a dense symmetric n x n matrix a (column-major, upper triangle
 * read; a is overwritten) by dsyevr. */
int sc_eigsh_dense_lm(double *a, int64_t n, int k, double *evals, double *evecs) SC_RESULT_USED;

#endif
