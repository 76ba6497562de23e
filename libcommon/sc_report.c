/* Building the report document: tables, aggregates, rankings, deltas, figures, provenance. */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sc_alloc.h"
#include "sc_report.h"
#include "sc_svg.h"

static const char *bio_pat[] = { "nmi*", "ari*", "asw_label*", "silhouette_label*", "clisi*",
				 "isolated_label*", "cell_cycle*", "hvg*", "trajectory*", NULL };
static const char *batch_pat[] = { "asw_batch*", "silhouette_batch*", "ilisi*", "kbet*", "graph_conn*",
				   "pcr_comparison*", "bras*", NULL };

const char *sc_report_scib_group(const char *metric)
{
	for (int i = 0; bio_pat[i]; i++)
		if (!fnmatch(bio_pat[i], metric, 0))
			return "bio";
	for (int i = 0; batch_pat[i]; i++)
		if (!fnmatch(batch_pat[i], metric, 0))
			return "batch";
	return NULL;
}

int sc_report_is_aggregate(const char *metric)
{
	return !strcmp(metric, "bio_conservation") || !strcmp(metric, "batch_correction") ||
	       !strcmp(metric, "total");
}

/* ---------- per-dataset tables ---------- */

/* Which table a record belongs to. Label prediction (czbenchmarks' cross-validated
 * classifiers) and scModelForge's linear probe get tables of their own, so their scores never
 * enter the scIB table, aggregate or ranking, whatever their metric names. */
enum view { VIEW_MAIN, VIEW_LP, VIEW_PROBE };

#define LP_MEAN "mean_fold_"

static enum view rec_view(const struct sc_mrec *r)
{
	if (!strcmp(r->task, "label_prediction"))
		return VIEW_LP;
	if (!strcmp(r->task, "linear_probe"))
		return VIEW_PROBE;
	return VIEW_MAIN;
}

/* Whether a record enters the table of view v: label prediction shows czbenchmarks'
 * per-classifier means only (the per-fold records stay in the sources). */
static int rec_in(const struct sc_mrec *r, const char *ds, enum sc_family fam, enum view v)
{
	if (strcmp(r->dataset, ds) || r->family != fam)
		return 0;
	if (fam == SC_FAMILY_PERFORMANCE) /* timings of every task share one table */
		return v == VIEW_MAIN;
	if (rec_view(r) != v)
		return 0;
	/* score-scib's own aggregates: the report recomputes them (with its scaling) in the
	 * ranking, so as columns they would only repeat them unscaled */
	if (v == VIEW_MAIN && sc_report_is_aggregate(r->metric))
		return 0;
	return v != VIEW_LP || !strncmp(r->metric, LP_MEAN, strlen(LP_MEAN));
}

/* Row key: the model; for label prediction "model \x1f params.classifier". */
static char *row_key(const struct sc_mrec *r, enum view v)
{
	struct sc_buf b = SC_BUF_INIT;
	cJSON *p;
	const cJSON *c;
	if (v != VIEW_LP)
		return sc_strdup(r->model);
	p = *r->params ? cJSON_Parse(r->params) : NULL;
	c = cJSON_GetObjectItemCaseSensitive(p, "classifier");
	if (sc_buf_addf(&b, "%s\x1f%s", r->model, cJSON_IsString(c) ? c->valuestring : "") < 0) {
		sc_buf_release(&b);
		b.data = NULL;
	}
	cJSON_Delete(p);
	return b.data;
}

struct col {
	char *label;
	const char *metric, *unit;
	int hib, group; /* group: 0 bio, 1 batch, 2 other */
};

struct cell {
	double sum, sumsq;
	size_t n, nnan;
};

struct dtab {
	char **models; /* sorted row keys: the model, or model \x1f classifier when sub */
	size_t nm;
	struct col *cols;
	size_t nc;
	struct cell *cell; /* nm x nc */
	int sub;           /* rows carry a classifier: a second leading column */
};

