/* czbenchmarks' perturbation expression prediction task. */
#include "perturb_czb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "jsonl_column.h"
#include "name_index.h"
#include "np_random.h"
#include "pca_baseline.h"
#include "sc_alloc.h"
#include "sc_json.h"
#include "sc_matrix.h"

/* sorted name index; lookup returns the first position of s, or -1 */
static struct sc_name_ix *index_names(char *const *v, int64_t n)
{
	struct sc_name_ix *x = sc_malloc((size_t)n + 1, sizeof(*x));
	if (!x)
		return NULL;
	for (int64_t i = 0; i < n; i++)
		x[i] = (struct sc_name_ix){ v[i], i };
	sc_name_ix_sort(x, n);
	return x;
}

static int64_t lookup(const struct sc_name_ix *x, int64_t n, const char *s)
{
	return sc_name_ix_find(x, n, s, 0);
}

static int parse_num(const char *s, double *v)
{
	char *end;
	if (!*s || !strcmp(s, "nan") || !strcmp(s, "NaN")) {
		*v = NAN;
		return 0;
	}
	*v = strtod(s, &end);
	return *end ? -1 : 0;
}

/* Score one condition's target rows tgt[0..nt) (DE row indices). */
static int score_cond(const float *pred, int64_t g, const struct sc_name_ix *gx, const struct sc_name_ix *cx,
		      int64_t n, const struct sc_tsv *de, int cg, int cl, const int64_t *tgt,
		      int64_t nt, const struct sc_tsv *cm, int mc, int mt, int mk, const char *cond,
		      int difference, struct sc_pczb_cond *o)
{
	int ret = SC_ENOMEM;
	int64_t *gi = sc_malloc((size_t)nt + 1, sizeof(*gi)), *tr = NULL, *ct = NULL, np = 0, ng = 0;
	double *truth = sc_malloc((size_t)nt + 1, sizeof(*truth));
	double *tm = sc_calloc((size_t)nt + 1, sizeof(*tm)), *cmn = sc_calloc((size_t)nt + 1, sizeof(*cmn));
	double *eff = sc_malloc((size_t)nt + 1, sizeof(*eff));
	if (!gi || !truth || !tm || !cmn || !eff)
		goto out;
	for (int64_t k = 0; k < nt; k++) {
		double v;
		const char *gene = sc_tsv_get(de, tgt[k], cg);
		for (int64_t q = 0; q < k; q++)
			if (!strcmp(sc_tsv_get(de, tgt[q], cg), gene)) {
				ret = sc_seterr(SC_EINPUT, "condition '%s' lists gene '%s' twice", cond,
						gene);
				goto out;
			}
		if (parse_num(sc_tsv_get(de, tgt[k], cl), &v) < 0 || isnan(v))
			continue;
		int64_t j = lookup(gx, g, gene);
		if (j < 0)
			continue;
		gi[ng] = j;
		truth[ng++] = v;
	}
	tr = sc_malloc((size_t)cm->nrow + 1, sizeof(*tr));
	ct = sc_malloc((size_t)cm->nrow + 1, sizeof(*ct));
	if (!tr || !ct)
		goto out;
	for (int64_t r = 0; r < cm->nrow; r++) {
		if (strcmp(sc_tsv_get(cm, r, mc), cond))
			continue;
		int64_t a = lookup(cx, n, sc_tsv_get(cm, r, mt)), b = lookup(cx, n, sc_tsv_get(cm, r, mk));
		if (a < 0 || b < 0)
			continue;
		tr[np] = a;
		ct[np++] = b;
	}
	o->name = cond;
	o->n_genes = ng;
	o->n_pairs = np;
	o->used_difference = difference;
	if (np == 0 || ng == 0) {
		o->spearman = 0.0; /* means of nothing are NaN; czbenchmarks maps NaN to 0 */
		ret = 0;
		goto out;
	}
	for (int64_t p = 0; p < np; p++)
		for (int64_t k = 0; k < ng; k++) {
			tm[k] += pred[tr[p] * g + gi[k]];
			cmn[k] += pred[ct[p] * g + gi[k]];
		}
	int any_nonpos = 0;
	for (int64_t k = 0; k < ng; k++) {
		tm[k] /= (double)np;
		cmn[k] /= (double)np;
		any_nonpos |= tm[k] <= 0 || cmn[k] <= 0;
	}
	if (!difference && any_nonpos)
		o->used_difference = 1;
	for (int64_t k = 0; k < ng; k++)
		eff[k] = o->used_difference ? tm[k] - cmn[k] : log((tm[k] + 1e-8) / (cmn[k] + 1e-8));
	double rho = sc_spearman(truth, eff, ng);
	o->spearman = isnan(rho) ? 0.0 : rho;
	ret = 0;
out:
	free(gi);
	free(tr);
	free(ct);
	free(truth);
	free(tm);
	free(cmn);
	free(eff);
	return ret;
}

