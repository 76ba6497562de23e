/* normalize_total/log1p, HVG ties and PCA on hand-checkable matrices. */
#include <math.h>

#include "../../libcommon/hvg.h"
#include "../../libcommon/pca.h"
#include "tap.h"

int main(void)
{
	/* totals 2, 6, 4 -> median 4: rows scaled by 2, 2/3, 1, then log1p */
	float X[6] = { 1, 1, 3, 3, 0, 4 }, T;
	ok(sc_normalize_log1p(X, 3, 2, 2, &T) == 0, "normalize runs");
	is_near(T, 4, 0, "target is the median total");
	is_near(X[0], log1p(2.0), 1e-6, "row 1 scaled to the median");
	is_near(X[2], log1p(2.0), 1e-6, "row 2 scaled to the median");
	is_near(X[5], log1p(4.0), 1e-6, "row 3 unchanged");
	float Z[4] = { 0, 0, 1, 1 };
	ok(sc_normalize_log1p(Z, 2, 2, 1, &T) == 0 && Z[0] == 0 && Z[1] == 0, "a zero row stays zero");
	float B[2] = { 1, -1 };
	ok(sc_normalize_log1p(B, 1, 2, 1, &T) == SC_EINPUT, "negative counts refused");

	/* 3 genes with means far apart: each alone in its bin, so each gets z = 1 (scanpy sets a
	 * singleton bin to mean 0, std = its mean); asking for the top 1 keeps all three tied */
	float H[15];
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 3; j++)
			H[i * 3 + j] = (float)log1p(pow(10, j) * (1 + 0.2 * (i % 3)));
	uint8_t sel[3];
	int64_t ns;
	double z[3];
	ok(sc_hvg_seurat(H, 5, 3, 1, 2, sel, &ns, z) == 0, "hvg runs");
	is_near(z[1], 1.0, 1e-12, "singleton bin: z = 1");
	ok(sel[0] && sel[1] && sel[2] && ns == 3, "ties at the cutoff select all (%lld selected)",
	   (long long)ns);
	ok(sc_hvg_seurat(H, 5, 3, 10, 1, sel, &ns, z) == 0 && ns == 3, "n_top > genes selects all");

	/* rank-1 data: all variance on one component, score signs as svd_flip */
	float P[8] = { 1, 2, 2, 4, 3, 6, -6, -12 }, s[4];
	double ratio[1];
	ok(sc_pca_run(P, 4, 2, 1, 1, s, ratio) == 0, "pca runs");
	is_near(ratio[0], 1.0, 1e-6, "rank-1 data: variance ratio 1");
	ok(s[3] > 0, "largest-|score| entry is positive (svd_flip)");
	is_near(fabs(s[3]), 30 / sqrt(5.0), 1e-4, "score = centred projection");
	ok(sc_pca_run(P, 4, 2, 4, 1, s, ratio) == SC_EINPUT, "too many components refused");
	return tap_done();
}