static void dtab_release(struct dtab *t)
{
	for (size_t i = 0; i < t->nm; i++)
		free(t->models[i]);
	for (size_t i = 0; i < t->nc; i++)
		free(t->cols[i].label);
	free(t->models);
	free(t->cols);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static int find_or_add(char ***v, size_t *n, const char *s)
{
	char **p;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return (int)i;
	if (!(p = sc_realloc(*v, *n + 1, sizeof *p)) || !(p[*n] = sc_strdup(s))) {
		if (p)
			*v = p;
		return SC_ENOMEM;
	}
	*v = p;
	return (int)(*n)++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_col(const void *a, const void *b)
{
	const struct col *x = a, *y = b;
	return x->group != y->group ? x->group - y->group : strcmp(x->label, y->label);
}

/* Columns are metric names: producers record outputs such as the chosen resolution in
 * params, which differ between models, so params do not split columns (the sources appendix
 * keeps them). Label prediction columns drop the mean_fold_ prefix. */
static char *col_label(const struct sc_mrec *r, enum view v)
{
	return sc_strdup(v == VIEW_LP ? r->metric + strlen(LP_MEAN) : r->metric);
}

/* The metric as the sources appendix names it: label prediction and probe records add their
 * params (classifier, fold), which tell them apart. */
static char *src_label(const struct sc_mrec *r)
{
	struct sc_buf b = SC_BUF_INIT;
	if (rec_view(r) == VIEW_MAIN || !*r->params)
		return sc_strdup(r->metric);
	if (sc_buf_addf(&b, "%s %s", r->metric, r->params) < 0) {
		sc_buf_release(&b);
		b.data = NULL;
	}
	return b.data;
}

static int col_index(const struct dtab *t, const char *label)
{
	for (size_t i = 0; i < t->nc; i++)
		if (!strcmp(t->cols[i].label, label))
			return (int)i;
	return -1;
}

static int model_index(const struct dtab *t, const char *m)
{
	char *const *p = bsearch(&m, t->models, t->nm, sizeof *t->models, cmp_str);
	return p ? (int)(p - t->models) : -1;
}

/* Models and columns of one dataset, family and view, then the cells. */
static int dtab_build(const struct sc_metricset *s, const char *ds, enum sc_family fam, enum view v,
		      struct dtab *t)
{
	int rc = 0;
	memset(t, 0, sizeof *t);
	t->sub = v == VIEW_LP;
	for (size_t i = 0; rc >= 0 && i < s->n; i++) {
		const struct sc_mrec *r = &s->r[i];
		char *lab, *row;
		if (!rec_in(r, ds, fam, v))
			continue;
		if (!(row = row_key(r, v))) {
			rc = SC_ENOMEM;
			break;
		}
		rc = find_or_add(&t->models, &t->nm, row);
		free(row);
		if (rc < 0 || !(lab = col_label(r, v))) {
			rc = SC_ENOMEM;
			break;
		}
		if (col_index(t, lab) < 0) {
			struct col *p = sc_realloc(t->cols, t->nc + 1, sizeof *p);
			const char *g = v == VIEW_MAIN ? sc_report_scib_group(r->metric) : NULL;
			if (!p) {
				free(lab);
				rc = SC_ENOMEM;
				break;
			}
			t->cols = p;
			p[t->nc].label = lab;
			p[t->nc].metric = r->metric;
			p[t->nc].unit = r->unit;
			p[t->nc].hib = r->hib >= 0 ? r->hib : sc_metric_higher_is_better(r->metric, r->unit);
			p[t->nc].group = g ? (!strcmp(g, "bio") ? 0 : 1) : 2;
			t->nc++;
		} else {
			free(lab);
		}
	}
	if (rc < 0)
		return rc;
	if (t->models)
		qsort(t->models, t->nm, sizeof *t->models, cmp_str);
	if (t->cols)
		qsort(t->cols, t->nc, sizeof *t->cols, cmp_col);
	if (!(t->cell = sc_calloc(t->nm * t->nc + 1, sizeof *t->cell)))
		return SC_ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct sc_mrec *r = &s->r[i];
		char *lab = NULL, *row = NULL;
		struct cell *c;
		int mi, ci;
		if (!rec_in(r, ds, fam, v))
			continue;
		if (!(lab = col_label(r, v)) || !(row = row_key(r, v))) {
			free(lab);
			return SC_ENOMEM;
		}
		mi = model_index(t, row);
		ci = col_index(t, lab);
		free(lab);
		free(row);
		c = &t->cell[(size_t)mi * t->nc + (size_t)ci];
		if (isnan(r->value)) {
			c->nnan++;
		} else {
			c->sum += r->value;
			c->sumsq += r->value * r->value;
			c->n++;
		}
	}
	return 0;
}

static double cell_mean(const struct cell *c)
{
	return c->n ? c->sum / (double)c->n : NAN;
}

static double cell_sd(const struct cell *c)
{
	double m = cell_mean(c), v;
	if (c->n < 2)
		return NAN;
	v = (c->sumsq - (double)c->n * m * m) / (double)(c->n - 1);
	return sqrt(v > 0 ? v : 0);
}

static void fmt4(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "n/a");
	else
		snprintf(out, n, "%.4f", v);
}

