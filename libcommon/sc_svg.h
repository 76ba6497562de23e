/* SVG figures for report-md, deterministic: fixed viewBox and sizes, no ids, no timestamps,
 * generic font families, coordinates with one decimal. Returned strings are owned by the
 * caller (free) and NULL on failure with the error set. */
#ifndef SC_SVG_H
#define SC_SVG_H

#include <stddef.h>

/* A scIB-style results table: one row per model (in the given order), one column per metric
 * with a circle whose size and colour show the column-scaled score (scaled in [0,1]) and the
 * raw value printed beside it; columns are grouped under group labels; aggregate columns
 * (bio, batch, total) are drawn as bars of their value in [0,1]. NaN cells show "n/a". */
struct sc_svg_table {
	const char *title;
	size_t nrows, ncols, nagg;
	const char *const *rows, *const *cols, *const *groups; /* groups: one label per column */
	const double *value, *scaled;                          /* nrows x ncols, row-major */
	const char *const *agg_names;
	const double *agg;                                     /* nrows x nagg */
};
char *sc_svg_results_table(const struct sc_svg_table *t);

/* Small multiples of horizontal bars: one panel per metric, one bar per model, value labels,
 * a zero-based axis (or the data range when values are negative), "higher is better" or
 * "lower is better" under each panel title. */
struct sc_svg_bars {
	const char *title;
	size_t nmodels, nmetrics;
	const char *const *models, *const *metrics;
	const double *value; /* nmetrics x nmodels */
	const int *hib;      /* per metric: 1, 0, or -1 unknown */
};
char *sc_svg_metric_bars(const struct sc_svg_bars *b);

#endif
