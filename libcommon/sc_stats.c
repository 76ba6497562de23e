/* Gate statistics: exact small-sample tests and the Student t quantile. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_rng.h"
#include "sc_stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int sc_stats_summary(const double *x, size_t n, struct sc_summary *s)
{
	double *c, acc = 0, ss = 0;
	if (n == 0)
		return sc_seterr(SC_EUSAGE, "summary of no values");
	if (!(c = sc_malloc(n, sizeof *c)))
		return SC_ENOMEM;
	memcpy(c, x, n * sizeof *c);
	qsort(c, n, sizeof *c, cmp_double);
	for (size_t i = 0; i < n; i++)
		acc += x[i];
	s->n = n;
	s->mean = acc / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - s->mean) * (x[i] - s->mean);
	s->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
	s->median = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
	s->min = c[0];
	s->max = c[n - 1];
	free(c);
	return 0;
}

/* Continued fraction of the regularised incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, num, del;
		num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

static double ibeta(double a, double b, double x)
{
	double lbt;
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

double sc_stats_t_cdf(double t, double df)
{
	double tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t >= 0 ? 1 - tail : tail;
}

double sc_stats_t_quantile(double p, double df)
{
	double lo = -1e6, hi = 1e6;
	if (!(p > 0 && p < 1) || !(df >= 1))
		return NAN;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * (1 + fabs(lo)); i++) {
		double mid = 0.5 * (lo + hi);
		if (sc_stats_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

void sc_stats_t_interval(const struct sc_summary *s, double alpha, double *lo, double *hi)
{
	double h;
	if (s->n < 2) {
		*lo = *hi = NAN;
		return;
	}
	h = sc_stats_t_quantile(1 - alpha / 2, (double)(s->n - 1)) * s->sd / sqrt((double)s->n);
	*lo = s->mean - h;
	*hi = s->mean + h;
}

double sc_stats_min_p(size_t n)
{
	return ldexp(1.0, -(int)(n > 1000 ? 1000 : n));
}

struct ranked {
	double v;
	size_t i;
};

static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(((const struct ranked *)a)->v), y = fabs(((const struct ranked *)b)->v);
	return (x > y) - (x < y);
}

/* Mid-ranks of |d| doubled (integers), in input order. */
static int doubled_ranks(const double *d, size_t n, long *r2, int *ties)
{
	struct ranked *t = sc_malloc(n, sizeof *t);
	if (!t)
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		t[i] = (struct ranked){ d[i], i };
	qsort(t, n, sizeof *t, cmp_abs);
	*ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && fabs(t[j + 1].v) == fabs(t[i].v))
			j++;
		if (j > i && t[i].v != 0)
			*ties = 1;
		for (size_t k = i; k <= j; k++)
			r2[t[k].i] = (long)(i + 1 + j + 1); /* 2 * mid-rank */
		i = j + 1;
	}
	free(t);
	return 0;
}