/* Per column min-max scaling across models, flipped for lower-is-better (1 = best). */
static void scale_cols(const struct dtab *t, double *sc)
{
	for (size_t c = 0; c < t->nc; c++) {
		double lo = INFINITY, hi = -INFINITY;
		for (size_t m = 0; m < t->nm; m++) {
			double v = cell_mean(&t->cell[m * t->nc + c]);
			if (!isnan(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
		for (size_t m = 0; m < t->nm; m++) {
			double v = cell_mean(&t->cell[m * t->nc + c]), s;
			s = isnan(v) ? NAN : hi > lo ? (v - lo) / (hi - lo) : 1;
			sc[m * t->nc + c] = t->cols[c].hib == 0 && !isnan(s) ? 1 - s : s;
		}
	}
}

/* bio, batch, total per model (NaN when the group has no metric). */
static void aggregate(const struct dtab *t, const double *sc, int minmax, double *agg)
{
	for (size_t m = 0; m < t->nm; m++) {
		double s[2] = { 0, 0 };
		size_t n[2] = { 0, 0 };
		for (size_t c = 0; c < t->nc; c++) {
			double v = minmax ? sc[m * t->nc + c] : cell_mean(&t->cell[m * t->nc + c]);
			if (t->cols[c].group < 2 && !isnan(v)) {
				s[t->cols[c].group] += v;
				n[t->cols[c].group]++;
			}
		}
		agg[m * 3] = n[0] ? s[0] / (double)n[0] : NAN;
		agg[m * 3 + 1] = n[1] ? s[1] / (double)n[1] : NAN;
		agg[m * 3 + 2] = n[0] && n[1] ? 0.6 * agg[m * 3] + 0.4 * agg[m * 3 + 1] : n[0] ? agg[m * 3] : agg[m * 3 + 1];
	}
}

/* Ranking order: by total (or mean scaled score when there is no scIB metric), best first,
 * ties by name. */
struct rank_ctx {
	const double *key;
	char *const *names;
};

static int cmp_rank(const void *a, const void *b, void *arg)
{
	const struct rank_ctx *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	double kx = c->key[x], ky = c->key[y];
	if (isnan(kx) != isnan(ky))
		return isnan(kx) ? 1 : -1;
	if (kx != ky && !isnan(kx))
		return kx > ky ? -1 : 1;
	return strcmp(c->names[x], c->names[y]);
}

static int metrics_table(struct sc_doc *d, const struct dtab *t, const double *sc)
{
	size_t lead = t->sub ? 2 : 1, nc = t->nc + lead;
	const char **cells = sc_calloc(nc, sizeof *cells);
	char *align = sc_malloc(nc + 1, 1), (*buf)[256] = sc_calloc(nc, sizeof *buf);
	int rc = SC_ENOMEM;
	if (!cells || !align || !buf)
		goto out;
	cells[0] = "model";
	align[0] = 'l';
	if (t->sub) {
		cells[1] = "classifier";
		align[1] = 'l';
	}
	for (size_t c = 0; c < t->nc; c++) {
		snprintf(buf[c], 256, "%s%s", t->cols[c].label, t->cols[c].hib == 0 ? " (lower better)" : "");
		cells[c + lead] = buf[c];
		align[c + lead] = 'r';
	}
	align[nc] = '\0';
	if ((rc = sc_doc_table(d, nc, cells, align)) < 0)
		goto out;
	for (size_t m = 0; rc == 0 && m < t->nm; m++) {
		char *sep = t->sub ? strchr(t->models[m], '\x1f') : NULL;
		if (sep) { /* model \x1f classifier: two cells */
			snprintf(buf[t->nc], 256, "%.*s", (int)(sep - t->models[m]), t->models[m]);
			cells[0] = buf[t->nc];
			cells[1] = sep + 1;
		} else {
			cells[0] = t->models[m];
			if (t->sub)
				cells[1] = "";
		}
		for (size_t c = 0; c < t->nc; c++) {
			const struct cell *ce = &t->cell[m * t->nc + c];
			int best = t->nm > 1 && sc[m * t->nc + c] == 1;
			char v[32], s[32];
			fmt4(cell_mean(ce), v, sizeof v);
			fmt4(cell_sd(ce), s, sizeof s);
			snprintf(buf[c], 256, "%s%s%s%s", best ? SC_DOC_STRONG : "", v, ce->n > 1 ? " ± " : "",
				 ce->n > 1 ? s : "");
			cells[c + lead] = buf[c];
		}
		rc = sc_doc_row(d, cells);
	}
out:
	free(cells);
	free(align);
	free(buf);
	return rc;
}

static int ranking_table(struct sc_doc *d, const struct dtab *t, const double *agg, const size_t *ord, int has_scib)
{
	static const char *h1[] = { "rank", "model", "bio conservation", "batch correction", "total" };
	static const char *h2[] = { "rank", "model", "mean scaled score" };
	int rc = has_scib ? sc_doc_table(d, 5, h1, "rlrrr") : sc_doc_table(d, 3, h2, "rlr");
	for (size_t i = 0; rc == 0 && i < t->nm; i++) {
		size_t m = ord[i];
		char r[32], a[32], b[32], c[32];
		const char *cells[5];
		snprintf(r, sizeof r, "%zu", i + 1);
		fmt4(agg[m * 3], a, sizeof a);
		fmt4(agg[m * 3 + 1], b, sizeof b);
		fmt4(agg[m * 3 + 2], c, sizeof c);
		cells[0] = r;
		cells[1] = t->models[m];
		if (has_scib) {
			cells[2] = a;
			cells[3] = b;
			cells[4] = c;
		} else {
			cells[2] = c;
		}
		rc = sc_doc_row(d, cells);
	}
	return rc;
}

/* A row key as one cell: "model" or "model (classifier)". */
static void row_name(const char *key, char *out, size_t n)
{
	const char *sep = strchr(key, '\x1f');
	if (sep)
		snprintf(out, n, "%.*s (%s)", (int)(sep - key), key, sep + 1);
	else
		snprintf(out, n, "%s", key);
}

/* Changes from the baseline; none_msg (when not NULL) is said when no metric is shared. */
static int deltas_table(struct sc_doc *d, const struct dtab *t, const struct dtab *bt, const char *none_msg)
{
	static const char *h[] = { "model", "metric", "baseline", "current", "delta", "" };
	int rc = 0, started = 0;
	for (size_t m = 0; rc == 0 && m < t->nm; m++) {
		int bm = model_index(bt, t->models[m]);
		for (size_t c = 0; rc == 0 && bm >= 0 && c < t->nc; c++) {
			int bc = col_index(bt, t->cols[c].label);
			double cv = cell_mean(&t->cell[m * t->nc + c]), bv, dv;
			char a[32], b[32], e[32], mname[512];
			const char *cells[6], *mark;
			if (bc < 0)
				continue;
			bv = cell_mean(&bt->cell[(size_t)bm * bt->nc + (size_t)bc]);
			dv = cv - bv;
			mark = isnan(dv) ? "" : fabs(dv) < 1e-12 ? "same" : t->cols[c].hib < 0 ? "changed" :
			       (dv > 0) == (t->cols[c].hib == 1) ? "better" : "worse";
			fmt4(bv, a, sizeof a);
			fmt4(cv, b, sizeof b);
			if (isnan(dv))
				snprintf(e, sizeof e, "n/a");
			else
				snprintf(e, sizeof e, "%+.4f", dv);
			row_name(t->models[m], mname, sizeof mname);
			cells[0] = mname;
			cells[1] = t->cols[c].label;
			cells[2] = a;
			cells[3] = b;
			cells[4] = e;
			cells[5] = mark;
			if (!started && (rc = sc_doc_table(d, 6, h, "llrrrl")) < 0)
				break;
			started = 1;
			rc = sc_doc_row(d, cells);
		}
	}
	if (rc == 0 && !started && none_msg)
		rc = sc_doc_para(d, none_msg);
	return rc;
}

static int add_figure(struct sc_report *r, const char *name, char *svg)
{
	struct sc_report_figure *p = sc_realloc(r->fig, r->nfig + 1, sizeof *p);
	if (!svg || !p) {
		free(svg);
		return svg ? SC_ENOMEM : SC_ENOMEM;
	}
	r->fig = p;
	p[r->nfig].svg = svg;
	if (!(p[r->nfig].name = sc_strdup(name)))
		return SC_ENOMEM;
	r->nfig++;
	return 0;
}

static void slugify(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++)
		out[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
				   *s == '-' || *s == '.' ? *s : '_';
	out[k] = '\0';
	if (!k)
		snprintf(out, n, "dataset");
}

/* Columns worth drawing: those with at least one finite value. */
static size_t kept_columns(const struct dtab *t, size_t *keep)
{
	size_t nk = 0;
	for (size_t c = 0; c < t->nc; c++)
		for (size_t m = 0; m < t->nm; m++)
			if (t->cell[m * t->nc + c].n) {
				keep[nk++] = c;
				break;
			}
	return nk;
}

/* Small multiples of bars, one panel per kept column and one bar per row of t (rows named
 * "model" or "model (classifier)"), added as figure <ds>_<suffix>.svg. */
static int bars_figure(struct sc_report *r, const struct dtab *t, const char *ds, const char *what,
		       const char *suffix, const struct sc_report_opts *o)
{
	size_t *keep = sc_calloc(t->nc + 1, sizeof *keep), nk;
	const char **mets = sc_calloc(t->nc + 1, sizeof *mets), **rows = sc_calloc(t->nm + 1, sizeof *rows);
	double *bv = sc_calloc(t->nm * t->nc + 1, sizeof *bv);
	int *hib = sc_calloc(t->nc + 1, sizeof *hib), rc = SC_ENOMEM;
	char slug[128], name[192], title[512], path[1024], (*rn)[192] = sc_calloc(t->nm + 1, sizeof *rn);
	if (!keep || !mets || !rows || !bv || !hib || !rn)
		goto out;
	slugify(ds, slug, sizeof slug);
	nk = kept_columns(t, keep);
	for (size_t m = 0; m < t->nm; m++) {
		row_name(t->models[m], rn[m], sizeof rn[m]);
		rows[m] = rn[m];
		for (size_t k = 0; k < nk; k++)
			bv[k * t->nm + m] = cell_mean(&t->cell[m * t->nc + keep[k]]);
	}
	for (size_t k = 0; k < nk; k++) {
		mets[k] = t->cols[keep[k]].label;
		hib[k] = t->cols[keep[k]].hib;
	}
	{
		struct sc_svg_bars sb = { title, t->nm, nk, rows, mets, bv, hib };
		snprintf(title, sizeof title, "%s: %s", ds, what);
		snprintf(name, sizeof name, "%s_%s.svg", slug, suffix);
		snprintf(path, sizeof path, "%s/%s", o->figlink, name);
		if ((rc = add_figure(r, name, sc_svg_metric_bars(&sb))) < 0 ||
		    (rc = sc_doc_figure(r->doc, title, path, r->fig[r->nfig - 1].svg)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(keep);
	free(mets);
	free(rows);
	free(bv);
	free(hib);
	free(rn);
	return rc;
}

static int figures(struct sc_report *r, const struct dtab *t, const double *sc, const double *agg,
		   const size_t *ord, int has_scib, const char *ds, const struct sc_report_opts *o)
{
	static const char *aggn[] = { "Bio conservation", "Batch correction", "Total" };
	size_t *keep = sc_calloc(t->nc + 1, sizeof *keep), nk;
	const char **rows = sc_calloc(t->nm + 1, sizeof *rows), **cols = sc_calloc(t->nc + 1, sizeof *cols);
	const char **groups = sc_calloc(t->nc + 1, sizeof *groups);
	double *v = sc_calloc(t->nm * t->nc + 1, sizeof *v), *s = sc_calloc(t->nm * t->nc + 1, sizeof *s);
	double *a = sc_calloc(t->nm * 3 + 1, sizeof *a);
	int rc = SC_ENOMEM;
	char slug[128], name[192], title[512], path[1024], (*lab)[160] = sc_calloc(t->nc + 1, sizeof *lab);
	if (!keep || !rows || !cols || !groups || !v || !s || !a || !lab)
		goto out;
	slugify(ds, slug, sizeof slug);
	nk = kept_columns(t, keep);
	for (size_t i = 0; i < t->nm; i++) {
		size_t m = ord[i];
		rows[i] = t->models[m];
		for (size_t k = 0; k < nk; k++) {
			size_t c = keep[k];
			v[i * nk + k] = cell_mean(&t->cell[m * t->nc + c]);
			s[i * nk + k] = sc[m * t->nc + c];
		}
		for (int q = 0; q < 3; q++)
			a[i * 3 + q] = agg[m * 3 + q];
	}
	for (size_t k = 0; k < nk; k++) {
		const struct col *c = &t->cols[keep[k]];
		snprintf(lab[k], 160, "%s%s", c->label, c->hib == 0 ? " (lower better)" : "");
		cols[k] = lab[k];
		groups[k] = c->group == 0 ? "Bio conservation" : c->group == 1 ? "Batch correction" : "Other";
	}
	{
		struct sc_svg_table st = { title, t->nm, nk, has_scib ? 3 : 0, rows, cols, groups, v, s, aggn, a };
		snprintf(title, sizeof title, "%s: results by model (best first)", ds);
		snprintf(name, sizeof name, "%s_results.svg", slug);
		snprintf(path, sizeof path, "%s/%s", o->figlink, name);
		if ((rc = add_figure(r, name, sc_svg_results_table(&st))) < 0 ||
		    (rc = sc_doc_figure(r->doc, title, path, r->fig[r->nfig - 1].svg)) < 0)
			goto out;
	}
	rc = bars_figure(r, t, ds, "each metric by model", "bars", o);
out:
	free(keep);
	free(lab);
	free(rows);
	free(cols);
	free(groups);
	free(v);
	free(s);
	free(a);
	return rc;
}

static int perf_section(struct sc_doc *d, const struct sc_metricset *s, const char *ds)
{
	struct dtab t;
	int rc = dtab_build(s, ds, SC_FAMILY_PERFORMANCE, VIEW_MAIN, &t);
	if (rc == 0 && t.nm && t.nc) {
		double *sc = sc_calloc(t.nm * t.nc + 1, sizeof *sc);
		if (!sc)
			rc = SC_ENOMEM;
		if (rc == 0 && (rc = sc_doc_heading(d, 3, "Timings and memory")) == 0 &&
		    (rc = sc_doc_para(d, "Mean over repeats (± sd); lower is better.")) == 0) {
			scale_cols(&t, sc);
			rc = metrics_table(d, &t, sc);
		}
		free(sc);
	}
	dtab_release(&t);
	return rc;
}

/* Label prediction (view VIEW_LP: czbenchmarks' per-classifier fold means, one row per model
 * and classifier) or the linear probe (VIEW_PROBE: one row per model), with its own best
 * marks and, with a baseline, its own deltas. */
static int label_section(struct sc_report *r, const struct sc_metricset *s, const struct sc_metricset *base,
			 const char *ds, enum view v, const struct sc_report_opts *o)
{
	struct sc_doc *d = r->doc;
	struct dtab t, bt;
	double *sc = NULL;
	int rc;
	memset(&bt, 0, sizeof bt);
	if ((rc = dtab_build(s, ds, SC_FAMILY_SCIENTIFIC, v, &t)) < 0 || !t.nm || !t.nc)
		goto out;
	rc = SC_ENOMEM;
	if (!(sc = sc_calloc(t.nm * t.nc + 1, sizeof *sc)))
		goto out;
	scale_cols(&t, sc);
	if ((rc = sc_doc_heading(d, 3, v == VIEW_LP ? "Label prediction" : "Linear probe")) < 0 ||
	    (rc = sc_doc_para(d, v == VIEW_LP ?
			      "czbenchmarks label prediction: each value is the mean over the cross-validation "
			      "folds of one classifier (MEAN(...): over every fold of every classifier); f1, "
			      "precision, recall and auroc are macro averages. Not part of the scIB aggregate; "
			      "bold: best per metric." :
			      "scModelForge linear probe: logistic regression scored on a stratified 20% test "
			      "split. Not part of the scIB aggregate; bold: best per metric.")) < 0 ||
	    (rc = metrics_table(d, &t, sc)) < 0)
		goto out;
	if (o->figlink && (rc = bars_figure(r, &t, ds, v == VIEW_LP ? "label prediction by model and classifier" :
					    "linear probe by model", v == VIEW_LP ? "label_prediction" : "linear_probe",
					    o)) < 0)
		goto out;
	if (base && ((rc = dtab_build(base, ds, SC_FAMILY_SCIENTIFIC, v, &bt)) < 0 ||
		     (rc = deltas_table(d, &t, &bt, NULL)) < 0))
		goto out;
	rc = 0;
out:
	free(sc);
	dtab_release(&t);
	dtab_release(&bt);
	return rc < 0 ? rc : 0;
}

static int dataset_section(struct sc_report *r, const struct sc_metricset *s, const struct sc_metricset *base,
			   const char *ds, const struct sc_report_opts *o)
{
	struct dtab t, bt;
	double *sc = NULL, *agg = NULL;
	size_t *ord = NULL;
	char h[512];
	int rc, has_scib = 0;
	memset(&bt, 0, sizeof bt);
	if ((rc = dtab_build(s, ds, SC_FAMILY_SCIENTIFIC, VIEW_MAIN, &t)) < 0)
		goto out;
	snprintf(h, sizeof h, "Dataset `%s`", ds);
	if ((rc = sc_doc_heading(r->doc, 2, h)) < 0)
		goto out;
	if (t.nm && t.nc) {
		rc = SC_ENOMEM;
		if (!(sc = sc_calloc(t.nm * t.nc + 1, sizeof *sc)) || !(agg = sc_calloc(t.nm * 3 + 1, sizeof *agg)) ||
		    !(ord = sc_calloc(t.nm + 1, sizeof *ord)))
			goto out;
		scale_cols(&t, sc);
		for (size_t c = 0; c < t.nc; c++)
			has_scib |= t.cols[c].group < 2;
		aggregate(&t, sc, o->minmax, agg);
		if (!has_scib) /* rank on the mean scaled score of every metric */
			for (size_t m = 0; m < t.nm; m++) {
				double sum = 0;
				size_t n = 0;
				for (size_t c = 0; c < t.nc; c++)
					if (!isnan(sc[m * t.nc + c])) {
						sum += sc[m * t.nc + c];
						n++;
					}
				agg[m * 3 + 2] = n ? sum / (double)n : NAN;
			}
		for (size_t m = 0; m < t.nm; m++)
			ord[m] = m;
		{
			double *tot = sc_calloc(t.nm + 1, sizeof *tot);
			if (!tot)
				goto out;
			for (size_t m = 0; m < t.nm; m++)
				tot[m] = agg[m * 3 + 2];
			struct rank_ctx rc_ = { tot, t.models };
			qsort_r(ord, t.nm, sizeof *ord, cmp_rank, &rc_);
			free(tot);
		}
		snprintf(h, sizeof h, "%zu models, %zu metrics; bold: best per metric. Values are means over seeds "
			 "(± sd when there are several).", t.nm, t.nc);
		if ((rc = sc_doc_heading(r->doc, 3, "Metrics")) < 0 || (rc = sc_doc_para(r->doc, h)) < 0 ||
		    (rc = metrics_table(r->doc, &t, sc)) < 0)
			goto out;
		snprintf(h, sizeof h, has_scib ? "scIB aggregate: bio conservation and batch correction are the means "
			 "of their metrics%s; total = 0.6 bio + 0.4 batch. Ranked by total." :
			 "No scIB metric: models ranked by their mean min-max scaled score%s.",
			 has_scib ? (o->minmax ? " after min-max scaling across models" : " (unscaled)") : "");
		if ((rc = sc_doc_heading(r->doc, 3, "Ranking")) < 0 || (rc = sc_doc_para(r->doc, h)) < 0 ||
		    (rc = ranking_table(r->doc, &t, agg, ord, has_scib)) < 0)
			goto out;
		if (base) {
			if ((rc = dtab_build(base, ds, SC_FAMILY_SCIENTIFIC, VIEW_MAIN, &bt)) < 0 ||
			    (rc = sc_doc_heading(r->doc, 3, "Change from the baseline")) < 0 ||
			    (rc = deltas_table(r->doc, &t, &bt, "No metric of this dataset is in the baseline.")) < 0)
				goto out;
		}
		if (o->figlink && ((rc = sc_doc_heading(r->doc, 3, "Figures")) < 0 ||
				   (rc = figures(r, &t, sc, agg, ord, has_scib, ds, o)) < 0))
			goto out;
	}
	if ((rc = label_section(r, s, base, ds, VIEW_LP, o)) < 0 || (rc = label_section(r, s, base, ds, VIEW_PROBE, o)) < 0)
		goto out;
	rc = perf_section(r->doc, s, ds);
out:
	free(sc);
	free(agg);
	free(ord);
	dtab_release(&t);
	dtab_release(&bt);
	return rc;
}

static int provenance(struct sc_doc *d, const struct sc_metricset *s, const struct sc_report_input *in, size_t nin)
{
	static const char *h[] = { "input", "records", "sha256" };
	char **tools = NULL, **flav = NULL;
	size_t nt = 0, nf = 0;
	int rc;
	if ((rc = sc_doc_heading(d, 2, "Provenance")) < 0 || (rc = sc_doc_table(d, 3, h, "lrl")) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < nin; i++) {
		size_t cnt = 0;
		char n[32];
		const char *cells[3];
		for (size_t k = 0; k < s->n; k++)
			cnt += !strcmp(s->r[k].file, in[i].name);
		snprintf(n, sizeof n, "%zu", cnt);
		cells[0] = in[i].name;
		cells[1] = n;
		cells[2] = in[i].sha256 ? in[i].sha256 : "(stdin)";
		rc = sc_doc_row(d, cells);
	}
	for (size_t k = 0; rc >= 0 && k < s->n; k++) {
		if (*s->r[k].tool)
			rc = find_or_add(&tools, &nt, s->r[k].tool);
		if (rc >= 0 && *s->r[k].flavor)
			rc = find_or_add(&flav, &nf, s->r[k].flavor);
	}
	if (rc >= 0) {
		struct sc_buf b = SC_BUF_INIT;
		if (tools)
			qsort(tools, nt, sizeof *tools, cmp_str);
		if (flav)
			qsort(flav, nf, sizeof *flav, cmp_str);
		rc = sc_buf_adds(&b, "Tools: ");
		for (size_t i = 0; rc == 0 && i < nt; i++)
			rc = sc_buf_addf(&b, "%s`%s`", i ? ", " : "", tools[i]);
		if (rc == 0 && !nt)
			rc = sc_buf_adds(&b, "not recorded");
		if (rc == 0)
			rc = sc_buf_adds(&b, ". Metric flavours: ");
		for (size_t i = 0; rc == 0 && i < nf; i++)
			rc = sc_buf_addf(&b, "%s`%s`", i ? ", " : "", flav[i]);
		if (rc == 0)
			rc = sc_buf_addf(&b, "%s. This report is a pure function of these inputs: rerunning report-md on "
					 "them gives the same bytes.", nf ? "" : "not recorded");
		if (rc == 0)
			rc = sc_doc_para(d, b.data);
		sc_buf_release(&b);
	}
	for (size_t i = 0; i < nt; i++)
		free(tools[i]);
	for (size_t i = 0; i < nf; i++)
		free(flav[i]);
	free(tools);
	free(flav);
	return rc < 0 ? rc : 0;
}

static int sources(struct sc_doc *d, const struct sc_metricset *s)
{
	static const char *h[] = { "dataset", "model", "metric", "seed", "value", "source" };
	int rc;
	if ((rc = sc_doc_heading(d, 2, "Sources")) < 0 ||
	    (rc = sc_doc_para(d, "Every number above comes from these records (file:line).")) < 0 ||
	    (rc = sc_doc_table(d, 6, h, "lllrrl")) < 0)
		return rc;
	for (size_t k = 0; rc == 0 && k < s->n; k++) {
		const struct sc_mrec *r = &s->r[k];
		char seed[32], v[32], src[1024], *lab = src_label(r);
		const char *cells[6];
		if (!lab)
			return SC_ENOMEM;
		if (r->seed >= 0)
			snprintf(seed, sizeof seed, "%lld", r->seed);
		else if (r->repeat >= 0)
			snprintf(seed, sizeof seed, "r%lld", r->repeat);
		else
			seed[0] = '\0';
		if (isnan(r->value))
			snprintf(v, sizeof v, "null");
		else
			snprintf(v, sizeof v, "%.6g", r->value);
		snprintf(src, sizeof src, "%s:%ld", r->file, r->line);
		cells[0] = r->dataset;
		cells[1] = r->model;
		cells[2] = lab;
		cells[3] = seed;
		cells[4] = v;
		cells[5] = src;
		rc = sc_doc_row(d, cells);
		free(lab);
	}
	return rc;
}

void sc_report_release(struct sc_report *r)
{
	if (!r)
		return;
	sc_doc_free(r->doc);
	for (size_t i = 0; i < r->nfig; i++) {
		free(r->fig[i].name);
		free(r->fig[i].svg);
	}
	free(r->fig);
	memset(r, 0, sizeof *r);
}

int sc_report_build(const struct sc_metricset *cur, const struct sc_metricset *base,
		    const struct sc_report_input *in, size_t nin, const struct sc_report_opts *o,
		    struct sc_report *out)
{
	char **ds = NULL, intro[512];
	size_t nds = 0;
	int rc = 0;
	memset(out, 0, sizeof *out);
	if (!(out->doc = sc_doc_new()))
		return SC_ENOMEM;
	for (size_t i = 0; rc >= 0 && i < cur->n; i++)
		rc = find_or_add(&ds, &nds, cur->r[i].dataset);
	if (rc < 0)
		goto out;
	if (ds)
		qsort(ds, nds, sizeof *ds, cmp_str);
	snprintf(intro, sizeof intro, "%zu metric records from %zu input%s, %zu dataset%s%s.", cur->n, nin,
		 nin == 1 ? "" : "s", nds, nds == 1 ? "" : "s", base ? "; compared with a baseline" : "");
	if ((rc = sc_doc_heading(out->doc, 1, o->title)) < 0 || (rc = sc_doc_para(out->doc, intro)) < 0)
		goto out;
	for (size_t i = 0; rc == 0 && i < nds; i++)
		rc = dataset_section(out, cur, base, *ds[i] ? ds[i] : "", o);
	if (rc == 0)
		rc = provenance(out->doc, cur, in, nin);
	if (rc == 0 && o->sources)
		rc = sources(out->doc, cur);
out:
	for (size_t i = 0; i < nds; i++)
		free(ds[i]);
	free(ds);
	if (rc < 0)
		sc_report_release(out);
	return rc < 0 ? rc : 0;
}
