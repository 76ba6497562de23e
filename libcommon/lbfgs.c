/* L-BFGS two-loop recursion with a bracketing/zoom strong-Wolfe line search (Nocedal and
 * Wright, Numerical Optimization, algorithms 3.5, 3.6 and 7.4). */
#include "lbfgs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"

static double dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static double amax(const double *a, int n)
{
	double m = 0;
	for (int i = 0; i < n; i++)
		if (fabs(a[i]) > m)
			m = fabs(a[i]);
	return m;
}

/* minimiser of the cubic through (a, fa, ga), (b, fb, gb), kept inside the bracket */
static double cubic_min(double a, double fa, double ga, double b, double fb, double gb)
{
	double d1 = ga + gb - 3 * (fa - fb) / (a - b);
	double s = d1 * d1 - ga * gb;
	double lo = a < b ? a : b, hi = a < b ? b : a, t;
	if (s < 0)
		return 0.5 * (a + b);
	double d2 = (b > a ? 1 : -1) * sqrt(s);
	t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
	if (!(t > lo + 0.1 * (hi - lo) && t < hi - 0.1 * (hi - lo)))
		t = 0.5 * (a + b);
	return t;
}

struct ls {
	sc_lbfgs_fn fn;
	void *ctx;
	int n;
	const double *x0, *d;
	double *x, *g;
	double f0, g0; /* f and directional derivative at 0 */
	int evals, max;
};

/* phi(a): evaluate at x0 + a d; f into *f, directional derivative into *dg */
static int phi(struct ls *l, double a, double *f, double *dg)
{
	for (int i = 0; i < l->n; i++)
		l->x[i] = l->x0[i] + a * l->d[i];
	l->evals++;
	int rc = l->fn(l->ctx, l->x, f, l->g);
	*dg = dot(l->g, l->d, l->n);
	return rc;
}

/* Zoom inside the bracket (lo, hi) where lo has sufficient decrease (N&W algorithm 3.6). */
static int zoom(struct ls *l, double lo, double flo, double glo, double hi, double fhi,
		double ghi, double *f, double *astep)
{
	const double c1 = 1e-3, c2 = 0.9;
	int rc;
	while (l->evals < l->max) {
		double aj = isfinite(fhi) ? cubic_min(lo, flo, glo, hi, fhi, ghi) : 0.5 * (lo + hi);
		double fj, gj;
		if ((rc = phi(l, aj, &fj, &gj)) < 0)
			return rc;
		if (!isfinite(fj) || fj > l->f0 + c1 * aj * l->g0 || fj >= flo) {
			hi = aj;
			fhi = fj;
			ghi = gj;
		} else {
			if (fabs(gj) <= -c2 * l->g0) {
				*f = fj;
				*astep = aj;
				return 0;
			}
			if (gj * (hi - lo) >= 0) {
				hi = lo;
				fhi = flo;
				ghi = glo;
			}
			lo = aj;
			flo = fj;
			glo = gj;
		}
		if (fabs(hi - lo) <= 1e-16 * fabs(lo))
			break;
	}
	/* out of evaluations: keep the best point with sufficient decrease, if any */
	if (lo > 0 && flo < l->f0) {
		double dg;
		if ((rc = phi(l, lo, f, &dg)) < 0)
			return rc;
		*astep = lo;
		return 0;
	}
	return 1;
}

/* Strong Wolfe search (N&W algorithm 3.5); on success x, g and *f hold the accepted point.
 * Returns 0 ok, 1 no acceptable point, <0 error. */
static int wolfe(struct ls *l, double a1, double *f, double *astep)
{
	const double c1 = 1e-3, c2 = 0.9;
	double ap = 0, fp = l->f0, gp = l->g0, a = a1, fa, ga;
	int rc;
	for (;;) {
		if ((rc = phi(l, a, &fa, &ga)) < 0)
			return rc;
		if (!isfinite(fa) || fa > l->f0 + c1 * a * l->g0 || (l->evals > 1 && fa >= fp))
			return zoom(l, ap, fp, gp, a, fa, ga, f, astep);
		if (fabs(ga) <= -c2 * l->g0) {
			*f = fa;
			*astep = a;
			return 0;
		}
		if (ga >= 0)
			return zoom(l, a, fa, ga, ap, fp, gp, f, astep);
		if (l->evals >= l->max) {
			*f = fa;
			*astep = a;
			return 0;
		}
		ap = a;
		fp = fa;
		gp = ga;
		a *= 2.5;
	}
}

