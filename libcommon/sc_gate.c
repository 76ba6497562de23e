/* Regression gate: join, statistics and verdicts; table, JSONL and Markdown renderings. */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_canonjson.h"
#include "sc_gate.h"
#include "sc_json.h"
#include "sc_stats.h"

void sc_gate_opts_init(struct sc_gate_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tol_default = 1e-6;
	o->alpha = 0.05;
	o->factor = 1.10;
	o->alpha_perf = 0.01;
}

void sc_gate_opts_release(struct sc_gate_opts *o)
{
	for (size_t i = 0; i < o->ntol; i++)
		free(o->tol[i].pattern);
	free(o->tol);
	o->tol = NULL;
	o->ntol = 0;
}

int sc_gate_parse_tol(struct sc_gate_opts *o, const char *spec)
{
	const char *p = spec;
	while (*p) {
		size_t len = strcspn(p, ","), nlen;
		const char *eq = memchr(p, '=', len);
		char num[64], *end;
		struct sc_gate_tol t = { 0 }, *nt;
		if (!eq || eq == p || (size_t)(p + len - eq - 1) >= sizeof num || p + len == eq + 1)
			return sc_seterr(SC_EUSAGE, "--tol: '%.*s' is not METRIC=VALUE[%%]", (int)len, p);
		nlen = (size_t)(p + len - eq - 1);
		memcpy(num, eq + 1, nlen);
		num[nlen] = '\0';
		if (num[nlen - 1] == '%') {
			t.relative = 1;
			num[nlen - 1] = '\0';
		}
		t.value = strtod(num, &end);
		if (*end || end == num || !isfinite(t.value) || t.value < 0)
			return sc_seterr(SC_EUSAGE, "--tol: bad tolerance '%.*s'", (int)len, p);
		if (t.relative)
			t.value /= 100;
		if (!(t.pattern = sc_malloc((size_t)(eq - p) + 1, 1)))
			return SC_ENOMEM;
		memcpy(t.pattern, p, (size_t)(eq - p));
		t.pattern[eq - p] = '\0';
		if (!(nt = sc_realloc(o->tol, o->ntol + 1, sizeof *nt))) {
			free(t.pattern);
			return SC_ENOMEM;
		}
		o->tol = nt;
		o->tol[o->ntol++] = t;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The tightest matching rule as an absolute tolerance; *rel_out gets a matching relative rule
 * (used as the ratio threshold for performance rows), NaN when none. */
static double tol_for(const struct sc_gate_opts *o, const char *metric, double base, double *rel_out)
{
	double best = INFINITY;
	*rel_out = NAN;
	for (size_t i = 0; i < o->ntol; i++) {
		double v;
		if (fnmatch(o->tol[i].pattern, metric, 0) != 0)
			continue;
		v = o->tol[i].relative ? o->tol[i].value * fabs(base) : o->tol[i].value;
		if (o->tol[i].relative && !(o->tol[i].value >= *rel_out))
			*rel_out = o->tol[i].value;
		if (v < best)
			best = v;
	}
	return isfinite(best) ? best : o->tol_default;
}

void sc_gate_release(struct sc_gate *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->row[i].label);
	free(g->row);
	memset(g, 0, sizeof *g);
}

static struct sc_gate_row *new_row(struct sc_gate *g, const struct sc_mrec *r)
{
	struct sc_gate_row *p = sc_realloc(g->row, g->n + 1, sizeof *p), *row;
	struct sc_buf b = SC_BUF_INIT;
	if (!p)
		return NULL;
	g->row = p;
	row = &g->row[g->n];
	memset(row, 0, sizeof *row);
	if (sc_buf_addf(&b, "%s/%s/%s%s%s", r->dataset, r->model, r->metric, *r->params ? " " : "",
			r->params) < 0)
		return NULL;
	g->n++;
	row->label = b.data;
	row->metric = r->metric;
	row->family = r->family;
	row->base = row->cur = row->delta = row->p = row->ci_lo = row->ci_hi = row->ratio = NAN;
	row->verdict = "unchanged";
	row->test = "";
	return row;
}

/* Direction for a key: all records must agree; the built-in table fills a gap. */
static int direction(const struct sc_mrec *a, size_t na, const struct sc_mrec *b, size_t nb, int *hib)
{
	int h = -1;
	for (size_t i = 0; i < na + nb; i++) {
		const struct sc_mrec *r = i < na ? &a[i] : &b[i - na];
		if (r->hib < 0)
			continue;
		if (h >= 0 && h != r->hib)
			return sc_seterr(SC_EINPUT, "%s:%ld: higher_is_better of '%s' conflicts with another record",
					 r->file, r->line, r->metric);
		h = r->hib;
	}
	if (h < 0)
		h = sc_metric_higher_is_better(na ? a->metric : b->metric, na ? a->unit : b->unit);
	if (h < 0)
		return sc_seterr(SC_EINPUT, "metric '%s' has no higher_is_better and is not in the built-in "
				 "direction table", na ? a->metric : b->metric);
	*hib = h;
	return 0;
}

static void judge_single(struct sc_gate_row *row, double tol)
{
	row->tol = tol;
	if (isnan(row->cur) && !isnan(row->base))
		row->verdict = "regression";
	else if (!isnan(row->cur) && isnan(row->base))
		row->verdict = "improvement";
	else if (row->delta < -tol)
		row->verdict = "regression";
	else if (row->delta > tol)
		row->verdict = "improvement";
}

static int run_test(enum sc_gate_test t, const double *d, size_t n, const struct sc_summary *s,
		    double *p, int *exact)
{
	if (t == SC_TEST_WILCOXON)
		return sc_wilcoxon_less(d, n, p, exact);
	if (t == SC_TEST_SIGNFLIP)
		return sc_signflip_less(d, n, p, exact);
	*exact = 0;
	*p = s->sd > 0 ? sc_stats_t_cdf(s->mean / (s->sd / sqrt((double)n)), (double)(n - 1))
		       : (s->mean < 0 ? 0 : 1);
	return 0;
}

/* Paired multi-seed scientific comparison. */
static int judge_paired(struct sc_gate_row *row, double *d, size_t n, const struct sc_gate_opts *o,
			double tol)
{
	struct sc_summary s;
	double p_less, p_more, *neg = NULL;
	int ex1, ex2, rc;
	static const char *names[] = { "wilcoxon", "signflip", "ttest" };
	if ((rc = sc_stats_summary(d, n, &s)) < 0)
		return rc;
	if (!(neg = sc_malloc(n, sizeof *neg)))
		return SC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		neg[i] = -d[i];
	if ((rc = run_test(o->test, d, n, &s, &p_less, &ex1)) == 0) {
		struct sc_summary sn = s;
		sn.mean = -s.mean;
		rc = run_test(o->test, neg, n, &sn, &p_more, &ex2);
	}
	free(neg);
	if (rc < 0)
		return rc;
	row->delta = s.mean;
	row->tol = tol;
	row->test = names[o->test];
	row->exact = ex1;
	sc_stats_t_interval(&s, o->alpha, &row->ci_lo, &row->ci_hi);
	row->underpowered = o->test == SC_TEST_TTEST ? n < 3 : sc_stats_min_p(n) >= o->alpha;
	row->p = s.mean < 0 ? p_less : p_more;
	if (o->rule_ci) {
		if (row->ci_hi < -tol)
			row->verdict = "regression";
		else if (row->ci_lo > tol)
			row->verdict = "improvement";
	} else if (s.mean < -tol && (p_less < o->alpha || row->underpowered)) {
		row->verdict = "regression";
	} else if (s.mean > tol && (p_more < o->alpha || row->underpowered)) {
		row->verdict = "improvement";
	}
	return 0;
}

static int scientific(struct sc_gate_row *row, const struct sc_mrec *a, size_t na,
		      const struct sc_mrec *b, size_t nb, int hib, const struct sc_gate_opts *o)
{
	double sgn = hib ? 1 : -1, *d = NULL, rel, sb = 0, sc = 0;
	size_t n = 0, i = 0, j = 0;
	int rc = 0, lost = 0;
	if (na == 1 && nb == 1 && a->seed < 0 && b->seed < 0) {
		row->n = row->nb = row->nc = 1;
		row->base = a->value;
		row->cur = b->value;
		row->delta = sgn * (b->value - a->value);
		judge_single(row, tol_for(o, a->metric, a->value, &rel));
		return 0;
	}
	if (!(d = sc_malloc(na < nb ? na : nb, sizeof *d)))
		return SC_ENOMEM;
	while (i < na && j < nb) { /* both runs sorted by seed */
		if (a[i].seed < b[j].seed) {
			i++;
		} else if (a[i].seed > b[j].seed) {
			j++;
		} else {
			if (isnan(b[j].value) && !isnan(a[i].value))
				lost = 1;
			else if (!isnan(a[i].value) && !isnan(b[j].value)) {
				d[n++] = sgn * (b[j].value - a[i].value);
				sb += a[i].value;
				sc += b[j].value;
			}
			i++;
			j++;
		}
	}
	row->nb = na;
	row->nc = nb;
	row->n = n;
	if (n == 0 && !lost) {
		rc = sc_seterr(SC_EINPUT, "%s: no seeds in common between baseline and current", row->label);
		goto out;
	}
	row->base = n ? sb / (double)n : NAN;
	row->cur = n ? sc / (double)n : NAN;
	if (lost) {
		row->verdict = "regression";
		row->tol = tol_for(o, a->metric, row->base, &rel);
	} else if (n == 1) {
		row->delta = d[0];
		judge_single(row, tol_for(o, a->metric, row->base, &rel));
	} else {
		rc = judge_paired(row, d, n, o, tol_for(o, a->metric, row->base, &rel));
	}
out:
	free(d);
	return rc;
}

/* Unpaired repeats: median ratio, Mann-Whitney U when the sizes can reach alpha_perf. */
static int performance(struct sc_gate_row *row, const struct sc_mrec *a, size_t na,
		       const struct sc_mrec *b, size_t nb, int hib, const struct sc_gate_opts *o)
{
	double *x = NULL, *y = NULL, rel, factor, pw, pb, minp = 1;
	struct sc_summary sa, sb;
	size_t n1 = 0, n2 = 0;
	int ex, rc = SC_ENOMEM;
	if (!(x = sc_malloc(na, sizeof *x)) || !(y = sc_malloc(nb, sizeof *y)))
		goto out;
	for (size_t i = 0; i < na; i++)
		if (!isnan(a[i].value))
			x[n1++] = a[i].value;
	for (size_t i = 0; i < nb; i++)
		if (!isnan(b[i].value))
			y[n2++] = b[i].value;
	row->nb = n1;
	row->nc = n2;
	row->n = n1 < n2 ? n1 : n2;
	if (!n1 || !n2) {
		rc = sc_seterr(SC_EINPUT, "%s: no finite values on one side", row->label);
		goto out;
	}
	if ((rc = sc_stats_summary(x, n1, &sa)) < 0 || (rc = sc_stats_summary(y, n2, &sb)) < 0)
		goto out;
	row->base = sa.median;
	row->cur = sb.median;
	row->delta = (hib ? 1 : -1) * (sb.median - sa.median);
	row->ratio = hib ? sa.median / sb.median : sb.median / sa.median; /* > 1 is worse */
	(void)tol_for(o, a->metric, sa.median, &rel);
	factor = isnan(rel) ? o->factor : 1 + rel;
	row->tol = factor;
	row->test = "mannwhitney";
	/* worse = current larger for lower-is-better: test base < current */
	if ((rc = hib ? sc_mannwhitney_less(y, n2, x, n1, &pw, &ex) : sc_mannwhitney_less(x, n1, y, n2, &pw, &ex)) < 0 ||
	    (rc = hib ? sc_mannwhitney_less(x, n1, y, n2, &pb, &ex) : sc_mannwhitney_less(y, n2, x, n1, &pb, &ex)) < 0)
		goto out;
	row->exact = ex;
	for (size_t k = 1, m = n1 + n2; k <= n1; k++) /* 1 / C(n1+n2, n1) */
		minp *= (double)k / (double)(m - n1 + k);
	row->underpowered = minp >= o->alpha_perf;
	row->p = row->ratio > 1 ? pw : pb;
	if (row->ratio > factor) {
		int apart = hib ? sb.max < sa.min : sb.min > sa.max;
		if (row->underpowered ? apart : pw < o->alpha_perf)
			row->verdict = "regression";
	} else if (row->ratio < 1 / factor) {
		int apart = hib ? sb.min > sa.max : sb.max < sa.min;
		if (row->underpowered ? apart : pb < o->alpha_perf)
			row->verdict = "improvement";
	}
	rc = 0;
out:
	free(x);
	free(y);
	return rc;
}

static int wanted(const struct sc_gate_opts *o, enum sc_family f)
{
	return o->family == SC_GATE_ALL || (o->family == SC_GATE_SCIENTIFIC) == (f == SC_FAMILY_SCIENTIFIC);
}

static int compare_key(struct sc_gate *g, const struct sc_mrec *a, size_t na, const struct sc_mrec *b,
		       size_t nb, const struct sc_gate_opts *o)
{
	const struct sc_mrec *r = na ? a : b;
	struct sc_gate_row *row;
	int hib = -1, rc;
	if (!wanted(o, r->family))
		return 0;
	if (na && nb && a->family != b->family)
		return sc_seterr(SC_EINPUT, "%s:%ld: '%s' changed family between baseline and current",
				 b->file, b->line, b->metric);
	if ((rc = direction(a, na, b, nb, &hib)) < 0)
		return rc;
	if (!nb && !o->allow_missing)
		return sc_seterr(SC_EINPUT, "%s:%ld: %s/%s/%s is in the baseline but not in current "
				 "(--allow-missing to accept)", a->file, a->line, a->dataset, a->model, a->metric);
	if (!(row = new_row(g, r)))
		return SC_ENOMEM;
	row->hib = hib;
	if (!na || !nb) {
		row->verdict = na ? "missing" : "new";
		row->nb = na;
		row->nc = nb;
		return 0;
	}
	g->compared++;
	rc = r->family == SC_FAMILY_PERFORMANCE ? performance(row, a, na, b, nb, hib, o)
						: scientific(row, a, na, b, nb, hib, o);
	if (rc == 0 && !strcmp(row->verdict, "regression"))
		g->regressions++;
	if (rc == 0 && !strcmp(row->verdict, "improvement"))
		g->improvements++;
	return rc;
}

static int verdict_rank(const char *v)
{
	static const char *order[] = { "regression", "improvement", "missing", "new", "unchanged" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(v, order[i]))
			return i;
	return 5;
}

static int cmp_row(const void *x, const void *y)
{
	const struct sc_gate_row *a = x, *b = y;
	double da = isnan(a->delta) ? -1 : fabs(a->delta), db = isnan(b->delta) ? -1 : fabs(b->delta);
	int c = verdict_rank(a->verdict) - verdict_rank(b->verdict);
	if (c)
		return c;
	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(a->label, b->label);
}

int sc_gate_run(const struct sc_metricset *base, const struct sc_metricset *cur,
		const struct sc_gate_opts *o, struct sc_gate *g)
{
	size_t i = 0, j = 0;
	int rc = 0;
	memset(g, 0, sizeof *g);
	while (rc == 0 && (i < base->n || j < cur->n)) {
		int c = i >= base->n ? 1 : j >= cur->n ? -1 : strcmp(base->r[i].key, cur->r[j].key);
		size_t i1 = i, j1 = j;
		if (c <= 0)
			while (i1 < base->n && !strcmp(base->r[i1].key, base->r[i].key))
				i1++;
		if (c >= 0)
			while (j1 < cur->n && !strcmp(cur->r[j1].key, cur->r[j].key))
				j1++;
		rc = compare_key(g, base->r + i, i1 - i, cur->r + j, j1 - j, o);
		i = i1;
		j = j1;
	}
	if (rc == 0 && g->compared == 0 && !o->allow_empty)
		rc = sc_seterr(SC_EINPUT, "nothing was compared: no metric is in both files%s",
			       o->family == SC_GATE_ALL ? "" : " for this family");
	if (rc < 0)
		sc_gate_release(g);
	else if (g->row)
		qsort(g->row, g->n, sizeof *g->row, cmp_row);
	return rc;
}

/* ---------- renderings ---------- */

static void num(char *out, double v)
{
	if (isnan(v))
		strcpy(out, "-");
	else
		sc_fmt_double(v, 0, out);
}

static void pnum(char *out, double v, int digits)
{
	if (isnan(v))
		strcpy(out, "-");
	else
		snprintf(out, 40, "%.*g", digits, v);
}

static void notes(const struct sc_gate_row *r, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s", r->test, *r->test ? (r->exact ? " exact" : " approx") : "",
		 r->underpowered ? ", underpowered" : "", r->family == SC_FAMILY_PERFORMANCE ? ", ratio" : "");
}

