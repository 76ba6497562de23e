/* Deterministic SVG rendering of results tables and bar panels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_alloc.h"
#include "sc_svg.h"

#define FONT "font-family=\"sans-serif\""

static const char *palette[] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
				 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac" };

/* viridis-like ramp through five anchors */
static void ramp(double v, char out[8])
{
	static const int a[5][3] = { { 68, 1, 84 }, { 59, 82, 139 }, { 33, 145, 140 }, { 94, 201, 98 }, { 253, 231, 37 } };
	double x = (isnan(v) ? 0 : v < 0 ? 0 : v > 1 ? 1 : v) * 4;
	int i = x >= 4 ? 3 : (int)x;
	double f = x - i;
	snprintf(out, 8, "#%02x%02x%02x", (int)lround(a[i][0] + f * (a[i + 1][0] - a[i][0])),
		 (int)lround(a[i][1] + f * (a[i + 1][1] - a[i][1])), (int)lround(a[i][2] + f * (a[i + 1][2] - a[i][2])));
}

static int esc(struct sc_buf *o, const char *s)
{
	int rc = 0;
	for (; rc == 0 && *s; s++)
		rc = *s == '&' ? sc_buf_adds(o, "&amp;") : *s == '<' ? sc_buf_adds(o, "&lt;") :
		     *s == '>' ? sc_buf_adds(o, "&gt;") : *s == '"' ? sc_buf_adds(o, "&quot;") :
		     (unsigned char)*s < 0x20 ? sc_buf_adds(o, " ") : sc_buf_add(o, s, 1);
	return rc;
}

/* <text> with escaped content. */
static int text(struct sc_buf *o, double x, double y, const char *anchor, int size, const char *weight,
		const char *fill, const char *s)
{
	int rc = sc_buf_addf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s%s%s fill=\"%s\">",
			     x, y, anchor, size, weight ? " font-weight=\"" : "", weight ? weight : "",
			     weight ? "\"" : "", fill);
	if (rc == 0)
		rc = esc(o, s);
	return rc ? rc : sc_buf_adds(o, "</text>\n");
}

static char *finish(struct sc_buf *o, int rc)
{
	if (rc == 0)
		rc = sc_buf_adds(o, "</svg>\n");
	if (rc < 0) {
		sc_buf_release(o);
		return NULL;
	}
	return o->data;
}

static int header(struct sc_buf *o, double w, double h)
{
	return sc_buf_addf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
			      "viewBox=\"0 0 %.0f %.0f\" " FONT ">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
			   w, h, w, h);
}

static void fmt3(double v, char *out)
{
	if (isnan(v))
		strcpy(out, "n/a");
	else
		snprintf(out, 32, "%.3f", v);
}

/* Column headers, rotated, with group labels and brackets above. */
static int table_heads(struct sc_buf *o, const struct sc_svg_table *t, double x0, double cw, double top)
{
	int rc = 0;
	for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
		size_t e = c;
		double cx = x0 + (c + 0.5) * cw;
		if (c == 0 || strcmp(t->groups[c], t->groups[c - 1]) != 0) {
			while (e + 1 < t->ncols && !strcmp(t->groups[e + 1], t->groups[c]))
				e++;
			rc = text(o, x0 + (c + e + 1) * cw / 2, top - 96, "middle", 13, "bold", "#333333", t->groups[c]);
			if (rc == 0)
				rc = sc_buf_addf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\"/>\n",
						 x0 + c * cw + 4, top - 90, x0 + (e + 1) * cw - 4, top - 90);
		}
		if (rc == 0)
			rc = sc_buf_addf(o, "<text transform=\"translate(%.1f,%.1f) rotate(-40)\" font-size=\"12\" "
					    "fill=\"#333333\">", cx - 6, top - 8);
		if (rc == 0 && (rc = esc(o, t->cols[c])) == 0)
			rc = sc_buf_adds(o, "</text>\n");
	}
	return rc;
}