int sc_pczb_score(const float *pred, int64_t n, int64_t g, char *const *cells,
		  char *const *genes, const struct sc_tsv *de, const struct sc_tsv *cmap,
		  int difference, uint32_t seed, struct sc_pczb_cond **out, int64_t *nout)
{
	int ret, cc, cg, cl, cp, mc, mt, mk;
	int64_t *keep = NULL, nk = 0, *rows = NULL, *perm = NULL, ncond = 0;
	const char **cond = NULL;
	struct sc_name_ix *gx = NULL, *cx = NULL;
	struct sc_pczb_cond *res = NULL;
	struct sc_nprng rng;

	if ((ret = cc = sc_tsv_col(de, "condition")) < 0 || (ret = cg = sc_tsv_col(de, "gene")) < 0 ||
	    (ret = cl = sc_tsv_col(de, "logfoldchange")) < 0 ||
	    (ret = cp = sc_tsv_col(de, "pval_adj")) < 0 ||
	    (ret = mc = sc_tsv_col(cmap, "condition")) < 0 ||
	    (ret = mt = sc_tsv_col(cmap, "treated")) < 0 ||
	    (ret = mk = sc_tsv_col(cmap, "control")) < 0)
		return ret;
	ret = SC_ENOMEM;
	keep = sc_malloc((size_t)de->nrow + 1, sizeof(*keep));
	rows = sc_malloc((size_t)de->nrow + 1, sizeof(*rows));
	perm = sc_malloc((size_t)de->nrow + 1, sizeof(*perm));
	cond = sc_malloc((size_t)de->nrow + 1, sizeof(*cond));
	res = sc_calloc((size_t)de->nrow + 1, sizeof(*res));
	gx = index_names(genes, g);
	cx = index_names(cells, n);
	if (!keep || !rows || !perm || !cond || !res || !gx || !cx)
		goto out;
	for (int64_t r = 0; r < de->nrow; r++) {
		double p, l;
		if (parse_num(sc_tsv_get(de, r, cp), &p) < 0 || parse_num(sc_tsv_get(de, r, cl), &l) < 0) {
			ret = sc_seterr(SC_EINPUT, "DE table row %lld: pval_adj or logfoldchange is "
						   "not a number",
					(long long)r + 2);
			goto out;
		}
		if (p < 1e-4 && fabs(l) >= 1.0)
			keep[nk++] = r;
	}
	/* conditions in order of first appearance among the kept rows */
	for (int64_t q = 0; q < nk; q++) {
		const char *c = sc_tsv_get(de, keep[q], cc);
		int64_t k = 0;
		while (k < ncond && strcmp(cond[k], c))
			k++;
		if (k == ncond)
			cond[ncond++] = c;
	}
	sc_nprng_legacy(&rng, seed);
	*nout = 0;
	for (int64_t k = 0; k < ncond; k++) {
		int64_t m = 0;
		for (int64_t q = 0; q < nk; q++)
			if (!strcmp(sc_tsv_get(de, keep[q], cc), cond[k]))
				rows[m++] = keep[q];
		int64_t nt = m / 2; /* floor(0.5 * m) */
		if (nt < 5)
			continue;
		sc_nprng_permutation(&rng, perm, m);
		for (int64_t t = 0; t < nt; t++)
			perm[t] = rows[perm[t]];
		if ((ret = score_cond(pred, g, gx, cx, n, de, cg, cl, perm, nt, cmap, mc, mt, mk,
				      cond[k], difference, &res[*nout])) < 0)
			goto out;
		(*nout)++;
	}
	*out = res;
	res = NULL;
	ret = 0;
out:
	free(keep);
	free(rows);
	free(perm);
	free(cond);
	free(res);
	free(gx);
	free(cx);
	return ret;
}

int sc_perturb_czb_run(struct sc_stream *pred, struct sc_stream *obs, struct sc_stream *var,
		       struct sc_stream *de, struct sc_stream *cmap, int difference, uint32_t seed,
		       const struct sc_metric_ctx *ctx, struct sc_stream *out)
{
	struct sc_matrix P = SC_MATRIX_INIT;
	struct sc_tsv D = SC_TSV_INIT, C = SC_TSV_INIT;
	struct sc_pczb_cond *res = NULL;
	char **cells = NULL, **genes = NULL;
	int64_t nc = 0, ng = 0, nres = 0, bad;
	int ret;

	if ((ret = sc_jsonl_names_read(obs, "obs_name", &cells, &nc)) < 0 ||
	    (ret = sc_var_names_read(var, &genes, &ng)) < 0 || (ret = sc_tsv_read(de, &D)) < 0 ||
	    (ret = sc_tsv_read(cmap, &C)) < 0 || (ret = sc_mat_read(pred, &P)) < 0)
		goto out;
	if (P.rows != nc || P.cols != ng) {
		ret = sc_seterr(SC_EINPUT, "prediction is %lld x %lld but obs has %lld cells and var "
					   "%lld genes",
				(long long)P.rows, (long long)P.cols, (long long)nc, (long long)ng);
		goto out;
	}
	if ((bad = sc_mat_first_nonfinite(&P)) >= 0) {
		ret = sc_seterr(SC_EINPUT, "NaN or Inf in the prediction (row %lld)", (long long)bad);
		goto out;
	}
	if ((ret = sc_pczb_score(P.data, P.rows, P.cols, cells, genes, &D, &C, difference, seed,
				 &res, &nres)) < 0)
		goto out;
	for (int64_t k = 0; k < nres && !ret; k++) {
		cJSON *rec = sc_metric_new(ctx, "spearman_correlation_calculation", res[k].spearman,
					   NULL);
		if (!rec) {
			ret = SC_ENOMEM;
			break;
		}
		cJSON *par = cJSON_AddObjectToObject(rec, "params");
		cJSON_AddStringToObject(par, "condition", res[k].name);
		cJSON_AddNumberToObject(rec, "n_genes", (double)res[k].n_genes);
		cJSON_AddNumberToObject(rec, "n_pairs", (double)res[k].n_pairs);
		cJSON_AddStringToObject(rec, "operation", res[k].used_difference ? "difference" : "ratio");
		ret = sc_jsonl_write(out, rec);
		cJSON_Delete(rec);
	}
out:
	free(res);
	sc_mat_release(&P);
	sc_tsv_release(&D);
	sc_tsv_release(&C);
	sc_var_names_free(cells, nc);
	sc_var_names_free(genes, ng);
	return ret;
}