int sc_wilcoxon_less(const double *d, size_t n, double *p, int *exact)
{
	long *r2 = NULL, wplus = 0, total = 0;
	double *cnt = NULL;
	size_t m = 0;
	int ties, rc;
	if (!(r2 = sc_malloc(n + 1, sizeof *r2)))
		return SC_ENOMEM;
	if ((rc = doubled_ranks(d, n, r2, &ties)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0) {
			m++;
			total += r2[i];
			if (d[i] > 0)
				wplus += r2[i];
		}
	*exact = 1;
	if (m == 0) {
		*p = 1;
		goto out;
	}
	if (m <= SC_STATS_EXACT_MAX) {
		/* distribution of the doubled W+ over the 2^m sign patterns of the nonzero ranks */
		if (!(cnt = sc_calloc((size_t)total + 1, sizeof *cnt))) {
			rc = SC_ENOMEM;
			goto out;
		}
		cnt[0] = 1;
		for (size_t i = 0, top = 0; i < n; i++) {
			if (d[i] == 0)
				continue;
			for (long s = (long)top; s >= 0; s--)
				if (cnt[s] != 0)
					cnt[s + r2[i]] += cnt[s];
			top += (size_t)r2[i];
		}
		{
			double below = 0;
			for (long s = 0; s <= wplus; s++)
				below += cnt[s];
			*p = below / ldexp(1.0, (int)m);
		}
	} else {
		/* normal approximation; Pratt: the zeros' ranks stay in the null moments */
		double mu = 0, var = 0, z;
		for (size_t i = 0; i < n; i++)
			if (d[i] != 0) {
				mu += r2[i] / 4.0;
				var += (double)r2[i] * (double)r2[i] / 16.0;
			}
		z = (wplus / 2.0 - mu + 0.5) / sqrt(var);
		*p = 0.5 * erfc(-z / sqrt(2.0));
		*exact = 0;
	}
	(void)ties;
out:
	free(r2);
	free(cnt);
	return rc;
}

int sc_signflip_less(const double *d, size_t n, double *p, int *exact)
{
	double obs = 0, hits = 0, total;
	for (size_t i = 0; i < n; i++)
		obs += d[i];
	obs *= 1 + 1e-12 * (obs < 0 ? -1 : 1); /* count ties with the observed sum as "at most" */
	if (n <= SC_STATS_EXACT_MAX) {
		uint32_t N = (uint32_t)1 << n;
		for (uint32_t mask = 0; mask < N; mask++) {
			double s = 0;
			for (size_t i = 0; i < n; i++)
				s += (mask >> i & 1) ? -fabs(d[i]) : fabs(d[i]);
			hits += s <= obs;
		}
		total = N;
		*exact = 1;
	} else {
		struct sc_rng r;
		sc_rng_seed(&r, 20261124);
		for (int k = 0; k < 100000; k++) {
			double s = 0;
			for (size_t i = 0; i < n; i++)
				s += (sc_rng_next(&r) >> 63) ? -fabs(d[i]) : fabs(d[i]);
			hits += s <= obs;
		}
		hits += 1; /* the observed pattern itself */
		total = 100001;
		*exact = 0;
	}
	*p = hits / total;
	return 0;
}

int sc_mannwhitney_less(const double *x, size_t na, const double *y, size_t nb, double *p, int *exact)
{
	size_t n = na + nb;
	double *all = NULL, u = 0, *cnt = NULL, tiesum = 0;
	long *r2 = NULL;
	int ties, rc = SC_ENOMEM;
	if (!(all = sc_malloc(n + 1, sizeof *all)) || !(r2 = sc_malloc(n + 1, sizeof *r2)))
		goto out;
	/* rank the pooled values (shift so all are positive for the |.| ranking helper) */
	{
		double lo = INFINITY;
		for (size_t i = 0; i < na; i++)
			lo = fmin(lo, x[i]);
		for (size_t i = 0; i < nb; i++)
			lo = fmin(lo, y[i]);
		for (size_t i = 0; i < na; i++)
			all[i] = x[i] - lo + 1;
		for (size_t i = 0; i < nb; i++)
			all[na + i] = y[i] - lo + 1;
	}
	if ((rc = doubled_ranks(all, n, r2, &ties)) < 0)
		goto out;
	for (size_t i = 0; i < na; i++)
		u += r2[i] / 2.0;
	u -= (double)na * (double)(na + 1) / 2; /* U of x: small when x is smaller */
	if (!ties && n <= 40) {
		/* count subsets of size na of ranks 1..n by rank sum: DP over (k, sum) */
		size_t maxs = n * (n + 1) / 2;
		size_t W = maxs + 1;
		if (!(cnt = sc_calloc((na + 1) * W, sizeof *cnt))) {
			rc = SC_ENOMEM;
			goto out;
		}
		cnt[0] = 1;
		for (size_t r = 1; r <= n; r++)
			for (size_t k = (r < na ? r : na); k >= 1; k--)
				for (size_t s = maxs; s >= r; s--)
					cnt[k * W + s] += cnt[(k - 1) * W + s - r];
		{
			double below = 0, all_ = 0, wobs = u + (double)na * (double)(na + 1) / 2;
			for (size_t s = 0; s <= maxs; s++) {
				all_ += cnt[na * W + s];
				if ((double)s <= wobs + 1e-9)
					below += cnt[na * W + s];
			}
			*p = below / all_;
		}
		*exact = 1;
	} else {
		double mu = (double)na * (double)nb / 2, var, z;
		/* tie correction: sum over tie groups of (t^3 - t) */
		{
			double *s = sc_malloc(n, sizeof *s);
			if (!s) {
				rc = SC_ENOMEM;
				goto out;
			}
			memcpy(s, all, n * sizeof *s);
			qsort(s, n, sizeof *s, cmp_double);
			for (size_t i = 0; i < n;) {
				size_t j = i;
				while (j + 1 < n && s[j + 1] == s[i])
					j++;
				tiesum += pow((double)(j - i + 1), 3) - (double)(j - i + 1);
				i = j + 1;
			}
			free(s);
		}
		var = (double)na * (double)nb / 12 * ((double)(n + 1) - tiesum / ((double)n * (double)(n - 1)));
		z = var > 0 ? (u - mu + 0.5) / sqrt(var) : 0;
		*p = var > 0 ? 0.5 * erfc(-z / sqrt(2.0)) : 1;
		*exact = 0;
	}
	rc = 0;
out:
	free(all);
	free(r2);
	free(cnt);
	return rc;
}