char *sc_svg_results_table(const struct sc_svg_table *t)
{
	struct sc_buf o = SC_BUF_INIT;
	double namew = 170, cw = 78, aw = 110, top = 150, rh = 34;
	double x0 = namew + 20, xa = x0 + t->ncols * cw + 20;
	double w = xa + t->nagg * aw + 20, h = top + t->nrows * rh + 50;
	int rc = header(&o, w, h);
	char num[32], col[8];
	if (rc == 0)
		rc = text(&o, 16, 28, "start", 18, "bold", "#111111", t->title);
	if (rc == 0)
		rc = table_heads(&o, t, x0, cw, top);
	for (size_t a = 0; rc == 0 && a < t->nagg; a++) {
		rc = sc_buf_addf(&o, "<text transform=\"translate(%.1f,%.1f) rotate(-40)\" font-size=\"12\" "
				     "font-weight=\"bold\" fill=\"#333333\">", xa + a * aw + 10, top - 8);
		if (rc == 0 && (rc = esc(&o, t->agg_names[a])) == 0)
			rc = sc_buf_adds(&o, "</text>\n");
	}
	if (rc == 0 && t->nagg)
		rc = text(&o, xa + t->nagg * aw / 2, top - 96, "middle", 13, "bold", "#333333", "Aggregate score");
	for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
		double y = top + r * rh;
		if (r % 2 == 0)
			rc = sc_buf_addf(&o, "<rect x=\"8\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f4f4f4\"/>\n",
					 y, w - 16, rh);
		if (rc == 0)
			rc = text(&o, namew + 6, y + rh / 2 + 4, "end", 13, NULL, "#111111", t->rows[r]);
		for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
			double v = t->value[r * t->ncols + c], s = t->scaled[r * t->ncols + c];
			double cx = x0 + c * cw + 18;
			fmt3(v, num);
			ramp(s, col);
			if (!isnan(v))
				rc = sc_buf_addf(&o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#555555\" "
						     "stroke-width=\"0.5\"/>\n", cx, y + rh / 2, 4 + 9 * (isnan(s) ? 0 : s), col);
			if (rc == 0)
				rc = text(&o, cx + 16, y + rh / 2 + 4, "start", 11, NULL, "#333333", num);
		}
		for (size_t a = 0; rc == 0 && a < t->nagg; a++) {
			double v = t->agg[r * t->nagg + a], bw = aw - 50, x = xa + a * aw;
			double f = isnan(v) ? 0 : v < 0 ? 0 : v > 1 ? 1 : v;
			fmt3(v, num);
			ramp(f, col);
			rc = sc_buf_addf(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#e6e6e6\"/>\n"
					     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
					 x, y + 8, bw, rh - 16, x, y + 8, bw * f, rh - 16, col);
			if (rc == 0)
				rc = text(&o, x + bw + 4, y + rh / 2 + 4, "start", 11, a + 1 == t->nagg ? "bold" : NULL,
					  "#111111", num);
		}
	}
	if (rc == 0)
		rc = text(&o, 16, h - 18, "start", 11, NULL, "#666666",
			  "circle size and colour: score scaled across models per metric; numbers: raw values");
	return finish(&o, rc);
}

char *sc_svg_metric_bars(const struct sc_svg_bars *b)
{
	struct sc_buf o = SC_BUF_INIT;
	size_t ncol = b->nmetrics < 3 ? b->nmetrics : 3, nrow = (b->nmetrics + ncol - 1) / (ncol ? ncol : 1);
	double labw = 130, pw = 330, bh = 18, ph = 60 + b->nmodels * (bh + 6), top = 50;
	double w = ncol * pw + 20, h = top + nrow * ph + 10;
	int rc = header(&o, w, h);
	char num[32];
	if (rc == 0)
		rc = text(&o, 16, 28, "start", 18, "bold", "#111111", b->title);
	for (size_t m = 0; rc == 0 && m < b->nmetrics; m++) {
		double px = 10 + (m % ncol) * pw, py = top + (m / ncol) * ph, lo = 0, hi = 0, span;
		double ax = px + labw, aw = pw - labw - 60;
		for (size_t k = 0; k < b->nmodels; k++) {
			double v = b->value[m * b->nmodels + k];
			if (!isnan(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
		span = hi - lo > 0 ? hi - lo : 1;
		rc = text(&o, px + 4, py + 14, "start", 13, "bold", "#222222", b->metrics[m]);
		if (rc == 0)
			rc = text(&o, px + 4, py + 28, "start", 10, NULL, "#777777",
				  b->hib[m] == 1 ? "higher is better" : b->hib[m] == 0 ? "lower is better" : "");
		if (rc == 0)
			rc = sc_buf_addf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>\n",
					 ax + aw * (0 - lo) / span, py + 36, ax + aw * (0 - lo) / span, py + ph - 14);
		for (size_t k = 0; rc == 0 && k < b->nmodels; k++) {
			double v = b->value[m * b->nmodels + k], y = py + 38 + k * (bh + 6);
			double x1 = ax + aw * (0 - lo) / span, x2 = isnan(v) ? x1 : ax + aw * (v - lo) / span;
			fmt3(v, num);
			rc = text(&o, ax - 6, y + bh - 5, "end", 11, NULL, "#222222", b->models[k]);
			if (rc == 0 && !isnan(v))
				rc = sc_buf_addf(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
						 fmin(x1, x2), y, fabs(x2 - x1), bh, palette[k % 10]);
			if (rc == 0)
				rc = text(&o, fmax(x1, x2) + 4, y + bh - 5, "start", 11, NULL, "#222222", num);
		}
	}
	return finish(&o, rc);
}
