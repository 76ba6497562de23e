/* Pearson and Spearman correlation. */
#include "corr.h"

#include <math.h>
#include <stdlib.h>

#include "sc_alloc.h"

double sc_pearson(const double *x, const double *y, int64_t n)
{
	double mx = 0, my = 0, nx = 0, ny = 0, r = 0;
	int cx = 1, cy = 1;
	if (n < 2)
		return NAN;
	for (int64_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
		cx &= x[i] == x[0];
		cy &= y[i] == y[0];
	}
	if (cx || cy)
		return NAN; /* scipy: constant input, r undefined */
	mx /= n;
	my /= n;
	for (int64_t i = 0; i < n; i++) {
		nx += (x[i] - mx) * (x[i] - mx);
		ny += (y[i] - my) * (y[i] - my);
	}
	nx = sqrt(nx);
	ny = sqrt(ny);
	for (int64_t i = 0; i < n; i++)
		r += ((x[i] - mx) / nx) * ((y[i] - my) / ny);
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

struct vi {
	double v;
	int64_t i;
};

static int cmp_vi(const void *a, const void *b)
{
	const struct vi *p = a, *q = b;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

int sc_rank_average(const double *x, int64_t n, double *r)
{
	struct vi *v = sc_malloc((size_t)n, sizeof(*v));
	if (!v)
		return SC_ENOMEM;
	for (int64_t i = 0; i < n; i++)
		v[i] = (struct vi){ x[i], i };
	qsort(v, (size_t)n, sizeof(*v), cmp_vi);
	for (int64_t s = 0; s < n;) {
		int64_t e = s;
		while (e + 1 < n && v[e + 1].v == v[s].v)
			e++;
		double rank = (double)(s + e) / 2.0 + 1.0;
		for (int64_t k = s; k <= e; k++)
			r[v[k].i] = rank;
		s = e + 1;
	}
	free(v);
	return 0;
}

double sc_spearman(const double *x, const double *y, int64_t n)
{
	double *rx = sc_malloc((size_t)n + 1, sizeof(*rx)), *ry = sc_malloc((size_t)n + 1, sizeof(*ry));
	double r = NAN;
	if (rx && ry && sc_rank_average(x, n, rx) == 0 && sc_rank_average(y, n, ry) == 0)
		r = sc_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return r;
}