int sc_lbfgs_minimize(sc_lbfgs_fn fn, void *ctx, double *x, int n,
		      const struct sc_lbfgs_opts *o, int *status, int *n_iter)
{
	int ret = SC_ENOMEM, m = o->m, hist = 0, head = 0, rc;
	double *S = NULL, *Y = NULL, *rho = NULL, *al = NULL, *g = NULL, *d = NULL, *x0 = NULL,
	       *gn = NULL;
	double f, fnew;

	*status = SC_LBFGS_ABNORMAL;
	*n_iter = 0;
	S = sc_malloc((size_t)m * (size_t)n, sizeof(*S));
	Y = sc_malloc((size_t)m * (size_t)n, sizeof(*Y));
	rho = sc_malloc((size_t)m, sizeof(*rho));
	al = sc_malloc((size_t)m, sizeof(*al));
	g = sc_malloc((size_t)n, sizeof(*g));
	gn = sc_malloc((size_t)n, sizeof(*gn));
	d = sc_malloc((size_t)n, sizeof(*d));
	x0 = sc_malloc((size_t)n, sizeof(*x0));
	if (!S || !Y || !rho || !al || !g || !gn || !d || !x0)
		goto out;
	if ((ret = fn(ctx, x, &f, g)) < 0)
		goto out;
	ret = 0;
	if (amax(g, n) <= o->gtol) {
		*status = SC_LBFGS_CONVERGED;
		goto out;
	}
	for (int it = 0; it < o->max_iter; it++) {
		/* two-loop recursion: d = -H g */
		for (int i = 0; i < n; i++)
			d[i] = -g[i];
		for (int h = 0; h < hist; h++) {
			int j = (head - 1 - h + m) % m;
			al[j] = rho[j] * dot(S + (size_t)j * n, d, n);
			for (int i = 0; i < n; i++)
				d[i] -= al[j] * Y[(size_t)j * n + i];
		}
		if (hist) {
			int j = (head - 1 + m) % m;
			double gam = 1.0 / (rho[j] * dot(Y + (size_t)j * n, Y + (size_t)j * n, n));
			for (int i = 0; i < n; i++)
				d[i] *= gam;
		}
		for (int h = hist - 1; h >= 0; h--) {
			int j = (head - 1 - h + m) % m;
			double b = rho[j] * dot(Y + (size_t)j * n, d, n);
			for (int i = 0; i < n; i++)
				d[i] += S[(size_t)j * n + i] * (al[j] - b);
		}
		double gd = dot(g, d, n);
		if (!(gd < 0)) { /* not a descent direction: restart from steepest descent */
			hist = 0;
			for (int i = 0; i < n; i++)
				d[i] = -g[i];
			gd = dot(g, d, n);
		}
		memcpy(x0, x, (size_t)n * sizeof(*x));
		struct ls l = { fn, ctx, n, x0, d, x, gn, f, gd, 0, o->max_ls };
		/* L-BFGS-B: the first step (and one after a reset) is 1/||d||, later ones 1 */
		double a1 = hist == 0 ? 1.0 / sqrt(dot(d, d, n)) : 1.0, step = 0;
		rc = wolfe(&l, a1, &fnew, &step);
		if (rc < 0) {
			ret = rc;
			goto out;
		}
		if (rc == 1) {
			memcpy(x, x0, (size_t)n * sizeof(*x));
			*status = SC_LBFGS_ABNORMAL;
			goto out;
		}
		*n_iter = it + 1;
		/* update history with s = step d, y = gn - g */
		double *s = S + (size_t)head * n, *yv = Y + (size_t)head * n;
		for (int i = 0; i < n; i++) {
			s[i] = step * d[i];
			yv[i] = gn[i] - g[i];
		}
		double sy = dot(s, yv, n);
		if (sy > 2.220446049250313e-16 * dot(yv, yv, n)) {
			rho[head] = 1.0 / sy;
			head = (head + 1) % m;
			if (hist < m)
				hist++;
		}
		double fold = f;
		f = fnew;
		memcpy(g, gn, (size_t)n * sizeof(*g));
		if (amax(g, n) <= o->gtol) {
			*status = SC_LBFGS_CONVERGED;
			goto out;
		}
		double den = fmax(fmax(fabs(fold), fabs(f)), 1.0);
		if ((fold - f) / den <= o->ftol) {
			*status = SC_LBFGS_CONVERGED;
			goto out;
		}
	}
	*status = SC_LBFGS_MAXITER;
out:
	free(S);
	free(Y);
	free(rho);
	free(al);
	free(g);
	free(gn);
	free(d);
	free(x0);
	return ret;
}
