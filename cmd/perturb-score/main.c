/* perturb-score: perturbation-response prediction scores: scModelForge's ridge benchmark
 * against the mean-shift baseline, or czbenchmarks' Spearman over masked DE genes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"
#include "perturb.h"
#include "perturb_czb.h"
#include "sc_stream_util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: perturb-score --obs OBS --perturbation-key KEY [--control NAME]\n"
		"                     --expr MATRIX [--n-top-genes N] [--test-fraction F] [--seed N]\n"
		"                     [--dataset NAME] [--model NAME] [-o FILE] EMBEDDING\n"
		"       perturb-score --protocol czbenchmarks --obs OBS --var VAR --de TSV\n"
		"                     --control-map TSV [--operation ratio|difference] [--seed N]\n"
		"                     [-o FILE] PREDICTION\n"
		"  scModelForge (default): EMBEDDING cell embedding; --expr expression (cells x genes);\n"
		"    --perturbation-key column of OBS; --control label (default control);\n"
		"    --n-top-genes (50), --test-fraction (0.2), --seed (42)\n"
		"  czbenchmarks: PREDICTION predicted expression (cells x genes), rows named by\n"
		"    obs_name in OBS, columns by var_name in VAR; --de TSV condition, gene,\n"
		"    logfoldchange, pval_adj; --control-map TSV condition, treated, control\n"
		"  -o FILE  output (default stdout)   -q, -v, --version, -h\n");
}

enum { O_OBS = SC_OPT_FIRST_PRIVATE, O_KEY, O_CTRL, O_EXPR, O_NTOP, O_TF, O_PROTO, O_VAR, O_DE,
       O_CMAP, O_OP, O_DATASET, O_MODEL };

struct opts {
	const char *obs, *key, *expr, *out, *in, *var, *de, *cmap, *dataset, *model;
	int czb, difference;
	struct sc_perturb_params p;
};

static int parse_opts(int argc, char **argv, struct opts *o, int *exit_now)
{
	static const struct option lo[] = {
		{ "obs", required_argument, NULL, O_OBS },
		{ "perturbation-key", required_argument, NULL, O_KEY },
		{ "control", required_argument, NULL, O_CTRL },
		{ "expr", required_argument, NULL, O_EXPR },
		{ "n-top-genes", required_argument, NULL, O_NTOP },
		{ "test-fraction", required_argument, NULL, O_TF },
		{ "protocol", required_argument, NULL, O_PROTO },
		{ "var", required_argument, NULL, O_VAR },
		{ "de", required_argument, NULL, O_DE },
		{ "control-map", required_argument, NULL, O_CMAP },
		{ "operation", required_argument, NULL, O_OP },
		{ "dataset", required_argument, NULL, O_DATASET },
		{ "model", required_argument, NULL, O_MODEL },
		{ "seed", required_argument, NULL, SC_OPT_SEED },
		{ "output", required_argument, NULL, 'o' },
		SC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	long long v;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "ho:qv", lo, NULL)) != -1) {
		if (sc_opts_common(c, exit_now))
			continue;
		switch (c) {
		case 'h': usage(stdout); *exit_now = 1; return 0;
		case 'o': o->out = optarg; break;
		case O_OBS: o->obs = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_CTRL: o->p.control = optarg; break;
		case O_EXPR: o->expr = optarg; break;
		case O_NTOP: rc = sc_parse_long("--n-top-genes", optarg, 1, INT32_MAX, &v); o->p.n_top = v; break;
		case O_TF: rc = sc_parse_double("--test-fraction", optarg, 0, 1, &o->p.test_fraction); break;
		case O_PROTO:
			if (strcmp(optarg, "czbenchmarks") && strcmp(optarg, "scmodelforge"))
				return sc_seterr(SC_EUSAGE, "--protocol: '%s' is not scmodelforge or czbenchmarks", optarg);
			o->czb = !strcmp(optarg, "czbenchmarks");
			break;
		case O_VAR: o->var = optarg; break;
		case O_DE: o->de = optarg; break;
		case O_CMAP: o->cmap = optarg; break;
		case O_OP:
			if (strcmp(optarg, "ratio") && strcmp(optarg, "difference"))
				return sc_seterr(SC_EUSAGE, "--operation: '%s' is not ratio or difference", optarg);
			o->difference = !strcmp(optarg, "difference");
			break;
		case O_DATASET: o->dataset = optarg; break;
		case O_MODEL: o->model = optarg; break;
		case SC_OPT_SEED: rc = sc_parse_long("--seed", optarg, 0, UINT32_MAX, &v); o->p.seed = (uint64_t)v; break;
		default: return sc_seterr(SC_EUSAGE, "unknown option");
		}
		if (rc < 0)
			return rc;
	}
	if (*exit_now)
		return 0;
	if (optind != argc - 1)
		return sc_seterr(SC_EUSAGE, optind < argc ? "one matrix argument expected" : "matrix argument missing");
	o->in = argv[optind];
	if (!o->obs)
		return sc_seterr(SC_EUSAGE, "--obs is required");
	if (!o->czb && (!o->key || !o->expr))
		return sc_seterr(SC_EUSAGE, "--perturbation-key and --expr are required");
	if (o->czb && (!o->var || !o->de || !o->cmap))
		return sc_seterr(SC_EUSAGE, "--protocol czbenchmarks needs --var, --de and --control-map");
	return 0;
}

static int run_smf(struct opts *o, struct sc_stream *in, struct sc_stream *obs,
		   struct sc_stream *ex, struct sc_stream *out)
{
	struct sc_matrix E = SC_MATRIX_INIT, X = SC_MATRIX_INIT;
	struct sc_obs_labels lab = SC_OBS_LABELS_INIT;
	struct sc_perturb_result r = SC_PERTURB_RESULT_INIT;
	struct sc_metric_ctx ctx = { "perturbation", o->dataset, o->model, "scmodelforge" };
	int64_t bad;
	int ret;
	if ((ret = sc_obs_labels_read(obs, o->key, &lab)) < 0 || (ret = sc_mat_read(in, &E)) < 0 ||
	    (ret = sc_mat_read(ex, &X)) < 0)
		goto out;
	ret = SC_EINPUT;
	if (E.rows != lab.n || X.rows != lab.n) {
		sc_seterr(SC_EINPUT, "row counts disagree: embedding %lld, expression %lld, obs %lld",
			  (long long)E.rows, (long long)X.rows, (long long)lab.n);
		goto out;
	}
	if ((bad = sc_mat_first_nonfinite(&E)) >= 0 || (bad = sc_mat_first_nonfinite(&X)) >= 0) {
		sc_seterr(SC_EINPUT, "NaN or Inf in the %s (row %lld)",
			  sc_mat_first_nonfinite(&E) >= 0 ? "embedding" : "expression", (long long)bad);
		goto out;
	}
	if ((ret = sc_perturb_smf(E.data, E.cols, X.data, X.cols, &lab, &o->p, &r)) < 0)
		goto out;
	ret = sc_perturb_write(out, &r, &o->p, o->key, &ctx);
out:
	sc_mat_release(&E);
	sc_mat_release(&X);
	sc_obs_labels_release(&lab);
	sc_perturb_result_release(&r);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { .p = { "control", 50, 0.2, 42, 1.0 } };
	struct sc_stream *in = NULL, *obs = NULL, *ex = NULL, *var = NULL, *de = NULL, *cm = NULL,
			 *out = NULL;
	int exit_now = 0, ret = SC_EXIT_INPUT;

	sc_prog_init(argv[0]);
	if (parse_opts(argc, argv, &o, &exit_now) < 0)
		return sc_usage_error(usage, "%s", sc_errmsg());
	if (exit_now)
		return SC_EXIT_OK;
	if (!(in = sc_open(o.in, "r")) || !(obs = sc_open(o.obs, "r")) ||
	    (o.expr && !(ex = sc_open(o.expr, "r"))) || (o.var && !(var = sc_open(o.var, "r"))) ||
	    (o.de && !(de = sc_open(o.de, "r"))) || (o.cmap && !(cm = sc_open(o.cmap, "r"))) ||
	    !(out = sc_open(o.out, "w")))
		goto fail;
	if (o.czb) {
		struct sc_metric_ctx ctx = { "perturbation_expression_prediction", o.dataset,
					     o.model, "czbenchmarks" };
		if (sc_perturb_czb_run(in, obs, var, de, cm, o.difference, (uint32_t)o.p.seed, &ctx,
				       out) < 0)
			goto fail;
	} else if (run_smf(&o, in, obs, ex, out) < 0) {
		goto fail;
	}
	if (sc_close_ptr(&out) < 0)
		goto fail;
	ret = SC_EXIT_OK;
	goto done;
fail:
	sc_err_lib();
done:
	sc_abort(out);
	sc_abort(in);
	sc_abort(obs);
	sc_abort(ex);
	sc_abort(var);
	sc_abort(de);
	sc_abort(cm);
	return ret;
}