#define NCOL 9
static void cells(const struct sc_gate_row *r, char c[NCOL][160])
{
	snprintf(c[0], 160, "%s", r->verdict);
	snprintf(c[1], 160, "%.159s", r->label);
	num(c[2], r->base);
	num(c[3], r->cur);
	if (r->family == SC_FAMILY_PERFORMANCE) {
		pnum(c[4], r->ratio, 4);
		if (!isnan(r->ratio))
			strcat(c[4], "x");
	} else {
		pnum(c[4], r->delta, 4);
	}
	pnum(c[5], r->tol, 6);
	snprintf(c[6], 160, "%zu", r->n);
	pnum(c[7], r->p, 4);
	notes(r, c[8], 160);
}

static const char *heads[NCOL] = { "verdict", "key", "baseline", "current", "delta", "tol", "n", "p", "test" };

int sc_gate_write_table(struct sc_stream *s, const struct sc_gate *g)
{
	size_t w[NCOL];
	char c[NCOL][160];
	int rc = 0;
	for (int k = 0; k < NCOL; k++)
		w[k] = strlen(heads[k]);
	for (size_t i = 0; i < g->n; i++) {
		cells(&g->row[i], c);
		for (int k = 0; k < NCOL; k++)
			if (strlen(c[k]) > w[k])
				w[k] = strlen(c[k]);
	}
	for (size_t i = 0; rc == 0 && i <= g->n; i++) {
		if (i)
			cells(&g->row[i - 1], c);
		for (int k = 0; rc == 0 && k < NCOL; k++) {
			const char *v = i ? c[k] : heads[k];
			if (k == NCOL - 1)
				rc = sc_printf(s, "%s\n", v);
			else if (k >= 2 && k <= 7)
				rc = sc_printf(s, "%*s  ", (int)w[k], v);
			else
				rc = sc_printf(s, "%-*s  ", (int)w[k], v);
		}
	}
	if (rc == 0)
		rc = sc_printf(s, "%zu compared, %zu regressions, %zu improvements\n", g->compared,
			       g->regressions, g->improvements);
	return rc;
}

