/* grn-score: scModelForge's gene-network recovery score of an embedding (gene representations
 * from expressing cells, cosine per truth edge, AUROC/AUPRC); metric JSONL out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "grn.h"
#include "pca_baseline.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: grn-score --expr MATRIX --var VAR --truth TSV [--min-cells N]\n"
		"                 [--dataset NAME] [--model NAME] [-o FILE] EMBEDDING\n"
		"  EMBEDDING        cell embedding matrix stream (- = stdin)\n"
		"  --expr MATRIX    expression matrix stream, cells x genes (X > 0 = expressed)\n"
		"  --var VAR        gene table JSONL (var_name per expression column)\n"
		"  --truth TSV      edges: header with gene1, gene2, weight (weight > 0 = edge)\n"
		"  --min-cells N    expressing cells a gene needs (default 10)\n"
		"  --dataset, --model  context written into every record\n"
		"  -o FILE          output (default stdout)\n"
		"  -q, -v, --version, -h\n");
}

enum { O_EXPR = SC_OPT_FIRST_PRIVATE, O_VAR, O_TRUTH, O_MINC, O_DATASET, O_MODEL };

struct opts {
	const char *expr, *var, *truth, *out, *in, *dataset, *model;
	long long min_cells;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "expr", required_argument, NULL, O_EXPR },
		{ "var", required_argument, NULL, O_VAR },
		{ "truth", required_argument, NULL, O_TRUTH },
		{ "min-cells", required_argument, NULL, O_MINC },
		{ "dataset", required_argument, NULL, O_DATASET },
		{ "model", required_argument, NULL, O_MODEL },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_EXPR: o->expr = optarg; break;
		case O_VAR: o->var = optarg; break;
		case O_TRUTH: o->truth = optarg; break;
		case O_MINC: rc = sc_parse_long("--min-cells", optarg, 1, INT64_MAX, &o->min_cells); break;
		case O_DATASET: o->dataset = optarg; break;
		case O_MODEL: o->model = optarg; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (optind != argc - 1)
		return sc_seterr(SC_EUSAGE, optind < argc ? "one EMBEDDING argument expected" : "EMBEDDING missing");
	o->in = argv[optind];
	if (!o->expr || !o->var || !o->truth)
		return sc_seterr(SC_EUSAGE, "--expr, --var and --truth are required");
	return 0;
}

static int write_records(struct sc_stream *s, const struct sc_grn_result *r,
			 const struct opts *o)
{
	struct sc_metric_ctx ctx = { "grn_inference", o->dataset, o->model, "scmodelforge" };
	static const char *const names[4] = { "auroc", "auprc", "n_genes_evaluated",
					      "n_edges_evaluated" };
	double v[4] = { r->auroc, r->auprc, (double)r->n_genes, (double)r->n_edges };
	int ret = 0;
	for (int m = 0; m < 4 && !ret; m++) {
		cJSON *rec = sc_metric_new(&ctx, names[m], v[m], m < 2 ? r->reason : NULL);
		if (!rec)
			return SC_ENOMEM;
		cJSON *par = cJSON_AddObjectToObject(rec, "params");
		cJSON_AddNumberToObject(par, "min_cells_per_gene", (double)o->min_cells);
		ret = sc_jsonl_write(s, rec);
		cJSON_Delete(rec);
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { .min_cells = 10 };
	struct sc_stream *in = NULL, *ex = NULL, *var = NULL, *tr = NULL, *out = NULL;
	struct sc_matrix E = SC_MATRIX_INIT, X = SC_MATRIX_INIT;
	struct sc_grn_truth t = SC_GRN_TRUTH_INIT;
	struct sc_grn_result r;
	char **names = NULL;
	int64_t nn = 0, bad;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(in = sc_open(o.in, "r")) || !(ex = sc_open(o.expr, "r")) ||
	    !(var = sc_open(o.var, "r")) || !(tr = sc_open(o.truth, "r")) ||
	    !(out = sc_open(o.out, "w")))
		goto fail;
	if (sc_grn_truth_read(tr, &t) < 0 || sc_var_names_read(var, &names, &nn) < 0 ||
	    sc_mat_read(in, &E) < 0 || sc_mat_read(ex, &X) < 0)
		goto fail;
	if (E.rows != X.rows || X.cols != nn) {
		sc_seterr(SC_EINPUT, "shapes disagree: embedding %lld cells, expression %lld x %lld, "
				     "var table %lld genes",
			  (long long)E.rows, (long long)X.rows, (long long)X.cols, (long long)nn);
		goto fail;
	}
	if ((bad = sc_mat_first_nonfinite(&E)) >= 0 || (bad = sc_mat_first_nonfinite(&X)) >= 0) {
		sc_seterr(SC_EINPUT, "NaN or Inf in the %s (row %lld)",
			  sc_mat_first_nonfinite(&E) >= 0 ? "embedding" : "expression", (long long)bad);
		goto fail;
	}
	if (sc_grn_score(E.data, E.rows, E.cols, X.data, X.cols, names, &t, o.min_cells, &r) < 0 ||
	    write_records(out, &r, &o) < 0)
		goto fail;
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(out);
	sc_abort(in);
	sc_abort(ex);
	sc_abort(var);
	sc_abort(tr);
	sc_mat_release(&E);
	sc_mat_release(&X);
	sc_grn_truth_release(&t);
	sc_var_names_free(names, nn);
	return ret;
}
