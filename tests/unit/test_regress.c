/* Ridge, Pearson and Spearman on hand-checkable cases; the TSV reader. */
#include <math.h>
#include <string.h>

#include "../../libcommon/corr.h"
#include "../../libcommon/ridge.h"
#include "../../libcommon/tsv.h"
#include "tap.h"

int main(void)
{
	/* y = 2x + 1 exactly: alpha 0 recovers it; alpha 1: Xc = (-1,0,1), W = 4/3,
	 * b = 5 - 2 * 4/3 = 7/3 */
	double X[3] = { 1, 2, 3 }, Y[3] = { 3, 5, 7 }, W[1], b[1], out[3];
	ok(sc_ridge_fit(X, 3, 1, Y, 1, 0.0, W, b) == 0, "ridge alpha 0 runs");
	is_near(W[0], 2, 1e-12, "exact system: slope 2");
	is_near(b[0], 1, 1e-12, "exact system: intercept 1");
	ok(sc_ridge_fit(X, 3, 1, Y, 1, 1.0, W, b) == 0, "ridge alpha 1 runs");
	is_near(W[0], 4.0 / 3, 1e-12, "alpha 1: slope 4/3");
	is_near(b[0], 7.0 / 3, 1e-12, "alpha 1: intercept 7/3");
	sc_ridge_predict(X, 3, 1, W, b, 1, out);
	is_near(out[1], 5, 1e-12, "prediction at the mean is the mean");
	/* dual form (features > samples) equals the primal solution */
	double X2[6] = { 1, 0, 2, 1, 0, 1 }, Y2[3] = { 1, 2, 0 }, W2[3], b2[1];
	ok(sc_ridge_fit(X2, 2, 3, Y2, 1, 1.0, W2, b2) == 0, "dual ridge runs (3 features, 2 rows)");
	/* rows (1,0,2), (1,0,1): Xc = [[0,0,.5],[0,0,-.5]], yc = (-.5,.5); by the primal form
	 * W = (Xc^T Xc + I)^-1 Xc^T yc = (0, 0, -.5) / 1.5 */
	is_near(W2[0], 0, 1e-12, "dual ridge w0");
	is_near(W2[2], -1.0 / 3, 1e-12, "dual ridge w2 = primal");
	double a[5] = { 1, 2, 3, 4, 5 }, c[5] = { 5, 6, 7, 8, 7 }, k[5] = { 2, 2, 2, 2, 2 };
	is_near(sc_pearson(a, a, 5), 1, 1e-15, "pearson of x with itself");
	ok(isnan(sc_pearson(a, k, 5)), "pearson with a constant is NaN");
	/* ranks of c: 1 2 3.5 5 3.5 ; spearman = pearson(1..5, ranks) */
	double rk[5];
	ok(sc_rank_average(c, 5, rk) == 0 && rk[2] == 3.5 && rk[4] == 3.5 && rk[3] == 5,
	   "average ranks share ties");
	is_near(sc_spearman(a, c, 5), sc_pearson(a, rk, 5), 1e-15, "spearman = pearson on ranks");
	is_near(sc_pearson(a, rk, 5), 0.82078268166812329, 1e-12, "spearman value");

	struct sc_tsv t;
	const char *s = "a\tb\r\n1\t2\n\n3\t4";
	ok(sc_tsv_parse(s, strlen(s), &t) == 0 && t.nrow == 2 && t.ncol == 2, "tsv: 2 rows");
	ok(!strcmp(sc_tsv_get(&t, 1, 1), "4") && !strcmp(t.head[1], "b"), "tsv fields, CR dropped");
	ok(sc_tsv_col(&t, "b") == 1 && sc_tsv_col(&t, "z") == SC_EINPUT, "tsv column lookup");
	sc_tsv_release(&t);
	ok(sc_tsv_parse("a\tb\n1\n", 6, &t) == SC_EINPUT, "tsv: short row refused");
	return tap_done();
}