int sc_gate_write_markdown(struct sc_stream *s, const struct sc_gate *g)
{
	char c[NCOL][160];
	int rc = sc_puts(s, "| verdict | key | baseline | current | delta | tol | n | p | test |\n"
			    "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		cells(&g->row[i], c);
		for (char *q = c[1]; *q; q++)
			if (*q == '|')
				*q = '/';
		rc = sc_printf(s, "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", c[0], c[1], c[2], c[3],
			       c[4], c[5], c[6], c[7], c[8]);
	}
	if (rc == 0)
		rc = sc_printf(s, "\n%zu compared, %zu regressions, %zu improvements\n", g->compared,
			       g->regressions, g->improvements);
	return rc;
}

int sc_gate_write_jsonl(struct sc_stream *s, const struct sc_gate *g)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		const struct sc_gate_row *r = &g->row[i];
		struct sc_buf b = SC_BUF_INIT;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "schema", "scbench.gate/1");
		cJSON_AddStringToObject(o, "key", r->label);
		cJSON_AddStringToObject(o, "metric", r->metric);
		cJSON_AddStringToObject(o, "family", r->family == SC_FAMILY_PERFORMANCE ? "performance" : "scientific");
		cJSON_AddBoolToObject(o, "higher_is_better", r->hib);
		cJSON_AddStringToObject(o, "verdict", r->verdict);
		sc_json_add_number(o, "baseline", r->base);
		sc_json_add_number(o, "current", r->cur);
		sc_json_add_number(o, "delta", r->delta);
		sc_json_add_number(o, "tol", r->tol);
		sc_json_add_number(o, "ratio", r->ratio);
		sc_json_add_number(o, "p", r->p);
		sc_json_add_number(o, "ci_low", r->ci_lo);
		sc_json_add_number(o, "ci_high", r->ci_hi);
		cJSON_AddNumberToObject(o, "n", (double)r->n);
		cJSON_AddNumberToObject(o, "n_baseline", (double)r->nb);
		cJSON_AddNumberToObject(o, "n_current", (double)r->nc);
		if (*r->test) {
			cJSON_AddStringToObject(o, "test", r->test);
			cJSON_AddStringToObject(o, "method", r->exact ? "exact" : "approximate");
		}
		cJSON_AddBoolToObject(o, "underpowered", r->underpowered);
		if ((rc = sc_canonjson_print(&b, o, 0)) == 0 && (rc = sc_buf_add(&b, "\n", 1)) == 0)
			rc = sc_write(s, b.data, b.len);
		sc_buf_release(&b);
		cJSON_Delete(o);
	}
	return rc;
}
